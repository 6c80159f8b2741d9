"""The changes between two revisions as tables (CSV for Norwegian Excel, an Excel workbook)
and as a plain-text report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo import norsk
from geo.atomic import write_atomic
from geo.outputs.spreadsheet import NORWEGIAN, write_csv, write_xlsx
from geo.revisions.diff import ProgrammeDiff
from geo.terms import CHANGE_LABELS, COMPARED_FIELDS, Change

CHANGE_FORMATS = ("csv", "xlsx")


def measures_frame(diff: ProgrammeDiff) -> pd.DataFrame:
    """One row per measure of either revision: what became of it."""
    return pd.DataFrame(
        [
            {
                "Endring": CHANGE_LABELS[c.change],
                "Nummer før": c.old or "",
                "Nummer nå": c.new or "",
                "Tittel": c.title,
                "Endret i": ", ".join(COMPARED_FIELDS[f] for f in c.fields),
                "Sikkerhet": norsk.decimal(c.confidence, 2) if c.old and c.new else "",
                "Må bekreftes": "ja" if c.uncertain else "",
            }
            for c in diff.measures
        ],
        columns=[
            "Endring",
            "Nummer før",
            "Nummer nå",
            "Tittel",
            "Endret i",
            "Sikkerhet",
            "Må bekreftes",
        ],
    )


def municipalities_frame(diff: ProgrammeDiff) -> pd.DataFrame:
    """One row per municipality: the specific measures new for it and gone from it."""
    return pd.DataFrame(
        [
            {
                "Kommunenummer": m.kommune,
                "Kommune": m.name,
                "Nye særskilte": "; ".join(
                    n + (" (skal bidra)" if act else "") for n, act in m.new
                ),
                "Borte": "; ".join(m.gone),
            }
            for m in diff.municipalities
        ],
        columns=["Kommunenummer", "Kommune", "Nye særskilte", "Borte"],
    )


def write_changes(path: Path, fmt: str, diff: ProgrammeDiff) -> None:
    """CSV (the measures) or Excel (sheets "Endringer" and "Kommuner"), written atomically."""
    if fmt == "csv":
        write_atomic(path, lambda tmp: write_csv(tmp, measures_frame(diff), NORWEGIAN))
    elif fmt == "xlsx":
        sheets = {"Endringer": measures_frame(diff), "Kommuner": municipalities_frame(diff)}
        write_atomic(path, lambda tmp: write_xlsx(tmp, sheets))
    else:
        raise ValueError(f"unknown format {fmt}")


def changes_report(diff: ProgrammeDiff) -> str:
    """What changed, for a terminal."""
    counts = ", ".join(f"{diff.count(c)} {c.value}" for c in Change)
    lines = [f"{diff.old_label} → {diff.new_label}: {counts}"]
    for change in (Change.CHANGED, Change.RENUMBERED, Change.SPLIT, Change.ADDED, Change.REMOVED):
        listed = [c for c in diff.measures if c.change == change]
        if not listed:
            continue
        lines.append(f"{change.value}:")
        for c in listed:
            numbers = " → ".join(dict.fromkeys(n for n in (c.old, c.new) if n))
            if change == Change.SPLIT:
                numbers = f"{c.new} (split from {c.old})"
            extra = []
            if c.fields:
                extra.append(", ".join(c.fields))
            if c.old and c.new and c.change != Change.CHANGED:
                extra.append(f"confidence {c.confidence:.2f}")
            if c.uncertain:
                extra.append("to confirm")
            said = f" [{'; '.join(extra)}]" if extra else ""
            lines.append(f"  {numbers}{said}  {c.title}")
    moved = [m for m in diff.municipalities if m.new or m.gone]
    if moved:
        lines.append("specific load per municipality:")
        for m in moved:
            parts = []
            if m.new:
                parts.append("new " + ", ".join(n + (" (acts)" if a else "") for n, a in m.new))
            if m.gone:
                parts.append("gone " + ", ".join(m.gone))
            lines.append(f"  {m.kommune} {m.name}: {'; '.join(parts)}")
    lines += [f"note: {n}" for n in diff.notes]
    return "\n".join(lines) + "\n"
