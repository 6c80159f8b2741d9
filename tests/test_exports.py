"""GIS exports read back with geopandas; the HTML map renders 12 areas in headless Chromium."""

from __future__ import annotations

import html
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from selenium.webdriver.support.ui import WebDriverWait

from geo.outputs.webmap import popup_html
from tests.conftest import HOSTILE_TITLE

ROOT = Path(__file__).resolve().parents[1]
LOAD_COLUMNS = {
    "kommunenummer",
    "kommunenavn",
    "named",
    "place",
    "region",
    "specific",
    "common",
    "total",
    "organisation",
    "inhabitants",
    "population_year",
    "specific_per_1000",
    "total_per_1000",
    "via_name",
    "via_all",
    "actor",
    "target",
    "share",
    "y2025",
    "y2026",
    "y2027",
    "y2028",
    "ids_total",
    "ids_named",
}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
    )


@pytest.fixture(scope="module")
def boundaries_file(shared_kommuner) -> str:
    return str(shared_kommuner / "ostfold-kommuner-2024.geojson")


def test_geopackage_export(tmp_path, boundaries_file):
    out = tmp_path / "last.gpkg"
    result = cli("load", "--out", str(out), "--boundaries", boundaries_file)
    assert result.returncode == 0, result.stderr
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert layers == {"kommuner", "tiltak", "tagger"}
    frame = gpd.read_file(out, layer="kommuner")
    assert len(frame) == 12 and set(frame.columns) >= LOAD_COLUMNS
    assert frame.crs.to_epsg() == 4326 and frame.geometry.is_valid.all()
    assert frame.set_index("kommunenummer").loc["3110", "ids_named"] == "3.5.1"
    measures = gpd.read_file(out, layer="tiltak")
    assert len(measures) == 125 and {"id", "title", "period_start", "kommuner"} <= set(measures)
    tags = gpd.read_file(out, layer="tagger")
    assert {"id", "kommunenummer", "via", "role", "field", "evidence"} <= set(tags.columns)


def test_geojson_export(tmp_path, boundaries_file):
    out = tmp_path / "last.geojson"
    result = cli("load", "--out", str(out), "--boundaries", boundaries_file, "--year", "2027")
    assert result.returncode == 0, result.stderr
    frame = gpd.read_file(out)
    assert len(frame) == 12 and set(frame.columns) >= LOAD_COLUMNS
    assert (frame["total"] == frame["y2027"]).all()  # the year filter applied


@pytest.mark.slow
def test_csv_and_excel_exports(tmp_path, boundaries_file):
    out = tmp_path / "last.xlsx"
    assert cli("load", "--out", str(out), "--boundaries", boundaries_file).returncode == 0
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["belastning", "tiltak", "tagger"]
    sheet = pd.read_excel(out, sheet_name="belastning", dtype={"kommunenummer": str})
    assert len(sheet) == 12 and set(sheet.columns) >= LOAD_COLUMNS
    csv = cli("load", "--layout", "tiles")
    assert csv.returncode == 0
    assert csv.stdout.splitlines()[0].startswith("kommunenummer,kommunenavn,named,place,region")
    assert len(csv.stdout.splitlines()) == 13


@pytest.mark.slow
def test_excel_export_stores_a_formula_title_as_text(tmp_path, boundaries_file, hostile_document):
    out = tmp_path / "last.xlsx"
    result = cli("load", str(hostile_document), "--out", str(out), "--boundaries", boundaries_file)
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out)["tiltak"]
    assert sheet["A1"].value == "id" and sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{sheet.max_row}"
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.3.2"]
    title = row[2]
    assert title.value.startswith(HOSTILE_TITLE)  # the text exactly
    assert title.data_type == "s" and title.quotePrefix  # text, shown as typed
    with zipfile.ZipFile(out) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in book.read(n) for n in sheets)  # no formula anywhere


def test_export_without_network_uses_the_bundled_snapshot(tmp_path):
    out = tmp_path / "kommuner.geojson"
    result = cli(
        "load",
        "--out",
        str(out),
        "--api-url",
        "http://127.0.0.1:9/none",
        "--cache-dir",
        str(tmp_path / "cache"),
    )
    assert result.returncode == 0, result.stderr
    assert "using the bundled snapshot" in result.stderr and "(geojson, 12" in result.stderr
    frame = gpd.read_file(out)
    assert len(frame) == 12 and frame.geometry.is_valid.all()
    assert frame.geometry.get_coordinates().shape[0] > 1000  # real outlines, not 12 squares


def test_tiles_are_the_last_fallback_with_a_notice(tmp_path, shared_kommuner):
    from geo.geometry.shapes import NO_BOUNDARIES, shapes_for
    from geo.pipeline import gazetteer_for
    from geo.settings import Settings

    # Vestfold (39) has no bundled snapshot: offline and without a file, tiles it is.
    national = shared_kommuner / "norge-kommuner-2024.geojson"
    gazetteer = gazetteer_for(Settings(county="39", boundaries=national))
    shapes = shapes_for(gazetteer, Settings(county="39", api_url=None, cache_dir=tmp_path))
    assert shapes.kind == "tiles" and shapes.notice == NO_BOUNDARIES
    assert len(shapes.frame) == len(gazetteer.municipalities)
    assert any("no cached copy either" in w for w in shapes.warnings)


@pytest.mark.slow
def test_bad_export_requests_are_clear(tmp_path):
    assert "needs --out" in cli("load", "--format", "gpkg").stderr
    bad = cli("load", "--out", str(tmp_path / "x.shp"))
    assert bad.returncode == 2 and "unknown format 'shp'" in bad.stderr
    plan = cli("load", "--layout", "tiles", "--plan", "mobilitet")
    assert plan.returncode == 0
    assert "matches none" in cli("load", "--layout", "tiles", "--theme", "Månen").stderr


def test_popup_text_is_escaped():
    measure = {
        "id": "9.9.9",
        "title": "<script>alert(1)</script> & co",
        "municipalities": [
            {
                "kommunenummer": "3101",
                "via": "name",
                "evidences": [{"text": "<b>Halden</b>", "role": "target", "field": "why_how"}],
            }
        ],
    }
    row = {"ids_named": "9.9.9", "named": 1, "place": 0, "region": 0, "specific": 1}
    row |= {"common": 0, "total": 1, "ids_common": "", "population_year": None}
    text = popup_html("3101", "Halden", [measure], row)
    assert "<script>" not in text and html.escape("<script>alert(1)</script> & co") in text
    assert "&lt;b&gt;Halden&lt;/b&gt;" in text


@pytest.mark.slow
def test_html_map_opens_offline_with_12_areas(tmp_path, boundaries_file, browser):
    out = tmp_path / "kart.html"
    result = cli("map", "--out", str(out), "--boundaries", boundaries_file)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "cdn" not in text.lower() and 'src="http' not in text
    browser.get(out.as_uri())
    areas = browser.find_elements("css selector", "path.leaflet-interactive")
    assert len(areas) == 12
    assert (
        "© Kartverket" in browser.find_element("css selector", ".leaflet-control-attribution").text
    )
    labels = [e.text for e in browser.find_elements("css selector", ".kommune-label")]
    assert "Hvaler" in labels and len(labels) == 12
    legend = browser.find_element("css selector", ".legend").text
    assert "Særskilte tiltak (navngitt, sted eller region)" in legend
    assert legend.splitlines()[-2:] == ["0", "10"]  # the scale starts at 0
    areas[0].click()  # a popup lists the measures with ids and evidence
    popup = WebDriverWait(browser, 10).until(
        lambda b: b.find_element("css selector", ".leaflet-popup-content").text
    )
    assert "Særskilte tiltak:" in popup and "«" in popup
    browser.save_screenshot(str(tmp_path / "kart.png"))


@pytest.mark.slow
def test_tile_map_html_has_12_squares(tmp_path, browser):
    out = tmp_path / "ruter.html"
    assert cli("map", "--out", str(out), "--layout", "tiles").returncode == 0
    browser.get(out.as_uri())
    assert len(browser.find_elements("css selector", "path.leaflet-interactive")) == 12
