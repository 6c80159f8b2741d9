"""The grammar seam: a programme's shape is handed to the parser, chosen by name."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from geo.errors import InputError
from geo.reading.extract import choose_grammar
from geo.reading.grammar import (
    GRAMMARS,
    LABEL_WORDS,
    OSTFOLD,
    TWO_LEVEL,
    Grammar,
    LabelRule,
    Numbering,
    grammar_named,
)
from geo.reading.parse import parse_text
from geo.terms import Field
from tests.test_cli import run

# A programme in Østfold's layout but with nynorsk label words: one more grammar reads it.
NYNORSK_TEXT = """Handlingsprogram 2026-2029
Regional plan for kultur
Tema: Kulturarv
Strategi 1.1: Ta vare på kulturminne
1.1.1 Registrere kulturminne i kystsona
Kvifor og korleis
Kulturminna langs kysten må registrerast.
Kven
Kommunane, fylkeskommunen
Tidsrom
2026-2027
1.1.2 Formidle kulturarv
Kvifor og korleis
Formidling til skular.
Kven
Museet
Tidsrom
I planperioden
"""


def nynorsk() -> Grammar:
    return replace(
        OSTFOLD,
        name="nynorsk-test",
        description="Østfold's layout with nynorsk label words",
        labels=(
            LabelRule(
                Field.WHY_HOW, "Kvifor og korleis", re.compile(r"^Kvifor og korleis\b\s*(.*)$")
            ),
            LabelRule(Field.ACTORS, "Kven", re.compile(r"^Kven\b:?\s*(.*)$")),
            LabelRule(Field.PERIOD, "Tidsrom", re.compile(r"^Tidsrom\b:?\s*(.*)$")),
        ),
    )


def test_the_default_grammar_is_ostfold_and_unknown_names_are_refused():
    assert grammar_named(None) is OSTFOLD and grammar_named("ostfold") is OSTFOLD
    assert list(GRAMMARS) == ["ostfold", "three-level", "two-level"]
    with pytest.raises(InputError, match=r"no such grammar; use auto .* or one of: ostfold"):
        grammar_named("vestland")


def test_another_grammar_reads_another_shape_without_code_changes():
    extraction = parse_text(NYNORSK_TEXT, nynorsk())
    assert [m.id for m in extraction.measures] == ["1.1.1", "1.1.2"]
    first, second = extraction.measures
    assert first.why_how == "Kulturminna langs kysten må registrerast."
    assert first.actors == ["Kommunane", "fylkeskommunen"] and first.actors_label == "Kven"
    assert (first.period.start, first.period.end) == (2026, 2027)
    assert (second.period.start, second.period.end) == (2026, 2029)  # "I planperioden"
    assert extraction.problem() is None
    # Østfold's grammar does not know these labels: the measures have no fields.
    plain = parse_text(NYNORSK_TEXT, OSTFOLD)
    assert all(m.actors == [] and m.actors_label is None for m in plain.measures)


def test_plans_are_keyed_once_by_the_parser(extraction):
    """Every measure's plan is one of the parsed plans, and its key is what its number
    claims: nothing downstream parses ids to find a plan."""
    assert [p.key for p in extraction.plans] == ["1", "2", "3"]
    assert extraction.plans[0].short == "for økt livskvalitet, deltakelse og likeverd"
    titles = {p.title: p.key for p in extraction.plans}
    for m in extraction.measures:
        assert m.plan in titles
        assert OSTFOLD.numbering.plan_of(m.id) == titles[m.plan]


def test_numbering_knows_measures_strategies_and_plans():
    numbering = Numbering()
    assert numbering.is_measure("3.18.1") and not numbering.is_measure("3.18")
    assert numbering.is_strategy("3.14") and not numbering.is_strategy("3.14.1")
    assert numbering.strategy_of("3.18.1") == "3.18" and numbering.plan_of("3.18.1") == "3"
    two = Numbering(depth=2, part_digits=(2, 3))
    assert two.is_measure("2.3") and two.strategy_of("2.3") == "2"
    with pytest.raises(ValueError):
        Numbering(depth=3, part_digits=(2, 2))


@pytest.mark.parametrize("how", [["--grammar", "vestland"], []], ids=["flag", "environment"])
def test_a_bad_grammar_is_one_line_naming_where_it_came_from(how, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "TILTAKSKART_CACHE_DIR": str(tmp_path)}
    if not how:
        env["TILTAKSKART_GRAMMAR"] = "vestland"
    result = subprocess.run(
        [sys.executable, "-m", "cli", "extract", *how],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    where = "--grammar vestland" if how else "TILTAKSKART_GRAMMAR=vestland"
    assert line.startswith(f"tiltakskart: error: {where}: no such grammar; use auto")


PROGRAMMES = Path(__file__).parent / "data" / "programmes"
EXPECTED = tomllib.loads((PROGRAMMES / "expected.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_programmes_of_other_shapes_are_read_whole_with_roles(name):
    """Three programmes written for the tests: every measure found, the grammar chosen from
    the document, responsible and partners apart, every header placed."""
    expected = EXPECTED[name]
    extraction = choose_grammar((PROGRAMMES / f"{name}.txt").read_text(encoding="utf-8"))
    assert extraction.grammar == expected["grammar"]
    assert extraction.problem() is None and extraction.warnings == []
    assert [p.title for p in extraction.plans] == expected["plans"]
    got = [
        dict(
            id=m.id,
            title=m.title,
            responsible=m.responsible,
            partners=m.partners,
            period=[m.period.text, m.period.start or 0, m.period.end or 0],
        )
        for m in extraction.measures
    ]
    assert got == expected["measures"]
    for measure in extraction.measures:  # the actors are the two roles, in order
        assert measure.actors == measure.responsible + measure.partners
        assert measure.why_how


def test_the_grammar_is_chosen_from_the_document(programme_text):
    assert choose_grammar(programme_text).grammar == "ostfold"
    assert "125 of 125 measures" in choose_grammar(programme_text).grammar_note
    assert choose_grammar(NYNORSK_TEXT).grammar == "three-level"


@pytest.mark.parametrize("field, role, words", LABEL_WORDS)
def test_every_label_word_opens_its_field_and_role(field, role, words):
    for word in words:
        for written in (f"{word}: Moss kommune", f"{word}\nMoss kommune", f"{word}  Moss kommune"):
            body = f"Innleiande tekst.\n{written}\n".splitlines()
            found = TWO_LEVEL.label_at(body, 1)
            assert found is not None, written
            assert (found.field, found.role, found.label) == (field, role, word)
            text = body[2] if found.used == 1 and not found.rest else found.rest
            assert text == "Moss kommune"


@pytest.mark.parametrize(
    "line",
    ["Ansvar for drift ligger hos fylkeskommunen.", "Periode med vekst i Moss.", "Når alle er med"],
)
def test_a_sentence_that_starts_with_a_label_word_stays_text(line):
    assert TWO_LEVEL.label_at([line], 0) is None


def test_labels_in_any_order_and_once_each():
    text = """Handlingsprogram 2026
1.1 Eit tiltak
Tidsrom: 2027
Ansvarleg: Bergen kommune
Kvifor og korleis: Fordi.
Samarbeidspartnarar: Voss herad
Ansvarleg: ikkje ein ny etikett, men tekst
"""
    (measure,) = parse_text(text, TWO_LEVEL).measures
    assert (measure.period.start, measure.why_how) == (2027, "Fordi.")
    assert measure.responsible == ["Bergen kommune"]
    # a second "Ansvarleg" opens nothing: it is text of the field before it
    assert measure.partners == ["Voss herad Ansvarleg: ikkje ein ny etikett", "men tekst"]


def test_two_level_numbers_need_a_capital_title_and_a_strategy_word_a_boundary():
    text = "Innsatsområde 2: Kyst\n2.1 Eit tiltak\nBeskrivelse: Om 12.500 kroner\n"
    text += "12.500 kroner er sett av.\nMål 2030 er nådd.\n"
    extraction = parse_text(text, TWO_LEVEL)
    assert [m.id for m in extraction.measures] == ["2.1"]
    assert extraction.strategies == {"2": "Kyst"}
    assert "12.500 kroner er sett av." in extraction.measures[0].why_how


@pytest.mark.parametrize("name, grammar", [("vestland-2026-2030", "three-level")])
def test_the_command_reports_the_grammar_and_takes_an_override(name, grammar):
    path = PROGRAMMES / f"{name}.txt"
    auto = run("extract", str(path), "--report", timeout=120)
    assert auto.returncode == 0, auto.stderr
    assert f"Grammar: {grammar} (chosen from the document: 6 of 6 measures" in auto.stdout
    forced = run("extract", str(path), "--report", "--grammar", "ostfold", timeout=120)
    assert "Grammar: ostfold (as given)" in forced.stdout + forced.stderr
    assert forced.returncode == 0 and "0 of" not in forced.stdout
    assert "6 distinct measures" in forced.stdout  # headers found, but no fields read
