"""A planner's tasks in real headless Chromium: search by a place's name, share a link that
reproduces the view, filters that only offer what exists, any screen size, Norwegian texts,
and an accessibility audit (axe-core) of every view. Screenshots go to build/screenshots."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from axe_core_python.selenium import Axe
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.conftest import SCREENSHOTS, chromium_options, start_chromium
from tests.test_app_browser import (
    assert_names_readable,
    click,
    shot,
    text_of,
    viewport,
    wait_for,
)

pytestmark = pytest.mark.browser

OPTIONS = ".dash-dropdown-content .dash-dropdown-option"


@pytest.fixture(scope="module")
def view(app_bundle):
    from app.views import make_view

    return make_view(app_bundle)


@pytest.fixture(scope="module")
def server(app_url):
    return app_url


@pytest.fixture
def browser(browser):
    viewport(browser, 1366, 768)
    return browser


def open_dropdown(browser, dropdown: str):
    button = browser.find_element("id", dropdown)
    if button.get_attribute("aria-expanded") != "true":
        click(browser, button)
    wait_for(browser, lambda b: b.find_elements("css selector", ".dash-dropdown-content"))


def close_dropdown(browser) -> None:
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait_for(browser, lambda b: not b.find_elements("css selector", ".dash-dropdown-content"))


def search(browser, dropdown: str, words: str) -> list[str]:
    """Type into a dropdown's search box; the options it then offers."""
    open_dropdown(browser, dropdown)

    def ready(b):  # the box is there before it takes keys (on a busy machine, a while before)
        boxes = b.find_elements("css selector", ".dash-dropdown-content .dash-dropdown-search")
        return next((e for e in boxes if e.is_displayed() and e.is_enabled()), None)

    box = wait_for(browser, ready)
    box.clear()
    box.send_keys(words)
    # Read in one script: the list re-renders as it filters, and an element found before a
    # re-render is stale when its text is read (a flake under load in CI).
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);", OPTIONS
    )


# Find and click the first option whose text starts with arguments[1], in one script.
CLICK_OPTION = """
const option = [...document.querySelectorAll(arguments[0])]
    .find(e => e.innerText.startsWith(arguments[1]));
if (!option) return false;
option.scrollIntoView({block: 'center'});
option.click();
return true;
"""


def choose(browser, dropdown: str, words: str, option_start: str) -> None:
    search(browser, dropdown, words)
    wait_for(browser, lambda b: b.execute_script(CLICK_OPTION, OPTIONS, option_start))
    if browser.find_elements("css selector", ".dash-dropdown-content"):
        close_dropdown(browser)


def options_of(browser, dropdown: str) -> list[str]:
    options = search(browser, dropdown, "")
    close_dropdown(browser)
    return options


# Search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Kalnes", ["3.3.1"]),  # a place: Sykehuset Østfold Kalnes
        ("kysten", ["3.5.1"]),  # a region: the coastal municipalities
        ("Pilgrimsleden", ["3.6.5"]),  # a word in the text
        ("2.8.3", ["1.4.2"]),  # an alias
    ],
)
def test_search_finds_measures_by_place_word_and_number(server, browser, words, expected):
    browser.get(server + "/?view=tiltak")
    wait_for(browser, lambda b: b.find_elements("id", "tiltak-select"))
    found = [text.split()[0] for text in search(browser, "tiltak-select", words)]
    assert found == expected


def test_search_by_municipality_lists_its_specific_measures(server, browser):
    browser.get(server + "/?view=tiltak")
    wait_for(browser, lambda b: b.find_elements("id", "tiltak-select"))
    found = {text.split()[0] for text in search(browser, "tiltak-select", "Sarpsborg")}
    assert found == {"1.3.2", "3.3.1", "3.5.1", "3.5.2", "3.6.5", "3.11.8", "3.11.9"} | {
        "3.12.2",
        "3.12.3",
        "3.13.1",
    }
    assert search(browser, "tiltak-select", "xyzzy") == ["Ingen treff"]
    box = browser.find_element("css selector", ".dash-dropdown-content .dash-dropdown-search")
    assert box.get_attribute("placeholder") == "Søk"
    found = search(browser, "tiltak-select", "Kalnes")
    click(browser, browser.find_element("css selector", ".dash-dropdown-option"))
    wait_for(browser, lambda b: "tiltak=3.3.1" in b.current_url)
    wait_for(browser, lambda b: "Kalnes" in text_of(b, "#tiltak-detail"))
    assert found[0].startswith("3.3.1")


# Links that reproduce what was seen ------------------------------------------------------------

# What a view shows, read from the page: the controls' values and the view's own content.
SEEN = """
const value = id => (document.querySelector('#' + id + '-value') || {}).textContent || '';
const checked = id => (document.querySelector('#' + id + ' input:checked') || {}).value || '';
const view = checked('view');
const content = ({
  kart: () => [...document.querySelectorAll('#map .gtitle')].map(t => t.textContent).join('|')
             + '|' + JSON.stringify(((document.querySelector('#map .js-plotly-plot') || {}).data
                                     || [{}])[0].z),
  kommune: () => document.querySelector('#kommune-summary').textContent
             + '|' + document.querySelectorAll('#kommune-specific .kommune-measure').length,
  tiltak: () => document.querySelector('#tiltak-detail').textContent.slice(0, 200),
  ipr: () => document.querySelector('#ipr-table').textContent.slice(0, 400),
}[view] || (() => ''))();
return {view, content, metric: checked('metric'), role: checked('role'),
        year: value('year'), plan: value('plan'), theme: value('theme'),
        kommune: value('kommune-select'), tiltak: value('tiltak-select')};
"""


def seen(browser) -> dict:
    return browser.execute_script(SEEN)


def settled(browser, condition) -> dict:
    """What the page shows once `condition` holds and the view has written its link."""
    wait_for(browser, condition)
    before, same = None, 0
    for _ in range(240):  # at most 60 s: unchanged for 1 s (four polls) counts as settled
        now = (browser.current_url, json.dumps(seen(browser), ensure_ascii=False))
        same = same + 1 if now == before else 0
        if same == 4:
            return seen(browser)
        before = now
        time.sleep(0.25)
    return seen(browser)


def in_a_new_browser(url: str, condition) -> dict:
    options = chromium_options()
    fresh = start_chromium(options)
    try:
        viewport(fresh, 1366, 768)
        fresh.get(url)
        return settled(fresh, condition)
    finally:
        fresh.quit()


def test_each_view_reproduces_itself_from_its_link(server, browser):
    """Set controls by hand in each view, copy the address, open it in a new browser: the
    same view with the same controls and the same content."""
    browser.get(server + "/")
    wait_for(browser, lambda b: b.find_elements("css selector", "#map .choroplethlocation"))
    steps = {
        "kart": lambda: (
            click(
                browser,
                browser.find_element(
                    "xpath", "//label[text()='Alle tiltak (særskilte og felles)']"
                ),
            ),
            choose(browser, "year", "2026", "2026"),
        ),
        "kommune": lambda: (
            click(browser, browser.find_element("xpath", "//label[text()='Kommune']")),
            choose(browser, "kommune-select", "Hvaler", "Hvaler"),
            choose(browser, "plan", "3", "Plan 3:"),
        ),
        "tiltak": lambda: (
            click(browser, browser.find_element("xpath", "//label[text()='Tiltak']")),
            choose(browser, "tiltak-select", "Pilgrimsleden", "3.6.5"),
        ),
        "ipr": lambda: (
            click(browser, browser.find_element("xpath", "//label[text()='IPR-sammenligning']")),
            click(
                browser,
                browser.find_element("xpath", "//label[text()='Kommunen er målet (tekst)']"),
            ),
        ),
    }
    for name, act in steps.items():
        act()
        here = settled(browser, lambda b, name=name: f"view={name}" in b.current_url)
        link = browser.current_url
        assert here["view"] == name, here
        there = in_a_new_browser(link, lambda b, name=name: f"view={name}" in b.current_url)
        assert there == here, (link, here, there)
    assert here["role"] == "target" and here["plan"].startswith(
        "Plan 3:"
    )  # the earlier choices kept


# Filters that cannot lie --------------------------------------------------------------------------


def test_themes_and_strategies_are_narrowed_by_plan_and_theme(server, browser, view):
    browser.get(server + "/?view=kart")
    wait_for(browser, lambda b: b.find_elements("css selector", "#map .choroplethlocation"))
    everything = options_of(browser, "theme")
    choose(browser, "plan", "2", "Plan 2:")
    themes = options_of(browser, "theme")
    assert themes == ["Arbeid, inkludering og kompetanse", "Grønn og rettferdig verdiskaping"]
    assert len(everything) > len(themes)
    choose(browser, "theme", "Grønn", "Grønn og rettferdig verdiskaping")
    strategies = options_of(browser, "strategy")
    tree = view.programme.measures
    expected = {m["strategy"] for m in tree if m["theme"] == "Grønn og rettferdig verdiskaping"}
    assert {s.split()[0] for s in strategies} == expected and len(expected) < 11
    # another plan: the theme that is not in it goes, and the URL says so
    choose(browser, "plan", "1", "Plan 1:")
    wait_for(browser, lambda b: "theme=" not in b.current_url and "plan=1" in b.current_url)
    assert text_of(browser, "#theme-value") == "Alle tema"


def test_a_combination_without_measures_says_so(server, browser, view):
    measures = view.programme.measures
    names = view.programme.index.actor_names  # each measure's actors by canonical name
    plan_of = {plan.title: key for key, plan in view.plans.items()}
    actor, plan = next(
        (a, p)
        for a in view.choices.actors
        for p in view.choices.plans
        if not any(a in names[k] and plan_of.get(m["plan"]) == p for k, m in enumerate(measures))
    )
    browser.get(server + "/?" + urlencode({"view": "kart", "plan": plan, "actor": actor}))
    wait_for(browser, lambda b: "Ingen tiltak i dette utvalget" in text_of(b, "#map-words"))
    assert urlencode({"actor": actor}) in browser.current_url


# Any screen -----------------------------------------------------------------------------------

VIEWS = {
    "kart": ("/?view=kart", "#map .choroplethlocation"),
    "kommune": ("/?view=kommune&kommune=3105", "#kommune-specific .kommune-measure"),
    "tiltak": ("/?view=tiltak&tiltak=3.6.5", "#tiltak-map .choroplethlocation"),
    "ipr": ("/?view=ipr", "#ipr-graph .bars"),
}
TOP = "return arguments[0].getBoundingClientRect().top + window.scrollY"


@pytest.mark.parametrize("name", list(VIEWS))
def test_on_a_phone_the_result_comes_first(server, browser, name):
    viewport(browser, 390, 844)
    path, ready = VIEWS[name]
    browser.get(server + path)
    wait_for(browser, lambda b: b.find_elements("css selector", ready))
    result = browser.find_element("css selector", ready)
    panel = browser.find_element("id", "controls-panel")
    assert not panel.is_displayed()  # the filters wait behind their button
    toggle = browser.find_element("id", "controls-toggle")
    assert toggle.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
    assert browser.execute_script(TOP, result) < 844  # the result starts on the first screen
    # nothing wider than the phone: tables scroll inside their own box
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, width
    if name in ("kart", "tiltak"):
        graph = "#map" if name == "kart" else "#tiltak-map"
        assert_names_readable(browser, graph)
        # the modebar (shown on touch) clear of the map's title
        boxes = browser.execute_script(
            f"return ['.modebar', '.gtitle'].map(s => document.querySelector('{graph} ' + s))"
            ".map(e => e && e.getBoundingClientRect().toJSON())"
        )
        bar, title = boxes
        assert title is None or title["right"] <= 391, title  # the title fits the phone
        if bar and title:
            apart = bar["top"] >= title["bottom"] or title["top"] >= bar["bottom"]
            assert apart or bar["left"] >= title["right"], boxes
    shot(browser, f"8-{name}-390x844")
    click(browser, toggle)
    wait_for(browser, lambda b: panel.is_displayed())
    assert toggle.get_attribute("aria-expanded") == "true"


def test_on_a_phone_the_table_of_common_measures_is_readable(server, browser):
    viewport(browser, 390, 844)
    browser.get(server + "/?view=kommune&kommune=3105")
    wait_for(
        browser, lambda b: b.find_elements("css selector", "#kommune-specific .kommune-measure")
    )
    click(browser, browser.find_element("css selector", "#kommune-common summary"))
    wait_for(browser, lambda b: b.find_elements("css selector", "#kommune-grid .ag-row"))
    title = browser.find_element("css selector", '#kommune-grid .ag-header-cell[col-id="tittel"]')
    assert title.size["width"] >= 150  # the title column is read, not squeezed to a letter
    shot(browser, "8b-kommune-tabell-390x844")


def test_the_presentation_works_on_a_tablet(server, browser):
    viewport(browser, 768, 1024)
    browser.get(server + "/presentasjon?slide=3")
    wait_for(browser, lambda b: text_of(b, "#slide-title") == "Sarpsborg")
    wait_for(browser, lambda b: b.find_elements("css selector", "#slide-map .choroplethlocation"))
    nav = browser.find_element("css selector", ".slide-nav").rect
    body = browser.find_element("id", "slide-body").rect
    assert body["y"] < 1024  # the text starts on the screen, under the map
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 768
    assert nav["y"] + nav["height"] <= 1024 + 1  # the buttons stay on the screen
    assert_names_readable(browser, "#slide-map")
    shot(browser, "9-presentasjon-768x1024")
    click(browser, browser.find_element("id", "slide-next"))
    wait_for(browser, lambda b: text_of(b, "#slide-title") == "Fredrikstad")


# Accessibility audit ------------------------------------------------------------------------

PAGES = {
    "kart": "/?view=kart",
    "kommune": "/?view=kommune&kommune=3105",
    "tiltak": "/?view=tiltak&tiltak=3.6.5",
    "ipr": "/?view=ipr",
    "presentasjon": "/presentasjon?slide=3",
    "utskrift": "/utskrift?kommune=3105",
}
READY = {
    "kart": "#map .choroplethlocation",
    "kommune": "#kommune-specific .kommune-measure",
    "tiltak": "#tiltak-detail h3",
    "ipr": "#ipr-table tbody",
    "presentasjon": "#slide-map .choroplethlocation",
    "utskrift": "section.page",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(server, browser, name):
    browser.get(server + PAGES[name])
    wait_for(browser, lambda b: b.find_elements("css selector", READY[name]))
    results = Axe().run(browser)
    violations = results["violations"]
    summary = {v["id"]: (v["impact"], len(v["nodes"])) for v in violations}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"axe-{name}.json").write_text(
        json.dumps(
            {"page": PAGES[name], "passes": len(results["passes"]), "violations": summary},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    serious = {k: v for k, v in summary.items() if v[0] in ("serious", "critical")}
    assert serious == {}, serious


def test_the_grid_speaks_norwegian(server, browser):
    browser.get(server + "/?view=kommune&kommune=3110&plan=3&role=target")  # no common ones
    wait_for(browser, lambda b: "Hvaler" in text_of(b, "#kommune-summary"))
    click(browser, browser.find_element("css selector", "#kommune-common summary"))
    wait_for(browser, lambda b: "Ingen tiltak å vise" in text_of(b, "#kommune-grid"))
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#kommune-grid input')]"
        ".map(i => i.getAttribute('aria-label'))"
    )
    assert labels and all(label.endswith("Filterverdi") for label in labels)
    headers = [
        e.text for e in browser.find_elements("css selector", "#kommune-grid .ag-header-cell-text")
    ]
    assert headers == ["Tiltak", "Tittel", "Hvem", "Periode", "Rolle"]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/?view=kart", {"Hva kartet viser", "Kartvisning"}),
        ("/?view=tiltak&tiltak=3.6.5", {"Kartvisning"}),
        ("/?view=kommune&kommune=3105", set()),
        ("/?view=ipr", set()),
    ],
)
def test_map_controls_only_with_a_map(server, browser, path, shown):
    """The load map's own controls only on the Kart view, the layout where a map is drawn."""
    browser.get(server + path)
    wait_for(browser, lambda b: b.execute_script("return document.documentElement.dataset.view"))
    legends = {
        e.text
        for e in browser.find_elements("css selector", ".controls legend")
        if e.is_displayed()
    }
    assert legends & {"Hva kartet viser", "Kartvisning"} == shown, legends
    background = browser.find_element("id", "bakgrunn")
    assert background.is_displayed() == (path == "/?view=kart")


@pytest.mark.parametrize("dropdown", ["plan", "actor"])
def test_axe_finds_nothing_serious_with_a_dropdown_open(server, browser, dropdown):
    """Dash's open dropdown: an unnamed dialog and listbox and a radio box inside each option
    (3 serious rules) are put right by app/assets/a11y.js and style.css."""
    browser.get(server + "/?view=kart")
    wait_for(browser, lambda b: b.find_elements("css selector", "#map .choroplethlocation"))
    open_dropdown(browser, dropdown)
    results = Axe().run(browser)
    found = {
        v["id"]: (v["impact"], [n["html"][:160] for n in v["nodes"][:3]])
        for v in results["violations"]
    }
    serious = {k: v for k, v in found.items() if v[0] in ("serious", "critical")}
    assert serious == {}, serious
