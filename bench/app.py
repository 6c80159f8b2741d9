"""Figures for the app: cold start, initial payload, and recolour latency against the
framework's floor. All traffic is on 127.0.0.1. The production server under load and with slow
clients: bench/gunicorn.py.

Run: python bench/app.py [--kommuner ../shared/kommuner] [--requests 200]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
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


def cold_start(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Start `tiltakskart serve` and time the first page and page + layout; also say which
    boundary source the layout carries."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    server = subprocess.Popen(
        [PYTHON, "-m", "app.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=LOG,
    )
    try:
        page = wait_until_up(base + "/", server)
        layout_text = requests.get(base + "/_dash-layout", timeout=10).text
        layout = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=10)
    source = "bundled snapshot" if "innebygd forenklet utgave" in layout_text else "other"
    if "Kommunegrensene er ikke lastet" in layout_text:
        source = "tile map"
    return page, layout, source


def payloads(base: str) -> tuple[dict, dict]:
    """Request bodies for the recolour callback and a trivial one (show_view), built from the
    app's own callback list (/_dash-dependencies)."""
    from app.testing import callback_payload

    deps = requests.get(f"{base}/_dash-dependencies", timeout=10).json()
    callback_map = {d["output"]: d for d in deps}
    controls = {
        "view.value": "kart",
        "role.value": "",
        "layout.value": "kart",
        "bakgrunn.value": False,
        "url.search": "",
    }

    def recolour(metric: str) -> dict:
        values = {**controls, "metric.value": metric, "year.value": 2026}
        return callback_payload(callback_map, "map.figure", values, ["metric.value"])

    trivial = callback_payload(
        callback_map, "section-kart.hidden", {"view.value": "ipr"}, ["view.value"]
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
            page, layout, source = cold_start([], env0)
        print(
            f"cold start, README's first command, {label}: first page after {page:.2f} s; "
            f"page + layout after {layout:.2f} s; map drawn from the {source}"
        )
    for sock in hang_sockets:
        sock.close()

    # 1. Cold start of `tiltakskart serve` until the first page and its layout answer.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    server = subprocess.Popen(
        [PYTHON, "-m", "app.cli", "serve", "--port", str(port), "--boundaries", boundaries],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=LOG,
    )
    try:
        page = wait_until_up(base + "/", server)
        requests.get(base + "/_dash-layout", timeout=10).raise_for_status()
        layout = time.perf_counter() - start
        print(
            f"cold start (tiltakskart serve): first page answers after {page:.2f} s; "
            f"page + layout after {layout:.2f} s (target ≤ 3 s)"
        )

        # 2. Initial payload: the page, its layout and callback list, and static assets.
        html_text = requests.get(base + "/", timeout=10).text
        app_parts = {"/": html_text.encode()}
        for path in ("/_dash-layout", "/_dash-dependencies"):
            app_parts[path] = requests.get(
                base + path, timeout=10, headers={"Accept-Encoding": "identity"}
            ).content
        raw = sum(len(v) for v in app_parts.values())
        gz = sum(len(gzip.compress(v, 6)) for v in app_parts.values())
        assets = re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', html_text)
        static_raw = static_gz = 0
        for asset in assets:
            body = requests.get(
                base + asset, timeout=10, headers={"Accept-Encoding": "identity"}
            ).content
            static_raw += len(body)
            static_gz += len(gzip.compress(body, 6))
        print(
            f"initial payload, app (HTML + layout with the map + callback list): "
            f"{raw / 1024:.0f} kB, {gz / 1024:.0f} kB gzip (target ≤ 400 kB gzip); "
            f"static JS/CSS ({len(assets)} files, cacheable, served locally): "
            f"{static_raw / 1024:.0f} kB, {static_gz / 1024:.0f} kB gzip"
        )

        # 3. Recolour latency and bytes against a trivial callback in the same app.
        recolour, trivial = payloads(base)
        url = base + "/_dash-update-component"
        session = requests.Session()
        bodies = [recolour(METRICS[i % len(METRICS)]) for i in range(args.requests)]
        timed_posts(session, url, bodies[:20])  # warm up
        r_times, r_sizes, r_errors = timed_posts(session, url, bodies)
        t_times, t_sizes, t_errors = timed_posts(session, url, [trivial] * args.requests)
        print(
            f"recolour callback, {args.requests} requests: p50 {percentile(r_times, 50):.1f} ms,"
            f" p95 {percentile(r_times, 95):.1f} ms, {statistics.mean(r_sizes):.0f} bytes per "
            f"response (max {max(r_sizes)}), {r_errors} errors"
        )
        print(
            f"trivial callback (show_view), {args.requests} requests: "
            f"p50 {percentile(t_times, 50):.1f} ms, p95 {percentile(t_times, 95):.1f} ms, "
            f"{statistics.mean(t_sizes):.0f} bytes per response, {t_errors} errors"
        )
        ratio = percentile(r_times, 95) / percentile(t_times, 95)
        print(f"recolour p95 / trivial p95 = {ratio:.2f} (target ≤ 2)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
