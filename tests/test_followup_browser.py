"""The follow-up in a real headless Chromium: log in, change a status in place, see the map
and the IPR comparison change (also in another user's browser, without reloading), log out,
and be refused."""

from __future__ import annotations

import json
import secrets

import pytest
from axe_core_python.selenium import Axe
from selenium.webdriver.support.ui import Select

from app.main import create_app
from app.testing import status_payload
from app.tracking import open_followup
from followup.records import UserRole
from geo.settings import Settings
from tests.conftest import chromium_options, live_server, start_chromium
from tests.test_app_browser import click, shot, text_of, viewport, wait_for

pytestmark = pytest.mark.browser

EDITOR = ("sarpsborg", "passord-sarpsborg")


@pytest.fixture
def followup_server(app_bundle, tmp_path):
    settings = Settings(data_dir=tmp_path, secret_key=secrets.token_urlsafe(48))
    followup = open_followup(settings, [app_bundle], local=False)
    followup.access.accounts.add(*EDITOR, UserRole.EDITOR, ["3105"])
    app = create_app(app_bundle, followup=followup)
    with live_server(app.server) as url:
        yield url, app


def sarpsborg_on_the_map(browser) -> float | None:
    """Sarpsborg's value in the map's figure, as the browser holds it."""
    return browser.execute_script(
        """const gd = document.querySelector('#map .js-plotly-plot');
        if (!gd || !gd.data) { return null; }
        const i = gd.data[0].locations.indexOf('3105');
        return i < 0 ? null : gd.data[0].z[i];"""
    )


def test_log_in_change_a_status_see_map_and_ipr_change_log_out_and_be_refused(
    followup_server, browser
):
    url, app = followup_server
    # Another user (anonymous) watches the progress map the whole time.
    other = start_chromium(chromium_options())
    try:
        viewport(other, 1366, 768)
        other.get(f"{url}/?metric=progress")
        # "Ikke rapportert": its own class below 0 (the page first holds the default map),
        # named on the colour bar before 0 %.
        wait_for(other, lambda b: (sarpsborg_on_the_map(b) or 0) < 0)
        ticks = "return [...document.querySelectorAll('#map .cbaxis text')].map(t => t.textContent)"
        wait_for(other, lambda b: "Ikke rapportert" in b.execute_script(ticks))
        assert other.execute_script(ticks) == ["Ikke rapportert", "0 %", "50 %", "100 %"]

        browser.get(f"{url}/logginn")
        browser.find_element("id", "brukernavn").send_keys(EDITOR[0])
        browser.find_element("id", "passord").send_keys(EDITOR[1])
        browser.find_element("css selector", "button[type=submit]").click()
        wait_for(browser, lambda b: "Innlogget: sarpsborg" in text_of(b, "#who"))

        browser.get(f"{url}/?view=kommune&kommune=3105&metric=progress")
        wait_for(browser, lambda b: b.find_elements("css selector", ".status-edit"))
        assert "Oppfølging: 0 av 4 påbegynt" in text_of(browser, ".followup-summary")
        form = browser.find_elements("css selector", ".status-edit")[0]
        click(browser, form.find_element("tag name", "summary"))
        Select(form.find_element("tag name", "select")).select_by_visible_text("Pågår")
        form.find_element("tag name", "textarea").send_keys("Oppstart i desember")
        # The form is reachable and named: axe-core finds nothing serious in the open form.
        found = {
            v["id"]: (v["impact"], [n["html"][:160] for n in v["nodes"][:3]])
            for v in Axe().run(browser)["violations"]
        }
        assert {k: v for k, v in found.items() if v[0] in ("serious", "critical")} == {}
        click(browser, form.find_element("tag name", "button"))
        wait_for(browser, lambda b: "Lagret: Pågår." in text_of(b, ".status-note"))
        line = browser.find_elements("css selector", ".measure-status")[0].text
        assert "Status: Pågår" in line and "av sarpsborg" in line
        shot(browser, "followup-kommune-saved")

        # The editor's map shows it at once: 1 of Sarpsborg's 4 in progress.
        kart = "//*[contains(@class, 'view-switch')]//label[normalize-space()='Kart']"
        click(browser, browser.find_element("xpath", kart))
        wait_for(browser, lambda b: sarpsborg_on_the_map(b) == 25)
        # The other user's map, within a poll or two, without reloading.
        wait_for(other, lambda b: sarpsborg_on_the_map(b) == 25, timeout=60)
        shot(other, "followup-map-other-user")

        browser.get(f"{url}/?view=ipr")
        wait_for(browser, lambda b: "Fremdrift" in text_of(b, ".council-table"))
        rows = browser.find_elements("css selector", ".council-table tr")
        sarpsborg = next(r.text for r in rows if r.text.startswith("Sarpsborg"))
        assert sarpsborg.endswith("1 av 4 (25 %)")

        # Log out: the header offers to log in, the view no longer offers to edit …
        browser.get(f"{url}/?view=kommune&kommune=3105")
        wait_for(browser, lambda b: b.find_elements("css selector", "#who button"))
        click(browser, browser.find_element("css selector", "#who button"))
        wait_for(browser, lambda b: text_of(b, "#who") == "Logg inn")
        browser.get(f"{url}/?view=kommune&kommune=3105")
        wait_for(browser, lambda b: b.find_elements("css selector", ".measure-status"))
        assert browser.find_elements("css selector", ".status-edit") == []
        assert "Logg inn for å rapportere status" in text_of(browser, "#kommune-specific")
        # … and a save sent from the page anyway is refused by the server.
        body = status_payload(app.callback_map, "1.3.2", "3105", "gjennomfort", 1)
        answer = browser.execute_async_script(
            """const done = arguments[arguments.length - 1];
            fetch('/_dash-update-component', {method: 'POST',
                  headers: {'Content-Type': 'application/json'}, body: arguments[0]})
              .then(r => r.text()).then(done, e => done(String(e)));""",
            json.dumps(body),
        )
        notes = [v["children"] for k, v in json.loads(answer)["response"].items() if "note" in k]
        assert notes[0]["props"]["children"] == "Logg inn for å endre status."
    finally:
        other.quit()


def test_an_administrator_reaches_the_user_page_from_the_header_and_adds_an_editor(
    followup_server, browser
):
    url, app = followup_server
    accounts = app.tiltakskart_view.access.accounts
    accounts.add("fylket", "passord-fylket-1", UserRole.ADMIN)
    browser.get(f"{url}/logginn")
    browser.find_element("id", "brukernavn").send_keys("fylket")
    browser.find_element("id", "passord").send_keys("passord-fylket-1")
    browser.find_element("css selector", "button[type=submit]").click()
    wait_for(browser, lambda b: "Innlogget: fylket" in text_of(b, "#who"))
    click(browser, browser.find_element("xpath", "//*[@id='who']//a[normalize-space()='Brukere']"))
    wait_for(browser, lambda b: "Brukere og rapportering" in text_of(b, "h1"))
    add = browser.find_element("xpath", "//form[.//button[normalize-space()='Legg til bruker']]")
    add.find_element("name", "brukernavn").send_keys("moss")
    add.find_element("name", "passord").send_keys("passord-moss-12")
    add.find_element("xpath", ".//label[normalize-space()='Moss']/input").click()
    add.find_element("tag name", "button").click()
    wait_for(browser, lambda b: "La til moss (redaktør)." in text_of(b, "[role=status]"))
    assert accounts.get("moss").kommuner == {"3103"}
    found = {
        v["id"]: (v["impact"], [n["html"][:160] for n in v["nodes"][:3]])
        for v in Axe().run(browser)["violations"]
    }
    assert {k: v for k, v in found.items() if v[0] in ("serious", "critical")} == {}
    shot(browser, "followup-brukere")
    # An editor who follows the link is refused, in Norwegian.
    browser.delete_all_cookies()
    browser.get(f"{url}/logginn")
    browser.find_element("id", "brukernavn").send_keys(EDITOR[0])
    browser.find_element("id", "passord").send_keys(EDITOR[1])
    browser.find_element("css selector", "button[type=submit]").click()
    wait_for(browser, lambda b: "Innlogget: sarpsborg" in text_of(b, "#who"))
    assert "Brukere" not in text_of(browser, "#who")
    browser.get(f"{url}/brukere")
    assert "Bare fylkeskommunens administratorer" in text_of(browser, "body")
