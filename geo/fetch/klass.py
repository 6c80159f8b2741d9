"""Former municipalities from SSB's classification of municipalities (Klass 131) and its
changes: `GET {base}/classifications/131/changes?from=2017-01-01&to=…` answers
`{"codeChanges": [{"oldCode", "oldName", "newCode", "newName", "changeOccurred"}, …]}`.

A former municipality is an old name that is no longer a municipality's name; following its
code through the later changes (2018, 2020, 2024) gives today's municipalities. Fetched as the
boundaries and the population are (timeouts, a validated atomic cache, the last good copy on
failure), with the hand-written list bundled with the package (data/kommuner/
tidligere-kommuner.toml) as the last resort. CC BY 4.0, "Kilde: SSB".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from geo.errors import ValidationError
from geo.fetch.cache import DatedCache, Sourced, first_source
from geo.settings import Settings
from geo.tagging.national import FormerName, National, national

CLASSIFICATION = "131"
SINCE = "2017-01-01"
_CODE = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_CHANGES = 20_000  # Klass 131 lists about a thousand since 1838


def changes_url(base: str, today: dt.date) -> str:
    return (
        f"{base.rstrip('/')}/classifications/{CLASSIFICATION}/changes"
        f"?from={SINCE}&to={(today + dt.timedelta(days=1)).isoformat()}"
    )


def parse_changes(data: Any, url: str) -> list[dict[str, str]]:
    """The code changes of an answer, checked: four-digit codes, names, ISO dates."""
    changes = data.get("codeChanges") if isinstance(data, dict) else None
    if not isinstance(changes, list) or not changes or len(changes) > MAX_CHANGES:
        raise ValidationError("no list of code changes ('codeChanges') in the answer", value=url)
    out = []
    for change in changes:
        if not isinstance(change, dict):
            raise ValidationError("a code change is not an object", value=url)
        keys = ("oldCode", "oldName", "newCode", "newName", "changeOccurred")
        if not all(isinstance(change.get(k), str) for k in keys):
            raise ValidationError(f"a code change lacks a field: {change!r:.120}", value=url)
        item: dict[str, str] = {k: change[k] for k in keys}
        if not (_CODE.match(item["oldCode"]) and _CODE.match(item["newCode"])):
            raise ValidationError(f"a code is not four digits: {change!r:.120}", value=url)
        if not _DATE.match(item["changeOccurred"]) or not item["oldName"].strip():
            raise ValidationError(f"a change has no date or name: {change!r:.120}", value=url)
        out.append(item)
    return out


def former_from_changes(changes: list[dict[str, str]], nation: National) -> tuple[FormerName, ...]:
    """The former municipalities since 2017 in the changes, each with today's municipalities it
    is part of (its code followed through the later changes); everyday words as the bundled
    list has them."""
    current = {m.number for m in nation.municipalities}
    names_now = {n for m in nation.municipalities for n in m.names}
    words = {f.name for f in nation.former if f.common_word} | set(nation.common_words)
    later: dict[str, list[tuple[str, str]]] = defaultdict(list)  # code -> (date, new code)
    for change in changes:
        if change["oldCode"] != change["newCode"]:
            later[change["oldCode"]].append((change["changeOccurred"], change["newCode"]))

    def today_of(code: str, since: str, seen: frozenset[str] = frozenset()) -> set[str]:
        steps = [(d, new) for d, new in later.get(code, []) if d > since and new not in seen]
        if not steps:
            return {code} if code in current else set()
        first = min(d for d, _ in steps)
        return set().union(*(today_of(new, d, seen | {code}) for d, new in steps if d == first))

    found: dict[str, FormerName] = {}
    for change in sorted(changes, key=lambda c: c["changeOccurred"]):
        name = change["oldName"].split(" - ")[0].strip()
        if name in names_now or change["oldCode"] == change["newCode"]:
            continue  # still a municipality's name (a renumbering, or Haram back in 2024)
        into = today_of(change["newCode"], change["changeOccurred"])
        if not into:
            continue
        before = found.get(name)
        numbers = tuple(sorted(into | (set(before.into) if before else set())))
        found[name] = FormerName(
            name,
            numbers,
            int(change["changeOccurred"][:4]),
            len(numbers) > 1,
            name in words,
        )
    return tuple(found.values())


def _read(path: Path) -> tuple[FormerName, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return former_from_changes(parse_changes(data, str(path)), national())


def get_former_names(
    settings: Settings, refresh: bool = False, today: dt.date | None = None, fetcher=None
) -> Sourced[tuple[FormerName, ...]]:
    """The former municipalities from the first source that has them: a fresh cache, Klass,
    the last good cache, or the list bundled with the package."""
    base = settings.klass_url
    today = today or dt.date.today()
    raw: dict[str, Any] = {}

    def fetch() -> tuple[tuple[FormerName, ...], list[str], str]:
        from geo.fetch.http import Fetcher

        assert base is not None
        url = changes_url(base, today)
        data = (fetcher or Fetcher.from_settings(settings)).get_json(url)
        former = former_from_changes(parse_changes(data, url), national())
        if not former:
            raise ValidationError("no former municipalities since 2017 in the answer", value=url)
        raw["data"] = data
        return former, [], url

    def write(value: tuple[FormerName, ...], path: Path) -> None:
        path.write_text(json.dumps(raw["data"], ensure_ascii=False), encoding="utf-8")

    def bundled() -> Sourced[tuple[FormerName, ...]]:
        nation = national()
        return Sourced(nation.former, "snapshot", f"bundled list ({nation.former_source})")

    return first_source(
        "former municipalities",
        DatedCache(settings.cache_dir, "klass", CLASSIFICATION, ".json"),
        read_cache=_read,
        fetch=fetch if base is not None else None,
        write_cache=write,
        snapshot=bundled,
        max_age_days=settings.cache_max_age_days,
        refresh=refresh,
        today=today,
    )
