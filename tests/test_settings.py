"""One settings object: the environment, flags on top, clear errors naming the source."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geo.errors import InputError
from geo.settings import DEFAULT_API_URL, Settings, default_cache_dir

ROOT = Path(__file__).resolve().parents[1]


def test_environment_sets_every_field(tmp_path):
    env = {
        "TILTAKSKART_DOCUMENT": str(tmp_path / "p.txt"),
        "TILTAKSKART_COUNTY": "34",
        "TILTAKSKART_BOUNDARIES": str(tmp_path / "b.geojson"),
        "TILTAKSKART_CACHE_DIR": str(tmp_path / "cache"),
        "TILTAKSKART_API_URL": "http://127.0.0.1:9/kommuneinfo/v1",
    }
    settings = Settings.from_env(env)
    assert settings.document == tmp_path / "p.txt" and settings.county == "34"
    assert settings.boundaries == tmp_path / "b.geojson"
    assert settings.cache_dir == tmp_path / "cache"
    assert settings.api_url == "http://127.0.0.1:9/kommuneinfo/v1"


def test_flags_override_the_environment_and_empty_values_keep_defaults(tmp_path):
    env = {"TILTAKSKART_COUNTY": "34", "TILTAKSKART_API_URL": "  "}
    settings = Settings.from_env(env, county="31", cache_dir=tmp_path, document=None)
    assert settings.county == "31" and settings.cache_dir == tmp_path
    assert settings.api_url == DEFAULT_API_URL and settings.document is None


def test_api_off_means_offline():
    assert Settings.from_env({"TILTAKSKART_API_URL": "off"}).offline
    assert Settings.from_env({}, api_url="none").api_url is None


def test_bad_values_name_where_they_came_from():
    with pytest.raises(InputError) as from_env:
        Settings.from_env({"TILTAKSKART_API_URL": "ftp://x"})
    assert from_env.value.setting == "TILTAKSKART_API_URL" and "ftp://x" in str(from_env.value)
    with pytest.raises(InputError) as from_flag:
        Settings.from_env({}, county="Østfold")
    assert from_flag.value.setting == "county"
    with pytest.raises(InputError, match="not a Redis URL") as redis:
        Settings.from_env({"TILTAKSKART_REDIS_URL": "http://127.0.0.1:6379"})
    assert redis.value.setting == "TILTAKSKART_REDIS_URL"
    assert Settings.from_env({"TILTAKSKART_REDIS_URL": "redis://r:6379/0"}).redis_url


def test_default_cache_is_the_user_cache_folder_not_the_package():
    import platformdirs

    cache = default_cache_dir()
    assert cache == Path(platformdirs.user_cache_dir("tiltakskart", appauthor=False))
    assert ROOT not in cache.parents


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **env},
    )


@pytest.mark.slow
def test_every_command_honours_the_environment(tmp_path, programme_text):
    doc = tmp_path / "kort.txt"
    doc.write_text(programme_text.split("\nRegional plan for kompetanse")[0], encoding="utf-8")
    env = {"TILTAKSKART_DOCUMENT": str(doc), "TILTAKSKART_API_URL": "off"}
    extract = run("extract", "--report", env=env)
    assert extract.returncode == 0, extract.stderr
    assert extract.stdout.startswith("kort.txt: ")  # the document from the environment
    env["TILTAKSKART_CACHE_DIR"] = str(tmp_path / "cache")
    boundaries = run("boundaries", env=env)
    assert boundaries.returncode == 0, boundaries.stderr
    assert "from snapshot" in boundaries.stdout  # offline: no API, the bundled snapshot
    assert f"cache folder: {tmp_path / 'cache'}" in boundaries.stdout
    bad = run("load", env={"TILTAKSKART_COUNTY": "x1"})
    assert bad.returncode == 2 and "TILTAKSKART_COUNTY=x1: not a county number" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.slow
def test_wsgi_logs_start_up_warnings(tmp_path):
    import os

    env = {
        **os.environ,
        "TILTAKSKART_API_URL": "http://127.0.0.1:9/kommuneinfo/v1",
        "TILTAKSKART_CACHE_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import app.wsgi"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING could not fetch boundaries" in result.stderr
    assert "bundled snapshot" in result.stderr


def test_county_all_maps_the_country_around_the_default_programme():
    national = Settings.from_env({"TILTAKSKART_COUNTY": "all"})
    assert national.national and national.programme_county == "31"
    one = Settings.from_env({}, county="34")
    assert not one.national and one.programme_county == "34"
    with pytest.raises(InputError, match="or 'all'"):
        Settings.from_env({}, county="alle")
