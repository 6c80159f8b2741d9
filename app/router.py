"""The URL, the controls and the router.

A link sets the controls (one server round trip, on load and on back/forward). After that the
router runs in the browser (app/assets/router.js): it turns the controls into the page state,
shows the chosen view and asks only that view to render (its "ask" store), so a change costs
one round trip. Each view's callback answers with its canonical link, which the browser writes
to the address bar (without reloading) while it is still the link of what is on screen.

The router's arguments and results are named here, once: the browser reads the names from the
config store and builds an object of each, so nothing there counts positions.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from app import ids
from app.model import View
from app.state import PageState, format_state, parse_state

CLICKED = "kommune"  # the view a click on the map opens, with the municipality clicked


def link(view: View, state: PageState, asked: object) -> dict:
    """A view's canonical link, with the state it was asked for: the browser writes it only
    while that is still the page's state."""
    return {"search": format_state(state, view.choices.default), "for": asked}


def presenting(pathname: object) -> bool:
    return isinstance(pathname, str) and pathname.rstrip("/").endswith(f"/{ids.PRESENTATION}")


def control_values(state: PageState) -> dict[str, object]:
    """The value each control shows for a page state."""
    values: dict[str, object] = {name: getattr(state, name) for name in ids.CONTROLS}
    values["role"] = str(state.role) if state.role else ""
    values["metric"] = str(state.metric)
    return values


def route_outputs(views: Sequence[str]) -> dict[str, Output]:
    """What the router sets, by name: each view's "ask" store, the page state, whether each
    section is hidden, the view and municipality a map click chooses, and the theme and
    strategy choices narrowed by plan and theme."""
    return {
        **{f"ask:{v}": Output(ids.ask(v), "data") for v in views},
        "state": Output(ids.STATE, "data"),
        **{f"hidden:{v}": Output(ids.section(v), "hidden") for v in views},
        "view": Output(ids.VIEW, "value"),
        "kommune": Output(ids.KOMMUNE_SELECT, "value"),
        "theme_options": Output(ids.CONTROLS["theme"], "options"),
        "theme": Output(ids.CONTROLS["theme"], "value"),
        "strategy_options": Output(ids.CONTROLS["strategy"], "options"),
        "strategy": Output(ids.CONTROLS["strategy"], "value"),
    }


def route_arguments(views: Sequence[str]) -> dict[str, Input | State]:
    """What the router reads, by name: every control, a map click, a link's arrival, the
    page's path, what each view was last asked, and (last, always) the config."""
    return {
        **{name: Input(component, "value") for name, component in ids.CONTROLS.items()},
        "click": Input(ids.MAP, "clickData"),
        "synced": Input(ids.SYNCED, "data"),
        "followup": Input(ids.FOLLOWUP_VERSION, "data"),
        "pathname": State(ids.URL, "pathname"),
        **{f"asked:{v}": State(ids.ask(v), "data") for v in views},
        "config": State(ids.CONFIG, "data"),
    }


def config(views: Sequence[str]) -> dict:
    """The router's names, for the config store."""
    return {
        "controls": list(ids.CONTROLS),
        "views": list(views),
        "presentation": ids.PRESENTATION,
        "clicked": CLICKED,
        "ids": {
            "map": ids.MAP,
            "bakgrunn": ids.CONTROLS["bakgrunn"],
            "next": ids.SLIDE_NEXT,
            "first": ids.SLIDE_FIRST,
            "last": ids.SLIDE_LAST,
        },
        "route": {
            "arguments": _in_call_order(route_arguments(views)),
            "outputs": list(route_outputs(views)),
        },
    }


def _in_call_order(arguments: dict[str, Input | State]) -> list[str]:
    """The names in the order Dash passes the values: inputs, then states."""
    inputs = [name for name, a in arguments.items() if isinstance(a, Input)]
    return inputs + [name for name, a in arguments.items() if not isinstance(a, Input)]


def register(app: Dash, view: View) -> None:
    views = view.choices.views

    @app.callback(
        output={
            "controls": {name: Output(c, "value") for name, c in ids.CONTROLS.items()},
            "synced": Output(ids.SYNCED, "data"),
            "slide": Output(ids.SLIDE, "data"),
            "measures": Output(ids.TILTAK_SELECT, "options"),
        },
        inputs={"search": Input(ids.URL, "search"), "pathname": Input(ids.URL, "pathname")},
        state={"count": State(ids.SYNCED, "data"), "drawn": State(ids.drawn("tiltak"), "data")},
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

    arguments = route_arguments(views)
    app.clientside_callback(
        ClientsideFunction("tiltakskart", "route"),
        list(route_outputs(views).values()),
        [a for a in arguments.values() if isinstance(a, Input)],
        [a for a in arguments.values() if isinstance(a, State)],
        prevent_initial_call=True,
    )
    if view.access is not None:

        @app.callback(
            Output(ids.FOLLOWUP_VERSION, "data"),
            Input(ids.FOLLOWUP_POLL, "n_intervals"),
            State(ids.FOLLOWUP_VERSION, "data"),
        )
        def poll_followup(_n, seen):
            """The follow-up's version, as the page loads and then when it changed: the router
            then asks the view on screen again, so others' changes show within a poll."""
            version = view.store.version()
            return no_update if version == seen else version

    app.clientside_callback(
        ClientsideFunction("tiltakskart", "writeUrl"),
        Output(ids.URL_WRITTEN, "data"),
        [Input(ids.STATE, "data"), Input(ids.SLIDE, "data")]
        + [Input(ids.canon(v), "data") for v in (*views, "slide")],
        [State(ids.URL, "pathname"), State(ids.CONFIG, "data")],
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("tiltakskart", "showPage"),
        [Output(ids.MAIN_PAGE, "hidden"), Output(ids.PRESENTATION_PAGE, "hidden")],
        Input(ids.URL, "pathname"),
        State(ids.CONFIG, "data"),
    )
    app.clientside_callback(
        """function (n, open) {
            const next = !open;
            return [next, String(next)];
        }""",
        [Output(ids.CONTROLS_PANEL, "is_open"), Output(ids.CONTROLS_TOGGLE, "aria-expanded")],
        Input(ids.CONTROLS_TOGGLE, "n_clicks"),
        State(ids.CONTROLS_PANEL, "is_open"),
        prevent_initial_call=True,
    )
