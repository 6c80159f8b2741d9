"""The Kommune view: what the region asks of one municipality, its specific measures first."""

from __future__ import annotations

from dash import Dash, Input, Output, html, no_update

from app.callbacks.url import link
from app.layout import kommune_grid
from app.model import View, kommune_heading, kommune_measures
from app.views import (
    common_summary,
    kommune_specific,
    measure_detail,
    organisation_list,
    summary_heading,
)

PROMPT = "Velg en kommune i listen eller klikk på kartet."


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "summary": Output("kommune-summary", "children"),
            "specific": Output("kommune-specific", "children"),
            "common": Output("kommune-common-summary", "children"),
            "rows": Output("kommune-grid-slot", "children"),
            "organisation": Output("kommune-organisation", "children"),
            "body": Output("kommune-body", "hidden"),
            "print": Output("kommune-print", "href"),
            "url": Output("canon-kommune", "data"),
        },
        inputs={"asked": Input("ask-kommune", "data")},
        prevent_initial_call=True,
    )
    def render_kommune(asked):
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        url = link(view, state, asked)
        if state.kommune is None:
            empty = dict.fromkeys(("specific", "common", "rows", "organisation", "print"))
            return {**empty, "summary": PROMPT, "body": True, "rows": no_update, "url": url}
        measures = kommune_measures(view, state, state.kommune)
        return {
            "summary": summary_heading(*kommune_heading(view, state, state.kommune)),
            "specific": kommune_specific(measures, view),
            "common": common_summary(measures),
            "rows": kommune_grid(measures.groups["common"]),
            "organisation": organisation_list(measures),
            "body": False,
            "print": "/utskrift" + url["search"],
            "url": url,
        }

    @app.callback(
        output={"detail": Output("kommune-detail", "children")},
        inputs={"rows": Input("kommune-grid", "selectedRows")},
    )
    def show_measure_detail(rows):
        """The common measure chosen in the table, in full."""
        if not rows or not isinstance(rows, list) or not isinstance(rows[0], dict):
            hint = html.P("Velg en rad for å se hele tiltaket.", className="text-body-secondary")
            return {"detail": hint}
        measure_id = rows[0].get("id")
        measure = view.bundle.measure(measure_id) if isinstance(measure_id, str) else None
        return {"detail": measure_detail(measure) if measure else no_update}
