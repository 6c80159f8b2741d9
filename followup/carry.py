"""The follow-up carried over to a new revision of the programme: statuses, their history and
the opened pairs follow each measure to its new number; a measure split out of another starts
from a copy of its statuses; the statuses of removed measures are archived with the revision,
never deleted. All in one transaction: a revision is carried whole or not at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, delete, insert, select, update

from followup.db import writing
from followup.errors import AlreadyCarried, FollowupError
from followup.models import ArchivedRow, CarryRow, HistoryRow, OpeningRow, StatusRow
from followup.records import Pair
from followup.store import _utc, bump, now, oslo_time

STATUS_COLUMNS = ("kommune", "status", "comment", "contact", "status_date", "version")


@dataclass(frozen=True)
class Carry:
    """How a new revision takes over the follow-up of the old one (keys of programmes: the old
    and the new may be the same key when the revision keeps its period)."""

    old: str  # the old revision's programme key, e.g. "31-2025"
    new: str  # the new revision's
    label: str  # the new revision's name (its file), said in the history and the archive
    moves: Mapping[str, str]  # old measure id -> its id in the new revision (kept ones too)
    removed: frozenset[str]  # old ids the new revision does not have: archived
    copies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # old -> split out
    fingerprint: str = ""  # of the two documents: a carry-over is done once ("" : not logged)
    counted: frozenset[Pair] | None = None  # the new revision's counted pairs (None: unknown)


@dataclass(frozen=True)
class Carried:
    moved: int  # statuses under a new number (or programme)
    copied: int  # statuses copied to measures split out
    archived: int  # statuses of removed measures, archived
    closed: int  # opened pairs of removed measures, closed
    history: int  # history entries re-keyed


@dataclass(frozen=True)
class Pending:
    """A match of the diff that someone must confirm or reject before the follow-up moves."""

    old: str
    new: str
    split: bool  # a measure split out of `old` (which lives on), else a weak match
    confidence: float


@dataclass(frozen=True)
class Plan:
    """What the diff of two revisions proposes for the follow-up (made by the app's pipeline;
    the follow-up does not read programmes itself)."""

    old: str
    new: str
    label: str
    sure: Mapping[str, str]  # old -> new: kept and renumbered measures matched with confidence
    pending: tuple[Pending, ...]
    removed: frozenset[str]
    fingerprint: str = ""  # SHA-256 over both documents' SHA-256
    counted: frozenset[Pair] | None = None  # the new revision's counted pairs


def decide(plan: Plan, confirmed: set[tuple[str, str]], rejected: set[tuple[str, str]]) -> Carry:
    """The carry-over once every pending match is confirmed or rejected (else an error that
    lists what is left). A rejected match leaves the old measure removed (its statuses
    archived) and the new one new; a confirmed split starts from a copy."""
    pending = {(p.old, p.new): p for p in plan.pending}
    unknown = sorted((confirmed | rejected) - set(pending))
    if unknown:
        raise FollowupError(
            f"{unknown[0][0]}={unknown[0][1]} er ikke et usikkert treff i denne revisjonen."
        )
    both = sorted(confirmed & rejected)
    if both:
        raise FollowupError(f"{both[0][0]}={both[0][1]} er både bekreftet og avvist.")
    left = [p for key, p in pending.items() if key not in confirmed | rejected]
    if left:
        listed = ", ".join(f"{p.old}={p.new}" for p in left[:8])
        raise FollowupError(f"{len(left)} usikre treff må bekreftes eller avvises først: {listed}")
    moves = dict(plan.sure)
    copies: dict[str, tuple[str, ...]] = {}
    removed = set(plan.removed)
    for key in sorted(confirmed):
        p = pending[key]
        if p.split:
            copies[p.old] = (*copies.get(p.old, ()), p.new)
        else:
            moves[p.old] = p.new
    for key in sorted(rejected):
        p = pending[key]
        if not p.split and p.old not in moves:
            removed.add(p.old)
    orphans = sorted(old for old in copies if old in removed)
    if orphans:
        raise FollowupError(
            f"Tiltak {orphans[0]} er avvist som treff, men et tiltak delt ut av det er bekreftet; "
            "avvis også det, eller bekreft treffet."
        )
    return Carry(
        plan.old,
        plan.new,
        plan.label,
        moves,
        frozenset(removed),
        copies,
        plan.fingerprint,
        plan.counted,
    )


def _renumbered(old: str, new: str, label: str) -> str:
    if old == new:  # the same number in a revision of its own (another programme key)
        return f"Overført til revisjonen «{label}»."
    return f"Nytt nummer i revisjonen «{label}»: {old} → {new}."


def carry_over(
    engine: Engine, carry: Carry, by: str, also: Callable[[Connection], None] | None = None
) -> Carried:
    """Carry the follow-up of `carry.old` over to `carry.new` (see the module doc); `by` is
    who does it; `also` is done in the same transaction (publishing the revision). Refuses a
    plan that leaves a measure with statuses unaccounted for."""
    stamp = now()
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            # No save may slip in between the read below and the rewrite (SQLite's writing
            # transaction holds the write lock from its BEGIN already).
            conn.exec_driver_sql(
                "LOCK TABLE status, history, opening, archived_status, carry_log "
                "IN SHARE ROW EXCLUSIVE MODE"
            )
        if carry.fingerprint:
            done = conn.execute(
                select(CarryRow.label, CarryRow.applied_at).where(
                    CarryRow.fingerprint == carry.fingerprint
                )
            ).first()
            if done is not None:
                raise AlreadyCarried(
                    f"Denne revisjonen («{done.label}») er alt overført "
                    f"{oslo_time(_utc(done.applied_at))}; ingenting er endret."
                )
        rows = conn.execute(select(StatusRow).where(StatusRow.programme == carry.old)).all()
        known = set(carry.moves) | carry.removed
        loose = sorted({r.measure for r in rows} - known)
        if loose:
            raise FollowupError(
                f"Tiltak {', '.join(loose[:5])} har status, men verken et treff i den nye "
                "revisjonen eller er fjernet; bekreft eller avvis treffene først."
            )
        targets = set(carry.moves.values()) | {n for ns in carry.copies.values() for n in ns}
        if carry.new != carry.old:
            clash = conn.scalars(
                select(StatusRow.measure).where(
                    StatusRow.programme == carry.new, StatusRow.measure.in_(sorted(targets))
                )
            ).first()
            if clash is not None:
                raise FollowupError(
                    f"Den nye revisjonen har alt status for tiltak {clash}; ingenting er flyttet."
                )
        moved = copied = archived = 0
        # Every status of the old revision is taken out and put back under its new key: a
        # swap of two numbers cannot collide with itself half-way.
        conn.execute(delete(StatusRow).where(StatusRow.programme == carry.old))
        for r in rows:
            values = {c: getattr(r, c) for c in STATUS_COLUMNS}
            kept = {"changed_at": r.changed_at, "changed_by": r.changed_by}
            if r.measure in carry.removed:
                conn.execute(
                    insert(ArchivedRow).values(
                        programme=carry.old,
                        measure=r.measure,
                        **values,
                        **kept,
                        revision=carry.label[:200],
                        archived_at=stamp,
                        archived_by=by,
                    )
                )
                conn.execute(
                    insert(HistoryRow).values(
                        programme=carry.old,
                        measure=r.measure,
                        kommune=r.kommune,
                        old_status=r.status,
                        new_status=r.status,
                        comment=f"Arkivert: tiltaket er ikke med i revisjonen «{carry.label}».",
                        contact="",
                        status_date=None,
                        version=r.version,
                        changed_at=stamp,
                        changed_by=by,
                        archived=carry.label[:200],
                    )
                )
                archived += 1
                continue
            target = carry.moves[r.measure]
            conn.execute(
                insert(StatusRow).values(programme=carry.new, measure=target, **values, **kept)
            )
            if (target, carry.new) != (r.measure, carry.old):
                moved += 1
            for split in carry.copies.get(r.measure, ()):
                conn.execute(
                    insert(StatusRow).values(
                        programme=carry.new,
                        measure=split,
                        **{**values, "version": 1},
                        changed_at=stamp,
                        changed_by=by,
                    )
                )
                conn.execute(
                    insert(HistoryRow).values(
                        programme=carry.new,
                        measure=split,
                        kommune=r.kommune,
                        old_status=None,
                        new_status=r.status,
                        comment=f"Delt ut fra tiltak {target} i revisjonen «{carry.label}».",
                        contact=r.contact,
                        status_date=r.status_date,
                        version=1,
                        changed_at=stamp,
                        changed_by=by,
                    )
                )
                copied += 1
        # A removed measure's history goes with its archived statuses: a number the revision
        # gives to another measure starts with none of it.
        if carry.removed:
            conn.execute(
                update(HistoryRow)
                .where(
                    HistoryRow.programme == carry.old,
                    HistoryRow.measure.in_(sorted(carry.removed)),
                    HistoryRow.archived.is_(None),
                )
                .values(archived=carry.label[:200])
            )
        # The history follows its measure (row by row: numbers may swap).
        history = 0
        for hid, measure in conn.execute(
            select(HistoryRow.id, HistoryRow.measure).where(
                HistoryRow.programme == carry.old, HistoryRow.archived.is_(None)
            )
        ).all():
            to = carry.moves.get(measure)
            if to is None or (to, carry.new) == (measure, carry.old):
                continue
            conn.execute(
                update(HistoryRow)
                .where(HistoryRow.id == hid)
                .values(programme=carry.new, measure=to)
            )
            history += 1
        for r in rows:  # a line in each moved status's history saying so
            to = carry.moves.get(r.measure)
            if to is None or (to, carry.new) == (r.measure, carry.old):
                continue
            conn.execute(
                insert(HistoryRow).values(
                    programme=carry.new,
                    measure=to,
                    kommune=r.kommune,
                    old_status=r.status,
                    new_status=r.status,
                    comment=_renumbered(r.measure, to, carry.label),
                    contact=r.contact,
                    status_date=r.status_date,
                    version=r.version,
                    changed_at=stamp,
                    changed_by=by,
                )
            )
        # Opened pairs: re-keyed, or closed with their measure, or where the new revision
        # no longer counts the municipality for it (nothing there to open).
        openings = conn.execute(select(OpeningRow).where(OpeningRow.programme == carry.old)).all()
        conn.execute(delete(OpeningRow).where(OpeningRow.programme == carry.old))
        closed = 0
        for o in openings:
            to = carry.moves.get(o.measure)
            if to is None or (carry.counted is not None and (to, o.kommune) not in carry.counted):
                closed += 1
                continue
            conn.execute(
                insert(OpeningRow).values(
                    programme=carry.new,
                    measure=to,
                    kommune=o.kommune,
                    opened_by=o.opened_by,
                    opened_at=o.opened_at,
                )
            )
        if carry.fingerprint:
            conn.execute(
                insert(CarryRow).values(
                    fingerprint=carry.fingerprint,
                    old=carry.old,
                    new=carry.new,
                    label=carry.label[:200],
                    applied_at=stamp,
                    applied_by=by,
                )
            )
        bump(conn, carry.old)
        if carry.new != carry.old:
            bump(conn, carry.new)
        if also is not None:
            also(conn)
    return Carried(moved, copied, archived, closed, history)


def archived(engine: Engine, programme: str) -> list[tuple[str, str, str, str]]:
    """The statuses archived from `programme` by its revisions, oldest first: (measure,
    kommune, status, the revision that removed the measure)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ArchivedRow.measure, ArchivedRow.kommune, ArchivedRow.status, ArchivedRow.revision
            )
            .where(ArchivedRow.programme == programme)
            .order_by(ArchivedRow.id)
        )
        return [(m, k, v, r) for m, k, v, r in rows]


def archived_history(engine: Engine, programme: str, measure: str) -> list[tuple[str, str, str]]:
    """The kept history of a measure a revision removed, newest first: (comment, status,
    the revision that removed it)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(HistoryRow.comment, HistoryRow.new_status, HistoryRow.archived)
            .where(
                HistoryRow.programme == programme,
                HistoryRow.measure == measure,
                HistoryRow.archived.is_not(None),
            )
            .order_by(HistoryRow.id.desc())
        )
        return [(c, v, r or "") for c, v, r in rows]
