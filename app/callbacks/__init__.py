"""Callbacks, one module per view, each callback small and named for what it updates. Heavy
work is done at start-up (app.model.make_view); callbacks only filter, count and draw.

Every callback takes its inputs by name (Dash's dict-style arguments) and turns the values the
browser sent into a valid page state before using them (app.state.Choices)."""

from __future__ import annotations

from dash import Dash

from app.callbacks import downloads, ipr, kommune, map_view, measure, slides, url
from app.model import View


def register(app: Dash, view: View) -> None:
    for module in (url, map_view, kommune, measure, ipr, slides, downloads):
        module.register(app, view)
