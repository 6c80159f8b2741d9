"""Figures for the app's server: cold start (README command with no network; Østfold and all of
Norway with an empty and a warm cache) and the recolour callback against a trivial one. All
traffic is on 127.0.0.1. What a browser receives and waits for, beside a naive baseline:
bench/pageload.py. The production server under load and with slow clients: bench/gunicorn.py.

Run: python bench/app.py [--kommuner ../shared/kommuner] [--requests 200]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
# This file is bench/app.py: keep its folder off the path so `import app` finds the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
PYTHON = sys.executable
# Servers log every request: to a file, since an unread pipe fills up and blocks the server.
LOG = open(os.path.join(tempfile.gettempdir(), "tiltakskart-bench-server.log"), "ab")  # noqa: SIM115
METRICS = ["specific", "specific_per_1000", "named", "total", "total_per_1000", "share"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise SystemExit(f"server exited; see its log in {LOG.name}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - start
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.02)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def hanging_port() -> tuple[str, list[socket.socket]]:
    """A local port whose listen queue is full: connections to it hang as on a dead network."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    return f"http://127.0.0.1:{port}/kommuneinfo/v1", [listener, *fillers]


@contextlib.contextmanager
def serving(args: list[str], env: dict[str, str] | None) -> Iterator[tuple[str, float]]:
    """`tiltakskart serve` on a free port: (its URL, seconds until its first page answered)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PYTHON, "-m", "app.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=LOG,
    )
    try:
        yield base, wait_until_up(base + "/", server)
    finally:
        server.terminate()
        server.wait(timeout=10)


def cold_start(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Start `tiltakskart serve` and time the first page and page + layout; also say which
    boundary source the layout carries."""
    start = time.perf_counter()
    with serving(args, env) as (base, page):
        layout_text = requests.get(base + "/_dash-layout", timeout=10).text
        layout = time.perf_counter() - start
    source = "bundled snapshot" if "innebygd forenklet utgave" in layout_text else "other"
    if "Kommunegrensene er ikke lastet" in layout_text:
        source = "tile map"
    return page, layout, source


def payloads(base: str):
    """Request bodies for the map's recolour (render_map answering with a Patch, as after a
    filter change) and for a trivial callback (the Kommune table's hint), built from the app's
    own callback list and layout."""
    from app.testing import callback_payload, recolour_payload

    deps = requests.get(f"{base}/_dash-dependencies", timeout=10).json()
    callback_map = {d["output"]: d for d in deps}
    layout = requests.get(f"{base}/_dash-layout", timeout=10).json()

    def recolour(metric: str) -> dict:
        return recolour_payload(callback_map, layout, metric)

    trivial = callback_payload(
        callback_map, "..kommune-detail.children..", {"kommune-chosen.data": None}, []
    )
    return recolour, trivial


def timed_posts(session, url: str, bodies: list[dict]) -> tuple[list[float], list[int], int]:
    times, sizes, errors = [], [], 0
    for body in bodies:
        start = time.perf_counter()
        response = session.post(url, json=body, headers={"Accept-Encoding": "identity"}, timeout=30)
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(response.content))
        errors += response.status_code != 200
    return times, sizes, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--county-only", action="store_true", help="Østfold only (skip the national map)"
    )
    args = parser.parse_args()
    boundaries = str(args.kommuner / "ostfold-kommuner-2024.geojson")

    # 0. The README's first command on a machine with no network: no boundary file, an empty
    # cache, and the API either unresolvable (no DNS) or black-holed (connections hang).
    hang_url, hang_sockets = hanging_port()
    for label, api in (
        ("no network (host name not resolved)", "https://tiltakskart-bench.invalid/v1"),
        ("no network (connections hang: a port that never accepts)", hang_url),
    ):
        with tempfile.TemporaryDirectory() as cache:
            env0 = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
            env0.update({"TILTAKSKART_API_URL": api, "TILTAKSKART_CACHE_DIR": cache})
            env0["TILTAKSKART_DATA_DIR"] = str(Path(cache) / "data")  # not the user's
            page, layout, source = cold_start([], env0)
        print(
            f"cold start, README's first command, {label}: first page after {page:.2f} s; "
            f"page + layout after {layout:.2f} s; map drawn from the {source}"
        )
    for sock in hang_sockets:
        sock.close()

    # 1.–2. Per map: cold start with an empty and a warm cache, then the recolour.
    maps = [("Østfold (12 municipalities)", ["--boundaries", boundaries])]
    if not args.county_only:
        national = str(args.kommuner / "norge-kommuner-2024.geojson")
        maps.append(("Norway (357)", ["--county", "all", "--boundaries", national]))
    for label, serve_args in maps:
        with tempfile.TemporaryDirectory() as cache:
            env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
            env["TILTAKSKART_DEVELOPMENT"] = "1"  # a generated login secret will do
            env.update({"TILTAKSKART_CACHE_DIR": cache, "TILTAKSKART_API_URL": "off"})
            env["TILTAKSKART_DATA_DIR"] = str(Path(cache) / "data")  # not the user's
            env["TILTAKSKART_SSB_URL"] = "off"
            empty, _, _ = cold_start(serve_args, env)
            page, layout, _ = cold_start(serve_args, env)
            print(
                f"{label}: cold start (tiltakskart serve) until page + layout: empty cache "
                f"{empty:.2f} s, warm cache {layout:.2f} s (first page {page:.2f} s; target ≤ 5 s)"
            )
            recolour_figures(label, serve_args, env, args.requests)


def recolour_figures(label: str, serve_args: list[str], env: dict, count: int) -> None:
    """The recolour callback against a trivial one in the same running app."""
    with serving(serve_args, env) as (base, _):
        recolour, trivial = payloads(base)
        url = base + "/_dash-update-component"
        session = requests.Session()
        bodies = [recolour(METRICS[i % len(METRICS)]) for i in range(count)]
        timed_posts(session, url, bodies[:20])  # warm up
        timed_posts(session, url, [trivial] * 20)
        r_times, r_sizes, r_errors = timed_posts(session, url, bodies)
        t_times, t_sizes, t_errors = timed_posts(session, url, [trivial] * count)
        print(
            f"{label}: recolour (render_map, a Patch), {count} requests: "
            f"p50 {percentile(r_times, 50):.1f} ms, p95 {percentile(r_times, 95):.1f} ms, "
            f"{statistics.mean(r_sizes) / 1000:.1f} kB per response uncompressed "
            f"(max {max(r_sizes) / 1000:.1f} kB), {r_errors} errors"
        )
        print(
            f"{label}: trivial callback (show_measure_detail, no row), {count} requests: "
            f"p50 {percentile(t_times, 50):.1f} ms, p95 {percentile(t_times, 95):.1f} ms, "
            f"{statistics.mean(t_sizes):.0f} B per response, {t_errors} errors"
        )
        ratio = percentile(r_times, 50) / percentile(t_times, 50)
        ratio95 = percentile(r_times, 95) / percentile(t_times, 95)
        print(f"{label}: recolour / trivial = {ratio:.2f} at p50, {ratio95:.2f} at p95 (≤ 2)")


if __name__ == "__main__":
    main()
