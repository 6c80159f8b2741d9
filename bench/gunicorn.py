"""The server under load, stalled connections and expensive downloads.

- load: 20, 50 and 100 concurrent clients recolouring the map, then 20 clients while 10 slow
  clients hold connections open (half a request each, then nothing);
- stalled (--stalled 10,64,200,500): that many connections kept stalled for --seconds (each
  sends part of a request, or nothing, and then waits; one the server closes is opened again),
  while one normal client loads the page and recolours the map, one request after another;
- downloads (--downloads 64): that many clients asking for the HTML map (of 4 metrics) while
  one normal client does as above.
Prints throughput, p50/p95/p99 latency and errors per row. All traffic is on 127.0.0.1; the
clients run in this process, so at 100 clients part of the latency is the client's own.

Run: python bench/gunicorn.py [--setup readme|gthread|sync|serve] [--requests 20]
       [--stalled 10,64,200,500] [--downloads 64] [--no-load]
  readme:  the README's command (gunicorn -c python:app.gunicorn_conf: app.worker's workers)
  gthread: the same with gunicorn's own threaded worker (the README's command before issue 17)
  sync:    the command before issue 10 (gunicorn --workers 2 --preload: sync workers)
  serve:   `tiltakskart serve`, the README's single-user command
"""

from __future__ import annotations

import argparse
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
GUNICORN = [sys.executable, "-m", "gunicorn"]
SETUPS = {
    "readme": [*GUNICORN, "-c", "python:app.gunicorn_conf"],
    "gthread": [*GUNICORN, "-c", "python:app.gunicorn_conf", "--worker-class", "gthread"],
    "sync": [*GUNICORN, "--workers", "2", "--preload"],
    "serve": [sys.executable, "-m", "app.cli", "serve"],
}
# What a stalled connection sends before it waits: part of the headers, headers and part of a
# body, nothing, a chunk size no body will reach, a TLS ClientHello (to a plain-HTTP port), a
# whole request and part of the next.
STALLS = [
    b"GET / HTTP/1.1\r\nHost: x\r\nUser-Ag",
    b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
    b'\r\nContent-Length: 1000\r\n\r\n{"output": ',
    b"",
    b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
    b"\r\n\r\nffffffffffffffff\r\n",
    bytes.fromhex("160301006e0100006a0303") + bytes(32) + bytes.fromhex("000002002f0100"),
    b"GET /_favicon.ico HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHo",
]
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


class Stalled:
    """`count` connections kept stalled from a thread: one the server closes is opened again
    at once."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count, self.reopened, self.refused = port, count, 0, 0
        self.socks: list[socket.socket] = []
        self.running = True
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _open(self, k: int) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.sendall(STALLS[k % len(STALLS)])
        sock.setblocking(False)
        return sock

    def __enter__(self) -> Stalled:
        for k in range(self.count):
            try:
                self.socks.append(self._open(k))
            except OSError:
                self.refused += 1
        self.thread.start()
        return self

    def _hold(self) -> None:
        with selectors.DefaultSelector() as waiting:
            for k, sock in enumerate(self.socks):
                waiting.register(sock, selectors.EVENT_READ, k)
            while self.running:
                for key, _ in waiting.select(0.2):  # closed: stall another
                    try:
                        if self.socks[key.data].recv(65536):
                            continue  # an answer (the first of a pipelined pair): keep waiting
                    except OSError:
                        pass
                    waiting.unregister(key.fileobj)
                    self.socks[key.data].close()
                    try:
                        self.socks[key.data] = self._open(key.data)
                    except OSError:
                        self.refused += 1
                        continue
                    self.reopened += 1
                    waiting.register(self.socks[key.data], selectors.EVENT_READ, key.data)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join(timeout=5)
        for sock in self.socks:
            sock.close()


def normal_client(base: str, bodies: list[dict], seconds: float) -> tuple[list[float], int]:
    """One user for `seconds`: the page, then a recolour, again and again, each on a new
    connection. (latencies in ms, failures)"""
    times: list[float] = []
    failures = 0
    end = time.monotonic() + seconds
    k = 0
    while time.monotonic() < end:
        start = time.perf_counter()
        try:
            if k % 2:
                response = requests.post(
                    base + "/_dash-update-component", json=bodies[k % len(bodies)], timeout=TIMEOUT
                )
            else:
                response = requests.get(base + "/", timeout=TIMEOUT)
            ok = response.status_code == 200
        except requests.RequestException:
            ok = False
        times.append((time.perf_counter() - start) * 1000)
        failures += not ok
        k += 1
    return times, failures


def user_row(label: str, times: list[float], failures: int, extra: str = "") -> str:
    return (
        f"{label:<28} {len(times):>8} {failures:>8} {percentile(times, 50):>8.1f} "
        f"{percentile(times, 95):>8.1f} {max(times, default=0):>9.1f} {extra}"
    )


USER_HEADER = f"{'':<28} {'requests':>8} {'failed':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>9}"


def stalled_rows(base: str, port: int, bodies: list[dict], counts: list[int], seconds: float):
    print(f"\nstalled connections vs one normal client ({seconds:g} s each)")
    print(USER_HEADER + " closed by server/refused")
    print(user_row("none", *normal_client(base, bodies, seconds / 3)))
    for count in counts:
        with Stalled(port, count) as stalled:
            time.sleep(0.5)
            result = normal_client(base, bodies, seconds)
        extra = f"{stalled.reopened:>16}/{stalled.refused}"
        print(user_row(f"{count} stalled", *result, extra))


def html_map_body(base: str, metric: str) -> dict:
    from app.testing import callback_payload

    deps = requests.get(f"{base}/_dash-dependencies", timeout=10).json()
    callback_map = {d["output"]: d for d in deps}
    state = {"view": "kart", "metric": metric, "layout": "kart", "role": ""}
    values = {"state.data": state, "download-html-button.n_clicks": 1}
    return callback_payload(
        callback_map, "download.data", values, ["download-html-button.n_clicks"]
    )


def download_rows(base: str, bodies: list[dict], clients: int, seconds: float) -> None:
    maps = [html_map_body(base, m) for m in ("specific", "total", "share", "named")]
    running = True
    fetched = [0, 0]

    def downloader(k: int) -> None:
        with requests.Session() as session:
            while running:
                try:
                    body = maps[k % len(maps)]
                    ok = session.post(base + "/_dash-update-component", json=body, timeout=60)
                    fetched[ok.status_code != 200] += 1
                except requests.RequestException:
                    fetched[1] += 1

    print(f"\nHTML map downloads vs one normal client ({seconds:g} s each)")
    print(USER_HEADER + " maps sent/failed")
    print(user_row("none", *normal_client(base, bodies, seconds / 3)))
    threads = [threading.Thread(target=downloader, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        result = normal_client(base, bodies, seconds)
    finally:
        running = False
        for thread in threads:
            thread.join(timeout=120)
    print(user_row(f"{clients} downloading", *result, f"{fetched[0]:>9}/{fetched[1]}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", choices=SETUPS, default="readme")
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--slow", type=int, default=10, help="slow clients in the last row")
    parser.add_argument("--stalled", default="", help="stalled connections, e.g. 10,64,200,500")
    parser.add_argument("--downloads", type=int, default=0, help="clients downloading maps")
    parser.add_argument("--seconds", type=float, default=15.0, help="per stalled/download row")
    parser.add_argument("--no-load", action="store_true", help="skip the load rows")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env["TILTAKSKART_DEVELOPMENT"] = "1"  # a generated login secret will do
    env["TILTAKSKART_BOUNDARIES"] = str(args.kommuner / "ostfold-kommuner-2024.geojson")
    env["TILTAKSKART_API_URL"] = env["TILTAKSKART_SSB_URL"] = "off"
    data = tempfile.TemporaryDirectory(prefix="tiltakskart-bench-data-")  # not the user's
    env["TILTAKSKART_DATA_DIR"] = data.name
    log = open(os.path.join(tempfile.gettempdir(), "tiltakskart-bench-gunicorn.log"), "ab")  # noqa: SIM115
    command = SETUPS[args.setup]
    if args.setup == "serve":
        command = [*command, "--port", str(port)]
    else:
        command = [*command, "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
        command.append("app.wsgi:server")
    server = subprocess.Popen(
        command,
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
        print(f"setup '{args.setup}': {' '.join(SETUPS[args.setup][1:])}")
        if args.stalled:
            counts = [int(n) for n in args.stalled.split(",")]
            stalled_rows(base, port, bodies, counts, args.seconds)
        if args.downloads:
            download_rows(base, bodies, args.downloads, args.seconds)
        if args.no_load:
            return
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
