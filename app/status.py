"""Follow-up in the Kommune view: each measure's status where the municipality reports, the
municipality's history, and, for an editor who may change it, a form in place under each
measure. Every save is checked on the server: the user from the session cookie, the
municipality against the user's, the row's version against the database's."""

from __future__ import annotations

import datetime as dt
import json
import logging

import dash_bootstrap_components as dbc
from dash import MATCH, Dash, Input, Output, State, ctx, html, no_update

from app import ids
from app.access import LOGIN, LOGOUT
from app.admin import ROUTE as ADMIN_ROUTE
from app.model import View, progress_of, progress_text
from followup.errors import Conflict, FollowupError
from followup.records import (
    ALL_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    UNREPORTED_LABEL,
    Change,
    Status,
    StatusKey,
    User,
)
from followup.store import oslo_time
from geo import norsk

log = logging.getLogger(__name__)

# Pattern ids: one of each per status row ({"type": …, "measure": id, "kommune": number or ""
# for the measure as a whole}). The server checks the user may change that municipality.
VALUE, COMMENT, CONTACT, DATE, SAVE, VERSION, NOTE, LINE = (
    "status-value",
    "status-comment",
    "status-contact",
    "status-date",
    "status-save",
    "status-version",
    "status-note",
    "status-line",
)


def when(moment: dt.datetime | None) -> str:
    """A time as Norwegians write it, in Norway's time zone (CET/CEST)."""
    return "" if moment is None else oslo_time(moment)


def status_words(status: Status | None) -> str:
    """A status line: its label, the date it refers to, who changed it and when."""
    if status is None or not status.status:
        return f"Status: {UNREPORTED_LABEL}"
    parts = [f"Status: {status.label}"]
    if status.date:
        parts.append(f"per {status.date:%d.%m.%Y}")
    if status.changed_by:
        parts.append(f"endret {when(status.changed)} av {status.changed_by}")
    return " · ".join(parts)


def status_line(status: Status | None) -> list:
    shown = status.status if status and status.status else "ikke_rapportert"
    out: list = [html.Span(status_words(status), className=f"status status-{shown}")]
    if status and status.comment:
        out.append(html.Div(f"Kommentar: {status.comment}", className="status-comment"))
    if status and status.contact:
        out.append(html.Div(f"Kontakt: {status.contact}", className="status-contact"))
    return out


def editor(measure: str, kommune: str | None, status: Status | None) -> html.Details:
    """The form that changes one status in place."""
    value = status.status if status and status.status else ""
    options = [{"label": "Velg status", "value": "", "disabled": True}] + [
        {"label": label, "value": code} for code, label in STATUS_LABELS.items()
    ]
    key = {"measure": measure, "kommune": kommune or ""}

    def dom_id(kind: str) -> str:
        # The id Dash gives a pattern-id component in the page (keys sorted, compact JSON).
        return json.dumps({"type": kind, **key}, sort_keys=True, separators=(",", ":"))

    return html.Details(
        [
            html.Summary("Endre status"),
            html.Div(
                [
                    dbc.Label("Status", html_for=dom_id(VALUE)),
                    dbc.Select(id={"type": VALUE, **key}, options=options, value=value),
                    dbc.Label("Kommentar", html_for=dom_id(COMMENT), className="mt-2"),
                    dbc.Textarea(
                        id={"type": COMMENT, **key},
                        value=status.comment if status else "",
                        maxLength=2000,
                        rows=2,
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    dbc.Label(
                                        "Kontaktperson", html_for=dom_id(CONTACT), className="mt-2"
                                    ),
                                    dbc.Input(
                                        id={"type": CONTACT, **key},
                                        value=status.contact if status else "",
                                        maxLength=200,
                                    ),
                                ],
                                className="flex-grow-1 me-2",
                            ),
                            html.Div(
                                [
                                    dbc.Label("Dato", html_for=dom_id(DATE), className="mt-2"),
                                    dbc.Input(
                                        id={"type": DATE, **key},
                                        type="date",
                                        value=status.date.isoformat()
                                        if status and status.date
                                        else "",
                                    ),
                                ]
                            ),
                        ],
                        className="d-flex",
                    ),
                    dbc.Button(
                        "Lagre",
                        id={"type": SAVE, **key},
                        color="primary",
                        size="sm",
                        className="mt-2",
                    ),
                    html.Div(
                        id={"type": NOTE, **key},
                        className="status-note small mt-1",
                        role="status",
                        **{"aria-live": "polite"},
                    ),
                    html.Div(
                        # The version the form was filled from: the save's lost-update check.
                        id={"type": VERSION, **key},
                        hidden=True,
                        children=str(status.version if status else 0),
                    ),
                ],
                className="status-form",
            ),
        ],
        className="status-edit small",
    )


def measure_status(
    view: View, user: User | None, kommune: str, measure: str, statuses, reportable
) -> list:
    """What a measure item shows of its follow-up (nothing where the pair reports nothing)."""
    if (measure, kommune) not in reportable:
        return []
    return [status_block(user, measure, kommune, statuses.get((measure, kommune)))]


def status_block(user: User | None, measure: str, kommune: str | None, status: Status | None):
    """A status line, with the form to change it for a user who may."""
    key = {"measure": measure, "kommune": kommune or ""}
    out: list = [html.Div(status_line(status), id={"type": LINE, **key})]
    if user is not None and user.may_change(kommune):
        out.append(editor(measure, kommune, status))
    return html.Div(out, className="measure-status small")


def measure_followup(view: View, measure: str, user: User | None) -> list:
    """The Tiltak view's follow-up of one measure: the measure as a whole, each municipality
    that reports on it, and the measure's history."""
    if view.access is None:
        return []
    statuses, reportable = view.store.statuses(), view.store.reportable()
    out: list = [
        html.H4("Oppfølging", className="h6 mt-3"),
        html.Div("Tiltaket som helhet (rapporteres av fylkeskommunen):", className="small"),
        status_block(user, measure, None, statuses.get((measure, None))),
    ]
    numbers = [n for n in view.numbers if (measure, n) in reportable]
    if numbers:
        out.append(html.Div("Kommunene som rapporterer på tiltaket:", className="small mt-2"))
        out.append(
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span(view.name_of(n), className="fw-semibold"),
                            status_block(user, measure, n, statuses.get((measure, n))),
                        ]
                    )
                    for n in numbers
                ],
                className="measure-kommuner small",
            )
        )
    history = history_list(view.store.history(measure=measure))
    if history is not None:
        out.append(history)
    return out


def history_list(changes: list[Change], limit: int = 50) -> html.Details | None:
    """The kept changes, newest first."""
    if not changes:
        return None
    items = []
    for c in changes[:limit]:
        old = ALL_LABELS.get(c.old, c.old) if c.old else UNREPORTED_LABEL
        text = f"{when(c.changed)} · {c.changed_by} · {c.measure}"
        text += f" ({c.kommune})" if c.kommune else " (hele tiltaket)"
        text += f": {old} → {ALL_LABELS.get(c.new, c.new)}"
        if c.comment:
            text += f" – {c.comment}"
        items.append(html.Li(text))
    more = f" (de {limit} siste)" if len(changes) > limit else ""
    return html.Details(
        [
            html.Summary(f"Historikk: {norsk.count(len(changes))} endringer{more}"),
            html.Ol(items, className="status-history small"),
        ],
        className="mt-2",
    )


def who_may(view: View, user: User | None, kommune: str) -> str:
    if view.access is None:
        return ""
    if user is None:
        return "Logg inn for å rapportere status."
    if user.may_change(kommune):
        return f"Du er logget inn som {user.username} og kan endre status for kommunen."
    return f"Du er logget inn som {user.username}, men har ikke tilgang til denne kommunen."


def table_status(statuses, reportable, measure: str, kommune: str) -> str:
    """A status as the table column shows it ("" where the pair reports nothing)."""
    if (measure, kommune) not in reportable:
        return ""
    held = statuses.get((measure, kommune))
    return held.label if held and held.status else UNREPORTED_LABEL


def followup_summary(view: View, state, user: User | None, kommune: str) -> list:
    """The municipality's follow-up in one line (under the page's filters), and who may
    change it."""
    counts = progress_of(view, state)
    i = view.numbers.index(kommune)
    out: list = [html.P(f"Oppfølging: {progress_text(counts, i)}.", className="followup-summary")]
    if view.access is not None:
        out.append(html.P(who_may(view, user, kommune), className="small text-body-secondary"))
    return out


def save_status(view: View, user: User | None, key: StatusKey, form: dict) -> tuple[str, Status]:
    """Save one status from a form; the message to show and the status now held. Raises
    FollowupError (refusals and bad values) with a message for the user."""
    store = view.store
    save = getattr(store, "save", None)
    if save is None:
        raise FollowupError("Oppfølgingen er ikke slått på for denne tjenesten.")
    saved = save(
        user,
        key,
        form["status"],
        version=form["version"],
        comment=form["comment"],
        contact=form["contact"],
        date=form["date"],
    )
    return f"Lagret: {saved.label}.", saved


def who_part(view: View, user: User | None) -> list:
    """The header's login link, or who is logged in and a logout button (a POST form)."""
    root = view.prefix.rstrip("/") + "/"
    if user is None:
        return [html.A("Logg inn", href=f"{root}{LOGIN}", className="btn btn-sm btn-light")]
    where = ", ".join(sorted(user.kommuner)) or ("alle kommuner" if user.admin else "ingen")
    manage = (
        [html.A("Brukere", href=f"{root}{ADMIN_ROUTE}", className="btn btn-sm btn-light me-2")]
        if user.admin
        else []
    )
    return [
        html.Span(
            f"Innlogget: {user.username} ({ROLE_LABELS[user.role]}, {where})",
            className="me-2",
        ),
        *manage,
        html.Form(
            html.Button("Logg ut", type="submit", className="btn btn-sm btn-light"),
            action=f"{root}{LOGOUT}",
            method="post",
            className="d-inline",
        ),
    ]


def register(app: Dash, view: View) -> None:
    if view.access is None:
        return

    @app.callback(Output(ids.WHO, "children"), Input(ids.URL, "pathname"))
    def who(_pathname):
        """Who this browser's session is (the server tells; the page never says)."""
        return who_part(view, view.access.user() if view.access else None)

    pattern = {"measure": MATCH, "kommune": MATCH}

    @app.callback(
        Output({"type": NOTE, **pattern}, "children"),
        Output({"type": LINE, **pattern}, "children"),
        Output({"type": VERSION, **pattern}, "children"),
        Output(ids.FOLLOWUP_VERSION, "data", allow_duplicate=True),
        Input({"type": SAVE, **pattern}, "n_clicks"),
        State({"type": VALUE, **pattern}, "value"),
        State({"type": COMMENT, **pattern}, "value"),
        State({"type": CONTACT, **pattern}, "value"),
        State({"type": DATE, **pattern}, "value"),
        State({"type": VERSION, **pattern}, "children"),
        prevent_initial_call=True,
    )
    def save(clicks, value, comment, contact, date, version):
        """Save a status changed in place: who from the session; the municipality the form
        is for (from its id), checked against the user's by the store."""
        if not clicks:
            return no_update, no_update, no_update, no_update
        row = ctx.triggered_id if isinstance(ctx.triggered_id, dict) else {}
        measure, kommune = row.get("measure"), row.get("kommune")
        if not isinstance(measure, str) or not isinstance(kommune, str):
            return "Kunne ikke lagre: last siden på nytt.", no_update, no_update, no_update
        user = view.access.user() if view.access else None
        try:
            number = int(version) if isinstance(version, str) and version.isdigit() else -1
            message, saved = save_status(
                view,
                user,
                (measure, kommune or None),
                {
                    "status": value if isinstance(value, str) else "",
                    "version": number,
                    "comment": comment if isinstance(comment, str) else "",
                    "contact": contact if isinstance(contact, str) else "",
                    "date": date if isinstance(date, str) else None,
                },
            )
        except Conflict as exc:
            # The form keeps what the user typed; the version becomes the current one, so
            # saving again applies it on top of the other change (never silently).
            current = exc.current
            return (
                html.Span(str(exc), className="text-danger"),
                status_line(current),
                str(current.version),
                view.store.version(),
            )
        except FollowupError as exc:
            return html.Span(str(exc), className="text-danger"), no_update, no_update, no_update
        return message, status_line(saved), str(saved.version), view.store.version()
