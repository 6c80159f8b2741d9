"""The page shell: header, view switch, controls beside the views' sections, footer, and the
stores the router works with. The views themselves come from the registry (app.views)."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from app import ids, router
from app.controls import controls_panel, strategies
from app.model import View, filter_tree
from app.views import Page, Tab
from geo.terms import Layout


def programme_name(view: View) -> str:
    """'Handlingsprogram 2025–2028' (the period read from the document)."""
    return f"Handlingsprogram {view.programme.period_label}".strip()


def boundary_credit(view: View) -> str:
    """The boundaries' credit line, saying when they are the bundled snapshot."""
    boundaries = view.programme.boundaries
    if not view.attribution or boundaries is None:
        return ""
    if boundaries.source == "snapshot":
        return (
            "Kommunegrenser © Kartverket (CC BY 4.0), innebygd forenklet utgave "
            f"({boundaries.vintage})."
        )
    return "Kommunegrenser © Kartverket (CC BY 4.0)."


def population_credit(view: View) -> str:
    population = view.programme.population
    if population is None:
        return " Innbyggertall mangler."
    return f" Innbyggertall 1. januar {population.year}: SSB (CC BY 4.0)."


def programme_chooser(view: View) -> html.Nav | None:
    """With several programmes served, a link to each (this one marked as current)."""
    return chooser(view.programmes, view.prefix)


def chooser(programmes: Sequence[tuple[str, str]], current: str) -> html.Nav | None:
    """A link to each programme served, (label, prefix), the `current` one marked: the
    programme is in the URL's path, so a link, a bookmark and the back button all keep it."""
    if len(programmes) < 2:
        return None
    links = [
        html.A(
            label,
            href=prefix,
            className="btn btn-sm "
            + ("btn-light active" if prefix == current else "btn-outline-light"),
            **({"aria-current": "page"} if prefix == current else {}),
        )
        for label, prefix in programmes
    ]
    return html.Nav(
        [html.Span("Program:", className="me-2"), *links],
        id=ids.PROGRAMMES,
        className="programme-chooser d-flex flex-wrap gap-2 align-items-center mt-1",
        **{"aria-label": "Velg handlingsprogram"},
    )


def main_page(view: View, tabs: Sequence[Tab]) -> html.Div:
    notice = view.programme.notice
    return html.Div(
        [
            html.Header(
                dbc.Container(
                    [
                        html.H1("Tiltakskart", className="h3 mb-0"),
                        html.P(
                            f"{programme_name(view)} for {view.programme.gazetteer.county_name}s "
                            "regionale planer: hvilke tiltak berører hvilken kommune?",
                            className="mb-0 lead-line",
                        ),
                        programme_chooser(view),
                        html.Div(id=ids.WHO, className="who small")
                        if view.access is not None
                        else None,
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
                                    id=ids.VIEW,
                                    value=tabs[0].NAME,
                                    inline=True,
                                    className="btn-group view-switch",
                                    inputClassName="btn-check",
                                    labelClassName="btn btn-outline-primary",
                                    labelCheckedClassName="active",
                                    options=[
                                        {"label": tab.LABEL, "value": tab.NAME} for tab in tabs
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
                                    [tab.section(view) for tab in tabs],
                                    className="pt-3",
                                ),
                                lg=9,
                            ),
                        ]
                    ),
                    html.Footer(
                        [
                            html.A(
                                "Presentasjon (storskjerm)",
                                href=ids.href(view.prefix, ids.PRESENTATION),
                                className="me-3",
                            ),
                            html.Span(
                                f"Kilde: {programme_name(view)}, "
                                f"{view.programme.gazetteer.county_name} fylkeskommune. "
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
        id=ids.MAIN_PAGE,
    )


def config(view: View, tabs: Sequence[Tab], lazy: dict[str, list[str]] | None = None) -> dict:
    """What the browser's router needs (app/assets/router.js), defined once here in Python;
    `lazy` names the scripts a view needs before it is first asked to render."""
    shapes = view.programme.web.get(Layout.BOUNDARIES)
    return {
        **router.config([tab.NAME for tab in tabs]),
        "counties": {
            **view.county_bounds,
            **({"alle": shapes.bounds} if shapes and view.county_bounds else {}),
        },
        "lazy": lazy or {},
        "png": {tab.NAME: tab.PNG for tab in tabs},
        "live": [tab.NAME for tab in tabs if tab.LIVE],
        "numbers": view.numbers,
        "names": view.name_by_number,
        "themes": list(view.choices.themes),
        "strategies": list(view.choices.strategies),
        "strategy_titles": strategies(view),
        "tree": filter_tree(view),
        "slides": view.choices.slides,
    }


def stores(
    view: View,
    tabs: Sequence[Tab],
    pages: Sequence[Page],
    lazy: dict[str, list[str]] | None = None,
) -> list:
    """The page's state outside the controls: the router's config and output, each view's
    "ask" and link stores, and each view's own stores."""
    views = [tab.NAME for tab in tabs]
    return [
        dcc.Store(id=ids.CONFIG, data=config(view, tabs, lazy)),
        dcc.Store(id=ids.STATE),
        dcc.Store(id=ids.SYNCED, data=0),
        dcc.Store(id=ids.SLIDE),
        *(dcc.Store(id=ids.canon(v)) for v in views),
        dcc.Store(id=ids.URL_WRITTEN),
        *(dcc.Store(id=ids.ask(v)) for v in views),
        dcc.Store(id=ids.FOLLOWUP_VERSION),
        *(
            [dcc.Interval(id=ids.FOLLOWUP_POLL, interval=ids.FOLLOWUP_POLL_MS)]
            if view.access is not None
            else []
        ),
        *(store for tab in tabs for store in tab.stores(view)),
        *(store for page in pages for store in page.stores(view)),
    ]


def serve_layout(
    view: View,
    tabs: Sequence[Tab],
    pages: Sequence[Page],
    lazy: dict[str, list[str]] | None = None,
) -> html.Div:
    """The whole page: the URL, the stores, the main page with every tab's section, and the
    pages at their own routes that live in the Dash layout."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            *stores(view, tabs, pages, lazy),
            main_page(view, tabs),
            *(part for page in pages if (part := page.page(view)) is not None),
        ]
    )
