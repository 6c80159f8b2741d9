"""Serialise measures to the extract JSON and CSV forms, and write files atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from geo.gazetteer import Gazetteer
from geo.parse import Measure
from geo.source import Document

CSV_COLUMNS = [
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
    "period_text",
    "period_start",
    "period_end",
    "strategy_refs",
    "line",
    "footnotes",
    "municipalities",
    "outside",
]


def extract_dict(
    document: Document,
    measures: Iterable[Measure],
    tags: dict[str, tuple[list[dict], list[dict]]] | None = None,
    gazetteer: Gazetteer | None = None,
) -> dict:
    """The extract JSON: source file and hash, measures in document order, and their tags."""
    data: dict = {"source": {"file": document.name, "sha256": document.sha256}}
    if gazetteer is not None:
        data["county"] = {
            "number": gazetteer.county,
            "name": gazetteer.county_name,
            "gazetteer": gazetteer.source,
        }
    data["measures"] = []
    for m in measures:
        item = m.as_dict()
        if tags is not None:
            item["municipalities"], item["outside"] = tags[m.id]
        data["measures"].append(item)
    return data


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _tag_cell(tags: list[dict] | None) -> list[str] | None:
    """'3105 Sarpsborg (name)' per tag, for the CSV form."""
    if tags is None:
        return None
    return [f"{t['kommunenummer']} {t['name']} ({t['via']})" for t in tags]


def to_csv(data: dict) -> str:
    """One row per measure; lists joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in data["measures"]:
        row = {
            **m,
            "municipalities": _tag_cell(m.get("municipalities")),
            "outside": _tag_cell(m.get("outside")),
            "period_text": m["period"]["text"],
            "period_start": m["period"]["start"],
            "period_end": m["period"]["end"],
        }
        writer.writerow([_cell(row.get(col)) for col in CSV_COLUMNS])
    return out.getvalue()


def write_atomic(path: str | Path, text: str) -> None:
    """Write text to path via a temporary file in the same folder, then rename.

    A failure part-way leaves any existing file as it was.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)  # mkstemp makes 0600 files; keep the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
