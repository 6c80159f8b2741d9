"""Read the programme from disk (text, PDF or Word): format, encoding, and clear errors for
bad input."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from geo.atomic import is_plain_file, private_folder, write_cache_atomic
from geo.errors import InputError
from geo.reading.formats import Format, convert, sniff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    """A programme text as read from disk."""

    name: str
    text: str
    sha256: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    format: str = Format.TEXT.value  # what the file was: text, pdf or docx


MAX_DOCUMENT_BYTES = 50_000_000  # far above any action programme; bounds time and memory
# Bytes that never occur in a text file (tab, newline, carriage return, form feed excepted).
_CONTROL = {b for b in range(32) if b not in (9, 10, 12, 13)}
# Characters that are not text: C0 and C1 controls (terminal escapes start with ESC) and the
# invisible bidirectional marks and overrides that reorder what a terminal shows. Tab, newline and
# carriage return are text; a form feed (pdftotext's page break) becomes a newline.
CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def strip_controls(text: str, name: str) -> tuple[str, list[str]]:
    """The text without control characters, and a warning saying how many were removed. A
    form feed becomes a newline; the Unicode line and paragraph separators a space (they would
    split a title in two unseen)."""
    text = text.replace("\f", "\n").replace("\u2028", " ").replace("\u2029", " ")
    first = CONTROL_CHARS.search(text)
    if first is None:
        return text, []
    cleaned, count = CONTROL_CHARS.subn("", text)
    line = text.count("\n", 0, first.start()) + 1
    return cleaned, [
        f"{name}: removed {count} control character(s) that are not text (the first on line "
        f"{line}); save the text again from its source to silence this warning"
    ]


def _bad(name: str, reason: str) -> InputError:
    return InputError(reason, value=name, setting="document")


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode file bytes to text; return (text, encoding, warnings) or raise InputError."""
    if not data.strip():
        raise _bad(name, "the file is empty; give the action programme as text, PDF or Word")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            pass
    sample = data[:65536]
    controls = sum(1 for b in sample if b in _CONTROL)
    if b"\x00" in sample or controls > len(sample) // 100:
        raise _bad(
            name,
            "looks like a binary file, not text, PDF or Word (.docx); give the action "
            "programme in one of those",
        )
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # A UTF-8 text with a few broken sequences stays UTF-8 (read as Latin-1 it would turn every
    # æ, ø and å into two wrong letters); many broken sequences mean another encoding.
    text = data.decode("utf-8-sig", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    if broken <= max(3, len(text) // 1000) and sum(b >= 0xC2 for b in data[:first_bad]) > 0:
        line = data.count(b"\n", 0, first_bad) + 1
        warning = (
            f"{name}: {broken} byte sequence(s) are not UTF-8 (the first on line {line}), "
            "shown as \ufffd; correct them in the source to silence this warning"
        )
        return text, "utf-8", [warning]
    # Norwegian Windows tools write Windows-1252; Latin-1 takes the bytes cp1252 leaves undefined.
    try:
        text, encoding = data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    warning = (
        f"{name} is not UTF-8; read it as {encoding}. Save it as UTF-8 to silence this warning"
    )
    return text, encoding, [warning]


READER_VERSION = (
    "1"  # in the cache key of converted text: raise when the PDF or Word reader changes
)


def read_document(path: str | Path, cache_dir: Path | None = None) -> Document:
    """Read and decode a programme file (text, PDF or Word); InputError for anything
    unusable."""
    path = Path(path)
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_DOCUMENT_BYTES:
            raise _bad(
                name,
                f"is {info.st_size / 1e6:.0f} MB; a programme is far smaller (the bundled "
                f"one is 0.3 MB, the limit {MAX_DOCUMENT_BYTES / 1e6:.0f} MB): check the file",
            )
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            raise _bad(
                name, "is not a regular file (a device or a pipe); give a text, PDF or Word file"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        parts = [p for p in name.split(os.pathsep) if p]
        if len(parts) > 1 and all(Path(p).exists() for p in parts):
            raise _bad(
                name,
                f"names {len(parts)} files; this command reads one programme (serve takes "
                "several): give one of them",
            ) from None
        raise _bad(
            name,
            "no such file; give the path to the programme (text, PDF or Word), "
            "or leave DOCUMENT out to use the bundled programme",
        ) from None
    except IsADirectoryError:
        raise _bad(
            name, "is a directory; give the path to the programme file (text, PDF or Word)"
        ) from None
    except PermissionError:
        raise _bad(name, "permission denied; check that the file is readable") from None
    except OSError as exc:
        raise _bad(name, f"cannot be read ({exc.strerror}); check the path") from None
    return document_from_bytes(data, name, display_name=path.name, cache_dir=cache_dir)


def document_from_bytes(
    data: bytes, name: str, display_name: str | None = None, cache_dir: Path | None = None
) -> Document:
    """Decode bytes (text, PDF or Word) into a Document; `name` is used in error messages. The
    text of a PDF or Word file is kept in `cache_dir` by the file's content hash, so a start
    with the same file reads it back instead of converting it again."""
    fmt = sniff(data, name) if data.strip() else Format.TEXT
    digest = hashlib.sha256(data).hexdigest()
    if fmt is Format.TEXT:
        text, encoding, warnings = decode(data, name)
    else:
        text, encoding, warnings = _converted(data, fmt, name, digest, cache_dir), "utf-8", []
        if not text.strip():
            raise _bad(name, f"the {fmt.value.upper()} file holds no text; check the file")
    text, removed = strip_controls(text, display_name or name)
    return Document(
        name=display_name or name,
        text=text,
        sha256=digest,
        encoding=encoding,
        warnings=warnings + removed,
        format=fmt.value,
    )


def _converted(data: bytes, fmt: Format, name: str, digest: str, cache_dir: Path | None) -> str:
    """A PDF's or Word file's text: from the cache when converted before, else converted (in a
    bounded child process) and cached. A cache that cannot be read or written is skipped."""
    if cache_dir is None:
        return convert(data, fmt, name)
    path = Path(cache_dir) / f"document-{digest}-{fmt.value}-{READER_VERSION}.txt"
    if is_plain_file(path):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            log.warning("the cached text %s cannot be read; converting %s again", path, name)
    text = convert(data, fmt, name)
    try:
        private_folder(path.parent)
        write_cache_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as exc:
        log.warning("the converted text of %s is not cached (%s)", name, exc)
    return text
