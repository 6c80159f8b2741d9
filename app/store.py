"""Data that changes while the app runs, read per request through one seam.

Everything the programme gives is computed once at start-up and never changes (the bundle is
immutable, frozen for the garbage collector, shared by gunicorn's workers). What users change
while the app runs, the follow-up of measures, is not part of it: views read it per request
from a `Store`, so no process keeps a copy another could make stale. The database store is
`followup.store.DatabaseStore`; `MemoryStore` is the read-only one the app uses without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Protocol

from followup.records import Change, Pair, Status, StatusKey

__all__ = ["Change", "MemoryStore", "Status", "StatusKey", "Store"]


class Store(Protocol):
    """Where views read data that changes while the app runs. Read it per request, never keep
    what it answers beyond one."""

    def version(self) -> str:
        """A token that changes whenever what the store holds changes."""
        ...

    def statuses(self) -> Mapping[StatusKey, Status]:
        """Every recorded status, by (measure, municipality)."""
        ...

    def status_codes(self) -> Mapping[StatusKey, str]:
        """Every recorded status's value only (cheaper than `statuses`, for counting)."""
        ...

    def reportable(self) -> frozenset[Pair]:
        """The (measure, municipality) pairs that can carry a status."""
        ...

    def progress_source(self) -> tuple[Mapping[StatusKey, str], frozenset[Pair]]:
        """`status_codes()` and `reportable()` together, as of one moment (the progress
        map's read; a store may keep them while its version has not moved)."""
        ...

    def history(self, measure: str | None = None, kommune: str | None = None) -> list[Change]:
        """Every kept change, newest first."""
        ...


class MemoryStore:
    """A read-only store of statuses given at start-up (none by default)."""

    def __init__(self, statuses: Iterable[Status] = (), reportable: Iterable[Pair] = ()):
        self._statuses = MappingProxyType({s.key: s for s in statuses})
        self._reportable = frozenset(reportable)

    def version(self) -> str:
        return "0"

    def statuses(self) -> Mapping[StatusKey, Status]:
        return self._statuses

    def status_codes(self) -> Mapping[StatusKey, str]:
        return {key: s.status for key, s in self._statuses.items()}

    def reportable(self) -> frozenset[Pair]:
        return self._reportable

    def progress_source(self) -> tuple[Mapping[StatusKey, str], frozenset[Pair]]:
        return self.status_codes(), self._reportable

    def history(self, measure: str | None = None, kommune: str | None = None) -> list[Change]:
        return []
