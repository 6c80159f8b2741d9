from __future__ import annotations

import pytest

from geo.division import COUNTIES_2024
from geo.errors import InputError
from geo.geometry.boundaries import read_municipality_names
from geo.pipeline import gazetteer_for
from geo.resources import gazetteer_dir
from geo.settings import Settings
from geo.tagging.gazetteer import (
    gazetteer_from_names,
    read_gazetteer,
    split_name_variants,
    with_municipalities,
)
from geo.tagging.national import gazetteer_for_county

GAZETTEER_DIR = gazetteer_dir()

OSTFOLD = {
    "3101": "Halden",
    "3103": "Moss",
    "3105": "Sarpsborg",
    "3107": "Fredrikstad",
    "3110": "Hvaler",
    "3112": "Råde",
    "3114": "Våler",
    "3116": "Skiptvet",
    "3118": "Indre Østfold",
    "3120": "Rakkestad",
    "3122": "Marker",
    "3124": "Aremark",
}


def test_authored_gazetteer_has_the_twelve(gazetteer):
    assert {m.number: m.name for m in gazetteer.municipalities} == OSTFOLD
    assert gazetteer.municipality("3118").also[:2] == ("Askim", "Eidsberg")
    assert gazetteer.municipality("3103").also[0] == "Rygge"


def test_authored_names_match_kartverket(shared_kommuner, gazetteer):
    pairs = read_municipality_names(shared_kommuner / "ostfold-kommuner-2024.geojson", "31")
    assert dict(pairs) == {m.number: m.name for m in gazetteer.municipalities}


def test_every_area_has_members_and_a_source(gazetteer):
    areas = (*gazetteer.regions, *gazetteer.places, *gazetteer.organisations)
    assert {
        "kyst",
        "oslofjordkommunene",
        "nedre-glomma",
        "bypakke-nedre-glomma",
        "miljoloftet-moss",
        "ostfoldbyene",
        "indre-ostfold-regionen",
    } <= {a.key for a in gazetteer.regions}
    assert {
        "gjellestad",
        "solbergtarnet",
        "pilgrimsleden",
        "kalnes",
        "inspiria",
        "ostre-linje",
        "vestre-linje",
        "haldenvassdraget",
        "oslofjorden",
    } <= {p.key for p in gazetteer.places}
    for area in areas:
        assert area.members and area.patterns and area.source, area.key
        assert set(area.members) <= set(OSTFOLD)
    # A mention of the councils in general is matched but tags nobody.
    assert [(g.key, g.members) for g in gazetteer.generic] == [("ipr", ())]
    assert gazetteer.generic[0].source and gazetteer.generic[0].choice


def test_ipr_councils_cover_the_county_once(gazetteer):
    councils = [
        gazetteer.area(k) for k in ("ipr-mosseregionen", "ipr-indre-ostfold", "ipr-sondre-ostfold")
    ]
    members = [n for c in councils for n in c.members]
    assert sorted(members) == sorted(OSTFOLD)  # each municipality in exactly one council
    assert ("3216", "Vestby") in gazetteer.area("ipr-mosseregionen").outside


def test_any_county_from_names(shared_kommuner):
    pairs = read_municipality_names(shared_kommuner / "norge-kommuner-2024.geojson", "56")
    g = gazetteer_from_names("56", COUNTIES_2024["56"], pairs)
    porsanger = g.find("Porsanger")
    assert porsanger.names == ("Porsanger", "Porsáŋgu", "Porsanki")
    assert g.find("porsanki") is porsanger
    assert all(m.number.startswith("56") for m in g.municipalities)


def test_name_variants():
    assert split_name_variants("Porsanger - Porsáŋgu - Porsanki") == (
        "Porsanger",
        "Porsáŋgu",
        "Porsanki",
    )
    assert split_name_variants("Aurskog-Høland") == ("Aurskog-Høland",)


def test_common_words_are_ambiguous():
    g = gazetteer_from_names("34", "Innlandet", [("3446", "Gran"), ("3403", "Hamar")])
    assert g.find("Gran").ambiguous and not g.find("Hamar").ambiguous


def test_reconcile_reports_missing_and_adds_new(gazetteer):
    pairs = [(n, name) for n, name in OSTFOLD.items() if n != "3124"] + [("3199", "Nykommune")]
    g = with_municipalities(gazetteer, pairs)
    assert g.find("3199").name == "Nykommune"
    assert g.find("3118").also  # authored extras kept
    assert any("3124 Aremark is not in the boundary source" in w for w in g.warnings)


def test_gazetteer_for_county_errors(tmp_path):
    with pytest.raises(InputError, match="not a county number of 2024"):
        gazetteer_for_county("30")
    vestland = gazetteer_for_county("46")  # no authored file: the national names
    assert len(vestland.municipalities) == 43 and vestland.regions == ()
    with pytest.raises(InputError, match="no such file"):
        gazetteer_for(Settings(county="46", boundaries=tmp_path / "none.geojson"))


def test_boundary_file_errors(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("not json at all", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read"):
        read_municipality_names(bad, "31")
    cols = tmp_path / "cols.geojson"
    cols.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"nr":"3101"},"geometry":null}]}',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no kommunenummer or kommunenavn column"):
        read_municipality_names(cols, "31")


def test_bad_toml_is_a_clear_error(tmp_path):
    path = tmp_path / "fylke-31.toml"
    path.write_text("county = \n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        read_gazetteer(path)


def test_region_member_outside_county_is_rejected(tmp_path):
    text = (GAZETTEER_DIR / "fylke-31.toml").read_text(encoding="utf-8")
    path = tmp_path / "fylke-31.toml"
    path.write_text(
        text.replace('members = ["3105", "3107"]', 'members = ["3105", "3216"]', 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="list them under 'outside'"):
        read_gazetteer(path)
