"""Turn a "Tidsperiode" text into a start and end year."""

from __future__ import annotations

import re
from dataclasses import dataclass

PROGRAMME_PERIOD = (2025, 2028)

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

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


def parse_period(text: str, programme: tuple[int, int] = PROGRAMME_PERIOD) -> Period:
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
        if _WHOLE_PERIOD.search(text):
            return Period(text, *programme)
        return Period(text, None, None)
    start, end = min(years), max(years)
    if _OPEN_END.search(text) and not _RANGE.search(text):
        return Period(text, start, None)
    return Period(text, start, end)
