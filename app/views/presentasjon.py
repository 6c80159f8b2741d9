"""Presentasjon (`/presentasjon`): large type for a council chamber's screen at 1920×1080, a
title slide with the totals, one slide per municipality and per IPR council; arrow keys or
buttons step, and stepping between municipalities patches the map's colours."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

from app import figures, ids
from app.components import graph_config
from app.model import (
    NOT_CONCERNED,
    View,
    councils,
    kommune_measures,
    map_data,
    metric_label,
    per_1000_text,
    plan_label,
    progress_of,
)
from app.state import PageState
from app.status import table_status
from geo import norsk
from geo.pipeline import Programme
from geo.terms import CLASS_LABELS, SPLIT_LABELS, Via

NAME = "slide"  # its stores: drawn-slide, canon-slide
ROUTE = ids.PRESENTATION


def stores(view: View) -> list[dcc.Store]:
    """What the slide's map draws, and the slide's link."""
    return [dcc.Store(id=ids.drawn(NAME)), dcc.Store(id=ids.canon(NAME))]


def slide_total(programme: Programme) -> int:
    """The title slide, one per municipality, one per IPR council."""
    return 1 + len(programme.municipalities) + len(programme.councils())


def step_button(text: str, id_: str, title: str) -> dbc.Button:
    """A button of the slide navigation (its key named in the tooltip)."""
    return dbc.Button(text, id=id_, title=title, color="primary", size="lg", className="me-2")


def page(view: View) -> html.Main:
    return html.Main(
        [
            html.Div(
                [
                    html.H1(id=ids.SLIDE_TITLE, className="display-5 fw-bold mb-1"),
                    html.P(id=ids.SLIDE_SUBTITLE, className="fs-3 mb-2"),
                ],
                className="slide-head",
            ),
            html.Div(
                [
                    html.Div(id=ids.SLIDE_MAP_SLOT),  # graph(), once shown
                    html.Div(
                        id=ids.SLIDE_BODY,
                        className="slide-body",
                        tabIndex="0",  # it scrolls: reachable by keyboard
                        **{"aria-label": "Lysbildets tekst"},
                    ),
                ],
                className="slide-stage",
            ),
            html.Nav(
                [
                    step_button("⇤ Første", ids.SLIDE_FIRST, "Første lysbilde (Home)"),
                    step_button("← Forrige", ids.SLIDE_PREV, "Forrige lysbilde (←)"),
                    step_button("Neste →", ids.SLIDE_NEXT, "Neste lysbilde (→)"),
                    step_button("Siste ⇥", ids.SLIDE_LAST, "Siste lysbilde (End)"),
                    html.Span(id=ids.SLIDE_COUNTER, className="fs-4 me-3"),
                    html.A("Tilbake til kartet", href=ids.href(view.prefix), className="fs-5"),
                ],
                className="slide-nav",
                **{"aria-label": "Lysbilder"},
            ),
        ],
        id=ids.PRESENTATION_PAGE,
        className="presentation",
        hidden=True,
    )


def graph(view: View, figure) -> dcc.Graph:
    return dcc.Graph(
        id=ids.SLIDE_MAP,
        figure=figure,
        config=graph_config(view.prefix, displayModeBar=False),
        style={"height": "calc(100vh - 210px)", "width": "100%"},  # under the heading
    )


SLIDE_FONT = 24  # px: names on a slide map, readable across a council chamber


def title_slide(view: View, state: PageState):
    """(title, subtitle, map, body) of the presentation's first slide."""
    measures = view.programme.measures
    plans = view.programme.plans
    per_plan = [
        html.Li(
            f"{plan_label(plan)}: {norsk.count(sum(m['plan'] == plan.title for m in measures))}"
            " tiltak"
        )
        for plan in plans
    ]
    fig = figures.for_slide(
        figures.map_figure(
            view, state, font_size=SLIDE_FONT, title=metric_label(view, state), home=True
        ),
        SLIDE_FONT,
    )
    data = map_data(view, state)
    body = [
        html.P(
            f"{norsk.count(len(measures))} tiltak i {len(plans)} regionale planer",
            className="fs-2 fw-bold",
        ),
        html.Ul(per_plan, className="fs-4"),
        html.P(data.baseline, className="fs-4") if data.baseline else None,
        html.P(data.note, className="fs-4 fw-bold") if data.note else None,
        html.P(
            "Bla med piltastene, mellomrom, en fjernkontroll (klikker) eller knappene; "
            "Home og End går til første og siste.",
            className="fs-5",
        ),
    ]
    title = f"Handlingsprogram {view.programme.period_label}".strip()
    subtitle = (
        f"Særskilte tiltak per kommune i {view.programme.gazetteer.county_name} "
        f"(revisjon: {view.programme.document.name})"
    )
    return title, subtitle, fig, body


def municipality_slide(view: View, state: PageState, number: str, with_map: bool = True):
    """(title, subtitle, map, body) of one municipality's slide: its specific measures in full,
    the common ones as one line, the per 1 000 figure; the numbers add up. Without the map
    (None) when the slide before drew it and only its colours change."""
    name = view.name_of(number)
    vias = [Via.NAME if n == number else NOT_CONCERNED for n in view.numbers]
    fig = None
    if with_map:
        fig = figures.highlight_map(
            view.shapes_for(state),
            view.numbers,
            view.names,
            vias,
            "",  # the slide's heading names the municipality
            view.attribution_for(state),
            font_size=SLIDE_FONT,
        )
        fig = figures.for_slide(fig, SLIDE_FONT, scale=False)
    measures = kommune_measures(view, state, number)
    counts = measures.counts
    common, organisation = counts.common, counts.organisation
    statuses, reportable = view.store.statuses(), view.store.reportable()

    def status_of(measure: str) -> str:
        if view.access is None:
            return ""
        shown = table_status(statuses, reportable, measure, number)
        return f" – {shown}" if shown else ""

    groups: list = []
    for role, by_class in measures.split.items():
        rows = [(r, cls) for cls, rs in by_class.items() for r in rs]
        if not rows:
            continue
        groups.append(
            html.P(f"{SPLIT_LABELS[role]} ({norsk.count(len(rows))})", className="fw-bold mb-1")
        )
        groups.append(
            html.Ol(
                [
                    html.Li(
                        [
                            html.B(r["id"]),
                            f" {r['tittel']} ",
                            html.Span(f"({CLASS_LABELS[cls]})", className="text-body-secondary"),
                            html.Span(status_of(r["id"]), className="slide-status"),
                        ],
                        className="mb-2",
                    )
                    for r, cls in rows
                ],
                className="slide-list",
            )
        )
    body = [
        html.P(f"{norsk.count(counts.specific)} særskilte tiltak", className="fs-3 fw-bold mb-2"),
        *(
            groups
            or [
                html.P(
                    "Ingen tiltak nevner kommunen, et sted i den eller en region den hører til.",
                    className="fs-5",
                )
            ]
        ),
        html.P(
            f"+ {norsk.count(common)} felles tiltak der kommunen er med som én av alle "
            f"kommunene = {norsk.count(counts.total)} tiltak i alt.",
            className="fs-5 mt-3 mb-1",
        ),
        html.P(per_1000_text(view, counts) + ".", className="fs-5 mb-1"),
        html.P(
            f"{norsk.count(organisation)} tiltak nevner kommunen bare i et organisasjonsnavn "
            "(telles ikke).",
            className="fs-6 text-body-secondary",
        )
        if organisation
        else None,
    ]
    subtitle = (
        f"{norsk.count(counts.total)} tiltak berører kommunen: {norsk.count(counts.specific)} "
        f"særskilte + {norsk.count(counts.common)} felles"
    )
    return name, subtitle, fig, body


def council_slide(view: View, state: PageState, key: str):
    """(title, subtitle, chart, body) of one IPR council's slide."""
    council = next(c for c in councils(view, state) if c.key == key)
    fig = figures.council_load_bars([council], font_size=SLIDE_FONT - 4)
    progress = progress_of(view, state) if view.access is not None else None

    def followup(number: str) -> str:
        if progress is None:
            return ""
        i = view.numbers.index(number)
        if not progress["open"][i]:
            return "; ingen tiltak med rapportering"
        done, total = int(progress["progress"][i]), int(progress["open"][i])
        return f"; fremdrift {norsk.count(done)} av {norsk.count(total)}"

    rows = [
        html.Li(
            f"{m.name}{'*' if m.uncertain else ''}: {norsk.count(m.counts.specific)} særskilte "
            f"(skal bidra i {norsk.count(m.counts.act)}); "
            f"{norsk.decimal(m.counts.specific_per_1000, 2)} per 1 000 innbyggere"
            + (f" ({view.population_year})" if view.population_year else "")
            + followup(m.number),
            className="mb-1",
        )
        for m in council.members
    ]
    body = [
        html.P(
            f"{norsk.count(council.specific)} særskilte tiltak for rådets kommuner, "
            f"{norsk.count(council.act)} av dem der minst én kommune skal bidra",
            className="fs-3 fw-bold",
        ),
        html.P(
            f"Med de felles tiltakene alle kommunene har: {norsk.count(council.touching)} "
            "tiltak berører minst én kommune i rådet.",
            className="fs-5",
        ),
        html.P(
            f"{len(council.naming)} nevner rådet eller regionen: "
            f"{', '.join(council.naming) or '–'}",
            className="fs-5",
        ),
        html.Ul(rows, className="fs-5"),
        *[
            html.P(f"* Usikkert medlemskap: {m.uncertain}", className="fs-6")
            for m in council.members
            if m.uncertain
        ],
    ]
    return council.name, "Sammenligning i rådet", fig, body


def slide_kind(view: View, k: int) -> str:
    """'title', 'kommune' or 'council': what slide k shows."""
    if k == 0:
        return "title"
    return "kommune" if k <= len(view.numbers) else "council"


def slide(view: View, state: PageState, with_map: bool = True):
    """The slide of the page state: the title, then each municipality, then each council."""
    numbers, keys = view.numbers, [c.key for c in view.programme.councils()]
    k = state.slide
    kind = slide_kind(view, k)
    if kind == "title":
        return title_slide(view, state)
    if kind == "kommune":
        return municipality_slide(view, state, numbers[k - 1], with_map)
    return council_slide(view, state, keys[k - 1 - len(numbers)])


def register(app: Dash, view: View) -> None:
    app.clientside_callback(
        ClientsideFunction("tiltakskart", "stepSlide"),
        Output(ids.SLIDE, "data", allow_duplicate=True),
        Input(ids.SLIDE_PREV, "n_clicks"),
        Input(ids.SLIDE_NEXT, "n_clicks"),
        Input(ids.SLIDE_FIRST, "n_clicks"),
        Input(ids.SLIDE_LAST, "n_clicks"),
        State(ids.SLIDE, "data"),
        State(ids.CONFIG, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        output={
            "title": Output(ids.SLIDE_TITLE, "children"),
            "subtitle": Output(ids.SLIDE_SUBTITLE, "children"),
            "map": Output(ids.SLIDE_MAP_SLOT, "children"),
            "body": Output(ids.SLIDE_BODY, "children"),
            "counter": Output(ids.SLIDE_COUNTER, "children"),
            "drawn": Output(ids.drawn(NAME), "data"),
            "url": Output(ids.canon(NAME), "data"),
        },
        inputs={"number": Input(ids.SLIDE, "data")},
        state={"drawn": State(ids.drawn(NAME), "data")},
        prevent_initial_call=True,
    )
    def render_slide(number, drawn):
        k = view.choices.state({"slide": number}).slide
        state = PageState(slide=k, layout=view.choices.default.layout)
        kind = slide_kind(view, k)
        if kind == "kommune" and drawn == "kommune":  # the same map, another municipality lit
            title, subtitle, _, body = slide(view, state, with_map=False)
            here = view.numbers[k - 1]
            vias = [Via.NAME if n == here else NOT_CONCERNED for n in view.numbers]
            fig = figures.highlight_patch(view.names, vias, "")
        else:
            title, subtitle, figure, body = slide(view, state)
            fig = graph(view, figure)
        return {
            "title": title,
            "subtitle": subtitle,
            "map": fig,
            "body": body,
            "counter": f"{k + 1} / {view.choices.slides}",
            "drawn": kind,
            "url": {"search": f"?slide={k}" if k else "", "for": number},
        }
