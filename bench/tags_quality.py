"""Print the tagger's precision and recall per via on the hand-annotated sets: the bundled
programme (Østfold, with its authored gazetteer) and the three programmes written for the tests
(Vestfold, Vestland, Trøndelag: national names only). All in-sample: the rules were written
looking at these texts.

Run: python bench/tags_quality.py [--only NAME]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.reading.extract import extract_file
from geo.resources import default_document
from geo.tagging.evaluate import found_tags, read_expected, score
from geo.tagging.national import detect_county, gazetteer_for_county
from geo.tagging.tagger import Tagger

TESTS = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = {
    "ostfold": (default_document(), TESTS / "expected_tags.toml"),
    **{
        path.stem: (path, path.with_suffix(".tags.toml"))
        for path in sorted((TESTS / "programmes").glob("*.txt"))
    },
}


def report(name: str, document: Path, annotations: Path) -> dict[str, dict]:
    doc, extraction = extract_file(document)
    county = detect_county(doc.text)
    gazetteer = gazetteer_for_county(county[0] if county else "31")
    tags = Tagger(gazetteer).tag(extraction.measures)
    expected = read_expected(annotations, gazetteer)
    found = {m: found_tags(m, *tags[m]) for m in expected}
    results = score(expected, found)
    print(
        f"\n{name} (county {gazetteer.county} {gazetteer.county_name}, gazetteer "
        f"{gazetteer.source}): {len(expected)} annotated measures"
    )
    print(f"{'via':<14}{'expected':>9}{'found':>7}{'precision':>11}{'recall':>8}")
    for via, r in results.items():
        print(
            f"{via:<14}{r['expected']:>9}{r['found']:>7}{r['precision']:>11.3f}{r['recall']:>8.3f}"
        )
        for t in r["false_positives"]:
            print(f"    false positive: {t}")
        for t in r["false_negatives"]:
            print(f"    missed: {t}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SETS))
    args = parser.parse_args()
    totals: dict[str, list[int]] = {}
    for name, (document, annotated) in SETS.items():
        if args.only and name != args.only:
            continue
        results = report(name, document, annotated)
        if name == "ostfold":
            continue
        for via, r in results.items():
            t = totals.setdefault(via, [0, 0, 0])
            t[0] += r["expected"]
            t[1] += r["found"]
            t[2] += round(r["precision"] * r["found"])
    if totals:
        print("\nthe three other counties together")
        print(f"{'via':<14}{'expected':>9}{'found':>7}{'precision':>11}{'recall':>8}")
        for via, (e, f, tp) in totals.items():
            print(f"{via:<14}{e:>9}{f:>7}{(tp / f if f else 1):>11.3f}{(tp / e if e else 1):>8.3f}")


if __name__ == "__main__":
    main()
