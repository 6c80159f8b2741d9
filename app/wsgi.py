"""WSGI entry point for production: `gunicorn 'app.wsgi:server'`.

Configuration comes from the environment: TILTAKSKART_DOCUMENT, TILTAKSKART_BOUNDARIES,
TILTAKSKART_API_URL and TILTAKSKART_CACHE_DIR (all optional)."""

from __future__ import annotations

import os
from pathlib import Path

from app.main import create_app
from geo.bundle import build_bundle
from geo.extract import CACHE_DIR_ENV, DEFAULT_CACHE_DIR
from geo.options import API_URL_ENV, DEFAULT_API_URL


def bundle_from_environment():
    return build_bundle(
        document=os.environ.get("TILTAKSKART_DOCUMENT") or None,
        boundaries_file=os.environ.get("TILTAKSKART_BOUNDARIES") or None,
        api_url=os.environ.get(API_URL_ENV) or DEFAULT_API_URL,
        cache_dir=Path(os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR),
    )


server = create_app(bundle_from_environment()).server
