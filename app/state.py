"""The page state and its URL words: parse leniently (unknown or malformed values fall back to
the defaults) and write back canonically, so a link reproduces exactly what someone saw.

The domain words (metric, via, role, layout) come from `geo.terms`; this module only adds
the words that appear in the URL (view names, `kart`/`ruter`, `bakgrunn=1`). URL values and
control values pass through the same checks (`Choices.state`), so a callback never sees an
invalid state, whatever the browser sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from geo.terms import DEFAULT_METRIC, METRIC_CHOICE_LABELS, Layout, Metric, Role

METRICS = tuple(Metric(m) for m in METRIC_CHOICE_LABELS)  # the metrics the app offers
LAYOUT_WORDS = {"kart": Layout.BOUNDARIES, "ruter": Layout.TILES}
MAX_QUERY = 4096  # characters of a query string worth reading


@dataclass(frozen=True)
class PageState:
    view: str = "kart"
    kommune: str | None = None
    metric: Metric = DEFAULT_METRIC
    plan: str | None = None  # "1", "2", "3"
    theme: str | None = None
    strategy: str | None = None
    year: int | None = None
    role: Role | None = None
    actor: str | None = None
    layout: str = "kart"  # a LAYOUT_WORDS key
    bakgrunn: bool = False
    tiltak: str | None = None
    slide: int = 0

    @property
    def shape_layout(self) -> Layout:
        return LAYOUT_WORDS[self.layout]


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: object, digits: int) -> int | None:
    """An int from an int or a string of ASCII digits (no '²', no 5000-digit numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = _text(value)
    if text and len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


@dataclass(frozen=True)
class Choices:
    """The values a page state may take in this app (from the programme)."""

    views: tuple[str, ...] = ("kart",)  # the views' words (app.views.VIEWS)
    numbers: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    measure_ids: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (another number a measure carries, its id)
    plans: tuple[str, ...] = ()  # the plans' keys (geo.reading.parse.Plan)
    years: tuple[int, ...] = ()
    actors: tuple[str, ...] = ()
    actor_aliases: tuple[tuple[str, str], ...] = ()  # (alias, case-folded, its canonical name)
    slides: int = 1
    has_boundaries: bool = True
    metrics: tuple[Metric, ...] = METRICS  # without the follow-up's progress when it is off

    @property
    def default(self) -> PageState:
        """The page state of a link with no parameters on this server."""
        return PageState(layout="kart" if self.has_boundaries else "ruter")

    def state(self, raw: Mapping[str, object], base: PageState | None = None) -> PageState:
        """A valid PageState from raw values (URL strings or control values); anything
        unknown or malformed keeps `base`'s value (by default the default)."""
        base = base or self.default
        changes: dict[str, Any] = {}

        def pick(key: str, value: object, allowed: Iterable[object]) -> None:
            if value is not None and value in allowed:
                changes[key] = value

        pick("view", _text(raw.get("view")), self.views)
        pick("kommune", _text(raw.get("kommune")), self.numbers)
        pick("metric", _text(raw.get("metric")), self.metrics)
        pick("plan", _text(raw.get("plan")), self.plans)
        pick("theme", _text(raw.get("theme")), self.themes)
        pick("strategy", _text(raw.get("strategy")), self.strategies)
        pick("year", _number(raw.get("year"), 4), self.years)
        pick("role", _text(raw.get("role")), tuple(Role))
        pick("layout", _text(raw.get("layout")), LAYOUT_WORDS)
        tiltak = _text(raw.get("tiltak"))
        pick("tiltak", dict(self.aliases).get(tiltak or "", tiltak), self.measure_ids)
        pick("slide", _number(raw.get("slide"), 3), range(self.slides))
        actor = _text(raw.get("actor"))
        folded = " ".join(actor.split()).casefold() if actor else ""
        pick("actor", dict(self.actor_aliases).get(folded, actor), self.actors)
        bakgrunn = raw.get("bakgrunn")
        if bakgrunn in ("1", True):
            changes["bakgrunn"] = True
        state = replace(base, **changes)
        # plain strings from the browser become terms
        state = replace(state, metric=Metric(state.metric))
        if state.role is not None:
            state = replace(state, role=Role(state.role))
        if state.layout == "kart" and not self.has_boundaries:
            state = replace(state, layout="ruter")
        return state


def parse_state(search: object, choices: Choices) -> PageState:
    """A PageState from a query string; anything unknown or malformed keeps its default."""
    if not isinstance(search, str) or len(search) > MAX_QUERY:
        return choices.state({})
    try:
        query = parse_qs(search.lstrip("?"), keep_blank_values=False)
    except ValueError:
        return choices.state({})
    raw = {f.name: values[-1] for f in fields(PageState) if (values := query.get(f.name))}
    state = choices.state(raw)
    if "kommune" in raw and state.kommune and "view" not in raw:
        state = replace(state, view="kommune")  # a link to a municipality opens it
    return state


def format_state(state: PageState, default: PageState | None = None) -> str:
    """The canonical query string: the view, then only what differs from the server's default
    (so a layout this server chose for lack of boundaries is not forced on another)."""
    base = asdict(default or PageState())
    out: dict[str, str] = {"view": state.view}
    for key, value in asdict(state).items():
        if key == "view" or value == base[key] or value is None:
            continue
        if key == "bakgrunn":
            out[key] = "1"
        else:
            out[key] = str(value)
    return "?" + urlencode(out)
