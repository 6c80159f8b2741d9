"""Load figures against counts done by hand from the tags, and the filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.load import Filters, LoadIndex, join_shapes
from geo.tiles import grid_layout, layout_from_centroids, tile_frame

DATASET = Path(__file__).resolve().parents[1] / "data" / "tiltak" / "tiltak.json"


@pytest.fixture(scope="module")
def data():
    return json.loads(DATASET.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(data, gazetteer):
    pairs = [(m.number, m.name) for m in gazetteer.municipalities]
    return LoadIndex(data["measures"], pairs, years=(2025, 2026, 2027, 2028))


@pytest.fixture(scope="module")
def table(index):
    return index.table().set_index("kommunenummer")


# Counted by hand from the tags (tests/data/expected_tags.toml and `tiltakskart tags`):
# 93 measures name "kommunene"/"kommuner" among the actors (via all) and 2.7.5 names the IPRs.
HAND = {
    "3105": dict(  # Sarpsborg
        name=2,  # 1.3.2 (text and Hvem), 3.5.1 (Hvem)
        region=7,  # 2.7.5 IPR, 3.3.1 + 3.11.8 Østfoldbyene, 3.5.1 + 3.5.2 kyst,
        #            3.11.9 + 3.13.1 bypakkene
        place=8,  # 1.1.1 + 2.6.1 Inspiria, 3.3.1 Kalnes, 3.5.2 Oslofjorden, 3.6.5 Pilgrimsleden/
        #           Solbergtårnet, 3.11.8 linjene, 3.12.2 Østfoldbanen, 3.12.3 Østre linje
        organisation=2,  # 2.9.3, 3.9.8 Biogass Oslofjord
        all=93,
        geographic=98,  # the 93 plus 3.3.1, 3.5.1, 3.5.2, 3.11.8, 3.12.3 (no collective there)
        target=8,  # 1.3.2, 2.7.5, 3.3.1, 3.5.2, 3.6.5, 3.11.8, 3.12.2, 3.12.3
        actor=95,  # the 93 plus 3.5.1 (named in Hvem) and 3.5.2 (indre Oslofjord in Hvem)
    ),
    "3110": dict(  # Hvaler
        name=1,
        region=3,
        place=2,
        organisation=2,
        all=93,
        geographic=96,
        target=3,
        actor=95,
        share=round(93 / 12 + 1 / 7 + 1 / 6 + 1 / 6, 4),  # 3.3.1 has 7 carriers, 3.5.x six
    ),
    "3114": dict(  # Våler: only the collective measures and the IPRs of 2.7.5
        name=0,
        region=1,
        place=0,
        organisation=0,
        all=93,
        geographic=93,
        target=1,
        actor=93,
        share=round(93 / 12, 4),
    ),
    "3101": dict(  # Halden
        name=2,  # 1.3.2, 3.5.1
        region=5,  # 2.7.5, 3.3.1, 3.5.1, 3.5.2, 3.11.8
        place=5,  # 3.3.1, 3.5.2, 3.6.5, 3.11.8, 3.12.2
        geographic=97,  # the 93 plus 3.3.1, 3.5.1, 3.5.2, 3.11.8
    ),
    "3118": dict(  # Indre Østfold: named in 1.3.2; a town on Østre linje
        name=1,
        region=3,
        place=3,
        geographic=96,  # region: 2.7.5, 3.3.1, 3.11.8
    ),
}


@pytest.mark.parametrize("number", sorted(HAND))
def test_load_matches_hand_counts(table, number):
    row = table.loc[number]
    for column, expected in HAND[number].items():
        assert row[column] == pytest.approx(expected), column


def test_ids_behind_the_figures(table):
    assert table.loc["3110", "ids_name"] == "3.5.1"
    assert table.loc["3110", "ids_region"] == "2.7.5; 3.5.1; 3.5.2"
    assert table.loc["3110", "ids_place"] == "3.3.1; 3.5.2"
    assert table.loc["3105", "ids_organisation"] == "2.9.3; 3.9.8"
    assert len(table.loc["3114", "ids_geographic"].split("; ")) == 93


def test_share_sums_to_the_number_of_geographic_measures(index, table):
    carried = index.figures()["geographic"].any(axis=0).sum()
    assert table["share"].sum() == pytest.approx(carried, abs=1e-3)


def _measure(measure_id, start, end, number):
    tag = {"kommunenummer": number, "via": "name", "role": "target", "roles": ["target"]}
    return {
        "id": measure_id,
        "plan": "Plan",
        "theme": None,
        "strategy": "1.1",
        "actors": [],
        "period": {"text": "", "start": start, "end": end},
        "municipalities": [tag],
    }


def test_years_count_open_ended_measures_from_their_start():
    measures = [
        _measure("1.1.1", 2025, 2026, "3101"),
        _measure("1.1.2", 2026, None, "3101"),
        _measure("1.1.3", None, None, "3101"),
        _measure("1.1.4", 2028, 2028, "3103"),
    ]
    pairs = [("3101", "Halden"), ("3103", "Moss")]
    table = LoadIndex(measures, pairs, (2025, 2026, 2027, 2028)).table()
    halden, moss = table.iloc[0], table.iloc[1]
    assert [halden[f"y{y}"] for y in (2025, 2026, 2027, 2028)] == [2, 3, 2, 2]
    assert [moss[f"y{y}"] for y in (2025, 2026, 2027, 2028)] == [0, 0, 0, 1]
    assert halden["ids_y2027"] == "1.1.2; 1.1.3"


def test_year_columns_follow_the_programme_period():
    measures = [_measure("1.1.1", 2027, None, "3101"), _measure("1.1.2", None, None, "3101")]
    table = LoadIndex(measures, [("3101", "Halden")], (2026, 2027, 2028, 2029)).table()
    assert [c for c in table.columns if c.startswith("y")] == ["y2026", "y2027", "y2028", "y2029"]
    assert [table.iloc[0][f"y{y}"] for y in (2026, 2027, 2028, 2029)] == [1, 2, 2, 2]


def test_filters(index, data):
    plan3 = data["measures"][-1]["plan"]
    by_plan = index.table(Filters(plan=plan3)).set_index("kommunenummer")
    assert by_plan.loc["3110", "name"] == 1 and by_plan.loc["3105", "ids_name"] == "3.5.1"
    named_only = index.table(Filters(via=("name",))).set_index("kommunenummer")
    assert named_only.loc["3105", "geographic"] == 2
    actors = index.table(Filters(role="actor", via=("name",))).set_index("kommunenummer")
    assert actors.loc["3107", "ids_geographic"] == "1.3.2; 1.6.3; 3.5.1"
    svv = index.table(Filters(actor="Statens vegvesen")).set_index("kommunenummer")
    # By hand: 1.4.3, 3.1.3, 3.6.5, 3.8.3, 3.11.1, 3.11.3, 3.11.4, 3.11.6, 3.11.7, 3.11.9,
    # 3.11.10, 3.12.5, 3.13.2, 3.21.2, 3.21.3, 3.21.4 name it beside "kommunene"/"kommuner".
    assert svv.loc["3114", "geographic"] == 16
    assert "3.12.5" in svv.loc["3114", "ids_geographic"]  # "Statens Vegvesen": case ignored
    in_2025 = index.table(Filters(year=2025)).set_index("kommunenummer")
    assert (
        in_2025.loc["3114", "geographic"]
        == index.table().set_index("kommunenummer").loc["3114", "y2025"]
    )


def test_metric_matches_table(index):
    table = index.table(Filters(year=2026))
    assert list(index.metric("share", Filters(year=2026))) == pytest.approx(
        list(table["share"]), abs=1e-4
    )
    assert list(index.metric("region")) == list(index.table()["region"])


def test_join_shapes_joins_boundaries(index, shared_kommuner):
    from geo.boundaries import read_boundary_file

    shapes = read_boundary_file(shared_kommuner / "ostfold-kommuner-2024.geojson", "31").frame
    frame = join_shapes(shapes, index.table())
    assert len(frame) == 12 and frame.crs.to_epsg() == 4326
    assert frame.columns[-1] == "geometry" and "share" in frame.columns


def test_tile_map_is_equal_squares_without_overlap(gazetteer):
    pairs = [(m.number, m.name) for m in gazetteer.municipalities]
    tiles = tile_frame(pairs, gazetteer.tiles)
    assert len(tiles) == 12
    assert len({round(g.area, 9) for g in tiles.geometry}) == 1  # equal squares (in degrees)
    assert not any(
        a.intersects(b) for i, a in enumerate(tiles.geometry) for b in tiles.geometry[i + 1 :]
    )
    hvaler = tiles.set_index("kommunenummer").geometry
    assert hvaler["3110"].centroid.y < hvaler["3107"].centroid.y  # Hvaler south of Fredrikstad


def test_layouts_from_centroids_and_grid(shared_kommuner):
    from geo.boundaries import read_boundary_file

    frame = read_boundary_file(shared_kommuner / "ostfold-kommuner-2024.geojson", "31").frame
    layout = layout_from_centroids(frame)
    assert len(set(layout.values())) == 12
    assert layout["3103"][1] < layout["3101"][1]  # Moss north of Halden
    assert layout["3124"][0] > layout["3107"][0]  # Aremark east of Fredrikstad
    assert grid_layout(["a", "b", "c", "d", "e"]) == {
        "a": (0, 0),
        "b": (1, 0),
        "c": (2, 0),
        "d": (0, 1),
        "e": (1, 1),
    }
