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
ROW_HINT = html.P("Velg en rad for å se hele tiltaket.", className="text-body-secondary")


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "summary": Output("kommune-summary", "children"),
            "specific": Output("kommune-specific", "children"),
            "common": Output("kommune-common-summary", "children"),
            "rows": Output("kommune-grid-slot", "children"),
            "detail": Output("kommune-detail", "children", allow_duplicate=True),
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
            return {
                **empty,
                "summary": PROMPT,
                "body": True,
                "rows": no_update,
                "detail": no_update,
                "url": url,
            }
        measures = kommune_measures(view, state, state.kommune)
        return {
            "summary": summary_heading(*kommune_heading(view, state, state.kommune)),
            "specific": kommune_specific(measures, view),
            "common": common_summary(measures),
            "rows": kommune_grid(measures.groups["common"]),
            "detail": ROW_HINT,  # a new table has no row chosen
            "organisation": organisation_list(measures),
            "body": False,
            "print": "/utskrift" + url["search"],
            "url": url,
        }

    # The grid reports its (empty) selection whenever it gets new rows: only a chosen row goes
    # to the server (a new table comes with the hint from render_kommune).
    app.clientside_callback(
        """function (rows) {
            const id = Array.isArray(rows) && rows[0] && rows[0].id;
            return typeof id === "string" ? id : window.dash_clientside.no_update;
        }""",
        Output("kommune-chosen", "data"),
        Input("kommune-grid", "selectedRows"),
        prevent_initial_call=True,
    )

    @app.callback(
        output={"detail": Output("kommune-detail", "children")},
        inputs={"chosen": Input("kommune-chosen", "data")},
        prevent_initial_call=True,  # a new table comes with the hint (render_kommune)
    )
    def show_measure_detail(chosen):
        """The common measure chosen in the table, in full."""
        measure = view.bundle.measure(chosen) if isinstance(chosen, str) else None
        return {"detail": measure_detail(measure) if measure else ROW_HINT}
