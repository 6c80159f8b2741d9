"""Statuses and their history out to a spreadsheet and back: one table, a row per current
status ("Status") and per kept change ("Endring"), then what revisions archived ("Arkivert
status", "Arkivert endring", with the revision that removed the measure), in Norwegian Excel's
CSV dialect or as an Excel workbook. An import is checked whole before anything is written: a
bad file changes nothing and says which row is wrong; archived rows are a record, not read
back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, and_, insert, select, update

from followup.db import writing
from followup.errors import FollowupError
from followup.models import ArchivedRow, HistoryRow, StatusRow
from followup.records import ALL_LABELS, WHOLE, status_value
from followup.store import MAX_COMMENT, MAX_CONTACT, bump, clean_date, clean_text
from geo.outputs.spreadsheet import FORMULA_START, NORWEGIAN, csv_bytes, write_xlsx

COLUMNS = (
    "Type",
    "Program",
    "Tiltak",
    "Kommune",
    "Status",
    "Forrige status",
    "Kommentar",
    "Kontakt",
    "Dato",
    "Versjon",
    "Endret",
    "Endret av",
    "Revisjon",
)
IMPORTED = COLUMNS[:-1]  # what an import needs (files exported before "Revisjon" too)
CURRENT, CHANGE = "Status", "Endring"
ARCHIVED_STATUS, ARCHIVED_CHANGE = "Arkivert status", "Arkivert endring"
SHEET = "Oppfølging"
MAX_ROWS = 1_000_000
MAX_FILE_BYTES = 100_000_000
PROGRAMME = re.compile(r"\d{2}(-\d{4})?(-\d+)?")
MEASURE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,31}")
KOMMUNE = re.compile(r"(\d{4})?")
USER = re.compile(r"[a-z0-9][a-z0-9._@:-]{0,63}")


def export_frame(engine: Engine, programme: str | None = None) -> pd.DataFrame:
    """Every status and every kept change (of one programme, or all), as one table."""
    rows: list[list] = []
    with engine.connect() as conn:
        query = select(StatusRow).order_by(
            StatusRow.programme, StatusRow.measure, StatusRow.kommune
        )
        if programme:
            query = query.where(StatusRow.programme == programme)
        for s in conn.execute(query):
            rows.append(
                [
                    CURRENT,
                    s.programme,
                    s.measure,
                    s.kommune,
                    ALL_LABELS.get(s.status, s.status),
                    "",
                    s.comment,
                    s.contact,
                    s.status_date,
                    s.version,
                    s.changed_at,
                    s.changed_by,
                    "",
                ]
            )
        changes = select(HistoryRow).order_by(HistoryRow.archived.is_not(None), HistoryRow.id)
        if programme:
            changes = changes.where(HistoryRow.programme == programme)
        for h in conn.execute(changes):
            old = ALL_LABELS.get(h.old_status, h.old_status) if h.old_status else ""
            rows.append(
                [
                    ARCHIVED_CHANGE if h.archived else CHANGE,
                    h.programme,
                    h.measure,
                    h.kommune,
                    ALL_LABELS.get(h.new_status, h.new_status),
                    old,
                    h.comment,
                    h.contact,
                    h.status_date,
                    h.version,
                    h.changed_at,
                    h.changed_by,
                    h.archived or "",
                ]
            )
        archive = select(ArchivedRow).order_by(ArchivedRow.id)
        if programme:
            archive = archive.where(ArchivedRow.programme == programme)
        for a in conn.execute(archive):
            rows.append(
                [
                    ARCHIVED_STATUS,
                    a.programme,
                    a.measure,
                    a.kommune,
                    ALL_LABELS.get(a.status, a.status),
                    "",
                    a.comment,
                    a.contact,
                    a.status_date,
                    a.version,
                    a.changed_at,
                    a.changed_by,
                    a.revision,
                ]
            )
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    frame["Dato"] = frame["Dato"].map(lambda d: d.isoformat() if d else "")
    frame["Endret"] = frame["Endret"].map(_when_text)
    return frame


def _when_text(value: dt.datetime) -> str:
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def export_bytes(engine: Engine, fmt: str, programme: str | None = None) -> bytes:
    frame = export_frame(engine, programme)
    if fmt == "csv":
        return csv_bytes(frame, NORWEGIAN)
    buffer = io.BytesIO()
    write_xlsx(buffer, {SHEET: frame})
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportRow:
    line: int
    kind: str
    programme: str
    measure: str
    kommune: str
    status: str
    old: str | None
    comment: str
    contact: str
    date: dt.date | None
    version: int
    changed: dt.datetime
    changed_by: str


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of an exported file (CSV in either dialect, or Excel), as text."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FollowupError("the file is over 100 MB; not an export of Tiltakskart", value=path)
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FollowupError(
            "not UTF-8 text; export it again from Tiltakskart", value=path
        ) from None
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    return _as_dicts(list(reader), path)


def _read_xlsx(data: bytes, path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row]
            for _, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)
        ]
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise FollowupError("not a readable Excel file; export it again", value=path) from None
    return _as_dicts(rows, path)


def _as_dicts(rows: list[list[str]], path: Path) -> list[dict[str, str]]:
    if not rows:
        raise FollowupError("the file is empty", value=path)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in IMPORTED if c not in header]
    if missing:
        raise FollowupError(
            f"missing columns: {', '.join(missing)}; use a file from `tiltakskart status export`",
            value=path,
        )
    if len(rows) > MAX_ROWS + 1:
        raise FollowupError(f"over {MAX_ROWS} rows", value=path)
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(c.strip() for c in r)]


def _unneutralised(text: str) -> str:
    # The export put "'" before text a spreadsheet would evaluate; take it off again.
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def check_rows(rows: list[dict[str, str]]) -> list[ImportRow]:
    """Every row checked; the first bad one raises, naming its line in the file."""
    out = []
    for line, raw in enumerate(rows, start=2):
        row = {k: _unneutralised(str(v or "")).strip() for k, v in raw.items()}
        if row.get("Type") in (ARCHIVED_STATUS, ARCHIVED_CHANGE):
            continue  # a record of what a revision archived; it stays in the database
        try:
            out.append(_check(line, row))
        except FollowupError as exc:
            raise FollowupError(f"row {line}: {exc}; nothing was imported") from None
    return out


def _check(line: int, row: dict[str, str]) -> ImportRow:
    kind = row["Type"]
    if kind not in (CURRENT, CHANGE):
        raise FollowupError(f"Type must be {CURRENT} or {CHANGE}, not {kind[:20]!r}")
    for column, pattern in (
        ("Program", PROGRAMME),
        ("Tiltak", MEASURE),
        ("Kommune", KOMMUNE),
        ("Endret av", USER),
    ):
        if not pattern.fullmatch(row[column]):
            raise FollowupError(f"{column} {row[column][:20]!r} is not valid")
    status = status_value(row["Status"])
    if status is None:
        raise FollowupError(f"unknown status {row['Status'][:20]!r}")
    old = None
    if row["Forrige status"]:
        old_value = status_value(row["Forrige status"])
        if old_value is None:
            raise FollowupError(f"unknown status {row['Forrige status'][:20]!r}")
        old = str(old_value)
    try:
        version = int(row["Versjon"])
        changed = dt.datetime.fromisoformat(row["Endret"])
    except ValueError:
        raise FollowupError("Versjon must be a whole number and Endret a time (ISO 8601)") from None
    if version < 1:
        raise FollowupError("Versjon must be 1 or more")
    return ImportRow(
        line=line,
        kind=kind,
        programme=row["Program"],
        measure=row["Tiltak"],
        kommune=row["Kommune"],
        status=str(status),
        old=old,
        comment=clean_text(row["Kommentar"], MAX_COMMENT, "Kommentar"),
        contact=clean_text(row["Kontakt"], MAX_CONTACT, "Kontakt"),
        date=clean_date(row["Dato"]),
        version=version,
        changed=changed if changed.tzinfo else changed.replace(tzinfo=dt.UTC),
        changed_by=row["Endret av"],
    )


def import_rows(engine: Engine, rows: list[ImportRow]) -> tuple[int, int]:
    """Write checked rows in one transaction: a status is taken when the database has none or
    an older version of it (a newer one there refuses the whole file); a change is added
    unless the same version of the same pair is kept already. Returns (statuses, changes)."""
    statuses = changes = 0
    with writing(engine) as conn:
        for programme in sorted({r.programme for r in rows}):
            bump(conn, programme)
        for r in rows:
            pair = and_(
                StatusRow.programme == r.programme,
                StatusRow.measure == r.measure,
                StatusRow.kommune == (r.kommune or WHOLE),
            )
            fields = {
                "status": r.status,
                "comment": r.comment,
                "contact": r.contact,
                "status_date": r.date,
                "version": r.version,
                "changed_at": r.changed,
                "changed_by": r.changed_by,
            }
            if r.kind == CURRENT:
                held = conn.execute(select(StatusRow.version).where(pair)).scalar()
                if held is not None and held > r.version:
                    raise FollowupError(
                        f"row {r.line}: the database holds a newer change of {r.measure} "
                        f"{r.kommune} (version {held}); nothing was imported"
                    )
                if held is None:
                    conn.execute(
                        insert(StatusRow).values(
                            programme=r.programme, measure=r.measure, kommune=r.kommune, **fields
                        )
                    )
                    statuses += 1
                elif held < r.version:
                    conn.execute(update(StatusRow).where(pair).values(**fields))
                    statuses += 1
                continue
            kept = conn.execute(
                select(HistoryRow.id).where(
                    HistoryRow.programme == r.programme,
                    HistoryRow.measure == r.measure,
                    HistoryRow.kommune == r.kommune,
                    HistoryRow.version == r.version,
                )
            ).first()
            if kept is None:
                conn.execute(
                    insert(HistoryRow).values(
                        programme=r.programme,
                        measure=r.measure,
                        kommune=r.kommune,
                        old_status=r.old,
                        new_status=r.status,
                        comment=r.comment,
                        contact=r.contact,
                        status_date=r.date,
                        version=r.version,
                        changed_at=r.changed,
                        changed_by=r.changed_by,
                    )
                )
                changes += 1
    return statuses, changes


def import_file(engine: Engine, path: Path) -> tuple[int, int]:
    """Read, check and import an exported file; nothing is written unless all of it is good."""
    return import_rows(engine, check_rows(read_table(path)))
