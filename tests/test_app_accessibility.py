"""WCAG 2.1 AA colour contrast of the app's colours, and labels on every control."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from app.figures import VIA_COLOURS
from geo.webmap import PALETTE, text_colour

CSS = (Path(__file__).resolve().parents[1] / "app" / "assets" / "style.css").read_text()


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_theme_colours_pass_aa():
    primary = re.search(r"--bs-primary:\s*(#[0-9a-f]{6})", CSS).group(1)
    header = re.search(r"\.app-header \{ background: (#[0-9a-f]{6})", CSS).group(1)
    secondary = re.search(r"\.text-body-secondary \{ color: (#[0-9a-f]{6})", CSS).group(1)
    assert contrast("#ffffff", primary) >= 4.5  # button text, links on white
    assert contrast("#ffffff", header) >= 4.5
    assert contrast(secondary, "#ffffff") >= 4.5
    assert contrast("#000000", "#ffe08a") >= 4.5  # highlighted evidence


@pytest.mark.parametrize("fill", PALETTE + list(VIA_COLOURS.values()))
def test_map_labels_are_readable_on_every_fill(fill):
    assert contrast(text_colour(fill), fill) >= 4.5


def test_legend_colours_are_distinct():
    # Neighbouring palette steps must differ (sequential scale), and via colours are unique.
    lum = [luminance(c) for c in PALETTE]
    assert all(a > b for a, b in pairwise(lum))
    assert len(set(VIA_COLOURS.values())) == len(VIA_COLOURS)
