"""The Kommune view: one municipality's measures in a grid, and the chosen measure in full."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html, no_update

from app.controls import FILTERS, inputs, state_from_controls
from app.model import View, kommune_rows, kommune_summary
from app.state import parse_state
from app.views import measure_detail


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "summary": Output("kommune-summary", "children"),
            "rows": Output("kommune-grid", "rowData"),
        },
        inputs={"kommune": Input("kommune-select", "value"), "filters": inputs(FILTERS)},
        state={"search": State("url", "search")},
    )
    def update_kommune_table(kommune, filters, search):
        if kommune not in view.numbers:
            return {"summary": "Velg en kommune i listen eller klikk på kartet.", "rows": []}
        state = state_from_controls(filters, view.choices, parse_state(search, view.choices))
        return {
            "summary": kommune_summary(view, state, kommune),
            "rows": kommune_rows(view, state, kommune),
        }

    @app.callback(
        output={"detail": Output("kommune-detail", "children")},
        inputs={"rows": Input("kommune-grid", "selectedRows")},
    )
    def show_measure_detail(rows):
        if not rows or not isinstance(rows, list) or not isinstance(rows[0], dict):
            hint = html.P("Velg en rad for å se hele tiltaket.", className="text-body-secondary")
            return {"detail": hint}
        measure_id = rows[0].get("id")
        measure = view.bundle.measure(measure_id) if isinstance(measure_id, str) else None
        return {"detail": measure_detail(measure) if measure else no_update}
