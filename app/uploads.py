"""Programmer (`/programmer/`): the county's administrators upload a new revision of the
programme (text, PDF or Word, at most 20 MB), read it in a background job with a progress bar,
see the reading's report in Norwegian (measures found, header lines that could not be placed,
county and shape, tags per via) and publish it once they have seen it.

A Dash app of its own on the app's server, so that the main page carries none of it. The file
arrives by a plain form POST (bytes, not base64 in a callback) and is kept in the database by
its SHA-256; the reading runs in a separate process (Dash background callback, disk-cache
manager) under memory and CPU limits, so a hostile file costs its own process only. Nothing
uploaded is rendered as HTML: the report is data, shown as text.
"""

from __future__ import annotations

import contextlib
import hashlib
import html as markup
import logging
import resource
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from flask import Flask, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from app import plain
from app.access import CROSS_SITE, LOGIN, Access, same_origin
from app.tracking import carry_plan_of
from followup.carry import Pending, Plan, carry_over, decide
from followup.errors import AlreadyCarried, FollowupError
from followup.store import oslo_time
from followup.uploads import MAX_UPLOAD_BYTES, Upload, Uploads, UploadState
from geo import norsk
from geo.errors import TiltakskartError
from geo.pipeline import Programme
from geo.settings import Settings
from geo.terms import Via

log = logging.getLogger(__name__)

ROUTE = "programmer/"  # under the app's prefix
SEND = "programmer/last-opp"  # the form's POST
UPLOAD_BODY_BYTES = 21_000_000  # a 20 MB file and its form
CHOSEN, READ, PROGRESS, REPORT, PUBLISH, REMOVE, NOTE, LISTED = (
    "opplasting-valgt",
    "opplasting-les",
    "opplasting-framdrift",
    "opplasting-rapport",
    "opplasting-publiser",
    "opplasting-fjern",
    "opplasting-melding",
    "opplasting-liste",
)
URL = "opplasting-url"
CONFIRM, CONFIRM_BOX = "opplasting-bekreft", "opplasting-bekreft-boks"
UPLOAD_FORM = "brukere#programmer"  # where the upload form is (app.admin), under the prefix
JOB_MEMORY = 2_000_000_000  # bytes of address space a reading may take
JOB_CPU_S = 120  # seconds of CPU
VIA_WORDS = {
    Via.NAME: "navngitt",
    Via.PLACE: "via sted",
    Via.REGION: "via region",
    Via.ALL: "felles (kommunene)",
    Via.ORGANISATION: "bare i et organisasjonsnavn",
}
STATE_WORDS = {
    UploadState.NEW: "ikke lest",
    UploadState.READ: "lest, klar til å publiseres",
    UploadState.FAILED: "lest, med feil",
    UploadState.PUBLISHED: "publisert",
}


def read_upload(settings: Settings, filename: str, data: bytes) -> Programme:
    """Read an uploaded programme in this process (a TiltakskartError when it cannot be)."""
    from geo.pipeline import build_programme

    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="tiltakskart-opplasting-") as folder:
        path = Path(folder) / f"program{suffix}"
        path.write_bytes(data)
        programme = build_programme(replace(settings, document=path))
    return replace(programme, document=replace(programme.document, name=filename))


def reading_report(
    settings: Settings, filename: str, data: bytes
) -> tuple[dict, bool, Programme | None]:
    """Read an uploaded programme (in this process) and say what was found, as data; whether
    it can be published; the programme (None when it could not be read)."""
    try:
        programme = read_upload(settings, filename, data)
    except TiltakskartError as exc:
        log.info("upload %s could not be read: %s", filename, exc)
        return (
            {"file": filename, "error": "Filen kunne ikke leses som et handlingsprogram."},
            False,
            None,
        )
    extraction, gazetteer = programme.extraction, programme.gazetteer
    vias = Counter(t["via"] for m in programme.measures for t in m.get("municipalities", []))
    report = {
        "file": filename,
        "key": programme.key,
        "county": f"{gazetteer.county} {gazetteer.county_name}",
        "county_code": gazetteer.county,
        "grammar": extraction.grammar,
        "measures": len(programme.measures),
        "plans": len(extraction.plans),
        "period": programme.period_label,
        "unclassified": [
            {"line": h.line, "text": h.text[:200]} for h in extraction.unclassified[:50]
        ],
        "unclassified_total": len(extraction.unclassified),
        "stray": [
            {"line": s.line, "end": s.end, "text": s.text[:200]} for s in extraction.stray[:50]
        ],
        "stray_total": len(extraction.stray),
        "vias": {str(v): int(vias.get(str(v), 0)) for v in VIA_WORDS},
    }
    return report, programme.problem is None, programme


def base_of(
    county: str, county_label: str, sha256: str, uploads: Uploads, served: Sequence[Programme]
) -> Upload | Programme | None:
    """The revision an upload (of `county`, "31"; `county_label` as its report says it,
    "31 Østfold") follows: the newest other published revision of that county, else the
    newest programme of that county the server serves (None: there is none)."""
    earlier = [
        u
        for u in uploads.list()
        if u.state == UploadState.PUBLISHED
        and u.sha256 != sha256
        and (u.report or {}).get("county") == county_label
    ]
    if earlier:
        return max(earlier, key=lambda u: (u.published_at or u.uploaded_at, u.sha256))
    same = [p for p in served if p.gazetteer.county == county]
    return same[-1] if same else None


def _hash(base: Upload | Programme) -> str:
    return base.sha256 if isinstance(base, Upload) else base.document.sha256


def carry_proposal(
    new: Programme,
    sha256: str,
    report: dict,
    uploads: Uploads,
    settings: Settings,
    served: Sequence[Programme],
) -> dict | None:
    """How the follow-up would be carried over to this upload when it is published, as data,
    from the revision it follows (base_of; None: nothing to carry over from)."""
    base = base_of(new.gazetteer.county, report["county"], sha256, uploads, served)
    if base is None:
        return None
    old = read_upload(settings, *uploads.content(base.sha256)) if isinstance(base, Upload) else base
    both = hashlib.sha256(bytes.fromhex(_hash(base)) + bytes.fromhex(sha256)).hexdigest()
    plan = carry_plan_of(old, new, report["file"], both)
    return {
        "from": old.document.name,
        "from_sha256": _hash(base),
        "old": plan.old,
        "new": plan.new,
        "label": plan.label,
        "sure": dict(plan.sure),
        "pending": [[x.old, x.new, x.split, x.confidence] for x in plan.pending],
        "removed": sorted(plan.removed),
        "fingerprint": plan.fingerprint,
        "counted": sorted(plan.counted or ()),
    }


def plan_from(carry: dict) -> Plan:
    """The carry-over proposed in a report (carry_proposal)."""
    return Plan(
        old=str(carry["old"]),
        new=str(carry["new"]),
        label=str(carry["label"]),
        sure={str(k): str(v) for k, v in carry["sure"].items()},
        pending=tuple(
            Pending(str(o), str(n), bool(s), float(c)) for o, n, s, c in carry["pending"]
        ),
        removed=frozenset(map(str, carry["removed"])),
        fingerprint=str(carry["fingerprint"]),
        counted=(
            frozenset((str(m), str(k)) for m, k in carry["counted"]) if "counted" in carry else None
        ),
    )


def _amount(n: int, one: str, many: str) -> str:
    return f"{norsk.count(n)} {one if n == 1 else many}"


def carry_words(carry: dict | None) -> list:
    """What publishing does to the follow-up, in Norwegian."""
    if carry is None:
        return [
            html.P(
                "Ingen tidligere revisjon av dette fylket å føre oppfølgingen over fra; "
                "den nye revisjonen starter uten statuser."
            )
        ]
    sure, pending = carry["sure"], carry["pending"]
    renumbered = sum(old != new for old, new in sure.items())
    out: list = [
        html.P(
            f"Ved publisering føres oppfølgingen over fra «{carry['from']}»: "
            f"{norsk.count(len(sure))} tiltak følger med, {norsk.count(renumbered)} av dem med "
            f"nytt nummer; {norsk.count(len(carry['removed']))} er fjernet (statusene deres "
            "arkiveres, de slettes ikke)."
        )
    ]
    if pending:
        out.append(
            html.P(
                f"{_amount(len(pending), 'usikkert treff', 'usikre treff')}: kryss av under for "
                "dem som er samme tiltak (eller delt ut av det) før du publiserer; de du ikke "
                "krysser av, avvises.",
                className="fw-bold",
            )
        )
    return out


def report_view(report: dict | None) -> list:
    """The report in Norwegian, as text components (nothing from the file is read as HTML)."""
    if not report:
        return [html.P("Ikke lest ennå.")]
    if report.get("error"):
        return [
            html.P(str(report["error"]), className="text-danger fw-bold"),
            html.P("Sjekk at det er riktig fil (tekst, PDF eller Word) og ikke skadet."),
        ]
    out: list = [
        html.Dl(
            [
                *(html.Dt("Fylke"), html.Dd(str(report["county"]))),
                *(html.Dt("Form (grammatikk)"), html.Dd(str(report["grammar"]))),
                *(html.Dt("Periode"), html.Dd(str(report["period"]) or "ikke funnet")),
                *(html.Dt("Tiltak funnet"), html.Dd(norsk.count(report["measures"]))),
                *(html.Dt("Planer"), html.Dd(norsk.count(report["plans"]))),
                *(
                    html.Dt("Koblinger til kommuner"),
                    html.Dd(
                        ", ".join(
                            f"{VIA_WORDS[Via(v)]}: {norsk.count(n)}"
                            for v, n in report["vias"].items()
                        )
                    ),
                ),
            ],
            className="report",
        )
    ]
    unclassified, stray = report["unclassified_total"], report["stray_total"]
    if not unclassified and not stray:
        out.append(html.P("Alle overskriftslinjer er plassert.", className="text-success fw-bold"))
    if unclassified:
        out += [
            html.P(
                f"{norsk.count(unclassified)} overskriftslinjer kunne ikke plasseres; "
                "programmet kan ikke publiseres før de er rettet:",
                className="text-danger fw-bold",
            ),
            html.Ul([html.Li(f"linje {h['line']}: {h['text']}") for h in report["unclassified"]]),
        ]
    if stray:
        out += [
            html.P(
                f"{norsk.count(stray)} tekstbiter hører ikke til noe tiltak:",
                className="text-danger fw-bold",
            ),
            html.Ul(
                [html.Li(f"linje {s['line']}–{s['end']}: {s['text']}") for s in report["stray"]]
            ),
        ]
    if "carry" in report:
        out += [html.H3("Oppfølgingen", className="h6 mt-3"), *carry_words(report["carry"])]
    if report.get("carry_error"):
        out.append(html.P(str(report["carry_error"]), className="text-danger fw-bold"))
    return out


def listing(uploads: list[Upload]) -> Any:
    if not uploads:
        return html.P("Ingen filer er lastet opp.")
    rows = [
        html.Tr(
            [
                html.Td(u.filename),
                html.Td(f"{norsk.decimal(u.size / 1e6, 1)} MB"),
                html.Td(f"{u.uploaded_by}, {oslo_time(u.uploaded_at)}"),
                html.Td(STATE_WORDS[u.state]),
                html.Td(
                    norsk.count(u.report["measures"])
                    if u.report and "measures" in u.report
                    else "–"
                ),
            ]
        )
        for u in uploads
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(h, scope="col")
                for h in ("Fil", "Størrelse", "Lastet opp", "Status", "Tiltak")
            ]
        )
    )
    return html.Table([head, html.Tbody(rows)], className="table table-sm")


def options(uploads: list[Upload]) -> list[dict]:
    return [{"label": f"{u.filename} ({STATE_WORDS[u.state]})", "value": u.sha256} for u in uploads]


def _limit_job() -> None:
    """Bound what one reading can cost (a PDF bomb, a 20 MB line): its own process only."""
    for limit, value in ((resource.RLIMIT_AS, JOB_MEMORY), (resource.RLIMIT_CPU, JOB_CPU_S)):
        with contextlib.suppress(ValueError, OSError):  # a lower limit set already
            resource.setrlimit(limit, (value, value))


def build(
    server: Flask,
    prefix: str,
    access: Access,
    uploads: Uploads,
    settings: Settings,
    jobs: Any,
    served: Sequence[Programme] = (),
) -> Dash:
    """The page's own Dash app on `server` at `prefix` + ROUTE; `jobs` runs its background
    callbacks (app.jobs); `served` are the programmes the server serves (an upload's follow-up
    is carried over from the newest of its county when none of it was published). Every app's
    page is given the same: Dash keeps one background function per callback for them all."""
    base = prefix.rstrip("/") + "/" + ROUTE
    # Dash signs the handles of background jobs with the server's secret key, else with one
    # each worker process makes and stores at first use, where two gunicorn workers starting
    # at once end up with different ones (a job started through one is then "cancelled" when
    # another is asked for it). One key for every process, from the session secret:
    server.secret_key = hashlib.sha256(
        b"dash-background-jobs:" + access.secret.encode()
    ).hexdigest()
    page = Dash(
        __name__,
        server=server,
        url_base_pathname=base,
        title="Programmer – Tiltakskart",
        update_title=None,
        serve_locally=True,
        assets_ignore=".*",  # the main page's scripts are not this page's
        external_stylesheets=[prefix.rstrip("/") + "/assets/00-bootstrap.min.css"],
        background_callback_manager=jobs,
    )
    page.layout = html.Main(
        [
            dcc.Location(id=URL),
            html.H1("Programmer", className="h3 mt-3"),
            html.P(
                "Nye revisjoner av handlingsprogrammet (tekst, PDF eller Word, høyst 20 MB): "
                "les en fil inn, se over rapporten og publiser den."
            ),
            html.P(
                html.A("Last opp en fil", href=prefix.rstrip("/") + "/" + UPLOAD_FORM),
            ),
            html.H2("Lastet opp", className="h5"),
            html.Div(id=LISTED),
            html.Label("Velg fil", htmlFor=CHOSEN, className="form-label mt-2"),
            dcc.Dropdown(id=CHOSEN, options=[], clearable=False, placeholder="Velg en fil"),
            html.Fieldset(
                [
                    html.Legend("Usikre treff: samme tiltak?", className="h6"),
                    dcc.Checklist(id=CONFIRM, options=[], value=[], labelClassName="d-block"),
                ],
                id=CONFIRM_BOX,
                hidden=True,
                className="mt-3",
            ),
            html.Div(
                [
                    html.Button("Les inn", id=READ, className="btn btn-primary me-2"),
                    html.Button("Publiser", id=PUBLISH, className="btn btn-success me-2"),
                    html.Button("Fjern", id=REMOVE, className="btn btn-outline-danger"),
                ],
                className="mt-2",
            ),
            dbc.Progress(
                id=PROGRESS, value=0, label="", className="mt-3", style={"height": "1.5rem"}
            ),
            html.Div(id=NOTE, role="status", className="mt-2"),
            html.H2("Rapport", className="h5 mt-3"),
            html.Div(id=REPORT, **{"aria-live": "polite"}),
            html.P(html.A("Tilbake til kartet", href=prefix), className="mt-4"),
        ],
        className="container",
    )
    page.index_string = page.index_string.replace("<html>", '<html lang="nb">', 1)

    def admin() -> bool:
        user = access.user()
        return user is not None and user.admin

    @page.callback(
        Output(LISTED, "children"),
        Output(CHOSEN, "options"),
        Output(CHOSEN, "value"),
        Input(URL, "search"),
        Input(NOTE, "children"),
        Input(REPORT, "children"),  # a reading done: its state in the list
        State(CHOSEN, "value"),
    )
    def show(search, _note, _report, chosen):
        if not admin():
            return (
                html.P("Bare fylkeskommunens administratorer kan laste opp programmer."),
                [],
                None,
            )
        found = uploads.list()
        known = {u.sha256 for u in found}
        asked = _asked(search)
        value = asked if asked in known else (chosen if chosen in known else None)
        return listing(found), options(found), value

    @page.callback(
        Output(REPORT, "children"),
        Input(READ, "n_clicks"),
        State(CHOSEN, "value"),
        background=True,
        progress=[Output(PROGRESS, "value"), Output(PROGRESS, "label")],
        running=[
            (Output(READ, "disabled"), True, False),
            (Output(PUBLISH, "disabled"), True, False),
        ],
        prevent_initial_call=True,
    )
    def read(set_progress, _clicks, chosen):
        # A process of its own (the manager forks it): the session was checked on the
        # request that started it (guard_page), and the limits bind this process only.
        _limit_job()
        if not isinstance(chosen, str) or chosen not in {u.sha256 for u in uploads.list()}:
            return html.P("Velg en fil først.")
        set_progress((10, "Henter filen"))
        filename, data = uploads.content(chosen)
        set_progress((30, "Leser og merker tiltakene"))
        try:
            report, usable, programme = reading_report(settings, filename, data)
            if usable and programme is not None:
                set_progress((70, "Sammenligner med forrige revisjon"))
                try:
                    report["carry"] = carry_proposal(
                        programme, chosen, report, uploads, settings, served
                    )
                except (TiltakskartError, FollowupError) as exc:  # the earlier one unreadable
                    log.warning("no carry-over proposed for %s: %s", filename, exc)
                    report["carry_error"] = (
                        "Kunne ikke sammenligne med forrige revisjon; les filen inn på nytt."
                    )
                    usable = False
        except MemoryError:
            report, usable = (
                {"file": filename, "error": "Filen krevde for mye minne å lese."},
                False,
            )
        uploads.set_report(chosen, report, usable)
        set_progress((100, "Ferdig"))
        return report_view(report)

    @page.callback(
        Output(NOTE, "children"),
        Input(PUBLISH, "n_clicks"),
        Input(REMOVE, "n_clicks"),
        State(CHOSEN, "value"),
        State(CONFIRM, "value"),
        prevent_initial_call=True,
    )
    def act(_publish, _remove, chosen, confirmed):
        from dash import ctx

        user = access.user()
        if user is None or not user.admin:
            return "Bare fylkeskommunens administratorer kan publisere eller fjerne."
        if not isinstance(chosen, str) or len(chosen) != 64:
            return "Velg en fil først."
        try:
            if ctx.triggered_id == PUBLISH:
                carried = publish(uploads, chosen, user.username, confirmed, served)
                return (
                    f"Publisert: {uploads.get(chosen).filename}. {carried}Innen et minutt vises "
                    "den som nyeste revisjon i kartet (last kartet på nytt)."
                )
            uploads.remove(chosen)
            return "Fjernet."
        except FollowupError as exc:
            return str(exc)

    @page.callback(
        Output(REPORT, "children", allow_duplicate=True),
        Input(CHOSEN, "value"),
        prevent_initial_call=True,
    )
    def shown(chosen):
        if not admin() or not isinstance(chosen, str):
            return no_update
        try:
            return report_view(uploads.get(chosen).report)
        except FollowupError as exc:
            return html.P(str(exc))

    @page.callback(
        Output(CONFIRM, "options"),
        Output(CONFIRM, "value"),
        Output(CONFIRM_BOX, "hidden"),
        Input(REPORT, "children"),
        State(CHOSEN, "value"),
    )
    def offer(_report, chosen):
        """The uncertain matches of the chosen upload's carry-over, to be ticked or not."""
        if not admin() or not isinstance(chosen, str):
            return [], [], True
        try:
            upload = uploads.get(chosen)
        except FollowupError:
            return [], [], True
        carry = (upload.report or {}).get("carry")
        if upload.state != UploadState.READ or not carry or not carry["pending"]:
            return [], [], True
        return uncertain_options(carry), [], False

    return page


def uncertain_options(carry: dict) -> list[dict]:
    """One choice per uncertain match: the new measure, how it relates to the old, and the
    confidence."""
    out = []
    for old, new, split, confidence in carry["pending"]:
        how = "er delt ut av" if split else "er samme tiltak som"
        label = f"{new} {how} {old} (sikkerhet {norsk.decimal(float(confidence), 2)})"
        out.append({"label": label, "value": f"{old}={new}"})
    return out


STALE = (
    "En annen revisjon av fylket er publisert etter at filen ble lest; les den inn på nytt "
    "før du publiserer."
)


def publish(
    uploads: Uploads, sha256: str, by: str, confirmed: object, served: Sequence[Programme]
) -> str:
    """Publish a read upload, carrying the follow-up over in the same transaction as its
    report proposes (the uncertain matches ticked in `confirmed` confirmed, the others
    rejected); refused when the revision it follows is no longer the newest of its county
    (the proposal would be stale). What was done to the follow-up, in Norwegian ("" when
    nothing was to carry)."""
    upload = uploads.get(sha256)
    report = upload.report or {}
    if upload.state != UploadState.READ or "carry" not in report:
        uploads.publish(sha256, by)  # refuses what is not read, in its own words
        return ""
    carry = report["carry"]
    base = base_of(report.get("county_code", ""), report["county"], sha256, uploads, served)
    if (None if base is None else _hash(base)) != (carry or {}).get("from_sha256"):
        raise FollowupError(STALE)
    if carry is None:
        uploads.publish(sha256, by)
        return ""
    plan = plan_from(carry)
    asked = {p.old + "=" + p.new: (p.old, p.new) for p in plan.pending}
    values = confirmed if isinstance(confirmed, list) else []
    ticked = {asked[v] for v in values if isinstance(v, str) and v in asked}
    decided = decide(plan, ticked, set(asked.values()) - ticked)
    try:
        done = carry_over(
            uploads.engine, decided, by, also=lambda conn: uploads.publish_in(conn, sha256, by)
        )
    except AlreadyCarried:
        uploads.publish(sha256, by)
        return "Oppfølgingen var alt ført over til denne revisjonen. "
    return (
        f"Oppfølgingen er ført over: {_amount(done.moved, 'status', 'statuser')} flyttet, "
        f"{norsk.count(done.copied)} kopiert til delte tiltak, {norsk.count(done.archived)} "
        "arkivert. "
    )


def _asked(search: object) -> str | None:
    if not isinstance(search, str) or "fil=" not in search:
        return None
    value = search.split("fil=", 1)[1][:64]
    return value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else None


def refused(message: str, back: str) -> Response:
    """A file that was not taken: the reason as plain text for a program, and for a browser's
    form a page with the reason and the way back to the form (the reason is ours, escaped)."""
    if request.accept_mimetypes.best_match(["text/plain", "text/html"]) != "text/html":
        return Response(message, status=400, mimetype="text/plain")
    body = (
        f'<main><h1>Filen ble ikke lastet opp</h1><p role="alert" id="feil" class="feil">'
        f'{markup.escape(message)}</p><p><a href="{markup.escape(back)}">Tilbake til '
        "opplastingen</a></p></main>"
    )
    return plain.page("Ikke lastet opp", body, status=400)


def install(
    server: Flask,
    prefix: str,
    access: Access,
    uploads: Uploads,
    settings: Settings,
    jobs: Any,
    served: Sequence[Programme] = (),
) -> Dash:
    """The page and its upload route on `server` (`served`: the programmes served);
    every request to either must come from an administrator's session (a reading or a click
    from anyone else is refused before Dash sees it), and the form from this site."""
    root = prefix.rstrip("/") + "/"
    page_root, send = root + ROUTE, root + SEND
    back = root + UPLOAD_FORM

    @server.before_request
    def guard_page() -> BaseResponse | None:
        if not request.path.startswith(page_root) and request.path != send:
            return None
        user = access.user()
        if user is None:
            if request.method == "GET" and not request.path.startswith(page_root + "_"):
                return redirect(f"{root}{LOGIN}?neste={page_root}", code=303)
            return Response("Logg inn som administrator.", status=401, mimetype="text/plain")
        if not user.admin:
            return Response(
                "Bare fylkeskommunens administratorer kan laste opp programmer.",
                status=403,
                mimetype="text/plain",
            )
        if request.method == "POST" and not same_origin():
            return Response(CROSS_SITE, status=403, mimetype="text/plain")
        return None

    def receive() -> BaseResponse:
        user = access.user()
        assert user is not None  # guard_page
        sent = request.files.get("fil")
        if sent is None:
            return refused("Velg en fil å laste opp.", back)
        data = sent.stream.read(MAX_UPLOAD_BYTES + 1)
        try:
            digest = uploads.add(sent.filename or "", data, user.username)
        except FollowupError as exc:
            return refused(str(exc), back)
        log.info("%s uploaded %s (%d bytes)", user.username, digest[:12], len(data))
        return redirect(f"{page_root}?fil={digest}", code=303)

    server.add_url_rule(send, "tiltakskart_upload", receive, methods=["POST"])
    return build(server, prefix, access, uploads, settings, jobs, served)
