"""The IPR view: the councils side by side."""

from __future__ import annotations

from dash import Dash, Input, Output

from app.callbacks.url import link
from app.layout import ipr_graphs
from app.model import View
from app.views import council_view


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "graphs": Output("ipr-graphs", "children"),
            "table": Output("ipr-table", "children"),
            "notes": Output("ipr-notes", "children"),
            "url": Output("canon-ipr", "data"),
        },
        inputs={"asked": Input("ask-ipr", "data")},
        prevent_initial_call=True,
    )
    def render_council_comparison(asked):
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        loads, per_1000, table, notes = council_view(view, state)
        url = link(view, state, asked)
        graphs = ipr_graphs(loads, per_1000)
        return {"graphs": graphs, "table": table, "notes": notes, "url": url}
