"""What each view shows, as figures and components: built from the model (figures and rows)
and the figure builders. Callbacks call these and stay small."""

from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd
from dash import dcc, html

from app import figures
from app.model import (
    View,
    council_rows,
    filters_of,
    kommune_summary,
    map_title,
    map_values,
    metric_key,
    metric_label,
    title_parts,
    top_measures,
)
from app.state import PageState
from geo.load import join_shapes
from geo.records import MeasureRecord
from geo.terms import Layout, Via
from geo.webmap import build_map

GRID_EXPORT_COLUMNS = ["id", "tittel", "plan", "periode", "via", "rolle", "belegg"]


def map_figure(
    view: View,
    state: PageState,
    height: int | None = None,
    font_size: int = 14,
    title: str | None = None,
):
    """The load map of a page state."""
    values, custom = map_values(view, state)
    return figures.load_map(
        view.shapes_for(state),
        view.numbers,
        view.names,
        values,
        custom,
        metric_label(view, state),
        title or map_title(view, state),
        view.attribution_for(state),
        background=state.bakgrunn,
        height=height,
        font_size=font_size,
    )


def measure_detail(measure: MeasureRecord) -> list:
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


def council_table(view: View, state: PageState):
    """The IPR bars and the per-council table."""
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
    return figures.council_bars(bars, metric_label(view, state)), table


def title_slide(view: View, state: PageState):
    """(title, subtitle, map, body) of the presentation's first slide."""
    measures = view.bundle.measures
    plans = view.bundle.options("plan")
    per_plan = [
        html.Li(f"{plan}: {sum(m['plan'] == plan for m in measures)} tiltak") for plan in plans
    ]
    fig = figures.leave_room_right(
        map_figure(view, state, font_size=20, title=metric_label(view, state))
    )
    body = [
        html.P(f"{len(measures)} tiltak i {len(plans)} regionale planer", className="fs-2 fw-bold"),
        html.Ul(per_plan, className="fs-4"),
        html.P("Bruk piltastene eller knappene for å gå gjennom kommunene.", className="fs-5"),
    ]
    title = f"Handlingsprogram {view.bundle.period_label}".strip()
    subtitle = f"Tiltak per kommune i {view.bundle.gazetteer.county_name}"
    return title, subtitle, fig, body


def municipality_slide(view: View, state: PageState, number: str):
    """(title, subtitle, map, body) of one municipality's slide."""
    name = view.name_of(number)
    values, _ = map_values(view, state)
    value = values[view.numbers.index(number)]
    vias = [Via.NAME if n == number else "none" for n in view.numbers]
    fig = figures.highlight_map(
        view.shapes_for(state),
        view.numbers,
        view.names,
        vias,
        "",  # the slide's heading names the municipality
        view.attribution_for(state),
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
        html.P(f"{metric_label(view, state)}: {round(value, 2):g}", className="fs-2 fw-bold"),
        html.Ol(
            [html.Li(f"{m['id']} {m['title']}", className="mb-2") for m in top], className="fs-4"
        ),
        html.P(f"… og {' og '.join(rest)}." if rest else "", className="fs-4"),
    ]
    return name, kommune_summary(view, state, number), fig, body


def html_map_download(view: View, state: PageState) -> dict:
    """The standalone folium map of the page state, as a download."""
    kind = view.shape_kind(state)
    shapes = gpd.GeoDataFrame.from_features(view.bundle.shapes[kind].geojson, crs="EPSG:4326")
    table = view.bundle.index.table(filters_of(state, view))
    title, filters = title_parts(view, state)
    fmap = build_map(
        join_shapes(shapes, table),
        view.bundle.measures,
        metric=metric_key(view, state),
        title=f"{title} ({filters})" if filters else title,
        schematic=kind == Layout.TILES,
        notice=view.bundle.notice,
    )
    return dcc.send_string(fmap.get_root().render(), "tiltakskart.html")


def table_download(rows: list[dict] | None, name: str, excel: bool) -> dict:
    """The grid's rows as CSV or Excel."""
    frame = pd.DataFrame(rows or [], columns=GRID_EXPORT_COLUMNS)
    if not excel:
        return dcc.send_data_frame(frame.to_csv, f"tiltak-{name}.csv", index=False)

    def write(buffer: io.BytesIO) -> None:
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="tiltak", index=False)

    return dcc.send_bytes(write, f"tiltak-{name}.xlsx")
