"""Mutated programmes never crash the parser: it parses, or says clearly what is wrong."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.reading.document import InputError
from geo.reading.extract import extract_bytes
from geo.reading.grammar import OSTFOLD
from geo.reading.parse import PERIOD_LINES, parse_text
from tests.bounded import finishes_within

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated_lines(draw, lines: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["delete", "duplicate", "shuffle", "insert"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if op == "delete" and lines:
            n = draw(st.integers(1, 40))
            del lines[i : i + n]
        elif op == "duplicate" and lines:
            n = draw(st.integers(1, 10))
            lines[i:i] = lines[i : i + n]
        elif op == "shuffle" and lines:
            # shuffle the lines of the measure around line i (up to the next header)
            end = next(
                (k for k in range(i + 1, len(lines)) if OSTFOLD.header_like.match(lines[k])),
                len(lines),
            )
            lines[i:end] = draw(st.permutations(lines[i:end]))
        else:
            lines.insert(i, draw(st.text(max_size=60)))
    return lines


def check_accounting(text: str) -> None:
    extraction = parse_text(text)
    header_lines = sum(1 for line in text.splitlines() if OSTFOLD.header_like.match(line))
    assert sum(extraction.counts().values()) == header_lines
    ids = [m.id for m in extraction.measures]
    assert len(ids) == len(set(ids))
    # Text after a period is reported, never absorbed into it.
    assert all(len(m.period.text.splitlines()) <= PERIOD_LINES for m in extraction.measures)


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_mutated_lines_parse_and_account_for_every_header(programme_text, data):
    lines = data.draw(mutated_lines(programme_text.splitlines()))
    check_accounting("\n".join(lines))


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_random_bytes_give_a_result_or_a_clear_error(programme_text, data):
    raw = bytearray(programme_text.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=64))
    try:
        document, extraction = extract_bytes(bytes(raw), "mutated.txt")
    except InputError as exc:
        message = str(exc)
        assert "\n" not in message and re.search(r"binary|PDF|empty|no measure headers", message)
    else:
        # A byte inside a "Regional plan" heading leaves every header outside a plan: then
        # they are all unclassified, which makes the command fail and name them.
        assert extraction.measures or extraction.unclassified
        check_accounting(document.text)


@SETTINGS
@given(text=st.text(max_size=400))
def test_arbitrary_text_is_parsed_and_accounted_for_or_refused_in_one_line(text):
    try:
        document, _ = extract_bytes(text.encode("utf-8", errors="surrogatepass"), "t.txt")
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        check_accounting(document.text)


# Large inputs: a short random piece repeated to ~200 kB, in each part of a measure. Quadratic
# parsing or tagging takes minutes at this size (bench/adversarial.py); linear code, a second.
PIECES = st.text(
    alphabet=st.sampled_from(list(" \t.,-/0123456789aøåIndre ØstfoldMosskommunene\n")),
    min_size=1,
    max_size=24,
)
TEMPLATE = """Regional plan for noe
Tema 1: Noe
Strategi 1.1: Noe
1.1.1 Et tiltak {title}
Hvorfor og hvordan
{why}
Hvem
{who}
Tidsperiode 2025
{after}
"""
LARGE = 200_000


@pytest.mark.slow
@settings(max_examples=25, deadline=None, derandomize=True)
@given(piece=PIECES, where=st.sampled_from(["title", "why", "who", "after"]))
@example(piece="Indre Østfold. ", where="why")  # the shapes that were quadratic before
@example(piece="Moss. ", where="why")
@example(piece="1", where="who")
@example(piece=" ", where="title")
def test_large_repetitive_input_is_parsed_and_tagged_in_bounded_time(tagger, piece, where):
    parts = dict.fromkeys(["title", "why", "who", "after"], "")
    parts[where] = piece * (LARGE // len(piece))
    text = TEMPLATE.format(**parts)

    def parse_and_tag():
        extraction = parse_text(text)
        for measure in extraction.measures:
            tagger.tag_measure(measure)

    assert finishes_within(60, parse_and_tag), f"{where}: {piece!r} × {LARGE // len(piece)}"


WORD = st.from_regex(r"[a-zæøå]{1,8}", fullmatch=True)


@SETTINGS
@given(
    title=st.lists(WORD, min_size=1, max_size=60),
    repeated=st.integers(0, 60),
    actors=st.lists(WORD, min_size=1, max_size=60),
    per_line=st.integers(1, 4),
)
def test_many_line_titles_page_repeats_and_actors_are_read_whole(title, repeated, actors, per_line):
    """A title over many lines, repeated in part after a page break, and a Hvem field over
    many lines: the title is read whole, the repeat removed, every actor kept."""
    title_lines = [" ".join(title[k : k + per_line]) for k in range(0, len(title), per_line)]
    repeat = min(repeated, len(title_lines))
    text = (
        "Regional plan for test\nTema: Prøve\nStrategi 1.1: Første\n\n1.1.1 "
        + "\n".join(title_lines)
        + "\n\nHvorfor og hvordan\nFørste del.\n"
        + ("1.1.1 " + "\n".join(title_lines[:repeat]) + "\n" if repeat else "")
        + "videre.\nHvem\n"
        + ",\n".join(actors)
        + "\nTidsperiode 2026\n"
    )
    extraction = parse_text(text)
    (measure,) = extraction.measures
    assert measure.title == " ".join(title)
    assert extraction.counts()["page_repeat"] == (1 if repeat else 0)
    assert extraction.problem() is None
    assert measure.why_how == "Første del.\nvidere."  # nothing of the repeat left in it
    assert measure.actors == actors
