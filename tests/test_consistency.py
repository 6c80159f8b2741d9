"""One load model everywhere: for all 12 municipalities the partition adds up, and the app,
`tiltakskart tags`, `tiltakskart load` (every format), the folium map and the IPR download
give the same figures."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from app.model import drawn_key
from app.state import PageState
from app.testing import callback_payload

ROOT = Path(__file__).resolve().parents[1]
CLASSES = [
    "named", "place", "region", "specific", "common", "total", "organisation", "act", "area"
]  # fmt: skip
# "10 særskilte (2 navngitt, 5 via sted, 3 via region) og 88 felles" and the hover's variant
SPECIFIC = re.compile(
    r"(\d+) særskilte \((\d+) navngitt, (\d+) via sted, (\d+) via region\)"
    r"|Særskilte(?: tiltak)?: (\d+) \((\d+) navngitt, (\d+) via sted, (\d+) via region\)"
)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args, "--ssb-url", "off"]
        if args[0] in ("load", "map")
        else [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def reference(app_bundle) -> dict[str, list[int]]:
    """The library's figures: number -> the classes in CLASSES order."""
    table = app_bundle.index.table(population=app_bundle.population).set_index("kommunenummer")
    return {n: [int(table.loc[n, c]) for c in CLASSES] for n in table.index}


def test_the_partition_adds_up(reference):
    assert len(reference) == 12
    for named, place, region, specific, common, total, _, act, area in reference.values():
        assert named + place + region == specific and specific + common == total
        assert act + area == specific


def test_tags_command_gives_the_same_figures(reference):
    result = cli("tags")
    assert result.returncode == 0, result.stderr
    rows = {
        line.split()[0]: line.split()[-len(CLASSES) :] for line in result.stdout.splitlines()[1:13]
    }
    assert {n: [int(v) for v in values] for n, values in rows.items()} == reference


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "xlsx"])
def test_every_load_format_gives_the_same_figures(reference, tmp_path, shared_kommuner, fmt):
    out = tmp_path / f"last.{fmt}"
    boundaries = str(shared_kommuner / "ostfold-kommuner-2024.geojson")
    result = cli("load", "--out", str(out), "--boundaries", boundaries)
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        frame = pd.read_csv(out, dtype={"kommunenummer": str})
    elif fmt == "xlsx":
        frame = pd.read_excel(out, sheet_name="belastning", dtype={"kommunenummer": str})
    else:
        frame = gpd.read_file(out, layer="kommuner" if fmt == "gpkg" else None)
    got = {str(r["kommunenummer"]): [int(r[c]) for c in CLASSES] for r in frame.to_dict("records")}
    assert got == reference


def _first(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return int(next(g for g in match.groups() if g is not None))


def _numbers(text: str) -> list[int]:
    """[named, place, region, specific, common, total] from a summary, a hover or a popup."""
    match = SPECIFIC.search(text)
    assert match, text
    specific, named, place, region = (int(v) for v in match.groups() if v is not None)
    common = _first(r"(\d+) felles|[Ff]elles(?: for alle kommunene)?: (\d+)", text)
    total = _first(r"(\d+) tiltak berører kommunen|alle: (\d+)", text)
    return [named, place, region, specific, common, total]


def test_the_folium_map_gives_the_same_figures(reference, tmp_path, shared_kommuner):
    out = tmp_path / "kart.html"
    boundaries = str(shared_kommuner / "ostfold-kommuner-2024.geojson")
    result = cli("map", "--out", str(out), "--boundaries", boundaries)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    features = re.findall(r'"kommunenummer": "(\d{4})".*?"sammendrag": "(.*?)"', html)
    assert len(features) == 12
    for number, escaped in features:
        summary = json.loads(f'"{escaped}"')  # the map embeds its GeoJSON as JSON text
        assert _numbers(summary) == reference[number][:6], number
        organisation = reference[number][6]
        popup = html.split(f'"kommunenummer": "{number}"', 1)[1].split('"sammendrag"', 1)[0]
        assert ("telles ikke" in popup) == bool(organisation), number


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def call(dash_app, client, output: str, values: dict, changed: list[str]) -> dict:
    payload = callback_payload(dash_app.callback_map, output, values, changed)
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.loads(response.get_data())["response"]


APP_HEADING = re.compile(r"(\d+) særskilte tiltak og (\d+) felles – (\d+) i alt")
APP_DETAIL = re.compile(r"Særskilte: (\d+) navngitt, (\d+) via sted, (\d+) via region")


def test_the_app_gives_the_same_figures(reference, dash_app, client):
    raw = {"view": "kommune", "metric": "specific", "layout": "kart"}
    for number, expected in reference.items():
        values = {"ask-kommune.data": {**raw, "kommune": number}}
        out = call(dash_app, client, "kommune-summary.children", values, ["ask-kommune.data"])
        heading, detail = out["kommune-summary"]["children"]
        detail = detail["props"]["children"]
        specific, common, total = (int(v) for v in APP_HEADING.search(heading).groups())
        named, place, region = (int(v) for v in APP_DETAIL.search(detail).groups())
        assert [named, place, region, specific, common, total] == expected[:6], heading
        assert (f"{expected[6]} til nevner kommunen" in detail) == bool(expected[6])
        listed = json.dumps(out["kommune-specific"]["children"], ensure_ascii=False)
        assert listed.count('"kommune-measure"') == specific
        assert len(out["kommune-grid-slot"]["children"]["props"]["rowData"]) == common
    drawn = drawn_key(PageState())  # the first map: the recolour is a patch
    values = {"ask-kart.data": {**raw, "view": "kart", "metric": "total"}, "drawn-kart.data": drawn}
    out = call(dash_app, client, "map.figure", values, ["ask-kart.data"])
    ops = {
        tuple(op["location"]): op["params"]["value"] for op in out["map"]["figure"]["operations"]
    }
    z, hover = ops[("data", 0, "z")], ops[("data", 0, "customdata")]
    template = ops[("data", 0, "hovertemplate")]
    assert "Særskilte: %{customdata[1]} (%{customdata[2]} navngitt, %{customdata[3]} via sted" in (
        template
    )
    for i, number in enumerate(reference):
        named, place, region, specific, common, total, *_ = reference[number]
        assert z[i] == total
        assert hover[i][1:7] == [specific, named, place, region, common, total]


def test_the_ipr_download_gives_the_same_figures(reference, dash_app, client):
    values = {"state.data": {"view": "ipr"}, "download-csv-button.n_clicks": 1}
    out = call(dash_app, client, "download.data", values, ["download-csv-button.n_clicks"])
    data = out["download"]["data"]
    content = data["content"]
    text = base64.b64decode(content).decode("utf-8-sig") if data.get("base64") else content
    frame = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype={"Kommunenummer": str})
    for row in frame.to_dict("records"):
        expected = reference[row["Kommunenummer"]]
        got = [row["Særskilte tiltak"], row["Felles tiltak"], row["Alle tiltak"]]
        assert got == expected[3:6]
