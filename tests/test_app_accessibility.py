"""WCAG 2.1 AA colour contrast of the app's colours, and labels on every control."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from app.figures import VIA_COLOURS
from geo.outputs.palette import PALETTE, text_colour

ASSETS = Path(__file__).resolve().parents[1] / "app" / "assets"
CSS = (ASSETS / "style.css").read_text()
BOOTSTRAP = (ASSETS / "00-bootstrap.min.css").read_text()


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_colour(pattern: str, css: str = CSS) -> str:
    """A colour the stylesheet sets (the pattern's group); fails if the rule is gone."""
    match = re.search(pattern, css)
    assert match, f"no rule matching {pattern!r}"
    return match.group(1)


def test_theme_colours_pass_aa():
    body_text = css_colour(r"--bs-body-color:(#[0-9a-f]{6})", BOOTSTRAP)  # not overridden
    assert "--bs-body-color" not in CSS
    pairs = {
        "buttons": ("#ffffff", css_colour(r"\.btn-primary \{ --bs-btn-bg: (#[0-9a-f]{6})")),
        "button hover": ("#ffffff", css_colour(r"--bs-btn-hover-bg: (#[0-9a-f]{6})")),
        "links": (css_colour(r"--bs-link-color: (#[0-9a-f]{6})"), "#ffffff"),
        "header": (
            css_colour(r"\.app-header \{[^}]*color: (#[0-9a-f]{6})"),
            css_colour(r"\.app-header \{ background: (#[0-9a-f]{6})"),
        ),
        "secondary text": (
            css_colour(r"\.text-body-secondary \{ color: (#[0-9a-f]{6})"),
            "#ffffff",
        ),
        "highlighted evidence": (body_text, css_colour(r"mark \{ background: (#[0-9a-f]{6})")),
        "map baseline words": (css_colour(r"\.map-baseline \{ color: (#[0-9a-f]{6})"), "#ffffff"),
    }
    low = {k: round(contrast(*p), 2) for k, p in pairs.items() if contrast(*p) < 4.5}
    assert low == {}


@pytest.mark.parametrize("fill", PALETTE + list(VIA_COLOURS.values()))
def test_map_labels_are_readable_on_every_fill(fill):
    assert contrast(text_colour(fill), fill) >= 4.5


def test_legend_colours_are_distinct():
    # Neighbouring palette steps must differ (sequential scale), and via colours are unique.
    lum = [luminance(c) for c in PALETTE]
    assert all(a > b for a, b in pairwise(lum))
    assert len(set(VIA_COLOURS.values())) == len(VIA_COLOURS)
