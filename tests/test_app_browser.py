"""The app in real headless Chromium: click Sarpsborg, the IPR view, a shared link, and the
presentation. Screenshots of every view go to build/screenshots (printed after the run)."""

from __future__ import annotations

import io
import re
from csv import reader
from urllib.parse import quote

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import HOSTILE_THEME, SCREENSHOTS, live_server
from tests.test_app_accessibility import contrast

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
    from app.bundle import build_bundle
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


def wait_for(browser, condition, timeout=20):
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


def test_click_sarpsborg_shows_its_measures(server, browser):
    browser.get(server + "/")
    wait_for(
        browser, lambda b: len(b.find_elements("css selector", "#map .choroplethlocation")) == 12
    )
    shot(browser, "1-kart-1366x768")
    # every municipality is named on the map, and Sarpsborg's name is drawn where it can be read
    names = {e.text for e in browser.find_elements("css selector", "#map text")}
    assert names >= {name for _, name in MUNICIPALITIES}
    label = next(
        e for e in browser.find_elements("css selector", "#map text") if e.text == "Sarpsborg"
    )
    assert label.is_displayed() and label.size["width"] > 20
    x, y = browser.execute_script(POINT_IN, 2, label)  # 3105 is the third location
    ActionChains(browser).move_by_offset(x, y).click().perform()
    wait_for(browser, lambda b: "Sarpsborg" in text_of(b, "#kommune-summary"))
    assert "Sarpsborg: 97 tiltak berører kommunen – 9 særskilte" in text_of(
        browser, "#kommune-summary"
    )
    wait_for(browser, lambda b: b.find_elements("css selector", ".ag-row"))
    browser.execute_script(  # the grid renders only the rows in view: bring 1.3.2 there
        "const api = dash_ag_grid.getApi('kommune-grid');"
        "api.ensureNodeVisible(api.getRowNode('1.3.2'), 'top');"
    )
    wait_for(browser, lambda b: b.find_elements("css selector", '[row-id="1.3.2"]'))
    row = browser.find_element("css selector", '.ag-center-cols-container [row-id="1.3.2"]')
    assert "områdesatsing" in row.text
    mark = row.find_element("css selector", "mark")  # the matched words are highlighted
    colours = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.color, s.backgroundColor];", mark
    )
    assert contrast(*(rgb_hex(c) for c in colours)) >= 4.5, colours
    assert "view=kommune" in browser.current_url and "kommune=3105" in browser.current_url
    row.click()
    wait_for(browser, lambda b: "Hvorfor og hvordan" in text_of(b, "#kommune-detail"))
    shot(browser, "2-kommune-1366x768")


def test_ipr_view_shows_three_councils(server, browser):
    browser.get(server + "/")
    wait_for(browser, lambda b: b.find_elements("css selector", "#view label"))
    tab = next(e for e in browser.find_elements("css selector", "#view label") if "IPR" in e.text)
    tab.click()
    wait_for(browser, lambda b: len(b.find_elements("css selector", "#ipr-graph .legendtext")) == 2)
    names = [e.text for e in browser.find_elements("css selector", "#ipr-graph .legendtext")]
    assert set(names) == {"Særskilte (navngitt, sted, region)", "Felles for alle kommunene"}
    assert len(browser.find_elements("css selector", "#ipr-table tbody")) == 3  # councils
    assert len(browser.find_elements("css selector", "#ipr-table tbody tr")) == 3 + 12
    assert "Aremark*" in text_of(browser, "#ipr-table")
    wait_for(browser, lambda b: b.find_elements("css selector", "#ipr-per1000-graph .bars"))
    assert "view=ipr" in browser.current_url
    shot(browser, "4-ipr-1366x768")


def test_link_lands_on_halden(server, browser):
    browser.get(server + "/?kommune=3101")
    wait_for(browser, lambda b: "Halden" in text_of(b, "#kommune-summary"))
    assert text_of(browser, "#kommune-summary").startswith("Halden: 96 tiltak berører kommunen")
    assert not browser.find_element("id", "section-kommune").get_attribute("hidden")


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
return {mapWidth: map.width, page: window.innerWidth, bodyLeft: body.left,
        bar: b && {left: b.left, right: b.right, top: b.top, bottom: b.bottom},
        height: window.innerHeight, minLabel: Math.min(...labels)};
"""


def test_presentation_steps_with_the_keyboard(server, browser):
    viewport(browser, 1920, 1080)
    browser.get(server + "/presentasjon")
    wait_for(browser, lambda b: text_of(b, "#slide-counter") == "1 / 16")
    assert "Handlingsprogram 2025–2028" in text_of(browser, "#slide-title")
    wait_for(browser, lambda b: b.find_elements("css selector", "#slide-map .colorbar"))
    geometry = browser.execute_script(SLIDE_GEOMETRY)
    assert geometry["mapWidth"] >= 0.6 * geometry["page"]  # the map takes 60 % or more
    bar = geometry["bar"]  # the legend and its title fully visible, clear of the text panel
    assert bar["right"] <= geometry["bodyLeft"] and 0 <= bar["top"] < bar["bottom"] <= 1080
    assert geometry["minLabel"] >= 24
    assert "I tillegg: 88–93 felles tiltak" in text_of(browser, "#slide-body")
    shot(browser, "5-presentasjon-tittel-1920x1080")
    browser.find_element("css selector", "body").send_keys(Keys.ARROW_RIGHT)
    wait_for(browser, lambda b: text_of(b, "#slide-counter") == "2 / 16")
    assert text_of(browser, "#slide-title") == "Halden"
    assert "slide=1" in browser.current_url
    wait_for(browser, lambda b: "1.3.2" in text_of(b, "#slide-body"))
    body = text_of(browser, "#slide-body")
    assert body.startswith("6 særskilte tiltak") and "= 96 tiltak i alt" in body
    assert browser.execute_script(SLIDE_GEOMETRY)["minLabel"] >= 24
    shot(browser, "6-presentasjon-halden-1920x1080")
    browser.get(server + "/presentasjon?slide=15")
    wait_for(browser, lambda b: text_of(b, "#slide-title") == "Søndre Østfold regionråd")
    assert "Aremark*" in text_of(browser, "#slide-body")
    shot(browser, "6b-presentasjon-sondre-ostfold-1920x1080")
    browser.find_element("id", "slide-next").click()
    wait_for(browser, lambda b: text_of(b, "#slide-counter") == "1 / 16")  # wraps round


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
        "bakgrunn",
        "download-csv-button",
    } <= reached
    assert any(i and i.startswith("_dbcprivate_radioitems_view_input") for i in reached)


def test_downloads_of_what_is_on_screen(server, browser, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(server + "/?view=kommune&kommune=3105&plan=3")
    wait_for(browser, lambda b: "Sarpsborg" in text_of(b, "#kommune-summary"))
    wait_for(browser, lambda b: b.find_elements("css selector", ".ag-row"))
    click = "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();"
    browser.execute_script(click, browser.find_element("id", "download-csv-button"))
    csv = downloads / "tiltak-Sarpsborg.csv"
    wait_for(browser, lambda b: csv.exists() and csv.stat().st_size > 0)
    # Norwegian Excel's settings: a BOM, ';' between cells, æøå intact
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(reader(io.StringIO(csv.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Tiltak", "Tittel", "Hvordan", "Plan"]
    assert len(rows) > 2 and all(r[3] == "Plan 3" for r in rows[1:])
    assert any("områder" in r[1] for r in rows[1:])
    browser.execute_script(click, browser.find_element("css selector", "#view label"))  # map
    wait_for(browser, lambda b: b.find_elements("css selector", "#map .choroplethlocation"))
    browser.execute_script(click, browser.find_element("id", "download-png-button"))
    png = downloads / "tiltakskart-kart.png"
    wait_for(browser, lambda b: png.exists() and png.stat().st_size > 10_000)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
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
