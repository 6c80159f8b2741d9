"""Typed shapes of the data handed between stages: the extract JSON, a measure, a tag.

They are TypedDicts because the data is JSON (read from `tiltak.json`, sent to the browser);
the types let mypy check every stage that reads or builds them.
"""

from __future__ import annotations

from typing import NamedTuple, NotRequired, TypedDict


class PeriodRecord(TypedDict):
    text: str
    start: int | None
    end: int | None


class Evidence(TypedDict):
    field: str  # terms.Field
    role: str  # terms.Role
    text: str  # the exact words in that field


class TagRecord(TypedDict):
    """One municipality (or a name outside the county) and how a measure concerns it."""

    kommunenummer: str
    name: str
    via: str  # terms.Via
    role: str  # the first evidence's role (a target before an actor)
    field: str
    evidence: str
    roles: list[str]
    evidences: list[Evidence]
    areas: list[str]  # keys of the regions, places or organisations behind it (gazetteer)
    level: NotRequired[str]  # outside the county only: "kommune", "fylke" or "land"


class MeasureTags(NamedTuple):
    """A measure's tags: municipalities of the county, and names outside it."""

    municipalities: list[TagRecord]
    outside: list[TagRecord]


class MeasureRecord(TypedDict):
    id: str
    aliases: list[str]
    title: str
    plan: str | None
    theme: str | None
    strategy: str | None
    strategy_title: str | None
    why_how: str
    actors: list[str]
    actors_label: str | None
    period: PeriodRecord
    strategy_refs: list[str]
    line: int
    footnotes: list[str]
    responsible: list[str]  # the actors a label names responsible ("Ansvarlig")
    partners: list[str]  # the actors a label names partners ("Samarbeidspartnere")
    municipalities: NotRequired[list[TagRecord]]
    outside: NotRequired[list[TagRecord]]


# A measure's fields, once: MeasureRecord's keys (in the order of the extract JSON) but its tags;
# the JSON, the CSV and the tables of GIS and spreadsheet exports are all derived from it.
MEASURE_FIELDS: tuple[str, ...] = tuple(
    name for name in MeasureRecord.__annotations__ if name not in MeasureTags._fields
)
PERIOD_COLUMNS = ("period_text", "period_start", "period_end")  # the period, flat
# The flat form of a measure (a table row): the period in three columns.
FLAT_COLUMNS: tuple[str, ...] = tuple(
    column
    for name in MEASURE_FIELDS
    for column in (PERIOD_COLUMNS if name == "period" else (name,))
)


def flat_measure(measure: MeasureRecord) -> dict[str, object]:
    """A measure as a flat table row in FLAT_COLUMNS order: lists joined with '; ', the period
    as its text, start and end."""
    row: dict[str, object] = {}
    for name in MEASURE_FIELDS:
        value = measure[name]  # type: ignore[literal-required]
        if name == "period":
            period = measure["period"]
            row.update(
                zip(PERIOD_COLUMNS, (period["text"], period["start"], period["end"]), strict=True)
            )
        elif isinstance(value, list):
            row[name] = "; ".join(str(v) for v in value)
        else:
            row[name] = value
    return row


class SourceRecord(TypedDict):
    file: str
    sha256: str


class CountyRecord(TypedDict):
    number: str
    name: str
    gazetteer: str


class ProgrammeRecord(TypedDict):
    """The programme's own period, read from the document (title, then measures)."""

    start: int | None
    end: int | None


class ExtractRecord(TypedDict):
    """The extract JSON (`tiltakskart extract`)."""

    source: SourceRecord
    programme: ProgrammeRecord
    county: NotRequired[CountyRecord]
    measures: list[MeasureRecord]
