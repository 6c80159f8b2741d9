"""Population from a local stand-in for SSB's API: clean fetch, retries, timeouts, bad answers,
the cache and the bundled snapshot."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from geo.errors import InputError, ValidationError
from geo.fetch.population import get_population, parse_jsonstat, query, snapshot_path
from geo.settings import Settings
from tests.conftest import SHARED
from tests.ssb_standin import TABLE_PATH, SsbStandIn

ROOT = Path(__file__).resolve().parents[1]
SHARED_NORWAY = SHARED / "kommuner" / "norge-kommuner-2024.geojson"

NUMBERS = [f"31{n:02d}" for n in (1, 3, 5, 7, 10, 12, 14, 16, 18, 20, 22, 24)]
FIGURES = {n: 1000 + 17 * k for k, n in enumerate(NUMBERS)}  # made-up, not SSB's
DAY1, DAY2 = dt.date(2026, 11, 1), dt.date(2026, 11, 27)


@pytest.fixture
def ssb():
    server = SsbStandIn(FIGURES).start()
    yield server
    server.stop()


def settings(ssb, cache: Path, timeout: float = 5.0) -> Settings:
    return Settings(
        api_url=None, ssb_url=ssb.url, cache_dir=cache, retries=2, backoff=0.01,
        read_timeout=timeout,
    )  # fmt: skip


def fetch(ssb, cache: Path, day=DAY2, refresh=False, timeout=5.0):
    return get_population(settings(ssb, cache, timeout), NUMBERS, refresh=refresh, today=day)


def snapshot(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir())}


def test_clean_fetch_sums_over_sex_and_caches(ssb, tmp_path):
    population = fetch(ssb, tmp_path)
    assert population.source == "api" and population.year == 2026
    assert population.inhabitants == FIGURES  # halves per sex added back up
    assert [p.name for p in tmp_path.iterdir()] == ["befolkning-31-2026-11-27.json"]
    sent = ssb.queries[0]["query"]
    assert sent[0]["selection"] == {
        "filter": "agg:KommSummer",
        "values": [f"K-{n}" for n in NUMBERS],
    }
    assert sent[-1]["selection"] == {"filter": "top", "values": ["1"]}
    assert all(ua.startswith("tiltakskart/") for ua in ssb.user_agents)


def test_a_fresh_cache_is_used_without_asking(ssb, tmp_path):
    fetch(ssb, tmp_path, day=DAY1)
    ssb.stop()
    again = fetch(ssb, tmp_path, day=DAY2)
    assert again.source == "cache" and again.inhabitants == FIGURES


def test_server_error_then_success_is_retried(ssb, tmp_path):
    ssb.fail_first[TABLE_PATH] = [503]
    assert fetch(ssb, tmp_path).source == "api"
    assert ssb.requests[TABLE_PATH] == 2


BREAKAGES = {
    "timeout": lambda s: s.delay.__setitem__(TABLE_PATH, 1.5),
    "malformed_json": lambda s: s.malformed.add(TABLE_PATH),
    "missing_municipality": lambda s: s.missing.add("3124"),
    "persistent_500": lambda s: s.fail_first.__setitem__(TABLE_PATH, [500, 502, 503, 500]),
    "not_found": lambda s: setattr(s, "prefix", "/api/v0/no/nothing-here"),
}
MESSAGES = {
    "timeout": "no answer within 0.5 s",
    "malformed_json": "not valid JSON",
    "missing_municipality": "no plausible population for 3124",
    "persistent_500": "HTTP 503",
    "not_found": "HTTP 404",
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_failed_fetch_keeps_the_old_cache(ssb, tmp_path, case):
    fetch(ssb, tmp_path, day=DAY1)
    before = snapshot(tmp_path)
    BREAKAGES[case](ssb)
    population = fetch(ssb, tmp_path, day=DAY2, refresh=True, timeout=0.5)
    assert population.source == "cache" and population.inhabitants == FIGURES
    assert any(MESSAGES[case] in w and "using the cache of" in w for w in population.warnings)
    assert snapshot(tmp_path) == before  # nothing new, nothing partial


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_failed_fetch_without_cache_uses_the_bundled_snapshot(ssb, tmp_path, case):
    BREAKAGES[case](ssb)
    population = fetch(ssb, tmp_path, timeout=0.5)
    bundled = json.loads(snapshot_path("31").read_text(encoding="utf-8"))
    assert population.source == "snapshot" and population.year == bundled["year"]
    assert population.inhabitants == bundled["inhabitants"]
    assert any(MESSAGES[case] in w for w in population.warnings)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_without_any_source_there_is_no_population_and_the_command_says_why(ssb, tmp_path):
    ssb.stop()
    with pytest.raises(InputError, match=r"could not fetch population: .*cannot connect"):
        get_population(replace(settings(ssb, tmp_path), county="39"), NUMBERS, today=DAY2)
    result = subprocess.run(
        [sys.executable, "-m", "cli", "population", "--county", "46", "--boundaries",
         str(SHARED_NORWAY), "--ssb-url", "off", "--cache-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("tiltakskart: error: could not fetch population: offline")


def test_damaged_cache_is_skipped(ssb, tmp_path):
    fetch(ssb, tmp_path, day=DAY1)
    (tmp_path / "befolkning-31-2026-11-20.json").write_text("{broken", encoding="utf-8")
    population = fetch(ssb, tmp_path, day=DAY2)
    assert population.source == "cache"
    assert any("befolkning-31-2026-11-20.json is unusable" in w for w in population.warnings)


def test_an_unwritable_cache_is_a_warning(ssb, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    population = fetch(ssb, blocked)
    assert population.source == "api"
    assert any("could not write the population cache" in w for w in population.warnings)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([], "not a JSON-stat 2.0 dataset"),
        ({"id": ["Region"], "size": [1], "dimension": {}}, "not a JSON-stat 2.0 dataset"),
        ({"id": ["Region", "Tid"], "size": [1, 1], "value": [-5],
          "dimension": {"Region": {"category": {"index": {"K-3101": 0}}},
                        "Tid": {"category": {"index": {"2026": 0}}}}}, "unexpected value"),
        ({"id": ["Region", "Tid"], "size": [1, 1], "value": [9_000_000],
          "dimension": {"Region": {"category": {"index": {"K-3101": 0}}},
                        "Tid": {"category": {"index": {"2026": 0}}}}}, "no plausible population"),
    ],
)  # fmt: skip
def test_hostile_answers_are_refused(answer, message):
    with pytest.raises(ValidationError, match=message):
        parse_jsonstat(answer, ["3101"], "http://127.0.0.1/x")


def test_sparse_values_and_list_indexes_are_read():
    answer = {
        "id": ["Region", "Tid"],
        "size": [2, 2],
        "dimension": {
            "Region": {"category": {"index": ["3101", "3103"]}},
            "Tid": {"category": {"index": {"2025": 0, "2026": 1}}},
        },
        "value": {"1": 31900, "3": 52700},  # only 2026 (the latest year) is read
    }
    assert parse_jsonstat(answer, ["3101", "3103"], "u") == ({"3101": 31900, "3103": 52700}, 2026)


def test_the_query_asks_for_the_latest_year_of_persons():
    body = query(["3101"])
    assert body["response"] == {"format": "json-stat2"}
    codes = [q["code"] for q in body["query"]]
    assert codes == ["Region", "ContentsCode", "Tid"]  # sex and age eliminated: summed


def test_the_bundled_snapshot_names_its_source_and_date():
    bundled = json.loads(snapshot_path("31").read_text(encoding="utf-8"))
    assert bundled["reference_date"] == f"{bundled['year']}-01-01"
    assert bundled["source"]["table"] == "07459" and bundled["source"]["licence"] == "CC BY 4.0"
    assert sorted(bundled["inhabitants"]) == NUMBERS
    assert bundled["total"] == sum(bundled["inhabitants"].values())
