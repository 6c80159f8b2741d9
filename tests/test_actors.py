"""Actors as names: the Hvem field's strings read as canonical names with the county's
authored list; each actor once, whatever its case, spelling or abbreviation."""

from __future__ import annotations

import pytest

from geo.errors import GazetteerError
from geo.tagging.actors import ActorList, actors_for_county, read_actors


@pytest.fixture(scope="module")
def actors() -> ActorList:
    return actors_for_county("31")


@pytest.mark.parametrize(
    ("raw", "names", "notes"),
    [
        (["Østfold fylkeskommune", "ØSTFOLD FYLKESKOMMUNE", "ØFK"], ["Østfold fylkeskommune"], []),
        (["Østfold Fylkeskommune og kommunene"], ["Østfold fylkeskommune", "Kommunene"], []),
        (["Statsforvalter m.fl"], ["Statsforvalteren"], ["m.fl."]),
        (["KS (skoleeiernettverket)"], ["KS"], ["skoleeiernettverket"]),
        (["Kommunal- og distriktsdepartementet"], ["Kommunal- og distriktsdepartementet"], []),
        (["Helse Sør-Øst/Sykehuset Østfold"], ["Helse Sør-Øst", "Sykehuset Østfold"], []),
        (
            ["NECIA Teknologiklynge næringslivet for øvrig"],
            ["NECIA Teknologiklynge", "Næringslivet"],
            [],
        ),
        (["og private tilbydere av utdanning"], ["Private tilbydere av utdanning"], []),
        (["akademia", "Akademia"], ["Akademia"], []),
        (["Halden og Indre Østfold kommuner"], ["Halden kommune", "Indre Østfold kommune"], []),
    ],
)
def test_hvem_strings_read_as_canonical_names(actors, raw, names, notes):
    assert actors.read(raw) == (names, notes)


def test_the_programme_names_each_actor_once(app_bundle):
    names = app_bundle.actors()
    assert len(names) == len({n.casefold() for n in names}) == 187
    assert not any("(" in n or n.startswith("og ") for n in names)
    assert names[:2] == ["Østfold fylkeskommune", "Kommunene"]  # the most frequent first
    raw = {a for m in app_bundle.measures for a in m["actors"]}
    assert len(raw) == 272  # what the filter listed before


def test_an_actor_list_that_names_an_alias_twice_is_refused(tmp_path):
    path = tmp_path / "aktorer-99.toml"
    path.write_text(
        '[[actors]]\nname = "A"\naliases = ["x"]\n[[actors]]\nname = "B"\naliases = ["X"]\n',
        encoding="utf-8",
    )
    with pytest.raises(GazetteerError, match="names two actors"):
        read_actors(path)


def test_without_a_list_actors_keep_their_words(tmp_path):
    none = actors_for_county("99", tmp_path)
    assert none.read(["statens vegvesen", "Statens Vegvesen"]) == (["Statens vegvesen"], [])
