"""Score the tagger against a hand-annotated set: precision and recall per via."""

from __future__ import annotations

import tomllib
from pathlib import Path

from geo.records import TagRecord
from geo.tagging.gazetteer import Gazetteer

# One expected or found tag: (measure id, number, via, role, outside?)
Tag = tuple[str, str, str, str, bool]


def read_expected(path: str | Path, gazetteer: Gazetteer) -> dict[str, set[Tag]]:
    """Read an annotation file (see tests/data/expected_tags.toml) into sets of tags."""
    spec = tomllib.loads(Path(path).read_text(encoding="utf-8"))["tags"]
    expected: dict[str, set[Tag]] = {}
    for measure_id, items in spec.items():
        tags: set[Tag] = set()
        for item in items:
            parts = item.split()
            if parts[0] == "OUT":
                tags.add((measure_id, parts[1], parts[2], parts[3], True))
                continue
            who, via, role = parts
            numbers: tuple[str, ...]
            if who == "ALL":
                numbers = gazetteer.numbers
            elif who.startswith("@"):
                numbers = gazetteer.area(who[1:]).members
            else:
                numbers = (who,)
            tags |= {(measure_id, n, via, role, False) for n in numbers}
        expected[measure_id] = tags
    return expected


def found_tags(
    measure_id: str, municipalities: list[TagRecord], outside: list[TagRecord]
) -> set[Tag]:
    """Flatten a measure's merged tags into (measure, number, via, role, outside?)."""
    out: set[Tag] = set()
    for tags, is_outside in ((municipalities, False), (outside, True)):
        for tag in tags:
            for role in tag["roles"]:
                out.add((measure_id, tag["kommunenummer"], tag["via"], role, is_outside))
    return out


def score(expected: dict[str, set[Tag]], found: dict[str, set[Tag]]) -> dict[str, dict]:
    """Precision, recall and the differing tags, per via ('outside' for names outside)."""
    results: dict[str, dict] = {}
    exp = {t for m in expected for t in expected[m]}
    got = {t for m in expected for t in found.get(m, set())}
    groups = sorted({("outside" if t[4] else t[2]) for t in exp | got})
    for group in [*groups, "total"]:

        def keep(t: Tag, group=group) -> bool:
            return group == "total" or ("outside" if t[4] else t[2]) == group

        e, g = {t for t in exp if keep(t)}, {t for t in got if keep(t)}
        tp = len(e & g)
        results[group] = {
            "expected": len(e),
            "found": len(g),
            "precision": tp / len(g) if g else 1.0,
            "recall": tp / len(e) if e else 1.0,
            "false_positives": sorted(g - e),
            "false_negatives": sorted(e - g),
        }
    return results
