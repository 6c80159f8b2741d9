"""Data from the first source that has it: a fresh cache, the API, the last good cache, the
snapshot bundled with the package. Boundaries (Kartverket) and population (SSB) both go
through `first_source`.

A cache is one file per county and date of fetch (`kommuner-31-2026-11-27.gpkg`) in the user's
cache folder, validated before use and written atomically; a cache folder that cannot be
written is a warning, not an error.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from geo.atomic import (
    is_plain_file,
    private_folder,
    remove_stale_partials,
    write_cache_atomic,
)
from geo.errors import FetchError, InputError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Sourced(Generic[T]):
    """A value and where it came from."""

    value: T
    source: str  # "file", "cache", "api" or "snapshot"
    detail: str  # the file, the cache path, the URL or the snapshot's description
    fetched: dt.date | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DatedCache:
    """The cache files of one kind and county: `{stem}-{county}-{date}{suffix}` in `folder`."""

    folder: Path
    stem: str  # "kommuner", "befolkning"
    county: str
    suffix: str  # ".gpkg", ".json"

    def path(self, day: dt.date) -> Path:
        return self.folder / f"{self.stem}-{self.county}-{day.isoformat()}{self.suffix}"

    def files(self) -> list[tuple[dt.date, Path]]:
        """The cache files, newest first."""
        pattern = re.compile(
            rf"^{re.escape(self.stem)}-{self.county}-(\d{{4}}-\d\d-\d\d){re.escape(self.suffix)}$"
        )
        out = []
        for path in self.folder.glob(f"{self.stem}-{self.county}-*{self.suffix}"):
            if match := pattern.match(path.name):
                try:
                    out.append((dt.date.fromisoformat(match[1]), path))
                except ValueError:
                    continue
        return sorted(out, reverse=True)

    def write(self, day: dt.date, write: Callable[[Path], object]) -> Path:
        """Write the cache of `day` atomically (the folder is made private if need be); a
        link, FIFO or device at its name is refused (OSError), never followed."""
        private_folder(self.folder)
        target = self.path(day)
        write_cache_atomic(target, write)
        return target


def _newest_good(
    cache: DatedCache, read: Callable[[Path], T]
) -> tuple[tuple[dt.date, Path, T] | None, list[str]]:
    problems: list[str] = []
    try:
        remove_stale_partials(cache.folder)  # a read-only run tidies up after killed writers too
        files = cache.files()
    except OSError as exc:  # an unreadable cache folder is no cache
        return None, [f"cache folder {cache.folder} unreadable ({exc})"]
    for day, path in files:
        if not is_plain_file(path):  # a link, a FIFO (a read would hang) or a device
            problems.append(f"cache {path.name} is a link, a pipe or a device; left alone")
            continue
        try:
            return (day, path, read(path)), problems
        except Exception as exc:  # a damaged cache file is skipped, not fatal
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:100]
            problems.append(f"cache {path.name} is unusable ({reason or type(exc).__name__})")
    return None, problems


def first_source(
    what: str,
    cache: DatedCache,
    *,
    read_cache: Callable[[Path], T],
    fetch: Callable[[], tuple[T, list[str], str]] | None,
    write_cache: Callable[[T, Path], object],
    snapshot: Callable[[], Sourced[T] | None],
    max_age_days: int,
    refresh: bool = False,
    today: dt.date | None = None,
) -> Sourced[T]:
    """`what` from a fresh cache, else `fetch()` (value, warnings, URL; cached), else the last
    good cache, else the snapshot. `fetch` None means offline. Raises InputError (its message
    names what was wrong with each source) when none has it."""
    today = today or dt.date.today()
    good, problems = _newest_good(cache, read_cache)
    warnings = list(problems)
    if good and not refresh and (today - good[0]).days <= max_age_days:
        day, path, value = good
        log.info("%s from the cache %s", what, path)
        return Sourced(value, "cache", str(path), day, warnings)
    failure = "offline: no API"
    if fetch is not None:
        try:
            value, notes, url = fetch()
            warnings += notes
            detail = _cache_it(what, cache, value, today, write_cache, url, warnings)
            return Sourced(value, "api", detail, today, warnings)
        except (FetchError, InputError) as exc:
            failure = str(exc)
            log.info("%s from the API failed: %s", what, failure)
    if good:
        day, path, value = good
        if fetch is not None:
            warnings.append(f"could not refresh {what} ({failure}); using the cache of {day}")
        return Sourced(value, "cache", str(path), day, warnings)
    bundled = snapshot()
    if bundled is not None:
        if fetch is not None:
            warnings.append(f"could not fetch {what} ({failure}); using the {bundled.detail}")
        bundled.warnings[:0] = warnings
        log.info("%s from the %s", what, bundled.detail)
        return bundled
    caches = "; ".join(problems) or "no cached copy either"
    raise InputError(f"could not fetch {what}: {failure}; {caches}")


def _cache_it(
    what: str,
    cache: DatedCache,
    value: T,
    today: dt.date,
    write: Callable[[T, Path], object],
    url: str,
    warnings: list[str],
) -> str:
    """Cache a fetched value; a cache that cannot be written is one warning, not an error."""
    try:
        return str(cache.write(today, lambda tmp: write(value, tmp)))
    except Exception as exc:  # read-only folder, full disk: use what we have, say so once
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:100]
        warnings.append(
            f"could not write the {what} cache in {cache.folder} ({reason}); "
            f"using the fetched {what} without caching"
        )
        return url
