"""Uploading a new revision (app/uploads.py, followup/uploads.py): only an administrator's
session from this site can upload, read or publish; files are checked (kind, size) and kept by
their SHA-256; the reading runs as a Dash background job (disk-cache manager) and its report is
shown as text; a broken or hostile file fails its own reading only. In the browser: upload,
read with progress, report, publish."""

from __future__ import annotations

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
    report, usable = reading_report(settings, "p.txt", default_document().read_bytes())
    assert usable and report["measures"] == 125 and report["county"] == "31 Østfold"
    assert report["unclassified_total"] == 0 and report["vias"]["name"] > 0
    hostile, ok = reading_report(settings, "bombe.pdf", bomb_pdf())
    assert not ok and hostile["error"] == "Filen kunne ikke leses som et handlingsprogram."
    digest = uploads.add("p.txt", default_document().read_bytes(), "fylket")
    with pytest.raises(FollowupError, match="les det inn først"):
        uploads.publish(digest, "fylket")
    uploads.set_report(digest, report, usable)
    uploads.publish(digest, "fylket")
    assert uploads.get(digest).state == UploadState.PUBLISHED


@pytest.mark.browser
def test_upload_read_in_the_background_and_publish_in_the_browser(uploading, browser, tmp_path):
    from tests.test_app_browser import click, shot, text_of, wait_for

    url, uploads = uploading
    pdf = tmp_path / "handlingsprogram-2026.pdf"
    pdf.write_bytes(programme_pdf(default_document().read_text(encoding="utf-8")))
    browser.get(f"{url}/logginn")
    browser.find_element("id", "brukernavn").send_keys(ADMIN[0])
    browser.find_element("id", "passord").send_keys(ADMIN[1])
    browser.find_element("css selector", "button[type=submit]").click()
    wait_for(browser, lambda b: "Innlogget: fylket" in text_of(b, "#who"))
    browser.get(f"{url}/brukere#programmer")
    browser.find_element("css selector", "input[type=file]").send_keys(str(pdf))
    browser.find_element("xpath", "//button[normalize-space()='Last opp']").click()
    wait_for(browser, lambda b: "/programmer/?fil=" in b.current_url)
    wait_for(browser, lambda b: "handlingsprogram-2026.pdf" in text_of(b, "#opplasting-liste"))
    click(browser, browser.find_element("id", "opplasting-les"))
    wait_for(browser, lambda b: "Tiltak funnet" in text_of(b, "#opplasting-rapport"), timeout=180)
    wait_for(browser, lambda b: "lest, klar til å publiseres" in text_of(b, "#opplasting-liste"))
    report = text_of(browser, "#opplasting-rapport")
    assert "125" in report and "31 Østfold" in report
    assert "Alle overskriftslinjer er plassert." in report
    assert "Ferdig" in text_of(browser, "#opplasting-framdrift")
    shot(browser, "programmer-rapport")
    click(browser, browser.find_element("id", "opplasting-publiser"))
    wait_for(
        browser,
        lambda b: "Publisert: handlingsprogram-2026.pdf." in text_of(b, "#opplasting-melding"),
    )
    (kept,) = uploads.list()
    assert kept.state == UploadState.PUBLISHED and kept.report["measures"] == 125
