"""Read the programme text from disk: encoding, and clear errors for bad input."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


class InputError(Exception):
    """Bad input from the user: the message is one line naming the problem and the way out."""


@dataclass(frozen=True)
class Document:
    """A programme text as read from disk."""

    name: str
    text: str
    sha256: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


# Bytes that never occur in a text file (tab, newline, carriage return, form feed excepted).
_CONTROL = {b for b in range(32) if b not in (9, 10, 12, 13)}


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode file bytes to text; return (text, encoding, warnings) or raise InputError."""
    if not data.strip():
        raise InputError(f"{name} is empty: give the action programme as a plain-text file")
    if data.startswith(b"%PDF-"):
        raise InputError(
            f"{name} is a PDF: extract its text first (e.g. 'pdftotext -layout {name} out.txt') "
            "and pass the .txt file"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            pass
    sample = data[:65536]
    controls = sum(1 for b in sample if b in _CONTROL)
    if b"\x00" in sample or controls > len(sample) // 100:
        raise InputError(
            f"{name} looks like a binary file, not text: give the action programme as a "
            "plain-text (UTF-8) file"
        )
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    # Norwegian Windows tools write Windows-1252; Latin-1 takes the bytes cp1252 leaves undefined.
    try:
        text, encoding = data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    warning = (
        f"{name} is not UTF-8; read it as {encoding}. Save it as UTF-8 to silence this warning"
    )
    return text, encoding, [warning]


def read_document(path: str | Path) -> Document:
    """Read and decode a programme text file, raising InputError for anything unusable."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{name}: no such file; give the path to the programme text, "
            "or leave DOCUMENT out to use the bundled programme"
        ) from None
    except IsADirectoryError:
        raise InputError(
            f"{name} is a directory; give the path to the programme text file"
        ) from None
    except PermissionError:
        raise InputError(f"{name}: permission denied; check that the file is readable") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror}); check the path") from None
    return document_from_bytes(data, name, display_name=path.name)


def document_from_bytes(data: bytes, name: str, display_name: str | None = None) -> Document:
    """Decode bytes into a Document; `name` is used in error messages."""
    text, encoding, warnings = decode(data, name)
    return Document(
        name=display_name or name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        warnings=warnings,
    )
