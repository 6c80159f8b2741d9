"""Figures for the load step: cold time from tags to load table, simplified GeoJSON sizes and
the largest displacement of the simplification.

Run: python bench/load.py [--kommuner ../shared/kommuner] [--tolerance 100]
The boundary files are Kartverket's (CC BY 4.0), passed by path; they are never copied here.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import time
from pathlib import Path

from geo.geometry.boundaries import read_boundary_file
from geo.geometry.simplify import DEFAULT_TOLERANCE_M, geojson_text, simplify_coverage

ROOT = Path(__file__).resolve().parents[1]
COLD = """
import json, time
t0 = time.perf_counter()
from geo.load.index import LoadIndex
from geo.tagging.gazetteer import read_gazetteer
from geo.reading.periods import programme_years
data = json.load(open("data/tiltak/tiltak.json", encoding="utf-8"))
g = read_gazetteer("data/kommuner/fylke-31.toml")
years = programme_years((data["programme"]["start"], data["programme"]["end"]))
t1 = time.perf_counter()
pairs = [(m.number, m.name) for m in g.municipalities]
table = LoadIndex(data["measures"], pairs, years).table()
t2 = time.perf_counter()
print(f"{(t1 - t0) * 1000:.0f} {(t2 - t1) * 1000:.1f} {len(table)}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE_M)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.split()
        runs.append((float(out[0]), float(out[1])))
    imports = sorted(r[0] for r in runs)[len(runs) // 2]
    compute = sorted(r[1] for r in runs)[len(runs) // 2]
    print(
        f"cold, tags -> load table (new process, median of {args.runs}): "
        f"{compute:.1f} ms to build the index and table, after {imports:.0f} ms of imports "
        "and reading tiltak.json"
    )

    for name, county in (
        ("ostfold-kommuner-2024.geojson", "31"),
        ("norge-kommuner-2024.geojson", None),
    ):
        source = read_boundary_file(args.kommuner / name, county).frame
        raw = geojson_text(source)
        start = time.perf_counter()
        simplified, displacement = simplify_coverage(source, args.tolerance, measure=True)
        seconds = time.perf_counter() - start
        text = geojson_text(simplified)
        print(
            f"{name}: {len(source)} municipalities; GeoJSON {len(raw) / 1024:.0f} kB -> "
            f"{len(text) / 1024:.0f} kB ({len(gzip.compress(text.encode())) / 1024:.0f} kB "
            f"gzip) at {args.tolerance:g} m; largest displacement {displacement:.0f} m; "
            f"simplified in {seconds:.1f} s; valid: {bool(simplified.is_valid.all())}"
        )


if __name__ == "__main__":
    main()
