"""How the recolour (app.model.map_data, what a filter change computes) grows with the number
of municipalities and of measures, and what the cyclic garbage collector costs it once a large
programme is in memory (gc.freeze after start-up, as app.main.create_app does).

Synthetic programmes from the bundled one: more municipalities (all of Norway's names, the
programme's tags unchanged) and more measures (the 125 repeated under new numbers). Each figure
is the median over --rounds rounds of one recolour per metric.

Run: python bench/scale.py [--kommuner ../shared/kommuner] [--rounds 40]
"""

from __future__ import annotations

import argparse
import copy
import gc
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
METRICS = ["specific", "total", "named", "share", "specific_per_1000", "total_per_1000"]


def recolour_ms(view, rounds: int) -> float:
    """Median ms of one map_data call over the metrics (collector as it is set)."""
    from app.model import map_data
    from app.state import PageState
    from geo.terms import Metric

    states = [PageState(metric=Metric(m)) for m in METRICS]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for state in states:
            map_data(view, state)
        times.append((time.perf_counter() - start) * 1000 / len(states))
    return statistics.median(times)


def with_municipalities(programme, pairs):
    from geo.load import LoadIndex
    from geo.tagging.gazetteer import gazetteer_from_names

    gazetteer = gazetteer_from_names("31", "Norge", pairs)
    index = LoadIndex(programme.measures, pairs, programme.years)
    return replace(programme, gazetteer=gazetteer, index=index, population=None)


def with_measures(programme, copies: int):
    from geo.load.index import LoadIndex

    measures = []
    for k in range(copies):
        for m in programme.measures:
            twin = copy.deepcopy(m)
            twin["id"] = f"{m['id']}.{k}" if k else m["id"]
            twin["aliases"] = []
            measures.append(twin)
    data = {**programme.data, "measures": measures}
    pairs = programme.municipalities
    return replace(programme, data=data, index=LoadIndex(measures, pairs, programme.years))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    from app.main import build_app_programme
    from app.views import make_view
    from geo.geometry.boundaries import read_municipality_names
    from geo.settings import Settings

    settings = Settings(
        boundaries=args.kommuner / "ostfold-kommuner-2024.geojson", api_url=None, ssb_url=None
    )
    programme = build_app_programme(settings)
    national = read_municipality_names(args.kommuner / "norge-kommuner-2024.geojson", None)

    print("recolour (map_data) by number of municipalities, 125 measures:")
    base = None
    for pairs in (programme.municipalities, national):
        ms = recolour_ms(make_view(with_municipalities(programme, pairs)), args.rounds)
        base = base or ms / len(pairs)
        print(
            f"  {len(pairs):>4} municipalities: {ms:.3f} ms per recolour, "
            f"{ms / len(pairs) * 1000:.1f} µs per municipality "
            f"({ms / len(pairs) / base:.2f}× the per-municipality cost at 12)"
        )

    print("recolour by number of measures, 12 municipalities, collector on / frozen:")
    per_measure = {}
    for copies in (1, 64):
        view = make_view(with_measures(programme, copies))
        gc.collect()
        gc.unfreeze()
        on = recolour_ms(view, args.rounds)
        gc.collect()
        gc.freeze()
        frozen = recolour_ms(view, args.rounds)
        gc.unfreeze()
        n = len(view.programme.measures)
        per_measure[n] = (on / n, frozen / n)
        print(
            f"  {n:>5} measures: {on:.2f} ms with the collector scanning everything, "
            f"{frozen:.2f} ms after gc.freeze(); per measure {on / n * 1000:.2f} / "
            f"{frozen / n * 1000:.2f} µs"
        )
        del view
    (small_on, small_frozen), (large_on, large_frozen) = per_measure.values()
    print(
        f"per-measure cost at 8 000 vs 125: {large_on / small_on:.2f}× with the collector on, "
        f"{large_frozen / small_frozen:.2f}× frozen"
    )


if __name__ == "__main__":
    main()
