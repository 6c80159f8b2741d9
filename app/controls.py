"""The page's controls by name: which component holds each part of the page state, and how
their values map to and from it. Callbacks take and give these as named groups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from dash import Input, Output, State

from app.state import Choices, PageState

# PageState field -> the id of the component whose `value` holds it.
CONTROLS: dict[str, str] = {
    "view": "view",
    "kommune": "kommune-select",
    "metric": "metric",
    "year": "year",
    "plan": "plan",
    "theme": "theme",
    "strategy": "strategy",
    "actor": "actor",
    "role": "role",
    "layout": "layout",
    "bakgrunn": "bakgrunn",
    "tiltak": "tiltak-select",
}
# The controls that filter and colour the load (the map, the Kommune table, the IPR view).
FILTERS = ("metric", "year", "plan", "theme", "strategy", "actor", "role")


def inputs(names: Iterable[str] = CONTROLS) -> dict[str, Input]:
    return {name: Input(CONTROLS[name], "value") for name in names}


def outputs(names: Iterable[str] = CONTROLS) -> dict[str, Output]:
    return {name: Output(CONTROLS[name], "value") for name in names}


def states(names: Iterable[str] = CONTROLS) -> dict[str, State]:
    return {name: State(CONTROLS[name], "value") for name in names}


def control_values(state: PageState) -> dict[str, object]:
    """The value each control shows for a page state."""
    values: dict[str, object] = {name: getattr(state, name) for name in CONTROLS}
    values["role"] = str(state.role) if state.role else ""
    values["metric"] = str(state.metric)
    return values


def state_from_controls(
    values: Mapping[str, object], choices: Choices, url_state: PageState | None = None
) -> PageState:
    """The page state the controls show; the URL supplies what no control holds (the slide).

    A control whose value is missing or invalid reads as its default, never as an error.
    """
    base = replace(PageState(), slide=url_state.slide) if url_state else PageState()
    return choices.state(values, base)
