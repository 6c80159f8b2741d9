"""Start-up of Tiltakskart against the naive app (bench/naive_app.py), both under the README's
production server (gunicorn -c python:app.gunicorn_conf: the app is built once, before the
workers fork): seconds from launching gunicorn until `/` answers 200, for Østfold and for all
of Norway from the shared boundary files. Tiltakskart is started with an empty cache folder
("cold": the boundary file is read, repaired and simplified, and what that makes is cached)
and again with the cache that start left ("warm": neither the file nor the simplifying is
needed). The runs are interleaved (naive, cold, warm, naive, …); prints the median of --runs
and the range.

Run: python bench/startup.py [--runs 5] [--county 31|all|both]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(ROOT / "bench"))
from pageload import DEFAULT_FILES, KOMMUNER, start_server, stop  # noqa: E402

TARGETS = {  # (county, case): what issue 22 asks
    ("all", "cold"): "≤ 5 s",
    ("all", "warm"): "≤ 2 s",
    ("31", "cold"): "≤ 1.2 × naive",
}


def started(name: str, target: str, env: dict[str, str]) -> float:
    """Seconds from launching gunicorn until `/` answered 200 (then it is stopped)."""
    begin = time.perf_counter()
    server = start_server(name, target, env)
    try:
        while time.perf_counter() - begin < 300:  # polled every 20 ms: figures of 1–10 s
            if server.process is not None and server.process.poll() is not None:
                raise SystemExit(f"{name} did not start; see {server.log}")
            try:
                if requests.get(server.page, timeout=2).status_code == 200:
                    return time.perf_counter() - begin
            except requests.RequestException:
                pass
            time.sleep(0.02)
        raise SystemExit(f"{name} did not answer within 300 s; see {server.log}")
    finally:
        stop(server)


def measure(county: str, runs: int) -> dict[str, list[float]]:
    boundaries = str((KOMMUNER / DEFAULT_FILES[county]).resolve())
    times: dict[str, list[float]] = {"naive": [], "cold": [], "warm": []}
    for _ in range(runs):
        times["naive"].append(
            started(
                "naive",
                "bench.naive_app:server",
                {"NAIVE_BOUNDARIES": boundaries, "NAIVE_COUNTY": county},
            )
        )
        with tempfile.TemporaryDirectory(prefix="tiltakskart-bench-start-") as cache:
            env = {
                "TILTAKSKART_BOUNDARIES": boundaries,
                "TILTAKSKART_COUNTY": county,
                "TILTAKSKART_API_URL": "off",
                "TILTAKSKART_SSB_URL": "off",
                "TILTAKSKART_CACHE_DIR": cache,
                "TILTAKSKART_DATA_DIR": str(Path(cache) / "data"),
            }
            times["cold"].append(started("ours", "app.wsgi:server", env))
            times["warm"].append(started("ours", "app.wsgi:server", env))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--county", default="both", choices=("31", "all", "both"))
    args = parser.parse_args()
    counties = ("31", "all") if args.county == "both" else (args.county,)
    print(f"gunicorn -c python:app.gunicorn_conf, launch → first 200 for /; {args.runs} runs\n")
    print(f"{'map':<8} {'start':<22} {'median':>8} {'range':>15} {'/ naive':>8}  target")
    for county in counties:
        times = measure(county, args.runs)
        naive = statistics.median(times["naive"])
        label = "Østfold" if county == "31" else "Norway"
        for case, name in (
            ("naive", "naive app"),
            ("cold", "ours, empty cache"),
            ("warm", "ours, warm cache"),
        ):
            values = times[case]
            middle = statistics.median(values)
            spread = f"{min(values):.2f}–{max(values):.2f} s"
            print(
                f"{label:<8} {name:<22} {middle:7.2f}s {spread:>15} {middle / naive:8.2f}  "
                f"{TARGETS.get((county, case), '')}"
            )


if __name__ == "__main__":
    main()
