"""Kartverket's kommuneinfo API: a county's municipalities and their boundaries.

Response shapes and CRS rules: `omrade` is a GeoJSON Polygon or MultiPolygon, its `crs` member
optional (default: the `utkoordsys` asked for, 4258); numbers are 4-character strings.
Licence: CC BY 4.0, "© Kartverket".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import geopandas as gpd
import requests
import shapely.geometry
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

USER_AGENT = "tiltakskart/0.1 (Østfold handlingsprogram map; python-requests)"
ATTRIBUTION = "© Kartverket"
CRS = "EPSG:4258"


class FetchError(Exception):
    """The API could not give what we need; the message is one line."""


def make_session(retries: int = 3, backoff: float = 0.5, user_agent: str = USER_AGENT):
    """A session that retries connection errors and 5xx answers with exponential back-off."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
    return session


def get_json(session: requests.Session, url: str, timeout: float):
    """GET a URL and decode JSON, turning every failure into a one-line FetchError."""
    try:
        response = session.get(url, timeout=timeout)
    except requests.exceptions.RetryError as exc:
        raise FetchError(f"{url}: gave up after retries ({_reason(exc)})") from None
    except requests.exceptions.Timeout:
        raise FetchError(f"{url}: no answer within {timeout:g} s") from None
    except requests.exceptions.ConnectionError as exc:
        if _timed_out(exc):  # a read timeout that outlived the retries
            raise FetchError(f"{url}: no answer within {timeout:g} s") from None
        raise FetchError(f"{url}: cannot connect ({_reason(exc)})") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"{url}: request failed ({_reason(exc)})") from None
    if response.status_code != 200:
        raise FetchError(f"{url}: HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise FetchError(f"{url}: the answer is not valid JSON") from None


def _timed_out(exc: Exception) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, ReadTimeoutError)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for needle, reason in (
        ("Failed to resolve", "host name not resolved; no network?"),
        ("Connection refused", "connection refused"),
        ("timed out", "timed out"),
    ):
        if needle in text:
            return reason
    match = re.search(r"Caused by \w+\('?(.*?)'?\)\)?$", text)
    return (match.group(1) if match else text).splitlines()[0][:120] or type(exc).__name__


def county_municipalities(session, base: str, county: str, timeout: float) -> list[tuple[str, str]]:
    """(number, name) of a county's municipalities, from GET {base}/fylker/{county}."""
    url = f"{base}/fylker/{county}?filtrer=kommuner,fylkesnavn,fylkesnummer"
    data = get_json(session, url, timeout)
    try:
        pairs = [
            (str(k["kommunenummer"]).zfill(4), str(k["kommunenavn"])) for k in data["kommuner"]
        ]
    except (KeyError, TypeError):
        raise FetchError(f"{url}: unexpected answer (no 'kommuner' list)") from None
    if not pairs:
        raise FetchError(f"{url}: the county has no municipalities in the answer")
    return pairs


def municipality_area(session, base: str, number: str, timeout: float):
    """The boundary of one municipality as a shapely geometry in EPSG:4258."""
    url = f"{base}/kommuner/{number}/omrade?utkoordsys=4258"
    data = get_json(session, url, timeout)
    omrade = data.get("omrade") if isinstance(data, dict) else None
    if not isinstance(omrade, dict) or omrade.get("type") not in ("Polygon", "MultiPolygon"):
        raise FetchError(f"{url}: no Polygon or MultiPolygon 'omrade' in the answer")
    crs = ((omrade.get("crs") or {}).get("properties") or {}).get("name", CRS)
    if not str(crs).upper().endswith("4258"):
        raise FetchError(f"{url}: boundary in {crs}, expected EPSG:4258")
    try:
        geometry = shapely.geometry.shape(
            {"type": omrade["type"], "coordinates": omrade["coordinates"]}
        )
    except Exception:  # shapely raises several types for bad coordinates
        raise FetchError(f"{url}: the boundary coordinates are malformed") from None
    if str(data.get("kommunenummer", number)).zfill(4) != number:
        raise FetchError(f"{url}: answer is for municipality {data.get('kommunenummer')}")
    return geometry


def fetch_county(
    base: str,
    county: str,
    session: requests.Session | None = None,
    timeout: float = 20.0,
    progress: Callable | None = None,
) -> gpd.GeoDataFrame:
    """All municipality boundaries of a county: one row per municipality, EPSG:4258.

    `progress` wraps the list of municipalities (e.g. a tqdm); by default a progress bar is
    shown when standard error is a terminal.
    """
    session = session or make_session()
    base = base.rstrip("/")
    pairs = county_municipalities(session, base, county, timeout)
    if progress is None:
        progress = _terminal_progress
    rows = []
    for number, name in progress(pairs):
        rows.append(
            {
                "kommunenummer": number,
                "kommunenavn": name,
                "geometry": municipality_area(session, base, number, timeout),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def _terminal_progress(pairs):
    from tqdm import tqdm

    return tqdm(pairs, desc="Kommunegrenser", unit="kommune", disable=not sys.stderr.isatty())
