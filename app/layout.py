"""The page layout, in one place. Norwegian bokmål throughout."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from app.controls import CONTROLS
from app.model import View, drawn_key, filter_tree
from app.state import VIEWS, PageState
from geo.gazetteer import COUNTIES_2024
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
# Text wraps at word boundaries: ag-grid's default breaks inside words.
WRAP = {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px", "wordBreak": "normal"}
GRID_COLUMNS = [
    {
        "field": "id",
        "headerName": "Tiltak",
        "width": 90,
        "sort": "asc",
        "comparator": {"function": "TiltakIdComparator"},
    },
    {
        "field": "tittel",
        "headerName": "Tittel",
        "flex": 3,
        "minWidth": 180,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": WRAP,
    },
    {
        "field": "periode",
        "headerName": "Periode",
        "width": 130,
        "wrapText": True,
        "cellStyle": WRAP,
    },
    {"field": "rolle", "headerName": "Rolle", "width": 100},
]
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
# ag-grid's texts in Norwegian: menus, filters, empty table, paging, accessibility.
GRID_LOCALE = {
    "noRowsToShow": "Ingen tiltak å vise",
    "loadingOoo": "Laster …",
    "filterOoo": "Filtrer …",
    "searchOoo": "Søk …",
    "selectAll": "(Velg alle)",
    "selectAllSearchResults": "(Velg alle treff)",
    "blanks": "(Tomme)",
    "noMatches": "Ingen treff",
    "equals": "Er lik",
    "notEqual": "Er ikke lik",
    "blank": "Tom",
    "notBlank": "Ikke tom",
    "empty": "Velg én",
    "lessThan": "Mindre enn",
    "greaterThan": "Større enn",
    "lessThanOrEqual": "Mindre enn eller lik",
    "greaterThanOrEqual": "Større enn eller lik",
    "inRange": "Mellom",
    "inRangeStart": "Fra",
    "inRangeEnd": "Til",
    "contains": "Inneholder",
    "notContains": "Inneholder ikke",
    "startsWith": "Begynner med",
    "endsWith": "Slutter med",
    "andCondition": "OG",
    "orCondition": "ELLER",
    "applyFilter": "Bruk",
    "resetFilter": "Tilbakestill",
    "clearFilter": "Tøm",
    "cancelFilter": "Avbryt",
    "textFilter": "Tekstfilter",
    "numberFilter": "Tallfilter",
    "dateFilter": "Datofilter",
    "setFilter": "Utvalgsfilter",
    "filterTitle": "Filter",
    "columns": "Kolonner",
    "filters": "Filtre",
    "pinColumn": "Fest kolonne",
    "pinLeft": "Fest til venstre",
    "pinRight": "Fest til høyre",
    "noPin": "Ikke fest",
    "autosizeThiscolumn": "Tilpass bredden på denne kolonnen",
    "autosizeAllColumns": "Tilpass bredden på alle kolonner",
    "resetColumns": "Tilbakestill kolonner",
    "sortAscending": "Sorter stigende",
    "sortDescending": "Sorter synkende",
    "sortUnSort": "Fjern sortering",
    "columnFilter": "Kolonnefilter",
    "columnChooser": "Velg kolonner",
    "chooseColumns": "Velg kolonner",
    "page": "Side",
    "of": "av",
    "to": "til",
    "more": "flere",
    "next": "Neste",
    "last": "Siste",
    "first": "Første",
    "previous": "Forrige",
    "ariaFilterInput": "Filterverdi",
    "ariaFilterValue": "Filterverdi",
    "ariaFilteringOperator": "Filtervalg",
    "ariaColumnFiltered": "Kolonnen er filtrert",
    "ariaSortableColumn": "Trykk Enter for å sortere",
    "ariaRowSelect": "Trykk mellomrom for å velge raden",
    "ariaRowDeselect": "Trykk mellomrom for å fjerne valget av raden",
    "ariaSearch": "Søk",
    "ariaSearchFilterValues": "Søk i filterverdier",
    "ariaLabelColumnMenu": "Kolonnemeny",
    "ariaLabelColumnFilter": "Kolonnefilter",
    "ariaLabelDialog": "Dialog",
    "ariaLabelGrid": "Tabell",
    "ariaMenuColumn": "Trykk Alt+pil ned for å åpne kolonnemenyen",
    "ariaFilterMenuOpen": "Åpne filtermenyen",
    "ariaFilterColumn": "Trykk Ctrl+Enter for å åpne filteret",
}


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


def dropdown(id_: str, placeholder: str, options: list, **kwargs) -> dcc.Dropdown:
    """A dropdown with Norwegian texts throughout."""
    return dcc.Dropdown(
        id=id_, placeholder=placeholder, options=options, labels=DROPDOWN_LABELS, **kwargs
    )


def _button(text: str, id_: str, title: str) -> dbc.Button:
    return dbc.Button(text, id=id_, title=title, color="primary", size="sm", className="me-1 mb-1")


def controls(view: View) -> html.Div:
    bundle = view.bundle
    plans = bundle.options("plan")
    return html.Div(
        [
            html.H2("Utvalg", className="h5 mb-0 d-none d-lg-block"),
            _group(
                "Hva kartet viser",
                dbc.RadioItems(id="metric", options=METRIC_OPTIONS, value=Metric.SPECIFIC),
            ),
            _label("År", "year"),
            dropdown(
                "year",
                "Alle år",
                [{"label": str(y), "value": y} for y in bundle.years],
                clearable=True,
            ),
            _label("Plan", "plan"),
            dropdown(
                "plan",
                "Alle planer",
                [
                    {"label": f"{i}: {p.removeprefix('Regional plan ')}", "value": str(i)}
                    for i, p in enumerate(plans, start=1)
                ],
                clearable=True,
            ),
            _label("Tema", "theme"),
            dropdown(
                "theme",
                "Alle tema",
                [{"label": t, "value": t} for t in view.choices.themes],
                clearable=True,
            ),
            _label("Strategi", "strategy"),
            dropdown(
                "strategy",
                "Alle strategier",
                [{"label": f"{s} {title}", "value": s} for s, title in strategies(view).items()],
                clearable=True,
            ),
            _label("Aktør (i Hvem-feltet)", "actor"),
            dropdown(
                "actor",
                "Alle aktører",
                [{"label": a, "value": a} for a in view.choices.actors],
                clearable=True,
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
                    value=view.choices.default.layout,
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
            *county_zoom(view),
            dbc.Switch(
                id="bakgrunn",
                label="Bakgrunnskart (krever internett)",
                value=False,
                className="mt-2",
            ),
            html.H2("Last ned det du ser", className="h5 mt-4"),
            html.Div(
                [
                    _button(
                        "Tabell (CSV)",
                        "download-csv-button",
                        "For Excel på norsk: semikolon, desimalkomma, UTF-8",
                    ),
                    _button(
                        "Tabell (Excel)", "download-xlsx-button", "Excel med norske overskrifter"
                    ),
                    _button(
                        "CSV med komma",
                        "download-csv-plain-button",
                        "For andre verktøy: komma, desimalpunktum, UTF-8",
                    ),
                    _button("Kart (HTML)", "download-html-button", "Kartet som egen nettside"),
                    _button("Bilde (PNG)", "download-png-button", "Kartet eller diagrammet"),
                ]
            ),
            dcc.Download(id="download"),
        ],
        className="controls",
    )


def controls_panel(view: View) -> html.Aside:
    """The controls: beside the result on a wide screen; below a toggle, closed, on a narrow
    one, so that the result comes first (CSS shows the panel at lg and up)."""
    return html.Aside(
        [
            html.Button(
                "Utvalg og nedlasting",
                id="controls-toggle",
                className="btn btn-outline-primary btn-sm d-lg-none w-100 mt-2",
                **{"aria-controls": "controls-panel", "aria-expanded": "false"},
            ),
            dbc.Collapse(controls(view), id="controls-panel", is_open=False),
        ],
        **{"aria-label": "Utvalg"},
    )


def map_section(view: View, figure, map_words: list) -> html.Section:
    return html.Section(
        [
            html.Div(map_words, id="map-words", **{"aria-live": "polite"}),
            dcc.Graph(
                id="map",
                figure=figure,
                config=GRAPH_CONFIG,
                style={"height": "calc(100vh - 160px)", "minHeight": "480px"},
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
    """One municipality: a summary, its specific measures grouped and in full, then the common
    ones in a table behind a disclosure, and a printable page for its council."""
    return html.Section(
        [
            html.Div(
                [
                    html.Div(
                        [
                            _label("Kommune", "kommune-select"),
                            dropdown(
                                "kommune-select",
                                "Velg kommune",
                                [
                                    {"label": f"{name} ({n})", "value": n}
                                    for n, name in view.bundle.municipalities
                                ],
                                clearable=False,
                            ),
                        ],
                        className="kommune-pick",
                    ),
                    html.A(
                        "Skriv ut (A4)",
                        id="kommune-print",
                        href="/utskrift",
                        target="_blank",
                        className="btn btn-outline-primary btn-sm ms-2 mt-4",
                    ),
                ],
                className="d-flex align-items-start",
            ),
            html.H2(id="kommune-summary", className="h5 mt-2", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Div(id="kommune-specific"),
                    html.Details(
                        [
                            html.Summary(id="kommune-common-summary", className="h6"),
                            html.Div(id="kommune-grid-slot"),  # the grid, once opened
                            html.Div(
                                id="kommune-detail",
                                className="measure-detail mt-3",
                                tabIndex="0",  # it scrolls: reachable by keyboard
                                **{"aria-live": "polite", "aria-label": "Valgt tiltak"},
                            ),
                        ],
                        id="kommune-common",
                        className="mt-3",
                    ),
                    html.Div(id="kommune-organisation"),
                ],
                id="kommune-body",
                hidden=True,
            ),
        ],
        id="section-kommune",
        hidden=True,
    )


def county_zoom(view: View) -> list:
    """On a map of the whole country: a county chooser that zooms the map to the county."""
    counties = (
        view.bundle.shapes[Layout.BOUNDARIES].county_bounds if view.bundle.has_boundaries else {}
    )
    if not counties:
        return []
    options = [{"label": "Hele landet", "value": "alle"}] + [
        {"label": f"{COUNTIES_2024.get(n, n)} ({n})", "value": n} for n in counties
    ]
    return [
        _label("Vis fylke", "fylke"),
        dropdown("fylke", "Hele landet", options, clearable=False, value="alle"),
    ]


def kommune_grid(rows: list[dict]) -> dag.AgGrid:
    """The Kommune view's table of common measures. Sent with the view's first answer, so
    ag-grid's scripts load only when the view opens (see app.main.defer_scripts)."""
    return dag.AgGrid(
        id="kommune-grid",
        columnDefs=GRID_COLUMNS,
        rowData=rows,
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
            "localeText": GRID_LOCALE,
            "ensureDomOrder": True,
            "animateRows": False,
        },
        getRowId="params.data.id",
        style={"height": "480px"},
        className="ag-theme-quartz",
    )


def tiltak_section(view: View) -> html.Section:
    """One search box over numbers, words, actors and the places a measure concerns; its
    options (with their search text, most of the layout's weight) come with the view's first
    answer (app.callbacks.measure)."""
    return html.Section(
        [
            _label("Søk etter tiltak: nummer, ord, aktør, kommune eller sted", "tiltak-select"),
            dropdown(
                "tiltak-select",
                "F.eks. 1.3.2, «Pilgrimsleden», Sarpsborg eller Kalnes",
                [],
                clearable=True,
                optionHeight="auto",
            ),
            dbc.Row(
                [
                    dbc.Col(html.Div(id="tiltak-map-slot"), lg=7),  # tiltak_graph, once shown
                    dbc.Col(
                        html.Div(
                            id="tiltak-detail",
                            className="measure-detail",
                            tabIndex="0",  # it scrolls: reachable by keyboard
                            **{"aria-live": "polite", "aria-label": "Valgt tiltak"},
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


# The hidden views' graphs come with each view's first answer: an empty graph costs Plotly
# 15–30 ms to draw, and four of them on every page load delayed the map's first paint.


def tiltak_graph(figure) -> dcc.Graph:
    return dcc.Graph(
        id="tiltak-map",
        figure=figure,
        config=GRAPH_CONFIG,
        style={"height": "62vh", "minHeight": "360px"},
    )


def ipr_graphs(loads, per_1000) -> list[dcc.Graph]:
    return [
        dcc.Graph(id="ipr-graph", figure=loads, config=GRAPH_CONFIG, style={"height": "520px"}),
        dcc.Graph(
            id="ipr-per1000-graph",
            figure=per_1000,
            config=GRAPH_CONFIG,
            style={"height": "480px"},
        ),
    ]


def slide_graph(figure) -> dcc.Graph:
    return dcc.Graph(
        id="slide-map",
        figure=figure,
        config={**GRAPH_CONFIG, "displayModeBar": False},
        style={"height": "78vh", "width": "100%"},
    )


def ipr_section() -> html.Section:
    return html.Section(
        [
            html.P(
                "Er belastningen jevnt fordelt i rådet? Særskilte tiltak (navngitt, sted eller "
                "region) først i hver søyle, felles tiltak etter; under: særskilte tiltak per "
                "1 000 innbyggere. Utvalget i panelet gjelder.",
                className="text-body-secondary",
            ),
            html.Div(id="ipr-graphs"),  # ipr_graphs, once shown
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
                            className="mb-0 lead-line",
                        ),
                    ],
                    fluid=True,
                ),
                className="app-header py-2",
            ),
            dbc.Container(
                [
                    dbc.Alert(notice, color="warning", className="mt-2") if notice else None,
                    html.Nav(
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
                            ]
                        ),
                        className="mt-2",
                        **{"aria-label": "Visning"},
                    ),
                    dbc.Row(
                        [
                            dbc.Col(controls_panel(view), lg=3, className="pt-2"),
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


def presentation_page(view: View) -> html.Main:
    return html.Main(
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
                    html.Div(id="slide-map-slot"),  # slide_graph, once shown
                    html.Div(
                        id="slide-body",
                        className="slide-body",
                        tabIndex="0",  # it scrolls: reachable by keyboard
                        **{"aria-label": "Lysbildets tekst"},
                    ),
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


def config(view: View, lazy: dict[str, list[str]] | None = None) -> dict:
    """What the browser's router needs (app/assets/router.js), defined once here in Python;
    `lazy` names the scripts a view needs before it is first asked to render."""
    shapes = view.bundle.shapes.get(Layout.BOUNDARIES)
    return {
        "counties": {
            **(shapes.county_bounds if shapes else {}),
            **({"alle": shapes.bounds} if shapes and shapes.county_bounds else {}),
        },
        "lazy": lazy or {},
        "controls": list(CONTROLS),
        "views": list(VIEWS),
        "numbers": view.numbers,
        "themes": list(view.choices.themes),
        "strategies": list(view.choices.strategies),
        "strategy_titles": strategies(view),
        "tree": filter_tree(view),
        "slides": view.choices.slides,
    }


def stores(view: View, start: PageState, lazy: dict[str, list[str]] | None = None) -> list:
    """The page's state outside the controls: the router's config and output, each view's
    "ask" store and what each map last drew."""
    return [
        dcc.Store(id="config", data=config(view, lazy)),
        dcc.Store(id="state"),
        dcc.Store(id="synced", data=0),
        dcc.Store(id="slide"),
        *(dcc.Store(id=f"canon-{v}") for v in (*VIEWS, "slide")),
        dcc.Store(id="url-written"),
        *(dcc.Store(id=f"ask-{v}") for v in VIEWS),
        dcc.Store(id="drawn-kart", data=drawn_key(start)),
        dcc.Store(id="drawn-tiltak"),
        dcc.Store(id="drawn-slide"),
        dcc.Store(id="zoomed"),
        dcc.Store(id="kommune-chosen"),  # the common measure chosen in the Kommune table
    ]


def serve_layout(
    view: View, figure, map_words: list, lazy: dict[str, list[str]] | None = None
) -> html.Div:
    start = view.choices.default
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            *stores(view, start, lazy),
            main_page(view, figure, map_words),
            presentation_page(view),
        ]
    )
