"""Measure load per municipality: one model for every view, export and command.

For each municipality, the distinct measures that concern it are partitioned by their most
specific class (`LoadClass`): named → place → region → common. Specific = named + place + region;
total = specific + common; measures that name the municipality only inside an organisation's
name are listed apart ("organisation") and never counted in the total. Everything else (actor
and target, the share 1/n, the years) counts among the total.

`LoadIndex` flattens the tagged measures once into arrays, one entry per (measure, municipality,
via, role); each figure is then a boolean municipality × measure matrix, so filtering and
counting take well under a millisecond and can run per request in the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.load.counts import CountTable, Partition, count_table
from geo.records import MeasureRecord
from geo.tagging.actors import ActorList
from geo.terms import (
    COUNT_METRICS,
    GEOGRAPHIC_VIAS,
    PER_1000,
    Metric,
    Role,
    Via,
    via_column,
    year_column,
)


@dataclass(frozen=True)
class Filters:
    """Which measures and tags count. None means no filter."""

    plan: str | None = None
    theme: str | None = None
    strategy: str | None = None
    year: int | None = None
    via: tuple[Via, ...] | None = None  # the vias whose tags count (default: all)
    role: Role | None = None
    actor: str | None = None  # words in the Hvem field, case-insensitive


def _id_key(measure_id: str) -> tuple[int, ...]:
    return tuple(int(p) for p in measure_id.split(".") if p.isdigit())


class LoadIndex:
    """The tagged measures as arrays, built once; figures for any filter computed from them."""

    def __init__(
        self,
        measures: Sequence[MeasureRecord],
        municipalities: Sequence[tuple[str, str]],
        years: Sequence[int] = (),
        actors: ActorList | None = None,
    ):
        """`years` are the programme's years, one load column each; a measure with no start
        runs from the first of them. `actors` reads the Hvem fields as canonical names."""
        self.years = tuple(years)
        self.municipalities = list(municipalities)
        self.numbers = [n for n, _ in municipalities]
        self.measures = list(measures)
        self.ids = [m["id"] for m in measures]
        column = {n: i for i, n in enumerate(self.numbers)}
        rows: list[tuple[int, int, str, str]] = []
        for k, m in enumerate(measures):
            for tag in m.get("municipalities", []):
                if tag["kommunenummer"] not in column:
                    continue
                for role in tag.get("roles") or [tag["role"]]:
                    rows.append((column[tag["kommunenummer"]], k, tag["via"], role))
        self.muni = np.array([r[0] for r in rows], dtype=np.int64)
        self.measure = np.array([r[1] for r in rows], dtype=np.int64)
        row_vias = np.array([r[2] for r in rows], dtype=object)
        row_roles = np.array([r[3] for r in rows], dtype=object)
        # One boolean array per via and role, so filters are cheap ORs and ANDs.
        self.via_is = {str(v): row_vias == v for v in Via}
        self.role_is = {str(r): row_roles == r for r in Role}
        first = self.years[0] if self.years else 0
        periods = [m["period"] for m in measures]
        self.start = np.array([p["start"] or first for p in periods], dtype=np.int64)
        self.end = np.array([p["end"] or 9999 for p in periods], dtype=np.int64)
        self.attrs = {
            "plan": np.array([m["plan"] for m in measures], dtype=object),
            "theme": np.array([m["theme"] for m in measures], dtype=object),
            "strategy": np.array([m["strategy"] for m in measures], dtype=object),
        }
        self.actors = [" ; ".join(m["actors"]).casefold() for m in measures]
        self.actor_list = actors or ActorList()
        self.actor_names = [self.actor_list.read(m["actors"])[0] for m in measures]
        self._actor_keys = [{a.casefold() for a in names} for names in self.actor_names]
        self.count_columns: list[str] = [
            *map(str, COUNT_METRICS),
            *(via_column(v) for v in Via),
            str(Metric.ACTOR),
            str(Metric.TARGET),
            *map(year_column, self.years),
        ]

    # --- filtering -------------------------------------------------------------------------------

    def measure_mask(self, filters: Filters) -> np.ndarray:
        """Measures that pass the measure-level filters (plan, theme, strategy, year, actor)."""
        keep = np.ones(len(self.ids), dtype=bool)
        for key in ("plan", "theme", "strategy"):
            value = getattr(filters, key)
            if value:
                keep &= self.attrs[key] == value
        if filters.year:
            keep &= self.active(filters.year)
        if filters.actor:
            keep &= self.with_actor(filters.actor)
        return keep

    def with_actor(self, actor: str) -> np.ndarray:
        """Measures with this actor: by its canonical name (an alias or any case will do);
        words that name no actor are looked for in the Hvem text."""
        name = self.actor_list.canonical(actor).casefold()
        if any(name in keys for keys in self._actor_keys):
            return np.array([name in keys for keys in self._actor_keys], dtype=bool)
        words = " ".join(actor.split()).casefold()
        return np.array([words in a for a in self.actors], dtype=bool)

    def active(self, year: int) -> np.ndarray:
        """Measures running in `year`: no start means from the programme start, no end means
        ongoing."""
        return (self.start <= year) & (year <= self.end)

    def matrix(
        self,
        filters: Filters,
        via: str,
        role: str | None = None,
        mask: np.ndarray | None = None,
    ) -> np.ndarray:
        """Boolean municipality × measure matrix of the tags of one via that pass the filters
        (`mask`: the filters' measure mask, when the caller has it already)."""
        out = np.zeros((len(self.numbers), len(self.ids)), dtype=bool)
        if filters.via is not None and via not in filters.via:
            return out
        mask = self.measure_mask(filters) if mask is None else mask
        keep = self.via_is[via] & mask[self.measure]
        role = role or filters.role
        if role:
            keep &= self.role_is[role]
        out[self.muni[keep], self.measure[keep]] = True
        return out

    def partition(self, filters: Filters = Filters()) -> Partition:
        """Each measure in its most specific class per municipality."""
        mask = self.measure_mask(filters)
        name, place, region, common, org = (
            self.matrix(filters, v, mask=mask)
            for v in (Via.NAME, Via.PLACE, Via.REGION, Via.ALL, Via.ORGANISATION)
        )
        place &= ~name
        region &= ~(name | place)
        common &= ~(name | place | region)
        org &= ~(name | place | region | common)
        acts = self.matrix(filters, Via.NAME, Role.ACTOR, mask) | self.matrix(
            filters, Via.REGION, Role.ACTOR, mask
        )
        return Partition(name, place, region, common, org, acts)

    # --- figures --------------------------------------------------------------------------------

    def figures(
        self, filters: Filters = Filters(), only: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]:
        """Every count (or those in `only`) as a municipality × measure matrix; 'share' as
        weights. Roles and years count among the total."""
        wanted = set(only or (*self.count_columns, Metric.SHARE))
        parts = self.partition(filters)
        total = parts.total
        out: dict[str, np.ndarray] = {}
        for name in COUNT_METRICS:
            if name in wanted:
                out[str(name)] = parts.of(name)
        for via in Via:
            if via_column(via) in wanted:
                out[via_column(via)] = self.matrix(filters, via)
        for role in Role:
            if role in wanted:
                vias = [self.matrix(filters, v, role) for v in GEOGRAPHIC_VIAS]
                out[str(role)] = total & np.logical_or.reduce(vias)
        for year in self.years:
            if year_column(year) in wanted:
                out[year_column(year)] = total & self.active(year)[None, :]
        if Metric.SHARE in wanted:
            carriers = total.sum(axis=0)
            out[str(Metric.SHARE)] = np.where(total, 1.0 / np.maximum(carriers, 1)[None, :], 0.0)
        return out

    def metric(
        self,
        metric: str,
        filters: Filters = Filters(),
        inhabitants: Sequence[float] | np.ndarray | None = None,
    ) -> np.ndarray:
        """One figure per municipality, e.g. for recolouring a map. Per-1 000 metrics need
        `inhabitants` (in the order of the municipalities); unknown ones give NaN."""
        if metric in PER_1000:
            return self.counts(filters, inhabitants).of(metric)
        if metric not in self.columns:
            raise ValueError(f"unknown metric {metric!r}")
        return self.figures(filters, only=(metric,))[metric].sum(axis=1)

    @property
    def columns(self) -> list[str]:
        return [*self.count_columns, str(Metric.SHARE)]

    def table(
        self,
        filters: Filters = Filters(),
        population=None,
        with_ids: bool = True,
    ) -> pd.DataFrame:
        """One row per municipality: the partition, population and per 1 000, the via, role
        and year counts, share, and the measure ids behind every count."""
        figures = self.figures(filters)
        inhabitants = self.inhabitants(population)
        counts = self.counts(filters, inhabitants)
        table = pd.DataFrame(self.municipalities, columns=["kommunenummer", "kommunenavn"])
        for metric in COUNT_METRICS:
            table[str(metric)] = counts.of(metric)
        table["inhabitants"] = pd.array(
            [int(v) if v == v else None for v in inhabitants], dtype="Int64"
        )
        table["population_year"] = pd.array(
            [population.year if population and v == v else None for v in inhabitants],
            dtype="Int64",
        )
        for per in PER_1000:
            table[str(per)] = np.round(counts.of(per), 2)
        for column in self.count_columns[len(COUNT_METRICS) :]:
            table[column] = figures[column].sum(axis=1).astype(int)
        table[str(Metric.SHARE)] = figures[Metric.SHARE].sum(axis=1).round(4)
        if with_ids:
            ids = np.array(self.ids, dtype=object)
            for column in self.count_columns:
                table[f"ids_{column}"] = [
                    "; ".join(sorted(ids[row], key=_id_key)) for row in figures[column]
                ]
        return table

    def counts(
        self, filters: Filters = Filters(), inhabitants: Sequence[float] | np.ndarray | None = None
    ) -> CountTable:
        """Every municipality's counts under the filters (see geo.load.counts)."""
        return count_table(self.partition(filters), inhabitants)

    def inhabitants(self, population) -> np.ndarray:
        """Inhabitants in the order of the municipalities (NaN where unknown)."""
        known = population.inhabitants if population is not None else {}
        return np.array([known.get(n, np.nan) for n in self.numbers], dtype=float)


def join_shapes(shapes, table: pd.DataFrame):
    """Boundaries (or tiles) joined with the load table: one row per municipality with a shape."""
    import geopandas as gpd

    joined = shapes[["kommunenummer", "geometry"]].merge(table, on="kommunenummer")
    columns = [*table.columns, "geometry"]
    return gpd.GeoDataFrame(joined[columns], geometry="geometry", crs=shapes.crs)
