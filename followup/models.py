"""The follow-up's tables (SQLAlchemy 2, typed). Schema changes go through a migration in
`followup/migrations/versions/`, never through `create_all`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class StatusRow(Base):
    """The current status of a (measure, municipality) pair; kommune "" is the measure as a
    whole. `version` grows by one with each change (the no-lost-update check)."""

    __tablename__ = "status"
    __table_args__ = (UniqueConstraint("programme", "measure", "kommune", name="uq_status_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(32))
    kommune: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    status_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(String(64))


class HistoryRow(Base):
    """Every change of a status, kept: who, when, old, new."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme: Mapped[str] = mapped_column(String(32), index=True)
    measure: Mapped[str] = mapped_column(String(32))
    kommune: Mapped[str] = mapped_column(String(4))
    old_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    new_status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    status_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(String(64))
    # The revision that removed the measure (its history kept, no longer shown as current).
    archived: Mapped[str | None] = mapped_column(String(200), nullable=True)


class CarryRow(Base):
    """A revision the follow-up was carried over to, once: the fingerprint of the two
    documents (a second run of the same carry-over is refused)."""

    __tablename__ = "carry_log"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    old: Mapped[str] = mapped_column(String(32))
    new: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200))
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    applied_by: Mapped[str] = mapped_column(String(64))


class ArchivedRow(Base):
    """A status whose measure a revision of the programme removed: kept, never deleted, with
    the revision that removed it."""

    __tablename__ = "archived_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme: Mapped[str] = mapped_column(String(32), index=True)
    measure: Mapped[str] = mapped_column(String(32))
    kommune: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    status_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(String(64))
    revision: Mapped[str] = mapped_column(String(200))  # the revision that removed the measure
    archived_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    archived_by: Mapped[str] = mapped_column(String(64))


class UploadRow(Base):
    """A programme file an administrator uploaded, by the SHA-256 of its bytes: its reading's
    report once read, and whether it is published."""

    __tablename__ = "programme_upload"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16))  # UploadState
    report: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON, once read
    published_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RevisionRow(Base):
    """How many changes a programme's follow-up has had (statuses, openings, imports)."""

    __tablename__ = "followup_revision"

    programme: Mapped[str] = mapped_column(String(32), primary_key=True)
    counter: Mapped[int] = mapped_column(Integer)


class OpeningRow(Base):
    """A counted pair the county has opened for reporting (besides the asked-to-act pairs)."""

    __tablename__ = "opening"

    programme: Mapped[str] = mapped_column(String(32), primary_key=True)
    measure: Mapped[str] = mapped_column(String(32), primary_key=True)
    kommune: Mapped[str] = mapped_column(String(4), primary_key=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AssignmentRow(Base):
    """A municipality an editor may change."""

    __tablename__ = "assignment"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    kommune: Mapped[str] = mapped_column(String(4), primary_key=True)


class SessionRow(Base):
    """A logged-in browser: the hash of its cookie's token (the token itself is never
    stored), whose it is and until when."""

    __tablename__ = "login_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class FailureRow(Base):
    """Failed logins per account ("user:…") and per address ("addr:…"), for slowing down."""

    __tablename__ = "login_failure"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
