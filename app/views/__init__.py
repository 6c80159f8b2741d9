"""The app's views, one module each, and the registry every list of them comes from: the view
switch, the sections on the page, the pages at their own routes, the download dispatch, the
graph each view's PNG button saves and the router's list of views.

A new view is one module here (its section, its callbacks, its download table) and one line
in `TABS` (a view on the main page) or `PAGES` (a page at its own route).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import pandas as pd
from dash import Dash
from dash.development.base_component import Component

from app.access import Access
from app.model import View, build_rows
from app.state import METRICS, Choices, PageState
from app.store import MemoryStore, Store
from app.views import endringer, ipr, kart, kommune, presentasjon, tiltak, utskrift
from geo.pipeline import Programme
from geo.revisions import ProgrammeDiff
from geo.terms import Layout, Metric


class Tab(Protocol):
    """A view on the main page, chosen with the view switch (`?view=NAME`)."""

    NAME: str  # its word in the URL and in its stores' ids
    LABEL: str  # its name on the view switch
    PNG: str  # the id of the graph its "Bilde (PNG)" button saves
    LIBRARIES: tuple[str, ...]  # component libraries loaded only when it first opens
    # Redrawn when the follow-up changes (another user's status): views without forms; a view
    # with forms keeps what it shows (and what is typed) until asked for something else.
    LIVE: bool

    def section(self, view: View) -> Component: ...

    def stores(self, view: View) -> list[Component]:
        """Its own stores in the page (what its map last drew, what was chosen)."""
        ...

    def register(self, app: Dash, view: View) -> None: ...

    def table(
        self, view: View, state: PageState, shown: object = None
    ) -> tuple[pd.DataFrame, str, str] | None:
        """What its table downloads hold, the file name, and its grid's own filter in words
        (`shown`: what the grid reported it shows, browser data); None: the first tab's."""
        ...


class Page(Protocol):
    """A page at its own route under the app's prefix."""

    ROUTE: str

    def page(self, view: View) -> Component | None:
        """Its part of the Dash layout (None: the server renders it)."""
        ...

    def stores(self, view: View) -> list[Component]: ...

    def register(self, app: Dash, view: View) -> None: ...


TABS: tuple[Tab, ...] = (kart, kommune, tiltak, ipr, endringer)
PAGES: tuple[Page, ...] = (presentasjon, utskrift)
VIEWS: tuple[str, ...] = tuple(tab.NAME for tab in TABS)
# Tabs shown only when they have something to show (Endringer: a previous revision).
OPTIONAL: dict[str, Callable[[ProgrammeDiff | None], bool]] = {
    endringer.NAME: lambda changes: changes is not None
}


def tabs_for(changes: ProgrammeDiff | None) -> tuple[Tab, ...]:
    """The tabs of an app: every one, but those with nothing to show."""
    return tuple(t for t in TABS if OPTIONAL.get(t.NAME, lambda _: True)(changes))


def tab_named(name: str) -> Tab:
    """The tab of that name (the first for anything else)."""
    return next((tab for tab in TABS if name == tab.NAME), TABS[0])


def download_table(
    view: View, state: PageState, shown: object = None
) -> tuple[pd.DataFrame, str, str]:
    """(table, file name, its grid's filter in words) of what the state's view shows; the
    first tab's when it has none."""
    found = tab_named(state.view).table(view, state, shown)
    if found is None:
        found = TABS[0].table(view, state)
    assert found is not None, "the first tab always has a table"
    return found


def make_view(
    programme: Programme,
    urls: dict[Layout, str] | None = None,
    prefix: str = "/",
    store: Store | None = None,
    programmes: tuple[tuple[str, str], ...] = (),
    access: Access | None = None,
    changes: ProgrammeDiff | None = None,
) -> View:
    """The start-up tables of a programme; `urls` names where each layout's geometry is
    served, `prefix` the app's path prefix, `store` where data that changes is read,
    `programmes` the (label, prefix) of each programme served beside it, `changes` what
    changed since its previous revision."""
    attribution = "Kommunegrenser © Kartverket" if programme.has_boundaries else None
    choices = Choices(
        views=tuple(t.NAME for t in tabs_for(changes)),
        numbers=tuple(n for n, _ in programme.municipalities),
        themes=tuple(programme.options("theme")),
        strategies=tuple(programme.options("strategy")),
        measure_ids=tuple(m["id"] for m in programme.measures),
        aliases=tuple((a, m["id"]) for m in programme.measures for a in m["aliases"]),
        plans=tuple(plan.key for plan in programme.plans),
        years=programme.years,
        actors=(actors := tuple(programme.actors())),
        actor_aliases=(
            *((a.casefold(), a) for a in actors),
            *((k, v) for k, v in programme.index.actor_list.aliases.items() if v in actors),
        ),
        slides=presentasjon.slide_total(programme),
        has_boundaries=programme.has_boundaries,
        metrics=tuple(
            m
            for m in METRICS
            if (m != Metric.PROGRESS or access is not None) and (m != Metric.NEW or changes)
        ),
    )
    inhabitants = programme.index.inhabitants(programme.population)
    shapes = {kind: replace(s, url=(urls or {}).get(kind)) for kind, s in programme.web.items()}
    return View(
        programme,
        build_rows(programme),
        attribution,
        choices,
        {plan.key: plan for plan in programme.plans},
        inhabitants,
        shapes,
        prefix,
        store or MemoryStore(),
        programmes,
        access,
        changes,
    )
