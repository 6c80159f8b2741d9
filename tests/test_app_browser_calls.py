"""What the browser really receives: each geometry once per page load (never in the layout or a
callback), nothing for hidden views, one callback round trip per filter change, and the
national map. Counted from Chrome's own network log, with each response's body read back."""

from __future__ import annotations

import json
import re
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.conftest import CHROMEDRIVER, CHROMIUM, chromium_options, live_server, start_chromium
from tests.test_app_browser import click, shot, viewport, wait_for
from tests.test_app_use import open_dropdown

pytestmark = pytest.mark.browser

GEOMETRY = '"coordinates"'


@pytest.fixture
def logged(tmp_path):
    """Headless Chromium with its network log on (CDP events through the performance log)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("chromium and chromium-driver are not installed (apt-get install them)")
    options = chromium_options()
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = start_chromium(options, tmp_path / "profile")
    viewport(driver, 1366, 768)
    yield driver
    driver.quit()


def _events(driver) -> list[dict]:
    """Chrome's network events since the last call that took them (CDP, performance log);
    requests in flight are tracked on the driver so that `settle` knows when the page is
    idle."""
    inflight: dict[str, str] = driver.__dict__.setdefault("_inflight", {})
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        method, request = message["method"], params.get("requestId")
        if method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if url.startswith(("http://", "https://")):  # not Chrome's own chrome:// pages
                inflight[request] = url
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            inflight.pop(request, None)
        events.append(message)
    driver.__dict__.setdefault("_pending", []).extend(events)
    return events


def responses(driver) -> list[dict]:
    """The responses since the last call: url, whether the body carries geometry, and whether
    it came from the browser's cache."""
    _events(driver)
    pending, driver._pending = driver._pending, []
    seen: dict[str, dict] = {}
    # A script from the memory cache is said by this event, not by a flag of its response.
    served_from_cache = {
        m["params"]["requestId"] for m in pending if m["method"] == "Network.requestServedFromCache"
    }
    for message in pending:
        params = message.get("params", {})
        if message["method"] == "Network.responseReceived":
            response = params["response"]
            seen[params["requestId"]] = {
                "url": response["url"],
                "cached": bool(
                    response.get("fromDiskCache")
                    or response.get("fromMemoryCache")
                    or params["requestId"] in served_from_cache
                ),
            }
        elif message["method"] == "Network.loadingFinished" and params["requestId"] in seen:
            item = seen[params["requestId"]]
            try:
                body = driver.execute_cdp_cmd(
                    "Network.getResponseBody", {"requestId": params["requestId"]}
                )["body"]
            except Exception:  # bodies of some cached or aborted responses are not kept
                body = ""
            item["geometry"] = GEOMETRY in body
            item["bytes"] = len(body)
    return [r for r in seen.values() if "geometry" in r]


def paths(driver, graph: str = "#map") -> int:
    return driver.execute_script(
        "return document.querySelectorAll(arguments[0] + ' .choroplethlocation').length", graph
    )


def settle(driver, quiet: float = 0.5, timeout: float = 60.0) -> None:
    """Wait until the page is idle: no request in flight and no network event for `quiet`
    seconds (polled; a slow machine only makes it wait longer). Counting requests before
    that would miss the ones still coming."""
    start = last = time.monotonic()
    while time.monotonic() - start < timeout:
        if _events(driver):
            last = time.monotonic()
        elif not driver.__dict__.get("_inflight") and time.monotonic() - last >= quiet:
            return
        time.sleep(0.1)
    still = sorted(driver.__dict__.get("_inflight", {}).values())
    raise AssertionError(f"the page did not settle within {timeout:.0f} s; in flight: {still}")


def open_map(driver, url: str, count: int) -> None:
    driver.get(url)
    wait_for(driver, lambda d: paths(d) >= count, timeout=60)
    settle(driver)


def test_each_geometry_is_sent_once_per_page_load(app_url, logged):
    open_map(logged, app_url + "/?view=kart", 12)
    first = responses(logged)
    carrying = [r["url"] for r in first if r["geometry"]]
    assert len(carrying) == 1, carrying  # not in the layout, not in a callback
    assert "/_tiltakskart/geo-" in carrying[0]
    plotly = [r["url"] for r in first if "/_tiltakskart/plotly-" in r["url"]]
    assert plotly and not [r for r in first if "plotly.min.js" in r["url"]]  # partial bundle
    assert not [r for r in first if "dash_ag_grid" in r["url"]]  # the map does not need it

    # Other views draw from the same geometry: opening them fetches none again.
    for view, graph in (("Tiltak", "#tiltak-map"), ("Kommune", None)):
        label = logged.find_element("xpath", f"//label[normalize-space()='{view}']")
        click(logged, label)
        if graph:
            wait_for(logged, lambda d, g=graph: paths(d, g) >= 12)
        else:
            wait_for(logged, lambda d: d.find_elements("css selector", "#kommune-summary"))
        settle(logged)
    later = responses(logged)
    assert not [r["url"] for r in later if r["geometry"]]
    assert [r for r in later if "dash_ag_grid" in r["url"]]  # loaded when the view opened

    # A reload takes the geometry from the browser's cache.
    open_map(logged, app_url + "/?view=kart", 12)
    again = [r for r in responses(logged) if r["geometry"]]
    assert len(again) <= 1 and all(r["cached"] for r in again), again


FILLED = """return [...document.querySelectorAll('#map .choroplethlocation')].filter(p => {
    const fill = p.style.fill || p.getAttribute('fill') || '';
    return fill && fill !== 'none' && fill !== 'rgba(0, 0, 0, 0)';
}).length"""


def test_the_first_paint_needs_no_callback_answer(app_url, logged):
    """The first view's map comes with the page: with every callback request blocked (and the
    layout's and callbacks' own routes too), the map still paints every municipality, and the
    first load asks for no more than 10 files in all (scripts, styles, geometry, callbacks)."""
    logged.execute_cdp_cmd("Network.enable", {})
    blocked = ["*/_dash-update-component*", "*/_dash-layout*", "*/_dash-dependencies*"]
    logged.execute_cdp_cmd("Network.setBlockedURLs", {"urls": blocked})
    logged.get(app_url + "/")
    wait_for(logged, lambda d: d.execute_script(FILLED) >= 12)
    settle(logged)
    _events(logged)
    events = logged.__dict__["_pending"]
    refused = [
        m
        for m in events
        if m["method"] == "Network.loadingFailed" and m["params"].get("blockedReason")
    ]
    assert refused, "no callback was asked for: the block proves nothing"
    asked = [
        m["params"]["request"]["url"]
        for m in events
        if m["method"] == "Network.requestWillBeSent"
        and m["params"]["request"]["url"].startswith("http")
    ]
    assert not [u for u in asked if "_dash-layout" in u or "_dash-dependencies" in u], asked

    # Unblocked, the whole first load is a handful of requests.
    logged.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    logged.execute_cdp_cmd("Network.clearBrowserCache", {})
    logged.get("about:blank")
    logged.__dict__["_pending"] = []
    _events(logged)
    logged.__dict__["_pending"] = []
    logged.get(app_url + "/")
    wait_for(logged, lambda d: d.execute_script(FILLED) >= 12)
    settle(logged)
    names = logged.execute_script(
        "return [...performance.getEntriesByType('navigation'),"
        " ...performance.getEntriesByType('resource')].map(e => new URL(e.name).pathname)"
    )
    # The page, its four files and the first view's callbacks; nothing fetched that the page
    # could have carried or set beforehand (a Dash script, chunk or asset on its own, the
    # geometry or base map fetched by Plotly).
    kinds = re.compile(
        r"/$|/_dash-update-component$"
        r"|/_tiltakskart/(page-\w+\.css|(plotly|geo|dash_renderer-and-more)-\w+\.js)$"
    )
    assert [n for n in names if not kinds.search(n)] == [] and len(names) <= 10, names


def test_a_filter_change_is_one_round_trip(app_url, logged):
    open_map(logged, app_url + "/?view=kart", 12)
    responses(logged)
    for metric, title in (
        ("Alle tiltak (særskilte og felles)", "Alle tiltak"),
        ("Særskilte tiltak i alt (navngitt, sted, region)", "Særskilte tiltak"),
    ):
        label = logged.find_element("xpath", f"//label[normalize-space()='{metric}']")
        click(logged, label)
        wait_for(
            logged,
            lambda d, t=title: d.execute_script(
                "return (document.querySelector('#map .gtitle') || {}).textContent || ''"
            ).startswith(t),
        )
        settle(logged)
        calls = [r for r in responses(logged) if "_dash-update-component" in r["url"]]
        assert len(calls) == 1, [r["url"] for r in calls]
        assert not calls[0]["geometry"] and calls[0]["bytes"] < 10_000


@pytest.fixture(scope="module")
def national_url(shared_kommuner, tmp_path_factory):
    from app.main import build_app_programme as build_bundle
    from app.main import create_app
    from geo.settings import Settings

    settings = Settings(
        county="all",
        boundaries=shared_kommuner / "norge-kommuner-2024.geojson",
        cache_dir=tmp_path_factory.mktemp("national-cache"),
        api_url=None,
        ssb_url=None,
    )
    with live_server(create_app(build_bundle(settings)).server) as url:
        yield url


def test_national_map_draws_every_municipality_once(national_url, logged):
    open_map(logged, national_url + "/?view=kart", 357)
    carrying = [r["url"] for r in responses(logged) if r["geometry"]]
    assert len(carrying) == 1, carrying
    shown = logged.execute_script(
        "return [...document.querySelectorAll('#map g.trace.scattergeo text')]"
        ".filter(t => t.style.display !== 'none').map(t => t.getBoundingClientRect())"
        ".map(r => [r.left, r.top, r.right, r.bottom])"
    )
    assert 5 <= len(shown) < 357  # names only where they fit
    frame = logged.execute_script(
        "const r = document.querySelector('#map clipPath[id$=\"geo\"] rect');"
        "const s = document.querySelector('#map .main-svg').getBoundingClientRect();"
        "const x = s.left + +r.getAttribute('x'), y = s.top + +r.getAttribute('y');"
        "return [x, y, x + +r.getAttribute('width'), y + +r.getAttribute('height')]"
    )
    for left, top, right, bottom in shown:  # none cut at the map's edge
        assert frame[0] - 1 <= left and right <= frame[2] + 1, (left, right, frame)
        assert frame[1] - 1 <= top and bottom <= frame[3] + 1, (top, bottom, frame)
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    shot(logged, "12-norge-1366x768")

    # The county chooser zooms the map to the county: Østfold's municipalities fill it.
    def width_of_halden(d) -> float:
        return d.execute_script(
            "const p = [...document.querySelectorAll('#map .choroplethlocation')][0];"
            "return p.getBoundingClientRect().width"
        )

    def choose_county(name: str) -> None:
        open_dropdown(logged, "fylke")
        options = logged.find_elements("css selector", ".dash-dropdown-option")
        click(logged, next(o for o in options if o.text == name))

    near = width_of_halden(logged)  # it opens on Østfold and its neighbours
    choose_county("Hele landet")
    wait_for(logged, lambda d: width_of_halden(d) < near / 2)
    before = width_of_halden(logged)
    choose_county("Østfold (31)")
    wait_for(logged, lambda d: width_of_halden(d) > 4 * before)
    logged.execute_script("window.scrollTo(0, 0)")
    settle(logged)
    shot(logged, "12b-norge-ostfold-1366x768")
    names = logged.execute_script(
        "return [...document.querySelectorAll('#map g.trace.scattergeo text')]"
        ".filter(t => t.style.display !== 'none').map(t => t.textContent)"
    )
    assert {"Halden", "Sarpsborg", "Fredrikstad", "Moss"} <= set(names)  # zoomed: they fit


MEASURED = """
window.__namesMeasured = 0;
const measure = Element.prototype.getBoundingClientRect;
Element.prototype.getBoundingClientRect = function () {
    if (this.closest && this.closest('#map g.trace.scattergeo')) { window.__namesMeasured++; }
    return measure.apply(this, arguments);
};
"""
SHOWN = (
    "return [...document.querySelectorAll('#map g.trace.scattergeo text')]"
    ".filter(t => t.style.display !== 'none').map(t => t.textContent)"
)
TITLE = "return (document.querySelector('#map .gtitle') || {}).textContent || ''"


def test_a_recolour_measures_no_names_and_a_new_size_does(app_url, logged):
    """The map's names are fitted once per size and view: a recolour reads no layout for
    them and keeps what was shown; a new window size measures them again."""
    open_map(logged, app_url + "/?view=kart", 12)
    wait_for(logged, lambda d: d.execute_script(SHOWN))
    before = logged.execute_script(SHOWN)
    logged.execute_script(MEASURED)
    for metric, title in (
        ("Alle tiltak (særskilte og felles)", "Alle tiltak"),
        ("Særskilte tiltak i alt (navngitt, sted, region)", "Særskilte tiltak"),
    ):
        click(logged, logged.find_element("xpath", f"//label[normalize-space()='{metric}']"))
        wait_for(logged, lambda d, t=title: d.execute_script(TITLE).startswith(t))
        settle(logged)
        assert logged.execute_script("return window.__namesMeasured") == 0
        assert logged.execute_script(SHOWN) == before
    viewport(logged, 900, 700)  # another size: the names are fitted again
    wait_for(logged, lambda d: d.execute_script("return window.__namesMeasured") > 0)


def test_another_municipality_is_one_round_trip(app_url, logged):
    logged.get(app_url + "/?view=kommune&kommune=3105")
    wait_for(logged, lambda d: d.find_elements("css selector", "#kommune-grid .ag-row"))
    settle(logged)
    responses(logged)
    open_dropdown(logged, "kommune-select")
    options = logged.find_elements("css selector", ".dash-dropdown-option")
    click(logged, next(o for o in options if o.text.startswith("Halden")))
    wait_for(logged, lambda d: "Halden" in d.find_element("id", "kommune-summary").text)
    settle(logged)
    calls = [r["url"] for r in responses(logged) if "_dash-update-component" in r["url"]]
    assert len(calls) == 1, calls  # the grid's new (empty) selection sends nothing


RANGE = "return document.querySelector('#map .js-plotly-plot')._fullLayout.geo.lonaxis.range"


def test_national_map_opens_on_the_county_and_says_what_grey_is(national_url, logged):
    """With one programme, the national map opens on its county and the neighbours; the grey
    municipalities are said in words; the county chooser works by keyboard (type, Enter)."""
    open_map(logged, national_url + "/?view=kart", 357)
    west, east = logged.execute_script(RANGE)
    assert 9 < west < 11 and 12 < east < 14, (west, east)  # Østfold (10,5–12) with neighbours
    assert "Grå: kommuner utenfor Østfold" in logged.find_element("id", "map-words").text
    assert "Østfold" in logged.find_element("id", "fylke").text
    # By keyboard only: focus the chooser, type (the first key opens it and moves the focus
    # to its search box), Enter. The search is typed again once the box has the focus: on a
    # loaded machine keys typed while it opened were lost ("ele" also finds Telemark).
    logged.execute_script("document.getElementById('fylke').focus()")
    ActionChains(logged).send_keys("H").perform()
    focused = "return document.activeElement.classList.contains('dash-dropdown-search')"
    wait_for(logged, lambda d: d.execute_script(focused))
    keys = ActionChains(logged).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL)
    keys.send_keys("Hele").perform()
    # Enter once the typing has narrowed the list to the one choice (polled: a loaded machine
    # filters late, and an Enter before that picks what was first).
    options = "return [...document.querySelectorAll('.dash-dropdown-option')].map(o => o.innerText)"
    wait_for(logged, lambda d: [t.strip() for t in d.execute_script(options)] == ["Hele landet"])
    ActionChains(logged).send_keys(Keys.ENTER).perform()
    wait_for(logged, lambda d: d.execute_script(RANGE)[0] < 6)  # the whole country
    assert "Hele landet" in logged.find_element("id", "fylke").text
