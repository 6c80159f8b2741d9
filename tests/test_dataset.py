"""The committed dataset is the extract of the bundled programme."""

from __future__ import annotations

import json
from pathlib import Path

from geo.export import extract_dict, to_json
from geo.extract import extract_file

DATASET = Path(__file__).resolve().parents[1] / "data" / "tiltak" / "tiltak.json"


def test_committed_dataset_is_up_to_date(programme_path):
    document, extraction = extract_file(programme_path)
    fresh = extract_dict(document, extraction.measures)
    committed = json.loads(DATASET.read_text(encoding="utf-8"))
    assert committed == fresh, (
        "data/tiltak/tiltak.json is stale: run `tiltakskart extract --out data/tiltak/tiltak.json`"
    )
    assert DATASET.read_text(encoding="utf-8") == to_json(fresh)


def test_dataset_shape():
    data = json.loads(DATASET.read_text(encoding="utf-8"))
    assert data["source"]["file"] == "handlingsprogram-ostfold-2025-2028.txt"
    assert len(data["source"]["sha256"]) == 64
    keys = {
        "id",
        "aliases",
        "title",
        "plan",
        "theme",
        "strategy",
        "strategy_title",
        "why_how",
        "actors",
        "actors_label",
        "period",
    }
    for measure in data["measures"]:
        assert keys <= measure.keys()
        assert set(measure["period"]) == {"text", "start", "end"}
