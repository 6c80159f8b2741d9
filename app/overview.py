"""'Alle program': with several programmes on a national map, one map of Norway where each
municipality is coloured by its own county's programme (its specific measures, per 1 000
inhabitants where every programme has population figures), and counties without a programme
here drawn grey as context, the legend saying which is which. Built once at start-up."""

from __future__ import annotations

from importlib.resources import files

import plotly.graph_objects as go
from dash import Dash, dcc, html

from app import served
from app.components import graph_config
from app.figures import COLORSCALE, FONT, OUTSIDE_COLOUR, tick_decimals, tick_step
from app.model import programme_label
from geo import norsk
from geo.geometry.web import WebShapes
from geo.load.index import Filters
from geo.pipeline import Programme
from geo.terms import Layout

TITLE = "Alle program"
NO_PROGRAMME = "Fylket har ikke noe handlingsprogram her: ikke talt med"


def values(programmes: list[Programme]) -> tuple[dict[str, float], dict[str, str], bool]:
    """Per municipality of a programme's county: its specific measures in its own county's
    programme (per 1 000 inhabitants if every programme has population figures), the
    programme's name, and whether the values are per 1 000."""
    tables = [p.index.table(Filters(), p.population, with_ids=False) for p in programmes]
    per_1000 = all(
        p.population is not None and t["specific_per_1000"].notna().all()
        for p, t in zip(programmes, tables, strict=True)
    )
    column = "specific_per_1000" if per_1000 else "specific"
    found: dict[str, float] = {}
    source: dict[str, str] = {}
    for programme, table in zip(programmes, tables, strict=True):
        name = programme_label(programme)
        for number, value in zip(table["kommunenummer"], table[column], strict=True):
            found[str(number)] = float(value)
            source[str(number)] = name
    return found, source, per_1000


def overview_figure(
    programmes: list[Programme],
    shapes: WebShapes,
    url: str,
    counted: tuple[dict[str, float], dict[str, str], bool],
) -> go.Figure:
    """The national map (see the module doc); `url` is where `shapes`' geometry is served,
    `counted` the programmes' `values`."""
    found, source, per_1000 = counted
    everyone = sorted({*shapes.labels})
    names = dict(shapes.others) | {n: name for p in programmes for n, name in p.municipalities}
    coloured = [n for n in everyone if n in found]
    grey = [n for n in everyone if n not in found]
    zmax = max([found[n] for n in coloured] + [1.0])
    step = tick_step(zmax, not per_1000)
    label = "Særskilte tiltak per 1 000 innbyggere" if per_1000 else "Særskilte tiltak"
    number_format = f",.{tick_decimals(step)}f" if per_1000 else ",d"
    coloured_trace = go.Choropleth(
        geojson=url,
        featureidkey="properties.kommunenummer",
        locations=coloured,
        z=[found[n] for n in coloured],
        zmin=0,
        zmax=zmax,
        colorscale=COLORSCALE,
        text=[names.get(n, n) for n in coloured],
        customdata=[[source[n]] for n in coloured],
        hovertemplate=f"<b>%{{text}}</b><br>{label}: %{{z:{number_format}}}<br>"
        "Fylkets program: %{customdata[0]}<extra></extra>",
        marker={"line": {"color": "#555555", "width": 0.3}},
        colorbar={
            "title": {"text": f"{label}<br>(fra fylkets eget program)", "side": "top"},
            "tickmode": "linear",
            "tick0": 0,
            "dtick": step,
            "tickformat": number_format,
        },
    )
    context = go.Choropleth(
        geojson=url,
        featureidkey="properties.kommunenummer",
        locations=grey,
        z=[0] * len(grey),
        colorscale=[[0, OUTSIDE_COLOUR], [1, OUTSIDE_COLOUR]],
        showscale=False,
        text=[names.get(n, n) for n in grey],
        hovertemplate=f"<b>%{{text}}</b><br>{NO_PROGRAMME}<extra></extra>",
        marker={"line": {"color": "#9a9a9a", "width": 0.3}},
    )
    minx, miny, maxx, maxy = shapes.bounds
    figure = go.Figure([context, coloured_trace])
    figure.update_geos(
        visible=False,
        projection_type="mercator",
        scope="europe",
        lonaxis_range=[minx, maxx],
        lataxis_range=[miny, maxy],
        center={"lon": (minx + maxx) / 2, "lat": (miny + maxy) / 2},
    )
    figure.update_layout(
        title={"text": f"{label}, hver kommune i sitt eget fylkes program", "x": 0.01},
        margin={"l": 0, "r": 0, "t": 60, "b": 0},
        font={"family": FONT, "size": 14, "color": "#111111"},
        separators=norsk.PLOTLY_SEPARATORS,
        height=760,
        dragmode=False,
    )
    return figure


def legend_note(programmes: list[Programme], per_1000: bool) -> str:
    """What the colours count, in words."""
    listed = ", ".join(programme_label(p) for p in programmes)
    what = "per 1 000 innbyggere" if per_1000 else "i tall (innbyggertall mangler)"
    return (
        f"Farget: kommunene i fylker med et handlingsprogram her ({listed}), hver med sine "
        f"særskilte tiltak i sitt eget fylkes program, {what}. Grå: fylker uten handlingsprogram "
        "her, tegnet som sammenheng og ikke talt med. Programmene er ulike, så tallene sier "
        "hvor mye hvert fylke retter mot hver kommune, ikke at kommunene har like mye å gjøre."
    )


def create_overview(
    programmes: list[Programme], prefix: str, choices: tuple[tuple[str, str], ...]
) -> Dash:
    """The 'Alle program' page at `prefix`, with the chooser between the programmes."""
    from app.layout import chooser

    shapes = programmes[0].web[Layout.BOUNDARIES]
    app = Dash(
        __name__,
        title=f"Tiltakskart – {TITLE}",
        update_title=None,
        serve_locally=True,
        url_base_pathname=prefix,
        assets_folder=str(files("app").joinpath("assets")),
    )
    geometry = served.geometry(shapes.text)
    url = served.url_of(prefix, geometry)
    counted = values(programmes)
    figure = overview_figure(programmes, shapes, url, counted)
    per_1000 = counted[2]
    app.layout = html.Div(
        [
            html.Header(
                html.Div(
                    [
                        html.H1("Tiltakskart", className="h3 mb-0"),
                        html.P(
                            "Alle handlingsprogram her: hvor mye retter hvert fylke mot "
                            "sine kommuner?",
                            className="mb-0 lead-line",
                        ),
                        chooser(choices, prefix),
                    ],
                    className="container-fluid",
                ),
                className="app-header py-2",
            ),
            html.Main(
                [
                    dcc.Graph(
                        id="overview-map",
                        figure=figure,
                        config=graph_config(prefix),
                    ),
                    html.P(legend_note(programmes, per_1000), id="overview-note"),
                ],
                className="container-fluid",
            ),
        ]
    )
    served.install(app.server, [geometry], prefix)
    return app
