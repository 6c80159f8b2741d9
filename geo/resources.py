"""The files that ship with the package, found with importlib.resources.

The repository keeps them in `data/` (the programme text, the gazetteers, the boundary
snapshots); `pyproject.toml` installs that folder as the package `geo.data`, so an editable
install, `pip install .` and a wheel all find them the same way.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DATA_PACKAGE = "geo.data"
DEFAULT_DOCUMENT_NAME = "handlingsprogram-ostfold-2025-2028.txt"


def data_path(*parts: str) -> Path:
    """A file or folder of the package data as a filesystem path (installs are not zipped)."""
    return Path(str(files(DATA_PACKAGE).joinpath(*parts)))


def default_document() -> Path:
    """The bundled programme text."""
    return data_path("tiltak", DEFAULT_DOCUMENT_NAME)


def gazetteer_dir() -> Path:
    """The folder of the authored gazetteers (`fylke-NN.toml`) and boundary snapshots."""
    return data_path("kommuner")


def snapshot_path(county: str) -> Path:
    """The bundled boundary snapshot of a county (it may not exist)."""
    return gazetteer_dir() / f"kommuner-{county}.geojson"


def snapshot_sidecar(county: str) -> Path:
    """Source, date and licence of a county's boundary snapshot."""
    return gazetteer_dir() / f"kommuner-{county}.json"


def leaflet_dir() -> Path:
    """Leaflet's JavaScript and CSS, inlined into the standalone HTML maps."""
    return Path(str(files("geo").joinpath("static", "leaflet")))
