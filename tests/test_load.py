"""Load figures against counts done by hand from the tags, and the filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.geometry.tiles import grid_layout, layout_from_centroids, tile_frame
from geo.load.index import Filters, LoadIndex, join_shapes
from geo.tagging.actors import actors_for_county

DATASET = Path(__file__).resolve().parents[1] / "data" / "tiltak" / "tiltak.json"


@pytest.fixture(scope="module")
def data():
    return json.loads(DATASET.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(data, gazetteer):
    pairs = [(m.number, m.name) for m in gazetteer.municipalities]
    actors = actors_for_county("31")
    return LoadIndex(data["measures"], pairs, years=(2025, 2026, 2027, 2028), actors=actors)


@pytest.fixture(scope="module")
def population(gazetteer):
    from geo.fetch.population import Population, read_snapshot

    found = read_snapshot("31", list(gazetteer.numbers))
    assert found is not None
    inhabitants, year = found.value
    return Population(inhabitants, year, "snapshot", found.detail)


@pytest.fixture(scope="module")
def table(index, population):
    return index.table(population=population).set_index("kommunenummer")


# Counted by hand from the tags (tests/data/expected_tags.toml and `tiltakskart tags`). 93
# measures name "kommunene"/"kommuner" among the actors; each measure counts once per
# municipality, in its most specific class: named -> place -> region -> common.
HAND = {
    "3105": dict(  # Sarpsborg
        named=2,  # 1.3.2 (text and Hvem), 3.5.1 (Hvem)
        place=5,  # 3.5.2 the coastal network along Oslofjorden, 3.6.5 Pilgrimsleden/
        #           Solbergtårnet, 3.11.8 the lines, 3.12.2 Østfoldbanen, 3.12.3 Østre linje
        region=3,  # 3.3.1 "Østfolds byer" (runoff "til … Oslofjorden" is no place of it),
        #            3.11.9 bypakkesamarbeid, 3.13.1 bypakkene
        specific=10,
        common=88,  # the 93 less 1.3.2, 3.6.5, 3.11.9, 3.12.2, 3.13.1 (specific above)
        total=98,
        organisation=1,  # 2.9.3: only "Biogass Oslofjord" (1.1.1, 2.6.1, 3.9.8 have "kommunene")
        via_place=5,
        target=7,  # 1.3.2, 3.3.1, 3.5.2, 3.6.5, 3.11.8, 3.12.2, 3.12.3
        inhabitants=59771,
        population_year=2024,
        specific_per_1000=0.17,  # 10 / 59 771 × 1 000
        total_per_1000=1.64,  # 98 / 59 771 × 1 000
    ),
    "3110": dict(  # Hvaler
        named=1,  # 3.5.1
        place=1,  # 3.5.2 the coastal network along Oslofjorden
        region=0,
        specific=2,
        common=93,
        total=95,
        organisation=1,  # 2.9.3
        share=round(93 / 12 + 1 / 6 + 1 / 6, 4),  # 3.5.1 and 3.5.2 have six carriers each
    ),
    "3114": dict(  # Våler: only the collective measures
        named=0,
        place=0,
        region=0,
        specific=0,
        common=93,
        total=93,
        organisation=0,
        share=round(93 / 12, 4),
    ),
    "3101": dict(  # Halden
        named=2,  # 1.3.2, 3.5.1
        place=4,  # 3.5.2, 3.6.5, 3.11.8, 3.12.2
        region=1,  # 3.3.1 "Østfolds byer"
        specific=7,
        common=90,  # the 93 less 1.3.2, 3.6.5, 3.12.2
        total=97,
    ),
    "3118": dict(  # Indre Østfold: named in 1.3.2; Askim and Mysen are on Østre linje
        named=1,
        place=3,  # 3.11.8, 3.12.2, 3.12.3
        region=1,  # 3.3.1 Østfolds byer
        specific=5,
        common=91,  # the 93 less 1.3.2, 3.12.2
        total=96,
    ),
}


@pytest.mark.parametrize("number", sorted(HAND))
def test_load_matches_hand_counts(table, number):
    row = table.loc[number]
    for column, expected in HAND[number].items():
        assert row[column] == pytest.approx(expected), column


def test_the_partition_adds_up_for_every_municipality(table):
    assert (table["named"] + table["place"] + table["region"] == table["specific"]).all()
    assert (table["specific"] + table["common"] == table["total"]).all()
    for row in table.itertuples():  # each measure in exactly one class, organisation apart
        classes = [set(filter(None, getattr(row, f"ids_{c}").split("; "))) for c in (
            "named", "place", "region", "common", "organisation")]  # fmt: skip
        assert sum(len(c) for c in classes) == len(set().union(*classes))
        assert set().union(*classes[:4]) == set(filter(None, row.ids_total.split("; ")))


# Issue 18, point 1: a municipality's specific measures, split by role. "Act": it is among the
# measure's actors by name or through a region; "area": it is not (a railway line, a route or
# the fjord passes through it; "kommunene" among the actors does not pick it out).
SPLIT = {
    "3105": (  # Sarpsborg
        "1.3.2; 3.5.1; 3.11.9; 3.13.1",
        "3.3.1; 3.5.2; 3.6.5; 3.11.8; 3.12.2; 3.12.3",
    ),
    "3110": ("3.5.1", "3.5.2"),  # Hvaler
    "3112": ("3.5.1", "3.5.2; 3.6.5; 3.11.8; 3.12.2"),  # Råde
}


@pytest.mark.parametrize("number", sorted(SPLIT))
def test_specific_splits_into_asked_to_act_and_concerns_the_area(table, number):
    act, area = SPLIT[number]
    assert (table.loc[number, "ids_act"], table.loc[number, "ids_area"]) == (act, area)
    assert table.loc[number, "act"] + table.loc[number, "area"] == table.loc[number, "specific"]


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(year=2025), Filters(role="target"), Filters(via=("place",))],
    ids=["none", "year", "role", "via"],
)
def test_act_and_area_add_up_to_specific_under_any_filter(index, filters):
    table = index.table(filters)
    assert (table["act"] + table["area"] == table["specific"]).all()
    for row in table.itertuples():
        act, area = (
            set(filter(None, getattr(row, f"ids_{c}").split("; "))) for c in ("act", "area")
        )
        assert not act & area and act | area == set(filter(None, row.ids_specific.split("; ")))


def _tagged(measure_id: str, *vias: str) -> dict:
    tags = [
        {"kommunenummer": "3101", "via": v, "role": "target", "roles": ["target"]} for v in vias
    ]
    return {**_measure(measure_id, None, None, "3101"), "municipalities": tags}


def test_a_measure_counts_once_in_its_most_specific_class():
    measures = [
        _tagged("1.1.1", "all", "region", "place", "name", "organisation"),
        _tagged("1.1.2", "all", "region", "place"),
        _tagged("1.1.3", "all", "region"),
        _tagged("1.1.4", "all", "organisation"),
        _tagged("1.1.5", "organisation"),
    ]
    row = LoadIndex(measures, [("3101", "Halden")]).table().iloc[0]
    assert [row[c] for c in ("named", "place", "region", "common", "organisation")] == [
        1,
        1,
        1,
        1,
        1,
    ]
    assert [row[f"ids_{c}"] for c in ("named", "place", "region", "common", "organisation")] == [
        "1.1.1",
        "1.1.2",
        "1.1.3",
        "1.1.4",
        "1.1.5",
    ]
    assert (row["specific"], row["total"]) == (3, 4)


def test_ids_behind_the_figures(table):
    assert table.loc["3110", "ids_named"] == "3.5.1"
    assert table.loc["3110", "ids_place"] == "3.5.2"
    assert table.loc["3105", "ids_region"] == "3.3.1; 3.11.9; 3.13.1"
    assert table.loc["3105", "ids_organisation"] == "2.9.3"
    assert len(table.loc["3114", "ids_total"].split("; ")) == 93


def test_share_sums_to_the_number_of_measures_with_a_municipality(index, table):
    carried = index.figures()["total"].any(axis=0).sum()
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
    assert by_plan.loc["3110", "named"] == 1 and by_plan.loc["3105", "ids_named"] == "3.5.1"
    named_only = index.table(Filters(via=("name",))).set_index("kommunenummer")
    assert named_only.loc["3105", "total"] == 2 and named_only.loc["3105", "common"] == 0
    actors = index.table(Filters(role="actor", via=("name",))).set_index("kommunenummer")
    assert actors.loc["3107", "ids_total"] == "1.3.2; 1.6.3; 3.5.1"
    # Without the named tags, 1.3.2 falls to the next class that holds: common for Sarpsborg.
    no_names = index.table(Filters(via=("place", "region", "all"))).set_index("kommunenummer")
    assert "1.3.2" in no_names.loc["3105", "ids_common"]
    svv = index.table(Filters(actor="Statens vegvesen")).set_index("kommunenummer")
    # By hand: 1.4.3, 3.1.3, 3.6.5, 3.8.3, 3.11.1, 3.11.3, 3.11.4, 3.11.6, 3.11.7, 3.11.9,
    # 3.11.10, 3.12.5, 3.13.2, 3.21.2, 3.21.3, 3.21.4 name it beside "kommunene"/"kommuner".
    assert svv.loc["3114", "total"] == 16
    assert "3.12.5" in svv.loc["3114", "ids_total"]  # "Statens Vegvesen": case ignored
    # An alias, any case: the same measures ("ØFK" stands once in the text, the county's
    # name in 116 measures)
    ofk = index.table(Filters(actor="ØFK")).set_index("kommunenummer")
    county = index.table(Filters(actor="Østfold fylkeskommune")).set_index("kommunenummer")
    assert ofk.loc["3114", "ids_total"] == county.loc["3114", "ids_total"]
    assert ofk.loc["3114", "total"] > 50
    for name in ("statens VEGVESEN", " Statens  vegvesen "):
        again = index.table(Filters(actor=name)).set_index("kommunenummer")
        assert again.loc["3114", "ids_total"] == svv.loc["3114", "ids_total"]
    in_2025 = index.table(Filters(year=2025)).set_index("kommunenummer")
    assert (
        in_2025.loc["3114", "total"]
        == index.table().set_index("kommunenummer").loc["3114", "y2025"]
    )


def test_metric_matches_table(index):
    table = index.table(Filters(year=2026))
    assert list(index.metric("share", Filters(year=2026))) == pytest.approx(
        list(table["share"]), abs=1e-4
    )
    assert list(index.metric("region")) == list(index.table()["region"])
    with pytest.raises(ValueError, match="unknown metric"):
        index.metric("y2031")


def test_per_1000_is_empty_without_a_population(index):
    table = index.table()
    assert table["inhabitants"].isna().all() and table["specific_per_1000"].isna().all()
    values = index.metric("specific_per_1000", inhabitants=[1000.0] * 12)
    assert list(values) == list(index.metric("specific"))  # per 1 000 of 1 000 people


def test_join_shapes_joins_boundaries(index, shared_kommuner):
    from geo.geometry.boundaries import read_boundary_file

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
    from geo.geometry.boundaries import read_boundary_file

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
