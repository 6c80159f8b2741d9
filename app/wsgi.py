"""WSGI entry point for production: `gunicorn 'app.wsgi:server'`.

Settings come from the environment, as for every command: TILTAKSKART_DOCUMENT (a file, a
folder of them, or several separated by ':': each served under /program/<county>-<year>/),
TILTAKSKART_COUNTY, TILTAKSKART_BOUNDARIES, TILTAKSKART_API_URL, TILTAKSKART_SSB_URL,
TILTAKSKART_CACHE_DIR and TILTAKSKART_GRAMMAR (all optional; geo.settings.ENVIRONMENT).
Start-up warnings go to the log (gunicorn's error log by default).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from app.jobs import celery_of
from app.main import build_app_programme, create_app
from app.several import build_apps, documents_of, skipped_warning
from app.tracking import open_followup, published_documents
from geo.errors import TiltakskartError
from geo.settings import Settings

log = logging.getLogger(__name__)


def _configure_logging() -> None:
    if not logging.getLogger().handlers:  # gunicorn configures only its own loggers
        logging.basicConfig(level=logging.INFO, format="[tiltakskart] %(levelname)s %(message)s")


def make_server():
    """The Flask server of the app, built from the environment's settings."""
    return build()[0]


def build():
    """The app's server and its follow-up, built from the environment's settings."""
    _configure_logging()
    settings = Settings.from_env()
    programmes = []
    try:
        skipped: list = []
        documents = documents_of(settings, skipped=skipped)
        if skipped:
            log.warning("%s", skipped_warning(skipped))
        documents += published_documents(settings)  # revisions published in the app, newest last
        for document in documents:
            programme = build_app_programme(
                settings if document is None else replace(settings, document=document)
            )
            programmes.append(programme)
            for warning in programme.warnings:
                log.warning("%s", warning)
            if programme.notice:
                log.warning("%s", programme.notice)
        followup = open_followup(settings, programmes, local=False)
    except TiltakskartError as exc:
        log.error("cannot start: %s", exc)
        raise SystemExit(2) from None
    if len(programmes) > 1:
        return behind_proxies(build_apps(programmes, followup=followup), settings), followup
    server = create_app(programmes[0], followup=followup).server
    # Dash registers its scripts on the first request; make it here, before gunicorn's threads
    # can race on it (under load some first requests got 404s for Dash's own scripts).
    server.test_client().get("/")
    if settings.trusted_proxies:
        server.wsgi_app = behind_proxies(server.wsgi_app, settings)
    return server, followup


def behind_proxies(wsgi_app, settings: Settings):
    """With TILTAKSKART_TRUSTED_PROXIES=n, the scheme, host and address the last n proxies
    forward (werkzeug's ProxyFix): the cross-site check compares the browser's Origin with the
    host it asked for, and failed logins are counted per browser, not per proxy."""
    if not settings.trusted_proxies:
        return wsgi_app
    from werkzeug.middleware.proxy_fix import ProxyFix

    n = settings.trusted_proxies
    return ProxyFix(wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)


server, _followup = build()
# The Celery app of the background jobs, for `celery -A app.wsgi:celery_app worker` (with
# TILTAKSKART_REDIS_URL; None with the disk cache).
celery_app = celery_of(_followup.jobs)
