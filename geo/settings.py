"""One settings object for every command and the app: built from the environment
(`TILTAKSKART_*`), overridden by command-line flags, and passed down.

Kept free of heavy imports so that `tiltakskart extract` starts fast.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from geo.errors import InputError

DEFAULT_COUNTY = "31"
ALL_COUNTIES = "all"  # the map shows every municipality in Norway around the programme's county
DEFAULT_API_URL = "https://api.kartverket.no/kommuneinfo/v1"
DEFAULT_SSB_URL = "https://data.ssb.no/api/v0/no"
DEFAULT_KLASS_URL = "https://data.ssb.no/api/klass/v1"  # SSB's classifications (Klass)
OFFLINE = ("off", "none", "offline")  # values of an API URL that mean "do not fetch"

# Environment variable -> Settings field.
ENVIRONMENT: dict[str, str] = {
    "TILTAKSKART_DOCUMENT": "document",
    "TILTAKSKART_COUNTY": "county",
    "TILTAKSKART_BOUNDARIES": "boundaries",
    "TILTAKSKART_CACHE_DIR": "cache_dir",
    "TILTAKSKART_API_URL": "api_url",
    "TILTAKSKART_SSB_URL": "ssb_url",
    "TILTAKSKART_KLASS_URL": "klass_url",
    "TILTAKSKART_GRAMMAR": "grammar",
    # The follow-up (followup/): where its database is, the session secret, and who may read.
    "TILTAKSKART_DATA_DIR": "data_dir",
    "TILTAKSKART_DATABASE_URL": "database_url",
    "TILTAKSKART_SECRET_KEY": "secret_key",
    "TILTAKSKART_DEVELOPMENT": "development",
    "TILTAKSKART_LOGIN_TO_READ": "login_to_read",
    "TILTAKSKART_TRUSTED_PROXIES": "trusted_proxies",
    # Background jobs (reading an uploaded programme): Celery with Redis instead of a disk cache.
    "TILTAKSKART_REDIS_URL": "redis_url",
}
TRUE_WORDS = ("1", "true", "yes", "ja", "on")
# Settings field -> the command-line flag that sets it (for error messages).
FLAGS: dict[str, str] = {
    "county": "--county",
    "boundaries": "--boundaries",
    "cache_dir": "--cache-dir",
    "api_url": "--api-url",
    "ssb_url": "--ssb-url",
    "out": "--out",
    "kommune": "--kommune",
    "grammar": "--grammar",
}


def default_cache_dir() -> Path:
    """The user's cache folder for Tiltakskart (e.g. ~/.cache/tiltakskart on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("tiltakskart", appauthor=False))


def _is_http_url(value: str) -> bool:
    """An http(s) URL with a host, and nothing a request could not use (controls, spaces)."""
    try:
        url = urlparse(value)
        port_ok = url.port is None or 0 < url.port < 65536
    except ValueError:  # "http://[::1" and other malformed hosts or ports
        return False
    plain = value.isprintable() and not any(c.isspace() for c in value)
    return url.scheme in ("http", "https") and bool(url.hostname) and port_ok and plain


@dataclass(frozen=True)
class Settings:
    """Where the inputs come from and how hard to try for them."""

    document: Path | None = None  # None: the bundled programme
    county: str = DEFAULT_COUNTY
    # Whether the county was chosen (a flag, a variable, a caller); if not, a document that
    # names another county is that county's (geo.tagging.national.detect_county).
    county_chosen: bool = True
    # With a national map (county "all"): the county whose programme it is (None: the default,
    # or the one the document names).
    home_county: str | None = None
    boundaries: Path | None = None  # a GeoJSON or GeoPackage to use instead of the API
    cache_dir: Path = field(default_factory=default_cache_dir)
    api_url: str | None = DEFAULT_API_URL  # None: never fetch (offline)
    ssb_url: str | None = DEFAULT_SSB_URL  # SSB's PxWeb API v0; None: never fetch
    klass_url: str | None = DEFAULT_KLASS_URL  # former municipalities; None: the bundled list
    grammar: str | None = None  # the programme's shape (geo.reading.grammar); None: the default
    connect_timeout: float = 1.5  # seconds; an unreachable network fails within this
    read_timeout: float = 20.0
    retries: int = 3  # for 5xx answers and dropped connections once a server has answered
    backoff: float = 0.5  # seconds, doubled per retry
    request_deadline: float = 60.0  # seconds for one request, retries included
    command_deadline: float = 300.0  # seconds for all the requests of one command
    max_response_bytes: int = 50_000_000  # far above a county's boundaries at full resolution
    cache_max_age_days: int = 30  # a younger cache is used without asking the API
    data_dir: Path | None = None  # the follow-up's SQLite file is here (None: user data folder)
    database_url: str | None = None  # PostgreSQL (or another SQLite file) instead
    secret_key: str | None = field(default=None, repr=False)  # signs session cookies
    development: bool = False  # allows a missing or weak secret and cookies over plain http
    login_to_read: bool = False  # anonymous visitors see nothing but the login
    # Reverse proxies in front (gunicorn): their X-Forwarded-For/-Proto/-Host are believed, so
    # the Origin check and the per-address login limit see the browser's scheme, host, address.
    trusted_proxies: int = 0
    redis_url: str | None = None  # background jobs through Celery and this Redis (None: disk)

    def __post_init__(self) -> None:
        for name, default in (
            ("api_url", DEFAULT_API_URL),
            ("ssb_url", DEFAULT_SSB_URL),
            ("klass_url", DEFAULT_KLASS_URL),
        ):
            value = getattr(self, name)
            if value is not None and not _is_http_url(value):
                raise InputError(
                    f"not an http(s) URL; give the API base, e.g. {default}, "
                    "or 'off' to work offline",
                    value=value,
                    setting=name,
                )
        if self.redis_url is not None and not self.redis_url.startswith(("redis://", "rediss://")):
            raise InputError(
                "not a Redis URL; give e.g. redis://127.0.0.1:6379/0",
                value=self.redis_url,
                setting="redis_url",
            )
        digits = self.county.isascii() and self.county.isdigit() and len(self.county) == 2
        if not (digits or self.national):
            raise InputError(
                f"not a county number; give two digits, e.g. 31 for Østfold, or '{ALL_COUNTIES}'",
                value=self.county,
                setting="county",
            )

    @property
    def national(self) -> bool:
        """The map covers all of Norway (county 'all')."""
        return self.county == ALL_COUNTIES

    @property
    def programme_county(self) -> str:
        """The county whose gazetteer tags the programme (when national: its home county)."""
        return (self.home_county or DEFAULT_COUNTY) if self.national else self.county

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **flags: object) -> Settings:
        """Settings from `TILTAKSKART_*` variables (unset or empty ones keep the default), with
        `flags` (command-line values; None means not given) on top."""
        environ = os.environ if environ is None else environ
        from_environment = {
            name: environ[var].strip()
            for var, name in ENVIRONMENT.items()
            if environ.get(var, "").strip()
        }
        given = {name: value for name, value in flags.items() if value is not None}
        chosen = "county" in from_environment or "county" in given
        try:
            return cls(county_chosen=chosen).override(**{**from_environment, **given})
        except InputError as exc:  # name the variable when the bad value came from one
            if exc.setting in from_environment and exc.setting not in given:
                exc.setting = next(v for v, f in ENVIRONMENT.items() if f == exc.setting)
            raise

    def override(self, **values: object) -> Settings:
        """A copy with the given values; None means "not given" and keeps the current one."""
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            if name in ("development", "login_to_read") and isinstance(value, str):
                value = value.strip().lower() in TRUE_WORDS
            elif name == "trusted_proxies" and isinstance(value, str):
                if not (value.isascii() and value.isdigit() and int(value) <= 10):
                    raise InputError("give the number of proxies in front, 0 to 10", value=value)
                value = int(value)
            elif name in ("document", "boundaries", "cache_dir", "data_dir"):
                value = Path(str(value)).expanduser()
            elif name in ("api_url", "ssb_url", "klass_url"):
                value = None if str(value).strip().lower() in OFFLINE else str(value).strip()
            changes[name] = value
        return dataclasses.replace(self, **changes) if changes else self

    @property
    def offline(self) -> bool:
        return self.api_url is None
