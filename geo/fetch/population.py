"""Inhabitants per municipality from Statistics Norway (SSB): what a measure load weighs for a
municipality of its size.

Table 07459 ("Befolkning, etter region, kjønn, alder og år"), persons on 1 January of the
latest year, from SSB's PxWeb API v0 (`POST {base}/table/07459/`, JSON-stat 2.0), under the
same rules as boundaries: timeouts, retries, a validated atomic cache, the last good copy on
failure, and a snapshot bundled with the package. Licence CC BY 4.0, "Kilde: SSB".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

from geo.errors import ValidationError
from geo.fetch.cache import DatedCache, Sourced, first_source
from geo.resources import gazetteer_dir
from geo.settings import Settings

TABLE = "07459"
ATTRIBUTION = "Kilde: SSB"
MAX_INHABITANTS = 2_000_000  # more than any Norwegian municipality: a bad answer


@dataclass(frozen=True)
class Population:
    """Inhabitants on 1 January of `year`, per municipality number."""

    inhabitants: dict[str, int]
    year: int
    source: str  # "api", "cache" or "snapshot"
    detail: str
    warnings: list[str] = field(default_factory=list)


def snapshot_path(county: str) -> Path:
    return gazetteer_dir() / f"befolkning-{county}.json"


def query(numbers: Sequence[str]) -> dict:
    """The PxWeb v0 query: persons in the latest year, summed over sex and age (eliminated)."""
    return {
        "query": [
            {
                "code": "Region",
                "selection": {"filter": "agg:KommSummer", "values": [f"K-{n}" for n in numbers]},
            },
            {"code": "ContentsCode", "selection": {"filter": "item", "values": ["Personer1"]}},
            {"code": "Tid", "selection": {"filter": "top", "values": ["1"]}},
        ],
        "response": {"format": "json-stat2"},
    }


def _categories(data: Mapping[str, Any], dim: str) -> list[str]:
    """A dimension's category codes in index order."""
    index = data["dimension"][dim]["category"]["index"]
    if isinstance(index, list):
        return [str(c) for c in index]
    return [str(c) for c, _ in sorted(index.items(), key=lambda item: int(item[1]))]


def parse_jsonstat(data: object, numbers: Sequence[str], url: str) -> tuple[dict[str, int], int]:
    """(inhabitants per number, year) from a JSON-stat 2.0 answer; other dimensions summed."""
    try:
        assert isinstance(data, dict)
        dims: list[str] = list(data["id"])
        sizes = [int(s) for s in data["size"]]
        categories = {d: _categories(data, d) for d in dims}
        values = data["value"]
        if len(sizes) != len(dims):
            raise ValueError("id and size differ")
        if any(len(categories[d]) != n for d, n in zip(dims, sizes, strict=True)):
            raise ValueError("sizes and categories differ")
        if "Region" not in dims or "Tid" not in dims:
            raise ValueError("no Region or Tid dimension")
    except (AssertionError, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"not a JSON-stat 2.0 dataset ({exc})", value=url) from None
    years = categories["Tid"]
    if not (years[-1].isascii() and years[-1].isdigit() and len(years[-1]) == 4):
        raise ValidationError(f"unexpected year {years[-1]!r}", value=url)
    totals: dict[str, int] = {}
    for flat, cell in enumerate(product(*(range(n) for n in sizes))):
        coords = dict(zip(dims, cell, strict=True))
        if categories["Tid"][coords["Tid"]] != years[-1]:
            continue
        value = values.get(str(flat)) if isinstance(values, dict) else values[flat]
        if value is None:
            continue
        if not isinstance(value, int | float) or value < 0:
            raise ValidationError(f"unexpected value {value!r}", value=url)
        region = categories["Region"][coords["Region"]].removeprefix("K-")
        totals[region] = totals.get(region, 0) + int(value)
    missing = [n for n in numbers if not 0 < totals.get(n, 0) <= MAX_INHABITANTS]
    if missing:
        raise ValidationError(f"no plausible population for {', '.join(missing)}", value=url)
    return {n: totals[n] for n in numbers}, int(years[-1])


def fetch_population(fetcher, base: str, numbers: Sequence[str]) -> tuple[dict[str, int], int]:
    url = f"{base.rstrip('/')}/table/{TABLE}/"
    return parse_jsonstat(fetcher.post_json(url, query(numbers)), numbers, url)


def _read_record(path: Path, numbers: Sequence[str]) -> tuple[dict[str, int], int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    inhabitants = {str(k): int(v) for k, v in data["inhabitants"].items()}
    missing = [n for n in numbers if not 0 < inhabitants.get(n, 0) <= MAX_INHABITANTS]
    if missing:
        raise ValueError(f"no population for {', '.join(missing)}")
    return {n: inhabitants[n] for n in numbers}, int(data["year"])


def _write_record(value: tuple[dict[str, int], int], path: Path, url: str) -> None:
    inhabitants, year = value
    record = {"year": year, "inhabitants": inhabitants, "source": url, "table": TABLE}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_snapshot(county: str, numbers: Sequence[str]) -> Sourced | None:
    """The population snapshot bundled with the package, if there is one for the county."""
    path = snapshot_path(county)
    if not path.exists():
        return None
    value = _read_record(path, numbers)
    info = json.loads(path.read_text(encoding="utf-8"))
    detail = f"bundled snapshot ({info['source']['name']})"
    return Sourced(value, "snapshot", detail)


def get_population(
    settings: Settings,
    numbers: Sequence[str],
    *,
    refresh: bool = False,
    today: dt.date | None = None,
    fetcher=None,
) -> Population:
    """Inhabitants of the municipalities from the first source that has them (see
    geo.fetch.cache); InputError, saying what was wrong with each source, when none has them."""
    base = settings.ssb_url

    def fetch() -> tuple[tuple[dict[str, int], int], list[str], str]:
        from geo.fetch.http import Fetcher

        assert base is not None
        value = fetch_population(fetcher or Fetcher.from_settings(settings), base, numbers)
        return value, [], base

    got = first_source(
        "population",
        DatedCache(settings.cache_dir, "befolkning", settings.programme_county, ".json"),
        read_cache=lambda path: _read_record(path, numbers),
        fetch=fetch if base is not None else None,
        write_cache=lambda value, path: _write_record(value, path, base or ""),
        snapshot=lambda: read_snapshot(settings.programme_county, numbers),
        max_age_days=settings.cache_max_age_days,
        refresh=refresh,
        today=today,
    )
    inhabitants, year = got.value
    return Population(inhabitants, year, got.source, got.detail, got.warnings)
