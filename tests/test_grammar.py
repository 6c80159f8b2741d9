"""The grammar seam: a programme's shape is handed to the parser, chosen by name."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest

from geo.errors import InputError
from geo.reading.grammar import GRAMMARS, OSTFOLD, Grammar, LabelRule, Numbering, grammar_named
from geo.reading.parse import parse_text
from geo.terms import Field

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
    assert set(GRAMMARS) == {"ostfold"}
    with pytest.raises(InputError, match="no such grammar; use one of: ostfold") as caught:
        grammar_named("vestland")
    assert caught.value.setting == "grammar"


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
    assert line.startswith(f"tiltakskart: error: {where}: no such grammar; use one of: ostfold")
