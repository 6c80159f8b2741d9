"""The extract dataset: the JSON and CSV forms of parsed, tagged measures."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pandas as pd

from geo.outputs.spreadsheet import csv_text
from geo.reading.document import Document
from geo.reading.parse import Extraction
from geo.records import (
    FLAT_COLUMNS,
    ExtractRecord,
    MeasureRecord,
    MeasureTags,
    TagRecord,
    flat_measure,
)
from geo.tagging.gazetteer import Gazetteer

# The CSV form: a measure's flat fields, then its tags.
CSV_COLUMNS = [*FLAT_COLUMNS, "municipalities", "outside"]


def extract_record(
    document: Document,
    extraction: Extraction,
    tags: Mapping[str, MeasureTags] | None = None,
    gazetteer: Gazetteer | None = None,
) -> ExtractRecord:
    """The extract JSON: source file and hash, the programme period, measures in document order
    and their tags."""
    start, end = extraction.programme or (None, None)
    data: ExtractRecord = {
        "source": {"file": document.name, "sha256": document.sha256},
        "programme": {"start": start, "end": end},
        "measures": [],
    }
    if gazetteer is not None:
        data["county"] = {
            "number": gazetteer.county,
            "name": gazetteer.county_name,
            "gazetteer": gazetteer.source,
        }
    for m in extraction.measures:
        item = m.as_dict()
        if tags is not None:
            item["municipalities"], item["outside"] = tags[m.id]
        data["measures"].append(item)
    return data


def to_json(data: ExtractRecord) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _cell(value: object) -> str:
    """A CSV cell: lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _tag_cell(tags: Iterable[TagRecord] | None) -> list[str] | None:
    """'3105 Sarpsborg (name)' per tag, for the CSV form."""
    if tags is None:
        return None
    return [f"{t['kommunenummer']} {t['name']} ({t['via']})" for t in tags]


def _csv_row(m: MeasureRecord) -> dict[str, object]:
    return {
        **flat_measure(m),
        "municipalities": _tag_cell(m.get("municipalities")),
        "outside": _tag_cell(m.get("outside")),
    }


def to_csv(data: ExtractRecord) -> str:
    """One row per measure; lists joined with "; " (text neutralised: geo.outputs.spreadsheet)."""
    rows = [[_cell(_csv_row(m).get(col)) for col in CSV_COLUMNS] for m in data["measures"]]
    return csv_text(pd.DataFrame(rows, columns=CSV_COLUMNS, dtype=object))
