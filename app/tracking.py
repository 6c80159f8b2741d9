"""The follow-up as the app uses it: what a programme lets be reported (its scope), the
database and logins opened from the settings, and progress per municipality."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from app.access import Access, session_secret
from app.jobs import background_manager
from followup import db
from followup.auth import Accounts
from followup.carry import Pending, Plan
from followup.records import PROGRESS, Pair, Scope, StatusKey
from followup.store import DatabaseStore
from followup.uploads import Uploads, UploadState
from geo.load.index import Filters
from geo.pipeline import Programme
from geo.settings import Settings
from geo.terms import Change

log = logging.getLogger(__name__)


def scope_of(programme: Programme) -> Scope:
    """Its measures, the pairs where the municipality is asked to act, every counted pair."""
    index = programme.index
    parts = index.partition(Filters())
    numbers, ids = index.numbers, index.ids

    def pairs(matrix: np.ndarray) -> frozenset[tuple[str, str]]:
        rows, cols = np.nonzero(matrix)
        return frozenset((ids[c], numbers[r]) for r, c in zip(rows, cols, strict=True))

    return Scope(programme.key, frozenset(ids), pairs(parts.act), pairs(parts.total))


@dataclass(frozen=True)
class Followup:
    """The database and logins the app's views share."""

    access: Access
    # (programme key, document hash) -> its store: revisions that share a key (the same
    # period) share their rows, each read and checked with its own scope
    stores: dict[tuple[str, str], DatabaseStore]
    uploads: Uploads | None = None  # programme files the administrators upload
    served: tuple[Programme, ...] = ()  # every programme served, in order (revisions last)
    reading: Settings | None = None  # how an uploaded programme is read (the app's settings)
    jobs: Any = None  # the background jobs' manager (app.jobs), one for every page

    def store_for(self, programme: Programme) -> DatabaseStore:
        return self.stores[(programme.key, programme.document.sha256)]


def published_documents(settings: Settings) -> list[tuple[str, Path]]:
    """The revisions administrators published (app.uploads), oldest first, as their hashes
    and files in the data folder (`revisjoner/<hash>/<its name>`), to be served after the
    settings' own."""
    from geo.atomic import write_atomic

    engine = db.open_database(settings.database_url, settings.data_dir, create=True)
    try:
        uploads = Uploads(engine)
        published = [u for u in uploads.list() if u.state == UploadState.PUBLISHED]
        published.sort(key=lambda u: (u.published_at or u.uploaded_at, u.sha256))
        folder = (settings.data_dir or db.default_data_dir()).expanduser() / "revisjoner"
        paths = []
        for upload in published:
            path = folder / upload.sha256[:16] / upload.filename
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                data = uploads.content(upload.sha256)[1]
                write_atomic(path, partial(Path.write_bytes, data=data), mode=0o600)
            paths.append((upload.sha256, path))
        return paths
    finally:
        engine.dispose()


def open_followup(settings: Settings, programmes: list[Programme], *, local: bool) -> Followup:
    """Open (on first start: create) the database, check its schema, and build the stores
    and logins; `local` is the one-user `serve`, which may keep its own secret."""
    engine = db.open_database(settings.database_url, settings.data_dir, create=True)
    secret = session_secret(
        settings.secret_key,
        development=settings.development,
        data_dir=settings.data_dir,
        local=local,
    )
    access = Access(
        Accounts(engine),
        secret,
        secure=not settings.development,
        login_to_read=settings.login_to_read,
    )
    stores = {(p.key, p.document.sha256): DatabaseStore(engine, scope_of(p)) for p in programmes}
    try:
        jobs = background_manager(settings)
    except (OSError, sqlite3.Error) as exc:  # the disk cache's folder or file (a full disk)
        log.warning("cannot open the background jobs' cache (%s); uploading programmes is off", exc)
        return Followup(access, stores, Uploads(engine), tuple(programmes))
    return Followup(access, stores, Uploads(engine), tuple(programmes), settings, jobs)


@dataclass(frozen=True)
class StatusGrid:
    """The follow-up laid on a programme's (municipality × measure) grid: the pairs that can
    carry a status, those of them that have one, and those under way or done."""

    open: np.ndarray
    reported: np.ndarray
    moving: np.ndarray


def status_grid(
    statuses: Mapping[StatusKey, str],
    reportable: frozenset[Pair],
    numbers: Sequence[str],
    ids: Sequence[str],
) -> StatusGrid:
    """`statuses` (each key's status value) and the reporting pairs on the grid of
    `numbers` × `ids`; what lies outside it (the measure as a whole, another map) is left out."""
    column = {m: j for j, m in enumerate(ids)}
    row = {n: i for i, n in enumerate(numbers)}
    open_ = np.zeros((len(numbers), len(ids)), dtype=bool)
    for measure, kommune in reportable:
        if measure in column and kommune in row:
            open_[row[kommune], column[measure]] = True
    moving = np.zeros_like(open_)
    reported = np.zeros_like(open_)
    for (measure, number), status in statuses.items():
        if number is None or number not in row or measure not in column:
            continue
        if open_[row[number], column[measure]]:
            reported[row[number], column[measure]] = True
            moving[row[number], column[measure]] = status in PROGRESS
    return StatusGrid(open_, reported, moving)


def count_progress(grid: StatusGrid, specific: np.ndarray) -> dict[str, np.ndarray]:
    """Per municipality, over its `specific` measures that can carry a status: how many are
    reported, in progress or done, and not reported."""
    open_ = grid.open & specific
    reported = grid.reported & open_
    return {
        "open": open_.sum(axis=1),
        "reported": reported.sum(axis=1),
        "progress": (grid.moving & open_).sum(axis=1),
        "unreported": (open_ & ~reported).sum(axis=1),
    }


def progress_counts(
    statuses: Mapping[StatusKey, str],
    reportable: frozenset[Pair],
    numbers: Sequence[str],
    ids: Sequence[str],
    specific: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per municipality, over its specific measures that can carry a status: how many are
    reported, in progress or done, and not reported (`statuses`: each key's status value)."""
    return count_progress(status_grid(statuses, reportable, numbers, ids), specific)


def carry_plan_of(old: Programme, new: Programme, label: str, fingerprint: str) -> Plan:
    """What the diff of two revisions proposes for the follow-up (followup.carry): sure
    matches carried, uncertain ones (weak, or split out) for the administrator to decide, and
    removed measures archived; `label` names the new revision, `fingerprint` its documents."""
    from geo.revisions import diff_programmes

    changes = diff_programmes(old.revision, new.revision).measures
    return Plan(
        old=old.key,
        new=new.key,
        label=label,
        sure={c.old: c.new for c in changes if c.old and c.new and not c.uncertain},
        pending=tuple(
            Pending(c.old, c.new, c.change == Change.SPLIT, c.confidence)
            for c in changes
            if c.old and c.new and c.uncertain
        ),
        removed=frozenset(c.old for c in changes if c.old and c.change == Change.REMOVED),
        fingerprint=fingerprint,
        counted=scope_of(new).counted,
    )
