"""From a file (or bytes) to parsed measures: read the document, parse it by a grammar."""

from __future__ import annotations

from pathlib import Path

from geo.errors import InputError
from geo.reading.document import Document, document_from_bytes, read_document
from geo.reading.grammar import OSTFOLD, Grammar
from geo.reading.parse import Extraction, parse_text


def extract_document(document: Document, name: str, grammar: Grammar = OSTFOLD) -> Extraction:
    """Parse a read document; raise InputError if it holds no measure headers."""
    extraction = parse_text(document.text, grammar)
    if not any(h.kind != "toc" for h in extraction.headers):
        raise InputError(
            "no measure headers found (lines such as '1.2.3 Title'); "
            "give the action programme's text",
            value=name,
            setting="document",
        )
    return extraction


def extract_file(path: str | Path, grammar: Grammar = OSTFOLD) -> tuple[Document, Extraction]:
    """Read and parse a programme file (text, PDF or Word)."""
    document = read_document(path)
    return document, extract_document(document, str(path), grammar)


def extract_bytes(
    data: bytes, name: str = "<bytes>", grammar: Grammar = OSTFOLD
) -> tuple[Document, Extraction]:
    """Decode and parse a programme text given as bytes."""
    document = document_from_bytes(data, name)
    return document, extract_document(document, name, grammar)
