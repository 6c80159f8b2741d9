"""From a file (or bytes) to parsed measures: read the document, parse it by a grammar."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from geo.errors import InputError
from geo.reading.document import Document, document_from_bytes, read_document
from geo.reading.grammar import GRAMMARS, Grammar
from geo.reading.parse import Extraction, parse_text


def _score(extraction: Extraction) -> tuple[int, int]:
    problems = len(extraction.unclassified) + len(extraction.stray)
    return extraction.described - problems, len(extraction.measures)


def choose_grammar(text: str, grammars: dict[str, Grammar] = GRAMMARS) -> Extraction:
    """The text read by the grammar that reads it best: the most measures with labelled
    fields, less the header lines and passages it cannot place; a tie goes to the grammar
    registered first. The extraction says which grammar and why (`grammar_note`)."""
    lines = text.splitlines()
    scored = []
    for grammar in grammars.values():
        if not any(grammar.header_like.match(line) for line in lines):
            continue  # not one header of this shape: not worth a parse
        extraction = parse_text(text, grammar)
        scored.append((_score(extraction), extraction))
    if not scored:
        return parse_text(text, next(iter(grammars.values())))
    best = max(scored, key=lambda pair: pair[0])  # max keeps the first of equals
    extraction = best[1]
    others = "; ".join(f"{e.grammar} {e.described}" for _, e in scored if e is not extraction)
    note = (
        f"chosen from the document: {extraction.described} of {len(extraction.measures)} "
        f"measures with labelled fields" + (f" (other grammars: {others})" if others else "")
    )
    return replace(extraction, grammar_note=note)


def extract_document(document: Document, name: str, grammar: Grammar | None = None) -> Extraction:
    """Parse a read document by a grammar, or by the one that reads it best (None); raise
    InputError if it holds no measure headers."""
    if grammar is None:
        extraction = choose_grammar(document.text)
    else:
        extraction = replace(parse_text(document.text, grammar), grammar_note="as given")
    if not any(h.kind != "toc" for h in extraction.headers):
        raise InputError(
            "no measure headers found (lines such as '1.2.3 Title' or '2.3 Title'); "
            "give the action programme",
            value=name,
            setting="document",
        )
    return extraction


def extract_file(
    path: str | Path, grammar: Grammar | None = None, cache_dir: Path | None = None
) -> tuple[Document, Extraction]:
    """Read and parse a programme file (text, PDF or Word; `cache_dir` keeps the text of a PDF
    or Word file by its content hash)."""
    document = read_document(path, cache_dir)
    return document, extract_document(document, str(path), grammar)


def extract_bytes(
    data: bytes, name: str = "<bytes>", grammar: Grammar | None = None
) -> tuple[Document, Extraction]:
    """Decode and parse a programme text given as bytes."""
    document = document_from_bytes(data, name)
    return document, extract_document(document, name, grammar)
