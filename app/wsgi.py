"""WSGI entry point for production: `gunicorn 'app.wsgi:server'`.

Settings come from the environment, as for every command: TILTAKSKART_DOCUMENT (a file, a
folder of them, or several separated by ':': each served under /program/<county>-<year>/),
TILTAKSKART_COUNTY, TILTAKSKART_BOUNDARIES, TILTAKSKART_API_URL, TILTAKSKART_SSB_URL,
TILTAKSKART_CACHE_DIR and TILTAKSKART_GRAMMAR (all optional; geo.settings.ENVIRONMENT).
Start-up warnings go to the log (gunicorn's error log by default).
"""

from __future__ import annotations

import logging

from app.jobs import celery_of
from app.serving import serving
from geo.errors import TiltakskartError
from geo.settings import Settings

log = logging.getLogger(__name__)


def _configure_logging() -> None:
    if not logging.getLogger().handlers:  # gunicorn configures only its own loggers
        logging.basicConfig(level=logging.INFO, format="[tiltakskart] %(levelname)s %(message)s")


def build():
    """The app to serve and the follow-up it opened, built from the environment's settings."""
    _configure_logging()
    settings = Settings.from_env()

    def warn(lines: list[str]) -> None:
        for line in lines:
            log.warning("%s", line)

    try:
        server, first = serving(settings, local=False, warn=warn)
    except TiltakskartError as exc:
        log.error("cannot start: %s", exc)
        raise SystemExit(2) from None
    return behind_proxies(server, settings), first.followup


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
