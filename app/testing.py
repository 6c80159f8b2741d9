"""Talk to a served app the way the browser does (tests and benchmarks): log in, learn the
callbacks, build `/_dash-update-component` requests."""

from __future__ import annotations

import json

import requests

from app.access import COOKIE


def login_session(url: str, name: str, password: str, timeout: float = 30) -> requests.Session:
    """A session logged in at the app served at `url`. The session cookie is Secure, which
    `requests` keeps for HTTPS only, where browsers also send it to http://127.0.0.1 (a secure
    context): it is set again without the flag, as a browser would send it."""
    session = requests.Session()
    answer = session.post(
        f"{url}/logginn",
        data={"brukernavn": name, "passord": password},
        headers={"Origin": url},
        allow_redirects=False,
        timeout=timeout,
    )
    if answer.status_code != 303:
        raise AssertionError(f"login of {name} refused: {answer.status_code} {answer.text[:200]}")
    token = next(c.value or "" for c in session.cookies if c.name == COOKIE)
    session.cookies.clear()
    session.cookies.set(COOKIE, token)
    return session


def served_callbacks(url: str, timeout: float = 30) -> dict:
    """The served app's callbacks as the browser learns them (/_dash-dependencies)."""
    deps = requests.get(f"{url}/_dash-dependencies", timeout=timeout).json()
    return {d["output"]: {"inputs": d["inputs"], "state": d["state"]} for d in deps}


def _outputs(key: str):
    if key.startswith(".."):
        return [
            dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
            for part in key.strip(".").split("...")
        ]
    return dict(zip(("id", "property"), key.rsplit(".", 1), strict=True))


def callback_payload(callback_map: dict, output: str, values: dict, changed: list[str]) -> dict:
    """The JSON body for the callback whose output key contains `output`.

    `values` maps "id.property" to the value of each input and state; `changed` lists the
    "id.property" that triggered the call.
    """
    key = next(k for k in callback_map if output in k)
    spec = callback_map[key]

    def items(group):
        return [
            {
                "id": i["id"],
                "property": i["property"],
                "value": values.get(f"{i['id']}.{i['property']}"),
            }
            for i in spec[group]
        ]

    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": items("inputs"),
        "state": items("state"),
        "changedPropIds": changed,
    }


def find_component(node, wanted: str) -> dict | None:
    """The props of the component with id `wanted` in a layout as JSON (/_dash-layout)."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == wanted:
            return props
        return find_component(props.get("children"), wanted)
    if isinstance(node, list):
        return next((c for c in (find_component(n, wanted) for n in node) if c is not None), None)
    return None


def recolour_payload(callback_map: dict, layout: dict, metric: str) -> dict:
    """The body the browser sends when the metric changes on the Kart view: the router's state
    in `ask-kart`, and what the map on the page (in `layout`) last drew."""
    drawn = (find_component(layout, "drawn-kart") or {}).get("data")
    values = {"ask-kart.data": {"view": "kart", "metric": metric}, "drawn-kart.data": drawn}
    return callback_payload(callback_map, "map.figure", values, ["ask-kart.data"])


def status_payload(
    callback_map: dict,
    measure: str,
    kommune: str | None,
    status: str,
    version: int,
    comment: str = "",
) -> dict:
    """The body the browser sends when "Lagre" is pressed under a measure's status (the form's
    ids carry the measure and the municipality, "" for the measure as a whole)."""
    key = next(k for k in callback_map if '"type":"status-note"' in k)
    row = {"measure": measure, "kommune": kommune or ""}
    fields = {
        "status-value": status,
        "status-comment": comment,
        "status-contact": "",
        "status-date": "",
        "status-version": str(version),
    }
    parts = key.strip(".").split("...")
    outputs = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        kind = ident.split('"type":"')[1].split('"')[0] if '"type":"' in ident else None
        outputs.append({"id": {**row, "type": kind} if kind else ident, "property": prop})
    state = [
        {"id": {**row, "type": kind}, "property": prop, "value": fields[kind]}
        for kind, prop in (
            ("status-value", "value"),
            ("status-comment", "value"),
            ("status-contact", "value"),
            ("status-date", "value"),
            ("status-version", "children"),
        )
    ]
    save = {**row, "type": "status-save"}
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": save, "property": "n_clicks", "value": 1}],
        "state": state,
        "changedPropIds": [json.dumps(save, sort_keys=True, separators=(",", ":")) + ".n_clicks"],
    }
