"""The follow-up's store: statuses read per request, written with a version check, every
change kept. The app reads it through the `Store` seam (app/store.py); nothing here is cached
between calls, so several processes (or machines) over one database agree on every request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from followup.db import single_reads, writing
from followup.errors import Conflict, FollowupError, NotAllowed
from followup.models import HistoryRow, OpeningRow, RevisionRow, StatusRow
from followup.records import (
    STATUS_LABELS,
    WHOLE,
    Change,
    Pair,
    Scope,
    Status,
    StatusKey,
    StatusValue,
    User,
)

MAX_COMMENT = 2000  # characters
MAX_CONTACT = 200
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def oslo_time(moment: dt.datetime) -> str:
    """A time as Norwegians read it: Norway's clock (CET/CEST), "07.12.2026 kl. 18:38"."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Oslo")).strftime("%d.%m.%Y kl. %H:%M")


def clean_text(value: object, limit: int, what: str) -> str:
    """One field's text from outside: a string, control characters (but line breaks) out,
    at most `limit` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FollowupError(f"{what} må være tekst.")
    text = "".join(c for c in value if c.isprintable() or c == "\n").strip()
    if len(text) > limit:
        raise FollowupError(f"{what} er for lang (over {limit} tegn): kort den ned.")
    return text


def clean_date(value: object) -> dt.date | None:
    """A date from outside: None, a date, or ISO text (YYYY-MM-DD) within 2000–2100."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.date.fromisoformat(text[:10])
        except ValueError:
            raise FollowupError(f"Datoen «{text[:20]}» er ikke en dato (ÅÅÅÅ-MM-DD).") from None
    if not isinstance(value, dt.date) or not FIRST_DATE <= value <= LAST_DATE:
        raise FollowupError("Datoen må være mellom 2000 og 2100.")
    return value


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite gives naive datetimes back; every time is stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _key(row: StatusRow | HistoryRow) -> StatusKey:
    return (row.measure, row.kommune or None)


def _status(row: StatusRow) -> Status:
    return Status(
        measure=row.measure,
        kommune=row.kommune or None,
        status=row.status,
        comment=row.comment,
        contact=row.contact,
        date=row.status_date,
        changed=_utc(row.changed_at),
        changed_by=row.changed_by,
        version=row.version,
    )


def _change(row: HistoryRow) -> Change:
    return Change(
        measure=row.measure,
        kommune=row.kommune or None,
        old=row.old_status,
        new=row.new_status,
        comment=row.comment,
        contact=row.contact,
        date=row.status_date,
        changed=_utc(row.changed_at),
        changed_by=row.changed_by,
        version=row.version,
    )


def bump(conn, programme: str) -> None:
    """Count a change of `programme`'s follow-up, inside the writing transaction (an upsert,
    so two first writes in two processes cannot both insert)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    statement = upsert(RevisionRow).values(programme=programme, counter=1)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[RevisionRow.programme],
            set_={"counter": RevisionRow.counter + 1},
        )
    )


class _Stale(Exception):
    """The row is not at the version the writer read (told after the rollback)."""


class DatabaseStore:
    """Statuses of one programme (`scope.programme`) in a database."""

    def __init__(self, engine: Engine, scope: Scope):
        self.engine = engine
        self.scope = scope
        self._single = single_reads(engine)  # the change counter, read on every request
        self._held: tuple[int, dict[StatusKey, str], frozenset[Pair]] | None = None

    # -- reading ------------------------------------------------------------------------------

    def version(self) -> str:
        """Changes whenever a status is written, a pair opened or closed, or a file imported
        (the programme's change counter, bumped in the same transaction)."""
        with self._single.connect() as conn:
            return str(self._counter(conn))

    def _counter(self, conn) -> int:
        counter = conn.scalar(
            select(RevisionRow.counter).where(RevisionRow.programme == self.scope.programme)
        )
        return int(counter or 0)

    def progress_source(self) -> tuple[Mapping[StatusKey, str], frozenset[Pair]]:
        """The status values and the reporting pairs, for the progress map. Read again only
        when the change counter (read on every call) moved: nothing another process changed
        is hidden, and an unchanged follow-up costs one small read."""
        with self._single.connect() as conn:
            counter = self._counter(conn)
        held = self._held
        if held is not None and held[0] == counter:
            return held[1], held[2]
        with self.engine.connect() as conn:
            counter = self._counter(conn)  # what is read next is this new or newer
            codes = self._codes(conn)
            opened = self._openings(conn)
        reportable = self.scope.reporting(opened)
        self._held = (counter, codes, reportable)  # one tuple: replaced whole, never mixed
        return codes, reportable

    def statuses(self) -> Mapping[StatusKey, Status]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(StatusRow).where(StatusRow.programme == self.scope.programme)
            )
            return {(r.measure, r.kommune or None): _status(r) for r in rows}  # type: ignore[arg-type]

    def status_codes(self) -> Mapping[StatusKey, str]:
        """Every recorded status's value only (three columns, no row objects)."""
        with self.engine.connect() as conn:
            return self._codes(conn)

    def _codes(self, conn) -> dict[StatusKey, str]:
        rows = conn.execute(
            select(StatusRow.measure, StatusRow.kommune, StatusRow.status).where(
                StatusRow.programme == self.scope.programme
            )
        )
        return {(m, k or None): v for m, k, v in rows}

    def status(self, key: StatusKey) -> Status:
        """The recorded status of `key`, or an unreported one (version 0)."""
        with self.engine.connect() as conn:
            row = conn.execute(self._where(select(StatusRow), key)).first()
        return _status(row) if row else Status(key[0], key[1], "")  # type: ignore[arg-type]

    def openings(self) -> frozenset[Pair]:
        with self.engine.connect() as conn:
            return self._openings(conn)

    def _openings(self, conn) -> frozenset[Pair]:
        rows = conn.execute(
            select(OpeningRow.measure, OpeningRow.kommune).where(
                OpeningRow.programme == self.scope.programme
            )
        )
        return frozenset((m, k) for m, k in rows)

    def opened(self) -> list[tuple[str, str, str, dt.datetime]]:
        """The pairs the county opened for reporting: (measure, kommune, by whom, when)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    OpeningRow.measure,
                    OpeningRow.kommune,
                    OpeningRow.opened_by,
                    OpeningRow.opened_at,
                )
                .where(OpeningRow.programme == self.scope.programme)
                .order_by(OpeningRow.opened_at.desc())
            )
            return [(m, k, by, _utc(at)) for m, k, by, at in rows]

    def reportable(self) -> frozenset[Pair]:
        """The pairs that can carry a status: asked to act, and counted pairs opened."""
        return self.scope.reporting(self.openings())

    def history(self, measure: str | None = None, kommune: str | None = None) -> list[Change]:
        """Every kept change, newest first; of one measure and/or one municipality (not that
        of measures a revision removed: archived with their statuses)."""
        query = select(HistoryRow).where(
            HistoryRow.programme == self.scope.programme, HistoryRow.archived.is_(None)
        )
        if measure is not None:
            query = query.where(HistoryRow.measure == measure)
        if kommune is not None:
            query = query.where(HistoryRow.kommune == kommune)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(HistoryRow.id.desc()))
            return [_change(r) for r in rows]  # type: ignore[arg-type]

    # -- writing ------------------------------------------------------------------------------

    def check_key(self, key: StatusKey) -> None:
        """Refuse a measure the programme does not have, or a pair not open for reporting."""
        measure, kommune = key
        if measure not in self.scope.measures:
            raise FollowupError(f"Tiltak {measure[:32]} finnes ikke i programmet.")
        if kommune is not None and (measure, kommune) not in self.reportable():
            raise FollowupError(
                f"Tiltak {measure} er ikke åpnet for rapportering for kommune {kommune[:8]}."
            )

    def save(
        self,
        user: User | None,
        key: StatusKey,
        status: str,
        *,
        version: int,
        comment: object = "",
        contact: object = "",
        date: object = None,
    ) -> Status:
        """Record `status` for `key` if `user` may, and if the row is still at `version` (0:
        never recorded); otherwise `NotAllowed` or `Conflict` (with the current value)."""
        if user is None:
            raise NotAllowed("Logg inn for å endre status.")
        if not user.may_change(key[1]):
            where = f"kommune {key[1]}" if key[1] else "tiltaket som helhet"
            raise NotAllowed(f"Du har ikke tilgang til å endre status for {where}.")
        self.check_key(key)
        value = StatusValue(status) if status in STATUS_LABELS else None
        if value is None:
            raise FollowupError(f"Ukjent status «{str(status)[:20]}»: velg en fra listen.")
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise FollowupError("Ugyldig versjon: last siden på nytt.")
        fields = {
            "status": str(value),
            "comment": clean_text(comment, MAX_COMMENT, "Kommentaren"),
            "contact": clean_text(contact, MAX_CONTACT, "Kontaktpersonen"),
            "status_date": clean_date(date),
            "changed_at": now(),
            "changed_by": user.username,
        }
        return self._write(key, fields, version)

    def _where(self, query, key: StatusKey):
        return query.where(
            and_(
                StatusRow.programme == self.scope.programme,
                StatusRow.measure == key[0],
                StatusRow.kommune == (key[1] or WHOLE),
            )
        )

    def _write(self, key: StatusKey, fields: dict, version: int) -> Status:
        """Compare-and-set in one transaction, with the history row beside it."""
        try:
            with writing(self.engine) as conn:
                old = conn.execute(self._where(select(StatusRow), key)).first()
                if (old.version if old else 0) != version:
                    raise _Stale
                if old is None:
                    conn.execute(
                        insert(StatusRow).values(
                            programme=self.scope.programme,
                            measure=key[0],
                            kommune=key[1] or WHOLE,
                            version=1,
                            **fields,
                        )
                    )
                else:
                    done = conn.execute(
                        self._where(update(StatusRow), key)
                        .where(StatusRow.version == version)
                        .values(version=version + 1, **fields)
                    )
                    if done.rowcount != 1:
                        raise _Stale
                bump(conn, self.scope.programme)
                conn.execute(
                    insert(HistoryRow).values(
                        programme=self.scope.programme,
                        measure=key[0],
                        kommune=key[1] or WHOLE,
                        old_status=old.status if old else None,
                        new_status=fields["status"],
                        comment=fields["comment"],
                        contact=fields["contact"],
                        status_date=fields["status_date"],
                        version=version + 1,
                        changed_at=fields["changed_at"],
                        changed_by=fields["changed_by"],
                    )
                )
        except (_Stale, IntegrityError):  # IntegrityError: another first write won the race
            raise self._conflict(key) from None
        return self.status(key)

    def _conflict(self, key: StatusKey) -> Conflict:
        current = self.status(key)
        who = f" av {current.changed_by}" if current.changed_by else ""
        when = f" {oslo_time(current.changed)}" if current.changed else ""
        label = current.label or "Ikke rapportert"
        return Conflict(
            f"Statusen er endret{who}{when} mens du så på den: nå «{label}». "
            "Se over og lagre igjen hvis din endring fortsatt gjelder.",
            current,
        )

    def open_pairs(self, user: User, pairs: Iterable[Pair], opened: bool = True) -> int:
        """Open (or close) counted pairs for reporting; the county's administrators only."""
        if not user.admin:
            raise NotAllowed(
                "Bare fylkeskommunens administratorer kan åpne tiltak for rapportering."
            )
        pairs = list(pairs)
        for pair in pairs:
            if pair not in self.scope.counted:
                raise FollowupError(f"Tiltak {pair[0]} gjelder ikke kommune {pair[1]}.")
        with writing(self.engine) as conn:
            bump(conn, self.scope.programme)
            for measure, kommune in pairs:
                where = and_(
                    OpeningRow.programme == self.scope.programme,
                    OpeningRow.measure == measure,
                    OpeningRow.kommune == kommune,
                )
                conn.execute(delete(OpeningRow).where(where))
                if opened:
                    conn.execute(
                        insert(OpeningRow).values(
                            programme=self.scope.programme,
                            measure=measure,
                            kommune=kommune,
                            opened_by=user.username,
                            opened_at=now(),
                        )
                    )
        return len(pairs)
