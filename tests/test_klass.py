"""Former municipalities fetched from SSB's Klass (a stand-in on 127.0.0.1), cached, and the
bundled list when the network does not answer."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.errors import ValidationError
from geo.fetch.klass import former_from_changes, get_former_names, parse_changes
from geo.settings import Settings
from geo.tagging.national import gazetteer_for_county, national
from geo.tagging.tagger import Tagger
from tests.klass_standin import CHANGES_PATH, KlassStandIn
from tests.test_tagging import measure

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def klass():
    server = KlassStandIn().start()
    yield server
    server.stop()


def settings(url: str | None, tmp_path) -> Settings:
    return Settings(klass_url=url, cache_dir=tmp_path, retries=0, connect_timeout=1.0)


def test_former_names_follow_their_codes_to_todays_municipalities(klass, tmp_path):
    got = get_former_names(settings(klass.url, tmp_path), today=TODAY)
    assert got.source == "api" and klass.requests[CHANGES_PATH] == 1
    former = {f.name: f for f in got.value}
    assert former["Tjøme"].into == ("3911",)  # 0723 -> 0729 -> 3811 -> 3911
    assert former["Klæbu"].into == ("5001",) and former["Klæbu"].year == 2020  # merged then
    assert former["Snillfjord"].into == ("5055", "5056", "5059") and former["Snillfjord"].part
    assert "Sarpsborg" not in former and "Haram" not in former  # renumbered / back again
    assert "Ålesund" not in former
    # The fetched list tags: Klæbu in a Trøndelag text is Trondheim
    gazetteer = gazetteer_for_county("50", former=got.value)
    found, _ = Tagger(gazetteer).tag_measure(measure(why_how="Bussene i Klæbu."))
    assert {(t["name"], t["via"]) for t in found} == {("Trondheim", "name")}
    again = get_former_names(settings(klass.url, tmp_path), today=TODAY)  # from the cache
    assert again.source == "cache" and klass.requests[CHANGES_PATH] == 1
    assert again.value == got.value


def test_without_an_answer_the_bundled_list_is_used(klass, tmp_path):
    klass.fail_first[CHANGES_PATH] = [500]
    got = get_former_names(settings(klass.url, tmp_path), today=TODAY)
    assert got.source == "snapshot" and got.value == national().former
    assert any("could not fetch former municipalities" in w for w in got.warnings)
    offline = get_former_names(settings(None, tmp_path / "off"), today=TODAY)
    assert offline.source == "snapshot" and offline.warnings == []


@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"codeChanges": []},
        {
            "codeChanges": [
                {
                    "oldCode": "12",
                    "oldName": "X",
                    "newCode": "1234",
                    "newName": "Y",
                    "changeOccurred": "2020-01-01",
                }
            ]
        },
        {
            "codeChanges": [
                {
                    "oldCode": "1234",
                    "oldName": "X",
                    "newCode": "1235",
                    "newName": "Y",
                    "changeOccurred": "in 2020",
                }
            ]
        },
        {"codeChanges": ["not an object"]},
    ],
    ids=["no-list", "empty", "short-code", "bad-date", "not-object"],
)
def test_a_bad_answer_is_refused(answer):
    with pytest.raises(ValidationError):
        parse_changes(answer, "http://stand-in")


def test_a_malformed_answer_falls_back_and_is_not_cached(klass, tmp_path):
    klass.malformed.add(CHANGES_PATH)
    got = get_former_names(settings(klass.url, tmp_path), today=TODAY)
    assert got.source == "snapshot" and not list(tmp_path.glob("klass*"))
    assert former_from_changes([], national()) == ()


def test_a_chain_that_ends_in_no_municipality_of_today_names_none():
    changes = parse_changes(
        {
            "codeChanges": [
                {
                    "oldCode": "1111",
                    "oldName": "Borte",
                    "newCode": "2222",
                    "newName": "Enda mer borte",
                    "changeOccurred": "2018-01-01",
                },
                {
                    "oldCode": "5030",
                    "oldName": "Klæbu",
                    "newCode": "5001",
                    "newName": "Trondheim",
                    "changeOccurred": "2020-01-01",
                },
            ]
        },
        "x",
    )
    assert [f.name for f in former_from_changes(changes, national())] == ["Klæbu"]


def test_the_pipeline_tags_with_the_fetched_list(klass, tmp_path):
    from geo.pipeline import build_programme

    document = tmp_path / "program.txt"
    document.write_text(
        "Handlingsprogram 2027–2030\nTrøndelag fylkeskommune\n\n"
        "1.1 Bedre bussene i Gammelbygd\nBeskrivelse: Flere avganger.\n"
        "Ansvarlig: AtB\nPeriode: 2027\n",
        encoding="utf-8",
    )
    base = Settings(document=document, county="50", api_url=None, ssb_url=None, cache_dir=tmp_path)
    fetched = build_programme(Settings(**{**base.__dict__, "klass_url": klass.url}))
    names = {t["name"] for t in fetched.tags["1.1"].municipalities}
    assert names == {"Trondheim"} and klass.requests[CHANGES_PATH] == 1
    other = {"klass_url": None, "cache_dir": tmp_path / "other"}  # (the first run's cache
    bundled = build_programme(Settings(**{**base.__dict__, **other}))  # would serve it too)
    assert bundled.tags["1.1"].municipalities == []  # the bundled list has no Gammelbygd
