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
    """The parts of a measure, in reading order (the tagger reads all but the period)."""

    TITLE = "title"
    WHY_HOW = "why_how"
    ACTORS = "actors"
    PERIOD = "period"


class ActorRole(StrEnum):
    """What a programme's label says of the actors it lists: responsible ("Ansvarlig",
    "Hvem har ansvar") or partners ("Samarbeidspartnere", "Hvem bør være med"); a bare "Hvem"
    says neither."""

    RESPONSIBLE = "responsible"
    PARTNER = "partner"


ACTOR_ROLE_LABELS: dict[ActorRole, str] = {
    ActorRole.RESPONSIBLE: "Ansvarlig",
    ActorRole.PARTNER: "Samarbeidspartnere",
}


class Layout(StrEnum):
    """What a map draws: real boundaries, the schematic tile map, or whichever can be had."""

    AUTO = "auto"
    BOUNDARIES = "boundaries"
    TILES = "tiles"


class LoadClass(StrEnum):
    """The one class a measure has for a municipality: its most specific way of concerning it.

    For each municipality the classes partition the measures that concern it, so the figures
    add up: specific = named + place + region, total = specific + common. A measure that names
    the municipality only inside an organisation's name is listed apart, never counted.
    """

    NAMED = "named"  # its name, a former municipality or a town in it
    PLACE = "place"  # a place in it
    REGION = "region"  # a grouping it belongs to
    COMMON = "common"  # only as one of "kommunene"


LOAD_CLASSES: tuple[LoadClass, ...] = tuple(LoadClass)  # most specific first
SPECIFIC_CLASSES: tuple[LoadClass, ...] = (LoadClass.NAMED, LoadClass.PLACE, LoadClass.REGION)
CLASS_VIA: dict[LoadClass, Via] = {
    LoadClass.NAMED: Via.NAME,
    LoadClass.PLACE: Via.PLACE,
    LoadClass.REGION: Via.REGION,
    LoadClass.COMMON: Via.ALL,
}


class Metric(StrEnum):
    """A figure per municipality. YEAR needs a year: its column is `year_column(year)`."""

    SPECIFIC = "specific"  # named + place + region
    ACT = "act"  # specific, and the municipality is among the actors (by name or region)
    AREA = "area"  # specific, and the municipality is not among them: the measure concerns its area
    TOTAL = "total"  # specific + common
    NAMED = "named"
    PLACE = "place"
    REGION = "region"
    COMMON = "common"
    ORGANISATION = "organisation"  # listed apart: not in total
    SPECIFIC_PER_1000 = "specific_per_1000"
    TOTAL_PER_1000 = "total_per_1000"
    ACTOR = "actor"  # measures in total where the municipality is among the actors
    TARGET = "target"  # … named in the title or the why/how text
    SHARE = "share"  # each measure in total weighs 1/n on its n municipalities
    YEAR = "year"  # measures in total active in a year
    # Follow-up: of the specific measures that can carry a status (the municipality is asked
    # to act, or the county opened it), the share in progress or done (followup.records).
    PROGRESS = "progress"
    # Revisions: specific measures new for the municipality since the previous revision
    # (geo.revisions; offered where the app serves a previous revision).
    NEW = "new"


PER_1000 = {Metric.SPECIFIC_PER_1000: Metric.SPECIFIC, Metric.TOTAL_PER_1000: Metric.TOTAL}
COUNT_METRICS: tuple[Metric, ...] = (
    Metric.NAMED,
    Metric.PLACE,
    Metric.REGION,
    Metric.SPECIFIC,
    Metric.COMMON,
    Metric.TOTAL,
    Metric.ORGANISATION,
    Metric.ACT,
    Metric.AREA,
)


def via_column(via: str) -> str:
    """The load column counting the measures with a tag of this via: 'via_region'."""
    return f"via_{via}"


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
CLASS_LABELS: dict[str, str] = {
    LoadClass.NAMED: "navngitt",
    LoadClass.PLACE: "via sted",
    LoadClass.REGION: "via region",
    LoadClass.COMMON: "felles for alle kommunene",
}
ORGANISATION_LABEL = "bare i et organisasjonsnavn"
# What a legend or a column says the figure counts.
METRIC_LABELS: dict[str, str] = {
    Metric.SPECIFIC: "Særskilte tiltak (navngitt, sted eller region)",
    Metric.ACT: "Særskilte tiltak der kommunen skal bidra (blant aktørene)",
    Metric.AREA: "Særskilte tiltak som gjelder kommunens område (ikke blant aktørene)",
    Metric.TOTAL: "Alle tiltak (særskilte og felles)",
    Metric.NAMED: "Tiltak der kommunen er navngitt",
    Metric.PLACE: "Tiltak via et sted i kommunen",
    Metric.REGION: "Tiltak via en region kommunen hører til",
    Metric.COMMON: "Tiltak felles for alle kommunene",
    Metric.ORGANISATION: "Tiltak bare via et organisasjonsnavn (telles ikke)",
    Metric.SPECIFIC_PER_1000: "Særskilte tiltak per 1 000 innbyggere",
    Metric.TOTAL_PER_1000: "Alle tiltak per 1 000 innbyggere",
    Metric.ACTOR: "Tiltak der kommunen er aktør",
    Metric.TARGET: "Tiltak rettet mot kommunen",
    Metric.SHARE: "Andel av tiltakene (1/n per tiltak)",
    Metric.YEAR: "Aktive tiltak i {year}",
    Metric.PROGRESS: "Fremdrift: andel påbegynt eller gjennomført",
    Metric.NEW: "Nye særskilte tiltak siden forrige revisjon",
}
# A municipality's specific measures by role (geo.load.counts): what it is asked to do, and
# what only concerns its area.
SPLIT_LABELS: dict[str, str] = {
    Metric.ACT: "Kommunen skal bidra",
    Metric.AREA: "Tiltaket gjelder kommunens område",
}
# What each of them means, said under its heading.
SPLIT_HINTS: dict[str, str] = {
    Metric.ACT: "Kommunen er blant aktørene (Hvem), ved navn eller gjennom en region.",
    Metric.AREA: "Kommunen er ikke blant aktørene: tiltaket gjelder et sted, en strekning eller "
    "et område i kommunen.",
}
# A measure's part in one municipality's load, as a table column says it (lower case).
PART_LABELS: dict[str, str] = {
    Metric.ACT: "skal bidra",
    Metric.AREA: "gjelder kommunens område",
    Metric.COMMON: "felles for alle kommunene",
    Metric.ORGANISATION: "bare i et organisasjonsnavn (telles ikke)",
}
# The choices offered in the app's "Hva kartet viser" control; the first is the default: what
# the region asks the municipality to act on.
METRIC_CHOICE_LABELS: dict[str, str] = {
    Metric.ACT: "Særskilte der kommunen skal bidra",
    Metric.AREA: "Særskilte som bare gjelder kommunens område",
    Metric.SPECIFIC: "Særskilte tiltak i alt (navngitt, sted, region)",
    Metric.SPECIFIC_PER_1000: "Særskilte tiltak per 1 000 innbyggere",
    Metric.NAMED: "Bare der kommunen er navngitt",
    Metric.TOTAL: "Alle tiltak (særskilte og felles)",
    Metric.SHARE: "Andel av tiltakene (1/n per tiltak)",
    Metric.PROGRESS: "Fremdrift i oppfølgingen (påbegynt eller gjennomført)",
    Metric.NEW: "Nytt for kommunen siden forrige revisjon",
}
# Figures of the app alone: they need the follow-up's database or a previous revision.
APP_METRICS: tuple[Metric, ...] = (Metric.PROGRESS, Metric.NEW)
DEFAULT_METRIC = Metric.ACT


def capitalised(label: str) -> str:
    """'via sted' -> 'Via sted' (labels are stored as they read inside a sentence)."""
    return label[:1].upper() + label[1:]


def metric_label(metric: str, year: int | None = None) -> str:
    """The legend title of a metric; a 'y2026' column reads as the year metric."""
    if (from_column := column_year(metric)) is not None:
        metric, year = Metric.YEAR, from_column
    return METRIC_LABELS[metric].format(year=year if year is not None else "")


# Headers of the load table's columns in downloads for people (the CLI keeps the field names).
COLUMN_LABELS: dict[str, str] = {
    "kommunenummer": "Kommunenummer",
    "kommunenavn": "Kommune",
    "inhabitants": "Innbyggere",
    "population_year": "Innbyggertall per 1. januar",
}


def column_label(column: str) -> str:
    """The Norwegian header of a load-table column: 'y2026' -> 'Aktive tiltak i 2026'."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if column.startswith("via_") and column[4:] in VIA_LABELS:
        return f"Tiltak med treff: {VIA_LABELS[column[4:]]} (kan overlappe)"
    if column_year(column) is not None or column in METRIC_LABELS:
        return metric_label(column)
    return column


class Change(StrEnum):
    """How a measure of one revision of a programme relates to the next (`tiltakskart diff`)."""

    UNCHANGED = "unchanged"  # the same number and text
    CHANGED = "changed"  # the same number; title, actors, period or why/how changed
    RENUMBERED = "renumbered"  # another number, matched by its text (maybe changed too)
    SPLIT = "split"  # a new measure made from part of an old one that lives on
    ADDED = "added"  # no measure of the old revision matches it
    REMOVED = "removed"  # no measure of the new revision matches it


CHANGE_LABELS: dict[Change, str] = {
    Change.UNCHANGED: "Uendret",
    Change.CHANGED: "Endret",
    Change.RENUMBERED: "Nytt nummer",
    Change.SPLIT: "Delt ut",
    Change.ADDED: "Nytt",
    Change.REMOVED: "Fjernet",
}
# The parts of a measure that a revision's change is told by, with their Norwegian labels.
COMPARED_FIELDS: dict[str, str] = {
    "title": "tittel",
    "actors": "hvem",
    "period": "tidsperiode",
    "why_how": "hvorfor og hvordan",
}
