"""What changed between two revisions of a county's programme: per measure (added, removed,
renumbered, split, changed and in what) and per municipality (what is new or gone in its
specific load)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from geo.load import Filters, LoadIndex
from geo.records import MeasureRecord
from geo.revisions.match import Matching, match_measures
from geo.terms import COMPARED_FIELDS, Change


@dataclass(frozen=True)
class Revision:
    """One revision of a programme, read and tagged: what a comparison needs of it."""

    label: str  # its file's name
    measures: Sequence[MeasureRecord]
    index: LoadIndex
    names: Mapping[str, str]  # kommunenummer -> name


@dataclass(frozen=True)
class MeasureChange:
    """One measure's fate: `old` and `new` are its ids in each revision (None: not in it)."""

    change: Change
    old: str | None
    new: str | None
    title: str  # as the new revision has it (the old one's for a removed measure)
    confidence: float = 1.0  # of the match (1 where nothing was matched)
    fields: tuple[str, ...] = ()  # COMPARED_FIELDS that differ
    uncertain: bool = False  # a match for the administrator to confirm


@dataclass(frozen=True)
class MunicipalityChange:
    """A municipality's specific load: measures new in it (new ids, with whether it is asked to
    act) and gone from it (old ids)."""

    kommune: str
    name: str
    new: tuple[tuple[str, bool], ...]
    gone: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeDiff:
    old_label: str
    new_label: str
    measures: tuple[MeasureChange, ...]
    municipalities: tuple[MunicipalityChange, ...]
    notes: tuple[str, ...] = ()
    old_titles: Mapping[str, str] = field(default_factory=dict)  # the old revision's titles

    @property
    def equal(self) -> bool:
        return all(c.change == Change.UNCHANGED for c in self.measures) and not any(
            m.new or m.gone for m in self.municipalities
        )

    def count(self, change: Change) -> int:
        return sum(c.change == change for c in self.measures)

    @property
    def uncertain(self) -> tuple[MeasureChange, ...]:
        return tuple(c for c in self.measures if c.uncertain)


def _field_text(m: MeasureRecord, name: str) -> str:
    value = m[name]  # type: ignore[literal-required]
    if name == "period":
        value = value["text"] if isinstance(value, dict) else value
    if isinstance(value, list):
        value = "; ".join(value)
    return " ".join(str(value or "").split())


def changed_fields(old: MeasureRecord, new: MeasureRecord) -> tuple[str, ...]:
    """The compared fields whose text differs (spacing and line breaks aside)."""
    return tuple(f for f in COMPARED_FIELDS if _field_text(old, f) != _field_text(new, f))


def measure_changes(
    old: Sequence[MeasureRecord], new: Sequence[MeasureRecord], matching: Matching
) -> tuple[MeasureChange, ...]:
    """Every measure of both revisions once: the new revision's in its order (with their
    matches), then the removed ones in the old order."""
    olds = {m["id"]: m for m in old}
    news = {m["id"]: m for m in new}
    by_new = {m.new: m for m in matching.matches}
    out: list[MeasureChange] = []
    for n, measure in news.items():
        match = by_new.get(n)
        if match is None:
            out.append(MeasureChange(Change.ADDED, None, n, measure["title"]))
            continue
        fields = changed_fields(olds[match.old], measure)
        change = match.change
        if change == Change.CHANGED:
            if match.old != n:
                change = Change.RENUMBERED  # matched through an alias
            elif not fields:
                change = Change.UNCHANGED
        out.append(
            MeasureChange(
                change,
                match.old,
                n,
                measure["title"],
                match.confidence,
                fields,
                uncertain=match.uncertain,
            )
        )
    out += [MeasureChange(Change.REMOVED, o, None, olds[o]["title"]) for o in matching.removed]
    return tuple(out)


def municipality_changes(
    changes: Sequence[MeasureChange],
    old_index: LoadIndex,
    new_index: LoadIndex,
    names: Mapping[str, str],
) -> tuple[MunicipalityChange, ...]:
    """Per municipality of the new revision: the measures new in its specific load (not there,
    or not in its specific load, in the old revision) and those gone from it."""
    old_parts, new_parts = old_index.partition(Filters()), new_index.partition(Filters())
    old_col = {m: j for j, m in enumerate(old_index.ids)}
    new_col = {m: j for j, m in enumerate(new_index.ids)}
    old_row = {k: i for i, k in enumerate(old_index.numbers)}
    olds_of: dict[str, list[str]] = {}  # new id -> the old ids it came from
    news_of: dict[str, list[str]] = {}  # old id -> the new ids it went to
    for c in changes:
        if c.old is not None and c.new is not None:
            olds_of.setdefault(c.new, []).append(c.old)
            news_of.setdefault(c.old, []).append(c.new)

    def old_specific(kommune: str, measure: str) -> bool:
        i = old_row.get(kommune)
        return i is not None and bool(old_parts.specific[i, old_col[measure]])

    out = []
    for i, kommune in enumerate(new_index.numbers):
        specific: np.ndarray = new_parts.specific[i]
        act: np.ndarray = new_parts.act[i]
        new = tuple(
            (n, bool(act[new_col[n]]))
            for n in new_index.ids
            if specific[new_col[n]]
            and not any(old_specific(kommune, o) for o in olds_of.get(n, []))
        )
        gone = tuple(
            o
            for o in old_index.ids
            if old_specific(kommune, o)
            and not any(new_parts.specific[i, new_col[n]] for n in news_of.get(o, []))
        )
        out.append(MunicipalityChange(kommune, names.get(kommune, kommune), new, gone))
    return tuple(out)


def diff_programmes(old: Revision, new: Revision) -> ProgrammeDiff:
    """Compare two revisions of a county's programme."""
    matching = match_measures(old.measures, new.measures)
    changes = measure_changes(old.measures, new.measures, matching)
    return ProgrammeDiff(
        old_label=old.label,
        new_label=new.label,
        measures=changes,
        municipalities=municipality_changes(changes, old.index, new.index, new.names),
        notes=matching.notes,
        old_titles={m["id"]: m["title"] for m in old.measures},
    )
