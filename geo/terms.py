"""The domain's words, defined once: vias, roles, fields, metrics, layouts and their Norwegian
labels. Every module and the app import them from here; nothing else spells them out.

The values are the words used in files, URLs and command-line options (English, stable); the
labels are what users read (Norwegian bokmål).
"""

from __future__ import annotations

from enum import StrEnum


class Via(StrEnum):
    """How a measure concerns a municipality."""

    NAME = "name"  # the municipality is named (also a former municipality or a town in it)
    REGION = "region"  # a grouping it belongs to is named
    PLACE = "place"  # a place in it is named
    ORGANISATION = "organisation"  # only an organisation's name holds the place
    ALL = "all"  # the municipalities collectively ("kommunene" among the actors)


GEOGRAPHIC_VIAS: tuple[Via, ...] = (Via.NAME, Via.REGION, Via.PLACE, Via.ALL)
# Strongest first: how a measure concerns a municipality when several vias apply.
VIA_STRENGTH: tuple[Via, ...] = (Via.NAME, Via.PLACE, Via.REGION, Via.ALL, Via.ORGANISATION)


class Role(StrEnum):
    ACTOR = "actor"  # named in the "Hvem" field
    TARGET = "target"  # named in the title or the why/how text


class Field(StrEnum):
    """The parts of a measure the tagger reads, in reading order."""

    TITLE = "title"
    WHY_HOW = "why_how"
    ACTORS = "actors"


class Layout(StrEnum):
    """What a map draws: real boundaries, the schematic tile map, or whichever can be had."""

    AUTO = "auto"
    BOUNDARIES = "boundaries"
    TILES = "tiles"


class Metric(StrEnum):
    """A figure per municipality. YEAR needs a year: its column is `year_column(year)`."""

    GEOGRAPHIC = "geographic"
    NAME = "name"
    REGION = "region"
    PLACE = "place"
    ORGANISATION = "organisation"
    ALL = "all"
    ACTOR = "actor"
    TARGET = "target"
    SHARE = "share"
    YEAR = "year"


LOAD_FORMATS = ("csv", "geojson", "gpkg", "xlsx")  # what `tiltakskart load` writes


def year_column(year: int) -> str:
    """The load column of the measures active in `year`: 'y2026'."""
    return f"y{year}"


def column_year(column: str) -> int | None:
    """The year of a 'y2026' column, or None."""
    digits = column[1:]
    if column[:1] == "y" and len(digits) == 4 and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


# --- Norwegian labels ---------------------------------------------------------------------------

VIA_LABELS: dict[str, str] = {
    Via.NAME: "navngitt",
    Via.REGION: "via region",
    Via.PLACE: "via sted",
    Via.ORGANISATION: "via organisasjonsnavn",
    Via.ALL: "som en av kommunene",
}
NOT_CONCERNED = "ikke berørt"
ROLE_LABELS: dict[str, str] = {Role.ACTOR: "aktør", Role.TARGET: "mål"}
ROLE_CHOICE_LABELS: dict[str, str] = {
    Role.ACTOR: "Kommunen er aktør (Hvem)",
    Role.TARGET: "Kommunen er målet (tekst)",
}
LAYOUT_LABELS: dict[str, str] = {
    Layout.BOUNDARIES: "Kommunegrenser",
    Layout.TILES: "Ruter (lik størrelse)",
}
# What a legend or a column says the figure counts.
METRIC_LABELS: dict[str, str] = {
    Metric.GEOGRAPHIC: "Tiltak som berører kommunen",
    Metric.NAME: "Tiltak der kommunen er navngitt",
    Metric.REGION: "Tiltak via region",
    Metric.PLACE: "Tiltak via sted",
    Metric.ORGANISATION: "Tiltak via organisasjonsnavn",
    Metric.ALL: "Tiltak der kommunene er aktører",
    Metric.ACTOR: "Tiltak der kommunen er aktør",
    Metric.TARGET: "Tiltak rettet mot kommunen",
    Metric.SHARE: "Andel (1/n per tiltak)",
    Metric.YEAR: "Aktive tiltak i {year}",
}
# The choices offered in the app's "Hva kartet viser" control.
METRIC_CHOICE_LABELS: dict[str, str] = {
    Metric.GEOGRAPHIC: "Totalt (alle geografiske treff)",
    Metric.NAME: "Bare der kommunen er navngitt",
    Metric.ACTOR: "Der kommunen er aktør",
    Metric.SHARE: "Andel (1/n per tiltak)",
    Metric.YEAR: "Aktive tiltak i valgt år",
}


def capitalised(label: str) -> str:
    """'via sted' -> 'Via sted' (labels are stored as they read inside a sentence)."""
    return label[:1].upper() + label[1:]


def metric_label(metric: str, year: int | None = None) -> str:
    """The legend title of a metric; a 'y2026' column reads as the year metric."""
    if (from_column := column_year(metric)) is not None:
        metric, year = Metric.YEAR, from_column
    return METRIC_LABELS[metric].format(year=year if year is not None else "")
