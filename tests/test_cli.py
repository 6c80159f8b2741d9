"""The `tiltakskart` command run as a real process: outputs, exit codes, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import HOSTILE_TITLE

ROOT = Path(__file__).resolve().parents[1]


def run(
    *args: str,
    cwd: Path = ROOT,
    env: dict | None = None,
    timeout: float = 60,
    stdin: str | None = None,
    module: str = "cli",
) -> subprocess.CompletedProcess:
    """`tiltakskart ARGS` as a real process (in `env`, else this one's environment); `module`
    "app.cli" is the installed command with the app's and the follow-up's commands."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        input=stdin,
    )


def test_extract_json_to_stdout():
    result = run("extract")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["measures"]) == 125
    assert data["source"]["file"] == "handlingsprogram-ostfold-2025-2028.txt"


def test_report_counts_and_cross_check():
    result = run("extract", "--report")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "125 distinct measures" in out
    for line in (
        "measure        125",
        "page_repeat      5",
        "stub            25",
        "toc            150",
        "unclassified     0",
    ):
        assert line in out
    assert "Table of contents: 150 entries; cross-check clean" in out
    assert not out.lstrip().startswith("{")  # the report alone, no JSON


def test_csv_output_one_row_per_measure(tmp_path):
    out = tmp_path / "tiltak.csv"
    result = run("extract", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 125
    row = next(r for r in rows if r["id"] == "2.1.5")
    assert row["aliases"] == "2.3.4; 2.4.3; 2.3.5"
    assert row["period_start"] == "2025" and row["period_end"] == "2028"


def test_report_with_out_writes_file_too(tmp_path):
    out = tmp_path / "t.json"
    result = run("extract", "--report", "--out", str(out))
    assert result.returncode == 0
    assert "distinct measures" in result.stdout
    assert len(json.loads(out.read_text(encoding="utf-8"))["measures"]) == 125


BAD_INPUTS = {
    "empty": (b"", "is empty"),
    "pdf": (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "the PDF is damaged"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, "binary file"),
    "no_headers": (b"Bare en vanlig tekst uten tiltak.\n", "no measure headers"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_keeps_out(tmp_path, case):
    data, message = BAD_INPUTS[case]
    doc = tmp_path / "input.txt"
    doc.write_bytes(data)
    out = tmp_path / "good.json"
    out.write_text("GOOD OLD OUTPUT", encoding="utf-8")
    result = run("extract", str(doc), "--out", str(out))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "GOOD OLD OUTPUT"


def test_missing_file_exits_2(tmp_path):
    out = tmp_path / "good.json"
    out.write_text("KEEP", encoding="utf-8")
    result = run("extract", str(tmp_path / "missing.txt"), "--out", str(out))
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "KEEP"


def test_windows_1252_input_warns_and_succeeds(tmp_path, programme_text):
    doc = tmp_path / "cp1252.txt"
    doc.write_bytes(programme_text.encode("cp1252", errors="replace"))
    result = run("extract", str(doc), "--report")
    assert result.returncode == 0
    assert "warning:" in result.stderr and "windows-1252" in result.stderr
    assert "125 distinct measures" in result.stdout


def test_unclassified_header_fails_and_writes_nothing(tmp_path, programme_text):
    doc = tmp_path / "odd.txt"
    doc.write_text("9.9.9 Et tiltak før planen\n" + programme_text, encoding="utf-8")
    out = tmp_path / "good.json"
    out.write_text("KEEP", encoding="utf-8")
    result = run("extract", str(doc), "--out", str(out))
    assert result.returncode == 1
    assert "line 1: 9.9.9" in result.stderr
    assert "could not be classified" in result.stderr and "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "KEEP"


def test_text_after_the_last_measure_fails_and_is_reported(tmp_path, programme_text):
    doc = tmp_path / "tail.txt"
    doc.write_text(programme_text + "Dette hører ikke til noe tiltak.\n" * 5000, encoding="utf-8")
    out = tmp_path / "good.json"
    out.write_text("KEEP", encoding="utf-8")
    result = run("extract", str(doc), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first = len(programme_text.splitlines()) + 1
    assert "Text that belongs to no measure" in result.stderr
    assert f"lines {first}-{first + 4999}, after the period of 3.22.4: Dette" in result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("tiltakskart: error: 1 passage(s) of text belong to no measure")
    )
    assert out.read_text(encoding="utf-8") == "KEEP"


def test_csv_neutralises_a_formula_title_and_json_keeps_it(hostile_document):
    result = run("extract", str(hostile_document), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["1.3.2"]["title"].startswith("'" + HOSTILE_TITLE)
    assert rows["1.3.2"]["title"].count(HOSTILE_TITLE) == 1
    result = run("extract", str(hostile_document))
    (measure,) = [m for m in json.loads(result.stdout)["measures"] if m["id"] == "1.3.2"]
    assert measure["title"].startswith(HOSTILE_TITLE)


def test_out_into_missing_folder_is_a_clear_error(tmp_path):
    result = run("extract", "--out", str(tmp_path / "no" / "such" / "t.json"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_bad_option_exits_2():
    result = run("extract", "--format", "xml")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_tags_for_one_municipality():
    result = run("tags", "--kommune", "Sarpsborg")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Sarpsborg (3105): 98 measures concern it = 10 specific (2 named, 5 place, 3 region) "
        "+ 88 common; 1 more name it only inside an organisation's name (not counted)"
    )
    assert lines[1] == "Named (2)" and "Common to all the municipalities (88)" in lines
    block = result.stdout.split("1.3.2 ")[1].split("\n1.3.3")[0]
    assert "name         target why_how  «Sarpsborg»" in block
    assert "all          actor  actors   «øvrige kommuner i Østfold»" in block


def test_tags_by_number_and_table():
    by_number = run("tags", "--kommune", "3110")
    assert by_number.returncode == 0 and by_number.stdout.startswith("Hvaler (3110): ")
    table = run("tags")
    assert table.returncode == 0
    header, *rows = table.stdout.splitlines()
    assert header.split() == [
        "nr", "kommune", "named", "place", "region", "specific", "common", "total", "organisation",
        "act", "area",
    ]  # fmt: skip
    sarpsborg = next(r for r in rows if r.startswith("3105"))
    # 9 specific = 4 where Sarpsborg is among the actors + 5 that pass through its area
    assert sarpsborg.split()[2:] == ["2", "5", "3", "10", "88", "98", "1", "4", "6"]
    assert len([line for line in rows if line[:2] == "31"]) == 12
    assert "Named outside Østfold:" in table.stdout and "Vestby (3216)" in table.stdout


def test_tags_unknown_municipality_is_a_clear_error():
    result = run("tags", "--kommune", "Narvik")
    assert result.returncode == 2
    assert "not a municipality of Østfold" in result.stderr and "3101 Halden" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_county_is_a_clear_error():
    result = run("extract", "--county", "30")
    assert result.returncode == 2 and "not a county number of 2024" in result.stderr


@pytest.mark.slow
def test_boundaries_command_fetches_caches_and_falls_back(standin, tmp_path):
    import os

    cache = tmp_path / "cache"
    first = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
    assert first.returncode == 0, first.stderr
    assert "12 municipalities of county 31 from api" in first.stdout
    assert "valid: True" in first.stdout and "© Kartverket" in first.stdout
    assert len(list(cache.glob("kommuner-31-*.gpkg"))) == 1

    env_run = subprocess.run(
        [sys.executable, "-m", "cli", "boundaries", "--cache-dir", str(cache)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "TILTAKSKART_API_URL": standin.url},
    )
    assert env_run.returncode == 0 and "from cache" in env_run.stdout

    standin.malformed.add("/kommuneinfo/v1/kommuner/3101/omrade")
    refreshed = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache), "--refresh")
    assert refreshed.returncode == 0
    assert "not valid JSON" in refreshed.stderr and "using the cache of" in refreshed.stderr
    assert "from cache" in refreshed.stdout

    standin.stop()
    offline = run("boundaries", "--api-url", standin.url, "--cache-dir", str(tmp_path / "none"))
    assert offline.returncode == 0, offline.stderr
    assert "from snapshot: bundled snapshot" in offline.stdout
    assert "connection refused" in offline.stderr and "Traceback" not in offline.stderr
    assert len(offline.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_escape_codes_never_reach_the_terminal(tmp_path, programme_text):
    doc = tmp_path / "escape.txt"
    escape = "\x1b[2J\x1b[31m"
    doc.write_text(programme_text.replace("Sarpsborg", f"Sarp{escape}sborg"), encoding="utf-8")
    for args in (("tags", str(doc), "--kommune", "Sarpsborg"), ("extract", str(doc), "--report")):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout + result.stderr
        assert "control character(s) that are not text" in result.stderr
    # a value from outside echoed in an error shows its escape, not its effect
    result = run("tags", "--kommune", f"Moss{escape}")
    assert result.returncode == 2 and "\x1b" not in result.stderr
    assert "Moss\\x1b[2J" in result.stderr and "[31m" not in result.stderr  # colours dropped


# A full disk -------------------------------------------------------------------------------------

FILE_LIMIT = 50_000  # bytes any file may grow to: the boundary cache (~1 MB) cannot be written


def full_disk() -> None:
    """In the child: files cannot grow past FILE_LIMIT, as on a full disk (EFBIG, not a kill)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def on_full_disk(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
        preexec_fn=full_disk,
    )


@pytest.mark.slow
def test_a_full_disk_keeps_the_good_cache_and_the_commands_working(standin, tmp_path):
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env.update(
        TILTAKSKART_API_URL=standin.url,
        TILTAKSKART_CACHE_DIR=str(cache),
        TILTAKSKART_SSB_URL="off",
    )
    assert (
        subprocess.run(
            [sys.executable, "-m", "app.cli", "boundaries"], cwd=ROOT, env=env, capture_output=True
        ).returncode
        == 0
    )
    good = {p.name: p.read_bytes() for p in cache.iterdir()}
    assert len(good) == 1

    result = on_full_disk("boundaries", "--refresh", env=env)  # fetched, but cannot be cached
    assert result.returncode == 0, result.stderr
    assert "could not write the boundaries cache" in result.stderr
    assert "12 municipalities" in result.stdout
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == good  # intact, no partials

    result = on_full_disk("load", "--refresh", env=env)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 13

    out = tmp_path / "last.xlsx"
    out.write_bytes(b"the good export")
    result = on_full_disk("load", "--out", str(out), env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        f"tiltakskart: error: --out {out}: cannot write"
    )
    assert out.read_bytes() == b"the good export" and sorted(
        p.name for p in tmp_path.iterdir()
    ) == [
        "cache",
        "last.xlsx",
    ]
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == good

    # `serve` cannot create its follow-up database on the full disk: it says so and serves
    # the programme without it. gunicorn gets a database made before the disk filled up.
    from followup import db

    made = tmp_path / "made"
    db.upgrade(db.make_engine(f"sqlite:///{made / 'f.sqlite3'}"))
    for command, extra in (
        ([sys.executable, "-m", "app.cli", "serve", "--refresh"], {}),
        (
            [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_conf", "app.wsgi:server"],
            {
                "TILTAKSKART_DATABASE_URL": f"sqlite:///{made / 'f.sqlite3'}",
                "TILTAKSKART_SECRET_KEY": os.environ["TILTAKSKART_SECRET_KEY"],
            },
        ),
    ):
        port = free_port()
        bind = ["--port", str(port)] if "serve" in command else ["--bind", f"127.0.0.1:{port}"]
        server = subprocess.Popen(
            [*command, *bind],
            cwd=ROOT,
            env={
                **env,
                "TILTAKSKART_CACHE_DIR": str(cache),
                "TILTAKSKART_DATA_DIR": str(tmp_path / "data"),
                **extra,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=full_disk,
        )
        try:
            assert answers(f"http://127.0.0.1:{port}/_dash-layout", server)
        finally:
            server.terminate()
            _, err = server.communicate(timeout=30)
        assert "Traceback" not in err.decode()
        if "serve" in command:
            assert "serving without follow-up" in err.decode()
        else:  # the background jobs' disk cache cannot be opened: uploads are off, said once
            assert "uploading programmes is off" in err.decode()
    # The boundaries cache intact; beside it only the jobs' folder gunicorn tried to open.
    jobs = cache / "jobber"
    assert {p.name: p.read_bytes() for p in cache.iterdir() if p != jobs} == good


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, server: subprocess.Popen, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            time.sleep(0.1)
    return False


# Hostile or unlucky input found by probing ------------------------------------------------------


@pytest.mark.slow
def test_a_boundary_file_without_a_municipality_is_a_warning(tmp_path, shared_kommuner):
    data = json.loads((shared_kommuner / "ostfold-kommuner-2024.geojson").read_text("utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["kommunenummer"] != "3101"]
    partial = tmp_path / "uten-halden.geojson"
    partial.write_text(json.dumps(data), encoding="utf-8")
    for command in (("extract",), ("load", "--ssb-url", "off")):
        result = run(*command, "--boundaries", str(partial))
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert "municipality 3101 Halden is not in the boundary source" in result.stderr
    assert "3101" not in run("load", "--boundaries", str(partial), "--ssb-url", "off").stdout


@pytest.mark.slow
def test_out_never_replaces_an_input_a_device_or_a_link(tmp_path, programme_text):
    doc = tmp_path / "programme.txt"
    doc.write_text(programme_text, encoding="utf-8")
    result = run("extract", str(doc), "--out", str(doc))
    assert result.returncode == 2 and "is the input" in result.stderr
    assert doc.read_text(encoding="utf-8") == programme_text
    result = run("extract", "--out", "/dev/null")
    assert result.returncode == 2 and "not a regular file" in result.stderr
    target = tmp_path / "target.json"
    target.write_text("{}", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run("extract", "--out", str(link)).returncode == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["measures"]


@pytest.mark.parametrize(
    "args",
    [
        ("boundaries", "--api-url", "http://[::1"),
        ("boundaries", "--api-url", "http://x:99999/"),
        ("population", "--ssb-url", "https://[bad"),
        ("snapshot", "--tolerance", "nan"),
        ("snapshot", "--tolerance", "-5"),
        ("serve", "--port", "99999"),
        ("tags", "--kommune", "a\nb"),
    ],
)
def test_bad_values_give_one_line_and_no_traceback(args):
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    *usage, last = result.stderr.strip().splitlines()
    assert last.startswith("tiltakskart") and "error: " in last  # the one line that says why
    assert all(u.startswith(("usage:", " ")) for u in usage)  # argparse's usage, if any


def test_an_environment_value_is_named_by_its_variable(tmp_path):
    env = {**os.environ, "TILTAKSKART_BOUNDARIES": str(tmp_path / "missing.geojson")}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "extract"], capture_output=True, text=True, env=env,
        cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("tiltakskart: error: TILTAKSKART_BOUNDARIES=")


def test_a_long_value_is_shortened_in_the_error():
    result = run("tags", "--kommune", "x" * 100_000)
    assert result.returncode == 2 and len(result.stderr) < 1000
    assert "use a number or name: 3101 Halden" in result.stderr


def test_serve_says_when_the_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"tiltakskart: error: --port {port}: cannot listen on 127.0.0.1:{port} (already in use);"
        " choose another port"
    )


@pytest.mark.slow
def test_a_map_without_population_figures(tmp_path, shared_kommuner):
    out = tmp_path / "kart.html"
    norway = str(shared_kommuner / "norge-kommuner-2024.geojson")
    offline = ("--ssb-url", "off", "--api-url", "off", "--cache-dir", str(tmp_path / "c"))
    result = run("map", "--county", "46", "--boundaries", norway, *offline, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "no population figures" in result.stderr and out.stat().st_size > 10_000


@pytest.mark.slow
def test_a_planted_link_fifo_or_device_in_the_cache_folder_is_left_alone(standin, tmp_path):
    """Anyone who can create a file in a shared cache folder must not make the command write
    elsewhere (a link), hang (a FIFO) or write to a device: each is refused with a warning."""
    import datetime as dt
    import os

    cache = tmp_path / "cache"
    cache.mkdir()
    today = dt.date.today()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = cache / f"kommuner-31-{today.isoformat()}.gpkg"
    link.symlink_to(victim)
    fifo = cache / f"kommuner-31-{(today - dt.timedelta(days=1)).isoformat()}.gpkg"
    os.mkfifo(fifo)

    fetched = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
    assert fetched.returncode == 0, fetched.stderr
    assert "from api" in fetched.stdout  # the boundaries are used, not cached
    assert victim.read_text(encoding="utf-8") == "precious" and link.is_symlink()
    assert "is a link, a pipe or a device" in fetched.stderr
    assert "could not write the boundaries cache" in fetched.stderr

    offline = run("boundaries", "--api-url", "off", "--cache-dir", str(cache))  # no hang
    assert offline.returncode == 0 and "from snapshot" in offline.stdout, offline.stderr
    assert f"cache {fifo.name} is a link, a pipe or a device" in offline.stderr

    link.unlink()
    link.symlink_to("/dev/null")  # a device by its name
    device = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
    assert device.returncode == 0 and "could not write the boundaries cache" in device.stderr
    assert link.is_symlink() and not [p for p in cache.iterdir() if p.name.startswith(".")]


def test_a_new_cache_folder_is_private(standin, tmp_path):
    cache = tmp_path / "nytt" / "cache"
    result = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
    assert result.returncode == 0, result.stderr
    assert cache.stat().st_mode & 0o777 == 0o700
    assert len(list(cache.glob("kommuner-31-*.gpkg"))) == 1


def test_boundaries_over_the_size_limits_are_refused_before_processing(standin, tmp_path):
    """An answer with more vertices or parts than any real boundary (documented limits, far
    above Norway's) is refused before processing, named in one line, and never cached; at
    the limit it is taken. A boundary file over them is a one-line error."""
    import json

    from geo.geometry.repair import MAX_PARTS_PER_AREA, MAX_VERTICES_PER_AREA
    from tests.kartverket_standin import _dense

    cache = tmp_path / "cache"
    for kind, count, said in [
        ("dense", MAX_VERTICES_PER_AREA + 1, "100,001 vertices, over the limit of 100,000"),
        ("scattered", MAX_PARTS_PER_AREA + 1, "10,001 parts, over the limit of 10,000"),
    ]:
        getattr(standin, kind)["3110"] = count
        result = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
        assert result.returncode == 0, result.stderr
        assert "from snapshot" in result.stdout
        assert f"boundary of 3110 has {said}" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert not list(cache.glob("*.gpkg"))
        getattr(standin, kind).clear()
    standin.dense["3110"] = MAX_VERTICES_PER_AREA
    taken = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
    assert "from api" in taken.stdout, taken.stderr
    assert len(list(cache.glob("kommuner-31-*.gpkg"))) == 1

    file = tmp_path / "dense.geojson"
    feature = {
        "type": "Feature",
        "properties": {"kommunenummer": "3110", "kommunenavn": "Hvaler"},
        "geometry": _dense(MAX_VERTICES_PER_AREA + 1),
    }
    file.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    refused = run("boundaries", "--boundaries", str(file), "--cache-dir", str(cache))
    assert refused.returncode != 0
    assert "over the limit of 100,000" in refused.stderr and "simplify" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr


@pytest.mark.slow
def test_boundaries_that_would_take_hours_to_repair_are_stopped(standin, tmp_path):
    """A ring through 1 000 random points is small but crosses itself ~100 000 times;
    `make_valid` on it runs for many minutes. The repair is stopped at its time limit (30 s),
    the answer refused and not cached, and the last good source used."""
    cache = tmp_path / "cache"
    standin.tangled["3110"] = 1000
    result = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
    assert result.returncode == 0, result.stderr
    assert "from snapshot" in result.stdout
    assert "could not be repaired within 30 s" in result.stderr, result.stderr
    assert not list(cache.glob("*.gpkg"))


def test_an_answer_without_area_is_refused_by_the_boundaries_command(standin, tmp_path):
    """Rings of zero area (which make_valid turns into lines) are refused with a warning
    naming the municipality; nothing is cached, so the next run fetches again."""
    cache = tmp_path / "cache"
    standin.flat.add("3110")
    result = run("boundaries", "--api-url", standin.url, "--cache-dir", str(cache))
    assert result.returncode == 0, result.stderr
    assert "from snapshot" in result.stdout
    assert "boundary of 3110 has no area" in result.stderr and "Traceback" not in result.stderr
    assert not list(cache.glob("*.gpkg"))


def _many_lines(shape: str, size: int) -> str:
    head = "Handlingsprogram 2025-2028\nRegional plan for noe\nTema 1: Noe\nStrategi 1.1: Noe\n"

    def lines(line: str, total: int) -> str:
        return "\n".join([line] * max(1, total // (len(line) + 1)))

    body = "\nHvorfor og hvordan\n{why}\nHvem\n{who}\nTidsperiode 2025\n"
    if shape == "title repeated after a page break":
        title = lines("ord", size // 2)
        return (
            f"{head}1.1.1 Et {title}\n\nHvorfor og hvordan\nTekst.\n1.1.1 Et {title}\n\n"
            "mer tekst.\nHvem\nKommunene\nTidsperiode 2025\n"
        )
    if shape == "title over 76-character lines":
        return head + "1.1.1 " + lines("x" * 75, size) + body.format(why="Tekst.", who="KS")
    if shape == "Hvem over short lines":
        return head + "1.1.1 Et tiltak" + body.format(why="Tekst.", who=lines("Aktør,", size))
    return head + "1.1.1 Et tiltak" + body.format(why=lines("ord", size), who="KS")


@pytest.mark.slow
@pytest.mark.parametrize(
    "shape",
    [
        "title repeated after a page break",
        "title over 76-character lines",
        "Hvem over short lines",
        "why/how over short lines",
    ],
)
def test_a_megabyte_of_many_line_fields_is_extracted(tmp_path, shape):
    """1 MB of each many-line shape goes through `extract` (a repeated title took minutes:
    every line re-squashed the title so far); the one measure is there, once."""
    document = tmp_path / "programme.txt"
    document.write_text(_many_lines(shape, 1_000_000), encoding="utf-8")
    assert document.stat().st_size > 900_000
    result = run("extract", str(document))
    assert result.returncode == 0, result.stderr[-500:]
    assert [m["id"] for m in json.loads(result.stdout)["measures"]] == ["1.1.1"]


def test_map_refuses_the_app_only_figures_in_one_line(tmp_path):
    """Progress (the follow-up's) and new since the last revision exist in the app only."""
    for metric in ("progress", "new"):
        result = run(
            "map", "--out", str(tmp_path / "k.html"), "--metric", metric, "--api-url", "off"
        )
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert f"--metric {metric}: unknown" in result.stderr
    assert not (tmp_path / "k.html").exists()
