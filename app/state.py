"""The page state in the URL: parse leniently (unknown or malformed values fall back to the
defaults) and write back canonically, so a link reproduces exactly what someone saw."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from urllib.parse import parse_qs, urlencode

VIEWS = ("kart", "kommune", "tiltak", "ipr")
METRICS = ("geographic", "name", "actor", "share", "year")
VIA_CHOICES = ("name", "region", "place", "all", "organisation")
DEFAULT_VIA = ("name", "region", "place", "all")
ROLES = ("actor", "target")
LAYOUTS = ("kart", "ruter")
YEARS = (2025, 2026, 2027, 2028)


@dataclass(frozen=True)
class State:
    view: str = "kart"
    kommune: str | None = None
    metric: str = "geographic"
    plan: str | None = None  # "1", "2", "3"
    theme: str | None = None
    strategy: str | None = None
    year: int | None = None
    via: tuple[str, ...] = DEFAULT_VIA
    role: str | None = None
    actor: str | None = None
    layout: str = "kart"
    bakgrunn: bool = False
    tiltak: str | None = None
    slide: int = 0


def _one(query: dict, key: str) -> str | None:
    values = query.get(key)
    return values[-1].strip() if values and values[-1].strip() else None


def parse_state(
    search: str | None,
    numbers: tuple[str, ...],
    themes: tuple[str, ...] = (),
    strategies: tuple[str, ...] = (),
    measure_ids: tuple[str, ...] = (),
    slides: int = 13,
) -> State:
    """A State from a query string; anything unknown or malformed keeps its default."""
    try:
        query = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    except ValueError:
        return State()
    state = State()
    changes: dict = {}
    if (view := _one(query, "view")) in VIEWS:
        changes["view"] = view
    if (kommune := _one(query, "kommune")) in numbers:
        changes["kommune"] = kommune
    if (metric := _one(query, "metric")) in METRICS:
        changes["metric"] = metric
    if (plan := _one(query, "plan")) in ("1", "2", "3"):
        changes["plan"] = plan
    if (theme := _one(query, "theme")) in themes:
        changes["theme"] = theme
    if (strategy := _one(query, "strategy")) in strategies:
        changes["strategy"] = strategy
    year = _one(query, "year")
    if year and year.isdigit() and int(year) in YEARS:
        changes["year"] = int(year)
    if (via := _one(query, "via")) is not None:
        chosen = tuple(v for v in VIA_CHOICES if v in via.split(","))
        if chosen:
            changes["via"] = chosen
    if (role := _one(query, "role")) in ROLES:
        changes["role"] = role
    if (actor := _one(query, "actor")) and len(actor) <= 80:
        changes["actor"] = actor
    if (layout := _one(query, "layout")) in LAYOUTS:
        changes["layout"] = layout
    if _one(query, "bakgrunn") == "1":
        changes["bakgrunn"] = True
    if (tiltak := _one(query, "tiltak")) in measure_ids:
        changes["tiltak"] = tiltak
    slide = _one(query, "slide")
    if slide and slide.isdigit() and int(slide) < slides:
        changes["slide"] = int(slide)
    if "kommune" in changes and "view" not in changes:  # a link to a municipality opens it
        changes["view"] = "kommune"
    if changes.get("metric") == "year" and "year" not in changes:
        changes["year"] = YEARS[0]
    return replace(state, **changes)


def format_state(state: State) -> str:
    """The canonical query string: only what differs from the defaults."""
    default = asdict(State())
    out = {}
    for key, value in asdict(state).items():
        if value == default[key] or value is None:
            continue
        if key == "via":
            value = ",".join(value)
        elif key == "bakgrunn":
            value = "1"
        out[key] = value
    return "?" + urlencode(out) if out else ""
