"""The app's edge: callback requests are checked for shape before Dash sees them, bodies are
bounded, and an error inside a callback answers 400 (logged with its traceback), never 500.

Dash trusts the body of `/_dash-update-component`: a JSON array, an unknown output or a
missing input list makes it raise. Each callback validates its own values (app.state); this
module checks everything around them.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Collection, Mapping
from typing import Any

from dash.exceptions import DependencyException
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
# A callback body holds at most the grid's rows (~150 kB for 125 measures); far above that is
# not the app talking.
MAX_BODY_BYTES = 2_000_000
# A body announced over the limit is read and dropped up to this size before the 413, so that
# the client sees the answer (a larger one gets it, or a reset, with the connection closed).
DRAINED_BYTES = 16_000_000


# Paths Dash and the app serve besides their pages, exactly as written (Dash would serve its
# page for any other path too) …
INTERNAL = {
    "_dash-layout",
    "_dash-dependencies",
    "_dash-update-component",
    "_reload-hash",
    "_favicon.ico",
}
# … and the folders of the files they serve: a file name must follow, without "..".
FOLDERS = ("_dash-component-suites/", "_tiltakskart/", "assets/")


def known_path(rest: str, pages: Collection[str], routed: Collection[str] = ()) -> bool:
    """Whether a path under the prefix is one the app serves: a page, one of Dash's routes,
    a file in one of the served folders, or a path under one of the `routed` folders (routes
    of their own, such as the API, which answer unknown paths themselves)."""
    if rest in pages or rest in INTERNAL or any(rest.startswith(r) for r in routed):
        return True
    folder = next((f for f in FOLDERS if rest.startswith(f)), None)
    name = rest[len(folder) :] if folder else ""
    return bool(name) and not name.endswith("/") and ".." not in name.split("/")


def install(
    server: Flask,
    callback_map: Mapping[str, dict],
    prefix: str = "/",
    pages: Collection[str] = ("",),
    routed: Collection[str] = (),
    limits: Mapping[str, int] | None = None,
) -> None:
    """Check every callback request on `server` against the app's `callback_map`, and answer
    404 for paths that are not one of the app's `pages` (routes under the prefix). Bodies are
    bounded by MAX_BODY_BYTES, or for a path in `limits` by its own limit (an upload)."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    limits = dict(limits or {})
    path = prefix.rstrip("/") + CALLBACK_PATH
    root = prefix.rstrip("/") + "/"

    @server.before_request
    def unknown_page() -> Response | None:
        rest = request.path[len(root) :] if request.path.startswith(root) else None
        if rest is None or known_path(rest, pages, routed):
            return None
        return Response("Fant ikke siden. Tiltakskart: /", status=404, mimetype="text/plain")

    @server.before_request
    def bounded_body() -> Response | None:
        """413 for every body over the limit, also one sent in chunks (whose length nobody
        announces: Werkzeug cut it short and the callback saw broken JSON) and one whose
        announced length is over it (read and dropped, up to a bound, so that the client gets
        the answer instead of a reset)."""
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        bound = limits.get(request.path, MAX_BODY_BYTES)
        request.max_content_length = bound
        environ = request.environ
        length = request.content_length
        if length is None:
            if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
                return None  # no body at all (reading would wait for the client to close)
            data = environ["wsgi.input"].read(bound + 1)
            if len(data) > bound:
                return too_large(bound)
            environ["wsgi.input"] = io.BytesIO(data)  # what Dash and Flask read from here on
            environ["CONTENT_LENGTH"] = str(len(data))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            return None
        if length > bound:
            if length <= DRAINED_BYTES:
                left = length
                while left > 0 and (chunk := environ["wsgi.input"].read(min(65536, left))):
                    left -= len(chunk)
            return too_large(bound)
        return None

    @server.before_request
    def check_callback_request() -> Response | None:
        if request.path != path or request.method != "POST":
            return None
        try:
            body = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, RecursionError):
            return bad_request("the body is not JSON")
        problem = callback_problem(body, callback_map)
        return bad_request(problem) if problem else None

    @server.errorhandler(Exception)
    def callback_failed(exc: Exception):
        if isinstance(exc, HTTPException):
            return exc
        if isinstance(exc, DependencyException | FileNotFoundError):
            # a script or source map Dash does not have (browsers ask for source maps)
            log.info("not found: %s", request.path)
            return Response("Fant ikke filen.", status=404, mimetype="text/plain")
        log.exception("request %s failed", request.path)
        if request.path == path:
            return bad_request("the request could not be answered")
        return Response("Intern feil", status=500, mimetype="text/plain")


def too_large(bound: int = MAX_BODY_BYTES) -> Response:
    """A 413 that says the limit, as plain text; the connection is not kept."""
    limit = f"{bound / 1e6:.0f} MB"
    return Response(
        f"For stor forespørsel: over {limit}.",
        status=413,
        mimetype="text/plain",
        headers={"Connection": "close"},
    )


def bad_request(reason: str) -> Response:
    """A 400 answer that says why, as plain text (never rendered as HTML)."""
    return Response(f"Ugyldig forespørsel: {reason}", status=400, mimetype="text/plain")


def _id_matches(given: Any, expected: str) -> bool:
    """Whether a component id from the browser is the callback's: the same string, or for a
    pattern id ('{"measure":["MATCH"],"type":"status-save"}') a dict with the same keys, the
    same fixed values and one plain value where the pattern says MATCH."""
    if isinstance(given, str) or not expected.startswith("{"):
        return given == expected
    if not isinstance(given, dict):
        return False
    try:
        pattern = json.loads(expected)
    except ValueError:
        return False
    if not isinstance(pattern, dict) or set(given) != set(pattern):
        return False
    for key, want in pattern.items():
        have = given[key]
        if want == ["MATCH"]:
            plain = isinstance(have, str | int | float) and not isinstance(have, bool)
            if not plain or (isinstance(have, str) and len(have) > 100):
                return False
        elif have != want:
            return False
    return True


def _is_ref(item: Any, expected: Mapping[str, Any]) -> bool:
    return (
        isinstance(item, dict)
        and _id_matches(item.get("id"), expected["id"])
        and item.get("property") == expected["property"]
    )


def _outputs(key: str) -> list[dict[str, str]]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


def callback_problem(body: Any, callback_map: Mapping[str, dict]) -> str | None:
    """What is wrong with the shape of a callback request, or None. Values are not checked
    here (each callback reads its own), only that every input and state the callback has is
    there, in order, and nothing else."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    key = body.get("output")
    spec = callback_map.get(key) if isinstance(key, str) else None
    if not isinstance(key, str) or spec is None or "callback" not in spec:
        return "no such callback"
    outputs = body.get("outputs")
    expected = _outputs(key)
    listed = outputs if key.startswith("..") else [outputs]
    if not isinstance(listed, list) or len(listed) != len(expected):
        return "outputs do not match the callback"
    if not all(_is_ref(o, e) for o, e in zip(listed, expected, strict=True)):
        return "outputs do not match the callback"
    for group in ("inputs", "state"):
        items, wanted = body.get(group, []), spec.get(group, [])
        if not isinstance(items, list) or len(items) != len(wanted):
            return f"{group} do not match the callback"
        if not all(_is_ref(i, w) for i, w in zip(items, wanted, strict=True)):
            return f"{group} do not match the callback"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of names"
    return None
