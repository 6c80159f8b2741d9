"""The IPR view: the councils side by side."""

from __future__ import annotations

from dash import Dash, Output, State

from app.controls import FILTERS, inputs, state_from_controls
from app.model import View
from app.state import parse_state
from app.views import council_view


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "loads": Output("ipr-graph", "figure"),
            "per_1000": Output("ipr-per1000-graph", "figure"),
            "table": Output("ipr-table", "children"),
            "notes": Output("ipr-notes", "children"),
        },
        inputs={"filters": inputs(FILTERS)},
        state={"search": State("url", "search")},
    )
    def update_council_comparison(filters, search):
        state = state_from_controls(filters, view.choices, parse_state(search, view.choices))
        loads, per_1000, table, notes = council_view(view, state)
        return {"loads": loads, "per_1000": per_1000, "table": table, "notes": notes}
