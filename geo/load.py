"""Measure load per municipality: counts by via and role, a share metric, and counts per year.

Everything starts from the tagged measures of the extract JSON. `LoadIndex` flattens them once
into arrays, one entry per (measure, municipality, via, role); each figure is then a boolean
municipality × measure matrix, so filtering and counting take well under a millisecond and
can run per request in the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.records import MeasureRecord
from geo.terms import GEOGRAPHIC_VIAS, Metric, Role, Via, year_column


@dataclass(frozen=True)
class Filters:
    """Which measures and tags count. None means no filter."""

    plan: str | None = None
    theme: str | None = None
    strategy: str | None = None
    year: int | None = None
    via: tuple[Via, ...] | None = None  # default: the geographic vias
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
    ):
        """`years` are the programme's years, one load column each; a measure with no start
        runs from the first of them."""
        self.years = tuple(years)
        self.count_columns: list[str] = [
            str(c) for c in (Metric.GEOGRAPHIC, *Via, *Role, *map(year_column, self.years))
        ]
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
            words = filters.actor.casefold()
            keep &= np.array([words in a for a in self.actors])
        return keep

    def active(self, year: int) -> np.ndarray:
        """Measures running in `year`: no start means from the programme start, no end means
        ongoing."""
        return (self.start <= year) & (year <= self.end)

    def matrix(
        self, filters: Filters, vias: Sequence[str] | None = None, role: str | None = None
    ) -> np.ndarray:
        """Boolean municipality × measure matrix of the tags that count."""
        vias = vias if vias is not None else (filters.via or GEOGRAPHIC_VIAS)
        keep = np.zeros(len(self.muni), dtype=bool)
        for via in vias:
            keep |= self.via_is.get(via, False)
        keep &= self.measure_mask(filters)[self.measure]
        role = role or filters.role
        if role:
            keep &= self.role_is[role]
        out = np.zeros((len(self.numbers), len(self.ids)), dtype=bool)
        out[self.muni[keep], self.measure[keep]] = True
        return out

    def figures(
        self, filters: Filters = Filters(), only: tuple[str, ...] | None = None
    ) -> dict[str, np.ndarray]:
        """Every figure (or those in `only`) as a municipality × measure matrix; share as
        weights."""
        wanted = set(only or (*self.count_columns, Metric.SHARE))
        geo = self.matrix(filters)
        out = {str(Metric.GEOGRAPHIC): geo}
        everything = replace(filters, via=None)
        for via in Via:
            if via in wanted:
                out[str(via)] = self.matrix(everything, vias=(via,))
        for role in Role:
            if role in wanted:
                out[str(role)] = geo & self.matrix(replace(filters, role=None), role=role)
        for year in self.years:
            if year_column(year) in wanted:
                out[year_column(year)] = geo & self.active(year)[None, :]
        if Metric.SHARE in wanted:
            carriers = geo.sum(axis=0)
            out[str(Metric.SHARE)] = np.where(geo, 1.0 / np.maximum(carriers, 1)[None, :], 0.0)
        return out

    def metric(self, metric: str, filters: Filters = Filters()) -> np.ndarray:
        """One figure per municipality, e.g. for recolouring a map."""
        return self.figures(filters, only=(metric,))[metric].sum(axis=1)

    def table(self, filters: Filters = Filters(), with_ids: bool = True) -> pd.DataFrame:
        """One row per municipality: counts by via, role and year, share, and the ids behind."""
        figures = self.figures(filters)
        table = pd.DataFrame(self.municipalities, columns=["kommunenummer", "kommunenavn"])
        for name in self.count_columns:
            table[name] = figures[name].sum(axis=1).astype(int)
        share_at = len(table.columns) - len(self.years)  # before the year columns
        table.insert(share_at, "share", figures[Metric.SHARE].sum(axis=1).round(4))
        if with_ids:
            ids = np.array(self.ids, dtype=object)
            for name in self.count_columns:
                table[f"ids_{name}"] = [
                    "; ".join(sorted(ids[row], key=_id_key)) for row in figures[name]
                ]
        return table


def join_shapes(boundaries: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Boundaries joined with the load table (one row per municipality with a boundary)."""
    joined = boundaries[["kommunenummer", "geometry"]].merge(table, on="kommunenummer")
    columns = [c for c in table.columns] + ["geometry"]
    return gpd.GeoDataFrame(joined[columns], geometry="geometry", crs=boundaries.crs)
