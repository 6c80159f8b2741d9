"""Uploading a new revision (app/uploads.py, followup/uploads.py): only an administrator's
session from this site can upload, read or publish; files are checked (kind, size) and kept by
their SHA-256; the reading runs as a Dash background job (disk-cache manager) and its report is
shown as text; a broken or hostile file fails its own reading only. In the browser: upload,
read with progress, report, publish."""

from __future__ import annotations

import os
import secrets

import pytest
import requests

from app.main import create_app
from app.testing import login_session
from app.tracking import open_followup
from followup.records import UserRole
from followup.uploads import UploadState
from geo.resources import default_document
from geo.settings import Settings
from tests.conftest import live_server
from tests.documents import bomb_pdf, programme_pdf

ADMIN, EDITOR = ("fylket", "passord-fylket-1"), ("sarpsborg", "passord-sarpsborg")
SEND = "/programmer/last-opp"


@pytest.fixture
def uploading(app_bundle, tmp_path, shared_kommuner):
    settings = Settings(
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        secret_key=secrets.token_urlsafe(48),
        boundaries=shared_kommuner / "ostfold-kommuner-2024.geojson",
        api_url=None,
    )
    followup = open_followup(settings, [app_bundle], local=False)
    followup.access.accounts.add(*ADMIN, UserRole.ADMIN)
    followup.access.accounts.add(*EDITOR, UserRole.EDITOR, ["3105"])
    app = create_app(app_bundle, followup=followup)
    with live_server(app.server) as url:
        yield url, followup.uploads


def send(url: str, session, name: str, data: bytes, origin: str | None = None):
    return session.post(
        url + SEND,
        files={"fil": (name, data)},
        headers={"Origin": origin or url},
        allow_redirects=False,
    )


def test_only_an_administrator_from_this_site_uploads(uploading):
    url, uploads = uploading
    text = default_document().read_bytes()
    assert send(url, requests.Session(), "p.txt", text).status_code == 401
    editor = login_session(url, *EDITOR)
    assert send(url, editor, "p.txt", text).status_code == 403
    assert editor.get(url + "/programmer/").status_code == 403
    # The page's callbacks (the reading, publishing) too, before Dash sees them.
    callback = url + "/programmer/_dash-update-component"
    assert requests.post(callback, json={}, headers={"Origin": url}).status_code == 401
    assert editor.post(callback, json={}, headers={"Origin": url}).status_code == 403
    admin = login_session(url, *ADMIN)
    assert send(url, admin, "p.txt", text, origin="https://evil.example").status_code == 403
    assert uploads.list() == []
    sent = send(url, admin, "handlingsprogram.txt", text)
    assert sent.status_code == 303 and "/programmer/?fil=" in sent.headers["Location"]
    again = send(url, admin, "kopi.txt", text)  # the same bytes: the same upload
    assert again.headers["Location"] == sent.headers["Location"]
    (kept,) = uploads.list()
    assert (kept.filename, kept.size, kept.state) == ("handlingsprogram.txt", len(text), "ny")


def test_wrong_kinds_and_sizes_are_refused_in_norwegian(uploading):
    url, uploads = uploading
    admin = login_session(url, *ADMIN)
    for name, data, said in (
        ("program.exe", b"MZ...", "tekst (.txt), PDF (.pdf) eller Word (.docx)"),
        ("program.pdf", b"not a pdf", "er ikke en PDF"),
        ("program.docx", b"%PDF-1.4", "er ikke et Word-dokument"),
        ("program.txt", b"\x00\x01\x02", "er ikke tekst"),
        ("tom.txt", b"", "Filen er tom"),
    ):
        answer = send(url, admin, name, data)
        assert answer.status_code == 400 and said in answer.text, (name, answer.text)
        assert answer.headers["Content-Type"].startswith("text/plain")
    big = send(url, admin, "stor.txt", b"a" * 21_500_000)
    assert big.status_code == 413
    assert uploads.list() == []
    # Under 20 MB (more than any other request may send): taken.
    assert send(url, admin, "lang.txt", b"ord " * 2_500_000).status_code == 303
    assert [u.size for u in uploads.list()] == [10_000_000]


def test_the_reading_reports_and_only_a_clean_reading_is_published(uploading, tmp_path):
    from app.uploads import reading_report
    from followup.errors import FollowupError

    _, uploads = uploading
    settings = Settings(cache_dir=tmp_path / "c", api_url=None)
    report, usable, programme = reading_report(settings, "p.txt", default_document().read_bytes())
    assert usable and report["measures"] == 125 and report["county"] == "31 Østfold"
    assert report["unclassified_total"] == 0 and report["vias"]["name"] > 0
    assert programme is not None and programme.document.name == "p.txt"
    hostile, ok, none = reading_report(settings, "bombe.pdf", bomb_pdf())
    assert none is None
    assert not ok and hostile["error"] == "Filen kunne ikke leses som et handlingsprogram."
    digest = uploads.add("p.txt", default_document().read_bytes(), "fylket")
    with pytest.raises(FollowupError, match="les det inn først"):
        uploads.publish(digest, "fylket")
    uploads.set_report(digest, report, usable)
    uploads.publish(digest, "fylket")
    assert uploads.get(digest).state == UploadState.PUBLISHED


@pytest.mark.parametrize("ticked", [["3.12.4=3.12.4", "9.9=9.9", {}], []])
def test_publishing_carries_the_follow_up_over_as_decided(uploading, app_bundle, tmp_path, ticked):
    """A revision read on the page proposes the carry-over from the programme served (a
    renumbering, a removal, an uncertain match); publishing carries it with the uncertain
    matches ticked confirmed and the others rejected (a value not offered is ignored)."""
    from dataclasses import replace

    from app.tracking import scope_of
    from app.uploads import (
        carry_proposal,
        carry_words,
        publish,
        reading_report,
        uncertain_options,
    )
    from followup.carry import archived
    from followup.records import Scope, User
    from followup.store import DatabaseStore
    from tests.test_revisions import revise

    _, uploads = uploading
    _, revised = revise(tmp_path)  # 3.12.2 -> 3.12.9, 3.12.3 removed
    text = revised.read_text(encoding="utf-8").replace(
        "3.12.4 Fremme viktige farledstiltak for å legge til rette for økt bruk av vannveiene "
        "til \ngodstransport",
        "3.12.4 Utbedre farleder for sjøtransport",  # same number, new title: uncertain
        1,
    )
    pairs = [("3.12.2", "3105"), ("3.12.3", "3105"), ("3.12.4", "3105")]
    scope = Scope("31-2025", frozenset(m for m, _ in pairs), frozenset(), frozenset(pairs))
    scope = replace(scope, counted=scope.counted | {("3.12.4", "3101")})
    store, admin = DatabaseStore(uploads.engine, scope), User(1, "fylket", UserRole.ADMIN)
    store.open_pairs(admin, [*pairs, ("3.12.4", "3101")])  # Halden: counted via "kommuner"
    for (measure, kommune), status in zip(pairs, ("pagar", "utsatt", "gjennomfort"), strict=True):
        store.save(admin, (measure, kommune), status, version=0)
    data = text.encode("utf-8")
    digest = uploads.add("2026.txt", data, "fylket")
    settings = Settings(cache_dir=tmp_path / "c", api_url=None)
    report, usable, programme = reading_report(settings, "2026.txt", data)
    assert usable and programme is not None
    carry = carry_proposal(programme, digest, report, uploads, settings, [app_bundle])
    assert carry is not None and carry["from"] == app_bundle.document.name
    assert carry["sure"]["3.12.2"] == "3.12.9" and carry["removed"] == ["3.12.3"]
    assert [p[:3] for p in carry["pending"]] == [["3.12.4", "3.12.4", False]]
    words = " ".join(str(p.children) for p in carry_words(carry))
    assert "1 av dem med nytt nummer; 1 er fjernet" in words and "1 usikkert treff" in words
    (offered,) = uncertain_options(carry)
    assert offered["value"] == "3.12.4=3.12.4"
    assert offered["label"].startswith("3.12.4 er samme tiltak som 3.12.4 (sikkerhet 0,")
    uploads.set_report(digest, {**report, "carry": carry}, usable)
    said = publish(uploads, digest, "fylket", ticked, [app_bundle])
    assert said.startswith("Oppfølgingen er ført over:")
    assert ("1 arkivert" if ticked else "2 arkivert") in said
    assert uploads.get(digest).state == UploadState.PUBLISHED
    after = DatabaseStore(
        uploads.engine,
        Scope("31-2025", frozenset({"3.12.9", "3.12.4"}), frozenset(), frozenset()),
    )
    assert after.status(("3.12.9", "3105")).status == "pagar"  # followed its new number
    # The revision names Sarpsborg, not "kommuner", in 3.12.4: Halden's opened pair is closed.
    assert ("3.12.4", "3101") not in scope_of(programme).counted
    assert ("3.12.4", "3101") not in after.openings()
    assert ("3.12.9", "3105") in after.openings()
    gone = {(m, k, s) for m, k, s, _ in archived(uploads.engine, "31-2025")}
    if ticked:  # confirmed: 3.12.4 keeps its status; only the removed one is archived
        assert after.status(("3.12.4", "3105")).status == "gjennomfort"
        assert gone == {("3.12.3", "3105", "utsatt")}
    else:  # rejected: 3.12.4 of the old revision is gone, its status archived with 3.12.3's
        assert after.status(("3.12.4", "3105")).status == ""  # not reported
        assert gone == {("3.12.3", "3105", "utsatt"), ("3.12.4", "3105", "gjennomfort")}


PAIR = ("3.12.2", "3105")


def test_a_stale_proposal_is_refused_and_a_publish_that_fails_carries_nothing(
    uploading, app_bundle, tmp_path
):
    """Two revisions read against the same one: once the first is published, the second's
    proposal is stale and refused. A publish that fails (the upload removed meanwhile) leaves
    the follow-up as it was: the carry-over and the publishing are one transaction."""
    from sqlalchemy import select

    from app.uploads import STALE, carry_proposal, publish, reading_report
    from followup.errors import FollowupError
    from followup.models import CarryRow
    from followup.records import Scope, User
    from followup.store import DatabaseStore
    from tests.test_revisions import revise

    _, uploads = uploading
    _, revised = revise(tmp_path)  # 3.12.2 -> 3.12.9
    scope = Scope("31-2025", frozenset({"3.12.2", "3.12.9"}), frozenset({PAIR}), frozenset())
    DatabaseStore(uploads.engine, scope).save(
        User(1, "fylket", UserRole.ADMIN), PAIR, "pagar", version=0
    )
    settings = Settings(cache_dir=tmp_path / "c", api_url=None)
    digests = []
    for name, text in (
        ("b.txt", revised.read_text(encoding="utf-8")),
        ("c.txt", revised.read_text(encoding="utf-8") + "\n"),
    ):
        data = text.encode("utf-8")
        digest = uploads.add(name, data, "fylket")
        report, usable, programme = reading_report(settings, name, data)
        report["carry"] = carry_proposal(programme, digest, report, uploads, settings, [app_bundle])
        uploads.set_report(digest, report, usable)
        digests.append(digest)
    b, c = digests

    def carried() -> list[str]:
        with uploads.engine.connect() as conn:
            return list(conn.scalars(select(CarryRow.label).order_by(CarryRow.applied_at)))

    publish(uploads, b, "fylket", [], [app_bundle])
    assert carried() == ["b.txt"]
    assert DatabaseStore(uploads.engine, scope).status(("3.12.9", "3105")).status == "pagar"
    after_b = DatabaseStore(uploads.engine, scope).statuses()
    with pytest.raises(FollowupError, match="les den inn på nytt"):
        publish(uploads, c, "fylket", [], [app_bundle])
    assert STALE.startswith("En annen revisjon")
    assert uploads.get(c).state == UploadState.READ
    assert DatabaseStore(uploads.engine, scope).statuses() == after_b
    # Read again against b; then removed while the page still showed it as read.
    data = uploads.content(c)[1]
    report, usable, programme = reading_report(settings, "c.txt", data)
    report["carry"] = carry_proposal(programme, c, report, uploads, settings, [app_bundle])
    assert report["carry"]["from"] == "b.txt"
    uploads.set_report(c, report, usable)
    seen = uploads.get(c)
    uploads.remove(c)
    uploads.get = lambda sha: seen  # the snapshot the page acted on
    with pytest.raises(FollowupError, match="Fant ikke filen"):
        publish(uploads, c, "fylket", [], [app_bundle])
    assert DatabaseStore(uploads.engine, scope).statuses() == after_b
    assert carried() == ["b.txt"]  # c's carry-over was rolled back with the publishing


def log_in(browser, url: str, account: tuple[str, str]) -> None:
    from tests.test_app_browser import text_of, wait_for

    browser.delete_all_cookies()
    browser.get(f"{url}/logginn")
    browser.find_element("id", "brukernavn").send_keys(account[0])
    browser.find_element("id", "passord").send_keys(account[1])
    browser.find_element("css selector", "button[type=submit]").click()
    wait_for(browser, lambda b: f"Innlogget: {account[0]}" in text_of(b, "#who"))


def upload(browser, url: str, path) -> None:
    """Send `path` with the form on /brukere, as an administrator does."""
    browser.get(f"{url}/brukere#programmer")
    browser.find_element("css selector", "input[type=file]").send_keys(str(path))
    browser.find_element("xpath", "//button[normalize-space()='Last opp']").click()


def upload_read_publish(browser, url: str, path) -> None:
    """Upload `path` on /brukere, read it with "Les inn" (the background job, with its
    progress bar), see the report and publish it."""
    from tests.test_app_browser import click, shot, text_of, wait_for

    upload(browser, url, path)
    wait_for(browser, lambda b: "/programmer/?fil=" in b.current_url)
    wait_for(browser, lambda b: f"{path.name} (ikke lest)" in text_of(b, "#opplasting-valgt"))
    click(browser, browser.find_element("id", "opplasting-les"))
    wait_for(browser, lambda b: "Tiltak funnet" in text_of(b, "#opplasting-rapport"), timeout=240)
    wait_for(browser, lambda b: "lest, klar til å publiseres" in text_of(b, "#opplasting-liste"))
    report = text_of(browser, "#opplasting-rapport")
    assert "125" in report and "31 Østfold" in report
    assert "Alle overskriftslinjer er plassert." in report
    assert "Ved publisering føres oppfølgingen over fra «" in report
    assert "Ferdig" in text_of(browser, "#opplasting-framdrift")
    shot(browser, f"programmer-rapport-{path.suffix[1:]}")
    click(browser, browser.find_element("id", "opplasting-publiser"))
    said = f"Publisert: {path.name}."
    wait_for(browser, lambda b: said in text_of(b, "#opplasting-melding"))


def programme_file(tmp_path):
    pdf = tmp_path / "handlingsprogram-2026.pdf"
    pdf.write_bytes(programme_pdf(default_document().read_text(encoding="utf-8")))
    return pdf


def upload_cases(browser, url: str, listed, tmp_path, served=lambda n: None) -> None:
    """What the issue asks of uploads in the browser, with whichever background manager the
    server at `url` runs: a text file and a PDF read and published; a wrong file refused with
    the reason and the way back; a hostile one (a PDF bomb) failing its own reading, never
    published, and removable; an editor refused. `listed()` reads the uploads' database;
    `served(n)` waits, where the server picks publications up, until the n-th is served."""
    from tests.test_app_browser import click, text_of, wait_for

    log_in(browser, url, ADMIN)
    text = tmp_path / "handlingsprogram-2026.txt"
    text.write_bytes(default_document().read_bytes())
    pdf = programme_file(tmp_path)
    for n, path in enumerate((text, pdf), start=1):
        upload_read_publish(browser, url, path)
        served(n)  # before the next page: an open page's callbacks go to the app it came from
    published = {u.filename: (u.state, u.report["measures"]) for u in listed()}
    assert published == {p.name: (UploadState.PUBLISHED, 125) for p in (text, pdf)}
    # A wrong kind of file: not taken; the reason and the way back to the form.
    wrong = tmp_path / "program.exe"
    wrong.write_bytes(b"MZ\x90\x00")
    upload(browser, url, wrong)
    kinds = "Last opp programmet som tekst (.txt), PDF (.pdf) eller Word (.docx)."
    wait_for(browser, lambda b: kinds in text_of(b, "#feil"))
    browser.find_element("link text", "Tilbake til opplastingen").click()
    wait_for(browser, lambda b: b.current_url.endswith("/brukere#programmer"))
    assert len(listed()) == 2
    # A hostile file fails its own reading, said in Norwegian; it cannot be published.
    bomb = tmp_path / "bombe.pdf"
    bomb.write_bytes(bomb_pdf())
    upload(browser, url, bomb)
    wait_for(browser, lambda b: "bombe.pdf (ikke lest)" in text_of(b, "#opplasting-valgt"))
    click(browser, browser.find_element("id", "opplasting-les"))
    said = "Filen kunne ikke leses som et handlingsprogram."
    wait_for(browser, lambda b: said in text_of(b, "#opplasting-rapport"), timeout=240)
    click(browser, browser.find_element("id", "opplasting-publiser"))
    refused = "Bare et program som er lest uten feil kan publiseres"
    wait_for(browser, lambda b: refused in text_of(b, "#opplasting-melding"))
    states = {u.filename: u.state for u in listed()}
    assert states == {
        "bombe.pdf": UploadState.FAILED,
        text.name: UploadState.PUBLISHED,
        pdf.name: UploadState.PUBLISHED,
    }
    # Removed: gone from the list and the database.
    click(browser, browser.find_element("id", "opplasting-fjern"))
    wait_for(browser, lambda b: text_of(b, "#opplasting-melding") == "Fjernet.")
    wait_for(browser, lambda b: "bombe.pdf" not in text_of(b, "#opplasting-liste"))
    assert sorted(u.filename for u in listed()) == sorted([text.name, pdf.name])
    # An editor who opens the page is refused by the server (sending a file: the HTTP test).
    log_in(browser, url, EDITOR)
    browser.get(f"{url}/programmer/")
    assert "Bare fylkeskommunens administratorer" in text_of(browser, "body")
    assert len(listed()) == 2


@pytest.mark.browser
def test_uploads_in_the_browser_with_the_disk_cache_manager(uploading, browser, tmp_path):
    url, uploads = uploading
    upload_cases(browser, url, uploads.list, tmp_path)


@pytest.mark.browser
def test_uncertain_matches_are_decided_on_the_page_before_publishing(uploading, browser, tmp_path):
    """The report says what publishing does to the follow-up; an uncertain match is offered
    as a choice, and publishing carries the follow-up over as ticked."""
    from followup.carry import archived
    from followup.records import Scope, User
    from followup.store import DatabaseStore
    from tests.test_app_browser import click, text_of, wait_for
    from tests.test_revisions import revise

    url, uploads = uploading
    _, revised = revise(tmp_path)
    text = revised.read_text(encoding="utf-8").replace(
        "3.12.4 Fremme viktige farledstiltak for å legge til rette for økt bruk av vannveiene "
        "til \ngodstransport",
        "3.12.4 Utbedre farleder for sjøtransport",
        1,
    )
    revised.write_text(text, encoding="utf-8")
    pairs = [("3.12.2", "3105"), ("3.12.4", "3105")]
    measures = frozenset({"3.12.2", "3.12.4", "3.12.9"})
    scope = Scope("31-2025", measures, frozenset(), frozenset(pairs))
    store, admin = DatabaseStore(uploads.engine, scope), User(1, "fylket", UserRole.ADMIN)
    store.open_pairs(admin, pairs)
    store.save(admin, pairs[0], "pagar", version=0)
    store.save(admin, pairs[1], "gjennomfort", version=0)
    log_in(browser, url, ADMIN)
    upload(browser, url, revised)
    wait_for(browser, lambda b: "2026.txt (ikke lest)" in text_of(b, "#opplasting-valgt"))
    assert not browser.find_element("id", "opplasting-bekreft-boks").is_displayed()
    click(browser, browser.find_element("id", "opplasting-les"))
    wait_for(browser, lambda b: "Oppfølgingen" in text_of(b, "#opplasting-rapport"), timeout=240)
    said = text_of(browser, "#opplasting-rapport")
    assert "1 av dem med nytt nummer; 1 er fjernet" in said and "1 usikkert treff" in said
    box = "#opplasting-bekreft-boks"
    wait_for(browser, lambda b: "3.12.4 er samme tiltak som 3.12.4" in text_of(b, box))
    click(browser, browser.find_element("css selector", f"{box} input[type=checkbox]"))
    click(browser, browser.find_element("id", "opplasting-publiser"))
    wait_for(browser, lambda b: "Publisert: 2026.txt." in text_of(b, "#opplasting-melding"))
    assert "Oppfølgingen er ført over:" in text_of(browser, "#opplasting-melding")
    # The ticked match confirmed: 3.12.4 keeps its status, 3.12.2's follows it to 3.12.9.
    assert archived(uploads.engine, "31-2025") == []
    after = DatabaseStore(uploads.engine, scope)
    assert after.status(("3.12.4", "3105")).status == "gjennomfort"
    assert after.status(("3.12.9", "3105")).status == "pagar"


@pytest.fixture
def celery_stack(tmp_path, tmp_path_factory):
    """Redis (Debian's redis-server), a Celery worker and gunicorn, as the README runs them
    with TILTAKSKART_REDIS_URL; yields the app's URL and the follow-up database's URL."""
    import shutil
    import signal
    import subprocess
    import sys
    import time

    import redis

    from followup import db
    from followup.auth import Accounts
    from tests.test_app_gunicorn import COMMANDS, ROOT, free_port, start_server

    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (apt-get install redis-server; .ci/run does)"
    redis_port = free_port()
    store = subprocess.Popen(
        [
            binary,
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes = [store]
    try:
        client = redis.Redis(port=redis_port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        database = f"sqlite:///{tmp_path / 'followup.sqlite3'}"
        accounts = Accounts(db.open_database(database, None, create=True))
        accounts.add(*ADMIN, UserRole.ADMIN)
        accounts.add(*EDITOR, UserRole.EDITOR, ["3105"])
        extra = {
            "TILTAKSKART_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "TILTAKSKART_DATABASE_URL": database,
        }
        worker_log = tmp_path / "worker.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
        env.update(
            TILTAKSKART_BOUNDARIES=str(
                ROOT.parent / "shared/kommuner/ostfold-kommuner-2024.geojson"
            ),
            TILTAKSKART_API_URL="off",
            TILTAKSKART_SSB_URL="off",
            TILTAKSKART_CACHE_DIR=str(tmp_path / "cache"),
            TILTAKSKART_SECRET_KEY=os.environ["TILTAKSKART_SECRET_KEY"],
            TILTAKSKART_DATA_DIR=str(tmp_path / "data"),
            **extra,
        )
        with open(worker_log, "wb") as out:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "app.wsgi:celery_app",
                    "worker",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    "1",
                    "--max-tasks-per-child",
                    "1",
                    "--loglevel",
                    "info",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        processes.append(worker)
        for _ in range(1800):
            assert worker.poll() is None, worker_log.read_text()
            if "ready." in worker_log.read_text():
                break
            time.sleep(0.1)
        else:
            raise AssertionError(worker_log.read_text())
        port = free_port()
        server = start_server(COMMANDS["gunicorn"], port, tmp_path_factory, env_extra=extra)
        processes.append(server)
        yield f"http://127.0.0.1:{port}", database, worker_log
    finally:
        for process in reversed(processes):
            if process is not store and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    process.terminate()
            else:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.slow
@pytest.mark.browser
def test_uploads_in_the_browser_with_celery_and_redis(celery_stack, browser, tmp_path):
    from followup import db
    from followup.uploads import Uploads
    from tests.test_app_serving import wait_newest

    url, database, worker_log = celery_stack
    served = lambda n: wait_newest(url, f"/program/31-2025-{n + 1}/")  # noqa: E731
    upload_cases(browser, url, Uploads(db.make_engine(database)).list, tmp_path, served)
    # The worker ran the three readings, not the server.
    assert worker_log.read_text().count("succeeded") == 3


@pytest.mark.slow
def test_a_published_revision_is_served_as_the_newest_after_a_restart(tmp_path, tmp_path_factory):
    """gunicorn, as the README runs it, with one revision published in its database."""
    from followup import db
    from followup.uploads import Uploads
    from tests.test_app_gunicorn import COMMANDS, free_port, start_server
    from tests.test_revisions import revise

    _, revised = revise(tmp_path)
    database = f"sqlite:///{tmp_path / 'followup.sqlite3'}"
    uploads = Uploads(db.open_database(database, None, create=True))
    digest = uploads.add("2026.txt", revised.read_bytes(), "fylket")
    uploads.set_report(digest, {"measures": 125}, True)
    uploads.publish(digest, "fylket")
    port = free_port()
    extra = {"TILTAKSKART_DATABASE_URL": database}
    server = start_server(COMMANDS["gunicorn"], port, tmp_path_factory, env_extra=extra)
    try:
        base = f"http://127.0.0.1:{port}"
        first = requests.get(base + "/", allow_redirects=False)
        assert first.headers["Location"] == "/program/31-2025-2/"  # the published one
        older = requests.get(base + "/?rev=31-2025", allow_redirects=False)
        assert older.headers["Location"] == "/program/31-2025/"
        layout = requests.get(base + "/program/31-2025-2/_dash-layout").text
        assert "Sammenlignet med forrige revisjon" in layout and "3.12.9" in layout
    finally:
        server.terminate()
        server.wait(timeout=60)
