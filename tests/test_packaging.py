"""The built wheel works like the editable install: installed into a fresh virtual environment,
run from outside the repository, it finds its programme, gazetteer, snapshot and assets."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def source_tree(target: Path) -> Path:
    """The checkout's files as a fresh clone would have them (tracked and new, not ignored):
    building in the checkout itself could pick up a stale build/ folder."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        cwd=ROOT,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    tree = source_tree(tmp_path_factory.mktemp("src"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(tree)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (built,) = out.glob("tiltakskart-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; the dependencies are those of this test run,
    made visible through a .pth file so that the test needs no download."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=300)
    pip = [str(root / "bin" / "python"), "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--no-deps", str(wheel)], check=True, timeout=300)
    site = subprocess.run(
        [
            str(root / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps-of-the-test-run.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    check = subprocess.run([*pip, "check"], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr  # every requirement is met
    return root


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILTAKSKART_", "PYTHON"))}
    env.update(
        {
            "TILTAKSKART_API_URL": "off",
            "TILTAKSKART_CACHE_DIR": str(tmp_path / "cache"),
            # The follow-up's database and secret in the test's folder, never the user's.
            "TILTAKSKART_DATA_DIR": str(tmp_path / "data"),
        }
    )
    return env


def test_the_wheel_carries_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "geo/data/tiltak/handlingsprogram-ostfold-2025-2028.txt",
        "geo/data/kommuner/fylke-31.toml",
        "geo/data/kommuner/kommuner-31.geojson",
        "geo/data/kommuner/kommuner-31.json",
        "geo/static/leaflet/leaflet.js",
        "app/assets/topojson/europe_110m.json",
        "app/assets/00-bootstrap.min.css",
    ):
        assert expected in names, expected
    # Every module of the packages, subpackages included (a package missing from pyproject.toml
    # would install without its modules).
    root = Path(__file__).resolve().parents[1]
    modules = {
        str(path.relative_to(root))
        for package in ("geo", "cli", "app")
        for path in (root / package).rglob("*.py")
    }
    assert modules - names == set()
    assert not [n for n in names if n.startswith(("tests/", "bench/")) or "cache/" in n]


def test_extract_runs_from_the_installed_wheel(venv, tmp_path):
    env = clean_env(tmp_path)
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import geo, app; print(geo.__file__, app.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout  # not the checkout
    result = subprocess.run(
        [str(venv / "bin" / "tiltakskart"), "extract", "--report"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "125 distinct measures" in result.stdout
    assert "cross-check clean" in result.stdout


def test_serve_answers_from_the_installed_wheel(venv, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(venv / "bin" / "tiltakskart"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            try:
                if requests.get(base + "/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        layout = requests.get(base + "/_dash-layout", timeout=10)
        assert layout.status_code == 200
        text = layout.text
        assert "innebygd forenklet utgave (2024)" in text  # the bundled snapshot …
        shapes = re.search(r'"geojson":\s*"([^"]+)"', text)
        assert shapes, "the map names no geometry URL"
        served = requests.get(base + json.loads(f'"{shapes.group(1)}"'), timeout=10)
        assert served.json()["features"][0]["properties"]["kommunenummer"]  # … served apart
        assert len(served.json()["features"]) == 12
        page = requests.get(base + "/", timeout=10).text
        plotly = re.search(r'var ours = "([^"]+)"', page)
        assert plotly and "Plotly" in requests.get(base + plotly.group(1), timeout=10).text
        for asset in ("/assets/topojson/europe_110m.json", "/assets/00-bootstrap.min.css"):
            assert requests.get(base + asset, timeout=10).status_code == 200, asset
    finally:
        server.terminate()
        server.wait(timeout=20)
