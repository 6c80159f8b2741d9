"""What the views show, computed from the programme: kept out of the callbacks so that they stay
small and so the figures can be tested without a browser. Row tables are built once at start.

Every figure comes from the one load model (geo.load.index): for each municipality the measures that
concern it are specific (named, place, region) or common, and the parts add up.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from app.access import Access
from app.state import Choices, PageState
from app.store import MemoryStore, Store
from app.tracking import StatusGrid, count_progress, status_grid
from followup.records import UNREPORTED_LABEL
from geo import norsk
from geo.geometry.web import WebShapes
from geo.load import Counts, CountTable, Filters, Partition, count_table
from geo.pipeline import Programme
from geo.reading.parse import Plan
from geo.records import MeasureRecord, PeriodRecord, TagRecord
from geo.revisions import ProgrammeDiff
from geo.terms import (
    CLASS_LABELS,
    CLASS_VIA,
    LOAD_CLASSES,
    PART_LABELS,
    PER_1000,
    ROLE_LABELS,
    SPECIFIC_CLASSES,
    SPLIT_LABELS,
    VIA_LABELS,
    VIA_STRENGTH,
    Layout,
    LoadClass,
    Metric,
    Via,
)
from geo.terms import (
    metric_label as term_label,
)

CONTEXT = 50  # characters of context either side of evidence in the table
NOT_CONCERNED = "none"  # a municipality a measure does not concern, on the highlight map
NO_MEASURES = "Ingen tiltak i dette utvalget"
ORGANISATION = str(Metric.ORGANISATION)  # the class listed apart: only an organisation's name
KOMMUNE_GROUPS = (*(str(c) for c in LOAD_CLASSES), ORGANISATION)  # specific first
SPECIFIC_VIAS = {str(CLASS_VIA[c]) for c in SPECIFIC_CLASSES}
SPECIFIC_NAMES = {str(c) for c in SPECIFIC_CLASSES}


@dataclass
class View:
    """What every view reads: the programme built at start-up, tables made from it once, and
    where the app is served. Data that changes while the app runs comes from `store`."""

    programme: Programme
    rows: dict[str, list[dict]]  # kommunenummer -> one row per measure that concerns it
    attribution: str | None
    choices: Choices
    plans: dict[str, Plan]  # key ("1") -> the plan
    inhabitants: np.ndarray = field(default_factory=lambda: np.zeros(0))
    shapes: dict[Layout, WebShapes] = field(default_factory=dict)  # with the URLs they are at
    prefix: str = "/"  # the app's path prefix: links start with it
    store: Store = field(default_factory=MemoryStore)  # data that changes: read per request
    # Every programme served beside this one: (label, its prefix), this one's among them.
    programmes: tuple[tuple[str, str], ...] = ()
    access: Access | None = None  # logins (None: no follow-up database, read-only)
    changes: ProgrammeDiff | None = None  # since the previous revision (None: no previous)
    # The store's last answer laid on the grid: (codes, reportable, grid), replaced whole.
    _grid: tuple | None = field(default=None, init=False, repr=False, compare=False)

    # Cached: callbacks index these per municipality, which must not rebuild them (quadratic).
    @cached_property
    def numbers(self) -> list[str]:
        return [n for n, _ in self.programme.municipalities]

    @cached_property
    def names(self) -> list[str]:
        return [name for _, name in self.programme.municipalities]

    @cached_property
    def name_by_number(self) -> dict[str, str]:
        return dict(self.programme.municipalities)

    @cached_property
    def measure_options(self) -> list[dict]:
        """The measure search's options: number and title, searched over search_text."""
        return [
            {"label": f"{m['id']} {m['title']}", "value": m["id"], "search": search_text(self, m)}
            for m in self.programme.measures
        ]

    def status_grid(self) -> StatusGrid:
        """The follow-up on this programme's grid, asked of the store on every call and laid
        out again only when the store answers with other data (its change counter moved)."""
        codes, reportable = self.store.progress_source()
        held = self._grid
        if held is not None and held[0] is codes and held[1] is reportable:
            return held[2]
        index = self.programme.index
        grid = status_grid(codes, reportable, index.numbers, index.ids)
        self._grid = (codes, reportable, grid)
        return grid

    @property
    def population_year(self) -> int | None:
        return self.programme.population.year if self.programme.population else None

    @cached_property
    def county_bounds(self) -> dict[str, tuple[float, float, float, float]]:
        """Each county's bounds on a national map (empty on a county's map)."""
        shapes = self.programme.web.get(Layout.BOUNDARIES)
        return shapes.county_bounds if shapes else {}

    def shape_kind(self, state: PageState) -> Layout:
        """BOUNDARIES when the page asks for them and they are loaded, else TILES."""
        wanted = state.shape_layout
        if wanted == Layout.BOUNDARIES and self.programme.has_boundaries:
            return Layout.BOUNDARIES
        return Layout.TILES

    def shapes_for(self, state: PageState) -> WebShapes:
        kind = self.shape_kind(state)
        return self.shapes.get(kind) or self.programme.web[kind]

    def attribution_for(self, state: PageState) -> str | None:
        return self.attribution if self.shape_kind(state) == Layout.BOUNDARIES else None

    def name_of(self, number: str) -> str:
        return self.name_by_number.get(number, number)


def drawn_key(state: PageState, asked: object = None) -> dict:
    """What a drawn load map depends on: its shapes and background, and the filters that
    colour it (and for progress, the follow-up's version the router passed in `asked`). Equal
    keys mean the map on screen already shows the state."""
    key: dict = {
        "shapes": [state.layout, state.bakgrunn],
        "filters": [
            *(str(state.metric), state.year, state.plan, state.theme, state.strategy),
            *(state.actor, str(state.role) if state.role else None),
        ],
    }
    if state.metric == Metric.PROGRESS and isinstance(asked, dict):
        version = asked.get("v")
        key["followup"] = version if isinstance(version, str) and len(version) < 40 else None
    return key


def plan_label(plan: Plan) -> str:
    """A plan as users read it everywhere (the control, slides, measures, titles, files):
    'Plan 1: Regional plan for økt livskvalitet, deltakelse og likeverd'."""
    return f"Plan {plan.key}: {plan.title}"


def measure_plan(view: View, measure: MeasureRecord) -> str:
    """The plan of a measure by plan_label (its own words if the plan is unknown)."""
    plan = view.programme.plan_titled(measure["plan"])
    return plan_label(plan) if plan else str(measure["plan"] or "")


def filters_of(state: PageState, view: View) -> Filters:
    """The load filters of a page state (plan "1" resolved to the plan's name)."""
    return Filters(
        plan=view.plans[state.plan].title if state.plan in view.plans else None,
        theme=state.theme,
        strategy=state.strategy,
        year=state.year,
        role=state.role,
        actor=state.actor,
    )


def metric_key(view: View, state: PageState) -> str:
    """The load column behind the state's metric."""
    return str(state.metric)


def metric_label(view: View, state: PageState) -> str:
    """What the figure counts, with the population year for the per 1 000 figures."""
    label = term_label(metric_key(view, state))
    if state.metric in PER_1000 and view.population_year:
        label += f" ({view.population_year})"
    return label


def title_parts(view: View, state: PageState) -> tuple[str, str]:
    """The map's title and the active filters as plain text (escape them where HTML is read)."""
    parts = []
    if state.plan and state.plan in view.plans:
        parts.append(plan_label(view.plans[state.plan]))
    parts += [
        p
        for p in (
            state.theme,
            f"strategi {state.strategy}" if state.strategy else None,
            str(state.year) if state.year else None,
            f"aktør: {state.actor}" if state.actor else None,
            f"kommunen som {ROLE_LABELS[state.role]}" if state.role else None,
        )
        if p
    ]
    period = view.programme.period_label
    label = metric_label(view, state)
    title = f"{label} – handlingsprogram {period}" if period else label
    return title, " · ".join(parts)


def plotly_text(text: str) -> str:
    """Text for a Plotly title or hover label, shown as typed. Plotly reads a few tags (<br>,
    <b>, <a> …) and decodes only a few entities (&amp; &lt; &gt; among them, not &quot;), so
    only &, < and > are escaped: a quote stays a quote."""
    return html.escape(text, quote=False)


TITLE_LINE = 40  # characters of a map title's first line: it fits a phone at 18 px


def map_title(view: View, state: PageState) -> str:
    """The map's title: what it shows, then the programme and the active filters on a second,
    smaller line (short lines fit a phone; a downloaded PNG still says what it shows). A long
    label's closing parenthesis goes to the second line."""
    _, filters = title_parts(view, state)
    period = view.programme.period_label
    label = metric_label(view, state)
    head, bracket, tail = label.partition(" (")
    first, extra = (head, f"({tail}") if bracket and len(label) > TITLE_LINE else (label, "")
    second = " · ".join(
        p for p in (extra, f"Handlingsprogram {period}" if period else "", filters) if p
    )
    # The filter words are document text: escaped once, for Plotly.
    title = plotly_text(first)
    return title + (f"<br><sup>{plotly_text(second)}</sup>" if second else "")


# --- The load per municipality ------------------------------------------------------------------


def load_table(view: View, state: PageState) -> pd.DataFrame:
    """The load table of the page's filters (one row per municipality, see geo.load.index)."""
    return view.programme.index.table(filters_of(state, view), view.programme.population, False)


def counts_of(view: View, filters: Filters, parts: Partition | None = None) -> CountTable:
    """Every municipality's counts under the filters, per 1 000 with the app's population
    (`parts`: the filters' partition, when the caller has it already)."""
    if parts is None:
        return view.programme.index.counts(filters, view.inhabitants)
    return count_table(parts, view.inhabitants)


def breakdown(c: Counts) -> str:
    """'2 navngitt, 5 via sted, 2 via region'."""
    return ", ".join(
        f"{norsk.count(v)} {CLASS_LABELS[k]}"
        for k, v in (
            (LoadClass.NAMED, c.named),
            (LoadClass.PLACE, c.place),
            (LoadClass.REGION, c.region),
        )
    )


def split_text(c: Counts) -> str:
    """'kommunen skal bidra i 4, 5 gjelder kommunens område' (of the specific ones)."""
    return (
        f"{SPLIT_LABELS[Metric.ACT].lower()} i {norsk.count(c.act)}, {norsk.count(c.area)} "
        f"{SPLIT_LABELS[Metric.AREA].removeprefix('Tiltaket ').lower()}"
    )


def per_1000_text(view: View, c: Counts) -> str:
    year = view.population_year
    if year is None or c.total_per_1000 != c.total_per_1000:
        return "Innbyggertall mangler"
    return (
        f"Per 1 000 innbyggere ({year}): {norsk.decimal(c.specific_per_1000, 2)} særskilte · "
        f"{norsk.decimal(c.total_per_1000, 2)} alle"
    )


@dataclass(frozen=True)
class MapData:
    """What the load map shows for a page state: values (scale from 0), hover figures as
    numbers (the template formats them), and what is said in words beside the map."""

    values: list[float | None]
    customdata: list[list]  # per municipality: name, specific, named, place, region, common,
    #                         total, specific per 1 000, total per 1 000, act, area
    hovertemplate: str
    label: str
    zmax: float
    whole: bool  # counts of measures (integer ticks)
    note: str | None  # said in words instead of a flat map
    baseline: str | None  # the common measures, stated beside a map of specific ones
    outside: str | None = None  # on a national map: the grey municipalities, said in words
    scale: dict | None = None  # a colour axis of its own (progress: "Ikke rapportert" as a class)

    @property
    def flat(self) -> bool:
        return self.note is not None


def value_text(metric: str, value: float) -> str:
    """A map value as users read it: counts whole, per 1 000 and shares with decimals."""
    if value != value:
        return "–"
    if metric in PER_1000 or metric == Metric.SHARE:
        return norsk.decimal(value, 2)
    return norsk.count(value)


def hover_template(view: View, label: str, whole: bool) -> str:
    """The hover text; Plotly formats the numbers (decimal comma, see figures)."""
    value = "%{z:,d}" if whole else "%{z:,.2f}"
    per_1000 = (
        f"Per 1 000 innbyggere ({view.population_year}): %{{customdata[7]:,.2f}} særskilte · "
        "%{customdata[8]:,.2f} alle"
        if view.population_year
        else "Innbyggertall mangler"
    )
    return (
        f"<b>%{{customdata[0]}}</b><br>{plotly_text(label)}: {value}<br>"
        "Særskilte: %{customdata[1]} (%{customdata[2]} navngitt, %{customdata[3]} via sted, "
        "%{customdata[4]} via region)<br>"
        f"Av dem: {SPLIT_LABELS[Metric.ACT].lower()} i %{{customdata[9]}}, %{{customdata[10]}} "
        "gjelder kommunens område<br>"
        "Felles for alle kommunene: %{customdata[5]} · alle: %{customdata[6]}<br>"
        f"{per_1000}<extra></extra>"
    )


def progress_of(view: View, state: PageState) -> dict[str, np.ndarray]:
    """Per municipality, under the page's filters: its specific measures that can carry a
    status, how many are reported, in progress or done, and not reported (read now from the
    store)."""
    specific = view.programme.index.partition(filters_of(state, view)).specific
    return count_progress(view.status_grid(), specific)


def progress_text(counts: dict[str, np.ndarray], i: int) -> str:
    """One municipality's follow-up in words."""
    total = int(counts["open"][i])
    if not total:
        return "ingen tiltak med rapportering i dette utvalget"
    share = f"{norsk.decimal(100 * counts['progress'][i] / total, 0)} %"
    return (
        f"{norsk.count(counts['progress'][i])} av {norsk.count(total)} påbegynt eller "
        f"gjennomført ({share}); {norsk.count(counts['unreported'][i])} ikke rapportert"
    )


UNREPORTED_BAND = 25.0  # the colour bar's band below 0 % for "Ikke rapportert" (room for its label)


def progress_scale(label: str) -> dict:
    """Progress from 0 to 100 %, with "Ikke rapportert" as its own grey class below 0."""
    low = -UNREPORTED_BAND
    cut = UNREPORTED_BAND / (100 - low)
    grey = "#cfcfcf"
    green = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]
    stops = [[0.0, grey], [cut, grey]]
    stops += [[cut + (1 - cut) * k / (len(green) - 1), c] for k, c in enumerate(green)]
    stops[2][0] = cut + 1e-6
    return {
        "colorscale": stops,
        "zmin": low,
        "zmax": 100,
        "showscale": True,
        "colorbar": {
            "title": {"text": label, "side": "top"},
            "tickmode": "array",
            "tickvals": [low / 2, 0, 50, 100],
            "ticktext": [UNREPORTED_LABEL, "0 %", "50 %", "100 %"],
            "tickangle": 0,
            "dtick": None,
            "tick0": None,
            "tickformat": "",
        },
    }


def progress_data(view: View, state: PageState, base: MapData) -> MapData:
    """The map of progress: the share in progress or done; a municipality with nothing
    reported in its grey class "Ikke rapportert"."""
    counts = progress_of(view, state)
    values: list[float | None] = []
    for i in range(len(view.numbers)):
        total, reported = int(counts["open"][i]), int(counts["reported"][i])
        share = 100 * counts["progress"][i] / total if total else 0.0
        values.append(round(float(share), 1) if reported else -UNREPORTED_BAND / 2)
    label = metric_label(view, state)
    customdata = [[*row, progress_text(counts, i)] for i, row in enumerate(base.customdata)]
    template = (
        "<b>%{customdata[0]}</b><br>Oppfølging: %{customdata[11]}<br>"
        "Særskilte: %{customdata[1]}<extra></extra>"
    )
    reported = int(counts["reported"].sum())
    note = None if counts["open"].any() else "Ingen tiltak med rapportering i dette utvalget"
    said = (
        f"Fremdrift: andel av kommunens særskilte tiltak med rapportering (der kommunen skal "
        f"bidra, og tiltak fylket har åpnet) som er påbegynt eller gjennomført. Grå: ikke "
        f"rapportert. {norsk.count(reported)} {'status' if reported == 1 else 'statuser'} "
        "rapportert i dette utvalget."
    )
    return replace(
        base,
        values=values,
        customdata=customdata,
        hovertemplate=template,
        label=label,
        zmax=100.0,
        whole=False,
        note=note,
        baseline=said,
        scale=None if note else progress_scale(label),
    )


def new_data(view: View, state: PageState, base: MapData) -> MapData:
    """The map of what is new since the previous revision: per municipality the specific
    measures new in its load (the whole programme: the panel's filters do not apply)."""
    changes = view.changes
    new = {m.kommune: m.new for m in changes.municipalities} if changes else {}
    values: list[float | None] = [float(len(new.get(n, ()))) for n in view.numbers]
    listed = [", ".join(k for k, _ in new.get(n, ())) or "ingen" for n in view.numbers]
    customdata = [[*row, listed[i]] for i, row in enumerate(base.customdata)]
    template = (
        "<b>%{customdata[0]}</b><br>Nye særskilte tiltak siden forrige revisjon: %{z}"
        "<br>%{customdata[11]}<extra></extra>"
    )
    said = (
        "Nytt for kommunen: særskilte tiltak i denne revisjonen som ikke var blant kommunens "
        f"særskilte i «{changes.old_label}». Hele programmet: utvalget i panelet gjelder ikke."
        if changes
        else None
    )
    return replace(
        base,
        values=values,
        customdata=customdata,
        hovertemplate=template,
        label=metric_label(view, state),
        zmax=max(1.0, *(v or 0.0 for v in values)),
        whole=True,
        note=None if changes else "Ingen tidligere revisjon å sammenligne med",
        baseline=said,
    )


def map_data(view: View, state: PageState) -> MapData:
    """Values (scale from 0), hover figures, and what is said in words beside the map."""
    if state.metric == Metric.PROGRESS:
        return progress_data(view, state, map_data(view, replace(state, metric=Metric.ACT)))
    if state.metric == Metric.NEW:
        return new_data(view, state, map_data(view, replace(state, metric=Metric.ACT)))
    index = view.programme.index
    filters = filters_of(state, view)
    key = metric_key(view, state)
    counts = counts_of(view, filters)
    specific, total = counts.specific, counts.total
    specific_per, total_per = counts.specific_per_1000, counts.total_per_1000
    counted = (*LoadClass, *PER_1000, Metric.SPECIFIC, Metric.TOTAL, Metric.ACT, Metric.AREA)
    values = counts.of(key) if key in counted else index.metric(key, filters, view.inhabitants)
    values = np.asarray(values, dtype=float)
    label = metric_label(view, state)
    whole = key not in PER_1000 and key != Metric.SHARE
    columns = [specific, counts.named, counts.place, counts.region, counts.common, total]
    names = view.names
    customdata = [
        [
            names[i],
            *(int(c[i]) for c in columns),
            *_rounded(specific_per[i], total_per[i]),
            int(counts.act[i]),
            int(counts.area[i]),
        ]
        for i in range(len(names))
    ]
    finite = values[~np.isnan(values)]
    note = None
    if not total.any():
        note = NO_MEASURES
    elif finite.size == 0:
        note = "Innbyggertallene mangler, så tallet per 1 000 innbyggere kan ikke vises"
    elif np.ptp(finite) == 0:
        note = f"Alle kommunene har samme verdi: {label.lower()} = {value_text(key, finite[0])}"
    baseline = None
    specific_kinds = (
        Metric.SPECIFIC,
        Metric.SPECIFIC_PER_1000,
        Metric.NAMED,
        Metric.ACT,
        Metric.AREA,
    )
    if key in specific_kinds and note != NO_MEASURES:
        low, high = int(counts.common.min()), int(counts.common.max())
        span = norsk.count(low) if low == high else f"{norsk.count(low)}–{norsk.count(high)}"
        baseline = (
            f"I tillegg: {span} felles tiltak der kommunen er med som én av alle kommunene "
            "(ikke farget i kartet)"
        )
    zmax = float(finite.max()) if finite.size else 0.0
    outside = None
    if view.shapes_for(state).others:
        county = view.programme.gazetteer.county_name
        outside = (
            f"Grå: kommuner utenfor {county}. Handlingsprogrammet gjelder ikke dem, så de har "
            "ingen tall og er ikke med i fargeskalaen."
        )
    return MapData(
        [round(float(v), 4) if v == v else None for v in values],
        customdata,
        hover_template(view, label, whole),
        label,
        max(zmax, 1.0) if whole else (zmax or 1.0),
        whole,
        note,
        baseline,
        outside,
    )


def _rounded(*values: float) -> list[float | None]:
    return [round(float(v), 2) if v == v else None for v in values]


# --- The Kommune view -----------------------------------------------------------------------


BULLET = re.compile(r"^\s*(?:[•\-–*▪◦]|\d{1,2}[.)])\s+")


def reflow(text: str) -> list[str]:
    """A measure's text as paragraphs for display: the source's hard line breaks inside a
    paragraph become spaces; blank lines and list items (•, -, 1.) start a new one. The data
    keeps the text as it was read."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip() or BULLET.match(line):
            if current:
                paragraphs.append(" ".join(current))
            current = [line.strip()] if line.strip() else []
        else:
            current.append(line.strip())
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def period_text(period: PeriodRecord) -> str:
    """A period as the document says it, once: '2025–2028', 'Løpende (fra 2025)'; its years
    added only where the words do not already say them."""
    words = " ".join(str(period["text"] or "").split())
    start, end = period["start"], period["end"]
    years = "–".join(str(y) for y in dict.fromkeys((start, end)) if y)
    if start and not end:
        years = f"fra {start}"
    shown = re.sub(r"(\d{4})\s*[-–]\s*(\d{2,4})", r"\1–\2", words)
    if not words:
        return years or "ingen periode oppgitt"
    if not years or all(str(y) in shown for y in (start, end) if y):
        return shown
    return f"{shown} ({years})"


def _snippet(text: str, evidence: str) -> tuple[str, list[list[int]]]:
    """A short context around the first occurrence of the evidence, with its position."""
    at = text.find(evidence)
    if at < 0:
        return evidence, [[0, len(evidence)]]
    start, end = max(0, at - CONTEXT), min(len(text), at + len(evidence) + CONTEXT)
    prefix = "…" if start else ""
    snippet = prefix + " ".join(text[start:end].split("\n")) + ("…" if end < len(text) else "")
    offset = at - start + len(prefix)
    return snippet, [[offset, offset + len(evidence)]]


def mark_note(programme: Programme, tag: TagRecord) -> tuple[str, bool]:
    """What an evidence mark is and whether it counted, as its tooltip says it:
    ('Oslofjorden – via sted: Halden, Moss, …', True), ('organisasjon – ikke talt med', False)."""
    via = tag["via"]
    if via == Via.ORGANISATION:
        return "organisasjon – ikke talt med", False
    if via == Via.ALL:
        return "kommunene – felles for alle kommunene", True
    if via == Via.NAME:
        return f"{tag['name']} – navngitt", True
    names = dict(programme.municipalities)
    said = []
    for key in tag.get("areas", []):
        area = programme.gazetteer.area(key)
        members = ", ".join(names.get(n, n) for n in area.members)
        said.append(f"{area.name} – {VIA_LABELS[via]}: {members}")
    return ("; ".join(said) or f"{tag['name']} – {VIA_LABELS[via]}"), True


def _class_of(vias: set[str]) -> str:
    """The most specific class of a measure's tags for one municipality."""
    return next((str(c) for c in LOAD_CLASSES if CLASS_VIA[c] in vias), ORGANISATION)


def build_rows(programme: Programme) -> dict[str, list[dict]]:
    """For each municipality, one grid row per measure that tags it, with evidence snippets
    and its class (the most specific way the measure concerns the municipality)."""
    rows: dict[str, list[dict]] = {n: [] for n, _ in programme.municipalities}
    plan_of = programme.plan_titled
    for m in programme.measures:
        fields = {"title": m["title"], "why_how": m["why_how"]}
        by_number: dict[str, list] = {}
        for tag in m.get("municipalities", []):
            by_number.setdefault(tag["kommunenummer"], []).append(tag)
        for number, tags in by_number.items():
            if number not in rows:
                continue
            pieces: list[str] = []
            marks: list[list] = []  # [start, end, what it is, counted]
            length = 0
            for tag in tags:
                said, counted = mark_note(programme, tag)
                for ev in tag["evidences"]:
                    text = fields.get(ev["field"]) or next(
                        (a for a in m["actors"] if ev["text"] in a), ev["text"]
                    )
                    snippet, spans = _snippet(text, ev["text"])
                    if pieces:
                        length += 3
                    note = said if counted else f"{ev['text']}: {said}"
                    marks += [[a + length, b + length, note, counted] for a, b in spans]
                    pieces.append(snippet)
                    length += len(snippet)
            cls = _class_of({t["via"] for t in tags})
            rows[number].append(
                {
                    "id": m["id"],
                    "tittel": m["title"],
                    "plan": plan_label(plan) if (plan := plan_of(m["plan"])) else "",
                    "periode": period_text(m["period"]),
                    "klasse": cls,
                    "klasse_tekst": CLASS_LABELS.get(cls, "bare i et organisasjonsnavn"),
                    "via": ", ".join(dict.fromkeys(VIA_LABELS[t["via"]] for t in tags)),
                    "rolle": ", ".join(
                        dict.fromkeys(ROLE_LABELS[r] for t in tags for r in t["roles"])
                    ),
                    "hvem": "; ".join(" ".join(a.split()) for a in m["actors"]),
                    "belegg": " · ".join(pieces),
                    "belegg_marks": marks,
                }
            )
    return rows


ROLE_SPLIT = (str(Metric.ACT), str(Metric.AREA))  # the specific measures, by role


@dataclass(frozen=True)
class TableView:
    """What a view's grid shows after its own filter and sort: the ids of its rows in order
    (None: every row, in the table's order) and the filter in words ('' if none)."""

    ids: tuple[str, ...] | None = None
    filter: str = ""


@dataclass(frozen=True)
class KommuneMeasures:
    """One municipality's measures under the filters: by class (KOMMUNE_GROUPS order), and
    the specific ones by role first (ROLE_SPLIT), then by class. Each row says its part
    ("del": act, area, common or organisation)."""

    counts: Counts
    groups: dict[str, list[dict]]
    split: dict[str, dict[str, list[dict]]]

    @property
    def rows(self) -> list[dict]:
        """Every row: the specific ones by role then class, then common, then organisation."""
        specific = [
            r for by_class in self.split.values() for rows in by_class.values() for r in rows
        ]
        later = [r for cls in (str(LoadClass.COMMON), ORGANISATION) for r in self.groups[cls]]
        return specific + later


def kommune_measures(view: View, state: PageState, number: str) -> KommuneMeasures:
    index = view.programme.index
    filters = filters_of(state, view)
    parts = index.partition(filters)
    row = view.numbers.index(number)
    by_id = {r["id"]: r for r in view.rows[number]}
    act = parts.act[row]
    specific = parts.specific

    def together(k: int) -> str:
        """The other municipalities the measure picks out (specific for them too)."""
        others = [view.names[i] for i in np.flatnonzero(specific[:, k]) if i != row]
        return ", ".join(others)

    def part_of(k: int, cls: str) -> str:
        if cls in SPECIFIC_NAMES:
            return str(Metric.ACT) if act[k] else str(Metric.AREA)
        return cls

    groups = {
        cls: [
            {
                **by_id[index.ids[k]],
                "del": (p := part_of(int(k), cls)),
                "del_tekst": PART_LABELS[p],
                "sammen": together(int(k)) if cls in SPECIFIC_NAMES else "",
            }
            for k in np.flatnonzero(parts.of(cls)[row])
        ]
        for cls in KOMMUNE_GROUPS
    }
    split = {
        role: {
            str(cls): [r for r in groups[str(cls)] if r["del"] == role] for cls in SPECIFIC_CLASSES
        }
        for role in ROLE_SPLIT
    }
    return KommuneMeasures(counts_of(view, filters, parts).row(row), groups, split)


@dataclass(frozen=True)
class YearStrip:
    """A municipality's measures by the programme's years: per year how many are active
    (specific, all), and this year's starts and ends (ids)."""

    years: list[tuple[int, int, int]]  # (year, specific active, all active)
    year: int | None  # this year, when the programme runs in it
    starting: list[str]
    ending: list[str]


def year_strip(view: View, state: PageState, number: str, today: int) -> YearStrip:
    """The 'when' of a municipality's measures under the filters (a year filter aside: the
    strip is the years)."""
    index = view.programme.index
    parts = index.partition(filters_of(replace(state, year=None), view))
    row = view.numbers.index(number)
    specific, total = parts.specific[row], parts.total[row]
    years = [
        (y, int((specific & index.active(y)).sum()), int((total & index.active(y)).sum()))
        for y in index.years
    ]
    if today not in index.years:
        return YearStrip(years, None, [], [])
    starting = [index.ids[k] for k in np.flatnonzero(total & (index.start == today))]
    ending = [index.ids[k] for k in np.flatnonzero(total & (index.end == today))]
    return YearStrip(years, today, starting, ending)


def kommune_rows(view: View, state: PageState, number: str) -> list[dict]:
    """The municipality's rows under the filters: specific ones first, then common, then the
    ones that name it only inside an organisation's name."""
    return kommune_measures(view, state, number).rows


def kommune_counts(view: View, state: PageState, number: str) -> Counts:
    return counts_of(view, filters_of(state, view)).row(view.numbers.index(number))


def kommune_heading(view: View, state: PageState, number: str) -> tuple[str, str]:
    """('Sarpsborg: 9 særskilte tiltak og 88 felles – 97 i alt', the breakdown, per 1 000
    inhabitants and the organisation-only ones): a short heading and its details."""
    c = kommune_counts(view, state, number)
    name = view.name_of(number)
    if not c.total and not c.organisation:
        return f"{name}: {NO_MEASURES.lower()}", "Fjern et filter for å se flere tiltak."
    heading = (
        f"{name}: {norsk.count(c.specific)} særskilte tiltak og {norsk.count(c.common)} felles"
        f" – {norsk.count(c.total)} i alt"
    )
    detail = f"Særskilte: {breakdown(c)}; {split_text(c)}. {per_1000_text(view, c)}."
    if c.organisation:
        detail += (
            f" {norsk.count(c.organisation)} til nevner kommunen bare i et organisasjonsnavn "
            "(telles ikke)."
        )
    return heading, detail


def kommune_summary(view: View, state: PageState, number: str) -> str:
    """The heading and its details as one line (the print view, the slides)."""
    return ". ".join(kommune_heading(view, state, number))


def filter_tree(view: View) -> dict:
    """The themes and strategies each plan has, and the strategies of each theme, so that the
    browser offers only choices that can select something (app/assets/router.js)."""
    plans: dict[str, dict[str, list[str]]] = {}
    themes: dict[str, list[str]] = {}
    for m in view.programme.measures:
        plan = view.programme.plan_titled(m["plan"])
        key = plan.key if plan else ""
        entry = plans.setdefault(key, {"themes": [], "strategies": []})
        for part, value in (("themes", m["theme"]), ("strategies", m["strategy"])):
            if value and value not in entry[part]:
                entry[part].append(value)
        if m["theme"] and m["strategy"]:
            listed = themes.setdefault(m["theme"], [])
            if m["strategy"] not in listed:
                listed.append(m["strategy"])
    return {"plans": plans, "themes": themes}


def search_text(view: View, measure: MeasureRecord) -> str:
    """What the measure search matches: numbers and aliases, title, why/how, actors, and the
    names of the municipalities, regions and places it concerns (with the words that say so)."""
    areas = {a.key: (a.name, *a.patterns) for a in view.programme.gazetteer.areas}
    names: list[str] = []
    for tag in measure.get("municipalities", []):
        if tag["via"] in SPECIFIC_VIAS:  # not the municipalities that are only among "kommunene"
            names.append(tag["name"])
            names += [n for k in tag.get("areas", []) for n in areas.get(k, ())]
            names += [ev["text"] for ev in tag["evidences"]]
    parts = [measure["id"], *measure["aliases"], measure["title"], *measure["actors"]]
    parts += [measure["why_how"], *dict.fromkeys(names)]
    return " ".join(" ".join(parts).split())


def measure_vias(view: View, measure: MeasureRecord) -> list[str]:
    """Per municipality, the strongest way the measure concerns it (for the highlight map)."""
    order = [str(v) for v in VIA_STRENGTH]
    best: dict[str, str] = {}
    for tag in measure.get("municipalities", []):
        current = best.get(tag["kommunenummer"])
        if current is None or order.index(tag["via"]) < order.index(current):
            best[tag["kommunenummer"]] = tag["via"]
    return [best.get(n, NOT_CONCERNED) for n in view.numbers]


# --- The IPR councils ----------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    number: str
    name: str
    counts: Counts
    inhabitants: int | None
    uncertain: str | None  # the note for users, when the membership is uncertain


@dataclass(frozen=True)
class Council:
    key: str
    name: str
    members: list[Member]
    touching: int  # distinct measures that concern at least one member (a union)
    naming: list[str]  # ids of measures that name the council or its region
    outside: str  # members outside the county
    specific: int  # distinct measures specific to at least one member (a union)
    act: int  # … of them, those at least one member is to act on


def councils(view: View, state: PageState) -> list[Council]:
    """Per IPR council: the union of measures touching its members, the measures naming it,
    and per member the classes and per 1 000 figures."""
    index = view.programme.index
    filters = filters_of(state, view)
    parts = index.partition(filters)
    per_member = counts_of(view, filters, parts)
    keep = index.measure_mask(filters)
    out = []
    for council in view.programme.councils():
        rows = [i for i, n in enumerate(view.numbers) if n in council.members]
        union = parts.total[rows].any(axis=0)
        specific = parts.specific[rows].any(axis=0)
        act = parts.act[rows].any(axis=0)
        regions = set(view.programme.gazetteer.council_regions(council))
        naming = [
            m["id"]
            for k, m in enumerate(index.measures)
            if keep[k]
            and any(
                t["via"] == Via.REGION and regions & set(t.get("areas", []))
                for t in m.get("municipalities", [])
            )
        ]
        members = [
            Member(
                view.numbers[i],
                view.names[i],
                per_member.row(i),
                int(view.inhabitants[i]) if view.inhabitants[i] == view.inhabitants[i] else None,
                council.uncertain_note if view.numbers[i] in council.uncertain else None,
            )
            for i in rows
        ]
        out.append(
            Council(
                council.key,
                council.name,
                members,
                int(union.sum()),
                naming,
                ", ".join(name for _, name in council.outside),
                int(specific.sum()),
                int(act.sum()),
            )
        )
    return out


def specific_measures(
    view: View, state: PageState, number: str
) -> tuple[list[tuple[MeasureRecord, str]], int, int]:
    """For a slide: the municipality's specific measures with their class (named first), how
    many common ones, and how many name it only inside an organisation's name."""
    index = view.programme.index
    filters = filters_of(state, view)
    parts = index.partition(filters)
    row = view.numbers.index(number)
    listed = [
        (index.measures[k], str(cls))
        for cls in SPECIFIC_CLASSES
        for k in np.flatnonzero(parts.of(str(cls))[row])
    ]
    counts = counts_of(view, filters, parts).row(row)
    return listed, counts.common, counts.organisation


def programme_label(programme: Programme) -> str:
    """The chooser's text for a programme: its county and period ("Østfold 2025–2028")."""
    years = programme.extraction.programme
    period = f" {years[0]}–{years[1]}" if years else ""
    return f"{programme.gazetteer.county_name}{period}"
