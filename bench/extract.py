"""Time parsing the bundled programme and the whole `tiltakskart extract` process.

Run: python bench/extract.py [--runs N]
Prints medians; the parse itself should stay well under 100 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time

from geo.reading.parse import parse_text
from geo.resources import default_document, gazetteer_dir
from geo.tagging.gazetteer import read_gazetteer
from geo.tagging.tagger import Tagger


def median_ms(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    text = default_document().read_text(encoding="utf-8")
    parse_text(text)  # warm regex caches

    parse_med, parse_min = median_ms(lambda: parse_text(text), args.runs)
    print(
        f"parse (text -> measures), {args.runs} runs: median {parse_med:.1f} ms, "
        f"min {parse_min:.1f} ms"
    )

    gazetteer = read_gazetteer(gazetteer_dir() / "fylke-31.toml")

    def cold_build() -> None:
        re.purge()  # measure a cold compile, not Python's regex cache
        Tagger(gazetteer)

    build_med, _ = median_ms(cold_build, args.runs)
    tagger = Tagger(gazetteer)
    measures = parse_text(text).measures
    tag_med, tag_min = median_ms(lambda: tagger.tag(measures), args.runs)
    print(
        f"tagging {len(measures)} measures, {args.runs} runs: median {tag_med:.1f} ms, "
        f"min {tag_min:.1f} ms (plus {build_med:.1f} ms to compile the gazetteer once)"
    )

    cmd = [sys.executable, "-m", "cli", "extract"]
    proc_runs = max(3, args.runs // 6)
    proc_med, proc_min = median_ms(
        lambda: subprocess.run(cmd, check=True, capture_output=True), proc_runs
    )
    print(
        f"process `tiltakskart extract` (parse + tag, JSON to stdout), {proc_runs} runs: "
        f"median {proc_med:.0f} ms, min {proc_min:.0f} ms"
    )


if __name__ == "__main__":
    main()
