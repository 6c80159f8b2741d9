"""Callbacks: each small and named for what it updates. Heavy work is done at start-up
(app.model.make_view); callbacks only filter, count and draw."""

from __future__ import annotations

import io
from dataclasses import replace

import geopandas as gpd
import pandas as pd
from dash import Input, Output, Patch, State, ctx, dcc, html, no_update

from app import figures
from app.model import (
    View,
    council_rows,
    filters_of,
    kommune_rows,
    kommune_summary,
    map_title,
    map_values,
    measure_vias,
    metric_key,
    metric_label,
    top_measures,
)
from app.state import DEFAULT_VIA, format_state, parse_state
from app.state import State as PageState
from geo.load import load_frame
from geo.webmap import build_map

CONTROLS = [
    "view",
    "kommune-select",
    "metric",
    "year",
    "plan",
    "theme",
    "strategy",
    "actor",
    "via",
    "role",
    "layout",
    "bakgrunn",
    "tiltak-select",
]
FILTER_INPUTS = [
    Input(c, "value")
    for c in ("metric", "year", "plan", "theme", "strategy", "actor", "via", "role")
]


def _parse(view: View, search: str | None) -> PageState:
    bundle = view.bundle
    state = parse_state(
        search,
        tuple(view.numbers),
        tuple(bundle.options("theme")),
        tuple(bundle.options("strategy")),
        tuple(m["id"] for m in bundle.measures),
        slides=len(view.numbers) + 1,
    )
    if state.layout == "kart" and "boundaries" not in bundle.shapes:
        state = replace(state, layout="ruter")
    return state


def _state(view, search, values) -> PageState:
    """The page state from the controls' values (the URL supplies the slide)."""
    (
        page,
        kommune,
        metric,
        year,
        plan,
        theme,
        strategy,
        actor,
        via,
        role,
        layout,
        bakgrunn,
        tiltak,
    ) = values
    return replace(
        _parse(view, search),
        view=page or "kart",
        kommune=kommune,
        metric=metric or "geographic",
        year=year,
        plan=plan,
        theme=theme,
        strategy=strategy,
        actor=actor,
        via=tuple(v for v in ("name", "region", "place", "all", "organisation") if v in (via or []))
        or DEFAULT_VIA,
        role=role or None,
        layout=layout or "kart",
        bakgrunn=bool(bakgrunn),
        tiltak=tiltak,
    )


def _filtered(app_view: View, search, filters, **changes) -> PageState:
    """The page state from the eight filter inputs (FILTER_INPUTS order) and the URL."""
    metric, year, plan, theme, strategy, actor, via, role = filters
    state = _state(
        app_view,
        search,
        ["kart", None, metric, year, plan, theme, strategy, actor, via, role, "kart", False, None],
    )
    return replace(state, **changes)


def _values(state: PageState) -> list:
    return [
        state.view,
        state.kommune,
        state.metric,
        state.year,
        state.plan,
        state.theme,
        state.strategy,
        state.actor,
        list(state.via),
        state.role or "",
        state.layout,
        state.bakgrunn,
        state.tiltak,
    ]


def _map_figure(view: View, state: PageState, height=None, font_size=14, title=None):
    shapes = view.shapes_for(state.layout)
    values, custom = map_values(view, state)
    return figures.load_map(
        shapes,
        view.numbers,
        view.names,
        values,
        custom,
        metric_label(state),
        title or map_title(view, state),
        view.attribution if state.layout == "kart" else None,
        background=state.bakgrunn,
        height=height,
        font_size=font_size,
    )


def _detail(measure: dict) -> list:
    """The full measure as text (never HTML)."""
    period = measure["period"]
    years = "–".join(str(y) for y in (period["start"], period["end"]) if y) or "løpende"
    aliases = f" (også {', '.join(measure['aliases'])})" if measure["aliases"] else ""
    return [
        html.H3(f"{measure['id']}{aliases} {measure['title']}", className="h5"),
        html.P(
            f"{measure['plan']} · {measure['theme'] or ''} · Strategi {measure['strategy']}"
            f" {measure['strategy_title'] or ''}",
            className="small text-body-secondary",
        ),
        html.H4("Hvorfor og hvordan", className="h6 mt-3"),
        html.Div(measure["why_how"] or "–", className="why-how"),
        html.H4(measure["actors_label"] or "Hvem", className="h6 mt-3"),
        html.P(", ".join(measure["actors"]) or "–"),
        html.H4("Tidsperiode", className="h6 mt-3"),
        html.P(f"{period['text'] or '–'} ({years})"),
    ]


def register(app, view: View) -> None:
    @app.callback(
        Output("url", "search"),
        *[Output(c, "value") for c in CONTROLS],
        Input("url", "search"),
        *[Input(c, "value") for c in CONTROLS],
        Input("map", "clickData"),
        Input("slide-prev", "n_clicks"),
        Input("slide-next", "n_clicks"),
    )
    def sync_url_and_controls(search, *inputs):
        """The URL and the controls mirror each other; a map click opens that municipality."""
        trigger = ctx.triggered_id
        if trigger in (None, "url"):
            state = _parse(view, search)
            return [
                format_state(state) if format_state(state) != (search or "") else no_update,
                *_values(state),
            ]
        state = _state(view, search, inputs[: len(CONTROLS)])
        if trigger == "map":
            click = inputs[len(CONTROLS)]
            number = (click or {}).get("points", [{}])[0].get("location")
            if number not in view.numbers:
                return [no_update] * (len(CONTROLS) + 1)
            state = replace(state, view="kommune", kommune=number)
            return [format_state(state), *_values(state)]
        if trigger in ("slide-prev", "slide-next"):
            step = 1 if trigger == "slide-next" else -1
            state = replace(state, slide=(state.slide + step) % (len(view.numbers) + 1))
        return [format_state(state), *[no_update] * len(CONTROLS)]

    @app.callback(
        Output("main-page", "hidden"),
        Output("presentation-page", "hidden"),
        Input("url", "pathname"),
    )
    def show_page(pathname):
        presenting = (pathname or "").rstrip("/").endswith("/presentasjon")
        return presenting, not presenting

    @app.callback(
        *[Output(f"section-{v}", "hidden") for v in ("kart", "kommune", "tiltak", "ipr")],
        Input("view", "value"),
    )
    def show_view(page):
        return [page != v for v in ("kart", "kommune", "tiltak", "ipr")]

    @app.callback(
        Output("map", "figure"),
        *FILTER_INPUTS,
        Input("layout", "value"),
        Input("bakgrunn", "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def update_map(*args):
        """Recolour with a Patch (values and labels only); redraw when the shapes change."""
        *filters, layout, bakgrunn, search = args
        state = _filtered(view, search, filters, layout=layout or "kart", bakgrunn=bool(bakgrunn))
        if {"layout.value", "bakgrunn.value"} & set(ctx.triggered_prop_ids):
            return _map_figure(view, state)
        values, custom = map_values(view, state)
        patch = Patch()
        patch["data"][0]["z"] = values
        patch["data"][0]["customdata"] = custom
        patch["data"][0]["zmin"] = min(values)
        patch["data"][0]["zmax"] = max(max(values), min(values) + 1)
        patch["data"][0]["colorbar"]["title"]["text"] = metric_label(state)
        patch["layout"]["title"]["text"] = map_title(view, state)
        return patch

    @app.callback(
        Output("kommune-summary", "children"),
        Output("kommune-grid", "rowData"),
        Input("kommune-select", "value"),
        *FILTER_INPUTS,
        State("url", "search"),
    )
    def update_kommune_table(kommune, *args):
        *filters, search = args
        if kommune not in view.numbers:
            return "Velg en kommune i listen eller klikk på kartet.", []
        state = _filtered(view, search, filters, view="kommune", kommune=kommune)
        return kommune_summary(view, state, kommune), kommune_rows(view, state, kommune)

    @app.callback(
        Output("kommune-detail", "children"),
        Input("kommune-grid", "selectedRows"),
    )
    def show_measure_detail(rows):
        if not rows:
            return html.P("Velg en rad for å se hele tiltaket.", className="text-body-secondary")
        measure = view.bundle.measure(rows[0]["id"])
        return _detail(measure) if measure else no_update

    @app.callback(
        Output("tiltak-map", "figure"),
        Output("tiltak-detail", "children"),
        Input("tiltak-select", "value"),
        Input("layout", "value"),
    )
    def update_measure_view(measure_id, layout):
        """Draw the highlight map when the shapes change; otherwise patch the colours only."""
        measure = view.bundle.measure(measure_id) if measure_id else None
        vias = measure_vias(view, measure) if measure else ["none"] * len(view.numbers)
        title = f"Tiltak {measure['id']}" if measure else "Velg et tiltak"
        detail = (
            _detail(measure)
            if measure
            else html.P(
                "Søk på nummer eller ord for å se hvilke kommuner tiltaket berører.",
                className="text-body-secondary",
            )
        )
        if ctx.triggered_id == "tiltak-select":
            codes, texts, colours = figures.highlight_values(view.names, vias)
            patch = Patch()
            patch["data"][0]["z"] = codes
            patch["data"][0]["text"] = texts
            patch["data"][1]["textfont"]["color"] = colours
            patch["layout"]["title"]["text"] = title
            return patch, detail
        shapes = view.shapes_for(layout)
        attribution = view.attribution if layout == "kart" else None
        fig = figures.highlight_map(shapes, view.numbers, view.names, vias, title, attribution)
        return fig, detail

    @app.callback(
        Output("ipr-graph", "figure"),
        Output("ipr-table", "children"),
        *FILTER_INPUTS,
        State("url", "search"),
    )
    def update_council_comparison(*args):
        *filters, search = args
        state = _filtered(view, search, filters, view="ipr")
        bars, totals = council_rows(view, state)
        header = html.Thead(
            html.Tr(
                [
                    html.Th("Råd"),
                    html.Th("Kommuner"),
                    html.Th("Sum"),
                    html.Th("Snitt per kommune"),
                    html.Th("Medlem utenfor"),
                ]
            )
        )
        body = html.Tbody(
            [
                html.Tr(
                    [
                        html.Td(t["council"]),
                        html.Td(t["members"]),
                        html.Td(f"{t['total']:g}"),
                        html.Td(f"{t['average']:g}"),
                        html.Td(t["outside"] or "–"),
                    ]
                )
                for t in totals
            ]
        )
        table = html.Table(
            [header, body], className="table table-sm", **{"aria-label": "Sum og snitt per råd"}
        )
        return figures.council_bars(bars, metric_label(state)), table

    @app.callback(
        Output("download", "data"),
        Input("download-csv-button", "n_clicks"),
        Input("download-xlsx-button", "n_clicks"),
        Input("download-html-button", "n_clicks"),
        State("kommune-grid", "virtualRowData"),
        State("kommune-select", "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def download(csv_clicks, xlsx_clicks, html_clicks, rows, kommune, search):
        """The filtered table as CSV or Excel, or the map as a standalone HTML file."""
        state = _parse(view, search)
        if ctx.triggered_id == "download-html-button":
            return _html_map(view, state)
        name = view.name_of(kommune) if kommune else "alle"
        frame = pd.DataFrame(
            rows or [], columns=["id", "tittel", "plan", "periode", "via", "rolle", "belegg"]
        )
        if ctx.triggered_id == "download-csv-button":
            return dcc.send_data_frame(frame.to_csv, f"tiltak-{name}.csv", index=False)
        return dcc.send_bytes(lambda buffer: _excel(frame, buffer), f"tiltak-{name}.xlsx")

    app.clientside_callback(
        """function(n) {
            if (!n) { return window.dash_clientside.no_update; }
            const graph = document.querySelector('#map .js-plotly-plot');
            if (graph) { Plotly.downloadImage(graph, {format: 'png', width: 1600, height: 1000,
                                                      filename: 'tiltakskart'}); }
            return window.dash_clientside.no_update;
        }""",
        Output("download-png-button", "title"),
        Input("download-png-button", "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("slide-title", "children"),
        Output("slide-subtitle", "children"),
        Output("slide-map", "figure"),
        Output("slide-body", "children"),
        Output("slide-counter", "children"),
        Input("url", "search"),
        Input("url", "pathname"),
    )
    def render_slide(search, pathname):
        if not (pathname or "").rstrip("/").endswith("/presentasjon"):
            return no_update, no_update, no_update, no_update, no_update
        state = _parse(view, search)
        count = len(view.numbers) + 1
        counter = f"{state.slide + 1} / {count}"
        if state.slide == 0:
            return (*_title_slide(view, state), counter)
        number = view.numbers[state.slide - 1]
        return (*_municipality_slide(view, state, number), counter)


def _title_slide(view: View, state: PageState):
    measures = view.bundle.measures
    plans = view.bundle.options("plan")
    per_plan = [
        html.Li(f"{plan}: {sum(m['plan'] == plan for m in measures)} tiltak") for plan in plans
    ]
    fig = figures.leave_room_right(
        _map_figure(view, state, font_size=20, title=metric_label(state))
    )
    body = [
        html.P(f"{len(measures)} tiltak i tre regionale planer", className="fs-2 fw-bold"),
        html.Ul(per_plan, className="fs-4"),
        html.P("Bruk piltastene eller knappene for å gå gjennom kommunene.", className="fs-5"),
    ]
    return ("Handlingsprogram 2025–2028", "Tiltak per kommune i Østfold", fig, body)


def _municipality_slide(view: View, state: PageState, number: str):
    name = view.name_of(number)
    values, _ = map_values(view, state)
    value = values[view.numbers.index(number)]
    vias = ["name" if n == number else "none" for n in view.numbers]
    shapes = view.shapes_for(state.layout)
    fig = figures.highlight_map(
        shapes,
        view.numbers,
        view.names,
        vias,
        "",  # the slide's heading names the municipality
        view.attribution if state.layout == "kart" else None,
        font_size=20,
    )
    figures.leave_room_right(fig)
    fig.update_traces(showscale=False, selector={"type": "choropleth"})
    top, more, collective = top_measures(view, number, limit=4)
    rest = []
    if more:
        rest.append(f"{more} til som nevner kommunen, en region eller et sted i den")
    if collective:
        rest.append(f"{collective} der den er én av kommunene")
    body = [
        html.P(f"{metric_label(state)}: {round(value, 2):g}", className="fs-2 fw-bold"),
        html.Ol(
            [html.Li(f"{m['id']} {m['title']}", className="mb-2") for m in top], className="fs-4"
        ),
        html.P(f"… og {' og '.join(rest)}." if rest else "", className="fs-4"),
    ]
    return (name, kommune_summary(view, state, number), fig, body)


def _html_map(view: View, state: PageState):
    kind = view.shape_kind(state.layout)
    shapes = gpd.GeoDataFrame.from_features(view.bundle.shapes[kind].geojson, crs="EPSG:4326")
    table = view.bundle.index.table(filters_of(state, view.bundle, view.plans))
    frame = load_frame(shapes, table)
    key = metric_key(state)
    fmap = build_map(
        frame,
        view.bundle.measures,
        metric=key,
        schematic=kind == "tiles",
        notice=view.bundle.notice,
    )
    return dcc.send_string(fmap.get_root().render(), "tiltakskart.html")


def _excel(frame: pd.DataFrame, buffer: io.BytesIO) -> None:
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="tiltak", index=False)
