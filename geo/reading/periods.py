"""Turn a "Tidsperiode" text into a start and end year."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from geo.records import PeriodRecord

MAX_PROGRAMME_YEARS = 12  # a longer span is not an action programme's period
# "Handlingsprogram 2025-2028", "Handlingsprogrammet 2025 – 2028" (title, footers, introduction)
_TITLE = re.compile(r"\bHandlingsprogram\w*\s+(20\d\d)\s*[-–—]\s*(20\d\d)\b", re.I)
_RANGE = re.compile(r"\b(20\d\d)\s*[-–—]\s*(20\d\d|\d\d)\b")
_YEAR = re.compile(r"\b(20\d\d)\b")
# Words that mean "the whole programme period".
_WHOLE_PERIOD = re.compile(
    r"\b(handlingsplanperioden|handlingsprogramperioden|planperioden)\b", re.I
)
# Words that leave the end open when a start year is given.
_OPEN_END = re.compile(r"\b(løpende|fra|etableres)\b", re.I)


@dataclass(frozen=True)
class Period:
    """A measure's period: the text as written and the years it spans (None when open)."""

    text: str
    start: int | None
    end: int | None

    def as_dict(self) -> PeriodRecord:
        return {"text": self.text, "start": self.start, "end": self.end}

    @property
    def whole_programme(self) -> bool:
        """True for "I planperioden" and the like, which mean the programme's own period."""
        return self.start is None and bool(_WHOLE_PERIOD.search(self.text))


def parse_period(text: str, programme: tuple[int, int] | None = None) -> Period:
    """Read the years out of a period text.

    "2025-2028" and "2025-26" give both ends; a lone year gives start = end; "2025 og løpende",
    "Fra 2025" and "Etableres 2025" leave the end open; "Løpende" without a year gives no years;
    "I planperioden" gives the programme period. Several years ("2025 … 2026-2028 …") give the
    earliest start and the latest end.
    """
    years: list[int] = []
    for match in _RANGE.finditer(text):
        first, second = int(match.group(1)), match.group(2)
        last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
        years += [first, last]
    rest = _RANGE.sub(" ", text)
    years += [int(y) for y in _YEAR.findall(rest)]
    if not years:
        if _WHOLE_PERIOD.search(text) and programme is not None:
            return Period(text, *programme)
        return Period(text, None, None)
    start, end = min(years), max(years)
    if _OPEN_END.search(text) and not _RANGE.search(text):
        return Period(text, start, None)
    return Period(text, start, end)


def title_period(text: str) -> tuple[int, int] | None:
    """The period a programme's title names ("Handlingsprogram 2025-2028"), if it names one."""
    for match in _TITLE.finditer(text):
        start, end = int(match.group(1)), int(match.group(2))
        if 0 <= end - start < MAX_PROGRAMME_YEARS:
            return start, end
    return None


def programme_period(text: str, periods: Iterable[Period]) -> tuple[int, int] | None:
    """The programme's period: the one its title names, else the span of its measures' years."""
    if (named := title_period(text)) is not None:
        return named
    years = [y for p in periods for y in (p.start, p.end) if y is not None]
    if years and max(years) - min(years) < MAX_PROGRAMME_YEARS:
        return min(years), max(years)
    return None


def programme_years(period: tuple[int, int] | None) -> tuple[int, ...]:
    """Every year of a programme period, in order (none when the period is unknown)."""
    return tuple(range(period[0], period[1] + 1)) if period else ()
