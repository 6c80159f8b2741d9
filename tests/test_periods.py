from __future__ import annotations

import pytest

from geo.reading.parse import parse_text
from geo.reading.periods import parse_period, programme_period, programme_years, title_period

CASES = [
    ("2025-2028", 2025, 2028),
    ("2025 – 2028", 2025, 2028),
    ("2025-26", 2025, 2026),
    ("2026", 2026, 2026),
    ("2025 og løpende", 2025, None),
    ("2026 og løpende", 2026, None),
    ("Fra 2025", 2025, None),
    ("Etableres 2025", 2025, None),
    ("Løpende", None, None),
    ("Kontinuerlig", None, None),
    ("Er igangsatt", None, None),
    ("Handlingsplanperioden", 2025, 2028),
    ("I planperioden", 2025, 2028),
    ("I løpet av 2026", 2026, 2026),
    ("Pågående. 2025-2028", 2025, 2028),
    ("2025-2029 Må avklares i forhold til det enkelte tiltak", 2025, 2029),
    ("2025 Utvikling av metode\n2026-2028 Annet", 2025, 2028),
    ("", None, None),
    ("2028-2025", 2025, 2028),  # a backwards range: both years still count
]


@pytest.mark.parametrize(("text", "start", "end"), CASES)
def test_period_forms(text, start, end):
    period = parse_period(text, programme=(2025, 2028))
    assert (period.start, period.end) == (start, end)
    assert period.text == text


def test_programme_period_is_configurable():
    assert parse_period("I planperioden", programme=(2029, 2032)).as_dict() == {
        "text": "I planperioden",
        "start": 2029,
        "end": 2032,
    }


def test_whole_period_words_need_a_programme_period():
    assert (parse_period("I planperioden").start, parse_period("I planperioden").end) == (
        None,
        None,
    )


def test_title_names_the_programme_period():
    assert title_period("Handlingsprogram 2025 - 2028\n") == (2025, 2028)
    assert title_period("Handlingsprogrammet 2026–2029 er …") == (2026, 2029)
    assert title_period("Planperioden 2025-2040") is None  # a plan, not the programme
    assert title_period("Handlingsprogram 2025-2060") is None  # too long for a programme


def test_programme_period_falls_back_to_the_measures_years():
    periods = [parse_period("2027"), parse_period("2026-2028"), parse_period("Løpende")]
    assert programme_period("no title here", periods) == (2026, 2028)
    assert programme_period("", []) is None
    assert programme_years((2026, 2029)) == (2026, 2027, 2028, 2029)
    assert programme_years(None) == ()


PROGRAMME_2026 = """Handlingsprogram 2026-2029
Regional plan for noe
Tema 1: Noe
Strategi 1.1: Noe
1.1.1 Et tiltak
Hvorfor og hvordan
Tekst.
Hvem
Kommunene
Tidsperiode I planperioden
1.1.2 Et annet tiltak
Hvorfor og hvordan
Tekst.
Hvem
Kommunene
Tidsperiode 2027
"""


def test_a_2026_2029_programme_gets_its_own_period():
    extraction = parse_text(PROGRAMME_2026)
    assert extraction.programme == (2026, 2029)
    first = extraction.measures[0].period
    assert (first.start, first.end) == (2026, 2029)  # "I planperioden"
    untitled = parse_text(PROGRAMME_2026.replace("Handlingsprogram 2026-2029", "Tittel"))
    assert untitled.programme == (2027, 2027)  # only 1.1.2 names a year
    assert untitled.measures[0].period.start == 2027  # "I planperioden" follows
