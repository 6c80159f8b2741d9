"""The follow-up's errors: each says, in Norwegian for the app's users, what went wrong."""

from __future__ import annotations

from followup.records import Status
from geo.errors import InputError


class FollowupError(InputError):
    """A follow-up request that cannot be done (a bad value, a refused permission)."""


class NotAllowed(FollowupError):
    """The user may not make this change (or is not logged in)."""


class Conflict(FollowupError):
    """Someone else changed the row since it was read: `current` is what it holds now."""

    def __init__(self, message: str, current: Status):
        super().__init__(message)
        self.current = current


class SchemaMismatch(FollowupError):
    """The database's schema is not the one this version of Tiltakskart expects."""


class AlreadyCarried(FollowupError):
    """The follow-up was carried over to this revision already (the same two documents)."""
