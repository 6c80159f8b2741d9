"""The follow-up across real servers (gunicorn as the README runs it), on both databases: two
instances over one database see each other's changes on the next request, and a server killed
with SIGKILL in the middle of writes loses nothing it had answered as saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from app.testing import login_session, served_callbacks, status_payload
from followup import db
from followup.auth import Accounts
from followup.records import Scope, UserRole
from followup.store import DatabaseStore
from tests.test_app_gunicorn import COMMANDS, free_port, start_server
from tests.test_app_gunicorn import ROOT as COMMANDS_ROOT

pytestmark = pytest.mark.slow

EDITOR = ("sarpsborg", "passord-sarpsborg")
PAIR = ("1.3.2", "3105")
SCOPE = Scope("31-2025", frozenset({"1.3.2"}), frozenset({PAIR}), frozenset({PAIR}))


def prepared(database_url: str) -> str:
    """The database migrated, with an editor for Sarpsborg; the URL as the servers get it."""
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    Accounts(engine).add(*EDITOR, UserRole.EDITOR, ["3105"])
    engine.dispose()
    return database_url


def serve(database_url: str, tmp_path_factory) -> tuple[str, subprocess.Popen]:
    port = free_port()
    server = start_server(
        COMMANDS["gunicorn"],
        port,
        tmp_path_factory,
        preexec_fn=os.setsid,  # its own process group: SIGKILL reaches master and workers
        env_extra={"TILTAKSKART_DATABASE_URL": database_url},
    )
    return f"http://127.0.0.1:{port}", server


def stop(server: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(server.pid, sig)
    except ProcessLookupError:
        return
    server.wait(timeout=60)


def login(url: str) -> requests.Session:
    return login_session(url, *EDITOR)


def save(url: str, session, callbacks: dict, status: str, version: int) -> requests.Response:
    body = status_payload(callbacks, *PAIR, status, version, comment=f"versjon {version + 1}")
    return session.post(
        f"{url}/_dash-update-component", json=body, headers={"Origin": url}, timeout=30
    )


def api_status(url: str) -> dict | None:
    answer = requests.get(f"{url}/api/v1/programmes/31-2025/measures/1.3.2", timeout=30)
    municipalities = {m["kommunenummer"]: m for m in answer.json()["municipalities"]}
    return municipalities["3105"]["status"]


def test_two_instances_over_one_database_see_each_others_changes(database_url, tmp_path_factory):
    url = prepared(database_url)
    (one, first), (two, second) = serve(url, tmp_path_factory), serve(url, tmp_path_factory)
    try:
        callbacks = served_callbacks(one)
        assert api_status(two) is None
        answer = save(one, login(one), callbacks, "pagar", 0)
        assert "Lagret" in answer.text
        seen = api_status(two)  # the very next request to the other instance
        assert seen and (seen["label"], seen["version"]) == ("Pågår", 1)
        # And back: a change through the second is seen by the first.
        assert "Lagret" in save(two, login(two), callbacks, "gjennomfort", 1).text
        assert api_status(one)["label"] == "Gjennomført"
        # The other instance's poll reports the new version (the map and views follow it).
        poll = next(k for k in callbacks if k.startswith("followup-version.data") and "@" not in k)
        body = {
            "output": poll,
            "outputs": {"id": "followup-version", "property": "data"},
            "inputs": [{"id": "followup-poll", "property": "n_intervals", "value": 1}],
            "state": [{"id": "followup-version", "property": "data", "value": "0"}],
            "changedPropIds": ["followup-poll.n_intervals"],
        }
        version = requests.post(f"{one}/_dash-update-component", json=body, timeout=30).json()
        assert version["response"]["followup-version"]["data"] == "2"
    finally:
        stop(first)
        stop(second)


def test_a_server_killed_mid_write_loses_nothing_it_said_was_saved(database_url, tmp_path_factory):
    """A client saves as fast as the server answers; the server (master and workers) gets
    SIGKILL while requests are in flight. Every change answered "Lagret" is in the database
    afterwards, with its history, and a new server starts on it."""
    url = prepared(database_url)
    base, server = serve(url, tmp_path_factory)
    callbacks = served_callbacks(base)
    session = login(base)
    answered: list[int] = []
    stop_writing = threading.Event()

    def write() -> None:
        version = 0
        while not stop_writing.is_set():
            try:
                answer = save(
                    base, session, callbacks, "pagar" if version % 2 else "utsatt", version
                )
            except requests.RequestException:
                return  # the server is gone
            if "Lagret" not in answer.text:
                return
            version += 1
            answered.append(version)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    deadline = time.monotonic() + 120
    while len(answered) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop(server, signal.SIGKILL)  # mid-write: the writer never pauses
    stop_writing.set()
    writer.join(timeout=60)
    assert len(answered) >= 30, "the writer did not get going"
    engine = db.make_engine(url)
    db.check_schema(engine)
    store = DatabaseStore(engine, SCOPE)
    held = store.status(PAIR)
    assert held.version >= answered[-1]  # nothing answered as saved is lost (one more may be)
    assert len(store.history()) == held.version
    assert held.comment == f"versjon {held.version}"
    engine.dispose()
    again, restarted = serve(url, tmp_path_factory)  # and a server starts on it again
    try:
        assert api_status(again)["version"] == held.version
    finally:
        stop(restarted)


def test_production_refuses_to_start_without_a_strong_secret(tmp_path):
    """app.wsgi (what gunicorn loads) says why in one line and exits 2."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env.update(
        TILTAKSKART_BOUNDARIES=str(
            COMMANDS_ROOT.parent / "shared/kommuner/ostfold-kommuner-2024.geojson"
        ),
        TILTAKSKART_API_URL="off",
        TILTAKSKART_SSB_URL="off",
        TILTAKSKART_DATA_DIR=str(tmp_path),
    )
    for secret, said in ((None, "is not set"), ("kort-hemmelighet", "is weak")):
        run_env = {**env, **({"TILTAKSKART_SECRET_KEY": secret} if secret else {})}
        done = subprocess.run(
            [sys.executable, "-c", "import app.wsgi"],
            cwd=COMMANDS_ROOT,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2
        assert f"cannot start: TILTAKSKART_SECRET_KEY {said}" in done.stderr
        assert "Traceback" not in done.stderr


def test_concurrent_requests_under_gunicorn_never_share_a_connection(
    database_url, tmp_path_factory
):
    """gunicorn builds the app before it forks its workers: a database connection opened then
    must not be shared by the workers (on PostgreSQL that corrupted answers: 500s under load).
    Many requests at once, from many threads, all answered."""
    from concurrent.futures import ThreadPoolExecutor

    url = prepared(database_url)
    base, server = serve(url, tmp_path_factory)
    try:
        path = f"{base}/api/v1/programmes/31-2025/municipalities/3105"

        def ask(_k: int) -> int:
            return requests.get(path, timeout=60).status_code

        with ThreadPoolExecutor(24) as pool:
            statuses = list(pool.map(ask, range(240)))
        assert statuses == [200] * 240
    finally:
        stop(server)
