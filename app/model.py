"""What the views show, computed from the bundle: kept out of the callbacks so that they stay
small and so the figures can be tested without a browser. Row tables are built once at start."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from app.state import State
from geo.bundle import Bundle
from geo.load import Filters
from geo.webmap import VIA_LABELS

METRIC_LABELS = {
    "geographic": "Tiltak som berører kommunen",
    "name": "Tiltak der kommunen er navngitt",
    "actor": "Tiltak der kommunen er aktør",
    "share": "Andel (1/n per tiltak)",
    "year": "Aktive tiltak i {year}",
}
ROLE_LABELS = {"actor": "aktør", "target": "mål"}
CONTEXT = 50  # characters of context either side of evidence in the table


@dataclass
class View:
    """The bundle plus start-up tables."""

    bundle: Bundle
    rows: dict[str, list[dict]]  # kommunenummer -> one row per measure that concerns it
    attribution: str | None
    themes: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    measure_ids: tuple[str, ...] = ()
    plans: dict[str, str] | None = None  # "1" -> the plan's name

    @property
    def numbers(self) -> list[str]:
        return [n for n, _ in self.bundle.municipalities]

    @property
    def names(self) -> list[str]:
        return [name for _, name in self.bundle.municipalities]

    def shape_kind(self, layout: str | None) -> str:
        """'boundaries' when the user asked for them ('kart') and they are loaded, else 'tiles'."""
        return "boundaries" if layout == "kart" and "boundaries" in self.bundle.shapes else "tiles"

    def shapes_for(self, layout: str | None):
        return self.bundle.shapes[self.shape_kind(layout)]

    def name_of(self, number: str) -> str:
        return dict(self.bundle.municipalities).get(number, number)


def filters_of(state: State, bundle: Bundle, plans: dict[str, str] | None = None) -> Filters:
    """The load filters of a page state (plan "1" resolved to the plan's name)."""
    plan = None
    if state.plan:
        plan = (plans or {}).get(state.plan) or next(
            (m["plan"] for m in bundle.measures if m["id"].startswith(f"{state.plan}.")), None
        )
    return Filters(
        plan=plan,
        theme=state.theme,
        strategy=state.strategy,
        year=state.year,
        via=state.via,
        role=state.role,
        actor=state.actor,
    )


def metric_key(state: State) -> str:
    return f"y{state.year or 2025}" if state.metric == "year" else state.metric


def metric_label(state: State) -> str:
    return METRIC_LABELS[state.metric].format(year=state.year or 2025)


def map_title(view: View, state: State) -> str:
    """The map's title with the active filters, so a downloaded PNG says what it shows."""
    parts = []
    if state.plan and view.plans and state.plan in view.plans:
        parts.append(view.plans[state.plan].removeprefix("Regional plan ").removeprefix("for "))
    parts += [
        p
        for p in (
            state.theme,
            f"strategi {state.strategy}" if state.strategy else None,
            str(state.year) if state.year else None,
            f"aktør: {state.actor}" if state.actor else None,
            {"actor": "kommunen som aktør", "target": "kommunen som mål"}.get(state.role or ""),
        )
        if p
    ]
    if set(state.via) != {"name", "region", "place", "all"}:
        parts.append("treff: " + ", ".join(VIA_LABELS[v] for v in state.via))
    title = f"{metric_label(state)} – handlingsprogram 2025–2028"
    # Plotly reads a few HTML tags in titles: the filter words (document text) are escaped.
    return title + (f"<br><sup>{html.escape(' · '.join(parts))}</sup>" if parts else "")


def map_values(view: View, state: State) -> tuple[list[float], list[list]]:
    """The metric per municipality and the hover data (name, label, named, region, place, all)."""
    key = metric_key(state)
    figures = view.bundle.index.figures(
        filters_of(state, view.bundle, view.plans), only=(key, "name", "region", "place", "all")
    )
    values = figures[key].sum(axis=1)
    counts = {k: figures[k].sum(axis=1) for k in ("name", "region", "place", "all")}
    label = metric_label(state)
    custom = [
        [
            view.names[i],
            label,
            int(counts["name"][i]),
            int(counts["region"][i]),
            int(counts["place"][i]),
            int(counts["all"][i]),
        ]
        for i in range(len(view.numbers))
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
    attribution = "Kommunegrenser © Kartverket" if "boundaries" in bundle.shapes else None
    plans = {m["id"].split(".")[0]: m["plan"] for m in reversed(bundle.measures)}
    return View(
        bundle,
        build_rows(bundle),
        attribution,
        tuple(bundle.options("theme")),
        tuple(bundle.options("strategy")),
        tuple(m["id"] for m in bundle.measures),
        plans,
    )


def kommune_rows(view: View, state: State, number: str) -> list[dict]:
    """The grid rows of one municipality that pass the filters."""
    index = view.bundle.index
    row = view.numbers.index(number)
    matrix = index.matrix(filters_of(state, view.bundle, view.plans))
    ids = {index.ids[k] for k in np.flatnonzero(matrix[row])}
    return [r for r in view.rows[number] if r["id"] in ids]


def kommune_summary(view: View, state: State, number: str) -> str:
    """'Tiltak som berører Sarpsborg: 98 (2 navngitt, 7 via region, …)'."""
    figures = view.bundle.index.figures(filters_of(state, view.bundle, view.plans))
    row = view.numbers.index(number)
    total = int(figures["geographic"][row].sum())
    parts = []
    for key, label in (
        ("name", "navngitt"),
        ("region", "via region"),
        ("place", "via sted"),
        ("all", "som en av kommunene"),
    ):
        if key in state.via and (count := int(figures[key][row].sum())):
            parts.append(f"{count} {label}")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"Tiltak som berører {view.name_of(number)}: {total}{detail}"


def measure_vias(view: View, measure: dict) -> list[str]:
    """Per municipality, the strongest way the measure concerns it (for the highlight map)."""
    order = ["name", "place", "region", "all", "organisation"]
    best = {}
    for tag in measure.get("municipalities", []):
        current = best.get(tag["kommunenummer"])
        if current is None or order.index(tag["via"]) < order.index(current):
            best[tag["kommunenummer"]] = tag["via"]
    return [best.get(n, "none") for n in view.numbers]


def council_rows(view: View, state: State) -> tuple[list[dict], list[dict]]:
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


def top_measures(view: View, number: str, limit: int = 6) -> tuple[list[dict], int, int]:
    """For a slide: up to `limit` measures that name the municipality (or a region or place it
    is in), named ones first; how many more of those; how many concern it only as one of the
    municipalities."""
    specific, collective = [], 0
    for m in view.bundle.measures:
        vias = {t["via"] for t in m.get("municipalities", []) if t["kommunenummer"] == number}
        if vias & {"name", "place", "region"}:
            specific.append((0 if "name" in vias else 1, m))
        elif "all" in vias:
            collective += 1
    specific.sort(key=lambda item: item[0])
    return [m for _, m in specific[:limit]], max(0, len(specific) - limit), collective
