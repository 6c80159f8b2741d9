"""What a user waits for in a real browser (headless Chromium, 1366×768, the Østfold
boundaries): map click → the municipality's measures shown, view switch, filter change → map
redrawn, and a slide step. Each time runs from the user's input event (mousedown or keydown,
stamped in the page) until the result is on screen (polled every animation frame in the
page). Prints medians over --runs repetitions.

Run: python bench/browser.py [--runs 7] [--kommuner ../shared/kommuner] [--url URL]
With --url it measures a running server instead of starting `tiltakskart serve`.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
CHROMEDRIVER = "/usr/bin/chromedriver"

# Stamps each user input and each Plotly repaint with performance.now().
PROBE = """
if (!window.__bench) {
  window.__bench = {input: 0, plotted: {}};
  performance.setResourceTimingBufferSize(100000);
  const stamp = () => { window.__bench.input = performance.now(); };
  document.addEventListener('mousedown', stamp, true);
  document.addEventListener('keydown', stamp, true);
  const hook = () => document.querySelectorAll('.js-plotly-plot').forEach(gd => {
    if (gd.__benchHooked || !gd.on) return;
    gd.__benchHooked = true;
    const id = gd.parentElement.id;
    gd.on('plotly_afterplot', () => { window.__bench.plotted[id] = performance.now(); });
  });
  hook();
  new MutationObserver(hook).observe(document.body, {childList: true, subtree: true});
}
"""
# Resolves with [ms until `condition()` holds, ms until the last callback answer is in (none
# for 300 ms after it), callback requests sent], all from the last input.
WAIT = """
const done = arguments[arguments.length - 1];
const condition = new Function('t0', arguments[0]);
const t0 = window.__bench.input;
const limit = performance.now() + 15000;
const calls = () => performance.getEntriesByType('resource').filter(
  e => e.name.includes('_dash-update-component') && e.startTime >= t0 - 1);
let shownAt = null;
(function poll() {
  const now = performance.now();
  if (shownAt === null) {
    let ok = false;
    try { ok = condition(t0); } catch (e) { ok = false; }
    if (ok) shownAt = now;
  }
  const sent = calls();
  const last = Math.max(shownAt || 0, ...sent.map(e => e.responseEnd || now));
  if (shownAt !== null && now - last > 300) {
    done([shownAt - t0, last - t0, sent.length]);
  } else if (now > limit) { done(null); }
  else { requestAnimationFrame(poll); }
})();
"""
VISIBLE = "const e = document.querySelector('{sel}'); return !!e && e.offsetParent !== null"
POINT_IN = """
const path = [...document.querySelectorAll('#map .choroplethlocation')][arguments[0]];
const box = path.getBBox(), matrix = path.getScreenCTM();
const p = path.ownerSVGElement.createSVGPoint();
const inside = [];
for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
  p.x = box.x + box.width * i / 20; p.y = box.y + box.height * j / 20;
  if (!path.isPointInFill(p)) continue;
  const q = p.matrixTransform(matrix);
  const hit = document.elementFromPoint(q.x, q.y);
  if (hit && !hit.closest('text')) inside.push([q.x, q.y]);
}
if (!inside.length) return null;
// the point nearest the middle of the area's points: well inside it, not on an edge
const mx = inside.reduce((s, q) => s + q[0], 0) / inside.length;
const my = inside.reduce((s, q) => s + q[1], 0) / inside.length;
inside.sort((a, b) => Math.hypot(a[0] - mx, a[1] - my) - Math.hypot(b[0] - mx, b[1] - my));
return [Math.round(inside[0][0]), Math.round(inside[0][1])];
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kommuner: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env["TILTAKSKART_DEVELOPMENT"] = "1"  # a generated login secret will do
    env.update(TILTAKSKART_API_URL="off", TILTAKSKART_SSB_URL="off")
    log = open(os.path.join(tempfile.gettempdir(), "tiltakskart-bench-browser.log"), "ab")  # noqa: SIM115
    boundaries = str(kommuner / "ostfold-kommuner-2024.geojson")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--boundaries", boundaries],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if requests.get(url + "/", timeout=1).status_code == 200:
                return url, server
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the app did not start; see {log.name}")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1366,768")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False},
    )
    return driver


def settle(driver, seconds: float = 0.6) -> None:
    """Let the page finish what the last action started (callbacks, repaints)."""
    time.sleep(seconds)
    driver.execute_script(PROBE)


def wait_ms(driver, condition: str) -> tuple[float, float, int]:
    """(ms until shown, ms until every answer is in, callback requests) after the input."""
    result = driver.execute_async_script(WAIT, condition)
    if result is None:
        raise SystemExit(f"timed out waiting for: {condition}")
    return tuple(result)


def open_page(driver, url: str) -> None:
    driver.get(url)
    driver.execute_script(PROBE)
    deadline = time.time() + 30
    while time.time() < deadline:
        if (
            driver.execute_script(
                "return document.querySelectorAll('#map .choroplethlocation').length"
            )
            >= 12
        ):
            break
        time.sleep(0.05)
    settle(driver, 1.0)


def click_at(driver, x: int, y: int) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(x, y).click()
    actions.perform()
    ActionChains(driver).reset_actions()


def click_label(driver, text: str) -> None:
    label = driver.execute_script(
        "return [...document.querySelectorAll('label')]"
        ".find(l => l.textContent.trim() === arguments[0] && l.offsetParent !== null)",
        text,
    )
    if label is None:
        raise SystemExit(f"no visible label {text!r}")
    rect = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2]",
        label,
    )
    click_at(driver, round(rect[0]), round(rect[1]))


def shown(name: str) -> str:
    """The Kommune view shows the municipality's measures (list or grid rows)."""
    return (
        "const s = document.querySelector('#section-kommune');"
        "if (!s || s.hidden || s.offsetParent === null) return false;"
        "const summary = document.querySelector('#kommune-summary')?.textContent || '';"
        f"if (!summary.includes('{name}')) return false;"
        "return !!document.querySelector("
        "'#section-kommune .kommune-measure, #section-kommune .ag-row');"
    )


def map_click(driver, base: str, runs: int) -> list:
    """Click a municipality on the map until its measures show in the Kommune view."""
    times = []
    targets = [(2, "Sarpsborg"), (0, "Halden"), (3, "Fredrikstad"), (9, "Rakkestad")]
    for k in range(runs):
        index, name = targets[k % len(targets)]
        open_page(driver, base + "/?view=kart")
        point = driver.execute_script(POINT_IN, index)
        click_at(driver, *point)
        times.append(wait_ms(driver, shown(name)))
    return times


VIEW_READY = {
    "Kart": "return document.querySelector('#section-kart').offsetParent !== null && "
    "document.querySelector('#map .choroplethlocation').getBBox().width > 0",
    "Kommune": shown("Sarpsborg").replace("return false;", "return false;", 1),
    "Tiltak": "return document.querySelector('#section-tiltak').offsetParent !== null && "
    "document.querySelector('#tiltak-map .choroplethlocation')?.getBBox().width > 0",
    "IPR-sammenligning": "return document.querySelector('#section-ipr').offsetParent !== null && "
    "document.querySelectorAll('#section-ipr .trace.bars path').length > 0",
}


def view_switch(driver, base: str, runs: int) -> list:
    """Switch views with the view buttons (each switch is one sample)."""
    open_page(driver, base + "/?view=kart&kommune=3105&tiltak=1.3.2")
    times = []
    order = ["Kommune", "Tiltak", "IPR-sammenligning", "Kart"]
    for k in range(runs * len(order)):
        target = order[k % len(order)]
        click_label(driver, target)
        times.append(wait_ms(driver, VIEW_READY[target]))
        settle(driver)
    return times


def filter_change(driver, base: str, runs: int) -> list:
    """Change what the map shows (the metric) until the map has repainted with it."""
    open_page(driver, base + "/?view=kart")
    times = []
    metrics = ["Alle tiltak (særskilte og felles)", "Særskilte tiltak (navngitt, sted, region)"]
    for k in range(runs):
        click_label(driver, metrics[k % 2])
        word = "Alle tiltak" if k % 2 == 0 else "Særskilte tiltak"
        times.append(
            wait_ms(
                driver,
                "return (window.__bench.plotted['map'] || 0) > t0 && "
                f"(document.querySelector('#map .gtitle')?.textContent || '').startsWith('{word}')",
            )
        )
        settle(driver)
    return times


def slide_step(driver, base: str, runs: int) -> list:
    """Step to the next slide with the arrow key until its title and map are shown."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.get(base + "/presentasjon?slide=1")
    driver.execute_script(PROBE)
    time.sleep(2.0)
    settle(driver)
    times = []
    for _ in range(runs):
        before = driver.execute_script(
            "return document.querySelector('#slide-counter').textContent"
        )
        ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
        times.append(
            wait_ms(
                driver,
                f"return document.querySelector('#slide-counter').textContent !== '{before}' && "
                "(window.__bench.plotted['slide-map'] || 0) > t0",
            )
        )
        settle(driver)
    return times


def report(name: str, samples: list[tuple[float, float, int]], target: float) -> None:
    shown = [s[0] for s in samples]
    settled = [s[1] for s in samples]
    requests_ = [s[2] for s in samples]
    print(
        f"{name:<42} shown: median {statistics.median(shown):5.0f} ms (max {max(shown):.0f}; "
        f"target ≤ {target:.0f}); all answers in: median {statistics.median(settled):5.0f} ms; "
        f"callback requests: median {statistics.median(requests_):.0f}; n={len(samples)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    parser.add_argument("--url", help="measure this running server")
    args = parser.parse_args()
    server = None
    base = args.url
    if base is None:
        base, server = start_server(args.kommuner)
    driver = browser()
    try:
        report(
            "map click -> municipality's measures shown", map_click(driver, base, args.runs), 500
        )
        report("view switch", view_switch(driver, base, args.runs), 500)
        report("filter change -> map redrawn", filter_change(driver, base, args.runs), 300)
        report("slide step (arrow key)", slide_step(driver, base, args.runs), 300)
    finally:
        driver.quit()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
