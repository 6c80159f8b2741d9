"""A programme's file format, told from its bytes, and PDF and Word files turned into text in a
child process with bounded time and memory (geo.bounded): a hostile file (a PDF bomb, 10 000
pages, a huge image, a zip bomb) costs at most CONVERT_SECONDS and CONVERT_MEMORY_BYTES, and
a crash in the PDF engine ends the child, not the caller."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from enum import StrEnum

from geo.bounded import ChildFailed, limit_self, run_module
from geo.errors import InputError

CONVERT_SECONDS = 60.0
CONVERT_MEMORY_BYTES = 2 * 1024**3


class Format(StrEnum):
    TEXT = "text"
    PDF = "pdf"
    DOCX = "docx"


def sniff(data: bytes, name: str) -> Format:
    """The format of a programme file from its first bytes (not its name); an InputError for a
    format we cannot read (old .doc, another zip such as .odt or .xlsx)."""
    if b"%PDF-" in data[:1024]:  # the header, after any junk a PDF reader skips too
        return Format.PDF
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(
            "is an old Word (.doc) or other Office binary file; save it as .docx or PDF",
            value=name,
            setting="document",
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist()[:10_000])
        except (zipfile.BadZipFile, ValueError, OSError):
            raise InputError(
                "is a damaged zip file (a Word file?); save it again from its source",
                value=name,
                setting="document",
            ) from None
        if "word/document.xml" in names:
            return Format.DOCX
        raise InputError(
            "is a zip file but not a Word document (.docx); give the programme as .docx, PDF or "
            "text (an OpenDocument .odt file: save it as .docx)",
            value=name,
            setting="document",
        )
    return Format.TEXT


_PROBLEMS = {
    "encrypted": "the PDF is encrypted (password protected); save an unprotected copy",
    "scan": "the PDF has no text layer (a scan?); run OCR on it first (e.g. ocrmypdf) or "
    "give the programme as text or Word",
    "damaged": "the {what} is damaged and cannot be read ({detail}); save it again from its source",
    "pages": "the PDF has {detail} pages, more than a programme has (the limit is {limit}); "
    "check the file",
    "bomb": "the Word file unpacks to far more than a document holds ({detail}); check the file",
}


def convert(data: bytes, fmt: Format, name: str, seconds: float = CONVERT_SECONDS) -> str:
    """The text of a PDF or Word file, read in a bounded child process; InputError naming the
    problem (encrypted, scan, damaged, too many pages, too big or too slow) otherwise."""
    what = "PDF" if fmt is Format.PDF else "Word file"
    try:
        answer = run_module(
            "geo.reading.formats",
            [fmt.value, str(CONVERT_MEMORY_BYTES), str(seconds)],
            data,
            seconds,
        )
        result = json.loads(answer)
    except ChildFailed as exc:
        if exc.timeout:
            reason = (
                f"reading the {what} took over {seconds:g} s; check the file, or give it as text"
            )
        else:
            limit = CONVERT_MEMORY_BYTES // 1024**3
            reason = (
                f"the {what} could not be read: reading it needed over {limit} GB of memory or "
                f"stopped the reader ({exc.reason}); check the file, or give it as text"
            )
        raise InputError(reason, value=name, setting="document") from None
    except ValueError:
        raise InputError(
            f"the {what} could not be read (no answer); give it as text", value=name
        ) from None
    if "problem" in result:
        from geo.reading.pdf import MAX_PAGES

        template = _PROBLEMS.get(result["problem"], _PROBLEMS["damaged"])
        reason = template.format(what=what, detail=result.get("detail", "")[:120], limit=MAX_PAGES)
        raise InputError(reason, value=name, setting="document")
    return str(result["text"])


def _child(fmt: str, memory: int, seconds: float) -> None:
    """Read a file's bytes on stdin; write {"text": …} or {"problem": kind, "detail": …}."""
    limit_self(memory, seconds)
    data = sys.stdin.buffer.read()
    from geo.reading.docx import DocxProblem, read_docx
    from geo.reading.pdf import PdfProblem, read_pdf

    try:
        text = read_pdf(data) if fmt == Format.PDF else read_docx(data)
        answer = {"text": text}
    except (PdfProblem, DocxProblem) as exc:
        answer = {"problem": exc.kind, "detail": exc.detail}
    except MemoryError:
        answer = {"problem": "damaged", "detail": "it needs more memory than any document"}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        # a value the reader cannot use (a list level "one"): a damaged file, said as such
        answer = {"problem": "damaged", "detail": f"{type(exc).__name__}: {exc}"[:120]}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
