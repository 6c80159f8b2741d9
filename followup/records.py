"""The follow-up's words, defined once: status values and their Norwegian labels, user roles,
and the typed records handed to the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# (measure id, kommunenummer; None: the measure as a whole)
StatusKey = tuple[str, str | None]
Pair = tuple[str, str]  # (measure id, kommunenummer)


class StatusValue(StrEnum):
    NOT_STARTED = "ikke_startet"
    IN_PROGRESS = "pagar"
    DONE = "gjennomfort"
    POSTPONED = "utsatt"
    NOT_RELEVANT = "ikke_aktuelt"


STATUS_LABELS: dict[str, str] = {
    StatusValue.NOT_STARTED: "Ikke startet",
    StatusValue.IN_PROGRESS: "Pågår",
    StatusValue.DONE: "Gjennomført",
    StatusValue.POSTPONED: "Utsatt",
    StatusValue.NOT_RELEVANT: "Ikke aktuelt",
}
UNREPORTED = "ikke_rapportert"  # no status recorded: shown and counted as its own class
UNREPORTED_LABEL = "Ikke rapportert"
ALL_LABELS: dict[str, str] = {**STATUS_LABELS, UNREPORTED: UNREPORTED_LABEL}
# What counts as progress on the map and in the IPR comparison.
PROGRESS = frozenset({StatusValue.IN_PROGRESS, StatusValue.DONE})
WHOLE = ""  # the database's kommune for a status of the measure as a whole


def status_value(text: str) -> StatusValue | None:
    """A status from its code or its Norwegian label (any case), or None."""
    wanted = " ".join(str(text).split()).casefold()
    for value, label in STATUS_LABELS.items():
        if wanted in (value.casefold(), label.casefold()):
            return StatusValue(value)
    return None


class UserRole(StrEnum):
    EDITOR = "editor"  # changes the municipalities assigned to them
    ADMIN = "admin"  # the county: changes all, opens pairs, manages users


ROLE_LABELS: dict[str, str] = {UserRole.EDITOR: "redaktør", UserRole.ADMIN: "administrator"}


@dataclass(frozen=True)
class Status:
    """The follow-up of a measure in a municipality (or of the measure as a whole)."""

    measure: str
    kommune: str | None
    status: str
    comment: str = ""
    contact: str = ""
    date: dt.date | None = None  # the date the status refers to
    changed: dt.datetime | None = None
    changed_by: str | None = None
    version: int = 0  # 0: never recorded

    @property
    def key(self) -> StatusKey:
        return (self.measure, self.kommune)

    @property
    def label(self) -> str:
        return ALL_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class Change:
    """One kept change of a status: who, when, old and new."""

    measure: str
    kommune: str | None
    old: str | None  # None: there was no status before
    new: str
    comment: str
    contact: str
    date: dt.date | None
    changed: dt.datetime
    changed_by: str
    version: int


@dataclass(frozen=True)
class User:
    """A person who may log in: their role and, for editors, their municipalities."""

    id: int
    username: str
    role: UserRole
    kommuner: frozenset[str] = frozenset()

    @property
    def admin(self) -> bool:
        return self.role == UserRole.ADMIN

    def may_change(self, kommune: str | None) -> bool:
        """Whether this user may change the status of `kommune` (None: the measure as a
        whole, which only the county's administrators report)."""
        return self.admin or (kommune is not None and kommune in self.kommuner)


@dataclass(frozen=True)
class Scope:
    """What a programme lets be reported: its measures, the pairs where the municipality is
    asked to act, and every counted pair (which the county may open)."""

    programme: str  # the programme's key, e.g. "31-2025"
    measures: frozenset[str]
    act: frozenset[Pair]
    counted: frozenset[Pair]

    def reporting(self, opened: frozenset[Pair]) -> frozenset[Pair]:
        """The pairs that can carry a status: asked to act, and the counted pairs `opened`."""
        return self.act | (opened & self.counted)
