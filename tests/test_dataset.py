"""The committed dataset is the extract of the bundled programme."""

from __future__ import annotations

import json
from pathlib import Path

from geo.outputs.dataset import to_json
from geo.pipeline import build_programme
from geo.settings import Settings

DATASET = Path(__file__).resolve().parents[1] / "data" / "tiltak" / "tiltak.json"


def test_committed_dataset_is_up_to_date(programme_path):
    fresh = build_programme(Settings(document=programme_path)).data
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
        "responsible",
        "partners",
    }
    for measure in data["measures"]:
        assert keys <= measure.keys()
        assert set(measure["period"]) == {"text", "start", "end"}
        for tag in measure["municipalities"]:
            assert {"kommunenummer", "name", "via", "role", "field", "evidence"} <= tag.keys()
            assert tag["evidence"] in (
                measure[tag["field"]] if tag["field"] != "actors" else "; ".join(measure["actors"])
            )
    assert data["county"] == {"number": "31", "name": "Østfold", "gazetteer": "fylke-31.toml"}
    assert data["programme"] == {"start": 2025, "end": 2028}  # "Handlingsprogram 2025 - 2028"


def test_a_measure_has_one_field_list():
    """The parser's Measure, the MeasureRecord type and the JSON all follow MEASURE_FIELDS."""
    from dataclasses import fields

    from geo.reading.parse import Measure
    from geo.records import MEASURE_FIELDS, MeasureRecord

    assert tuple(f.name for f in fields(Measure)) == MEASURE_FIELDS
    assert tuple(MeasureRecord.__annotations__)[: len(MEASURE_FIELDS)] == MEASURE_FIELDS
    data = json.loads(DATASET.read_text(encoding="utf-8"))
    assert all(tuple(m)[: len(MEASURE_FIELDS)] == MEASURE_FIELDS for m in data["measures"])
