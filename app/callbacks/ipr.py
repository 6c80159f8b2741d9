"""The IPR view: the councils side by side."""

from __future__ import annotations

from dash import Dash, Output, State

from app.controls import FILTERS, inputs, state_from_controls
from app.model import View
from app.state import parse_state
from app.views import council_table


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={"figure": Output("ipr-graph", "figure"), "table": Output("ipr-table", "children")},
        inputs={"filters": inputs(FILTERS)},
        state={"search": State("url", "search")},
    )
    def update_council_comparison(filters, search):
        state = state_from_controls(filters, view.choices, parse_state(search, view.choices))
        figure, table = council_table(view, state)
        return {"figure": figure, "table": table}
