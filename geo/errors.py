"""The library's errors: one base class, one line each, naming the value that is wrong.

The library names the value (a file, a county number); the command line adds the flag the user
typed it with (`setting` says which), so the same error reads well in a log and in a terminal.
"""

from __future__ import annotations


class TiltakskartError(Exception):
    """A problem a user can fix: the message is one line naming the problem and the way out."""

    def __init__(self, reason: str, *, value: object = None, setting: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.value = value
        self.setting = setting  # a Settings field (e.g. "boundaries"), when the value came from one

    def __str__(self) -> str:
        return self.reason if self.value is None else f"{shown(self.value)}: {self.reason}"


def shown(value: object, width: int = 80) -> str:
    """A value as an error line shows it: on one line, at most `width` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


class InputError(TiltakskartError):
    """Bad input: a document, a file, an option or an environment variable."""


class GazetteerError(InputError):
    """A gazetteer file is missing or malformed, or names unknown municipalities."""


class BoundaryError(InputError):
    """Boundaries could not be had from any source."""


class FetchError(TiltakskartError):
    """A web API could not give what was asked for (network, HTTP status, size, deadline)."""


class ValidationError(FetchError):
    """An API answered, but with data that fails our checks (wrong CRS, swapped axes …)."""
