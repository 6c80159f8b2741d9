"""Revisions of a programme: which measure is which across two of them, and what changed."""

from geo.revisions.diff import (
    MeasureChange,
    MunicipalityChange,
    ProgrammeDiff,
    Revision,
    diff_programmes,
)
from geo.revisions.match import Match, Matching, match_measures

__all__ = [
    "Match",
    "Matching",
    "MeasureChange",
    "MunicipalityChange",
    "ProgrammeDiff",
    "Revision",
    "diff_programmes",
    "match_measures",
]
