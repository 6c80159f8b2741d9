"""Serialise measures to the extract JSON and CSV forms, and write files atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

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
]


def extract_dict(document: Document, measures: Iterable[Measure]) -> dict:
    """The extract JSON: source file and hash, measures in document order."""
    return {
        "source": {"file": document.name, "sha256": document.sha256},
        "measures": [m.as_dict() for m in measures],
    }


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_csv(data: dict) -> str:
    """One row per measure; lists joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in data["measures"]:
        row = {
            **m,
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
