"""Print the tagger's precision and recall per via on the hand-annotated set.

Run: python bench/tags_quality.py
"""

from __future__ import annotations

from pathlib import Path

from geo.evaluate import found_tags, read_expected, score
from geo.extract import DEFAULT_DOCUMENT, GAZETTEER_DIR, extract_file
from geo.gazetteer import load_gazetteer
from geo.tagging import Tagger

ANNOTATIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "expected_tags.toml"


def main() -> None:
    gazetteer = load_gazetteer(GAZETTEER_DIR / "fylke-31.toml")
    _, extraction = extract_file(DEFAULT_DOCUMENT)
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
