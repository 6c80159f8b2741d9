"""From a file on disk to parsed measures: the first step of the pipeline."""

from __future__ import annotations

from pathlib import Path

from geo.parse import Extraction, parse_text
from geo.source import Document, InputError, document_from_bytes, read_document

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DEFAULT_DOCUMENT = DATA_DIR / "tiltak" / "handlingsprogram-ostfold-2025-2028.txt"
GAZETTEER_DIR = DATA_DIR / "kommuner"
DEFAULT_COUNTY = "31"
DEFAULT_CACHE_DIR = GAZETTEER_DIR / "cache"
CACHE_DIR_ENV = "TILTAKSKART_CACHE_DIR"


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


def extract_and_tag(
    path: str | Path,
    county: str = DEFAULT_COUNTY,
    gazetteer_dir: str | Path = GAZETTEER_DIR,
    boundaries: str | Path | None = None,
):
    """Parse a programme and tag its measures: (document, extraction, gazetteer, tags)."""
    from geo.gazetteer import gazetteer_for_county
    from geo.tagging import Tagger

    gazetteer = gazetteer_for_county(county, gazetteer_dir, boundaries)
    document, extraction = extract_file(path)
    tags = Tagger(gazetteer).tag(extraction.measures)
    return document, extraction, gazetteer, tags
