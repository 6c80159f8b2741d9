"""Data that changes while the app runs, read per request through one seam.

Everything the programme gives is computed once at start-up and never changes (the bundle is
immutable, frozen for the garbage collector, shared by gunicorn's workers). What users change
while the app runs, the follow-up of measures, is not part of it: views read it per request
from a `Store`, so a database plugs in here without touching each view. Today the only store
is an in-memory, read-only one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

StatusKey = tuple[str, str | None]  # (measure id, kommunenummer; None: the measure as a whole)


@dataclass(frozen=True)
class Status:
    """The follow-up of a measure in a municipality (or of the measure as a whole)."""

    measure: str
    kommune: str | None
    status: str
    comment: str = ""
    changed: dt.datetime | None = None
    changed_by: str | None = None

    @property
    def key(self) -> StatusKey:
        return (self.measure, self.kommune)


class Store(Protocol):
    """Where views read data that changes while the app runs. Read it per request, never keep
    what it answers beyond one."""

    def version(self) -> int:
        """A number that changes whenever what the store holds changes."""
        ...

    def statuses(self) -> Mapping[StatusKey, Status]:
        """Every recorded status, by (measure, municipality)."""
        ...


class MemoryStore:
    """A read-only store of statuses given at start-up (none by default)."""

    def __init__(self, statuses: Iterable[Status] = ()):
        self._statuses = MappingProxyType({s.key: s for s in statuses})

    def version(self) -> int:
        return 0

    def statuses(self) -> Mapping[StatusKey, Status]:
        return self._statuses
