"""The follow-up under load: the app under gunicorn (app/gunicorn_conf.py), 20 editors each
saving 50 changes (to the 17 rows where a municipality is asked to act, so some collide and
get the conflict path, then re-apply) and 50 readers (the progress map's recolour and the
API), on SQLite and on PostgreSQL. Prints throughput, p50/p95 latency, conflicts reported,
errors and lost writes (a change answered "Lagret" but missing from the database).

Then the map with 10 000 status rows in the database: the recolour of the progress map against
the load map's recolour of before the follow-up (in process, and over HTTP).

Run: python bench/followup.py [--kommuner ../shared/kommuner] [--editors 20] [--saves 50]
     [--readers 50] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from app.testing import (  # noqa: E402
    login_session,
    recolour_payload,
    served_callbacks,
    status_payload,
)
from followup import db  # noqa: E402
from followup.auth import Accounts  # noqa: E402
from followup.records import UserRole  # noqa: E402
from tests.postgres import fresh_database, postgres_bin, running_postgres  # noqa: E402

PROGRAMME = "31-2025"
TIMEOUT = 60
SHARED = 4  # rows every editor also writes to
OWN = 12  # rows of each editor's own
SECRET = secrets.token_urlsafe(48)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else float("nan")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(url: str, kommuner: Path, data: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env.update(
        TILTAKSKART_BOUNDARIES=str(kommuner / "ostfold-kommuner-2024.geojson"),
        TILTAKSKART_API_URL="off",
        TILTAKSKART_SSB_URL="off",
        TILTAKSKART_DATABASE_URL=url,
        TILTAKSKART_SECRET_KEY=SECRET,
        TILTAKSKART_DATA_DIR=str(data),
        TILTAKSKART_CACHE_DIR=str(data / "cache"),
    )
    command = [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "app.wsgi:server"]
    log = open(data / "server.log", "wb")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        if server.poll() is not None:
            raise SystemExit((data / "server.log").read_text())
        try:
            if requests.get(base + "/", timeout=1).status_code == 200:
                return base, server
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def reporting_rows(base: str) -> list[tuple[str, str]]:
    """The pairs that report (asked to act, and every counted pair, opened before)."""
    listed = requests.get(f"{base}/api/v1/programmes/{PROGRAMME}/municipalities", timeout=60)
    rows = []
    for item in listed.json()["items"]:
        one = requests.get(f"{base}{item['link']}?limit=500", timeout=TIMEOUT).json()
        rows += [(m["id"], item["kommunenummer"]) for m in one["measures"]["items"] if m["reports"]]
    return sorted(rows)


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.errors = 0
        self.conflicts = 0
        self.saved: dict[tuple[str, str], int] = {}
        self.kinds: dict[str, int] = {}

    def add(self, ms: float) -> None:
        with self.lock:
            self.times.append(ms)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors += 1
            self.kinds[kind] = self.kinds.get(kind, 0) + 1


def note_and_version(answer: requests.Response) -> tuple[str, str | None]:
    response = answer.json()["response"]
    note = next(v for k, v in response.items() if '"status-note"' in k)["children"]
    text = note if isinstance(note, str) else note["props"]["children"]
    version = next((v for k, v in response.items() if '"status-version"' in k), {})
    return text, version.get("children")


def editor(base, callbacks, session, rows, k: int, saves: int, tally: Tally) -> None:
    """One editor's saves: mostly the rows of its own municipalities' measures, every fourth
    to one of a few rows all editors share (where the conflicts are)."""
    own = rows[SHARED + k * OWN : SHARED + (k + 1) * OWN] or rows[SHARED:]
    versions = dict.fromkeys(rows, 0)
    statuses = ["ikke_startet", "pagar", "gjennomfort", "utsatt"]
    for j in range(saves):
        row = rows[j % SHARED] if j % 4 == 0 else own[j % len(own)]
        for attempt in range(1, 501):
            body = status_payload(callbacks, *row, statuses[j % 4], versions[row], f"e{k} s{j}")
            start = time.perf_counter()
            try:
                answer = session.post(
                    f"{base}/_dash-update-component",
                    json=body,
                    headers={"Origin": base},
                    timeout=TIMEOUT,
                )
                text, version = note_and_version(answer)
            except (requests.RequestException, ValueError, StopIteration, KeyError) as exc:
                tally.error(f"editor: {type(exc).__name__}")
                break
            tally.add((time.perf_counter() - start) * 1000)
            if version is not None:
                versions[row] = int(version)
            if text.startswith("Lagret"):
                with tally.lock:
                    tally.saved[row] = tally.saved.get(row, 0) + 1
                break
            if "endret" in text:  # the conflict: read it, then re-apply on the current version
                with tally.lock:
                    tally.conflicts += 1
                time.sleep(random.uniform(0, min(0.5, 0.02 * attempt)))  # as people do: later
                continue
            tally.error(f"editor: {text[:60]}")
            break
        else:
            tally.error("editor: gave up after 500 conflicts")


def reader(base, bodies, done: threading.Event, tally: Tally) -> None:
    with requests.Session() as session:
        k = 0
        while not done.is_set():
            start = time.perf_counter()
            try:
                if k % 2:
                    answer = session.post(
                        f"{base}/_dash-update-component", json=bodies[0], timeout=TIMEOUT
                    )
                else:
                    answer = session.get(
                        f"{base}/api/v1/programmes/{PROGRAMME}/municipalities/3105",
                        timeout=TIMEOUT,
                    )
                kind = None if answer.status_code == 200 else f"reader: HTTP {answer.status_code}"
            except requests.RequestException as exc:
                kind = f"reader: {type(exc).__name__}"
            if kind is None:
                tally.add((time.perf_counter() - start) * 1000)
            else:
                tally.error(kind)
            k += 1


def lost_writes(url: str, saved: dict[tuple[str, str], int]) -> int:
    """Changes answered "Lagret" that the database does not hold: per row, the saves the
    clients counted against the row's version and its kept history."""
    from sqlalchemy import func, select

    from followup.models import HistoryRow, StatusRow

    engine = db.make_engine(url)
    lost = 0
    with engine.connect() as conn:
        for (measure, kommune), count in saved.items():
            version = conn.scalar(
                select(StatusRow.version).where(
                    StatusRow.programme == PROGRAMME,
                    StatusRow.measure == measure,
                    StatusRow.kommune == kommune,
                )
            )
            kept = conn.scalar(
                select(func.count())
                .select_from(HistoryRow)
                .where(
                    HistoryRow.programme == PROGRAMME,
                    HistoryRow.measure == measure,
                    HistoryRow.kommune == kommune,
                )
            )
            lost += max(0, count - (version or 0)) + max(0, count - (kept or 0))
    engine.dispose()
    return lost


def load_run(name: str, url: str, args, data: Path) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    accounts = Accounts(engine)
    numbers = [f"31{k:02d}" for k in range(1, 30)]
    for k in range(args.editors):
        accounts.add(f"redaktor{k}", f"passord-bench-{k}", UserRole.EDITOR, numbers)
    engine.dispose()
    open_all(url, args.kommuner)  # the county opens every counted pair: rows for each editor
    base, server = start(url, args.kommuner, data)
    try:
        callbacks = served_callbacks(base)
        rows = reporting_rows(base)
        layout = requests.get(f"{base}/_dash-layout", timeout=TIMEOUT).json()
        bodies = [recolour_payload(callbacks, layout, "progress")]
        sessions = [
            login_session(base, f"redaktor{k}", f"passord-bench-{k}") for k in range(args.editors)
        ]
        writes, reads = Tally(), Tally()
        done = threading.Event()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.editors + args.readers) as pool:
            readers = [pool.submit(reader, base, bodies, done, reads) for _ in range(args.readers)]
            editors = [
                pool.submit(editor, base, callbacks, sessions[k], rows, k, args.saves, writes)
                for k in range(args.editors)
            ]
            for f in editors:
                f.result()
            seconds = time.perf_counter() - started
            done.set()
            for f in readers:
                f.result()
        saves = sum(writes.saved.values())
        lost = lost_writes(url, writes.saved)
        print(
            f"{name:<11} {'editors':<8} {saves:>6} saved of {args.editors * args.saves} "
            f"in {seconds:5.1f} s ({saves / seconds:6.1f}/s) · "
            f"p50 {percentile(writes.times, 50):6.1f} ms "
            f"· p95 {percentile(writes.times, 95):6.1f} ms · conflicts {writes.conflicts} · "
            f"errors {writes.errors} · lost {lost}"
        )
        print(
            f"{name:<11} {'readers':<8} {len(reads.times):>6} reads "
            f"in {seconds:5.1f} s ({len(reads.times) / seconds:6.1f}/s) · p50 "
            f"{percentile(reads.times, 50):6.1f} ms · p95 {percentile(reads.times, 95):6.1f} ms "
            f"· errors {reads.errors}"
        )
        print(
            f"{name:<11} rows     {len(rows)} reporting pairs (all counted pairs opened); each "
            f"editor writes {OWN} of its own and {SHARED} shared by all"
            + (f"; errors: {writes.kinds | reads.kinds}" if writes.kinds or reads.kinds else "")
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
        said = (data / "server.log").read_text(errors="replace").splitlines()
        failures = [line for line in said if "ERROR" in line or "Error:" in line]
        for line in failures[:6]:
            print(f"{name:<11} server   {line[:220]}")


def open_all(url: str, kommuner: Path) -> None:
    """Open every counted pair of the bundled programme for reporting."""
    import datetime as dt

    from sqlalchemy import insert

    from app.tracking import scope_of
    from followup.models import OpeningRow
    from geo.pipeline import build_programme
    from geo.settings import Settings

    settings = Settings(boundaries=kommuner / "ostfold-kommuner-2024.geojson", api_url=None)
    scope = scope_of(build_programme(settings))
    engine = db.make_engine(url)
    now = dt.datetime.now(dt.UTC)
    with db.writing(engine) as conn:
        conn.execute(
            insert(OpeningRow),
            [
                {"programme": PROGRAMME, "measure": m, "kommune": n, "opened_by": "bench",
                 "opened_at": now}
                for m, n in sorted(scope.counted - scope.act)
            ],
        )  # fmt: skip
    engine.dispose()


def fill(url: str, rows: int, programme) -> int:
    """Open every counted pair of the programme and give each a status, then fill the table up
    to `rows` with other programmes' statuses (a database that has followed many)."""
    import datetime as dt

    from sqlalchemy import insert

    from app.tracking import scope_of
    from followup.models import OpeningRow, StatusRow

    scope = scope_of(programme)
    engine = db.make_engine(url)
    db.upgrade(engine)
    now = dt.datetime.now(dt.UTC)
    pairs = sorted(scope.counted)
    values = ["ikke_startet", "pagar", "gjennomfort", "utsatt", "ikke_aktuelt"]
    status_rows = [
        {
            "programme": PROGRAMME if k < len(pairs) else f"{k % 99:02d}-{2000 + k // 1000}",
            "measure": pairs[k % len(pairs)][0],
            "kommune": pairs[k % len(pairs)][1] if k < len(pairs) else f"{k % 10000:04d}",
            "status": values[k % 5],
            "comment": "",
            "contact": "",
            "status_date": None,
            "version": 1,
            "changed_at": now,
            "changed_by": "bench",
        }
        for k in range(rows)
    ]
    with db.writing(engine) as conn:
        conn.execute(
            insert(OpeningRow),
            [
                {
                    "programme": PROGRAMME,
                    "measure": m,
                    "kommune": n,
                    "opened_by": "bench",
                    "opened_at": now,
                }
                for m, n in pairs
            ],
        )
        conn.execute(insert(StatusRow), status_rows)
    engine.dispose()
    return len(pairs)


def recolour_run(name: str, url: str, args, data: Path) -> None:
    """The progress map with 10 000 status rows against the load map without follow-up."""
    from app.main import build_app_programme, create_app
    from app.model import map_data
    from app.state import PageState
    from app.tracking import open_followup
    from geo.settings import Settings
    from geo.terms import Metric

    settings = Settings(
        boundaries=args.kommuner / "ostfold-kommuner-2024.geojson",
        api_url=None,
        ssb_url=None,
        database_url=url,
        secret_key=SECRET,
        data_dir=data,
    )
    programme = build_app_programme(settings)
    opened = fill(url, args.status_rows, programme)
    followup = open_followup(settings, [programme], local=False)
    app = create_app(programme, followup=followup)
    view = app.tiltakskart_view
    plain = create_app(programme).tiltakskart_view  # no follow-up: the map as before it

    def median_ms(target, state, rounds: int = args.rounds) -> float:
        times = []
        for _ in range(rounds):
            begun = time.perf_counter()
            map_data(target, state)
            times.append((time.perf_counter() - begun) * 1000)
        return statistics.median(times)

    before = median_ms(plain, PageState(metric=Metric.SPECIFIC))
    progress = median_ms(view, PageState(metric=Metric.PROGRESS))
    # Over HTTP, as a browser asks: the recolour callback under gunicorn on that database.
    base, server = start(url, args.kommuner, data)
    try:
        callbacks = served_callbacks(base)
        layout = requests.get(f"{base}/_dash-layout", timeout=TIMEOUT).json()

        bodies = {m: recolour_payload(callbacks, layout, m) for m in ("specific", "progress")}
        times: dict[str, list[float]] = {m: [] for m in bodies}
        with requests.Session() as session:
            # Interleaved, after every worker has answered both: the two medians see the same
            # machine (single runs of either moved by ±50 % between runs).
            for k in range(-4 * 4, args.rounds):
                for metric, body in bodies.items():
                    begun = time.perf_counter()
                    answer = session.post(f"{base}/_dash-update-component", json=body, timeout=60)
                    assert answer.status_code == 200
                    if k >= 0:
                        times[metric].append((time.perf_counter() - begun) * 1000)
        # The load map's recolour is "specific" (the page holds the default, "act", so asking
        # for that would be answered "nothing to draw").
        act_http, progress_http = (statistics.median(times[m]) for m in bodies)
        spread = " ".join(
            f"{m} p25–p75 {percentile(t, 25):.2f}–{percentile(t, 75):.2f} ms"
            for m, t in times.items()
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        f"{name:<11} map with {args.status_rows} status rows ({opened} of this programme, all "
        f"pairs opened): map_data {progress:6.2f} ms vs {before:6.2f} ms before follow-up "
        f"({progress / before:4.1f}×); the recolour request under gunicorn {progress_http:6.2f} "
        f"ms vs {act_http:6.2f} ms for the load map ({progress_http / act_http:4.2f}×; "
        f"medians of {args.rounds} interleaved; {spread})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--status-rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    kinds = args.databases.split(",")
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; gunicorn as app/gunicorn_conf.py"
    )
    with tempfile.TemporaryDirectory(prefix="tiltakskart-bench-") as tmp:
        folder = Path(tmp)
        postgres = None
        if "postgresql" in kinds:
            bin_dir = postgres_bin()
            if bin_dir is None:
                raise SystemExit("postgresql is not installed (apt-get install postgresql)")
            postgres = running_postgres(bin_dir)
            server = postgres.__enter__()
        try:
            for kind in kinds:
                for task in (load_run, recolour_run):
                    data = folder / f"{kind}-{task.__name__}"
                    data.mkdir()
                    url = (
                        f"sqlite:///{data / 'bench.sqlite3'}"
                        if kind == "sqlite"
                        else fresh_database(server)
                    )
                    task(kind, url, args, data)
        finally:
            if postgres is not None:
                postgres.__exit__(None, None, None)


if __name__ == "__main__":
    main()
