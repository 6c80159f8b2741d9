"""Plotly figures of the app: the load map, the measure highlight map and the IPR bars.

Maps use Plotly's geo subplot (SVG, d3-geo) with no base map, so they work offline and the
municipality names are plain SVG text. A background map (OpenStreetMap via MapLibre, needs
internet) is an option. Recolouring sends only z, hover data and titles (see callbacks)."""

from __future__ import annotations

import plotly.graph_objects as go

from app.bundle import WebShapes
from app.model import NOT_CONCERNED
from geo.terms import NOT_CONCERNED as NOT_CONCERNED_LABEL
from geo.terms import VIA_LABELS, Via, capitalised
from geo.webmap import PALETTE, text_colour

COLORSCALE = [[i / (len(PALETTE) - 1), c] for i, c in enumerate(PALETTE)]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
VIA_COLOURS = {
    Via.NAME: "#0072B2",
    Via.REGION: "#E69F00",
    Via.PLACE: "#009E73",
    Via.ALL: "#CC79A7",
    Via.ORGANISATION: "#999999",
    NOT_CONCERNED: "#F2F2F2",
}
VIA_NAMES = {
    **{via: capitalised(label) for via, label in VIA_LABELS.items()},
    NOT_CONCERNED: capitalised(NOT_CONCERNED_LABEL),
}
COUNCIL_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]
HOVER = (
    "<b>%{customdata[0]}</b><br>%{customdata[1]}: %{z:.4~g}<br>"
    "Navngitt: %{customdata[2]} · Region: %{customdata[3]} · Sted: %{customdata[4]}"
    "<br>Som en av kommunene: %{customdata[5]}<extra></extra>"
)


def _label_trace(shapes: WebShapes, numbers, names, size: int, colours=None, mapbox=False):
    lons = [shapes.labels[n][0] for n in numbers]
    lats = [shapes.labels[n][1] for n in numbers]
    textfont = {"size": size, "family": FONT, "color": colours or "#111111"}
    if mapbox:
        return go.Scattermap(
            lon=lons,
            lat=lats,
            text=names,
            mode="text",
            hoverinfo="skip",
            textfont={"size": size, "color": "#111111"},
            showlegend=False,
        )
    return go.Scattergeo(
        lon=lons,
        lat=lats,
        text=names,
        mode="text",
        hoverinfo="skip",
        textfont={**textfont, "shadow": "auto"},
        showlegend=False,
    )


def _layout(
    fig: go.Figure,
    shapes: WebShapes,
    title: str,
    attribution: str | None,
    background: bool,
    height: int | None = None,
    font_size: int = 14,
) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": font_size + 4}},
        margin={"l": 0, "r": 0, "t": 48 + font_size, "b": 0},
        font={"family": FONT, "size": font_size, "color": "#111111"},
        paper_bgcolor="#ffffff",
        height=height,
        uirevision="map",  # keep zoom and pan across recolours
        dragmode=False,
    )
    minx, miny, maxx, maxy = shapes.bounds
    if background:
        fig.update_layout(
            map={
                "style": "open-street-map",
                "zoom": 8.1,
                "center": {"lon": (minx + maxx) / 2, "lat": (miny + maxy) / 2},
            }
        )
    else:
        # Explicit ranges fill the frame (fitbounds leaves wide margins); scope "europe" makes
        # Plotly load europe_110m.json, served from app/assets/topojson so maps work offline.
        pad_x, pad_y = (maxx - minx) * 0.03, (maxy - miny) * 0.03
        fig.update_geos(
            visible=False,
            projection_type="mercator",
            bgcolor="#ffffff",
            scope="europe",
            domain={"x": [0, 1], "y": [0, 1]},
            lonaxis_range=[minx - pad_x, maxx + pad_x],
            lataxis_range=[miny - pad_y, maxy + pad_y],
            center={"lon": (minx + maxx) / 2, "lat": (miny + maxy) / 2},
        )
    if attribution:
        fig.add_annotation(
            text=attribution,
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="bottom",
            font={"size": 12, "color": "#333333"},
            bgcolor="#ffffff",
        )
    return fig


def load_map(
    shapes: WebShapes,
    numbers: list[str],
    names: list[str],
    values,
    customdata,
    label: str,
    title: str,
    attribution: str | None,
    background: bool = False,
    height: int | None = None,
    font_size: int = 14,
) -> go.Figure:
    """Choropleth of one metric with names on the map and a titled colour bar."""
    common = dict(
        geojson=shapes.geojson,
        featureidkey="properties.kommunenummer",
        locations=numbers,
        z=values,
        customdata=customdata,
        hovertemplate=HOVER,
        colorscale=COLORSCALE,
        zmin=min(values),
        zmax=max(max(values), min(values) + 1),
        marker={"line": {"color": "#333333", "width": 0.8}},
        colorbar={
            "title": {"text": label, "side": "right"},
            "thickness": 16,
            "len": 0.8,
            "tickfont": {"size": font_size},
        },
    )
    trace = (
        go.Choroplethmap(**common, marker_opacity=0.8) if background else go.Choropleth(**common)
    )
    fig = go.Figure([trace, _label_trace(shapes, numbers, names, font_size, mapbox=background)])
    return _layout(fig, shapes, title, attribution, background, height, font_size)


def _categorical_scale() -> list:
    """A stepped colour scale: one flat band per via, in VIA_COLOURS order."""
    n = len(VIA_COLOURS)
    scale = []
    for i, colour in enumerate(VIA_COLOURS.values()):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def highlight_values(names: list[str], vias: list[str]) -> tuple[list[int], list[str], list]:
    """(category codes, hover texts, label colours) for a measure's highlight map; what a
    Patch sends when another measure is chosen."""
    order = list(VIA_COLOURS)
    codes = [order.index(v) for v in vias]
    texts = [f"{name}: {VIA_NAMES[v]}" for name, v in zip(names, vias, strict=True)]
    colours = [text_colour(VIA_COLOURS[v]) for v in vias]
    return codes, texts, colours


def highlight_map(
    shapes: WebShapes,
    numbers: list[str],
    names: list[str],
    vias: list[str],
    title: str,
    attribution: str | None,
    height: int | None = None,
    font_size: int = 14,
) -> go.Figure:
    """Municipalities coloured by how a measure concerns them: one trace with a stepped
    colour scale, the categories named on the colour bar."""
    codes, texts, colours = highlight_values(names, vias)
    n = len(VIA_COLOURS)
    trace = go.Choropleth(
        geojson=shapes.geojson,
        featureidkey="properties.kommunenummer",
        locations=numbers,
        z=codes,
        zmin=-0.5,
        zmax=n - 0.5,
        colorscale=_categorical_scale(),
        text=texts,
        hovertemplate="<b>%{text}</b><extra></extra>",
        marker={"line": {"color": "#333333", "width": 0.8}},
        colorbar={
            "title": {"text": "Hvordan tiltaket treffer", "side": "top"},
            "tickvals": list(range(n)),
            "ticktext": [VIA_NAMES[v] for v in VIA_COLOURS],
            "thickness": 16,
            "len": 0.7,
        },
    )
    fig = go.Figure([trace, _label_trace(shapes, numbers, names, font_size, colours)])
    return _layout(fig, shapes, title, attribution, False, height, font_size)


def leave_room_right(fig: go.Figure, share: float = 0.6) -> go.Figure:
    """Draw the map in the left part of the frame (a slide's text sits on the right)."""
    fig.update_geos(domain={"x": [0, share], "y": [0, 1]})
    fig.update_traces(
        colorbar_x=share + 0.01,
        colorbar_title_side="top",
        colorbar_len=0.6,
        selector={"type": "choropleth"},
    )
    return fig


def council_bars(rows: list[dict], label: str) -> go.Figure:
    """Per-municipality bars grouped by IPR council (rows: council, name, value)."""
    fig = go.Figure()
    councils = list(dict.fromkeys(r["council"] for r in rows))
    for k, council in enumerate(councils):
        mine = [r for r in rows if r["council"] == council]
        fig.add_trace(
            go.Bar(
                x=[[council] * len(mine), [r["name"] for r in mine]],
                y=[r["value"] for r in mine],
                name=council,
                marker_color=COUNCIL_COLOURS[k % len(COUNCIL_COLOURS)],
                text=[f"{round(r['value'], 2):g}" for r in mine],
                textposition="outside",
                hovertemplate="%{x[1]}: %{y:.4~g}<extra>" + council + "</extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        font={"family": FONT, "size": 14, "color": "#111111"},
        yaxis={"title": {"text": label}, "gridcolor": "#dddddd"},
        legend={"orientation": "h", "y": 1.12, "x": 0},
        margin={"l": 60, "r": 10, "t": 60, "b": 110},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return fig
