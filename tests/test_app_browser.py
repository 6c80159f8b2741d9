"""The app in real headless Chromium: click Sarpsborg, the IPR view, a shared link, and the
presentation. Screenshots of every view go to build/screenshots (printed after the run)."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from csv import reader
from urllib.parse import quote

import openpyxl
import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from app.testing import find_component
from tests.conftest import HOSTILE_THEME, SCREENSHOTS, live_server
from tests.test_app_accessibility import contrast

pytestmark = pytest.mark.browser

# A point inside a municipality's map area, away from its label (found in the page's SVG).
POINT_IN = """
const [index, label] = arguments;
const path = document.querySelectorAll('#map .choroplethlocation')[index];
const box = path.getBBox(), matrix = path.getScreenCTM();
const svgPoint = path.ownerSVGElement.createSVGPoint();
const labelBox = label.getBoundingClientRect();
let best = null;
for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
  svgPoint.x = box.x + box.width * i / 20; svgPoint.y = box.y + box.height * j / 20;
  if (!path.isPointInFill(svgPoint)) continue;
  const p = svgPoint.matrixTransform(matrix);
  const far = p.y > labelBox.bottom + 6 || p.y < labelBox.top - 6;
  if (far && (!best || Math.abs(p.x - (labelBox.left + labelBox.right) / 2) < best.d))
    best = {x: p.x, y: p.y, d: Math.abs(p.x - (labelBox.left + labelBox.right) / 2)};
}
return best && [Math.round(best.x), Math.round(best.y)];
"""


@pytest.fixture(scope="module")
def server(app_url):
    return app_url


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory):
    """The app as the README's first command starts it on a machine with no network: no
    boundary file, the API unreachable, an empty cache."""
    from app.main import build_app_programme as build_bundle
    from app.main import create_app
    from geo.settings import Settings

    settings = Settings(
        api_url="http://127.0.0.1:9/kommuneinfo/v1", cache_dir=tmp_path_factory.mktemp("c")
    )
    with live_server(create_app(build_bundle(settings)).server) as url:
        yield url


MUNICIPALITIES = [("3101", "Halden"), ("3103", "Moss"), ("3105", "Sarpsborg")]
MUNICIPALITIES += [("3107", "Fredrikstad"), ("3110", "Hvaler"), ("3112", "Råde")]
MUNICIPALITIES += [("3114", "Våler"), ("3116", "Skiptvet"), ("3118", "Indre Østfold")]
MUNICIPALITIES += [("3120", "Rakkestad"), ("3122", "Marker"), ("3124", "Aremark")]


def rgb_hex(css: str) -> str:
    """'rgb(255, 224, 138)' -> '#ffe08a' (opaque colours only)."""
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    assert "rgba" not in css or css.endswith(", 1)"), css
    return f"#{r:02x}{g:02x}{b:02x}"


def wait_for(browser, condition, timeout=60):
    return WebDriverWait(browser, timeout, poll_frequency=0.2).until(condition)


def text_of(browser, selector):
    elements = browser.find_elements("css selector", selector)
    return elements[0].text if elements else ""


def viewport(browser, width, height):
    """Exact CSS viewport size (window-size includes the window's own chrome)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


@pytest.fixture
def browser(browser):
    viewport(browser, 1366, 768)
    return browser


def shot(browser, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def test_without_network_the_map_shows_real_boundaries(offline_server, browser):
    browser.get(offline_server + "/")
    paths = "#map .choroplethlocation"
    wait_for(browser, lambda b: len(b.find_elements("css selector", paths)) == 12)
    # Real outlines: Hvaler's islands and Fredrikstad's coast are long paths, not squares.
    lengths = browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(p => p.getAttribute('d').length)",
        paths,
    )
    assert min(lengths) > 300 and max(lengths) > 3000, lengths
    assert not browser.find_elements("css selector", ".alert-warning")  # no tile-map notice
    assert "innebygd forenklet utgave (2024)" in text_of(browser, "footer")
    assert "Kommunegrenser © Kartverket" in text_of(browser, "#map")
    shot(browser, "0-kart-uten-nett-1366x768")


# The names on a map: text, shown or hidden, and where each is drawn.
LABELS = """
return [...document.querySelectorAll(arguments[0] + ' g.trace.scattergeo text')].map(t => {
  const r = t.getBoundingClientRect();
  return {name: t.textContent, shown: getComputedStyle(t).display !== 'none' && r.width > 0,
          left: r.left, right: r.right, top: r.top, bottom: r.bottom};
});
"""


def map_labels(browser, graph: str = "#map") -> list[dict]:
    return browser.execute_script(LABELS, graph)


def assert_names_readable(browser, graph: str = "#map") -> list[str]:
    """No two names drawn on top of each other; the hidden ones are still in the hover data.
    Returns the names shown."""
    labels = map_labels(browser, graph)
    assert len(labels) == 12
    shown = [x for x in labels if x["shown"]]
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)
    hover = browser.execute_script(  # each area's hover: its name first
        "const t = document.querySelector(arguments[0] + ' .js-plotly-plot').data[0];"
        "return t.customdata ? t.customdata.map(c => c[0]) : t.text.map(s => s.split(':')[0]);",
        graph,
    )
    assert sorted(hover) == sorted(name for _, name in MUNICIPALITIES)
    return [x["name"] for x in shown]


def test_click_sarpsborg_shows_its_measures(server, browser):
    browser.get(server + "/")
    wait_for(
        browser, lambda b: len(b.find_elements("css selector", "#map .choroplethlocation")) == 12
    )
    shot(browser, "1-kart-1366x768")
    shown = assert_names_readable(browser)
    assert len(shown) >= 10 and "Sarpsborg" in shown  # most names fit at this size
    label = next(
        e for e in browser.find_elements("css selector", "#map text") if e.text == "Sarpsborg"
    )
    x, y = browser.execute_script(POINT_IN, 2, label)  # 3105 is the third location
    ActionChains(browser).move_by_offset(x, y).click().perform()
    wait_for(browser, lambda b: "Sarpsborg" in text_of(b, "#kommune-summary"))
    assert text_of(browser, "#kommune-summary").startswith(
        "Sarpsborg: 10 særskilte tiltak og 88 felles – 98 i alt"
    )
    assert "view=kommune" in browser.current_url and "kommune=3105" in browser.current_url
    # What the region asks of Sarpsborg, above the fold: the specific measures, grouped
    items = browser.find_elements("css selector", "#kommune-specific .kommune-measure")
    assert len(items) == 10
    first = items[0]
    assert first.text.startswith("1.3.2 Gjennomføre områdesatsing")
    assert "Hvem: Fredrikstad; Sarpsborg; Halden og Indre Østfold kommuner" in first.text
    assert "· Periode: 2025–2029" in first.text
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", first)
    assert top < 768 - 60, top  # at 1366×768, without scrolling
    groups = [e.text for e in browser.find_elements("css selector", "#kommune-specific > h4")]
    assert groups == ["Kommunen skal bidra (4)", "Tiltaket gjelder kommunens område (6)"]
    kinds = [e.text for e in browser.find_elements("css selector", "#kommune-specific > h5")]
    assert kinds == ["Navngitt (2)", "Via region (2)", "Via sted (5)", "Via region (1)"]
    mark = first.find_element("css selector", "mark")  # the matched words are highlighted
    assert mark.text == "Sarpsborg" and mark.get_attribute("title") == "Sarpsborg – navngitt"
    # Marks that did not count look different and say so (3.3.1's "Kalnes naturbruksskole")
    struck = browser.find_elements("css selector", "#kommune-specific mark.mark-uncounted")
    assert struck and struck[0].get_attribute("title").endswith("organisasjon – ikke talt med")
    style = browser.execute_script(
        "const s = getComputedStyle(arguments[0]);return [s.textDecorationLine, s.backgroundColor]",
        struck[0],
    )
    assert style[0] == "line-through" and rgb_hex(style[1]) != rgb_hex(
        browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", mark)
    )
    # With whom, and when
    assert "Sammen med: Halden, Fredrikstad, Indre Østfold" in first.text
    assert "Når: aktive tiltak per år" in text_of(browser, "#kommune-specific")
    colours = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.color, s.backgroundColor];", mark
    )
    assert contrast(*(rgb_hex(c) for c in colours)) >= 4.5, colours
    # words wrap at word boundaries: no word split over two lines
    assert browser.execute_script("return getComputedStyle(arguments[0]).wordBreak", first) in (
        "normal",
        "keep-all",
    )
    click(browser, first.find_element("css selector", "summary"))
    wait_for(browser, lambda b: "Hvorfor og hvordan" in first.text)
    shot(browser, "2-kommune-1366x768")
    # the common measures: one collapsed group with its count, a table when opened
    common = browser.find_element("id", "kommune-common")
    assert common.get_attribute("open") is None
    assert common.text.startswith("Felles tiltak for alle kommunene (88)")
    click(browser, common.find_element("css selector", "summary"))
    wait_for(browser, lambda b: b.find_elements("css selector", "#kommune-grid .ag-row"))
    click(browser, browser.find_element("css selector", "#kommune-grid .ag-row .ag-cell"))
    wait_for(browser, lambda b: "Hvorfor og hvordan" in text_of(b, "#kommune-detail"))


def test_the_actor_filter_lists_each_actor_once(server, browser):
    """The Aktør filter offers the canonical names, each once, and a link with an alias
    lands on one."""
    browser.get(server + "/?actor=%C3%98FK")  # ØFK
    wait_for(browser, lambda b: "Østfold fylkeskommune" in text_of(b, "#actor"))
    from tests.test_app_use import search

    found = search(browser, "actor", "fylkeskommune")
    assert "Østfold fylkeskommune" in found and len(found) == len({f.casefold() for f in found})
    assert "ØSTFOLD FYLKESKOMMUNE" not in found and "Østfold Fylkeskommune" not in found
    layout = requests.get(server + "/_dash-layout", timeout=30).json()
    options = [o["label"] for o in find_component(layout, "actor")["options"]]
    assert len(options) == len({o.casefold() for o in options}) == 187


def test_ipr_view_shows_three_councils(server, browser):
    browser.get(server + "/")
    wait_for(browser, lambda b: b.find_elements("css selector", "#view label"))
    tab = next(e for e in browser.find_elements("css selector", "#view label") if "IPR" in e.text)
    tab.click()
    wait_for(browser, lambda b: len(b.find_elements("css selector", "#ipr-graph .legendtext")) == 2)
    names = [e.text for e in browser.find_elements("css selector", "#ipr-graph .legendtext")]
    assert names == ["Kommunen skal bidra", "Tiltaket gjelder kommunens område"]
    # The x-axis title clear of the legend (it overprinted it below the bars)
    boxes = browser.execute_script(
        "return ['.xtitle', '.legend'].map(s => document.querySelector('#ipr-graph ' + s)"
        ".getBoundingClientRect().toJSON())"
    )
    title, legend = boxes
    apart = title["bottom"] <= legend["top"] or legend["bottom"] <= title["top"]
    assert apart or title["right"] <= legend["left"] or legend["right"] <= title["left"], boxes
    assert "11 særskilte tiltak for rådets kommuner" in text_of(browser, "#ipr-table")
    assert len(browser.find_elements("css selector", "#ipr-table tbody")) == 3  # councils
    assert len(browser.find_elements("css selector", "#ipr-table tbody tr")) == 3 + 12
    assert "Aremark*" in text_of(browser, "#ipr-table")
    wait_for(browser, lambda b: b.find_elements("css selector", "#ipr-per1000-graph .bars"))
    assert "view=ipr" in browser.current_url
    shot(browser, "4-ipr-1366x768")


def test_link_lands_on_halden(server, browser):
    browser.get(server + "/?kommune=3101")
    wait_for(browser, lambda b: "Halden" in text_of(b, "#kommune-summary"))
    assert text_of(browser, "#kommune-summary").startswith(
        "Halden: 7 særskilte tiltak og 90 felles – 97 i alt"
    )
    assert not browser.find_element("id", "section-kommune").get_attribute("hidden")
    wait_for(browser, lambda b: "view=kommune" in b.current_url)  # the link now says the view


def test_measure_view(server, browser):
    browser.get(server + "/?view=tiltak&tiltak=3.6.5")
    wait_for(browser, lambda b: "Pilgrimsleden" in text_of(b, "#tiltak-detail"))
    wait_for(browser, lambda b: "Via sted" in text_of(b, "#tiltak-map"))
    shot(browser, "3-tiltak-1366x768")


SLIDE_GEOMETRY = """
const svg = document.querySelector('#slide-map .main-svg');
const map = svg.getBoundingClientRect();
const bar = document.querySelector('#slide-map .colorbar');
const body = document.querySelector('#slide-body').getBoundingClientRect();
const labels = [...document.querySelectorAll('#slide-map .scattergeo text')]
    .map(t => parseFloat(getComputedStyle(t).fontSize));
const b = bar ? bar.getBoundingClientRect() : null;
const texts = [...document.querySelectorAll('#slide-body *')]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => parseFloat(getComputedStyle(e).fontSize));
const shapes = [...document.querySelectorAll('#slide-map .choroplethlocation')]
    .map(p => p.getBoundingClientRect());
const drawing = shapes.length ? Math.max(...shapes.map(r => r.right))
                                - Math.min(...shapes.map(r => r.left)) : 0;
const tall = shapes.length ? Math.max(...shapes.map(r => r.bottom))
                             - Math.min(...shapes.map(r => r.top)) : 0;
return {mapWidth: map.width, page: window.innerWidth, bodyLeft: body.left,
        bar: b && {left: b.left, right: b.right, top: b.top, bottom: b.bottom},
        height: window.innerHeight, minLabel: Math.min(...labels),
        minText: Math.min(...texts), drawing: drawing, tall: tall};
"""


def test_presentation_steps_with_the_keyboard(server, browser):
    viewport(browser, 1920, 1080)
    browser.get(server + "/presentasjon")
    wait_for(browser, lambda b: text_of(b, "#slide-counter") == "1 / 16")
    assert "Handlingsprogram 2025–2028" in text_of(browser, "#slide-title")
    wait_for(browser, lambda b: b.find_elements("css selector", "#slide-map .colorbar"))
    geometry = browser.execute_script(SLIDE_GEOMETRY)
    assert geometry["mapWidth"] >= 0.45 * geometry["page"]  # the map column: 45 % or more
    bar = geometry["bar"]  # the legend and its title fully visible, clear of the text panel
    assert bar["right"] <= geometry["bodyLeft"] and 0 <= bar["top"] < bar["bottom"] <= 1080
    assert geometry["minLabel"] >= 24
    assert geometry["minText"] >= 28, geometry  # the slide's text, read across the chamber
    print(f"slide map drawing: {geometry['drawing'] / geometry['page']:.0%} of the width")
    # Østfold is taller than wide: its drawing is as tall as the slide under the heading lets
    # it be (three quarters of the screen), which makes it 30 % of the width, no more.
    assert geometry["tall"] >= 0.75 * geometry["height"], geometry
    assert geometry["drawing"] >= 0.29 * geometry["page"], geometry
    assert "I tillegg: 88–93 felles tiltak" in text_of(browser, "#slide-body")
    shot(browser, "5-presentasjon-tittel-1920x1080")
    browser.find_element("css selector", "body").send_keys(Keys.ARROW_RIGHT)
    wait_for(browser, lambda b: text_of(b, "#slide-counter") == "2 / 16")
    assert text_of(browser, "#slide-title") == "Halden"
    assert "slide=1" in browser.current_url
    wait_for(browser, lambda b: "1.3.2" in text_of(b, "#slide-body"))
    body = text_of(browser, "#slide-body")
    assert body.startswith("7 særskilte tiltak") and "= 97 tiltak i alt" in body
    assert browser.execute_script(SLIDE_GEOMETRY)["minLabel"] >= 24
    shot(browser, "6-presentasjon-halden-1920x1080")
    browser.get(server + "/presentasjon?slide=15")
    wait_for(browser, lambda b: text_of(b, "#slide-title") == "Søndre Østfold regionråd")
    assert "Aremark*" in text_of(browser, "#slide-body")
    shot(browser, "6b-presentasjon-sondre-ostfold-1920x1080")
    browser.find_element("id", "slide-next").click()
    wait_for(browser, lambda b: text_of(b, "#slide-counter") == "1 / 16")  # wraps round
    # As in slide software and with a clicker: End, Home, Space, ↓, ↑, Page Down/Up
    steps = [
        (Keys.END, "16 / 16"),
        (Keys.HOME, "1 / 16"),
        (Keys.SPACE, "2 / 16"),
        (Keys.ARROW_DOWN, "3 / 16"),
        (Keys.ARROW_UP, "2 / 16"),
        (Keys.PAGE_DOWN, "3 / 16"),
        (Keys.PAGE_UP, "2 / 16"),
    ]
    for key, counter in steps:
        browser.find_element("css selector", "body").send_keys(key)
        wait_for(browser, lambda b, c=counter: text_of(b, "#slide-counter") == c)


UNLABELLED = """
const named = el => (el.labels && el.labels.length) || el.getAttribute('aria-label')
    || el.getAttribute('aria-labelledby') || (el.textContent || '').trim()
    || el.getAttribute('title') || el.type === 'hidden';
return [...document.querySelectorAll('#main-page input, #main-page select, #main-page button,'
                                     + ' #main-page textarea')]
    .filter(el => el.offsetParent !== null && el.getAttribute('aria-hidden') !== 'true'
                  && !named(el))
    .map(el => el.outerHTML.slice(0, 120));
"""


def test_every_visible_control_has_a_label_and_is_reachable(server, browser):
    browser.get(server + "/?view=kommune&kommune=3110")
    wait_for(browser, lambda b: "Hvaler" in text_of(b, "#kommune-summary"))
    assert browser.execute_script(UNLABELLED) == []
    html_lang = browser.find_element("tag name", "html").get_attribute("lang")
    assert html_lang == "nb"
    reached = set()
    browser.execute_script("document.activeElement && document.activeElement.blur();")
    for _ in range(40):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.add(browser.switch_to.active_element.get_attribute("id"))
    assert {
        "year",
        "plan",
        "theme",
        "strategy",
        "actor",
        "download-csv-button",
    } <= reached
    assert "bakgrunn" not in reached  # a map's control, hidden where there is no map
    assert any(i and i.startswith("_dbcprivate_radioitems_view_input") for i in reached)


def click(browser, element) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
                           element)  # fmt: skip


def downloaded(browser, folder, button: str, name: str):
    """Click a download button and wait for the file; moved aside, so that the next download
    of the same name is not renamed by the browser."""
    click(browser, browser.find_element("id", button))
    path = folder / name
    wait_for(browser, lambda b: path.exists() and path.stat().st_size > 0)
    done = folder / "lest"
    done.mkdir(exist_ok=True)
    return path.rename(done / f"{len(list(done.iterdir()))}-{name}")


def test_downloads_of_what_is_on_screen(server, browser, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    browser.get(server + "/?view=kommune&kommune=3105&plan=3")
    wait_for(browser, lambda b: "Sarpsborg" in text_of(b, "#kommune-summary"))
    today = dt.date.today().isoformat()
    csv = downloaded(browser, folder, "download-csv-button", f"tiltak-Sarpsborg-plan-3-{today}.csv")
    # Norwegian Excel's settings: a BOM, ';' between cells, æøå intact
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(reader(io.StringIO(csv.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Tiltak", "Tittel", "Kommunens del", "Hvordan", "Hvem", "Plan"]
    assert len(rows) > 2 and all(r[5].startswith("Plan 3: Regional plan") for r in rows[1:])
    assert any("områder" in r[1] for r in rows[1:])
    # The table filtered and sorted by hand: the download holds what it shows, in its order
    click(browser, browser.find_element("css selector", "#kommune-common summary"))
    wait_for(browser, lambda b: b.find_elements("css selector", "#kommune-grid .ag-row"))
    before = len(rows)
    box = browser.find_element("css selector", "#kommune-grid .ag-floating-filter input")
    box.send_keys("kollektiv")
    click(
        browser, browser.find_element("css selector", "#kommune-grid .ag-header-cell[col-id='id']")
    )
    click(
        browser, browser.find_element("css selector", "#kommune-grid .ag-header-cell[col-id='id']")
    )

    def grid_ids(b):  # read in one script: the grid re-renders its rows as it sorts
        return b.execute_script(
            "return [...document.querySelectorAll("
            "'#kommune-grid .ag-center-cols-container .ag-row')]"
            ".sort((x, y) => x.getAttribute('row-index') - y.getAttribute('row-index'))"
            ".map(r => r.querySelector(\"[col-id='id']\").textContent.trim())"
        )

    wait_for(browser, lambda b: 0 < len(grid_ids(b)) < 20)
    time.sleep(1)  # the grid reports what it shows to the page
    shown = grid_ids(browser)
    name = f"tiltak-Sarpsborg-plan-3-tabellfilter-{today}.csv"
    csv = downloaded(browser, folder, "download-csv-button", name)
    rows = list(reader(io.StringIO(csv.read_text(encoding="utf-8-sig")), delimiter=";"))
    common = [r[0] for r in rows[1:] if r[2] == "felles for alle kommunene"]
    assert common == shown and len(rows) < before, (common, shown)
    # The Kommune view's PNG is the map with Sarpsborg outlined, coloured for the view's own
    # filters (the hidden Kart map follows them)
    title = browser.execute_script(
        "return document.querySelector('#map .js-plotly-plot').layout.title.text"
    )
    assert "Plan 3: Regional plan for areal og mobilitet" in title, title
    png = downloaded(browser, folder, "download-png-button", "tiltakskart-kommune-Sarpsborg.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    (SCREENSHOTS / "7b-kommune-png-nedlasting.png").parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "7b-kommune-png-nedlasting.png").write_bytes(png.read_bytes())
    # Kart: one row per municipality with its figures (not a header-only file)
    click(browser, browser.find_element("css selector", "#view label"))
    wait_for(browser, lambda b: "view=kart" in b.current_url)
    csv = downloaded(
        browser, folder, "download-csv-button", f"tiltak-per-kommune-plan-3-{today}.csv"
    )
    rows = list(reader(io.StringIO(csv.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 13 and rows[0][:2] == ["Kommunenummer", "Kommune"]
    per_1000 = rows[0].index("Særskilte tiltak per 1 000 innbyggere")
    assert all("," in r[per_1000] for r in rows[1:] if r[per_1000] != "0")  # decimal comma
    plain = downloaded(
        browser,
        folder,
        "download-csv-plain-button",
        f"tiltak-per-kommune-plan-3-{today}-maskinlesbar.csv",
    )
    assert plain.read_text(encoding="utf-8").startswith("Kommunenummer,Kommune,")
    # IPR: the councils' table, as Excel with Norwegian headers, a frozen header and a filter
    ipr = next(e for e in browser.find_elements("css selector", "#view label") if "IPR" in e.text)
    click(browser, ipr)
    wait_for(browser, lambda b: "view=ipr" in b.current_url)
    xlsx = downloaded(
        browser, folder, "download-xlsx-button", f"ipr-sammenligning-plan-3-{today}.xlsx"
    )
    sheet = openpyxl.load_workbook(xlsx)["tiltak"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "Råd" and "Kommune" in headers and "Særskilte tiltak" in headers
    assert sheet.max_row == 13 and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    # PNG of the view's chart (the IPR bars here), then of the map
    png = downloaded(browser, folder, "download-png-button", "tiltakskart-ipr.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    click(browser, browser.find_element("css selector", "#view label"))
    wait_for(browser, lambda b: "view=kart" in b.current_url)
    png = downloaded(browser, folder, "download-png-button", "tiltakskart-kart.png")
    assert png.stat().st_size > 10_000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "7-kart-png-nedlasting.png").write_bytes(png.read_bytes())


def test_document_text_in_the_map_title_reads_as_typed(hostile_app, browser):
    """A theme with quotes, '&' and a tag is escaped once: it reads as typed, no markup."""
    _, url = hostile_app
    browser.get(f"{url}/?theme={quote(HOSTILE_THEME)}")
    title = "#map .gtitle"
    wait_for(browser, lambda b: "kulturmiljø" in text_of(b, title))
    assert text_of(browser, title).endswith(HOSTILE_THEME)
    assert not browser.find_elements("css selector", "#map .gtitle [style*='bold']")


def test_the_html_map_has_a_title_a_metric_scale_and_loads_nothing_missing(
    app_bundle, browser, tmp_path
):
    """The standalone HTML map, served from a folder: titled, a scale in metres only, and
    every request it makes found (Leaflet's marker images were asked for and missing)."""
    import functools
    import http.server
    import threading

    from app.downloads import html_map
    from app.views import make_view

    view = make_view(app_bundle)
    (tmp_path / "kart.html").write_text(html_map(view, view.choices.state({})), encoding="utf-8")
    asked: list[tuple[str, int]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            asked.append((self.path, int(code)))

    handler = functools.partial(Handler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            browser.get(f"http://127.0.0.1:{server.server_address[1]}/kart.html")
            wait_for(
                browser, lambda b: b.find_elements("css selector", ".leaflet-control-scale-line")
            )
            assert len(browser.find_elements("css selector", ".kommune-label")) == 12
            time.sleep(1)  # late requests (icons) arrive
        finally:
            server.shutdown()
    assert browser.title.startswith("Særskilte tiltak der kommunen skal bidra")
    scales = [e.text for e in browser.find_elements("css selector", ".leaflet-control-scale-line")]
    assert len(scales) == 1 and scales[0].endswith(("km", " m")), scales
    missing = [(path, code) for path, code in asked if code >= 400 and path != "/favicon.ico"]
    assert asked and not missing, asked
