"""The app's edge, over real HTTP: malformed callback requests get a 4xx, arbitrary JSON
values never make a callback fail, and an error inside a callback is a logged 400."""

from __future__ import annotations

import json
import logging

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.guard import MAX_BODY_BYTES
from app.testing import callback_payload

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["²", "9" * 5000, "nonsense", "kart", "3105", "2026", "/presentasjon"])
    | st.sampled_from(["?year=²&slide=³&view=ipr", "?kommune=3105&year=" + "9" * 5000])
    | st.just({"points": []}),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
PROPERTY = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post(url: str, **kwargs) -> requests.Response:
    return requests.post(f"{url}/_dash-update-component", timeout=30, **kwargs)


def server_callbacks(app) -> list[str]:
    return [key for key, spec in app.callback_map.items() if "callback" in spec]


def test_every_server_callback_is_covered(dash_app):
    # the property test below runs each of these; a new callback joins it automatically
    assert len(server_callbacks(dash_app)) == 8


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        {},
        {"output": 5},
        {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}},
        {"output": "download-png-button.title", "outputs": {}, "inputs": []},  # clientside
    ],
)
def test_malformed_bodies_get_400_in_plain_text(app_url, body):
    response = post(app_url, json=body)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text.startswith("Ugyldig forespørsel: ")


def test_wrong_inputs_get_400(dash_app, app_url):
    key = next(k for k in server_callbacks(dash_app) if "synced.data" in k)  # two inputs
    good = callback_payload(dash_app.callback_map, key, {"url.search": ""}, ["url.search"])
    assert post(app_url, json=good).status_code == 200
    for change in (
        {"inputs": 5},
        {"inputs": []},
        {"inputs": good["inputs"][::-1]},
        {"changedPropIds": 5},
        {"outputs": 5},
    ):
        response = post(app_url, json={**good, **change})
        assert response.status_code == 400, change


def test_not_json_and_too_deep_get_400(app_url):
    assert (
        post(app_url, data=b"{not json", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    deep = b"[" * 100_000 + b"]" * 100_000
    assert post(app_url, data=deep, headers={"Content-Type": "application/json"}).status_code == 400


def test_a_body_over_the_limit_gets_413(app_url):
    response = post(
        app_url, data=b" " * (MAX_BODY_BYTES + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


@PROPERTY
@given(body=JSON)
def test_any_json_body_gets_an_answer_not_an_error(app_url, body):
    """Random JSON is never a callback request of this app (none of them names one of its
    outputs with all its inputs): always a plain-text 400, never an error."""
    response = post(app_url, json=body)
    assert response.status_code == 400, body
    assert response.text.startswith("Ugyldig forespørsel: ")


@pytest.mark.slow
@pytest.mark.parametrize("index", range(8))
def test_any_values_into_each_callback_are_answered(dash_app, app_url, index):
    """Arbitrary JSON in every input and state of one callback: 200 or 204 (nothing to
    update), never an error: each callback reads its values defensively."""
    key = server_callbacks(dash_app)[index]
    spec = dash_app.callback_map[key]
    names = [f"{i['id']}.{i['property']}" for i in spec["inputs"] + spec["state"]]

    @PROPERTY
    @given(
        values=st.fixed_dictionaries({n: JSON for n in names}),
        changed=st.lists(st.sampled_from(names), max_size=2, unique=True),
    )
    def run(values, changed):
        payload = callback_payload(dash_app.callback_map, key, values, changed)
        response = post(app_url, json=payload)
        assert response.status_code in (200, 204), (key, values, response.text[:300])
        if response.status_code == 200:
            assert isinstance(response.json()["response"], dict)

    run()


def test_an_error_inside_a_callback_is_a_logged_400(caplog):
    from dash import Dash, Input, Output, html

    from app import guard
    from tests.conftest import live_server

    app = Dash(__name__)
    app.layout = html.Div([html.Button(id="b"), html.Div(id="o")])

    @app.callback(Output("o", "children"), Input("b", "n_clicks"))
    def broken(n):
        raise RuntimeError("a bug")

    guard.install(app.server, app.callback_map)
    payload = callback_payload(app.callback_map, "o.children", {"b.n_clicks": 1}, ["b.n_clicks"])
    with caplog.at_level(logging.ERROR, logger="app.guard"), live_server(app.server) as url:
        response = post(url, json=payload)
    assert response.status_code == 400 and "a bug" not in response.text
    assert any("RuntimeError: a bug" in (r.exc_text or "") for r in caplog.records)


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/deps/x.js",
        "/_dash-component-suites/nonexistent/x.js",
        "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js.map",
        "/_dash-component-suites/dash/__init__.py",
        "/no/such/page",
        # Paths that only looked like the app's own (a probe found them answered 200 with
        # the app's page).
        "/utskrift/",
        "/presentasjon/",
        "/_dash-layout/",
        "/_dash-layoutx",
        "/assets/",
        "/_tiltakskart/",
        "/_tiltakskart/../../etc/passwd",
        "/_tiltakskart/%2e%2e/%2e%2e/etc/passwd",
        "/_favicon.ico/x",
    ],
)
def test_files_and_pages_that_do_not_exist_are_404(app_url, path):
    response = requests.get(app_url + path, timeout=10)
    assert response.status_code == 404 and "root:" not in response.text


@pytest.mark.parametrize("size", [3_000_000, 8_000_000])
def test_a_chunked_body_over_the_limit_gets_413_and_a_small_one_is_read(app_url, dash_app, size):
    """A body sent in chunks announces no length: over the limit it is 413 too (it used to be
    cut short and answered "not JSON"), and a good callback sent in chunks is answered."""

    def chunks(data: bytes):
        for k in range(0, len(data), 65536):
            yield data[k : k + 65536]

    big = post(app_url, data=chunks(b" " * size), headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and big.text.startswith("For stor forespørsel")
    key = next(k for k in server_callbacks(dash_app) if "synced.data" in k)
    good = callback_payload(dash_app.callback_map, key, {"url.search": ""}, ["url.search"])
    small = post(
        app_url,
        data=chunks(json.dumps(good).encode()),
        headers={"Content-Type": "application/json"},
    )
    assert small.status_code == 200
