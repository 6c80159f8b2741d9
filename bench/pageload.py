"""Page load of Tiltakskart against the naive baseline (bench/naive_app.py: a plain Dash app that
re-sends a whole px.choropleth figure on every change) and two floors (bench/floors.py: a page
with only the partial Plotly bundle and the geometry, no Dash; a static page with the same
shapes as inline SVG), all under gunicorn with the same settings (-c python:app.gunicorn_conf)
and the same simplified boundaries, measured in the same run in headless Chromium (1366×768).
The runs are interleaved: run k measures every page, starting with the k-th in turn. Prints
medians over --runs repetitions (and, for times, the range of all samples: one per run for
page loads, one per change for changes):

  first load      HTTP cache cleared (CDP Network.clearBrowserCache), then the page opened.
                  Bytes transferred = sum of the Performance API's transferSize over the
                  navigation and every resource entry, taken once the network has been idle
                  500 ms after the map painted; also the decoded (uncompressed) bytes and the
                  request count.
  map paint       ms from navigation start until `#map` holds every municipality's path
                  (.choroplethlocation) and each that has an outline (one outside the view has
                  none) has a fill set (not SVG's default black), checked in the page each
                  animation frame by a probe installed before any page script.
  reload          the same page reloaded (F5) with a warm HTTP cache: bytes, time to map paint.
  revisit         the page opened again from about:blank (a link, the address bar) with the
                  cache as it is.
  metric change   a real pointer click on the visible metric label ("Alle tiltak …" and
                  "Særskilte tiltak …" in turn), timed from the mousedown (stamped in the page)
                  to the plotly_afterplot of `#map` whose title shows the chosen metric; the
                  _dash-update-component requests it fired, their bytes transferred and the
                  bytes of their request bodies (transferSize counts responses only).
  plan change     the plan dropdown opened with a real click and the first or second plan
                  chosen in turn, timed from the mousedown on the option to the next
                  plotly_afterplot of `#map`.
  geometry        per page load and change, the responses whose body holds GeoJSON
                  coordinates (read with CDP Network.getResponseBody), split into those that
                  came over the network and those from the browser's cache; URLs listed below.
  checks          bytes on the wire as Chrome's network stack counts them (CDP
                  encodedDataLength, real headers), and first-load entries served from cache.
  critical path   the last run's first load, request by request: start and end (ms after
                  navigation start) and bytes, then the moment the map painted.

transferSize is 0 for a response from the browser's cache, and Chrome counts a fixed 300 B for
the headers of every other one (a 304 revalidation is 300 B). 1 kB = 1000 B. Ratios = ours /
naive and ours / Plotly floor. The servers run on 127.0.0.1 (no network latency). Before
measuring, each server is warmed up (page and scripts fetched many at once) so that no worker
is measured cold.

Run: python bench/pageload.py [--county 31|all] [--boundaries FILE] [--runs 7] [--changes 2]
                              [--url-ours URL] [--url-naive URL] [--url-before URL]
                              [--no-floors] [--details]
With a --url-* option that app is measured on the running server instead of being started;
--url-before adds a column for another Tiltakskart (an older commit's, to compare).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(ROOT))
from geo.terms import METRIC_CHOICE_LABELS, Metric  # noqa: E402

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--window-size=1366,768",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
KOMMUNER = ROOT.parent / "shared" / "kommuner"
DEFAULT_FILES = {"31": "ostfold-kommuner-2024.geojson", "all": "norge-kommuner-2024.geojson"}
# (what the map title starts with, the visible label of the radio item that shows it: the
# app's own, so that a renamed choice cannot break the bench)
METRICS = (
    ("Alle tiltak", METRIC_CHOICE_LABELS[Metric.TOTAL]),
    ("Særskilte tiltak", METRIC_CHOICE_LABELS[Metric.SPECIFIC]),
)
GEOMETRY = re.compile(r'"coordinates"\s*:\s*\[')  # GeoJSON; not plotly.min.js's own code
PAINT_TIMEOUT = 60.0  # seconds for a page load to paint the map
CHANGE_TIMEOUT = 15.0  # seconds for a filter change to repaint it

# Installed before any page script (Page.addScriptToEvaluateOnNewDocument). Each animation
# frame it stamps the first moment `#map` holds EXPECTED filled paths, and hooks every Plotly
# graph to log its repaints (time, graph id, title); mousedown stamps the user's input.
PROBE = """
(() => {
  if (window.__bench) return;
  const b = window.__bench = {input: 0, painted: null, plots: []};
  try { performance.setResourceTimingBufferSize(100000); } catch (e) {}
  addEventListener('mousedown', () => { b.input = performance.now(); }, true);
  const filled = p => {
    const fill = p.style.fill || p.getAttribute('fill');  // Plotly sets the attribute
    return !!fill && fill !== 'none' && fill !== 'transparent' && fill !== 'rgba(0, 0, 0, 0)';
  };
  // A path outside the map's view (a national map opens on one county) has no outline to
  // paint: Plotly leaves its `d` empty. Every path with an outline must be filled.
  const drawn = p => (p.getAttribute('d') || '').length > 1;
  const frame = () => {
    if (document.body) {
      if (b.painted === null) {
        const paths = [...document.querySelectorAll('#map .choroplethlocation')];
        const outlined = paths.filter(drawn);
        if (paths.length >= EXPECTED && outlined.length && outlined.every(filled)) {
          b.painted = performance.now();
        }
      }
      document.querySelectorAll('.js-plotly-plot').forEach(gd => {
        if (gd.__benchHooked || !gd.on) return;
        gd.__benchHooked = true;
        gd.on('plotly_afterplot', () => b.plots.push([
          performance.now(), gd.parentElement && gd.parentElement.id,
          (gd.querySelector('.gtitle') || {}).textContent || '']));
      });
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""
STATE = """
const b = window.__bench || {};
const entries = [...performance.getEntriesByType('navigation'),
                 ...performance.getEntriesByType('resource')];
const paths = document.querySelectorAll('#map .choroplethlocation').length;
return {now: performance.now(), painted: b.painted ?? null, paths: paths,
        last: Math.max(0, ...entries.map(e => e.responseEnd))};
"""
ENTRIES = """
return [...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource')]
  .filter(e => e.startTime >= arguments[0])
  .map(e => [e.name, e.transferSize, e.decodedBodySize, e.startTime, e.responseEnd]);
"""


class BenchError(Exception):
    """A measurement that could not be taken (the app is then left out of the table)."""


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen | None = None
    log: Path | None = None
    path: str = "/"  # the page measured
    interactive: bool = True  # has the metric choice and the plan dropdown

    @property
    def page(self) -> str:
        return self.url + self.path


@dataclass
class Results:
    """Samples per metric and the geometry-carrying URLs seen, for one app."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    carriers: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    entries: dict[str, list] = field(default_factory=dict)  # the last run's, per page load
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(port: int, target: str) -> list[str]:
    """The README's gunicorn command on 127.0.0.1:port, without the access log."""
    from gunicorn.config import KNOWN_SETTINGS

    command = [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS):
        command.append("--no-control-socket")  # two masters would share ~/.gunicorn's socket
    return [*command, target]


def start_server(name: str, target: str, env: dict[str, str]) -> Server:
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"tiltakskart-bench-pageload-{name}.log"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TILTAKSKART_", "NAIVE_"))}
    clean["TILTAKSKART_DEVELOPMENT"] = "1"  # a generated login secret will do
    with open(log, "wb") as out:
        process = subprocess.Popen(
            gunicorn_command(port, target),
            cwd=ROOT,
            env={**clean, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def wait_ready(server: Server, timeout: float) -> str | None:
    """None once `/` answers 200, else why not (one line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            return (
                f"{server.name} did not start (exit {server.process.returncode}); see {server.log}"
            )
        try:
            if requests.get(server.url + "/", timeout=2).status_code == 200:
                return None
        except requests.RequestException:
            pass
        time.sleep(0.2)
    where = f"; see {server.log}" if server.log else ""
    return f"{server.name} did not answer at {server.url} within {timeout:.0f} s{where}"


def warm_up(server: Server, rounds: int = 5) -> list[str]:
    """Fetch the page and its scripts, many at once, until a round gets no error; returns the
    errors seen. Dash sets itself up on a worker's first request, and requests that come in
    meanwhile on other threads of that worker fail (404 or 500): a cold-start defect, not
    what this bench measures."""
    from concurrent.futures import ThreadPoolExecutor

    def status(path: str) -> tuple[str, int]:
        try:
            return path, requests.get(server.url + path, timeout=10).status_code
        except requests.RequestException:
            return path, 0

    seen: list[str] = []
    for _ in range(rounds):
        page = requests.get(server.url + "/", timeout=10)
        paths = ["/", *re.findall(r'<script src="(/[^"]+)"', page.text)]
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(status, paths * 3))
        errors = [f"HTTP {code or 'failed'} for {p}" for p, code in answers if code != 200]
        seen += errors
        if not errors and page.status_code == 200:
            break
    return seen


def stop(server: Server) -> None:
    if server.process is None or server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def expected_paths(boundaries: Path, county: str) -> int:
    """The municipalities the maps draw: the file's features of the county (or all)."""
    import pyogrio

    table = pyogrio.read_dataframe(boundaries, read_geometry=False, columns=["kommunenummer"])
    numbers = {str(n).zfill(4) for n in table["kommunenummer"]}
    return len(numbers if county == "all" else {n for n in numbers if n.startswith(county)})


# --- the browser ------------------------------------------------------------------------------


def browser(expected: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False},
    )
    source = PROBE.replace("EXPECTED", str(expected))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    return driver


def take_log(driver) -> list[dict]:
    """The CDP events Chrome logged since the last call."""
    return [json.loads(e["message"])["message"] for e in driver.get_log("performance")]


def in_flight(events: list[dict]) -> dict[str, str]:
    """Requests (id -> URL) started in `events` and not yet finished or failed."""
    open_: dict[str, str] = {}
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url.startswith("http"):
                open_[params["requestId"]] = url
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            open_.pop(params["requestId"], None)
    return open_


def settle(driver, events: list[dict], since_ms: float, quiet_ms: float) -> None:
    """Wait until no request is in flight and none has ended for `quiet_ms` after `since_ms`
    (page time); `events` collects the CDP events meanwhile."""
    deadline = time.monotonic() + 30
    while True:
        events += take_log(driver)
        state = driver.execute_script(STATE)
        busy = in_flight(events)
        if not busy and state["now"] - max(since_ms, state["last"]) >= quiet_ms:
            return
        if time.monotonic() > deadline:
            raise BenchError(f"network not idle after 30 s: {sorted(busy.values())[:3]}")
        time.sleep(0.05)


def http_errors(events: list[dict]) -> list[str]:
    return [
        f"HTTP {e['params']['response']['status']} for {short(e['params']['response']['url'])}"
        for e in events
        if e["method"] == "Network.responseReceived" and e["params"]["response"]["status"] >= 400
    ]


def short(url: str) -> str:
    """The URL's path, without the query (Dash adds a per-request one to callbacks)."""
    return urlsplit(url).path or url


def post_body(driver, params: dict) -> str:
    """The body a Network.requestWillBeSent event's request sent ('' for none)."""
    from selenium.common.exceptions import WebDriverException

    request = params["request"]
    if not request.get("hasPostData"):
        return ""
    if "postData" in request:
        return request["postData"]
    try:  # Chrome leaves large bodies out of the event
        got = driver.execute_cdp_cmd(
            "Network.getRequestPostData", {"requestId": params["requestId"]}
        )
        return got["postData"]
    except WebDriverException:
        return ""


def geometry_carriers(driver, events: list[dict]) -> list[tuple[str, str]]:
    """(URL path, 'network' | 'cache' | 'sent') of every response body, and request body
    ('sent'), in `events` that holds GeoJSON coordinates."""
    from selenium.common.exceptions import WebDriverException

    from_cache = {
        e["params"]["requestId"] for e in events if e["method"] == "Network.requestServedFromCache"
    }
    found: list[tuple[str, str]] = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent" and GEOMETRY.search(post_body(driver, params)):
            found.append((short(params["request"]["url"]), "sent"))
        if method != "Network.responseReceived":
            continue
        response = params["response"]
        if not response["url"].startswith("http"):
            continue
        try:
            got = driver.execute_cdp_cmd(
                "Network.getResponseBody", {"requestId": params["requestId"]}
            )
        except WebDriverException:
            continue  # no body (a redirect, a 204, or evicted): nothing to check
        text = got["body"]
        if got.get("base64Encoded"):
            text = base64.b64decode(text).decode("utf-8", "replace")
        if GEOMETRY.search(text):
            cached = (
                response.get("fromDiskCache")
                or response.get("fromPrefetchCache")
                or params["requestId"] in from_cache
                or response["status"] == 304
            )
            found.append((short(response["url"]), "cache" if cached else "network"))
    return found


def wire_bytes(events: list[dict]) -> int:
    """Bytes received as Chrome's network stack counted them (real headers included)."""
    return sum(
        int(e["params"]["encodedDataLength"])
        for e in events
        if e["method"] == "Network.loadingFinished"
    )


# --- the measurements -------------------------------------------------------------------------


def page_load(driver, url: str, phase: str, results: Results) -> None:
    """Open `url` (phase 'first': with a cleared cache; 'revisit': again, as from a link or
    the address bar, with the cache as it is) or reload it ('reload'); record its figures."""
    if phase in ("first", "revisit"):
        driver.get("about:blank")
        take_log(driver)
        if phase == "first":
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.get(url)
    else:
        take_log(driver)
        driver.refresh()
    events: list[dict] = []
    started = time.monotonic()
    while (state := driver.execute_script(STATE))["painted"] is None:
        events += take_log(driver)
        waited = time.monotonic() - started
        if waited > PAINT_TIMEOUT or (waited > 10 and http_errors(events)):  # broken: give up
            problems = "; ".join(http_errors(events)[:3]) or "no HTTP errors"
            raise BenchError(
                f"{phase} load: map not painted ({state['now'] / 1000:.0f} s after navigation; "
                f"{state['paths']} paths; {problems})"
            )
        time.sleep(0.05)
    settle(driver, events, state["painted"], 500)
    entries = driver.execute_script(ENTRIES, 0)
    results.entries[phase] = entries
    s = results.samples
    s[f"{phase}.paint"].append(state["painted"])
    s[f"{phase}.bytes"].append(sum(e[1] for e in entries) / 1000)
    s[f"{phase}.decoded"].append(sum(e[2] for e in entries) / 1000)
    s[f"{phase}.requests"].append(len(entries))
    s[f"{phase}.wire"].append(wire_bytes(events) / 1000)
    s[f"{phase}.from_cache"].append(sum(1 for e in entries if e[1] == 0))
    carriers = geometry_carriers(driver, events)
    s[f"{phase}.geometry"].append(sum(1 for _, how in carriers if how == "network"))
    s[f"{phase}.geometry_cached"].append(sum(1 for _, how in carriers if how == "cache"))
    results.carriers[phase].update(carriers)
    results.warnings += http_errors(events)


def point_at(driver, script: str, *args, missing: str = "nothing to click") -> None:
    """A real pointer click at the centre of the element `script` puts in `e` (as
    bench/browser.py); BenchError(`missing`) when there is none."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    rect = driver.execute_script(
        script + "; if (!e) return null; const r = e.getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2];",
        *args,
    )
    if rect is None:
        raise BenchError(missing)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(round(rect[0]), round(rect[1])).click()
    actions.perform()
    ActionChains(driver).reset_actions()


def click_label(driver, text: str) -> None:
    """A real pointer click at the centre of the visible label `text`."""
    point_at(
        driver,
        "const e = [...document.querySelectorAll('label')]"
        ".find(l => l.textContent.trim() === arguments[0] && l.offsetParent !== null);"
        "e && e.scrollIntoView({block: 'nearest'})",
        text,
        missing=f"no visible label {text!r}",
    )


def wait_for_repaint(driver, before: float, what: str, repaint) -> tuple[list[dict], float, float]:
    """Poll until the page has stamped an input after `before` and `repaint(t0, plots)` gives
    the time of the repaint that answers it; (the CDP events meanwhile, input, repaint)."""
    events: list[dict] = []
    deadline = time.monotonic() + CHANGE_TIMEOUT
    while True:
        events += take_log(driver)
        t0, plots = driver.execute_script("return [window.__bench.input, window.__bench.plots]")
        hit = repaint(t0, plots) if t0 > before else None
        if hit is not None:
            return events, t0, hit
        if time.monotonic() > deadline:
            raise BenchError(f"{what}: map not repainted")
        time.sleep(0.03)


def filter_change(driver, results: Results, changes: int) -> None:
    """Switch the metric `changes` times; record the time to the repaint and the callbacks."""
    for _ in range(changes):
        title = driver.execute_script(
            "return document.querySelector('#map .gtitle')?.textContent || ''"
        )
        word, label = next((w, lab) for w, lab in METRICS if not title.startswith(w))
        before = driver.execute_script("return window.__bench.input")
        take_log(driver)
        click_label(driver, label)
        events, t0, hit = wait_for_repaint(
            driver,
            before,
            f"filter change to {word!r}",
            lambda t0, plots, word=word: next(
                (t for t, gid, text in plots if gid == "map" and t > t0 and text.startswith(word)),
                None,
            ),
        )
        settle(driver, events, hit, 300)
        record_change(driver, results, "metric", events, t0, hit)


def record_change(
    driver, results: Results, kind: str, events: list[dict], t0: float, hit: float
) -> None:
    """A change's figures: time to the repaint, its callbacks and what they carried."""
    calls = [e for e in driver.execute_script(ENTRIES, t0 - 1) if "_dash-update-component" in e[0]]
    s = results.samples
    s[f"{kind}.time"].append(hit - t0)
    s[f"{kind}.requests"].append(len(calls))
    s[f"{kind}.bytes"].append(sum(e[1] for e in calls) / 1000)
    sent = [
        len(post_body(driver, e["params"]).encode())
        for e in events
        if e["method"] == "Network.requestWillBeSent"
        and "_dash-update-component" in e["params"]["request"]["url"]
    ]
    s[f"{kind}.sent"].append(sum(sent) / 1000)
    carriers = geometry_carriers(driver, events)
    s[f"{kind}.geometry"].append(sum(1 for _, how in carriers if how != "cache"))
    results.carriers[kind].update(carriers)
    results.warnings += http_errors(events)


OPEN_PLAN = "const b = document.getElementById('plan'); b.scrollIntoView({block: 'nearest'});"
PLAN_OPTIONS = ".dash-dropdown-content .dash-dropdown-option"


# The texts of the open dropdown's options.
OPTION_TEXTS = "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim())"
ANSWERED = """return performance.getEntriesByType('resource')
  .filter(e => e.name.includes('_dash-update-component') && e.startTime >= arguments[0])
  .map(e => e.responseEnd)"""


def plan_change(driver, results: Results, changes: int) -> None:
    """Choose a plan in the plan dropdown `changes` times (the first and the second plan of the
    list, by their text, in turn), with real clicks; time from the mousedown on the option to
    the first repaint of `#map` after a callback answered. The dropdown must then show the
    chosen plan."""
    plans: list[str] = []
    for turn in range(changes):
        point_at(driver, OPEN_PLAN + "const e = b;")
        deadline = time.monotonic() + CHANGE_TIMEOUT
        while len(texts := driver.execute_script(OPTION_TEXTS, PLAN_OPTIONS)) < 2:
            if time.monotonic() > deadline:
                raise BenchError("the plan dropdown did not open")
            time.sleep(0.03)
        plans = plans or [t for t in texts if t][:2]
        chosen = plans[turn % 2]
        before = driver.execute_script("return window.__bench.input")
        take_log(driver)
        point_at(
            driver,
            "const e = [...document.querySelectorAll(arguments[0])]"
            ".find(o => o.innerText.trim() === arguments[1]);"
            "e && e.scrollIntoView({block: 'nearest'})",
            PLAN_OPTIONS,
            chosen,
        )

        def after_an_answer(t0: float, plots: list) -> float | None:
            answered = driver.execute_script(ANSWERED, t0)
            return next(
                (t for t, gid, _ in plots if gid == "map" and answered and t > min(answered)),
                None,
            )

        events, t0, hit = wait_for_repaint(
            driver, before, f"plan change to {chosen!r}", after_an_answer
        )
        if driver.execute_script("return !!document.querySelector('.dash-dropdown-content')"):
            from selenium.webdriver.common.action_chains import ActionChains
            from selenium.webdriver.common.keys import Keys

            ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        shown = driver.execute_script("return document.getElementById('plan').innerText")
        if chosen not in shown:
            raise BenchError(f"plan change: the dropdown shows {shown!r}, not {chosen!r}")
        settle(driver, events, hit, 300)
        record_change(driver, results, "plan", events, t0, hit)


def measure(driver, server: Server, results: Results, changes: int) -> None:
    """One run for one page: first load, reload, revisit; for the apps, filter changes."""
    for phase in ("first", "reload", "revisit"):
        page_load(driver, server.page, phase, results)
    if server.interactive:
        filter_change(driver, results, changes)
        plan_change(driver, results, changes)


# --- the report -------------------------------------------------------------------------------

ROWS = (  # key, label, unit
    ("first.paint", "first load: time to map paint", "ms"),
    ("first.bytes", "first load: transferred", "kB"),
    ("first.decoded", "first load: decoded (uncompressed)", "kB"),
    ("first.requests", "first load: requests", ""),
    ("first.geometry", "first load: responses with geometry", ""),
    ("reload.paint", "reload: time to map paint", "ms"),
    ("reload.bytes", "reload: transferred", "kB"),
    ("reload.requests", "reload: requests", ""),
    ("reload.from_cache", "reload: entries from cache (transferSize 0)", ""),
    ("reload.geometry", "reload: responses with geometry (network)", ""),
    ("revisit.paint", "revisit: time to map paint", "ms"),
    ("revisit.bytes", "revisit: transferred", "kB"),
    ("revisit.requests", "revisit: requests", ""),
    ("metric.time", "metric change: mousedown -> map repainted", "ms"),
    ("metric.requests", "metric change: callback requests", ""),
    ("metric.bytes", "metric change: transferred", "kB"),
    ("metric.sent", "metric change: request bodies sent", "kB"),
    ("metric.geometry", "metric change: responses with geometry", ""),
    ("plan.time", "plan change: mousedown -> map repainted", "ms"),
    ("plan.requests", "plan change: callback requests", ""),
    ("plan.bytes", "plan change: transferred", "kB"),
    ("plan.geometry", "plan change: responses with geometry", ""),
    ("first.wire", "check: first load, bytes on the wire (CDP)", "kB"),
    ("reload.wire", "check: reload, bytes on the wire (CDP)", "kB"),
    ("first.from_cache", "check: first load, entries from cache", ""),
)
PHASES = {
    "first": "first load",
    "reload": "reload",
    "revisit": "revisit",
    "metric": "metric change",
    "plan": "plan change",
}
LABELS = {
    "ours": "ours",
    "before": "ours before",
    "naive": "naive",
    "plotly": "Plotly floor",
    "svg": "SVG floor",
}


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "kB":
        return f"{value:,.1f} kB"
    if unit == "ms":
        return f"{value:,.0f} ms"
    return f"{value:g}"


def median(results: Results, key: str) -> float | None:
    values = results.samples.get(key)
    return statistics.median(values) if values and results.error is None else None


def cell(results: Results, key: str, unit: str) -> str:
    """The median, and for times the range of all samples (each run's, or each change's):
    '966 (940–1010)'."""
    value = median(results, key)
    if value is None or unit != "ms" or len(results.samples[key]) < 2:
        return number(value, unit)
    values = results.samples[key]
    return f"{value:,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "—"


def report(results: dict[str, Results], details: bool = False) -> None:
    names = list(results)
    width = 20
    head = " | ".join(f"{LABELS[n]:>{width}}" for n in names)
    print(f"{'metric (median, and the range for times)':<46} | {head} | ours/naive | ours/Plotly")
    print("-" * (46 + (width + 3) * len(names) + 26))
    for key, label, unit in ROWS:
        cells = " | ".join(f"{cell(results[n], key, unit):>{width}}" for n in names)
        ours = median(results["ours"], key)
        others = {n: median(results[n], key) for n in ("naive", "plotly") if n in results}
        print(
            f"{label:<46} | {cells} | {ratio(ours, others.get('naive')):>10} | "
            f"{ratio(ours, others.get('plotly')):>11}"
        )
    for name, result in results.items():
        if result.error:
            print(f"\n{LABELS[name]}: not measured: {result.error}")
            continue
        print(f"\n{LABELS[name]}: responses (and requests) with geometry, over all runs:")
        for phase, label in PHASES.items():
            seen = result.carriers.get(phase) or Counter()
            listed = ", ".join(f"{url} ({how}) ×{n}" for (url, how), n in sorted(seen.items()))
            print(f"  {label:<14} {listed or 'none'}")
        for warning in sorted(set(result.warnings)):
            print(f"  warning: {warning}")
    print("\nCritical path of the first load (last run): each request's start and end (ms after")
    print("navigation start), bytes transferred; then when the map was painted.")
    for name, result in results.items():
        entries = result.entries.get("first")
        if result.error or not entries:
            continue
        print(f"\n  {LABELS[name]}:")
        for url, transferred, _, start, end in sorted(entries, key=lambda e: e[3]):
            print(f"    {start:7.0f} {end:7.0f}  {transferred / 1000:8.1f} kB  {short(url)}")
        print(f"    {result.samples['first.paint'][-1]:7.0f}          map painted")
    if details:
        for name, result in results.items():
            for phase in ("reload", "revisit"):
                entries = result.entries.get(phase) or []
                print(f"\n  {LABELS[name]}, {PHASES[phase]} (last run), transferred / decoded:")
                for url, transferred, decoded, *_ in sorted(entries, key=lambda e: -e[1]):
                    print(
                        f"    {transferred / 1000:9.1f} kB {decoded / 1000:9.1f} kB  {short(url)}"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--county", default="31", help="county number or 'all' (default 31)")
    parser.add_argument("--boundaries", type=Path, help="boundary file (default by county)")
    parser.add_argument("--runs", type=int, default=7, help="repetitions per page (default 7)")
    parser.add_argument("--changes", type=int, default=2, help="changes of each kind per run")
    parser.add_argument("--url-ours", help="measure this running Tiltakskart server")
    parser.add_argument("--url-naive", help="measure this running naive server")
    parser.add_argument(
        "--url-before", help="also measure this running Tiltakskart (e.g. an older commit's)"
    )
    parser.add_argument(
        "--no-floors", dest="floors", action="store_false", help="leave out the two floors"
    )
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="skip fetching each page and its scripts before measuring",
    )
    parser.add_argument(
        "--details", action="store_true", help="list every entry of the last run's reloads"
    )
    parser.add_argument("--start-timeout", type=float, default=180, help="seconds per server")
    args = parser.parse_args()
    boundaries = args.boundaries or KOMMUNER / DEFAULT_FILES.get(args.county, DEFAULT_FILES["all"])
    if not boundaries.exists():
        raise SystemExit(f"no boundary file {boundaries}; give --boundaries")
    boundaries = boundaries.resolve()
    expected = expected_paths(boundaries, args.county)

    servers: dict[str, Server] = {}
    cache = tempfile.TemporaryDirectory(prefix="tiltakskart-bench-cache-")
    try:
        servers["ours"] = (
            Server("ours", args.url_ours.rstrip("/"))
            if args.url_ours
            else start_server(
                "ours",
                "app.wsgi:server",
                {
                    "TILTAKSKART_BOUNDARIES": str(boundaries),
                    "TILTAKSKART_COUNTY": args.county,
                    "TILTAKSKART_API_URL": "off",
                    "TILTAKSKART_SSB_URL": "off",
                    "TILTAKSKART_CACHE_DIR": cache.name,
                    "TILTAKSKART_DATA_DIR": str(Path(cache.name) / "data"),  # not the user's
                },
            )
        )
        servers["naive"] = (
            Server("naive", args.url_naive.rstrip("/"))
            if args.url_naive
            else start_server(
                "naive",
                "bench.naive_app:server",
                {"NAIVE_BOUNDARIES": str(boundaries), "NAIVE_COUNTY": args.county},
            )
        )
        if args.url_before:
            servers["before"] = Server("before", args.url_before.rstrip("/"))
        if args.floors:
            floors = start_server(
                "floors",
                "bench.floors:server",
                {"FLOORS_BOUNDARIES": str(boundaries), "FLOORS_COUNTY": args.county},
            )
            servers["plotly"] = floors
            servers["svg"] = Server(
                "svg", floors.url, None, floors.log, path="/svg", interactive=False
            )
            floors.interactive = False
        results = {name: Results() for name in servers}
        failures = []
        for name, server in servers.items():
            if (problem := wait_ready(server, args.start_timeout)) is not None:
                results[name].error = problem
                failures.append(problem)
        if len(failures) == len(servers):
            raise SystemExit("; ".join(failures))
        for name, server in servers.items():
            if results[name].error is None and args.warm_up:
                errors = warm_up(server)
                results[name].warnings += [f"warm-up (cold worker): {e}" for e in errors]

        driver = browser(expected)
        try:
            print(
                f"County {args.county}: {expected} municipalities from {boundaries.name}; "
                f"{args.runs} runs, interleaved (each run starts with the next page in turn) "
                f"× {args.changes} changes of each kind; Chromium "
                f"{driver.capabilities.get('browserVersion', '?')}; gunicorn -c "
                "python:app.gunicorn_conf for all\n"
            )
            names = list(servers)
            for run in range(args.runs):
                order = names[run % len(names) :] + names[: run % len(names)]
                for name in order:
                    if results[name].error is None:
                        try:
                            measure(driver, servers[name], results[name], args.changes)
                        except BenchError as exc:
                            results[name].error = f"run {run + 1}: {exc}"
        finally:
            driver.quit()
        report(results, args.details)
        if failures:
            raise SystemExit(failures[0])
        if any(r.error for r in results.values()):
            raise SystemExit(1)
    finally:
        for server in servers.values():
            stop(server)
        cache.cleanup()


if __name__ == "__main__":
    main()
