"""Components every view uses: labelled controls with Norwegian texts, the graphs' config,
and programme text shown as text (never HTML)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.model import MapData, period_text, reflow
from geo.records import MeasureRecord

# Modebar buttons that do not help here (selection, hover modes, free pan on bars).
MODEBAR_REMOVED = [
    "select2d",
    "lasso2d",
    "zoom2d",
    "pan2d",
    "zoomIn2d",
    "zoomOut2d",
    "autoScale2d",
    "hoverClosestCartesian",
    "hoverCompareCartesian",
    "toggleSpikelines",
    "hoverClosestGeo",
]


def graph_config(prefix: str, **extra: object) -> dict:
    """A graph's config: no Plotly logo, cloud button or scroll zoom; only the modebar buttons
    that help (PNG, zoom, reset), in Norwegian (the bundle's "no" locale); PNGs at 1600×1000;
    Plotly's base topojson from the app itself (offline), under the path prefix."""
    return {
        "displaylogo": False,
        "showSendToCloud": False,  # plotly.js 4 offers to upload the chart to Plotly Cloud
        "showEditInChartStudio": False,
        "scrollZoom": False,
        "locale": "no",
        "topojsonURL": f"{prefix.rstrip('/')}/assets/topojson/",
        "modeBarButtonsToRemove": MODEBAR_REMOVED,
        "toImageButtonOptions": {
            "format": "png",
            "filename": "tiltakskart",
            "width": 1600,
            "height": 1000,
            "scale": 1,
        },
        **extra,
    }


# Every text of the dropdowns in Norwegian (Dash's defaults are English).
DROPDOWN_LABELS = {
    "select_all": "Velg alle",
    "deselect_all": "Fjern alle",
    "selected_count": "{num_selected} valgt",
    "search": "Søk",
    "clear_search": "Tøm søket",
    "clear_selection": "Fjern valget",
    "no_options_found": "Ingen treff",
}


def label(text: str, for_id: str) -> html.Label:
    return html.Label(text, htmlFor=for_id, className="form-label fw-semibold mb-1 mt-3")


def group(legend: str, control, className: str | None = None) -> html.Fieldset:
    """Radio buttons and check boxes grouped under a legend (read out with each option)."""
    return html.Fieldset(
        [html.Legend(legend, className="fs-6 fw-semibold mb-1 mt-3"), control],
        className=className,
    )


def dropdown(id_: str, placeholder: str, options: list, **kwargs) -> dcc.Dropdown:
    """A dropdown with Norwegian texts throughout."""
    return dcc.Dropdown(
        id=id_, placeholder=placeholder, options=options, labels=DROPDOWN_LABELS, **kwargs
    )


def button(text: str, id_: str, title: str) -> dbc.Button:
    return dbc.Button(text, id=id_, title=title, color="primary", size="sm", className="me-1 mb-1")


def words_of(data: MapData) -> list:
    """What a map says in words: a flat map's note, the common baseline, and on a national
    map what the grey municipalities are."""
    return [
        html.P(data.note, className="map-note fw-semibold mb-1") if data.note else None,
        html.P(data.baseline, className="map-baseline mb-1") if data.baseline else None,
        html.P(data.outside, className="map-outside mb-1") if data.outside else None,
    ]


def measure_detail(measure: MeasureRecord, plan: str | None = None) -> list:
    """The full measure as text (never HTML), its why/how reflowed into paragraphs; `plan`:
    its plan as users read it (app.model.measure_plan)."""
    aliases = f" (også {', '.join(measure['aliases'])})" if measure["aliases"] else ""
    return [
        html.H3(f"{measure['id']}{aliases} {measure['title']}", className="h5"),
        html.P(
            f"{plan or measure['plan']} · {measure['theme'] or ''} · Strategi {measure['strategy']}"
            f" {measure['strategy_title'] or ''}",
            className="small text-body-secondary",
        ),
        html.H4("Hvorfor og hvordan", className="h6 mt-3"),
        html.Div([html.P(p, className="mb-2") for p in reflow(measure["why_how"])] or "–"),
        html.H4(measure["actors_label"] or "Hvem", className="h6 mt-3"),
        html.P(", ".join(measure["actors"]) or "–"),
        html.H4("Tidsperiode", className="h6 mt-3"),
        html.P(period_text(measure["period"])),
    ]


def evidence(row: dict) -> list:
    """The evidence snippet as text, the matched words marked (never HTML); each mark's
    tooltip says what it is and whether it counted, and marks that did not count look
    different (struck through, grey)."""
    text, out, at = row["belegg"], [], 0
    for start, end, said, counted in sorted(row["belegg_marks"], key=lambda m: (m[0], m[1])):
        if start < at:
            continue
        kind = "" if counted else " mark-uncounted"
        out += [text[at:start], html.Mark(text[start:end], title=said, className=kind.strip())]
        at = end
    return [*out, text[at:]]
