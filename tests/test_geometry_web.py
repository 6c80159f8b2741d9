"""The app's start-up shapes beyond one county (--county all): the programme's municipalities
counted, the others drawn as context, borders between counties, simplification cached."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

import geo.geometry.web as bundle_module
from app.main import build_app_programme as build_bundle
from geo.settings import Settings
from geo.terms import Layout


@pytest.fixture(scope="module")
def two_counties(shared_kommuner, tmp_path_factory):
    """Østfold and Akershus from the national file: a national map in small."""
    frame = gpd.read_file(shared_kommuner / "norge-kommuner-2024.geojson")
    frame = frame[frame["kommunenummer"].astype(str).str[:2].isin(["31", "32"])]
    path = tmp_path_factory.mktemp("boundaries") / "to-fylker.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path, frame


def national(path, cache_dir) -> Settings:
    return Settings(county="all", boundaries=path, cache_dir=cache_dir, api_url=None, ssb_url=None)


def test_the_other_counties_are_context_with_borders_between(two_counties, tmp_path):
    path, frame = two_counties
    made = build_bundle(national(path, tmp_path))
    shapes = made.web[Layout.BOUNDARIES]
    akershus = sorted(frame[frame["kommunenummer"].str.startswith("32")]["kommunenummer"])
    assert sorted(n for n, _ in shapes.others) == akershus
    assert len(made.municipalities) == 12  # the programme's county carries the load
    assert len(shapes.geojson["features"]) == 12 + len(akershus)
    assert sorted(shapes.county_bounds) == ["31", "32"]
    hx, hy, hX, hY = shapes.home
    x, y, X, Y = shapes.bounds
    assert x <= hx < hX <= X and y <= hy < hY <= Y and (hX - hx) < (X - x)
    # Every border vertex lies where an Østfold and an Akershus municipality meet.
    features = gpd.GeoDataFrame.from_features(shapes.geojson["features"], crs="EPSG:4326")
    ostfold = shapely.union_all(features[features["kommunenummer"].str[:2] == "31"].geometry)
    other = shapely.union_all(features[features["kommunenummer"].str[:2] == "32"].geometry)
    assert shapes.borders
    points = shapely.points([p for line in shapes.borders for p in line])
    assert float(shapely.distance(points, ostfold.boundary).max()) < 1e-3
    assert float(shapely.distance(points, other.boundary).max()) < 1e-3


def test_simplification_is_cached_and_remade_when_damaged(two_counties, tmp_path, monkeypatch):
    path, _ = two_counties
    first = build_bundle(national(path, tmp_path)).web[Layout.BOUNDARIES]
    cached = list(tmp_path.glob("web-shapes-*.json"))
    assert len(cached) == 1

    def no_simplifying(*args, **kwargs):
        raise AssertionError("simplified again despite the cache")

    with monkeypatch.context() as patch:
        patch.setattr(bundle_module, "simplify_coverage", no_simplifying)
        again = build_bundle(national(path, tmp_path)).web[Layout.BOUNDARIES]
    assert again.text == first.text and again.labels == first.labels
    assert again.borders == first.borders and again.others == first.others

    cached[0].write_text("{not json", encoding="utf-8")
    remade = build_bundle(national(path, tmp_path)).web[Layout.BOUNDARIES]
    assert remade.text == first.text
    assert cached[0].read_text(encoding="utf-8").startswith("{")


def test_an_unwritable_cache_costs_a_warning_not_the_map(two_counties, tmp_path):
    path, _ = two_counties
    cache = tmp_path / "cache"
    cache.write_text("a file where the folder should be", encoding="utf-8")
    made = build_bundle(national(path, cache))
    assert len(made.web[Layout.BOUNDARIES].geojson["features"]) > 12
    assert any("could not be cached" in w for w in made.warnings)


def test_quantised_shapes_keep_their_shared_borders(app_bundle, two_counties, tmp_path):
    # Østfold at 5 decimals: an exact coverage (no gap, no overlap, borders vertex for vertex).
    county = app_bundle.web[Layout.BOUNDARIES].geojson["features"]
    geometries = gpd.GeoDataFrame.from_features(county).geometry.values
    assert shapely.coverage_is_valid(geometries)
    # Two counties at the national 4 decimals: rounding may pinch a spike of a few metres,
    # never a border (invalid edges under a thousandth of the border length).
    path, _ = two_counties
    features = build_bundle(national(path, tmp_path)).web[Layout.BOUNDARIES].geojson
    geometries = gpd.GeoDataFrame.from_features(features["features"]).geometry.values
    invalid = shapely.coverage_invalid_edges(geometries)
    total = float(shapely.length(shapely.boundary(geometries)).sum())
    assert float(shapely.length(invalid).sum()) < total / 1000


def test_national_maps_frame_the_country_and_slides_the_programme(two_counties, tmp_path):
    from app.figures import map_figure
    from app.state import PageState
    from app.views import make_view
    from app.views.presentasjon import title_slide

    path, _ = two_counties
    view = make_view(build_bundle(national(path, tmp_path)))
    shapes = view.programme.web[Layout.BOUNDARIES]
    # The Kart map opens on the programme's county with its neighbours around it
    near = map_figure(view, PageState()).layout.geo.lonaxis.range
    assert shapes.bounds[0] - 0.1 < near[0] < shapes.home[0] and shapes.home[2] < near[1]
    assert near[1] - near[0] < (shapes.bounds[2] - shapes.bounds[0]) * 1.1
    _, _, slide_map, _ = title_slide(view, PageState())
    lon = slide_map.layout.geo.lonaxis.range
    assert shapes.home[0] - 0.1 < lon[0] and lon[1] < shapes.home[2] + 0.1  # Østfold
    traces = [t.type for t in slide_map.data]
    assert traces.count("choropleth") == 2  # the programme's and the context's


def test_the_web_shapes_cache_never_follows_a_planted_link(app_bundle, tmp_path, monkeypatch):
    """A link at the web-shapes cache's name is neither read nor written through."""
    from geo.atomic import write_cache_atomic

    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "cache" / "web-shapes-x.json"
    link.parent.mkdir()
    link.symlink_to(victim)
    with pytest.raises(OSError, match="is a link, a pipe or a device"):
        write_cache_atomic(link, lambda tmp: tmp.write_text("{}", encoding="utf-8"))
    assert victim.read_text(encoding="utf-8") == "precious" and link.is_symlink()


def _damaged(record: dict, how: str) -> str:
    """The cached record damaged as a probe found it could be (each used to stop the start
    with a traceback, or to serve features without geometry)."""
    record = json.loads(json.dumps(record))
    if how == "label as [0]":
        record["labels"][next(iter(record["labels"]))] = [0]
    elif how == "labels null":
        record["labels"] = None
    elif how == "bounds of two":
        record["bounds"] = [1, 2]
    elif how == "deep nesting":
        return "[" * 100_000 + "]" * 100_000
    elif how == "features without geometry":
        geojson = json.loads(record["text"])
        for feature in geojson["features"]:
            feature["geometry"] = None
        record["text"] = json.dumps(geojson)
    return json.dumps(record)


@pytest.mark.parametrize(
    "how",
    ["label as [0]", "labels null", "bounds of two", "deep nesting", "features without geometry"],
)
def test_a_damaged_web_shapes_file_is_made_again_with_a_warning(two_counties, tmp_path, how):
    path, _ = two_counties
    first = build_bundle(national(path, tmp_path)).web[Layout.BOUNDARIES]
    (cached,) = tmp_path.glob("web-shapes-*.json")
    record = json.loads(cached.read_text(encoding="utf-8"))
    cached.write_text(_damaged(record, how), encoding="utf-8")
    again = build_bundle(national(path, tmp_path))
    assert again.web[Layout.BOUNDARIES].text == first.text  # made again, served whole
    assert any("are damaged" in w and "made again" in w for w in again.warnings), how
    assert json.loads(cached.read_text(encoding="utf-8")) == record  # and cached again
