"""Shared fixtures: the bundled programme, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.extract import DEFAULT_DOCUMENT, extract_file

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def programme_path() -> Path:
    return DEFAULT_DOCUMENT


@pytest.fixture(scope="session")
def programme_text(programme_path: Path) -> str:
    return programme_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def extraction(programme_path: Path):
    return extract_file(programme_path)[1]


@pytest.fixture(scope="session")
def measures(extraction) -> dict:
    return {m.id: m for m in extraction.measures}


@pytest.fixture(scope="session")
def shared_kommuner() -> Path:
    """The shared Kartverket boundary files (never copied into the project)."""
    path = SHARED / "kommuner"
    if not (path / "ostfold-kommuner-2024.geojson").exists():
        pytest.skip(f"shared boundary files not found at {path}")
    return path


@pytest.fixture(scope="session")
def gazetteer():
    from geo.extract import GAZETTEER_DIR
    from geo.gazetteer import load_gazetteer

    return load_gazetteer(GAZETTEER_DIR / "fylke-31.toml")


@pytest.fixture(scope="session")
def tagger(gazetteer):
    from geo.tagging import Tagger

    return Tagger(gazetteer)
