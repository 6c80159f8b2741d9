"""The URL and the controls mirror each other; pages and views are shown from them."""

from __future__ import annotations

from dataclasses import replace

from dash import Dash, Input, Output, ctx, no_update

from app.controls import CONTROLS, control_values, inputs, outputs, state_from_controls
from app.model import View
from app.state import VIEWS, format_state, parse_state


def _clicked_number(click: object, numbers: list[str]) -> str | None:
    """The municipality a map click landed on, if the click data names one of ours."""
    if not isinstance(click, dict) or not isinstance(click.get("points"), list):
        return None
    points = click["points"]
    point = points[0] if points and isinstance(points[0], dict) else {}
    number = point.get("location")
    return number if isinstance(number, str) and number in numbers else None


def register(app: Dash, view: View) -> None:
    unchanged = dict.fromkeys(CONTROLS, no_update)

    @app.callback(
        output={"search": Output("url", "search"), "controls": outputs()},
        inputs={
            "search": Input("url", "search"),
            "controls": inputs(),
            "click": Input("map", "clickData"),
            "previous": Input("slide-prev", "n_clicks"),
            "following": Input("slide-next", "n_clicks"),
        },
    )
    def sync_url_and_controls(search, controls, click, previous, following):
        """The URL and the controls mirror each other; a map click opens that municipality."""
        trigger = ctx.triggered_id
        url_state = parse_state(search, view.choices)
        if trigger in (None, "url"):
            canonical = format_state(url_state)
            return {
                "search": canonical if canonical != (search or "") else no_update,
                "controls": control_values(url_state),
            }
        state = state_from_controls(controls or {}, view.choices, url_state)
        if trigger == "map":
            number = _clicked_number(click, view.numbers)
            if number is None:
                return {"search": no_update, "controls": unchanged}
            state = replace(state, view="kommune", kommune=number)
            return {"search": format_state(state), "controls": control_values(state)}
        if trigger in ("slide-prev", "slide-next"):
            step = 1 if trigger == "slide-next" else -1
            state = replace(state, slide=(state.slide + step) % view.choices.slides)
        return {"search": format_state(state), "controls": unchanged}

    @app.callback(
        output={
            "main": Output("main-page", "hidden"),
            "presentation": Output("presentation-page", "hidden"),
        },
        inputs={"pathname": Input("url", "pathname")},
    )
    def show_page(pathname):
        presenting = isinstance(pathname, str) and pathname.rstrip("/").endswith("/presentasjon")
        return {"main": presenting, "presentation": not presenting}

    @app.callback(
        output={v: Output(f"section-{v}", "hidden") for v in VIEWS},
        inputs={"page": Input("view", "value")},
    )
    def show_view(page):
        page = page if page in VIEWS else VIEWS[0]
        return {v: page != v for v in VIEWS}
