"""Several programmes served at once: each under its own path, a chooser between them in the
header, `/` to the first; in the browser, the chooser changes programme and the URL says which."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.several import Router, build_apps, documents_of, skipped_warning
from app.testing import find_component
from geo.settings import Settings
from tests.conftest import live_server
from tests.test_app_browser import shot, text_of, wait_for

ROOT = Path(__file__).resolve().parents[1]
VESTFOLD = ROOT / "tests" / "data" / "programmes" / "vestfold-2026-2029.txt"
OSTFOLD, VESTFOLD_PREFIX = "/program/31-2025/", "/program/39-2026/"


@pytest.fixture(scope="module")
def router(app_bundle, tmp_path_factory) -> Router:
    """Østfold's programme (text) and Vestfold's, served from a PDF made of its text."""
    from app.main import build_app_programme
    from tests.documents import programme_pdf

    pdf = tmp_path_factory.mktemp("pdf") / "vestfold.pdf"
    pdf.write_bytes(programme_pdf(VESTFOLD.read_text(encoding="utf-8"), lines_per_column=25))
    vestfold = build_app_programme(
        Settings(
            document=pdf,
            api_url=None,
            ssb_url=None,
            klass_url=None,
            county_chosen=False,
            cache_dir=tmp_path_factory.mktemp("cache"),
        )
    )
    assert vestfold.gazetteer.county == "39"  # named in the document
    assert vestfold.document.format == "pdf" and len(vestfold.measures) == 9
    return build_apps([app_bundle, vestfold])


@pytest.fixture(scope="module")
def several_url(router):
    with live_server(router) as url:
        yield url


def test_each_programme_has_its_path_and_the_root_goes_to_the_first(router):
    from werkzeug.test import Client

    client = Client(router)
    root = client.get("/?kommune=3105")
    assert root.status_code == 302 and root.headers["Location"] == OSTFOLD + "?kommune=3105"
    assert client.get(OSTFOLD).status_code == 200
    assert client.get(VESTFOLD_PREFIX + "presentasjon").status_code == 200
    assert client.get(VESTFOLD_PREFIX[:-1]).headers["Location"] == VESTFOLD_PREFIX
    for path in ("/program", "/program/"):  # the programmes' common path: the first one
        assert client.get(path).headers["Location"] == OSTFOLD
    # A page's address outside a programme's path (from when one was served): the first's.
    assert (
        client.get("/utskrift?kommune=3105").headers["Location"]
        == OSTFOLD + "utskrift?kommune=3105"
    )
    for path in ("/_dash-update-component", "/utskrift"):  # nothing else outside them
        assert client.post(path).status_code == 404
    assert client.get("/_dash-layout").status_code == 404
    assert client.get("/a/b").status_code == 404
    page = client.get(VESTFOLD_PREFIX + "utskrift?kommune=3905").get_data(as_text=True)
    assert "Tønsberg" in page and "3.1" in page


def test_rev_in_any_pages_address_opens_that_page_of_that_revision(router):
    from werkzeug.test import Client

    client = Client(router)

    def to(url: str) -> str | None:
        return client.get(url).headers.get("Location")

    assert to("/?rev=39-2026&kommune=3905") == VESTFOLD_PREFIX + "?kommune=3905"
    assert to("/presentasjon?rev=39-2026") == VESTFOLD_PREFIX + "presentasjon"
    printed = to(OSTFOLD + "utskrift?kommune=3105&rev=39-2026")
    assert printed == VESTFOLD_PREFIX + "utskrift?kommune=3105"
    assert to(VESTFOLD_PREFIX + "?rev=39-2026") == VESTFOLD_PREFIX  # its own: only said once
    assert client.get(OSTFOLD + "?rev=99-2099").status_code == 200  # unknown: as if not asked
    assert to("/?rev=99-2099") == OSTFOLD + "?rev=99-2099"
    # Not a page (scripts, callbacks): not redirected by it.
    assert client.get(OSTFOLD + "_dash-layout?rev=39-2026").status_code == 200
    assert client.post(OSTFOLD + "?rev=39-2026").headers.get("Location") is None
    # A next address in the query is kept; a query with what no address of ours holds is not.
    assert to("/logginn?neste=/brukere") == OSTFOLD + "logginn?neste=/brukere"
    assert to("/logginn?neste=%0d%0a") == OSTFOLD + "logginn?neste=%0d%0a"
    assert to("/logginn?a=<b>") == OSTFOLD + "logginn"


@pytest.mark.parametrize("prefix, county", [(OSTFOLD, "Østfold"), (VESTFOLD_PREFIX, "Vestfold")])
def test_every_app_has_the_chooser_with_its_own_programme_marked(router, prefix, county):
    from werkzeug.test import Client

    layout = json.loads(Client(router).get(prefix + "_dash-layout").get_data(as_text=True))
    chooser = find_component(layout, "programmes")
    links = [c["props"] for c in chooser["children"] if c.get("type") == "A"]
    assert [(a["children"], a["href"]) for a in links] == [
        ("Østfold 2025–2028", OSTFOLD),
        ("Vestfold 2026–2029", VESTFOLD_PREFIX),
    ]
    assert [a["children"] for a in links if a.get("aria-current") == "page"] == [
        f"{county} " + ("2025–2028" if county == "Østfold" else "2026–2029")
    ]


def test_folders_and_path_lists_name_the_programmes(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-")
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / "old.doc").write_bytes(b"x")
    skipped: list[Path] = []
    found = documents_of(Settings(), [tmp_path], skipped)
    assert found == [tmp_path / "a.txt", tmp_path / "b.pdf"]
    assert skipped == [tmp_path / "notes.md", tmp_path / "old.doc"]  # said, not silent
    assert "2 file(s) in the folder are not programmes" in skipped_warning(skipped)
    listed = Settings(document=Path(f"{tmp_path / 'a.txt'}{os.pathsep}{VESTFOLD}"))
    assert documents_of(listed) == [tmp_path / "a.txt", VESTFOLD]
    assert documents_of(Settings()) == [None]  # the bundled programme


def test_the_chooser_changes_programme_and_the_url_says_which(several_url, browser):
    browser.get(several_url + "/")
    wait_for(browser, lambda b: b.current_url.endswith(OSTFOLD))
    wait_for(
        browser, lambda b: len(b.find_elements("css selector", "#map .choroplethlocation")) == 12
    )
    current = browser.find_element("css selector", ".programme-chooser a[aria-current='page']")
    assert current.text == "Østfold 2025–2028"
    shot(browser, "13-to-program-ostfold")
    browser.find_element("link text", "Vestfold 2026–2029").click()
    wait_for(browser, lambda b: b.current_url.endswith(VESTFOLD_PREFIX))
    wait_for(browser, lambda b: "Vestfold" in text_of(b, ".lead-line"))
    # Vestfold's six municipalities (the tile map: no boundaries offline)
    wait_for(
        browser, lambda b: len(b.find_elements("css selector", "#map .choroplethlocation")) == 6
    )
    current = browser.find_element("css selector", ".programme-chooser a[aria-current='page']")
    assert current.text == "Vestfold 2026–2029"
    browser.get(several_url + VESTFOLD_PREFIX + "?view=kommune&kommune=3905")
    wait_for(browser, lambda b: "Utvikle kulturarenaer i Tønsberg" in b.page_source)
    shot(browser, "13b-to-program-vestfold-kommune")
    browser.back()  # the programme stays in the URL's path through the history
    wait_for(
        browser, lambda b: VESTFOLD_PREFIX in b.current_url and "kommune=3905" not in b.current_url
    )
    assert "Vestfold" in text_of(browser, ".lead-line")


@pytest.fixture(scope="module")
def national_url(shared_kommuner, tmp_path_factory):
    """Østfold's and Vestfold's programmes on Norway's map (the shared national file)."""
    from app.main import build_app_programme

    base = Settings(
        county="all",
        boundaries=shared_kommuner / "norge-kommuner-2024.geojson",
        api_url=None,
        ssb_url=None,
        cache_dir=tmp_path_factory.mktemp("cache"),
    )
    programmes = [
        build_app_programme(base),
        build_app_programme(Settings(**{**base.__dict__, "document": VESTFOLD})),
    ]
    assert [p.gazetteer.county for p in programmes] == ["31", "39"]
    with live_server(build_apps(programmes)) as url:
        yield url


@pytest.mark.slow
def test_alle_program_colours_each_county_by_its_own_programme(national_url, browser):
    browser.get(national_url + "/program/39-2026/")
    wait_for(browser, lambda b: len(b.find_elements("css selector", ".programme-chooser a")) == 3)
    browser.find_element("link text", "Alle program").click()
    wait_for(browser, lambda b: b.current_url.endswith("/program/alle/"))
    paths = "#overview-map .choroplethlocation"
    wait_for(browser, lambda b: len(b.find_elements("css selector", paths)) == 357)
    title = text_of(browser, "#overview-map .cbtitle")
    assert "Særskilte tiltak" in title and "fylkets eget program" in title
    note = text_of(browser, "#overview-note")
    assert "Østfold 2025–2028, Vestfold 2026–2029" in note and "Grå: fylker uten" in note
    current = browser.find_element("css selector", ".programme-chooser a[aria-current='page']")
    assert current.text == "Alle program"
    # The coloured municipalities are exactly the two counties' 18, each from its own programme
    coloured = browser.execute_script(
        "const d = document.querySelector('#overview-map .js-plotly-plot').data;"
        "return [d[1].locations, d[1].customdata.map(c => c[0])];"
    )
    assert sorted(n[:2] for n in coloured[0]) == ["31"] * 12 + ["39"] * 6
    assert {n[:2]: s for n, s in zip(*coloured, strict=True)} == {
        "31": "Østfold 2025–2028",
        "39": "Vestfold 2026–2029",
    }
    shot(browser, "14-alle-program")
