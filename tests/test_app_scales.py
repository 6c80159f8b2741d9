"""Every map figure has a colour bar that reads, reached by a click or by a link: its title
is what the figure counts, above the bar and inside the map; its ticks are few, round, in
increasing order and written the Norwegian way."""

from __future__ import annotations

import itertools
import re
import time

import pytest

from app.model import metric_label
from app.views import make_view
from geo.terms import APP_METRICS, METRIC_CHOICE_LABELS
from tests.test_app_browser import click, viewport, wait_for

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"^\d{1,3}(\u00a0\d{3})*(,\d+)?$")  # "1 310", "0,25"

BAR = """
const bar = document.querySelector('#map .colorbar');
if (!bar) return null;
const svg = document.querySelector('#map .main-svg').getBoundingClientRect();
const title = bar.querySelector('.cbtitle text');
const box = el => { const r = el.getBoundingClientRect();
                    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
const ticks = [...bar.querySelectorAll('.cbaxis text, .xtick text, text.xtick')]
  .map(t => ({text: t.textContent, box: box(t)}));
return {title: title ? title.textContent : null, titleBox: title ? box(title) : null,
        svg: box(document.querySelector('#map .main-svg')), ticks};
"""


@pytest.fixture(scope="module")
def server(app_url):
    return app_url


@pytest.fixture(scope="module")
def view(app_bundle):
    return make_view(app_bundle)


@pytest.fixture
def browser(browser):
    viewport(browser, 1366, 768)
    return browser


def bar_of(browser, label: str, timeout: float = 60) -> dict:
    """The colour bar once its title is `label` and its ticks are drawn (or, after
    `timeout` seconds, whatever it is then: the assertions say what is wrong)."""
    deadline = time.monotonic() + timeout
    bar = None
    while time.monotonic() < deadline:
        bar = browser.execute_script(BAR)
        if bar and bar["title"] == label and bar["ticks"]:
            time.sleep(0.3)  # the recolour may still be drawing: read it once more
            return browser.execute_script(BAR)
        time.sleep(0.2)
    assert bar and bar["title"] == label, (label, bar and bar["title"])
    return bar


def assert_reads(bar: dict, label: str) -> None:
    texts = [t["text"] for t in bar["ticks"]]
    assert 2 <= len(texts) <= 8, texts
    assert all(NUMBER.match(t) for t in texts), texts
    values = [float(t.replace("\u00a0", "").replace(",", ".")) for t in texts]
    assert values == sorted(values) and len(set(values)) == len(values), texts
    assert values[0] == 0, texts
    boxes = sorted((t["box"] for t in bar["ticks"]), key=lambda b: b["left"])
    assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(boxes)), texts  # no overlap
    title, svg = bar["titleBox"], bar["svg"]
    assert svg["left"] <= title["left"] and title["right"] <= svg["right"], (label, title, svg)
    assert title["bottom"] <= min(b["top"] for b in boxes) + 1, "the title sits above the bar"


# The load figures (progress, offered only with the follow-up's database, has a scale of its
# own: tests/test_followup_browser.py; "new", only with a previous revision:
# tests/test_app_endringer.py).
LOAD_CHOICES = {m: c for m, c in METRIC_CHOICE_LABELS.items() if m not in APP_METRICS}


@pytest.mark.parametrize("metric", list(LOAD_CHOICES))
def test_every_figure_has_a_scale_by_link(server, browser, view, metric):
    state = view.choices.state({"metric": metric})
    label = metric_label(view, state)
    browser.get(f"{server}/?metric={metric}")
    assert_reads(bar_of(browser, label), label)


def test_every_figure_has_a_scale_by_click(server, browser, view):
    browser.get(server + "/")
    for metric, choice in [*LOAD_CHOICES.items(), *LOAD_CHOICES.items()]:
        label = metric_label(view, view.choices.state({"metric": metric}))
        path = f"//label[text()='{choice}']"
        click(browser, wait_for(browser, lambda b, path=path: b.find_element("xpath", path)))
        assert_reads(bar_of(browser, label), label)
