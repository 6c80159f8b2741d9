"""The URL state: round trips, and malformed or unknown values fall back to defaults."""

from __future__ import annotations

import pytest

from app.state import Choices, format_state, parse_state
from app.state import PageState as State
from app.views import VIEWS

NUMBERS = ("3101", "3103", "3105")
THEMES = ("Levekår", "Deltakelse")
CHOICES = Choices(
    views=VIEWS,
    plans=("1", "2", "3"),
    numbers=NUMBERS,
    themes=THEMES,
    strategies=("1.1", "3.16"),
    measure_ids=("1.3.2", "2.7.5"),
    years=(2025, 2026, 2027, 2028),
    actors=("Statens vegvesen", "kommunene"),
    slides=13,
)


def parse(search: str) -> State:
    return parse_state(search, CHOICES)


def test_round_trip():
    state = State(
        view="kommune",
        kommune="3105",
        metric="share",
        plan="2",
        theme="Levekår",
        strategy="3.16",
        year=2026,
        role="actor",
        actor="Statens vegvesen",
        layout="ruter",
        bakgrunn=True,
        tiltak="2.7.5",
        slide=3,
    )
    assert parse(format_state(state)) == state


def test_defaults_give_a_query_with_only_the_view():
    assert format_state(State()) == "?view=kart"
    assert format_state(State(view="ipr")) == "?view=ipr"
    assert parse("") == State() and parse(None) == State()


def test_a_layout_chosen_for_lack_of_boundaries_is_not_written():
    """A server without boundaries draws tiles by default and writes nothing about it, so its
    links open the real map on a server that has boundaries."""
    without = Choices(views=VIEWS, numbers=NUMBERS, has_boundaries=False)
    state = parse_state("?view=kart", without)
    assert state.layout == "ruter"
    assert format_state(state, without.default) == "?view=kart"
    assert parse(format_state(state, without.default)).layout == "kart"
    # chosen on purpose, it is written and followed everywhere
    assert format_state(State(layout="ruter"), CHOICES.default) == "?view=kart&layout=ruter"


def test_only_known_actors():
    assert parse("?actor=Statens+vegvesen").actor == "Statens vegvesen"
    assert parse("?actor=Noen+andre").actor is None


def test_kommune_link_opens_the_municipality():
    assert parse("?kommune=3101") == State(view="kommune", kommune="3101")
    assert parse("?kommune=3101&view=kart").view == "kart"


@pytest.mark.parametrize(
    "search",
    [
        "?view=nope&kommune=9999&metric=<script>&plan=7&theme=Månen&strategy=9.9&year=1999"
        "&via=x,y&role=boss&layout=globe&bakgrunn=yes&tiltak=0.0.0&slide=-1",
        "?year=twenty&slide=999&via=&plan=",
        "%%%&&&==?",
        "?kommune=3101&kommune=",
        "?" + "a=" + "x" * 5000,
    ],
)
def test_malformed_parameters_fall_back(search):
    state = parse(search)
    assert state.view in ("kart", "kommune") and state.metric == "act"
    assert state.plan is None and state.year is None
    assert state.slide == 0 and state.layout == "kart" and not state.bakgrunn


@pytest.mark.parametrize("year", ["²⁰²⁶", "２０２６", "2026" * 1250, "-2026", "2030"])
def test_only_ascii_digits_within_range_are_years(year):
    assert parse(f"?year={year}").year is None
    assert parse("?year=2026").year == 2026


def test_metrics_are_those_the_app_offers():
    assert parse("?metric=specific_per_1000").metric == "specific_per_1000"
    assert parse("?metric=year").metric == "act"  # not offered: the year is a filter
    assert parse("?metric=total_per_1000").metric == "act"  # ranked the common measures


def test_long_actor_is_ignored():
    assert parse("?actor=" + "K" * 200).actor is None
    assert parse("?actor=kommunene").actor == "kommunene"


def test_an_actor_link_takes_an_alias_or_any_case(app_bundle):
    """?actor=ØFK or any case of a name lands on the canonical name the filter offers."""
    from app.views import make_view

    choices = make_view(app_bundle).choices
    for asked in ("ØFK", "østfold FYLKESKOMMUNE", " Østfold  fylkeskommune "):
        assert choices.state({"actor": asked}).actor == "Østfold fylkeskommune", asked
    assert choices.state({"actor": "ingen slik aktør"}).actor is None
