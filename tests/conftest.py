"""Shared fixtures: the bundled programme, parsed once per session."""

from __future__ import annotations

import contextlib
import copy
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.reading.extract import extract_file
from geo.resources import default_document

ROOT = Path(__file__).resolve().parents[1]
# The shared Kartverket files (never copied into the project): beside the repository, or where
# TILTAKSKART_TEST_SHARED points.
SHARED = Path(os.environ.get("TILTAKSKART_TEST_SHARED") or ROOT.parent / "shared")


def pytest_configure(config) -> None:
    """Apps the tests start (in this process or as servers) keep their follow-up database and
    login secret in a folder of this run, never in the user's data folder."""
    import secrets
    import tempfile

    os.environ.setdefault("TILTAKSKART_DATA_DIR", tempfile.mkdtemp(prefix="tiltakskart-data-"))
    os.environ.setdefault("TILTAKSKART_SECRET_KEY", secrets.token_urlsafe(48))


@pytest.fixture(scope="session")
def programme_path() -> Path:
    return default_document()


@pytest.fixture(scope="session")
def programme_text(programme_path: Path) -> str:
    return programme_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def extraction(programme_path: Path):
    return extract_file(programme_path)[1]


@pytest.fixture(scope="session")
def measures(extraction) -> dict:
    return {m.id: m for m in extraction.measures}


# A formula as a measure title: spreadsheets must show it as text, never evaluate it.
HOSTILE_TITLE = '=HYPERLINK("http://evil.example";"x")'
# A theme with quotes, an ampersand and a tag: shown exactly as typed, never as markup.
HOSTILE_THEME = 'Kulturminner "og" & <b>kulturmiljø</b>'


@pytest.fixture(scope="session")
def hostile_document(tmp_path_factory, programme_text: str) -> Path:
    """The programme with 1.3.2's title (body, stub and contents) starting with a formula and
    a theme full of markup characters."""
    path = tmp_path_factory.mktemp("hostile") / "handlingsprogram-formel.txt"
    text = programme_text.replace("Gjennomføre områdesatsing", f"{HOSTILE_TITLE} områdesatsing")
    text = text.replace("Tema: Kulturminner og kulturmiljø", f"Tema: {HOSTILE_THEME}")
    assert text.count(HOSTILE_TITLE) == 4 and text.count(HOSTILE_THEME) == 2
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def hostile_app(hostile_document, shared_kommuner):
    """(app, URL) of the app built on the hostile document, served over real HTTP."""
    from app.main import build_app_programme as build_bundle
    from app.main import create_app
    from geo.settings import Settings

    boundaries = shared_kommuner / "ostfold-kommuner-2024.geojson"
    app = create_app(
        build_bundle(Settings(document=hostile_document, boundaries=boundaries, api_url=None))
    )
    with live_server(app.server) as url:
        yield app, url


@pytest.fixture(scope="session")
def shared_kommuner() -> Path:
    """The shared Kartverket boundary files (never copied into the project)."""
    path = SHARED / "kommuner"
    if not (path / "ostfold-kommuner-2024.geojson").exists():
        where = "put shared/ beside the repository or set TILTAKSKART_TEST_SHARED=/path/to/shared"
        if os.environ.get("CI"):
            pytest.fail(f"shared boundary files not found at {path}: {where}")
        pytest.skip(f"shared boundary files not found at {path}: {where}")
    return path


@pytest.fixture(scope="session")
def gazetteer():
    from geo.resources import gazetteer_dir
    from geo.tagging.gazetteer import read_gazetteer

    return read_gazetteer(gazetteer_dir() / "fylke-31.toml")


@pytest.fixture(scope="session")
def tagger(gazetteer):
    from geo.tagging.tagger import Tagger

    return Tagger(gazetteer)


@pytest.fixture
def standin(shared_kommuner):
    """A real HTTP server on 127.0.0.1 imitating Kartverket's kommuneinfo API."""
    from tests.kartverket_standin import StandIn

    server = StandIn(shared_kommuner / "ostfold-kommuner-2024.geojson").start()
    yield server
    server.stop()


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def chromium_options(width: int = 1366, height: int = 768):
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    return options


def start_chromium(options, profile: Path | None = None, attempts: int = 3):
    """A Selenium session on Debian's Chromium, retried: on a loaded machine Chromium now and
    then fails to write its DevTools port in time ("session not created"), which says nothing
    about the app. Each attempt gets a fresh profile folder, so a half-started one is not
    reused."""
    import time

    from selenium import webdriver
    from selenium.common.exceptions import SessionNotCreatedException
    from selenium.webdriver.chrome.service import Service

    for attempt in range(1, attempts + 1):
        tried = options
        if profile is not None:
            tried = copy.deepcopy(options)
            tried.add_argument(f"--user-data-dir={profile}-{attempt}")
        try:
            return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=tried)
        except SessionNotCreatedException:
            if attempt == attempts:
                raise
            time.sleep(2 * attempt)
    raise AssertionError("unreachable")


@pytest.fixture
def browser(tmp_path):
    """Debian's headless Chromium driven by Selenium (installed by .ci/run)."""
    import os

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver are not installed; .ci/run installs them")
        pytest.skip("chromium and chromium-driver are not installed (apt-get install them)")
    driver = start_chromium(chromium_options(), tmp_path / "chromium-profile")
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def app_bundle(shared_kommuner):
    """The app's start-up bundle, with the shared Østfold boundaries as an offline file."""
    from app.main import build_app_programme as build_bundle
    from geo.settings import Settings

    return build_bundle(
        Settings(boundaries=shared_kommuner / "ostfold-kommuner-2024.geojson", api_url=None)
    )


@pytest.fixture(scope="session")
def dash_app(app_bundle):
    from app.main import create_app

    return create_app(app_bundle)


@contextlib.contextmanager
def live_server(wsgi_app) -> Iterator[str]:
    """Serve a WSGI app over real HTTP on 127.0.0.1 (a thread per request); yields its URL."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def app_url(dash_app) -> Iterator[str]:
    """The app of `dash_app` served over real HTTP."""
    with live_server(dash_app.server) as url:
        yield url


SCREENSHOTS = ROOT / "build" / "screenshots"


def pytest_collection_modifyitems(items):
    """Every test that drives the headless browser is marked `browser` (for
    `pytest -m "not browser and not slow"`, the fast subset)."""
    for item in items:
        if {"browser", "logged"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"App screenshots: {SCREENSHOTS}")


# --- databases for the follow-up: SQLite in a temporary folder, and a real PostgreSQL server
# started from Debian's package (installed by .ci/run) for the session ----------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server on 127.0.0.1 for this test session (tests/postgres.py); its URL."""
    from tests.postgres import postgres_bin, running_postgres

    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("postgresql is not installed; .ci/run installs it")
        pytest.skip("postgresql is not installed (apt-get install postgresql)")
    with running_postgres(bin_dir) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty database of each kind the follow-up supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'followup.sqlite3'}"
    from tests.postgres import fresh_database

    return fresh_database(request.getfixturevalue("postgres_server"))
