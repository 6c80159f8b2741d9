"""Print the tagger's precision and recall per via on the hand-annotated set.

Run: python bench/tags_quality.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.reading.extract import extract_file
from geo.resources import default_document, gazetteer_dir
from geo.tagging.evaluate import found_tags, read_expected, score
from geo.tagging.gazetteer import read_gazetteer
from geo.tagging.tagger import Tagger

ANNOTATIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "expected_tags.toml"


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    gazetteer = read_gazetteer(gazetteer_dir() / "fylke-31.toml")
    _, extraction = extract_file(default_document())
    tags = Tagger(gazetteer).tag(extraction.measures)
    expected = read_expected(ANNOTATIONS, gazetteer)
    found = {m: found_tags(m, *tags[m]) for m in expected}
    print(f"annotated measures: {len(expected)}")
    print(f"{'via':<14}{'expected':>9}{'found':>7}{'precision':>11}{'recall':>8}")
    for via, r in score(expected, found).items():
        print(
            f"{via:<14}{r['expected']:>9}{r['found']:>7}{r['precision']:>11.3f}{r['recall']:>8.3f}"
        )
        for t in r["false_positives"]:
            print(f"    false positive: {t}")
        for t in r["false_negatives"]:
            print(f"    missed: {t}")


if __name__ == "__main__":
    main()
