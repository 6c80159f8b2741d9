"""Programme files uploaded by the county's administrators: kept in the database by the SHA-256
of their bytes (one upload of the same file is one row), the report of their reading, and
whether they are published. The bytes are only ever handed to the reader; nothing here looks
inside them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from followup.db import writing
from followup.errors import FollowupError
from followup.models import UploadRow
from followup.store import _utc, now

MAX_UPLOAD_BYTES = 20_000_000
KINDS = {".txt": "tekst", ".pdf": "PDF", ".docx": "Word"}
SHA256 = re.compile(r"[0-9a-f]{64}")


class UploadState(StrEnum):
    NEW = "ny"  # uploaded, not read yet
    READ = "lest"  # read: a programme whose every header is accounted for
    FAILED = "feil"  # not a programme that can be used (the report says why)
    PUBLISHED = "publisert"


@dataclass(frozen=True)
class Upload:
    sha256: str
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: dt.datetime
    state: UploadState
    report: dict | None
    published_at: dt.datetime | None = None


def kind_of(filename: str, data: bytes) -> str:
    """The file's kind (its suffix, checked against its first bytes), or a FollowupError in
    Norwegian saying what is accepted."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in KINDS:
        raise FollowupError("Last opp programmet som tekst (.txt), PDF (.pdf) eller Word (.docx).")
    if suffix == ".pdf" and not data.startswith(b"%PDF-"):
        raise FollowupError("Filen heter .pdf, men er ikke en PDF.")
    if suffix == ".docx" and not data.startswith(b"PK\x03\x04"):
        raise FollowupError("Filen heter .docx, men er ikke et Word-dokument.")
    if suffix == ".txt" and b"\x00" in data[:65536]:
        raise FollowupError("Filen heter .txt, men er ikke tekst.")
    return suffix


def clean_name(filename: str) -> str:
    """A file name to show and keep: its last part, printable, at most 120 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable())[:120].strip()
    return name or "programmet"


class Uploads:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, filename: str, data: bytes, by: str) -> str:
        """Keep an uploaded file (checked: size and kind); its SHA-256. The same bytes again
        are the same upload."""
        if not data:
            raise FollowupError("Filen er tom.")
        if len(data) > MAX_UPLOAD_BYTES:
            raise FollowupError("Filen er større enn 20 MB.")
        name = clean_name(filename)
        kind_of(name, data)
        digest = hashlib.sha256(data).hexdigest()
        with writing(self.engine) as conn:
            if conn.scalar(select(UploadRow.sha256).where(UploadRow.sha256 == digest)):
                return digest
            conn.execute(
                insert(UploadRow).values(
                    sha256=digest,
                    filename=name,
                    size=len(data),
                    content=data,
                    uploaded_by=by,
                    uploaded_at=now(),
                    state=str(UploadState.NEW),
                )
            )
        return digest

    def content(self, sha256: str) -> tuple[str, bytes]:
        """(file name, bytes) of an upload."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(UploadRow.filename, UploadRow.content).where(UploadRow.sha256 == sha256)
            ).first()
        if row is None:
            raise FollowupError("Fant ikke filen; den kan være fjernet.")
        return row.filename, row.content

    _COLUMNS = (
        UploadRow.sha256,
        UploadRow.filename,
        UploadRow.size,
        UploadRow.uploaded_by,
        UploadRow.uploaded_at,
        UploadRow.state,
        UploadRow.report,
        UploadRow.published_at,
    )

    def list(self) -> list[Upload]:
        """Every upload, newest first (without their bytes)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(*self._COLUMNS).order_by(UploadRow.uploaded_at.desc()))
            return [_upload(r) for r in rows]

    def published(self) -> tuple[str, ...]:
        """The hashes of the published uploads, in the order they were published: what a
        serving process compares to learn that it has something new to serve."""
        with self.engine.connect() as conn:
            rows = conn.scalars(
                select(UploadRow.sha256)
                .where(UploadRow.state == str(UploadState.PUBLISHED))
                .order_by(UploadRow.published_at, UploadRow.sha256)
            ).all()
        return tuple(rows)

    def get(self, sha256: str) -> Upload:
        with self.engine.connect() as conn:
            row = conn.execute(select(*self._COLUMNS).where(UploadRow.sha256 == sha256)).first()
        if row is None:
            raise FollowupError("Fant ikke filen; den kan være fjernet.")
        return _upload(row)

    def set_report(self, sha256: str, report: dict, usable: bool) -> None:
        """The reading's report (JSON-able), and whether the programme can be published."""
        state = UploadState.READ if usable else UploadState.FAILED
        with writing(self.engine) as conn:
            conn.execute(
                update(UploadRow)
                .where(UploadRow.sha256 == sha256, UploadRow.state != str(UploadState.PUBLISHED))
                .values(report=json.dumps(report, ensure_ascii=False), state=str(state))
            )

    def publish(self, sha256: str, by: str) -> None:
        """Publish a read upload (never one not read, or read with problems)."""
        with writing(self.engine) as conn:
            self.publish_in(conn, sha256, by)

    @staticmethod
    def publish_in(conn: Connection, sha256: str, by: str) -> None:
        """Publish in a writing transaction of the caller's (with the follow-up's carry-over:
        both, or neither)."""
        state = conn.scalar(select(UploadRow.state).where(UploadRow.sha256 == sha256))
        if state is None:
            raise FollowupError("Fant ikke filen; den kan være fjernet.")
        if state != UploadState.READ:
            raise FollowupError(
                "Bare et program som er lest uten feil kan publiseres; les det inn først."
                if state != UploadState.PUBLISHED
                else "Programmet er alt publisert."
            )
        conn.execute(
            update(UploadRow)
            .where(UploadRow.sha256 == sha256)
            .values(state=str(UploadState.PUBLISHED), published_by=by, published_at=now())
        )

    def remove(self, sha256: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(delete(UploadRow).where(UploadRow.sha256 == sha256))


def _upload(row: Any) -> Upload:
    return Upload(
        row.sha256,
        row.filename,
        row.size,
        row.uploaded_by,
        _utc(row.uploaded_at),
        UploadState(row.state),
        json.loads(row.report) if row.report else None,
        _utc(row.published_at) if row.published_at else None,
    )
