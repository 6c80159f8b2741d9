"""The page layout, in one place. Norwegian bokmål throughout."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from app.model import View
from geo.terms import (
    LAYOUT_LABELS,
    METRIC_CHOICE_LABELS,
    ROLE_CHOICE_LABELS,
    Layout,
    Metric,
)

GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "locale": "no",
    # Plotly's geo maps load a base topojson even when hidden: serve it ourselves (offline).
    "topojsonURL": "/assets/topojson/",
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {
        "format": "png",
        "filename": "tiltakskart",
        "width": 1600,
        "height": 1000,
        "scale": 1,
    },
}
METRIC_OPTIONS = [{"label": label, "value": m} for m, label in METRIC_CHOICE_LABELS.items()]
GRID_COLUMNS = [
    {
        "field": "id",
        "headerName": "Tiltak",
        "width": 95,
        "sort": "asc",
        "comparator": {"function": "TiltakIdComparator"},
    },
    {
        "field": "tittel",
        "headerName": "Tittel",
        "flex": 3,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px"},
    },
    {"field": "klasse_tekst", "headerName": "Hvordan", "width": 150, "wrapText": True},
    {"field": "plan", "headerName": "Plan", "width": 90},
    {"field": "periode", "headerName": "Periode", "width": 130, "wrapText": True},
    {"field": "via", "headerName": "Via", "width": 140, "wrapText": True},
    {"field": "rolle", "headerName": "Rolle", "width": 100},
    {
        "field": "belegg",
        "headerName": "Belegg i teksten",
        "flex": 4,
        "wrapText": True,
        "autoHeight": True,
        "cellRenderer": "Evidence",
        "cellStyle": {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px"},
    },
]


def programme_name(view: View) -> str:
    """'Handlingsprogram 2025–2028' (the period read from the document)."""
    return f"Handlingsprogram {view.bundle.period_label}".strip()


def boundary_credit(view: View) -> str:
    """The boundaries' credit line, saying when they are the bundled snapshot."""
    boundaries = view.bundle.boundaries
    if not view.attribution or boundaries is None:
        return ""
    if boundaries.source == "snapshot":
        return (
            "Kommunegrenser © Kartverket (CC BY 4.0), innebygd forenklet utgave "
            f"({boundaries.vintage})."
        )
    return "Kommunegrenser © Kartverket (CC BY 4.0)."


def population_credit(view: View) -> str:
    population = view.bundle.population
    if population is None:
        return " Innbyggertall mangler."
    return f" Innbyggertall 1. januar {population.year}: SSB (CC BY 4.0)."


def strategies(view: View) -> dict[str, str]:
    """Strategy number -> title, in document order."""
    return {m["strategy"]: m["strategy_title"] or "" for m in view.bundle.measures if m["strategy"]}


def _label(text: str, for_id: str) -> html.Label:
    return html.Label(text, htmlFor=for_id, className="form-label fw-semibold mb-1 mt-3")


def _group(legend: str, control) -> html.Fieldset:
    """Radio buttons and check boxes grouped under a legend (read out with each option)."""
    return html.Fieldset([html.Legend(legend, className="fs-6 fw-semibold mb-1 mt-3"), control])


def controls(view: View) -> html.Div:
    bundle = view.bundle
    plans = bundle.options("plan")
    return html.Div(
        [
            html.H2("Utvalg", className="h5 mb-0"),
            _group(
                "Hva kartet viser",
                dbc.RadioItems(id="metric", options=METRIC_OPTIONS, value=Metric.SPECIFIC),
            ),
            _label("År", "year"),
            dcc.Dropdown(
                id="year",
                options=[{"label": str(y), "value": y} for y in bundle.years],
                placeholder="Alle år",
                clearable=True,
            ),
            _label("Plan", "plan"),
            dcc.Dropdown(
                id="plan",
                placeholder="Alle planer",
                clearable=True,
                options=[
                    {"label": f"{i}: {p.removeprefix('Regional plan ')}", "value": str(i)}
                    for i, p in enumerate(plans, start=1)
                ],
            ),
            _label("Tema", "theme"),
            dcc.Dropdown(
                id="theme", placeholder="Alle tema", clearable=True, options=bundle.options("theme")
            ),
            _label("Strategi", "strategy"),
            dcc.Dropdown(
                id="strategy",
                placeholder="Alle strategier",
                clearable=True,
                options=[
                    {"label": f"{s} {title}", "value": s} for s, title in strategies(view).items()
                ],
            ),
            _label("Aktør (i Hvem-feltet)", "actor"),
            dcc.Dropdown(
                id="actor",
                placeholder="Alle aktører",
                clearable=True,
                options=bundle.common_actors(),
            ),
            _group(
                "Rolle",
                dbc.RadioItems(
                    id="role",
                    value="",
                    options=[
                        {"label": "Alle", "value": ""},
                        *({"label": lab, "value": r} for r, lab in ROLE_CHOICE_LABELS.items()),
                    ],
                ),
            ),
            _group(
                "Kartvisning",
                dbc.RadioItems(
                    id="layout",
                    value="kart" if bundle.has_boundaries else "ruter",
                    options=[
                        {
                            "label": LAYOUT_LABELS[Layout.BOUNDARIES],
                            "value": "kart",
                            "disabled": not bundle.has_boundaries,
                        },
                        {"label": LAYOUT_LABELS[Layout.TILES], "value": "ruter"},
                    ],
                ),
            ),
            dbc.Switch(
                id="bakgrunn",
                label="Bakgrunnskart (krever internett)",
                value=False,
                className="mt-2",
            ),
            html.H2("Last ned", className="h5 mt-4"),
            html.Div(
                [
                    dbc.Button(
                        "Tabell (CSV)",
                        id="download-csv-button",
                        color="primary",
                        size="sm",
                        className="me-1 mb-1",
                    ),
                    dbc.Button(
                        "Tabell (Excel)",
                        id="download-xlsx-button",
                        color="primary",
                        size="sm",
                        className="me-1 mb-1",
                    ),
                    dbc.Button(
                        "Kart (HTML)",
                        id="download-html-button",
                        color="primary",
                        size="sm",
                        className="me-1 mb-1",
                    ),
                    dbc.Button(
                        "Kart (PNG)",
                        id="download-png-button",
                        color="primary",
                        size="sm",
                        className="me-1 mb-1",
                    ),
                ]
            ),
            dcc.Download(id="download"),
        ],
        className="controls",
    )


def map_section(view: View, figure, map_words: list) -> html.Section:
    return html.Section(
        [
            html.Div(map_words, id="map-words", **{"aria-live": "polite"}),
            dcc.Graph(
                id="map",
                figure=figure,
                config=GRAPH_CONFIG,
                style={"height": "72vh", "minHeight": "480px"},
            ),
            html.P(
                "Klikk på en kommune for å se tiltakene som berører den.",
                className="text-body-secondary small mt-2",
            ),
        ],
        id="section-kart",
        **{"aria-label": "Kart"},
    )


def kommune_section(view: View) -> html.Section:
    return html.Section(
        [
            _label("Kommune", "kommune-select"),
            dcc.Dropdown(
                id="kommune-select",
                clearable=False,
                placeholder="Velg kommune",
                options=[
                    {"label": f"{name} ({n})", "value": n} for n, name in view.bundle.municipalities
                ],
            ),
            html.H2(id="kommune-summary", className="h4 mt-3", **{"aria-live": "polite"}),
            dag.AgGrid(
                id="kommune-grid",
                columnDefs=GRID_COLUMNS,
                rowData=[],
                defaultColDef={
                    "filter": True,
                    "sortable": True,
                    "resizable": True,
                    "floatingFilter": True,
                },
                dashGridOptions={
                    "rowSelection": {
                        "mode": "singleRow",
                        "enableClickSelection": True,
                        "checkboxes": False,
                    },
                    "localeText": {"noRowsToShow": "Ingen tiltak å vise"},
                    "ensureDomOrder": True,
                    "animateRows": False,
                },
                getRowId="params.data.id",
                style={"height": "520px"},
                className="ag-theme-quartz",
            ),
            html.Div(
                id="kommune-detail", className="measure-detail mt-3", **{"aria-live": "polite"}
            ),
        ],
        id="section-kommune",
        hidden=True,
    )


def tiltak_section(view: View) -> html.Section:
    options = [
        {
            "label": f"{m['id']} {m['title']}",
            "value": m["id"],
            "search": " ".join([m["id"], *m["aliases"], m["title"]]),
        }
        for m in view.bundle.measures
    ]
    return html.Section(
        [
            _label("Søk etter tiltak (nummer eller ord)", "tiltak-select"),
            dcc.Dropdown(
                id="tiltak-select",
                options=options,
                placeholder="F.eks. 1.3.2 eller «Pilgrimsleden»",
                clearable=True,
                optionHeight="auto",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            id="tiltak-map",
                            config=GRAPH_CONFIG,
                            style={"height": "62vh", "minHeight": "420px"},
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        html.Div(
                            id="tiltak-detail",
                            className="measure-detail",
                            **{"aria-live": "polite"},
                        ),
                        lg=5,
                    ),
                ],
                className="mt-3",
            ),
        ],
        id="section-tiltak",
        hidden=True,
    )


def ipr_section() -> html.Section:
    return html.Section(
        [
            html.P(
                "Er belastningen jevnt fordelt i rådet? Særskilte tiltak (navngitt, sted eller "
                "region) nederst i hver søyle, felles tiltak over; til høyre per 1 000 "
                "innbyggere. Utvalget fra panelet til venstre gjelder.",
                className="text-body-secondary",
            ),
            dcc.Graph(id="ipr-graph", config=GRAPH_CONFIG, style={"height": "440px"}),
            dcc.Graph(id="ipr-per1000-graph", config=GRAPH_CONFIG, style={"height": "380px"}),
            html.Div(id="ipr-table", className="mt-2 table-responsive"),
            html.Div(id="ipr-notes"),
        ],
        id="section-ipr",
        hidden=True,
    )


def main_page(view: View, figure, map_words: list) -> html.Div:
    notice = view.bundle.notice
    return html.Div(
        [
            html.Header(
                dbc.Container(
                    [
                        html.H1("Tiltakskart", className="h3 mb-0"),
                        html.P(
                            f"{programme_name(view)} for {view.bundle.gazetteer.county_name}s "
                            "regionale planer: hvilke tiltak berører hvilken kommune?",
                            className="mb-0",
                        ),
                    ],
                    fluid=True,
                ),
                className="app-header py-2",
            ),
            dbc.Container(
                [
                    dbc.Alert(notice, color="warning", className="mt-2") if notice else None,
                    html.Fieldset(
                        [
                            html.Legend("Visning", className="visually-hidden"),
                            # Native radio buttons styled as a button group: reachable with
                            # the keyboard and read out properly, unlike div-based tabs.
                            dbc.RadioItems(
                                id="view",
                                value="kart",
                                inline=True,
                                className="btn-group view-switch",
                                inputClassName="btn-check",
                                labelClassName="btn btn-outline-primary",
                                labelCheckedClassName="active",
                                options=[
                                    {"label": "Kart", "value": "kart"},
                                    {"label": "Kommune", "value": "kommune"},
                                    {"label": "Tiltak", "value": "tiltak"},
                                    {"label": "IPR-sammenligning", "value": "ipr"},
                                ],
                            ),
                        ],
                        className="mt-2",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                html.Aside(controls(view), **{"aria-label": "Utvalg"}),
                                lg=3,
                                className="pt-2",
                            ),
                            dbc.Col(
                                html.Main(
                                    [
                                        map_section(view, figure, map_words),
                                        kommune_section(view),
                                        tiltak_section(view),
                                        ipr_section(),
                                    ],
                                    className="pt-3",
                                ),
                                lg=9,
                            ),
                        ]
                    ),
                    html.Footer(
                        [
                            html.A(
                                "Presentasjon (storskjerm)", href="/presentasjon", className="me-3"
                            ),
                            html.Span(
                                f"Kilde: {programme_name(view)}, "
                                f"{view.bundle.gazetteer.county_name} fylkeskommune. "
                            ),
                            html.Span(boundary_credit(view)),
                            html.Span(population_credit(view)),
                        ],
                        className="small text-body-secondary my-3",
                    ),
                ],
                fluid=True,
            ),
        ],
        id="main-page",
    )


def presentation_page(view: View) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.H1(id="slide-title", className="display-5 fw-bold mb-1"),
                    html.P(id="slide-subtitle", className="fs-3 mb-2"),
                ],
                className="slide-head",
            ),
            html.Div(
                [
                    dcc.Graph(
                        id="slide-map",
                        config={**GRAPH_CONFIG, "displayModeBar": False},
                        style={"height": "78vh", "width": "100%"},
                    ),
                    html.Div(id="slide-body", className="slide-body"),
                ],
                className="slide-stage",
            ),
            html.Nav(
                [
                    dbc.Button(
                        "← Forrige", id="slide-prev", color="primary", size="lg", className="me-2"
                    ),
                    dbc.Button(
                        "Neste →", id="slide-next", color="primary", size="lg", className="me-3"
                    ),
                    html.Span(id="slide-counter", className="fs-4 me-3"),
                    html.A("Tilbake til kartet", href="/", className="fs-5"),
                ],
                className="slide-nav",
                **{"aria-label": "Lysbilder"},
            ),
        ],
        id="presentation-page",
        className="presentation",
        hidden=True,
    )


def serve_layout(view: View, figure, map_words: list) -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            main_page(view, figure, map_words),
            presentation_page(view),
        ]
    )
