from __future__ import annotations

import pytest

from geo.periods import parse_period

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
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period.text == text


def test_programme_period_is_configurable():
    assert parse_period("I planperioden", programme=(2029, 2032)).as_dict() == {
        "text": "I planperioden",
        "start": 2029,
        "end": 2032,
    }
