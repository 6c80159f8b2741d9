"""From a file on disk to parsed measures: the first step of the pipeline."""

from __future__ import annotations

from pathlib import Path

from geo.parse import Extraction, parse_text
from geo.source import Document, InputError, document_from_bytes, read_document

DEFAULT_DOCUMENT = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "tiltak"
    / "handlingsprogram-ostfold-2025-2028.txt"
)


def extract_document(document: Document, name: str) -> Extraction:
    """Parse a read document; raise InputError if it holds no measure headers."""
    extraction = parse_text(document.text)
    if not any(h.kind != "toc" for h in extraction.headers):
        raise InputError(
            f"{name}: no measure headers found (lines such as '1.2.3 Title'); "
            "give the action programme's text"
        )
    return extraction


def extract_file(path: str | Path) -> tuple[Document, Extraction]:
    """Read and parse a programme text file."""
    document = read_document(path)
    return document, extract_document(document, str(path))


def extract_bytes(data: bytes, name: str = "<bytes>") -> tuple[Document, Extraction]:
    """Decode and parse a programme text given as bytes."""
    document = document_from_bytes(data, name)
    return document, extract_document(document, name)
