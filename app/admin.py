"""The county administrators' page (`/brukere`): users, their roles and municipalities, and the
counted pairs opened for reporting. A plain HTML page with forms, like the login page: it works
without scripts, every value shown is escaped, and every POST is checked on the server (the
session's user must be an administrator; the Origin must be this site)."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping

from flask import Flask, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from app.access import CROSS_SITE, LOGIN, LOGOUT, Access, same_origin
from app.model import View
from app.plain import page as _page
from app.uploads import ROUTE as UPLOADS_ROUTE
from app.uploads import SEND
from followup.auth import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    USERNAME,
    AccessChanged,
    LastAdmin,
)
from followup.errors import FollowupError
from followup.records import ROLE_LABELS, User, UserRole
from followup.store import DatabaseStore, oslo_time

log = logging.getLogger(__name__)

ROUTE = "brukere"  # under the app's prefix
ADD, ACCESS, PASSWORD, REMOVE, OPEN, CLOSE = "ny", "tilgang", "passord", "fjern", "apne", "lukk"
RACE = "Endringen ble ikke gjort: brukerne ble endret samtidig av en annen. Se over og prøv igjen."
ALL_MUNICIPALITIES = "alle"  # the open form's choice: every municipality the measure concerns
LAST_ADMIN = "Det må være minst én administrator igjen."


class Refused(Exception):
    """A form that cannot be carried out; the message is for the administrator (Norwegian)."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


class AdminPage:
    """The page for one programme's app: the server's users (shared by every programme it
    serves) and this programme's openings."""

    def __init__(
        self, view: View, access: Access, store: DatabaseStore, with_uploads: bool = False
    ):
        self.view, self.access, self.store = view, access, store
        self.with_uploads = with_uploads
        self.root = view.prefix.rstrip("/") + "/"
        self.path = self.root + ROUTE
        self.names: Mapping[str, str] = dict(view.programme.municipalities)

    # -- reading the forms ---------------------------------------------------------------------

    def username(self, value: str | None) -> str:
        name = (value or "").strip().lower()[:100]
        if not USERNAME.fullmatch(name):
            raise Refused(
                "Brukernavnet må ha 1–64 tegn av a–z, 0–9 og . _ @ -, og begynne med en "
                "bokstav eller et siffer."
            )
        return name

    def existing(self, value: str | None) -> User:
        name = self.username(value)
        try:
            return self.access.accounts.get(name)
        except FollowupError:
            raise Refused(f"Fant ingen bruker som heter «{name}».") from None

    @staticmethod
    def password(value: str | None) -> str:
        password = value or ""
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise Refused(f"Passordet må ha minst {MIN_PASSWORD} tegn.")
        return password

    @staticmethod
    def role(value: str | None) -> UserRole:
        try:
            return UserRole(value or "")
        except ValueError:
            raise Refused("Velg rollen redaktør eller administrator.") from None

    def municipalities(self, values: list[str]) -> frozenset[str]:
        chosen = frozenset(values[:100])
        unknown = sorted(chosen - set(self.names))
        if unknown:
            raise Refused(f"Kommunenummeret {unknown[0][:8]} er ikke med i programmet.")
        return chosen

    def was(self, form: Mapping[str, str], name: str) -> User:
        """The user as the form showed them (to refuse overwriting a change made since)."""
        role = self.role(form.get("var_rolle"))
        kommuner = frozenset(k for k in (form.get("var_kommuner") or "").split(",") if k)
        return User(0, name, role, kommuner)

    # -- doing ---------------------------------------------------------------------------------

    def carry_out(self, me: User) -> str:
        """The posted form's change, made; what to tell the administrator. Raises `Refused`."""
        form, action = request.form, request.form.get("handling", "")
        accounts = self.access.accounts
        if action == ADD:
            name = self.username(form.get("brukernavn"))
            password = self.password(form.get("passord"))
            role = self.role(form.get("rolle"))
            kommuner = self.municipalities(form.getlist("kommune"))
            if any(u.username == name for u in accounts.list()):
                raise Refused(f"Det finnes alt en bruker som heter «{name}».")
            accounts.add(name, password, role, kommuner)
            log.info("%s added user %s (%s)", me.username, name, role)
            return f"La til {name} ({ROLE_LABELS[role]})."
        if action == ACCESS:
            user = self.existing(form.get("brukernavn"))
            role = self.role(form.get("rolle"))
            if user.id == me.id and role != UserRole.ADMIN:
                raise Refused("Du kan ikke ta fra deg selv rollen som administrator.")
            # Users are the server's: municipalities of other programmes it serves are kept.
            kommuner = self.municipalities(form.getlist("kommune"))
            kommuner |= user.kommuner - set(self.names)
            try:
                accounts.assign(
                    user.username, kommuner, role=role, expected=self.was(form, user.username)
                )
            except LastAdmin:
                raise Refused(LAST_ADMIN) from None
            except AccessChanged as exc:
                raise Refused(
                    f"Tilgangen til {user.username} ble endret av en annen mens du så på siden: "
                    f"nå {self.describe(exc.current)}. Se over og lagre igjen hvis din endring "
                    "fortsatt gjelder."
                ) from None
            log.info("%s set the access of %s", me.username, user.username)
            return f"Lagret tilgangen til {user.username}."
        if action == PASSWORD:
            user = self.existing(form.get("brukernavn"))
            accounts.set_password(user.username, self.password(form.get("passord")))
            log.info("%s set a new password for %s", me.username, user.username)
            if user.id == me.id:
                return "Nytt passord; du er logget ut og må logge inn igjen."
            return f"Nytt passord for {user.username}; brukerens innlogginger er avsluttet."
        if action == REMOVE:
            user = self.existing(form.get("brukernavn"))
            if user.id == me.id:
                raise Refused("Du kan ikke fjerne deg selv.")
            if form.get("bekreft") != "ja":
                raise Refused(f"Kryss av for «Ja, fjern» for å fjerne {user.username}.")
            try:
                accounts.remove(user.username)
            except LastAdmin:
                raise Refused(LAST_ADMIN) from None
            log.info("%s removed user %s", me.username, user.username)
            return f"Fjernet {user.username}."
        if action in (OPEN, CLOSE):
            pairs = self.pairs(form.get("tiltak"), form.get("kommune"), action == OPEN)
            try:
                self.store.open_pairs(me, pairs, opened=action == OPEN)
            except FollowupError as exc:  # the store's refusals are Norwegian
                raise Refused(str(exc)) from None
            measure = pairs[0][0]
            where = ", ".join(self.names.get(k, k) for _, k in pairs)
            done = "Åpnet" if action == OPEN else "Lukket"
            return f"{done} tiltak {measure} for rapportering i {where}."
        raise Refused("Ukjent handling.")

    def pairs(self, measure: str | None, kommune: str | None, opening: bool) -> list:
        scope = self.store.scope
        measure = (measure or "")[:20]
        if measure not in scope.measures:
            raise Refused("Velg et tiltak fra listen.")
        if kommune == ALL_MUNICIPALITIES and opening:
            pairs = sorted(p for p in scope.counted - scope.act if p[0] == measure)
            if not pairs:
                raise Refused(f"Tiltak {measure} har ingen kommuner å åpne utover dem som bidrar.")
            return pairs
        if kommune is None or kommune not in self.names:
            raise Refused("Velg en kommune fra listen.")
        pair = (measure, kommune)
        if pair in scope.act:
            raise Refused(
                f"{self.names[kommune]} skal bidra i tiltak {measure} og rapporterer alltid."
            )
        if pair not in scope.counted:
            raise Refused(f"Tiltak {measure} gjelder ikke {self.names[kommune]}.")
        return [pair]

    # -- showing -------------------------------------------------------------------------------

    def describe(self, user: User) -> str:
        if user.admin:
            return f"{ROLE_LABELS[user.role]}, alle kommuner"
        where = ", ".join(self.names.get(k, k) for k in sorted(user.kommuner)) or "ingen kommuner"
        return f"{ROLE_LABELS[user.role]}, {where}"

    def checkboxes(self, chosen: frozenset[str]) -> str:
        boxes = "".join(
            f'<label><input type="checkbox" name="kommune" value="{_e(n)}"'
            f"{' checked' if n in chosen else ''}> {_e(name)}</label>"
            for n, name in self.view.programme.municipalities
        )
        return f"<fieldset><legend>Kommuner (for redaktører)</legend>{boxes}</fieldset>"

    def role_select(self, chosen: UserRole) -> str:
        options = "".join(
            f'<option value="{_e(r)}"{" selected" if r == chosen else ""}>'
            f"{_e(ROLE_LABELS[r])}</option>"
            for r in UserRole
        )
        return f'<label>Rolle <select name="rolle">{options}</select></label>'

    def form(self, action: str, fields: str, button: str, css: str = "") -> str:
        return (
            f'<form method="post" action="{_e(self.path)}"{css}>'
            f'<input type="hidden" name="handling" value="{_e(action)}">{fields}'
            f'<button type="submit">{_e(button)}</button></form>'
        )

    def user_row(self, user: User, me: User) -> str:
        name = f'<input type="hidden" name="brukernavn" value="{_e(user.username)}">'
        was = (
            f'<input type="hidden" name="var_rolle" value="{_e(user.role)}">'
            '<input type="hidden" name="var_kommuner" '
            f'value="{_e(",".join(sorted(user.kommuner)))}">'
        )
        access = self.form(
            ACCESS,
            name + was + self.role_select(user.role) + self.checkboxes(user.kommuner),
            "Lagre tilgang",
        )
        password = self.form(
            PASSWORD,
            name + f'<label>Nytt passord <input type="password" name="passord" '
            f'autocomplete="new-password" minlength="{MIN_PASSWORD}" maxlength="{MAX_PASSWORD}" '
            "required></label> ",
            "Sett passord",
        )
        remove = (
            '<span class="liten">(deg selv)</span>'
            if user.id == me.id
            else self.form(
                REMOVE,
                name + '<label><input type="checkbox" name="bekreft" value="ja"> '
                "Ja, fjern</label> ",
                f"Fjern {user.username}",
            )
        )
        return (
            f"<tr><td><strong>{_e(user.username)}</strong><br>"
            f'<span class="liten">{_e(self.describe(user))}</span></td>'
            f"<td>{access}</td><td>{password}{remove}</td></tr>"
        )

    def openings(self) -> str:
        scope, measures = self.store.scope, self.view.programme.measures
        titles = {m["id"]: m["title"] for m in measures}
        opened = self.store.opened()
        rows = "".join(
            f"<tr><td>{_e(m)} {_e(titles.get(m, ''))}</td><td>{_e(self.names.get(k, k))}</td>"
            f"<td>{_e(by)}, {_e(oslo_time(at))}</td><td>"
            + self.form(
                CLOSE,
                f'<input type="hidden" name="tiltak" value="{_e(m)}">'
                f'<input type="hidden" name="kommune" value="{_e(k)}">',
                "Lukk",
            )
            + "</td></tr>"
            for m, k, by, at in opened
        )
        table = (
            "<table><caption>Åpnet for rapportering</caption><thead><tr><th>Tiltak</th>"
            "<th>Kommune</th><th>Åpnet av</th><th></th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            if opened
            else "<p>Ingen tiltak er åpnet utover dem kommunene skal bidra i.</p>"
        )
        can_open = sorted({m for m, _ in scope.counted - scope.act}, key=self.order)
        options = "".join(
            f'<option value="{_e(m)}">{_e(m)} {_e(titles.get(m, "")[:90])}</option>'
            for m in can_open
        )
        places = f'<option value="{ALL_MUNICIPALITIES}">alle kommunene tiltaket gjelder</option>'
        places += "".join(
            f'<option value="{_e(n)}">{_e(name)}</option>'
            for n, name in self.view.programme.municipalities
        )
        opener = self.form(
            OPEN,
            f'<label>Tiltak <select name="tiltak" required>{options}</select></label> '
            f'<label>Kommune <select name="kommune">{places}</select></label> ',
            "Åpne for rapportering",
        )
        return (
            "<h2>Rapportering</h2><p>En kommune rapporterer alltid på tiltakene den skal bidra "
            "i. Her kan fylkeskommunen også åpne tiltak som bare gjelder kommunens område.</p>"
            f"{opener}{table}"
        )

    def programmes(self) -> str:
        """The upload of a new revision (read and published on the Programmer page)."""
        if not self.with_uploads:
            return ""
        return (
            '<h2 id="programmer">Programmer</h2><p>Last opp en ny revisjon av '
            "handlingsprogrammet: tekst (.txt), PDF eller Word (.docx), høyst 20 MB. Den "
            "leses inn og publiseres på siden Programmer.</p>"
            f'<form method="post" action="{_e(self.root + SEND)}" enctype="multipart/form-data">'
            '<label>Fil <input type="file" name="fil" accept=".txt,.pdf,.docx" required>'
            '</label> <button type="submit">Last opp</button></form>'
            f'<p><a href="{_e(self.root + UPLOADS_ROUTE)}">Programmer: les inn og publiser</a></p>'
        )

    def order(self, measure: str) -> tuple:
        return tuple(int(p) if p.isdigit() else 0 for p in measure.split("."))

    def render(self, me: User, message: str = "", ok: bool = True, status: int = 200) -> Response:
        users = self.access.accounts.list()
        shown = (
            f'<p class="{"ok" if ok else "feil"}" role="{"status" if ok else "alert"}">'
            f"{_e(message)}</p>"
            if message
            else ""
        )
        add = self.form(
            ADD,
            '<label>Brukernavn <input name="brukernavn" required maxlength="64" '
            'autocomplete="off"></label> '
            f'<label>Passord <input type="password" name="passord" minlength="{MIN_PASSWORD}" '
            f'maxlength="{MAX_PASSWORD}" autocomplete="new-password" required></label> '
            + self.role_select(UserRole.EDITOR)
            + self.checkboxes(frozenset()),
            "Legg til bruker",
        )
        rows = "".join(self.user_row(u, me) for u in users)
        body = (
            f"<h1>Brukere og rapportering</h1><p>Innlogget: {_e(me.username)} "
            f'({_e(ROLE_LABELS[me.role])}). <a href="{_e(self.root)}">Tilbake til kartet</a></p>'
            f'<form method="post" action="{_e(self.root + LOGOUT)}"><button type="submit">'
            f"Logg ut</button></form>{shown}"
            f"<h2>Brukere ({len(users)})</h2>"
            "<p>Redaktører endrer status for kommunene de har fått; administratorer endrer alt, "
            "åpner tiltak for rapportering og styrer brukerne.</p>"
            "<table><thead><tr><th>Bruker</th><th>Rolle og kommuner</th><th>Passord og "
            f"fjerning</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<h3>Ny bruker</h3>{add}{self.openings()}{self.programmes()}"
        )
        return _page("Brukere og rapportering", body, status)

    # -- the route -----------------------------------------------------------------------------

    def handle(self) -> BaseResponse:
        me = self.access.user()
        if me is None:
            return redirect(f"{self.root}{LOGIN}?neste={self.path}", code=303)
        if not me.admin:
            return _page(
                "Ikke tilgang",
                "<h1>Ikke tilgang</h1><p>Bare fylkeskommunens administratorer styrer brukere og "
                f'rapportering.</p><p><a href="{_e(self.root)}">Tilbake til kartet</a></p>',
                403,
            )
        if request.method == "GET":
            return self.render(me)
        if not same_origin():
            return Response(CROSS_SITE, status=403, mimetype="text/plain")
        try:
            return self.render(me, self.carry_out(me))
        except Refused as exc:
            return self.render(me, str(exc), ok=False, status=400)
        except FollowupError:  # checked above; left: another administrator's change meanwhile
            return self.render(me, RACE, ok=False, status=409)


def install(server: Flask, view: View, access: Access, with_uploads: bool = False) -> None:
    """The administrators' page on `server` under the view's prefix (with a follow-up
    database only); `with_uploads`: with the form that uploads a new revision."""
    if not isinstance(view.store, DatabaseStore):
        return
    page = AdminPage(view, access, view.store, with_uploads)
    server.add_url_rule(page.path, "tiltakskart_admin", page.handle, methods=["GET", "POST"])
