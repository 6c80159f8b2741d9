"""The bundled boundary snapshot: small, sourced, shared borders kept, and reproducible by the
project's own command from the shared Kartverket file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo.resources import snapshot_path, snapshot_sidecar

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = [sys.executable, "-m", "cli", "snapshot"]
OSTFOLD = [f"31{n:02d}" for n in (1, 3, 5, 7, 10, 12, 14, 16, 18, 20, 22, 24)]


def test_the_snapshot_is_small_and_names_its_source():
    path, sidecar = snapshot_path("31"), snapshot_sidecar("31")
    assert path.stat().st_size <= 150_000
    info = json.loads(sidecar.read_text(encoding="utf-8"))
    assert info["source"]["attribution"] == "© Kartverket"
    assert info["source"]["licence"] == "CC BY 4.0"
    assert info["division"] == "2024" and info["made"][:2] == "20"
    assert "coverage_simplify" in info["method"] and info["bytes"] == path.stat().st_size


def test_the_snapshot_is_one_valid_coverage():
    frame = gpd.read_file(snapshot_path("31"))
    assert sorted(frame["kommunenummer"]) == OSTFOLD and frame.crs.to_epsg() == 4326
    assert frame.geometry.is_valid.all()
    # Neighbours share one border: no overlaps and no slivers between them.
    assert bool(shapely.coverage_is_valid(frame.to_crs(25833).geometry.values, gap_width=1.0))


def snapshot_command(source: Path, out_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SNAPSHOT, "--boundaries", str(source), "--out-dir", str(out_dir), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_the_command_reproduces_the_snapshot(tmp_path, shared_kommuner):
    result = snapshot_command(shared_kommuner / "ostfold-kommuner-2024.geojson", tmp_path)
    assert result.returncode == 0, result.stderr
    made = gpd.read_file(tmp_path / "kommuner-31.geojson").set_index("kommunenummer").to_crs(25833)
    bundled = gpd.read_file(snapshot_path("31")).set_index("kommunenummer").to_crs(25833)
    for number in OSTFOLD:  # the same shapes, to the metre
        assert made.geometry[number].hausdorff_distance(bundled.geometry[number]) < 1.0
    info = json.loads((tmp_path / "kommuner-31.json").read_text(encoding="utf-8"))
    bundled_info = json.loads(snapshot_sidecar("31").read_text(encoding="utf-8"))
    assert info["source"] == bundled_info["source"]  # the same source file, by its hash


@pytest.mark.slow
def test_a_snapshot_over_150_kb_is_refused(tmp_path, shared_kommuner):
    # Vestland's coastline does not fit in 150 kB at 50 m: the command says what to do.
    national = shared_kommuner / "norge-kommuner-2024.geojson"
    result = snapshot_command(national, tmp_path, "--county", "46")
    assert result.returncode == 2
    assert "over 150 kB; pass a larger --tolerance" in result.stderr
    assert list(tmp_path.iterdir()) == []
