"""From a file on disk to parsed and tagged measures: the first steps of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo.errors import InputError
from geo.gazetteer import Gazetteer
from geo.parse import Extraction, parse_text
from geo.records import ExtractRecord, MeasureTags
from geo.resources import default_document
from geo.settings import Settings
from geo.source import Document, document_from_bytes, read_document


@dataclass(frozen=True)
class Tagged:
    """A parsed programme with its gazetteer and each measure's tags."""

    document: Document
    extraction: Extraction
    gazetteer: Gazetteer
    tags: dict[str, MeasureTags]

    def record(self) -> ExtractRecord:
        """The extract JSON of the tagged programme."""
        from geo.dataset import extract_record

        return extract_record(self.document, self.extraction, self.tags, self.gazetteer)


def extract_document(document: Document, name: str) -> Extraction:
    """Parse a read document; raise InputError if it holds no measure headers."""
    extraction = parse_text(document.text)
    if not any(h.kind != "toc" for h in extraction.headers):
        raise InputError(
            "no measure headers found (lines such as '1.2.3 Title'); "
            "give the action programme's text",
            value=name,
            setting="document",
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


def document_path(settings: Settings) -> Path:
    """The programme text the settings name, else the bundled one."""
    return settings.document or default_document()


def extract_and_tag(settings: Settings) -> Tagged:
    """Parse the settings' programme and tag its measures with the county's municipalities."""
    from geo.gazetteer import gazetteer_for_county
    from geo.tagging import Tagger

    gazetteer = gazetteer_for_county(settings.programme_county, settings.boundaries)
    document, extraction = extract_file(document_path(settings))
    return Tagged(document, extraction, gazetteer, Tagger(gazetteer).tag(extraction.measures))
