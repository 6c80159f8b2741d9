"""Plotly figures of the app: the load map, the measure highlight map and the IPR bars.

Maps use Plotly's geo subplot (SVG, d3-geo) with no base map, so they work offline and the
municipality names are plain SVG text. A background map (OpenStreetMap via MapLibre, needs
internet) is an option. Recolouring sends only z, hover data and titles (see callbacks)."""

from __future__ import annotations

import math
import textwrap

import plotly.graph_objects as go
from dash import Patch

from app.model import NOT_CONCERNED, Council, MapData, View, map_data, map_title
from app.state import PageState
from geo import norsk
from geo.geometry.web import WebShapes
from geo.outputs.palette import PALETTE, text_colour
from geo.terms import NOT_CONCERNED as NOT_CONCERNED_LABEL
from geo.terms import SPLIT_LABELS, VIA_LABELS, Metric, Via, capitalised

COLORSCALE = [[i / (len(PALETTE) - 1), c] for i, c in enumerate(PALETTE)]
FLAT_SCALE = [[0.0, "#e6e6e6"], [1.0, "#e6e6e6"]]  # one colour: the values are said in words
SPECIFIC_COLOUR, COMMON_COLOUR = "#0c2c84", "#a1dab4"
AREA_COLOUR = "#7fcdbb"  # specific, but only the municipality's area: lighter than acting
OUTSIDE_COLOUR = "#ececec"  # municipalities outside the programme's county
OUTSIDE_TEXT = "Utenfor handlingsprogrammet: ikke talt med"
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


def tick_step(top: float, whole: bool, ticks: int = 5) -> float:
    """A round step (1, 2, 2,5 or 5 × 10ⁿ; counts never below 1) giving about `ticks` ticks
    from 0 to `top`."""
    raw = max(top, 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw * (1 - 1e-9))
    return max(1, round(step)) if whole else step


def tick_decimals(step: float) -> int:
    """The decimals a tick label needs to show the step exactly (0,25 -> 2)."""
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return decimals


def colour_axis(data: MapData) -> dict:
    """The colour scale of a load map: from 0, round ticks for its range (whole for counts),
    one flat colour (and no colour bar) when the values are said in words instead. Every
    tick setting is given, so a recolour never keeps the last figure's."""
    if data.flat:
        return {"colorscale": FLAT_SCALE, "zmin": 0, "zmax": 1, "showscale": False}
    if data.scale is not None:
        return data.scale
    step = tick_step(data.zmax, data.whole)
    return {
        "colorscale": COLORSCALE,
        "zmin": 0,
        "zmax": data.zmax,
        "showscale": True,
        "colorbar": {
            "title": {"text": data.label, "side": "top"},
            "tickmode": "linear",
            "tick0": 0,
            "dtick": step,
            "tickformat": ",d" if data.whole else f",.{tick_decimals(step)}f",
            "tickvals": None,
            "ticktext": None,
            "tickangle": None,
        },
    }


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
    bounds: tuple[float, float, float, float] | None = None,
) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": font_size + 4}},
        margin={"l": 0, "r": 0, "t": 48 + font_size, "b": 0},
        font={"family": FONT, "size": font_size, "color": "#111111"},
        separators=norsk.PLOTLY_SEPARATORS,
        paper_bgcolor="#ffffff",
        height=height,
        uirevision="map",  # keep zoom and pan across recolours
        dragmode=False,
    )
    minx, miny, maxx, maxy = bounds or shapes.bounds
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
    data: MapData,
    title: str,
    attribution: str | None,
    background: bool = False,
    height: int | None = None,
    font_size: int = 14,
    bounds: tuple[float, float, float, float] | None = None,
) -> go.Figure:
    """Choropleth of one metric (scale from 0) with names on the map and a titled colour bar;
    `bounds` frames it (default: every shape drawn)."""
    axis = colour_axis(data)
    colorbar = {"thickness": 16, "len": 0.8, "tickfont": {"size": font_size}}
    colorbar.update(axis.pop("colorbar", {}))
    common = dict(
        geojson=shapes.source,
        featureidkey="properties.kommunenummer",
        locations=numbers,
        z=[v if v is not None else 0 for v in data.values],
        customdata=data.customdata,
        hovertemplate=data.hovertemplate,
        marker={"line": {"color": "#333333", "width": 0.8}},
        colorbar=colorbar,
        **axis,
    )
    trace = (
        go.Choroplethmap(**common, marker_opacity=0.8) if background else go.Choropleth(**common)
    )
    if shapes.others and not background:  # the rest of the country, as context
        numbers_all = [*numbers, *(n for n, _ in shapes.others)]
        names_all = [*names, *(name for _, name in shapes.others)]
        labels = _label_trace(shapes, numbers_all, names_all, font_size)
        fig = go.Figure([trace, labels, *context_traces(shapes)])
    else:
        labels = _label_trace(shapes, numbers, names, font_size, mapbox=background)
        fig = go.Figure([trace, labels])
    return _layout(fig, shapes, title, attribution, background, height, font_size, bounds)


def context_traces(shapes: WebShapes) -> list:
    """The municipalities outside the programme in one flat grey (named in the hover, never
    counted), and the borders between counties as lines over them."""
    others = go.Choropleth(
        geojson=shapes.source,
        featureidkey="properties.kommunenummer",
        locations=[n for n, _ in shapes.others],
        z=[0] * len(shapes.others),
        colorscale=[[0, OUTSIDE_COLOUR], [1, OUTSIDE_COLOUR]],
        showscale=False,
        text=[name for _, name in shapes.others],
        hovertemplate=f"<b>%{{text}}</b><br>{OUTSIDE_TEXT}<extra></extra>",
        marker={"line": {"color": "#8c8c8c", "width": 0.4}},
    )
    lons: list[float | None] = []
    lats: list[float | None] = []
    for line in shapes.borders:
        lons += [x for x, _ in line] + [None]
        lats += [y for _, y in line] + [None]
    borders = go.Scattergeo(
        lon=lons,
        lat=lats,
        mode="lines",
        line={"color": "#111111", "width": 1.6},
        hoverinfo="skip",
        showlegend=False,
    )
    return [others, borders]


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


def highlight_patch(names: list[str], vias: list[str], title: str) -> Patch:
    """Another highlight on the same shapes: the colours, hover texts and title only, as a
    Patch of the children that hold the graph (a view's graph slot)."""
    codes, texts, colours = highlight_values(names, vias)
    patch = Patch()
    figure = patch["props"]["figure"]
    figure["data"][0]["z"] = codes
    figure["data"][0]["text"] = texts
    figure["data"][1]["textfont"]["color"] = colours
    figure["layout"]["title"]["text"] = title
    return patch


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
        geojson=shapes.source,
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
    return _layout(fig, shapes, title, attribution, False, height, font_size, shapes.home)


def legend_below(fig: go.Figure) -> go.Figure:
    """A horizontal colour bar under the map: the map keeps the whole width, on a phone as
    beside a slide's text."""
    fig.update_traces(
        colorbar={
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "y": -0.02,
            "yanchor": "top",
            "len": 0.8,
            "thickness": 14,
            "title": {"side": "top"},
        },
        selector={"type": "choropleth"},
    )
    fig.update_geos(domain={"x": [0, 1], "y": [0.12, 1]})
    return fig


def for_slide(fig: go.Figure, font_size: int, scale: bool = True) -> go.Figure:
    """A map for a slide at a chamber's distance: the drawing takes the figure's whole height
    (a tall county is bound by it), its colour bar (unless `scale` is off) upright beside it
    with the title above in short lines, and no figure title (the slide's heading says what
    it shows)."""
    trace = fig.data[0]
    title = (trace.colorbar.title.text if trace.colorbar else None) or fig.layout.title.text or ""
    fig.update_layout(title=None, margin={"l": 0, "r": 0, "t": 8, "b": 0})
    fig.update_traces(
        colorbar={
            "orientation": "v",
            "x": 1,
            "xanchor": "right",
            "y": 0.45,
            "yanchor": "middle",
            "len": 0.6,
            "thickness": 22,
            "tickfont": {"size": font_size},
            "title": {
                "text": "<br>".join(textwrap.wrap(title, 16)),
                "side": "top",
                "font": {"size": font_size},
            },
        },
        selector={"type": "choropleth"},
    )
    if not scale:
        fig.update_traces(showscale=False, selector={"type": "choropleth"})
    fig.update_geos(domain={"x": [0, 0.74 if scale else 1], "y": [0, 1]})
    return fig


def _member_rows(councils: list[Council]) -> tuple[list[str], list[dict]]:
    """Rows down the side: for each council a blank row that carries its name (an annotation
    over the bars, so the names do not widen the axis), then its members (uncertain ones
    marked with *)."""
    rows, names = [], []
    for k, council in enumerate(councils):
        blank = "\u200b" * (k + 1)  # unique, invisible category
        rows.append(blank)
        names.append(
            {
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": blank,
                "yref": "y",
                "text": f"<b>{_short_council(council.name)}</b>",
                "showarrow": False,
            }
        )
        rows += [m.name + ("*" if m.uncertain else "") for m in council.members]
    return rows, names


def _values(councils: list[Council], value) -> list:
    """One value per row of _member_rows (None on the councils' name rows)."""
    out: list = []
    for council in councils:
        out.append(None)
        out += [value(m) for m in council.members]
    return out


def _short_council(name: str) -> str:
    return name.replace(" interkommunalt politisk råd", " IPR")


def _bar_layout(fig: go.Figure, title: str, x_title: str, font_size: int) -> go.Figure:
    """Horizontal bars, members down the side grouped by council: the names stay readable on
    a phone as on a wall screen."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": font_size + 2}},
        font={"family": FONT, "size": font_size, "color": "#111111"},
        separators=norsk.PLOTLY_SEPARATORS,
        xaxis={"title": {"text": x_title}, "gridcolor": "#dddddd", "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
        # The legend above the bars: below, it overprinted the x-axis title.
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        margin={"l": 10, "r": 30, "t": 90, "b": 60},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        bargap=0.25,
    )
    return fig


def council_load_bars(councils: list[Council], font_size: int = 14) -> go.Figure:
    """Per member its specific measures, those it is to act on then those that concern its
    area, grouped by council, on their own scale: the common measures every member has are
    said in the title, not drawn (they would dwarf the differences)."""
    rows, names = _member_rows(councils)
    act = _values(councils, lambda m: m.counts.act)
    area = _values(councils, lambda m: m.counts.area)
    common = [m.counts.common for c in councils for m in c.members]
    low, high = (min(common), max(common)) if common else (0, 0)
    span = norsk.count(low) if low == high else f"{norsk.count(low)}–{norsk.count(high)}"

    def bar(values, name, colour, text_colour, what):
        return go.Bar(
            y=rows,
            x=values,
            orientation="h",
            name=name,
            marker_color=colour,
            text=[norsk.count(v) if v else "" for v in values],
            textposition="inside",
            textangle=0,
            insidetextfont={"color": text_colour},
            hovertemplate=f"%{{y}}: %{{x}} {what}<extra></extra>",
        )

    fig = go.Figure(
        [
            bar(act, SPLIT_LABELS[Metric.ACT], SPECIFIC_COLOUR, "#ffffff", "skal bidra"),
            bar(area, SPLIT_LABELS[Metric.AREA], AREA_COLOUR, "#111111", "gjelder området"),
        ]
    )
    fig.update_layout(
        barmode="stack",
        uniformtext={"minsize": 11, "mode": "hide"},
        annotations=names,
        legend_traceorder="normal",  # as the bars read, left to right (stacks reverse it)
    )
    title = f"Særskilte tiltak per kommune (i tillegg {span} felles tiltak hver)"
    fig = _bar_layout(fig, title, "Antall særskilte tiltak", font_size)
    top = max((m.counts.specific for c in councils for m in c.members), default=0)
    if top <= 12:  # whole ticks, one per measure
        fig.update_xaxes(dtick=1, tickformat=",d")
    return fig


def council_per_1000_bars(
    councils: list[Council], year: int | None, font_size: int = 14
) -> go.Figure:
    """Specific measures per 1 000 inhabitants per member, grouped by council."""
    rows, names = _member_rows(councils)
    values = _values(councils, lambda m: m.counts.specific_per_1000)
    fig = go.Figure(
        go.Bar(
            y=rows,
            x=[v if v is not None and v == v else None for v in values],
            orientation="h",
            name="Særskilte per 1 000 innbyggere",
            marker_color=SPECIFIC_COLOUR,
            text=[norsk.decimal(v, 2) if v is not None else "" for v in values],
            textposition="outside",
            hovertemplate="%{y}: %{x:,.2f} per 1 000<extra></extra>",
        )
    )
    fig.update_layout(annotations=names)
    label = "Særskilte tiltak per 1 000 innbyggere" + (f" ({year})" if year else "")
    return _bar_layout(fig, label, "Per 1 000 innbyggere", font_size)


def map_figure(
    view: View,
    state: PageState,
    height: int | None = None,
    font_size: int = 14,
    title: str | None = None,
    home: bool = False,
):
    """The load map of a page state, its colour bar under it; `home` frames the programme's
    municipalities (on a national map, the rest of the country stays around them). A national
    map opens on the programme's county and its neighbours (the county chooser shows the
    whole country)."""
    shapes = view.shapes_for(state)
    bounds = shapes.home if home else (shapes.neighbourhood if shapes.others else None)
    return legend_below(
        load_map(
            shapes,
            view.numbers,
            view.names,
            map_data(view, state),
            title or map_title(view, state),
            view.attribution_for(state),
            background=state.bakgrunn,
            height=height,
            font_size=font_size,
            bounds=bounds,
        )
    )
