"""A read-only JSON API for other systems (municipal planning systems, spreadsheets):
programmes, their measures, and a municipality's measures with tags, load and statuses.

Versioned under /api/v1, described by an OpenAPI 3.1 document at /api/v1/openapi.json, long
lists paginated (limit and offset). Nothing here writes; what anonymous users may read needs
no login (with TILTAKSKART_LOGIN_TO_READ, a session is needed as for the pages). Statuses are
read from the store on every request, so every instance over one database answers the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from flask import Blueprint, Flask, Response, jsonify, request

from app.model import View
from app.store import Status
from app.tracking import count_progress
from geo.load.index import Filters
from geo.records import MeasureRecord

PREFIX = "/api/v1"
DEFAULT_LIMIT, MAX_LIMIT = 100, 500
MEASURE_FIELDS = (
    "id",
    "aliases",
    "title",
    "plan",
    "theme",
    "strategy",
    "strategy_title",
    "why_how",
    "actors",
    "responsible",
    "partners",
)


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _status(held: Status | None) -> dict | None:
    if held is None or not held.status:
        return None
    return {
        "status": held.status,
        "label": held.label,
        "comment": held.comment,
        "contact": held.contact,
        "date": held.date.isoformat() if held.date else None,
        "changed": held.changed.isoformat() if held.changed else None,
        "changed_by": held.changed_by,
        "version": held.version,
    }


def _page() -> tuple[int, int]:
    """limit and offset from the query, checked."""
    values = []
    for name, default, high in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("offset", 0, 10**6)):
        raw = request.args.get(name, str(default))
        if not raw.isascii() or not raw.isdigit() or len(raw) > 7 or int(raw) > high:
            raise ApiError(400, f"{name} må være et heltall fra 0 til {high}")
        values.append(int(raw))
    limit, offset = values
    if limit == 0:
        raise ApiError(400, f"limit må være fra 1 til {MAX_LIMIT}")
    return limit, offset


def _paged(items: list, limit: int, offset: int, base: str) -> dict:
    following = offset + limit
    return {
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "next": f"{base}?limit={limit}&offset={following}" if following < len(items) else None,
        "items": items[offset:following],
    }


def _measure(m: MeasureRecord, whole: Status | None) -> dict:
    out: dict[str, Any] = {name: m[name] for name in MEASURE_FIELDS}  # type: ignore[literal-required]
    out["period"] = m["period"]
    out["status"] = _status(whole)
    return out


def _parts(view: View) -> dict[str, np.ndarray]:
    parts = view.programme.index.partition(Filters())
    return {
        "named": parts.named,
        "place": parts.place,
        "region": parts.region,
        "common": parts.common,
        "organisation": parts.organisation,
        "act": parts.act,
    }


def programme_summary(view: View) -> dict:
    programme = view.programme
    years = programme.extraction.programme
    return {
        "key": programme.key,
        "county": programme.gazetteer.county,
        "county_name": programme.gazetteer.county_name,
        "period": {"start": years[0], "end": years[1]} if years else None,
        "measures": len(programme.measures),
        "municipalities": len(programme.municipalities),
        "links": {
            "measures": f"{PREFIX}/programmes/{programme.key}/measures",
            "municipalities": f"{PREFIX}/programmes/{programme.key}/municipalities",
        },
    }


def municipality_measures(view: View, number: str) -> dict:
    """One municipality's measures: how each concerns it (class and part), the tags with the
    text behind them, and the status where it reports."""
    index = view.programme.index
    row = index.numbers.index(number)
    parts = _parts(view)
    statuses, reportable = view.store.statuses(), view.store.reportable()
    items = []
    for k, m in enumerate(index.measures):
        cls = next(
            (c for c in ("named", "place", "region", "common") if parts[c][row, k]),
            "organisation" if parts["organisation"][row, k] else None,
        )
        if cls is None:
            continue
        if cls == "common" or cls == "organisation":
            part = cls
        else:
            part = "act" if parts["act"][row, k] else "area"
        tags = [
            {
                "via": t["via"],
                "roles": t["roles"],
                "evidence": [{"field": e["field"], "text": e["text"]} for e in t["evidences"]],
            }
            for t in m.get("municipalities", [])
            if t["kommunenummer"] == number
        ]
        items.append(
            {
                "id": m["id"],
                "title": m["title"],
                "class": cls,
                "part": part,
                "tags": tags,
                "reports": (m["id"], number) in reportable,
                "status": _status(statuses.get((m["id"], number))),
            }
        )
    return {"items": items}


def _counts(view: View, number: str) -> dict:
    row = view.programme.index.numbers.index(number)
    c = view.programme.index.counts(Filters(), view.inhabitants).row(row)
    return {
        "specific": c.specific,
        "act": c.act,
        "area": c.area,
        "named": c.named,
        "place": c.place,
        "region": c.region,
        "common": c.common,
        "total": c.total,
        "organisation": c.organisation,
    }


def _progress(view: View, number: str) -> dict:
    index = view.programme.index
    counts = count_progress(view.status_grid(), index.partition(Filters()).specific)
    i = index.numbers.index(number)
    return {
        "reporting": int(counts["open"][i]),
        "reported": int(counts["reported"][i]),
        "in_progress_or_done": int(counts["progress"][i]),
        "not_reported": int(counts["unreported"][i]),
    }


def blueprint(views: Callable[[], Sequence[View]], login_needed: Callable[[], bool]) -> Blueprint:
    """The API's routes over the programmes `views()` serves."""
    api = Blueprint("tiltakskart_api", __name__, url_prefix=PREFIX)

    def find(key: str) -> View:
        for view in views():
            if view.programme.key == key:
                return view
        raise ApiError(404, f"ingen programmer har nøkkelen «{key[:40]}»; se {PREFIX}/programmes")

    @api.before_request
    def login() -> Response | None:
        if login_needed():
            return _error(401, "logg inn for å lese")
        return None

    @api.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return _error(exc.status, exc.message)

    @api.route("/")
    def root() -> Response:
        return _json(
            {
                "name": "Tiltakskart API",
                "version": "1",
                "openapi": f"{PREFIX}/openapi.json",
                "programmes": f"{PREFIX}/programmes",
            }
        )

    @api.route("/openapi.json")
    def openapi() -> Response:
        return _json(OPENAPI)

    @api.route("/programmes")
    def programmes() -> Response:
        return _json({"items": [programme_summary(v) for v in views()]})

    @api.route("/programmes/<key>")
    def programme(key: str) -> Response:
        return _json(programme_summary(find(key)))

    @api.route("/programmes/<key>/measures")
    def measures(key: str) -> Response:
        view = find(key)
        limit, offset = _page()
        statuses = view.store.statuses()
        items = [_measure(m, statuses.get((m["id"], None))) for m in view.programme.measures]
        return _json(_paged(items, limit, offset, f"{PREFIX}/programmes/{key}/measures"))

    @api.route("/programmes/<key>/measures/<measure>")
    def measure(key: str, measure: str) -> Response:
        view = find(key)
        found = view.programme.measure(measure[:40])
        if found is None:
            raise ApiError(404, f"tiltak «{measure[:40]}» finnes ikke i programmet")
        statuses, reportable = view.store.statuses(), view.store.reportable()
        out = _measure(found, statuses.get((found["id"], None)))
        out["municipalities"] = [
            {
                "kommunenummer": n,
                "name": view.name_of(n),
                "status": _status(statuses.get((found["id"], n))),
            }
            for n in view.numbers
            if (found["id"], n) in reportable
        ]
        return _json(out)

    @api.route("/programmes/<key>/municipalities")
    def municipalities(key: str) -> Response:
        view = find(key)
        return _json(
            {
                "items": [
                    {
                        "kommunenummer": n,
                        "name": name,
                        "counts": _counts(view, n),
                        "progress": _progress(view, n),
                        "link": f"{PREFIX}/programmes/{key}/municipalities/{n}",
                    }
                    for n, name in view.programme.municipalities
                ]
            }
        )

    @api.route("/programmes/<key>/municipalities/<number>")
    def municipality(key: str, number: str) -> Response:
        view = find(key)
        if number not in view.name_by_number:
            raise ApiError(404, f"kommune «{number[:8]}» er ikke med i programmet")
        limit, offset = _page()
        base = f"{PREFIX}/programmes/{key}/municipalities/{number}"
        listed = municipality_measures(view, number)["items"]
        return _json(
            {
                "kommunenummer": number,
                "name": view.name_of(number),
                "counts": _counts(view, number),
                "progress": _progress(view, number),
                "measures": _paged(listed, limit, offset, base),
            }
        )

    return api


def _json(body: Any, status: int = 200) -> Response:
    answer = jsonify(body)
    answer.status_code = status
    answer.headers["Cache-Control"] = "no-cache"
    answer.headers["Access-Control-Allow-Origin"] = "*"  # public, read-only data
    return answer


def _error(status: int, message: str) -> Response:
    return _json({"error": {"status": status, "message": message}}, status)


def install(server: Flask, views: Callable[[], Sequence[View]], login_needed=lambda: False):
    """The API on `server` (under /api/v1), with JSON answers for unknown API paths."""
    server.register_blueprint(blueprint(views, login_needed))


def standalone(views: Sequence[View], login_needed=lambda: False) -> Flask:
    """The API as its own WSGI app (beside several programme apps)."""
    server = Flask(__name__)
    install(server, lambda: views, login_needed)

    @server.errorhandler(404)
    def not_found(_exc) -> Response:
        return _error(404, f"ukjent adresse; se {PREFIX}/openapi.json")

    return server


def _schema_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: str, description: str) -> dict:
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": _schema_ref(schema)}},
        },
        "404": {
            "description": "Finnes ikke",
            "content": {"application/json": {"schema": _schema_ref("Error")}},
        },
    }


KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
PAGING = [
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    },
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]
NULLABLE_TEXT = {"type": ["string", "null"]}
STATUS_SCHEMA = {
    "type": ["object", "null"],
    "required": [
        "status",
        "label",
        "comment",
        "contact",
        "date",
        "changed",
        "changed_by",
        "version",
    ],
    "properties": {
        "status": {
            "type": "string",
            "enum": ["ikke_startet", "pagar", "gjennomfort", "utsatt", "ikke_aktuelt"],
        },
        "label": {"type": "string"},
        "comment": {"type": "string"},
        "contact": {"type": "string"},
        "date": {"type": ["string", "null"], "format": "date"},
        "changed": {"type": ["string", "null"], "format": "date-time"},
        "changed_by": NULLABLE_TEXT,
        "version": {"type": "integer", "minimum": 1},
    },
}
COUNTS_SCHEMA = {
    "type": "object",
    "required": ["specific", "act", "area", "common", "total"],
    "properties": {
        name: {"type": "integer", "minimum": 0}
        for name in (
            "specific",
            "act",
            "area",
            "named",
            "place",
            "region",
            "common",
            "total",
            "organisation",
        )
    },
}
PROGRESS_SCHEMA = {
    "type": "object",
    "required": ["reporting", "reported", "in_progress_or_done", "not_reported"],
    "properties": {
        name: {"type": "integer", "minimum": 0}
        for name in ("reporting", "reported", "in_progress_or_done", "not_reported")
    },
}


def _paged_schema(item: dict) -> dict:
    return {
        "type": "object",
        "required": ["total", "limit", "offset", "next", "items"],
        "properties": {
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "next": NULLABLE_TEXT,
            "items": {"type": "array", "items": item},
        },
    }


MEASURE_SCHEMA = {
    "type": "object",
    "required": [*MEASURE_FIELDS, "period", "status"],
    "properties": {
        "id": {"type": "string"},
        "aliases": {"type": "array", "items": {"type": "string"}},
        "title": {"type": "string"},
        "plan": NULLABLE_TEXT,
        "theme": NULLABLE_TEXT,
        "strategy": NULLABLE_TEXT,
        "strategy_title": NULLABLE_TEXT,
        "why_how": {"type": "string"},
        "actors": {"type": "array", "items": {"type": "string"}},
        "responsible": {"type": "array", "items": {"type": "string"}},
        "partners": {"type": "array", "items": {"type": "string"}},
        "period": {
            "type": "object",
            "required": ["text", "start", "end"],
            "properties": {
                "text": {"type": "string"},
                "start": {"type": ["integer", "null"]},
                "end": {"type": ["integer", "null"]},
            },
        },
        "status": _schema_ref("Status"),
    },
}
MUNICIPALITY_MEASURE = {
    "type": "object",
    "required": ["id", "title", "class", "part", "tags", "reports", "status"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "class": {"type": "string", "enum": ["named", "place", "region", "common", "organisation"]},
        "part": {"type": "string", "enum": ["act", "area", "common", "organisation"]},
        "tags": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["via", "roles", "evidence"],
                "properties": {
                    "via": {"type": "string"},
                    "roles": {"type": "array", "items": {"type": "string"}},
                    "evidence": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "text"],
                            "properties": {
                                "field": {"type": "string"},
                                "text": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
        "reports": {"type": "boolean"},
        "status": _schema_ref("Status"),
    },
}
PROGRAMME_SCHEMA = {
    "type": "object",
    "required": ["key", "county", "county_name", "period", "measures", "municipalities", "links"],
    "properties": {
        "key": {"type": "string"},
        "county": {"type": "string"},
        "county_name": {"type": "string"},
        "period": {
            "type": ["object", "null"],
            "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}},
        },
        "measures": {"type": "integer"},
        "municipalities": {"type": "integer"},
        "links": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}

OPENAPI: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "Tiltakskart API",
        "version": "1",
        "description": "Read-only: the regional action programmes, their measures, and each "
        "municipality's measures with the text that ties them to it, its load and the "
        "follow-up statuses. No login needed for what anonymous visitors may read.",
    },
    "paths": {
        "/api/v1/programmes": {
            "get": {
                "summary": "The programmes this server serves",
                "responses": {
                    "200": {
                        "description": "The programmes",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["items"],
                                    "properties": {
                                        "items": {
                                            "type": "array",
                                            "items": _schema_ref("Programme"),
                                        }
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/api/v1/programmes/{key}": {
            "get": {
                "summary": "One programme",
                "parameters": [KEY],
                "responses": _ok("Programme", "The programme"),
            }
        },
        "/api/v1/programmes/{key}/measures": {
            "get": {
                "summary": "The programme's measures, in document order, with the status of "
                "each measure as a whole",
                "parameters": [KEY, *PAGING],
                "responses": _ok("MeasurePage", "A page of measures"),
            }
        },
        "/api/v1/programmes/{key}/measures/{measure}": {
            "get": {
                "summary": "One measure, with the status of each municipality reporting on it",
                "parameters": [
                    KEY,
                    {
                        "name": "measure",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "responses": _ok("MeasureWithStatuses", "The measure"),
            }
        },
        "/api/v1/programmes/{key}/municipalities": {
            "get": {
                "summary": "The programme's municipalities with their load and progress",
                "parameters": [KEY],
                "responses": _ok("MunicipalityList", "The municipalities"),
            }
        },
        "/api/v1/programmes/{key}/municipalities/{number}": {
            "get": {
                "summary": "One municipality's measures with tags, load and statuses",
                "parameters": [
                    KEY,
                    {
                        "name": "number",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
                    },
                    *PAGING,
                ],
                "responses": _ok("Municipality", "The municipality"),
            }
        },
    },
    "components": {
        "schemas": {
            "Status": STATUS_SCHEMA,
            "Programme": PROGRAMME_SCHEMA,
            "Measure": MEASURE_SCHEMA,
            "MeasurePage": _paged_schema(_schema_ref("Measure")),
            "MeasureWithStatuses": {
                "allOf": [
                    _schema_ref("Measure"),
                    {
                        "type": "object",
                        "required": ["municipalities"],
                        "properties": {
                            "municipalities": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["kommunenummer", "name", "status"],
                                    "properties": {
                                        "kommunenummer": {"type": "string"},
                                        "name": {"type": "string"},
                                        "status": _schema_ref("Status"),
                                    },
                                },
                            }
                        },
                    },
                ]
            },
            "Counts": COUNTS_SCHEMA,
            "Progress": PROGRESS_SCHEMA,
            "MunicipalityList": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["kommunenummer", "name", "counts", "progress", "link"],
                            "properties": {
                                "kommunenummer": {"type": "string"},
                                "name": {"type": "string"},
                                "counts": _schema_ref("Counts"),
                                "progress": _schema_ref("Progress"),
                                "link": {"type": "string"},
                            },
                        },
                    }
                },
            },
            "Municipality": {
                "type": "object",
                "required": ["kommunenummer", "name", "counts", "progress", "measures"],
                "properties": {
                    "kommunenummer": {"type": "string"},
                    "name": {"type": "string"},
                    "counts": _schema_ref("Counts"),
                    "progress": _schema_ref("Progress"),
                    "measures": _paged_schema(_schema_ref("MunicipalityMeasure")),
                },
            },
            "MunicipalityMeasure": MUNICIPALITY_MEASURE,
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["status", "message"],
                        "properties": {
                            "status": {"type": "integer"},
                            "message": {"type": "string"},
                        },
                    }
                },
            },
        }
    },
}
