"""A municipality's counts, in one place: the classes, specific and total, per 1 000.

Every view, export and command that says "9 særskilte + 88 felles = 97" or "0,63 per 1 000"
takes it from here, so the figures agree everywhere and add up: specific = named + place +
region, total = specific + common; organisation is listed apart and never counted. Specific is
also split by role: act (the municipality is among the actors, by name or through a region)
+ area (it is not: the measure concerns its area) = specific.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo.terms import LoadClass, Metric


@dataclass(frozen=True)
class Partition:
    """Municipality × measure matrices, one class per cell at most (see the module doc)."""

    named: np.ndarray
    place: np.ndarray
    region: np.ndarray
    common: np.ndarray
    organisation: np.ndarray  # only inside an organisation's name: not in the total
    acts: np.ndarray | None = None  # among the measure's actors, by name or region

    @property
    def specific(self) -> np.ndarray:
        return self.named | self.place | self.region

    @property
    def act(self) -> np.ndarray:
        """Specific, and the municipality is asked to act (among the actors)."""
        acts = np.zeros_like(self.named) if self.acts is None else self.acts
        return self.specific & acts

    @property
    def area(self) -> np.ndarray:
        """Specific, and the municipality is not among the actors: the measure concerns its
        area (a place, line, route or water body in it, or a region it belongs to)."""
        return self.specific & ~self.act

    @property
    def total(self) -> np.ndarray:
        return self.specific | self.common

    def of(self, name: str) -> np.ndarray:
        """The matrix of a class or of 'specific' / 'total'."""
        return getattr(self, name)


def per_1000(counts: np.ndarray, inhabitants: Sequence[float] | np.ndarray | None) -> np.ndarray:
    """Counts per 1 000 inhabitants; NaN where the population is unknown."""
    counts = np.asarray(counts, dtype=float)
    if inhabitants is None:
        return np.full(counts.shape, np.nan)
    people = np.asarray(inhabitants, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(people > 0, counts / people * 1000.0, np.nan)


@dataclass(frozen=True)
class Counts:
    """The classes of one municipality, which add up."""

    named: int
    place: int
    region: int
    common: int
    organisation: int
    specific_per_1000: float  # NaN when the population is unknown
    total_per_1000: float
    act: int = 0  # of specific: the municipality is among the actors
    area: int = 0  # of specific: it is not (specific = act + area)

    @property
    def specific(self) -> int:
        return self.named + self.place + self.region

    @property
    def total(self) -> int:
        return self.specific + self.common


@dataclass(frozen=True)
class CountTable:
    """The counts of every municipality (in the load index's order) as arrays."""

    named: np.ndarray
    place: np.ndarray
    region: np.ndarray
    common: np.ndarray
    organisation: np.ndarray
    inhabitants: np.ndarray  # NaN where unknown
    act: np.ndarray  # of specific: among the actors
    area: np.ndarray  # of specific: not among them

    @property
    def specific(self) -> np.ndarray:
        return self.named + self.place + self.region

    @property
    def total(self) -> np.ndarray:
        return self.specific + self.common

    @property
    def specific_per_1000(self) -> np.ndarray:
        return per_1000(self.specific, self.inhabitants)

    @property
    def total_per_1000(self) -> np.ndarray:
        return per_1000(self.total, self.inhabitants)

    def of(self, metric: str) -> np.ndarray:
        """The array of a class, of 'specific' or 'total', or of a per 1 000 metric."""
        if metric not in (*LoadClass, Metric.ORGANISATION, Metric.ACT, Metric.AREA, *COUNTED):
            raise ValueError(f"not a count: {metric!r}")
        return np.asarray(getattr(self, str(metric)))

    def row(self, i: int) -> Counts:
        """One municipality's counts."""
        return Counts(
            int(self.named[i]),
            int(self.place[i]),
            int(self.region[i]),
            int(self.common[i]),
            int(self.organisation[i]),
            float(self.specific_per_1000[i]),
            float(self.total_per_1000[i]),
            int(self.act[i]),
            int(self.area[i]),
        )


COUNTED = (Metric.SPECIFIC, Metric.TOTAL, Metric.SPECIFIC_PER_1000, Metric.TOTAL_PER_1000)


def count_table(parts: Partition, inhabitants: Sequence[float] | np.ndarray | None) -> CountTable:
    """Per municipality, its classes summed over the measures, and its inhabitants."""
    names = (*LoadClass, Metric.ORGANISATION, Metric.ACT, Metric.AREA)
    sums = {str(name): parts.of(str(name)).sum(axis=1).astype(int) for name in names}
    size = len(sums[LoadClass.NAMED])
    people = np.full(size, np.nan) if inhabitants is None else np.asarray(inhabitants, float)
    return CountTable(
        sums[LoadClass.NAMED],
        sums[LoadClass.PLACE],
        sums[LoadClass.REGION],
        sums[LoadClass.COMMON],
        sums[Metric.ORGANISATION],
        people,
        sums[Metric.ACT],
        sums[Metric.AREA],
    )
