"""Upload to published, as an administrator does it in headless Chromium: the bundled programme
as a PDF uploaded on /brukere, read with "Les inn" (the Dash background job: the disk-cache
manager), its report seen, published. Prints each step's time and the whole, median of runs.

    python bench/uploads.py [--runs 3]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(ROOT))

from app.main import build_app_programme, create_app  # noqa: E402
from app.tracking import open_followup  # noqa: E402
from followup.records import UserRole  # noqa: E402
from geo.resources import default_document  # noqa: E402
from geo.settings import Settings  # noqa: E402
from tests.conftest import chromium_options, live_server, start_chromium  # noqa: E402
from tests.documents import programme_pdf  # noqa: E402

ADMIN = ("fylket", "passord-fylket-1")


def text_of(browser, css: str) -> str:
    found = browser.find_elements("css selector", css)
    return found[0].text if found else ""


def until(browser, test, timeout: float = 300.0) -> None:
    end = time.monotonic() + timeout
    while not test(browser):
        if time.monotonic() > end:
            raise SystemExit("timed out")
        time.sleep(0.02)


def one_run(kommuner: Path, pdf: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="tiltakskart-bench-") as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            cache_dir=Path(tmp) / "cache",
            secret_key=secrets.token_urlsafe(48),
            boundaries=kommuner / "ostfold-kommuner-2024.geojson",
            api_url=None,
        )
        programme = build_app_programme(settings)
        followup = open_followup(settings, [programme], local=False)
        followup.access.accounts.add(*ADMIN, UserRole.ADMIN)
        app = create_app(programme, followup=followup)
        browser = start_chromium(chromium_options())
        try:
            with live_server(app.server) as url:
                browser.get(f"{url}/logginn")
                browser.find_element("id", "brukernavn").send_keys(ADMIN[0])
                browser.find_element("id", "passord").send_keys(ADMIN[1])
                browser.find_element("css selector", "button[type=submit]").click()
                until(browser, lambda b: "Innlogget" in text_of(b, "#who"))
                browser.get(f"{url}/brukere")
                times = {}
                begun = time.perf_counter()
                browser.find_element("css selector", "input[type=file]").send_keys(str(pdf))
                browser.find_element("xpath", "//button[normalize-space()='Last opp']").click()
                until(browser, lambda b: pdf.name in text_of(b, "#opplasting-liste"))
                times["uploaded and listed"] = time.perf_counter() - begun
                mark = time.perf_counter()
                browser.find_element("id", "opplasting-les").click()
                until(browser, lambda b: "Tiltak funnet" in text_of(b, "#opplasting-rapport"))
                times["read (background job) and report shown"] = time.perf_counter() - mark
                mark = time.perf_counter()
                browser.find_element("id", "opplasting-publiser").click()
                until(browser, lambda b: "Publisert" in text_of(b, "#opplasting-melding"))
                times["published"] = time.perf_counter() - mark
                times["upload to published"] = time.perf_counter() - begun
                return times
        finally:
            browser.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "handlingsprogram-ostfold-2025-2028.pdf"
        pdf.write_bytes(programme_pdf(default_document().read_text(encoding="utf-8")))
        print(f"the bundled programme as PDF: {pdf.stat().st_size / 1e6:.2f} MB")
        runs = [one_run(args.kommuner, pdf) for _ in range(args.runs)]
    for step in runs[0]:
        values = [r[step] for r in runs]
        print(
            f"{step:<40} median {statistics.median(values):6.2f} s  "
            f"(runs: {', '.join(f'{v:.2f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
