"""Nothing in English in front of users: every view and state is walked in headless Chromium
and its visible text, tooltips, titles and aria labels are scanned for English words; and no
chart offers to send itself to Plotly Cloud."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.keys import Keys

from app.views import make_view
from geo.terms import METRIC_CHOICE_LABELS
from tests.test_app_browser import click, text_of, viewport, wait_for
from tests.test_app_use import open_dropdown

pytestmark = pytest.mark.browser

# Words of the interfaces the app is built from (Plotly, ag-grid, Dash) and of authors' notes,
# none of which is also a Norwegian word ("last" is: "Last ned"; "enter" names a key).
ENGLISH = frozenset(
    " ".join(
        (
            "the and of to with from this that press page rows row matching download reset",
            "share chart plot loading search select clear confidence medium lists autoscale",
            "produced next previous first in out view axes cancel apply click double drag",
            "selection hover closest cloud upload sorry problem please no yes close open",
            "filtered column sort",
        )
    ).split()
)
# "no" and "in" are Norwegian too only inside longer words; the scan goes by whole words.
WORD = re.compile(r"[A-Za-zÆØÅæøå]+")

COLLECT = """
const out = [];
const visible = el => !!(el.offsetParent || el.getClientRects().length);
out.push(document.body.innerText);
for (const el of document.querySelectorAll('[title], [aria-label], [data-title], [placeholder],'
                                           + ' [alt], [aria-description]')) {
  for (const a of ['title', 'aria-label', 'data-title', 'placeholder', 'alt',
                   'aria-description']) {
    const v = el.getAttribute(a);
    if (v) out.push(v);
  }
}
for (const t of document.querySelectorAll('svg title')) out.push(t.textContent);
out.push(document.title);
return out;
"""


def english_in(texts: list[str]) -> list[str]:
    """The texts with an English word, each with the words found."""
    found = []
    for text in texts:
        words = {w.lower() for w in WORD.findall(text)}
        hits = sorted(words & ENGLISH)
        if hits:
            at = min(text.lower().find(w) for w in hits if w in text.lower())
            found.append(f"{hits}: {text[max(0, at - 60) : at + 100]!r}")
    return found


def scan(browser) -> list[str]:
    return english_in(browser.execute_script(COLLECT))


@pytest.fixture(scope="module")
def server(app_url):
    return app_url


@pytest.fixture
def browser(browser):
    viewport(browser, 1366, 768)
    return browser


def graphs_drawn(browser) -> bool:
    return bool(browser.find_elements("css selector", ".js-plotly-plot .modebar-btn"))


def test_the_english_scan_finds_english():
    """The scan itself: it finds what the app used to show."""
    texts = ["No Matching Rows", "title: Download plot as a PNG", "Aremark (medium-low confidence)"]
    assert len(english_in(texts)) == 3
    assert english_in(["Last ned som PNG-bilde", "Ingen tiltak passer filteret"]) == []


def test_no_view_speaks_english(app_bundle, server, browser):
    """Every view, each map figure and a table filtered to nothing: Norwegian only."""
    view = make_view(app_bundle)
    found: dict[str, list[str]] = {}

    def visit(name: str, path: str, ready) -> None:
        browser.get(server + path)
        wait_for(browser, ready)
        found[name] = scan(browser)

    visit("kart", "/", graphs_drawn)
    open_dropdown(browser, "actor")  # an open list: its search box, options and labels
    found["kart, a dropdown open"] = scan(browser)
    # The background map runs on Dash's full plotly.js: the locale is registered there too
    visit("kart, background map", "/?bakgrunn=1", graphs_drawn)
    for metric in METRIC_CHOICE_LABELS:
        visit(f"kart {metric}", f"/?metric={metric}", graphs_drawn)
    visit("tiltak", "/?view=tiltak&tiltak=3.6.5", graphs_drawn)
    visit("ipr", "/?view=ipr", lambda b: graphs_drawn(b) and "Usikkert medlemskap" in b.page_source)
    visit(
        "kommune",
        "/?view=kommune&kommune=3110",
        lambda b: "Hvaler" in text_of(b, "#kommune-summary"),
    )
    click(browser, browser.find_element("css selector", "#kommune-common summary"))
    wait_for(browser, lambda b: b.find_elements("css selector", "#kommune-grid .ag-row"))
    box = browser.find_element("css selector", "#kommune-grid .ag-floating-filter input")
    box.send_keys("zzzz finnes ikke")
    wait_for(browser, lambda b: "Ingen tiltak passer filteret" in text_of(b, "#kommune-grid"))
    found["kommune, table filtered to nothing"] = scan(browser)
    visit("presentasjon", f"{view.prefix}presentasjon", graphs_drawn)
    for step in range(1, 16):
        browser.find_element("css selector", "body").send_keys(Keys.ARROW_RIGHT)
        wait_for(
            browser, lambda b, step=step: text_of(b, "#slide-counter").startswith(f"{step + 1} /")
        )
        found[f"presentasjon {step + 1}"] = scan(browser)
    visit("utskrift", "/utskrift?kommune=3124", lambda b: "Aremark" in b.page_source)
    assert {k: v for k, v in found.items() if v} == {}


def test_no_chart_offers_plotly_cloud(server, browser):
    """The modebar has PNG, zoom and reset, in Norwegian: no cloud button."""
    browser.get(server + "/?view=ipr")
    wait_for(browser, graphs_drawn)
    titles = browser.execute_script(
        "return [...document.querySelectorAll('.modebar-btn')]"
        ".map(b => b.getAttribute('data-title'))"
    )
    assert titles and "Last ned som PNG-bilde" in titles
    assert not any("Cloud" in t or "Share" in t or "Del " in t for t in titles), titles
