"""The production server under load: 20, 50 and 100 concurrent clients recolouring the map, then
20 clients while 10 slow clients hold connections open (half a request each, then nothing).
Prints throughput, p50/p95/p99 latency and errors per row. All traffic is on 127.0.0.1; the
clients run in this process, so at 100 clients part of the latency is the client's own.

Run: python bench/gunicorn.py [--setup readme|sync] [--requests 20]
  readme: the README's command (gunicorn -c python:app.gunicorn_conf: gthread workers)
  sync:   the command before issue 10 (gunicorn --workers 2 --preload: sync workers)
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
SETUPS = {
    "readme": ["-c", "python:app.gunicorn_conf"],
    "sync": ["--workers", "2", "--preload"],
}
METRICS = ["specific", "specific_per_1000", "named", "total", "total_per_1000", "share"]
TIMEOUT = 10.0  # seconds a client waits for one answer before counting it as an error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if values else 0.0


def recolour_bodies(base: str) -> list[dict]:
    """Recolours as the browser's router sends them (answered with a Patch)."""
    from app.testing import recolour_payload

    deps = requests.get(f"{base}/_dash-dependencies", timeout=10).json()
    callback_map = {d["output"]: d for d in deps}
    layout = requests.get(f"{base}/_dash-layout", timeout=10).json()
    return [recolour_payload(callback_map, layout, m) for m in METRICS]


def run_clients(url: str, bodies: list[dict], clients: int, per_client: int):
    """(latencies in ms, errors, seconds): each client stops at its first error."""

    def client(k: int) -> tuple[list[float], int]:
        times: list[float] = []
        with requests.Session() as session:
            for i in range(per_client):
                start = time.perf_counter()
                try:
                    response = session.post(
                        url, json=bodies[(k + i) % len(bodies)], timeout=TIMEOUT
                    )
                    ok = response.status_code == 200
                except requests.RequestException:
                    ok = False
                if not ok:
                    return times, per_client - i
                times.append((time.perf_counter() - start) * 1000)
        return times, 0

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    seconds = time.perf_counter() - start
    return [t for r in results for t in r[0]], sum(r[1] for r in results), seconds


def row(label: str, times: list[float], errors: int, seconds: float) -> str:
    return (
        f"{label:<34} {len(times) / seconds:>8.0f} {percentile(times, 50):>8.1f} "
        f"{percentile(times, 95):>8.1f} {percentile(times, 99):>8.1f} {errors:>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", choices=SETUPS, default="readme")
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--slow", type=int, default=10, help="slow clients in the last row")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env["TILTAKSKART_BOUNDARIES"] = str(args.kommuner / "ostfold-kommuner-2024.geojson")
    env["TILTAKSKART_API_URL"] = env["TILTAKSKART_SSB_URL"] = "off"
    log = open(os.path.join(tempfile.gettempdir(), "tiltakskart-bench-gunicorn.log"), "ab")  # noqa: SIM115
    command = [sys.executable, "-m", "gunicorn", *SETUPS[args.setup]]
    server = subprocess.Popen(
        [
            *command,
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "app.wsgi:server",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    slow: list[socket.socket] = []
    try:
        for _ in range(600):
            try:
                if requests.get(base + "/", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        bodies = recolour_bodies(base)
        url = base + "/_dash-update-component"
        run_clients(url, bodies, 4, 5)  # warm up
        print(f"gunicorn, setup '{args.setup}': {' '.join(SETUPS[args.setup])}")
        print(
            f"{'clients':<34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        )
        for clients in (20, 50, 100):
            print(row(f"{clients} clients", *run_clients(url, bodies, clients, args.requests)))
        for _ in range(args.slow):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Le")
            slow.append(sock)
        time.sleep(0.5)
        label = f"20 clients + {args.slow} slow holding"
        print(row(label, *run_clients(url, bodies, 20, args.requests)))
        print(f"(errors: no answer within {TIMEOUT:g} s or not 200; a client stops at its first)")
    finally:
        for sock in slow:
            sock.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
