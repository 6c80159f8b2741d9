"""Norwegian number formats: a decimal comma and a space between thousands ("1 310", "95,7").

One place for the format, so that the app, the map popups, the slides and the Norwegian
exports write numbers the same way.
"""

from __future__ import annotations

import math

THOUSANDS = " "
DECIMAL = ","
PLOTLY_SEPARATORS = DECIMAL + THOUSANDS  # Plotly's layout.separators: decimal, then thousands


def number(value: float | int | None, decimals: int = 0, missing: str = "–") -> str:
    """'1 310', '95,7' (rounded to `decimals`); `missing` for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", DECIMAL).replace("\x00", THOUSANDS)


def count(value: float | int) -> str:
    """A whole count: '1 310'."""
    return number(round(value), 0)


def decimal(value: float | int | None, decimals: int = 1) -> str:
    """A figure with decimals, e.g. per 1 000 inhabitants: '0,7'."""
    return number(value, decimals)
