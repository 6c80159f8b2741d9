"""Who is asking: logins, sessions in signed cookies, and the checks every write passes on the
server. The browser never says who it is: a callback finds its user from the session cookie,
through `Access.user()`.

Cookies are HttpOnly, SameSite=Strict and (outside development) Secure; their token is signed
with the settings' secret and looked up in the database, so logging out or a new password ends
a session everywhere. Writes from another site are refused by their Origin (or Referer).
"""

from __future__ import annotations

import html
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request
from itsdangerous import BadSignature, URLSafeSerializer

from followup.auth import SESSION_HOURS, Accounts, LoginRefused
from followup.records import ROLE_LABELS, User
from geo.atomic import write_atomic
from geo.errors import InputError

log = logging.getLogger(__name__)

COOKIE = "tiltakskart_okt"
LOGIN = "logginn"  # routes under the app's prefix
LOGOUT = "loggut"
WHO = "_tiltakskart/hvem"  # who is logged in, as JSON (the header asks on load)
SECRET_FILE = "secret_key"
CROSS_SITE = "Avvist: forespørselen kom fra et annet nettsted."
MIN_SECRET = 32  # characters
MIN_DISTINCT = 12  # different characters in it: "aaaa…" is not a secret


def weak(secret: str) -> bool:
    return len(secret) < MIN_SECRET or len(set(secret)) < MIN_DISTINCT


def session_secret(
    given: str | None, *, development: bool, data_dir: Path | None, local: bool
) -> str:
    """The secret that signs session cookies: the settings' own, or for the one-user `serve`
    (and development) a random one kept in the data folder. Production (gunicorn) refuses a
    missing or weak secret unless the development flag is set."""
    if given:
        if weak(given) and not development:
            raise InputError(
                f"TILTAKSKART_SECRET_KEY is weak; give at least {MIN_SECRET} random characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        return given
    if not (local or development):
        raise InputError(
            "TILTAKSKART_SECRET_KEY is not set; the server needs a secret to sign logins "
            "(set it, or TILTAKSKART_DEVELOPMENT=1 on a development machine)"
        )
    from followup.db import default_data_dir

    path = (data_dir or default_data_dir()).expanduser() / SECRET_FILE
    if path.is_file():
        kept = path.read_text(encoding="utf-8").strip()
        if not weak(kept):
            return kept
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = secrets.token_urlsafe(48)
    write_atomic(path, lambda tmp: tmp.write_text(fresh, encoding="utf-8"), mode=0o600)
    return fresh


@dataclass(frozen=True)
class Access:
    """Logins for one app (or several under one server)."""

    accounts: Accounts
    secret: str
    secure: bool = True  # cookies only over HTTPS (and on localhost)
    login_to_read: bool = False

    @property
    def signer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt="tiltakskart-session")

    def token(self) -> str | None:
        raw = request.cookies.get(COOKIE)
        if not raw or len(raw) > 400:
            return None
        try:
            token = self.signer.loads(raw)
        except BadSignature:
            return None
        return token if isinstance(token, str) else None

    def user(self) -> User | None:
        """The user of this request's session (None: anonymous)."""
        return self.accounts.user_of(self.token())


def same_origin() -> bool:
    """Whether this request comes from a page of this server: its Origin (or, without one,
    its Referer) names this host. Browsers send Origin with every cross-site POST."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return False
    parts = urlsplit(source)
    here = urlsplit(request.host_url)
    return (parts.scheme, parts.netloc) == (here.scheme, here.netloc)


def cross_site() -> bool:
    """A request that says it comes from another site."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    return bool(source) and not same_origin()


PAGE = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logg inn – Tiltakskart</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin-top:1rem}} input{{width:100%;padding:.4rem;font-size:1rem}}
button{{margin-top:1.2rem;padding:.5rem 1.2rem;font-size:1rem}} .feil{{color:#a00}}
</style></head><body>
<h1>Logg inn</h1>
<p>For redaktører i kommunene og fylkeskommunen. Alle kan lese uten å logge inn{read}.</p>
{message}
<form method="post" action="{action}">
<label for="brukernavn">Brukernavn</label>
<input id="brukernavn" name="brukernavn" autocomplete="username" required maxlength="64">
<label for="passord">Passord</label>
<input id="passord" name="passord" type="password" autocomplete="current-password" required
 maxlength="1024">
<input type="hidden" name="neste" value="{next}">
<button type="submit">Logg inn</button>
</form>
<p><a href="{home}">Tilbake til kartet</a></p>
</body></html>"""


def _next_path(value: str | None, prefix: str) -> str:
    """Where to go after logging in: a path of this app, never another site."""
    if value and value.startswith(prefix) and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return prefix


def install(server: Flask, access: Access, prefix: str = "/", callback_path: str = "") -> None:
    """The login and logout routes, the session check for reading (when logins are needed to
    read), and the refusal of cross-site writes, on `server` under `prefix`."""
    root = prefix.rstrip("/") + "/"
    login_path, logout_path, who_path = root + LOGIN, root + LOGOUT, root + WHO

    def page(message: str = "", status: int = 200, wait: int = 0) -> Response:
        shown = f'<p class="feil" role="alert">{html.escape(message)}</p>' if message else ""
        read = "" if not access.login_to_read else " (men ikke her: logg inn for å lese)"
        body = PAGE.format(
            message=shown,
            action=html.escape(login_path),
            next=html.escape(_next_path(request.values.get("neste"), root)),
            home=html.escape(root),
            read=read,
        )
        answer = Response(body, status=status, mimetype="text/html")
        answer.headers["Cache-Control"] = "no-store"
        if wait:
            answer.headers["Retry-After"] = str(wait)
        return answer

    def refuse_cross_site() -> Response:
        return Response(CROSS_SITE, status=403, mimetype="text/plain")

    @server.before_request
    def guard_writes() -> Response | None:
        if request.method != "POST":
            return None
        if request.path in (login_path, logout_path):
            return None if same_origin() else refuse_cross_site()
        if request.path == callback_path and cross_site():
            return refuse_cross_site()
        return None

    @server.before_request
    def login_to_read() -> Any:
        if not access.login_to_read or request.path in (login_path, logout_path):
            return None
        rest = request.path[len(root) :] if request.path.startswith(root) else ""
        # The API answers for itself (401 as JSON); assets carry nothing to read.
        if rest.startswith(("assets/", "_favicon", "api/")) or access.user() is not None:
            return None
        if request.method == "GET" and not rest.startswith("_"):
            return redirect(f"{login_path}?neste={request.path}", code=303)
        return Response("Logg inn for å lese.", status=401, mimetype="text/plain")

    def login():
        if request.method == "GET":
            return page()
        name = request.form.get("brukernavn", "")[:200]
        password = request.form.get("passord", "")[:2000]
        try:
            user = access.accounts.authenticate(name, password, request.remote_addr or "")
        except LoginRefused as exc:
            return page(str(exc), 429 if exc.wait else 401, exc.wait)
        token = access.accounts.start_session(user)
        answer = redirect(_next_path(request.form.get("neste"), root), code=303)
        answer.set_cookie(
            COOKIE,
            access.signer.dumps(token),
            max_age=SESSION_HOURS * 3600,
            path="/",  # one login for every programme the server serves
            secure=access.secure,
            httponly=True,
            samesite="Strict",
        )
        log.info("%s logged in", user.username)
        return answer

    def logout():
        access.accounts.end_session(access.token())
        answer = redirect(root, code=303)
        answer.delete_cookie(
            COOKIE, path=root, secure=access.secure, httponly=True, samesite="Strict"
        )
        return answer

    def who():
        user = access.user()
        body = (
            {"innlogget": False}
            if user is None
            else {
                "innlogget": True,
                "brukernavn": user.username,
                "rolle": ROLE_LABELS[user.role],
                "kommuner": sorted(user.kommuner),
            }
        )
        answer = server.json.response(body)
        answer.headers["Cache-Control"] = "no-store"
        return answer

    server.add_url_rule(login_path, "tiltakskart_login", login, methods=["GET", "POST"])
    server.add_url_rule(logout_path, "tiltakskart_logout", logout, methods=["POST"])
    server.add_url_rule(who_path, "tiltakskart_who", who, methods=["GET"])
