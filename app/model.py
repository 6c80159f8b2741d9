"""What the views show, computed from the bundle: kept out of the callbacks so that they stay
small and so the figures can be tested without a browser. Row tables are built once at start."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from app.bundle import Bundle, WebShapes
from app.state import Choices, PageState
from geo.load import Filters
from geo.records import MeasureRecord
from geo.terms import (
    GEOGRAPHIC_VIAS,
    ROLE_LABELS,
    VIA_LABELS,
    VIA_STRENGTH,
    Layout,
    Metric,
    Via,
    year_column,
)
from geo.terms import (
    metric_label as term_label,
)

CONTEXT = 50  # characters of context either side of evidence in the table
NOT_CONCERNED = "none"  # a municipality a measure does not concern, on the highlight map


@dataclass
class View:
    """The bundle plus start-up tables."""

    bundle: Bundle
    rows: dict[str, list[dict]]  # kommunenummer -> one row per measure that concerns it
    attribution: str | None
    choices: Choices
    plans: dict[str, str]  # "1" -> the plan's name

    @property
    def numbers(self) -> list[str]:
        return [n for n, _ in self.bundle.municipalities]

    @property
    def names(self) -> list[str]:
        return [name for _, name in self.bundle.municipalities]

    def shape_kind(self, state: PageState) -> Layout:
        """BOUNDARIES when the page asks for them and they are loaded, else TILES."""
        wanted = state.shape_layout
        if wanted == Layout.BOUNDARIES and self.bundle.has_boundaries:
            return Layout.BOUNDARIES
        return Layout.TILES

    def shapes_for(self, state: PageState) -> WebShapes:
        return self.bundle.shapes[self.shape_kind(state)]

    def attribution_for(self, state: PageState) -> str | None:
        return self.attribution if self.shape_kind(state) == Layout.BOUNDARIES else None

    def name_of(self, number: str) -> str:
        return dict(self.bundle.municipalities).get(number, number)


def filters_of(state: PageState, view: View) -> Filters:
    """The load filters of a page state (plan "1" resolved to the plan's name)."""
    return Filters(
        plan=view.plans.get(state.plan) if state.plan else None,
        theme=state.theme,
        strategy=state.strategy,
        year=state.year,
        via=state.via,
        role=state.role,
        actor=state.actor,
    )


def _year(view: View, state: PageState) -> int | None:
    """The year the YEAR metric shows: the chosen one, else the programme's first."""
    return state.year or (view.bundle.years[0] if view.bundle.years else None)


def metric_key(view: View, state: PageState) -> str:
    """The load column behind the state's metric."""
    if state.metric == Metric.YEAR:
        year = _year(view, state)
        return year_column(year) if year else str(Metric.GEOGRAPHIC)
    return str(state.metric)


def metric_label(view: View, state: PageState) -> str:
    return term_label(metric_key(view, state))


def title_parts(view: View, state: PageState) -> tuple[str, str]:
    """The map's title and the active filters as plain text (escape them where HTML is read)."""
    parts = []
    if state.plan and state.plan in view.plans:
        parts.append(view.plans[state.plan].removeprefix("Regional plan ").removeprefix("for "))
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
    if set(state.via) != set(GEOGRAPHIC_VIAS):
        parts.append("treff: " + ", ".join(VIA_LABELS[v] for v in state.via))
    period = view.bundle.period_label
    label = metric_label(view, state)
    title = f"{label} – handlingsprogram {period}" if period else label
    return title, " · ".join(parts)


def map_title(view: View, state: PageState) -> str:
    """The map's title with the active filters, so a downloaded PNG says what it shows."""
    title, filters = title_parts(view, state)
    # Plotly reads a few HTML tags in titles: the filter words (document text) are escaped.
    return title + (f"<br><sup>{html.escape(filters)}</sup>" if filters else "")


HOVER_VIAS = (Via.NAME, Via.REGION, Via.PLACE, Via.ALL)


def map_values(view: View, state: PageState) -> tuple[list[float], list[list]]:
    """The metric per municipality and the hover data (name, label, named, region, place, all)."""
    key = metric_key(view, state)
    figures = view.bundle.index.figures(filters_of(state, view), only=(key, *HOVER_VIAS))
    values = figures[key].sum(axis=1)
    counts = [figures[v].sum(axis=1) for v in HOVER_VIAS]
    label = metric_label(view, state)
    custom = [
        [view.names[i], label, *(int(c[i]) for c in counts)] for i in range(len(view.numbers))
    ]
    return [round(float(v), 4) for v in values], custom


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


def build_rows(bundle: Bundle) -> dict[str, list[dict]]:
    """For each municipality, one grid row per measure that tags it, with evidence snippets."""
    rows: dict[str, list[dict]] = {n: [] for n, _ in bundle.municipalities}
    for m in bundle.measures:
        fields = {"title": m["title"], "why_how": m["why_how"]}
        by_number: dict[str, list[dict]] = {}
        for tag in m.get("municipalities", []):
            by_number.setdefault(tag["kommunenummer"], []).append(tag)
        for number, tags in by_number.items():
            if number not in rows:
                continue
            pieces, marks, length = [], [], 0
            for tag in tags:
                for ev in tag["evidences"]:
                    text = fields.get(ev["field"]) or next(
                        (a for a in m["actors"] if ev["text"] in a), ev["text"]
                    )
                    snippet, spans = _snippet(text, ev["text"])
                    if pieces:
                        length += 3
                    marks += [[a + length, b + length] for a, b in spans]
                    pieces.append(snippet)
                    length += len(snippet)
            rows[number].append(
                {
                    "id": m["id"],
                    "tittel": m["title"],
                    "plan": f"Plan {m['id'].split('.')[0]}",
                    "periode": m["period"]["text"].replace("\n", " "),
                    "via": ", ".join(dict.fromkeys(VIA_LABELS[t["via"]] for t in tags)),
                    "vias": sorted({t["via"] for t in tags}),
                    "rolle": ", ".join(
                        dict.fromkeys(ROLE_LABELS[r] for t in tags for r in t["roles"])
                    ),
                    "belegg": " · ".join(pieces),
                    "belegg_marks": marks,
                }
            )
    return rows


def make_view(bundle: Bundle) -> View:
    attribution = "Kommunegrenser © Kartverket" if bundle.has_boundaries else None
    plans = {m["id"].split(".")[0]: m["plan"] for m in reversed(bundle.measures) if m["plan"]}
    choices = Choices(
        numbers=tuple(n for n, _ in bundle.municipalities),
        themes=tuple(bundle.options("theme")),
        strategies=tuple(bundle.options("strategy")),
        measure_ids=tuple(m["id"] for m in bundle.measures),
        plans=tuple(sorted(plans, key=int)),
        years=bundle.years,
        slides=len(bundle.municipalities) + 1,
        has_boundaries=bundle.has_boundaries,
    )
    return View(bundle, build_rows(bundle), attribution, choices, plans)


def kommune_rows(view: View, state: PageState, number: str) -> list[dict]:
    """The grid rows of one municipality that pass the filters."""
    index = view.bundle.index
    row = view.numbers.index(number)
    matrix = index.matrix(filters_of(state, view))
    ids = {index.ids[k] for k in np.flatnonzero(matrix[row])}
    return [r for r in view.rows[number] if r["id"] in ids]


def kommune_summary(view: View, state: PageState, number: str) -> str:
    """'Tiltak som berører Sarpsborg: 98 (2 navngitt, 7 via region, …)'."""
    figures = view.bundle.index.figures(filters_of(state, view))
    row = view.numbers.index(number)
    total = int(figures[Metric.GEOGRAPHIC][row].sum())
    parts = []
    for via in HOVER_VIAS:
        if via in state.via and (count := int(figures[via][row].sum())):
            parts.append(f"{count} {VIA_LABELS[via]}")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"Tiltak som berører {view.name_of(number)}: {total}{detail}"


def measure_vias(view: View, measure: MeasureRecord) -> list[str]:
    """Per municipality, the strongest way the measure concerns it (for the highlight map)."""
    order = [str(v) for v in VIA_STRENGTH]
    best: dict[str, str] = {}
    for tag in measure.get("municipalities", []):
        current = best.get(tag["kommunenummer"])
        if current is None or order.index(tag["via"]) < order.index(current):
            best[tag["kommunenummer"]] = tag["via"]
    return [best.get(n, NOT_CONCERNED) for n in view.numbers]


def council_rows(view: View, state: PageState) -> tuple[list[dict], list[dict]]:
    """Bars per municipality grouped by IPR council, and per-council totals and averages."""
    values, _ = map_values(view, state)
    by_number = dict(zip(view.numbers, values, strict=True))
    bars, totals = [], []
    for council in view.bundle.councils():
        members = [n for n in view.numbers if n in council.members]
        for n in members:
            bars.append({"council": council.name, "name": view.name_of(n), "value": by_number[n]})
        total = sum(by_number[n] for n in members)
        totals.append(
            {
                "council": council.name,
                "members": len(members),
                "total": round(total, 2),
                "average": round(total / len(members), 2),
                "outside": ", ".join(name for _, name in council.outside),
            }
        )
    return bars, totals


def top_measures(view: View, number: str, limit: int = 6) -> tuple[list[MeasureRecord], int, int]:
    """For a slide: up to `limit` measures that name the municipality (or a region or place it
    is in), named ones first; how many more of those; how many concern it only as one of the
    municipalities."""
    specific, collective = [], 0
    for m in view.bundle.measures:
        vias = {t["via"] for t in m.get("municipalities", []) if t["kommunenummer"] == number}
        if vias & {Via.NAME, Via.PLACE, Via.REGION}:
            specific.append((0 if Via.NAME in vias else 1, m))
        elif Via.ALL in vias:
            collective += 1
    specific.sort(key=lambda item: item[0])
    return [m for _, m in specific[:limit]], max(0, len(specific) - limit), collective
