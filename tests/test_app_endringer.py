"""The Endringer view: with a previous revision served before it (of the same county), the app
shows what is new or gone for each municipality and every changed measure, and downloads it;
without one there is no such view. In the browser: shown, in Norwegian, with nothing serious
for axe."""

from __future__ import annotations

import pytest
from axe_core_python.selenium import Axe

from app.main import build_app_programme, create_app
from app.model import map_data
from app.several import build_apps, previous_revision
from app.state import PageState
from app.views import download_table
from geo.settings import Settings
from geo.terms import Metric
from tests.conftest import live_server
from tests.test_app_browser import text_of, viewport, wait_for
from tests.test_app_language import scan
from tests.test_revisions import revise


@pytest.fixture(scope="module")
def revised(tmp_path_factory, shared_kommuner):
    _, new = revise(tmp_path_factory.mktemp("revisjon"))
    settings = Settings(
        document=new, boundaries=shared_kommuner / "ostfold-kommuner-2024.geojson", api_url=None
    )
    return build_app_programme(settings)


@pytest.fixture(scope="module")
def changed_app(revised, app_bundle):
    return create_app(revised, previous=app_bundle)


def test_the_view_says_what_is_new_for_each_municipality(changed_app):
    view = changed_app.tiltakskart_view
    assert "endringer" in view.choices.views
    layout = str(changed_app.layout)
    assert "Sammenlignet med forrige revisjon, «handlingsprogram-ostfold-2025-2028.txt»" in layout
    assert "1 nytt nummer" in layout and "1 fjernet" in layout
    sarpsborg = next(m for m in view.changes.municipalities if m.name == "Sarpsborg")
    assert sarpsborg.new == (("3.12.4", True),) and sarpsborg.gone == ("3.12.3",)


def test_without_a_previous_revision_there_is_no_endringer_view(dash_app):
    view = dash_app.tiltakskart_view
    assert view.changes is None and "endringer" not in view.choices.views
    assert "Endringer" not in str(dash_app.layout)
    assert Metric.NEW not in view.choices.metrics
    assert view.choices.state({"metric": "new"}).metric == Metric.ACT  # a link: the default


def test_the_map_colours_by_what_is_new_for_each_municipality(changed_app):
    view = changed_app.tiltakskart_view
    assert Metric.NEW in view.choices.metrics
    data = map_data(view, PageState(metric=Metric.NEW))
    new = dict(zip(view.names, data.values, strict=True))
    assert new["Sarpsborg"] == new["Rakkestad"] == 1 and sum(new.values()) == 2
    assert data.label == "Nye særskilte tiltak siden forrige revisjon" and data.whole
    assert data.customdata[view.names.index("Sarpsborg")][-1] == "3.12.4"


def test_its_download_is_the_list_of_changes(changed_app):
    view = changed_app.tiltakskart_view
    frame, name, _ = download_table(view, PageState(view="endringer"))
    assert name == "endringer" and list(frame.columns)[:3] == ["Endring", "Nummer før", "Nummer nå"]
    assert ("3.12.2", "3.12.9") in set(zip(frame["Nummer før"], frame["Nummer nå"], strict=True))


def test_the_previous_revision_is_the_last_served_before_of_the_same_county(revised, app_bundle):
    assert previous_revision([app_bundle, revised], 1) is app_bundle
    assert previous_revision([app_bundle, revised], 0) is None
    router = build_apps([app_bundle, revised])
    assert len(router.apps) >= 3  # two programmes and the API


@pytest.mark.browser
def test_the_view_in_the_browser(changed_app, browser):
    viewport(browser, 1366, 768)
    with live_server(changed_app.server) as url:
        browser.get(f"{url}/?view=endringer")
        wait_for(browser, lambda b: "Nytt for kommunen" in text_of(b, "#section-endringer"))
        rows = browser.find_elements("css selector", "#endringer-kommuner tbody tr")
        sarpsborg = next(r.text for r in rows if r.text.startswith("Sarpsborg"))
        assert "3.12.4 Fremme viktige farledstiltak" in sarpsborg
        assert "(kommunen skal bidra)" in sarpsborg and "3.12.3 Gjenåpne Østre linje" in sarpsborg
        assert "Nytt nummer 3.12.2 3.12.9" in text_of(browser, "#endringer-tabell")
        assert scan(browser) == []
        browser.get(f"{url}/?metric=new")
        title = "Nye særskilte tiltak siden forrige revisjon"
        wait_for(browser, lambda b: title in text_of(b, "#map .colorbar"))
        assert scan(browser) == []
        found = {
            v["id"]: (v["impact"], [n["html"][:160] for n in v["nodes"][:3]])
            for v in Axe().run(browser)["violations"]
        }
        assert {k: v for k, v in found.items() if v[0] in ("serious", "critical")} == {}


def test_an_uncertain_match_under_the_same_number_says_it_must_be_confirmed():
    from app.views.endringer import change_rows
    from geo.revisions import MeasureChange, ProgrammeDiff
    from geo.terms import Change

    weak = MeasureChange(
        Change.CHANGED, "3.12.4", "3.12.4", "Utbedre farleder", 0.8, ("title",), True
    )
    sure = MeasureChange(Change.CHANGED, "1.1", "1.1", "Noe", 0.99, ("actors",))
    rows = str(change_rows(ProgrammeDiff("a", "b", (weak, sure), ())))
    assert rows.count("må bekreftes") == 1 and "0,80 (må bekreftes)" in rows


def test_the_newest_revision_is_the_default_and_rev_chooses_another(revised, app_bundle):
    from werkzeug.test import Client

    client = Client(build_apps([app_bundle, revised]))
    assert client.get("/").headers["Location"] == "/program/31-2025-2/"  # the newest
    chosen = client.get("/?rev=31-2025&view=kommune")
    assert chosen.headers["Location"] == "/program/31-2025/?view=kommune"
    unknown = client.get("/?rev=99-1999")  # not served: the newest
    assert unknown.headers["Location"].startswith("/program/31-2025-2/")


def test_published_revisions_are_served_from_the_data_folder(tmp_path):
    from app.tracking import published_documents
    from followup import db
    from followup.uploads import Uploads

    settings = Settings(data_dir=tmp_path, api_url=None)
    uploads = Uploads(db.open_database(None, tmp_path, create=True))
    text = b"1.1.1 Et tiltak\n"
    first = uploads.add("2026.txt", text, "fylket")
    uploads.add("utkast.txt", text + b"\n", "fylket")  # not published: not served
    uploads.set_report(first, {"measures": 1}, True)
    uploads.publish(first, "fylket")
    ((_, path),) = published_documents(settings)
    assert path.name == "2026.txt" and path.read_bytes() == text
    assert path.parent.parent == tmp_path / "revisjoner"
