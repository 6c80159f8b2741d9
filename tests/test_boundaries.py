"""Boundaries from the API stand-in: clean fetch, retries, timeouts, bad answers, the cache."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.division import VIKEN_TO_2024
from geo.errors import BoundaryError
from geo.geometry.boundaries import (
    cache_files,
    get_boundaries,
    read_boundary_file,
)
from geo.settings import Settings

OSTFOLD = [
    "3101",
    "3103",
    "3105",
    "3107",
    "3110",
    "3112",
    "3114",
    "3116",
    "3118",
    "3120",
    "3122",
    "3124",
]
DAY1, DAY2 = dt.date(2026, 11, 1), dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[1]


# Far above a municipality's answer (Fredrikstad's is the largest), far below the default.
MAX_BYTES = 5_000_000


def settings(standin, cache: Path, timeout=5.0) -> Settings:
    return Settings(
        api_url=standin.url,
        cache_dir=cache,
        retries=2,
        backoff=0.01,
        read_timeout=timeout,
        request_deadline=4 * timeout,  # 2 s in the breakage tests, where answers are cut
        max_response_bytes=MAX_BYTES,
    )


def fetch(standin, cache: Path, day=DAY2, refresh=False, timeout=5.0, expected=OSTFOLD):
    return get_boundaries(
        settings(standin, cache, timeout),
        expected,
        refresh=refresh,
        today=day,
        progress=lambda items: items,
    )


def snapshot(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir())}


def test_clean_fetch_writes_a_valid_cache(standin, tmp_path):
    result = fetch(standin, tmp_path)
    assert result.source == "api"
    assert [p.name for p in tmp_path.iterdir()] == ["kommuner-31-2026-11-27.gpkg"]
    cached = gpd.read_file(tmp_path / "kommuner-31-2026-11-27.gpkg", layer="kommuner")
    assert sorted(cached["kommunenummer"]) == OSTFOLD
    assert cached.crs.to_epsg() == 4326 and cached.geometry.is_valid.all()
    assert not cached.geometry.is_empty.any()
    assert result.frame.loc[result.frame.kommunenummer == "3110", "kommunenavn"].item() == "Hvaler"
    assert all(ua.startswith("tiltakskart/") for ua in standin.user_agents)
    assert standin.requests["/kommuneinfo/v1/kommuner/3101/omrade"] == 1


def test_cache_is_reused_without_network(standin, tmp_path):
    fetch(standin, tmp_path, day=DAY1)
    standin.stop()
    again = get_boundaries(settings(standin, tmp_path), OSTFOLD, today=DAY2)
    assert again.source == "cache" and again.fetched == DAY1 and len(again.frame) == 12


def test_server_error_then_success_is_retried(standin, tmp_path):
    path = "/kommuneinfo/v1/kommuner/3110/omrade"
    standin.fail_first[path] = [500]
    result = fetch(standin, tmp_path)
    assert result.source == "api" and len(result.frame) == 12
    assert standin.requests[path] == 2
    assert cache_files(tmp_path, "31")[0][1].name == "kommuner-31-2026-11-27.gpkg"


BREAKAGES = {
    "timeout": lambda s: s.delay.__setitem__("/kommuneinfo/v1/kommuner/3101/omrade", 1.5),
    "trickle": lambda s: s.trickle.add("/kommuneinfo/v1/kommuner/3103/omrade"),
    "oversized": lambda s: s.oversized.__setitem__(
        "/kommuneinfo/v1/kommuner/3118/omrade", MAX_BYTES + 1
    ),
    "malformed_json": lambda s: s.malformed.add("/kommuneinfo/v1/kommuner/3105/omrade"),
    "missing_municipality": lambda s: s.missing.add("3124"),
    "left_out_of_county_list": lambda s: s.omitted.add("3124"),
    "persistent_500": lambda s: s.fail_first.__setitem__(
        "/kommuneinfo/v1/kommuner/3107/omrade", [500, 502, 503, 500]
    ),
}
MESSAGES = {
    "timeout": "no answer within 0.5 s",
    "trickle": "no complete answer within 2 s",
    "oversized": "larger than 5 MB; refused",
    "malformed_json": "not valid JSON",
    "missing_municipality": "HTTP 404",
    "left_out_of_county_list": "no boundary for 3124",
    "persistent_500": "HTTP 503",  # the last of the answers after two retries
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_failed_fetch_keeps_the_old_cache(standin, tmp_path, case):
    fetch(standin, tmp_path, day=DAY1)
    before = snapshot(tmp_path)
    BREAKAGES[case](standin)
    result = fetch(standin, tmp_path, day=DAY2, refresh=True, timeout=0.5)
    assert result.source == "cache" and result.fetched == DAY1
    assert any(
        MESSAGES[case] in w and "using the cache of 2026-11-01" in w for w in result.warnings
    ), result.warnings
    assert snapshot(tmp_path) == before  # nothing new, nothing partial, old cache intact
    assert len(result.frame) == 12


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_failed_fetch_without_cache_or_snapshot_is_a_clear_error(shared_kommuner, tmp_path, case):
    # County 39 has no bundled snapshot: the stand-in serves Østfold's boundaries under it.
    from tests.kartverket_standin import StandIn

    standin = StandIn(shared_kommuner / "ostfold-kommuner-2024.geojson", county="39").start()
    BREAKAGES[case](standin)
    try:
        with pytest.raises(BoundaryError) as info:
            get_boundaries(
                replace(settings(standin, tmp_path, timeout=0.5), county="39"),
                OSTFOLD,
                today=DAY2,
                progress=lambda items: items,
            )
    finally:
        standin.stop()
    message = str(info.value)
    assert MESSAGES[case] in message and "--boundaries FILE" in message
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_failed_fetch_without_cache_uses_the_bundled_snapshot(standin, tmp_path, case):
    BREAKAGES[case](standin)
    result = get_boundaries(
        settings(standin, tmp_path, timeout=0.5), OSTFOLD, today=DAY2, progress=lambda i: i
    )
    assert result.source == "snapshot" and sorted(result.frame.kommunenummer) == OSTFOLD
    assert any(MESSAGES[case] in w and "bundled snapshot" in w for w in result.warnings)
    assert list(tmp_path.iterdir()) == []


def test_damaged_cache_is_skipped(standin, tmp_path):
    fetch(standin, tmp_path, day=DAY1)
    (tmp_path / "kommuner-31-2026-11-20.gpkg").write_bytes(b"not a geopackage")
    result = get_boundaries(settings(standin, tmp_path), OSTFOLD, today=DAY2)
    assert result.fetched == DAY1
    assert any("kommuner-31-2026-11-20.gpkg is unusable" in w for w in result.warnings)


def test_a_cache_write_that_fails_halfway_keeps_the_old_cache(standin, tmp_path, monkeypatch):
    """The fetch succeeds, writing its cache fails after half a file: the fetched boundaries
    are used with a warning, the old cache stays as it was, no partial file is left."""
    fetch(standin, tmp_path, day=DAY1)
    before = snapshot(tmp_path)

    def broken(self, *args, **kwargs):
        Path(args[0]).write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", broken)
    result = fetch(standin, tmp_path, day=DAY2, refresh=True)
    assert result.source == "api" and result.fetched == DAY2 and len(result.frame) == 12
    assert [w for w in result.warnings if "could not write the boundaries cache" in w]
    assert any("No space left on device" in w for w in result.warnings)
    assert snapshot(tmp_path) == before


# Offline files and numbers across the reform ---------------------------------------------------


@pytest.mark.slow
def test_shared_files_work_as_is(shared_kommuner):
    ostfold = read_boundary_file(shared_kommuner / "ostfold-kommuner-2024.geojson", "31")
    assert sorted(ostfold.frame["kommunenummer"]) == OSTFOLD and ostfold.warnings == []
    national = read_boundary_file(shared_kommuner / "norge-kommuner-2024.geojson", None)
    assert len(national.frame) == 357
    assert national.frame.geometry.is_valid.all()
    assert any("repaired 36 invalid geometries" in w for w in national.warnings)


def test_geopackage_input(tmp_path, shared_kommuner):
    frame = gpd.read_file(shared_kommuner / "ostfold-kommuner-2024.geojson")
    frame.to_file(tmp_path / "k.gpkg", driver="GPKG")
    assert len(read_boundary_file(tmp_path / "k.gpkg", "31").frame) == 12


def test_viken_numbers_are_mapped_and_unknown_reported(tmp_path, shared_kommuner):
    frame = gpd.read_file(shared_kommuner / "ostfold-kommuner-2024.geojson")
    back = {new: old for old, (new, _) in VIKEN_TO_2024.items()}
    frame["kommunenummer"] = frame["kommunenummer"].map(back)
    extra = frame.iloc[[0]].copy()
    extra["kommunenummer"] = "3099"
    old = tmp_path / "viken.geojson"
    gpd.GeoDataFrame(pd.concat([frame, extra]), crs=frame.crs).to_file(old)
    result = read_boundary_file(old, "31")
    assert sorted(result.frame["kommunenummer"]) == OSTFOLD
    assert any("3001→3101" in w for w in result.warnings)
    assert any("unknown municipality numbers 3099" in w for w in result.warnings)


def test_a_checked_copy_is_read_back_while_the_file_is_unchanged(
    tmp_path, shared_kommuner, monkeypatch
):
    """The second start reads the checked copy, not the file: same shapes, same warnings, no
    repair; a changed file (here: touched) is read and checked again."""
    import os

    from geo.geometry import boundaries as module
    from geo.geometry.web import _shapes_key

    frame = gpd.read_file(shared_kommuner / "ostfold-kommuner-2024.geojson")
    back = {new: old for old, (new, _) in VIKEN_TO_2024.items()}
    frame["kommunenummer"] = frame["kommunenummer"].map(back)  # a warning to keep
    source = tmp_path / "viken.geojson"
    frame.to_file(source)
    cache = tmp_path / "cache"
    first = read_boundary_file(source, "31", OSTFOLD, cache)
    assert any("3001→3101" in w for w in first.warnings)
    assert len(list(cache.glob("boundary-file-*.gpkg"))) == 1

    def not_read(*_args, **_kwargs):
        raise AssertionError("the boundary file was read again")

    with monkeypatch.context() as patch:
        patch.setattr(module, "_read_table", not_read)
        patch.setattr(module, "make_valid_within", not_read)
        again = read_boundary_file(source, "31", OSTFOLD, cache)
        names = module.read_municipality_names(source, "31", cache)
    assert again.warnings == first.warnings
    assert list(again.frame["kommunenummer"]) == list(first.frame["kommunenummer"])
    assert again.frame.geometry.geom_equals_exact(first.frame.geometry, 0).all()
    # … down to the bytes that key the web shapes' cache, so a warm start finds them too
    assert _shapes_key(again.frame, 100, OSTFOLD) == _shapes_key(first.frame, 100, OSTFOLD)
    assert [n for n, _ in names] == OSTFOLD
    with pytest.raises(BoundaryError, match="no boundary for 3199"):
        read_boundary_file(source, "31", [*OSTFOLD, "3199"], cache)

    # A copy that cannot be written (here pyogrio's own error, as for a read-only folder or a
    # full disk): the file is read each time, nothing fails.
    from pyogrio.errors import DataSourceError

    def full_disk(*_args, **_kwargs):
        raise DataSourceError("No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(module, "_write_exact_gpkg", full_disk)
        unkept = read_boundary_file(source, "31", OSTFOLD, tmp_path / "elsewhere")
    assert list(unkept.frame["kommunenummer"]) == OSTFOLD and unkept.warnings == first.warnings
    assert not list((tmp_path / "elsewhere").glob("boundary-file-*"))

    later = source.stat().st_mtime_ns + 10**9
    os.utime(source, ns=(later, later))
    with monkeypatch.context() as patch:
        patch.setattr(module, "_read_table", not_read)
        with pytest.raises(AssertionError, match="read again"):
            read_boundary_file(source, "31", OSTFOLD, cache)


def test_renumbering_table_matches_the_2024_names(shared_kommuner):
    national = json.loads((shared_kommuner / "norge-kommuner-2024.geojson").read_text("utf-8"))
    names = {
        f["properties"]["kommunenummer"]: f["properties"]["kommunenavn"]
        for f in national["features"]
    }
    for old, (new, name) in VIKEN_TO_2024.items():
        assert names.get(new) == name, (old, new, name)


def test_missing_number_in_file_is_an_error(tmp_path, shared_kommuner):
    frame = gpd.read_file(shared_kommuner / "ostfold-kommuner-2024.geojson")
    frame[frame.kommunenummer != "3110"].to_file(tmp_path / "eleven.geojson")
    with pytest.raises(BoundaryError, match="no boundary for 3110"):
        read_boundary_file(tmp_path / "eleven.geojson", "31", expected=OSTFOLD)


# What the API sends is checked: axis order, projected answers -------------------------------


def test_latitude_first_answers_are_swapped_with_a_warning(standin, tmp_path, shared_kommuner):
    standin.swapped |= {"3101", "3110"}
    result = fetch(standin, tmp_path)
    assert result.source == "api"
    assert any("2 boundaries came latitude-first" in w for w in result.warnings), result.warnings
    truth = read_boundary_file(shared_kommuner / "ostfold-kommuner-2024.geojson", "31").frame
    got = result.frame.set_index("kommunenummer").geometry
    for number in ("3101", "3110"):
        expected = truth.set_index("kommunenummer").geometry[number]
        assert got[number].equals_exact(expected, tolerance=1e-9)


@pytest.mark.slow
def test_projected_answers_are_refused(standin, tmp_path):
    standin.projected.add("3105")
    result = fetch(standin, tmp_path, day=DAY1)
    assert result.source == "snapshot"  # the refused answer is not used …
    assert any(
        "kommuner/3105/omrade" in w and "projected coordinates" in w for w in result.warnings
    ), result.warnings
    assert list(tmp_path.iterdir()) == []  # … nor cached


@pytest.mark.slow
def test_projected_answer_keeps_the_old_cache_and_says_why(standin, tmp_path):
    fetch(standin, tmp_path, day=DAY1)
    before = snapshot(tmp_path)
    standin.projected.add("3105")
    result = fetch(standin, tmp_path, day=DAY2, refresh=True)
    assert result.source == "cache" and result.fetched == DAY1
    assert any(
        "projected coordinates (metres" in w and "expected EPSG:4258" in w for w in result.warnings
    )
    assert snapshot(tmp_path) == before


def test_a_stale_cache_is_refreshed_and_kept_when_the_api_fails(standin, tmp_path):
    fetch(standin, tmp_path, day=DAY1)
    later = DAY1 + dt.timedelta(days=45)  # older than cache_max_age_days (30)
    fresh = fetch(standin, tmp_path, day=later)
    assert fresh.source == "api" and fresh.fetched == later
    standin.stop()
    much_later = later + dt.timedelta(days=45)
    stale = get_boundaries(settings(standin, tmp_path), OSTFOLD, today=much_later)
    assert stale.source == "cache" and stale.fetched == later
    assert any("using the cache of" in w for w in stale.warnings)


def test_offline_settings_never_ask_the_api(standin, tmp_path):
    result = get_boundaries(replace(settings(standin, tmp_path), api_url=None), OSTFOLD)
    assert result.source == "snapshot" and result.warnings == []
    assert sum(standin.requests.values()) == 0
    assert result.vintage == "2024"


def test_an_unwritable_cache_folder_is_a_warning_not_a_crash(standin, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    result = fetch(standin, blocked)
    assert result.source == "api" and len(result.frame) == 12
    assert [w for w in result.warnings if "could not write the boundaries cache" in w]
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_api_down_and_only_a_damaged_cache_says_what_was_wrong(shared_kommuner, tmp_path):
    # County 39 has no bundled snapshot, so the damaged cache is all there is.
    from tests.kartverket_standin import StandIn

    standin = StandIn(shared_kommuner / "ostfold-kommuner-2024.geojson", county="39").start()
    standin.stop()  # the API is down
    (tmp_path / "kommuner-39-2026-11-20.gpkg").write_bytes(b"half a geopackage")
    with pytest.raises(BoundaryError) as info:
        get_boundaries(
            replace(settings(standin, tmp_path), county="39"),
            OSTFOLD,
            today=DAY2,
            progress=lambda items: items,
        )
    message = str(info.value)
    assert (
        "cannot connect" in message and "cache kommuner-39-2026-11-20.gpkg is unusable" in message
    )
    assert "no cached copy" not in message and "\n" not in message
    assert (tmp_path / "kommuner-39-2026-11-20.gpkg").read_bytes() == b"half a geopackage"


def test_a_killed_write_leaves_a_partial_that_the_next_command_removes(standin, tmp_path):
    """kill -9 during a cache write: the partial file stays; the next command removes it (the
    day in the cache's name has changed since) but not one a live writer is still writing."""
    cache = tmp_path / "cache"
    cache.mkdir()
    writer = (
        "import sys, time\n"
        "from geo.atomic import write_atomic\n"
        "def slow(tmp):\n"
        "    tmp.write_bytes(b'half a geopackage')\n"
        "    time.sleep(60)\n"
        "write_atomic(sys.argv[1], slow)\n"
    )
    target = cache / "kommuner-31-2026-11-01.gpkg"
    killed = subprocess.Popen([sys.executable, "-c", writer, str(target)], cwd=ROOT)
    alive = subprocess.Popen([sys.executable, "-c", writer, str(cache / "other.gpkg")], cwd=ROOT)
    try:
        for _ in range(200):
            partials = sorted(p.name for p in cache.glob(".partial-*"))
            if len(partials) == 2:
                break
            time.sleep(0.05)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert len(list(cache.glob(".partial-kommuner-31-*"))) == 1  # left behind
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "cli",
                "boundaries",
                "--api-url",
                standin.url,
                "--cache-dir",
                str(cache),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert not list(cache.glob(".partial-kommuner-31-*"))  # removed
        assert len(list(cache.glob(".partial-other.gpkg.*"))) == 1  # still being written
        assert not target.exists() and len(list(cache.glob("kommuner-31-*.gpkg"))) == 1
    finally:
        alive.kill()
        alive.wait()


@pytest.mark.slow
def test_county_all_fetches_every_county_once_then_reads_the_cache(shared_kommuner, tmp_path):
    from dataclasses import replace

    from tests.kartverket_standin import StandIn

    server = StandIn(shared_kommuner / "norge-kommuner-2024.geojson").start()
    try:
        national = replace(settings(server, tmp_path, timeout=20.0), county="all")
        national = replace(national, max_response_bytes=50_000_000, command_deadline=600.0)
        got = get_boundaries(national, None, today=DAY2, progress=lambda items: items)
        assert len(got.frame) == 357 and got.source == "api"
        assert got.frame["kommunenummer"].str[:2].nunique() == 15
        assert [p.name for p in tmp_path.glob("kommuner-all-*.gpkg")] == [
            f"kommuner-all-{DAY2.isoformat()}.gpkg"
        ]
        server.missing.update(n for n in server.areas)  # the API gone: the cache answers
        again = get_boundaries(national, None, today=DAY2, progress=lambda items: items)
        assert again.source == "cache" and len(again.frame) == 357
    finally:
        server.stop()


def test_an_answer_without_area_is_refused_never_cached(standin, tmp_path):
    """Rings of zero area are "repaired" into lines: such a boundary is refused, the last good
    source is used and nothing is cached, so a later start works (it used to poison the cache
    and stop every later start with a TypeError)."""
    standin.flat.add("3110")
    result = fetch(standin, tmp_path, day=DAY1)
    assert result.source == "snapshot"
    assert any("3110" in w and "no area" in w for w in result.warnings), result.warnings
    assert list(tmp_path.iterdir()) == []
    standin.flat.clear()
    assert fetch(standin, tmp_path, day=DAY1).source == "api"  # and then it is cached
    assert len(list(tmp_path.glob("kommuner-31-*.gpkg"))) == 1


def test_a_read_only_run_removes_what_a_killed_writer_left(standin, tmp_path):
    """A partial file of a writer that died goes at the next read too, not only the next
    write (a read-only run used to leave it for good)."""
    fetch(standin, tmp_path, day=DAY2)  # a fresh cache
    dead = tmp_path / ".partial-kommuner-31-2026-11-27.gpkg.999999999.0123abcd.gpkg"
    dead.write_bytes(b"half a geopackage")
    standin.stop()  # nothing is fetched or written below
    assert fetch(standin, tmp_path, day=DAY2).source == "cache"
    assert not dead.exists()
