"""WSGI entry point for production: `gunicorn 'app.wsgi:server'`.

Settings come from the environment, as for every command: TILTAKSKART_DOCUMENT,
TILTAKSKART_COUNTY, TILTAKSKART_BOUNDARIES, TILTAKSKART_API_URL, TILTAKSKART_SSB_URL,
TILTAKSKART_CACHE_DIR and TILTAKSKART_GRAMMAR (all optional; geo.settings.ENVIRONMENT).
Start-up warnings go to the log (gunicorn's error log by default).
"""

from __future__ import annotations

import logging

from app.main import build_app_programme, create_app
from geo.errors import TiltakskartError
from geo.settings import Settings

log = logging.getLogger(__name__)


def _configure_logging() -> None:
    if not logging.getLogger().handlers:  # gunicorn configures only its own loggers
        logging.basicConfig(level=logging.INFO, format="[tiltakskart] %(levelname)s %(message)s")


def make_server():
    """The Flask server of the app, built from the environment's settings."""
    _configure_logging()
    try:
        programme = build_app_programme(Settings.from_env())
    except TiltakskartError as exc:
        log.error("cannot start: %s", exc)
        raise SystemExit(2) from None
    for warning in programme.warnings:
        log.warning("%s", warning)
    if programme.notice:
        log.warning("%s", programme.notice)
    server = create_app(programme).server
    # Dash registers its scripts on the first request; make it here, before gunicorn's threads
    # can race on it (under load some first requests got 404s for Dash's own scripts).
    server.test_client().get("/")
    return server


server = make_server()
