"""The maps' colours, shared by the web map (geo.outputs.webmap) and the app's figures: kept
apart so that drawing a figure does not load folium."""

from __future__ import annotations

# ColorBrewer YlGnBu (sequential, colour-blind safe), light = few measures.
PALETTE = ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]


def colour(value: float, low: float, high: float) -> str:
    """The palette colour for a value on a linear scale from low to high."""
    if high <= low:
        return PALETTE[len(PALETTE) // 2]
    position = (value - low) / (high - low) * (len(PALETTE) - 1)
    return PALETTE[max(0, min(len(PALETTE) - 1, round(position)))]


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill (WCAG relative luminance)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"
