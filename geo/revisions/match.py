"""Which measure of one revision of a programme is which of the next: by number (or alias),
then by the similarity of title and why/how text, each match with its confidence.

A revision renumbers, rewrites, splits, adds and removes measures. A number alone is not an
identity (a freed number is reused), nor is a title (titles are edited), so both are weighed:
a measure that keeps its number and most of its text is the same one; one that lost its number
is found by its text; a new measure close to an old one that lives on was split out of it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo.records import MeasureRecord
from geo.terms import Change

log = logging.getLogger(__name__)

SAME_NUMBER_MIN = 0.4  # text similarity for a kept number to stay the same measure
TEXT_MATCH_MIN = 0.6  # text similarity for measures with different numbers to match
CERTAIN = 0.85  # below this, a match is listed for the administrator to confirm
MAX_PAIRS = 50_000  # text comparisons at most, all steps together: bounds any input (~1 s)
TITLE_CHARS = 300  # a title is compared by its start (a title is a line, not a text)
BODY_WORDS = 2_000  # distinct words of the why/how text taken
_WORD = re.compile(r"\w{3,}")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    """A measure of the old revision (`old`) and of the new (`new`), and how sure it is."""

    old: str
    new: str
    change: Change  # UNCHANGED, CHANGED, RENUMBERED or SPLIT
    confidence: float  # 0–1

    @property
    def uncertain(self) -> bool:
        """For the administrator to confirm: a weak match, and every split."""
        return self.confidence < CERTAIN or self.change == Change.SPLIT


@dataclass(frozen=True)
class Matching:
    matches: tuple[Match, ...]
    removed: tuple[str, ...]  # old ids without a match
    added: tuple[str, ...]  # new ids without a match
    notes: tuple[str, ...] = ()


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


class _Text:
    """A measure's text prepared once for many comparisons, bounded whatever its length."""

    def __init__(self, m: MeasureRecord):
        title = " ".join(_TOKEN.findall(_plain(m["title"][:TITLE_CHARS])))
        self.title = frozenset(title[k : k + 3] for k in range(max(1, len(title) - 2)))
        body = _WORD.finditer(_plain((m.get("why_how") or "")[:200_000]))
        words: set[str] = set()
        for match in body:
            words.add(match.group())
            if len(words) >= BODY_WORDS:
                break
        self.words = frozenset(words)
        self.numbers = frozenset([m["id"], *m.get("aliases", [])])


def similarity(a: _Text, b: _Text) -> float:
    """0–1: the titles' likeness (the Dice coefficient of their letter triples: word endings
    that change count little) weighed with the why/how texts' shared words (Jaccard), where
    both have such text. Set arithmetic only: its cost is bounded by the texts' bounds."""
    both = len(a.title) + len(b.title)
    title = 2 * len(a.title & b.title) / both if both else 1.0
    if not a.words or not b.words:
        return title
    body = len(a.words & b.words) / len(a.words | b.words)
    return 0.65 * title + 0.35 * body


def match_measures(old: Sequence[MeasureRecord], new: Sequence[MeasureRecord]) -> Matching:
    """Pair the measures of two revisions (see the module doc)."""
    olds = {m["id"]: _Text(m) for m in old}
    news = {m["id"]: _Text(m) for m in new}
    matches: dict[str, Match] = {}  # by new id
    taken: set[str] = set()  # old ids matched
    # 1. The same number (or alias), and enough of the same text.
    by_number: dict[str, list[str]] = {}
    for o, ot in olds.items():
        for number in ot.numbers:
            by_number.setdefault(number, []).append(o)
    for n, nt in news.items():
        sharing = dict.fromkeys(o for number in nt.numbers for o in by_number.get(number, ()))
        for o in sharing:
            ot = olds[o]
            if o in taken:
                continue
            score = similarity(ot, nt)
            if score >= SAME_NUMBER_MIN:
                confidence = 0.5 + 0.5 * score  # the number is half the evidence
                matches[n] = Match(o, n, Change.CHANGED, round(confidence, 3))
                taken.add(o)
                break
    notes: list[str] = []
    # 2. The rest by text, the most alike first.
    left_old = [o for o in olds if o not in taken]
    left_new = [n for n in news if n not in matches]
    if len(left_old) * len(left_new) > MAX_PAIRS:
        notes.append(
            f"{len(left_old)} old and {len(left_new)} new measures without a number in common: "
            "too many to compare by text; listed as removed and added"
        )
        log.warning("%s", notes[-1])
    else:
        scored = sorted(
            ((similarity(olds[o], news[n]), o, n) for o in left_old for n in left_new),
            reverse=True,
        )
        for score, o, n in scored:
            if score < TEXT_MATCH_MIN:
                break
            if o in taken or n in matches:
                continue
            matches[n] = Match(o, n, Change.RENUMBERED, round(score, 3))
            taken.add(o)
        # 3. A new measure still alone, close to an old one that lives on: split out of it.
        alone = [n for n in left_new if n not in matches]
        if len(alone) * len(olds) <= MAX_PAIRS - len(left_old) * len(left_new):
            for n in alone:
                best = max(((similarity(ot, news[n]), o) for o, ot in olds.items()), default=None)
                if best is not None and best[0] >= TEXT_MATCH_MIN and best[1] in taken:
                    matches[n] = Match(best[1], n, Change.SPLIT, round(best[0], 3))
    order = {n: k for k, n in enumerate(news)}
    return Matching(
        matches=tuple(sorted(matches.values(), key=lambda m: order[m.new])),
        removed=tuple(o for o in olds if o not in taken),
        added=tuple(n for n in news if n not in matches),
        notes=tuple(notes),
    )
