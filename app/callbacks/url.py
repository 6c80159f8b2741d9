"""The URL, the controls and the router.

A link sets the controls (one server round trip, on load and on back/forward). After that the
router runs in the browser (app/assets/router.js): it turns the controls into the page state,
shows the chosen view and asks only that view to render (its "ask" store), so a change costs
one round trip. Each view's callback answers with its canonical link, which the browser writes
to the address bar (without reloading) while it is still the link of what is on screen.
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from app.controls import CONTROLS, control_values, outputs
from app.model import View
from app.state import VIEWS, PageState, format_state, parse_state

ASK = {v: f"ask-{v}" for v in VIEWS}  # the store each view renders from


def link(view: View, state: PageState, asked: object) -> dict:
    """A view's canonical link, with the state it was asked for: the browser writes it only
    while that is still the page's state."""
    return {"search": format_state(state, view.choices.default), "for": asked}


def presenting(pathname: object) -> bool:
    return isinstance(pathname, str) and pathname.rstrip("/").endswith("/presentasjon")


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "controls": outputs(),
            "synced": Output("synced", "data"),
            "slide": Output("slide", "data"),
            "measures": Output("tiltak-select", "options"),
        },
        inputs={"search": Input("url", "search"), "pathname": Input("url", "pathname")},
        state={"count": State("synced", "data"), "drawn": State("drawn-tiltak", "data")},
    )
    def sync_controls_from_url(search, pathname, count, drawn):
        """A link (or back/forward) sets every control; the router takes it from there. Until
        the Tiltak view has sent the whole search list, the linked measure is its one option
        (a dropdown drops a value that is not among its options)."""
        state = parse_state(search, view.choices)
        count = count if isinstance(count, int) and not isinstance(count, bool) else 0
        linked = [o for o in view.measure_options if o["value"] == state.tiltak]
        return {
            "controls": control_values(state),
            "synced": count + 1,
            "slide": state.slide if presenting(pathname) else no_update,
            "measures": linked if drawn is None else no_update,
        }

    app.clientside_callback(
        ClientsideFunction("tiltakskart", "route"),
        [Output(ASK[v], "data") for v in VIEWS]
        + [Output("state", "data")]
        + [Output(f"section-{v}", "hidden") for v in VIEWS]
        + [
            Output("view", "value"),
            Output("kommune-select", "value"),
            Output("theme", "options"),
            Output("theme", "value"),
            Output("strategy", "options"),
            Output("strategy", "value"),
        ],
        [Input(CONTROLS[name], "value") for name in CONTROLS]
        + [Input("map", "clickData"), Input("synced", "data")],
        [State("url", "pathname")]
        + [State(ASK[v], "data") for v in VIEWS]
        + [State("config", "data")],
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("tiltakskart", "writeUrl"),
        Output("url-written", "data"),
        [Input("state", "data"), Input("slide", "data")]
        + [Input(f"canon-{v}", "data") for v in (*VIEWS, "slide")],
        [State("url", "pathname"), State("config", "data")],
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("tiltakskart", "showPage"),
        [Output("main-page", "hidden"), Output("presentation-page", "hidden")],
        Input("url", "pathname"),
    )
    app.clientside_callback(
        """function (n, open) {
            const next = !open;
            return [next, String(next)];
        }""",
        [Output("controls-panel", "is_open"), Output("controls-toggle", "aria-expanded")],
        Input("controls-toggle", "n_clicks"),
        State("controls-panel", "is_open"),
        prevent_initial_call=True,
    )
