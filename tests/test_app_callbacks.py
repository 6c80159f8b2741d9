"""Every view's callbacks, called through Dash's real HTTP endpoint (Flask test client)."""

from __future__ import annotations

import base64
import codecs
import csv
import io
import json
import zipfile
from urllib.parse import urlencode

import openpyxl
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from app.model import make_view
from app.testing import callback_payload
from geo.terms import Metric
from tests.conftest import HOSTILE_TITLE


@pytest.fixture(scope="module")
def view(app_bundle):
    return make_view(app_bundle)


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def call(app, client, output: str, values: dict, changed: list[str]):
    """POST a callback request the way the browser does; returns the decoded answer."""
    payload = callback_payload(app.callback_map, output, values, changed)
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return json.loads(response.get_data())


CONTROLS = {
    "view.value": "kart",
    "metric.value": "specific",
    "role.value": "",
    "layout.value": "kart",
    "bakgrunn.value": False,
}


# URL <-> controls ------------------------------------------------------------------------------


def test_link_to_a_municipality_sets_the_controls(dash_app, client):
    body = call(dash_app, client, "url.search", {"url.search": "?kommune=3101"}, ["url.search"])
    out = body["response"]
    assert out["kommune-select"]["value"] == "3101" and out["view"]["value"] == "kommune"
    assert out["url"]["search"] == "?view=kommune&kommune=3101"  # canonical


URL_KEYS = ["view", "kommune", "metric", "year", "plan", "theme", "strategy", "actor", "role"]
URL_KEYS += ["layout", "tiltak", "slide", "bakgrunn", "via", "x"]
URL_VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["²", "³", "٣", "2026", "3105", "9" * 5000, "-4", "<b>", "%zz", "", "1"]),
)


def sync(url: str, app, search: object) -> dict:
    """The URL callback's answer over real HTTP for a `url.search` value."""
    payload = callback_payload(
        app.callback_map, "url.search", {"url.search": search}, ["url.search"]
    )
    response = requests.post(f"{url}/_dash-update-component", json=payload, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return response.json()["response"]


def assert_valid_controls(out: dict, view) -> None:
    """Every control holds its default or one of its choices, never what was typed."""
    choices = view.choices
    assert out["view"]["value"] in ("kart", "kommune", "tiltak", "ipr")
    assert out["kommune-select"]["value"] in (None, *choices.numbers)
    assert out["metric"]["value"] in [m.value for m in Metric]
    assert out["year"]["value"] in (None, *choices.years)
    assert out["plan"]["value"] in (None, *choices.plans)
    assert out["theme"]["value"] in (None, *choices.themes)
    assert out["strategy"]["value"] in (None, *choices.strategies)
    assert out["tiltak-select"]["value"] in (None, *choices.measure_ids)


@pytest.mark.parametrize(
    ("search", "kept"),
    [
        ("?year=²", ""),
        ("?year=٢٠٢٦", ""),  # Arabic-Indic digits: isdigit() says yes, the year says no
        ("?year=" + "9" * 5000, ""),
        ("?slide=³", ""),
        ("?slide=" + "9" * 5000, ""),
        ("?view=x&metric=nonsense&year=abc&via=,,&kommune=0000", ""),
        ("?%zz%&plan=99&slide=-4&kommune=3105", "?view=kommune&kommune=3105"),
        ("?" + "q" * 3000, ""),
        ("?year=²&year=2026", "?year=2026"),  # the last value counts
    ],
)
def test_malformed_url_values_fall_back_to_the_default(dash_app, app_url, view, search, kept):
    out = sync(app_url, dash_app, search)
    assert out["url"]["search"] == kept
    assert_valid_controls(out, view)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(query=st.lists(st.tuples(st.sampled_from(URL_KEYS), URL_VALUES), max_size=6))
def test_any_url_gives_valid_controls_and_a_canonical_link(dash_app, app_url, view, query):
    search = "?" + urlencode(query)
    out = sync(app_url, dash_app, search)
    assert_valid_controls(out, view)
    canonical = out["url"]["search"] if "url" in out else search  # absent: already canonical
    again = sync(app_url, dash_app, canonical)
    assert assert_valid_controls(again, view) is None and "url" not in again  # a fixed point


@pytest.mark.parametrize("search", [5, None, ["?year=2026"], {"year": 2026}])
def test_a_search_that_is_not_text_gives_the_default_view(dash_app, app_url, search):
    out = sync(app_url, dash_app, search)
    assert out["view"]["value"] == "kart" and out.get("url", {"search": ""})["search"] == ""


def test_controls_write_the_url(dash_app, client):
    values = {
        **CONTROLS,
        "metric.value": "share",
        "year.value": 2026,
        "plan.value": "3",
        "url.search": "",
    }
    body = call(dash_app, client, "url.search", values, ["metric.value"])
    assert body["response"]["url"]["search"] == "?metric=share&plan=3&year=2026"
    assert "view" not in body["response"]  # controls are not rewritten


def test_map_click_opens_the_municipality(dash_app, client):
    click = {"points": [{"location": "3105", "z": 98}]}
    values = {**CONTROLS, "url.search": "", "map.clickData": click}
    body = call(dash_app, client, "url.search", values, ["map.clickData"])
    out = body["response"]
    assert out["view"]["value"] == "kommune" and out["kommune-select"]["value"] == "3105"
    assert "kommune=3105" in out["url"]["search"]


def test_slide_buttons_step_and_wrap(dash_app, client):
    values = {**CONTROLS, "url.search": "?slide=15"}
    body = call(dash_app, client, "url.search", values, ["slide-next.n_clicks"])
    assert body["response"]["url"]["search"] == ""  # 16 slides: back to 0
    body = call(
        dash_app, client, "url.search", {**values, "url.search": ""}, ["slide-prev.n_clicks"]
    )
    assert body["response"]["url"]["search"] == "?slide=15"


def test_pages_and_views(dash_app, client):
    body = call(
        dash_app, client, "main-page.hidden", {"url.pathname": "/presentasjon"}, ["url.pathname"]
    )
    assert body["response"]["main-page"]["hidden"] is True
    assert body["response"]["presentation-page"]["hidden"] is False
    body = call(dash_app, client, "section-kart.hidden", {"view.value": "ipr"}, ["view.value"])
    assert body["response"]["section-ipr"]["hidden"] is False
    assert body["response"]["section-kart"]["hidden"] is True


# Map -----------------------------------------------------------------------------------------


def ops_of(body: dict) -> dict:
    patch = body["response"]["map"]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    return {tuple(op["location"]): op["params"]["value"] for op in patch["operations"]}


def test_recolour_is_a_small_patch(dash_app, client, app_bundle):
    values = {**CONTROLS, "metric.value": "share", "url.search": ""}
    body = call(dash_app, client, "map.figure", values, ["metric.value"])
    paths = ops_of(body)
    z = paths[("data", 0, "z")]
    share = app_bundle.index.metric("share")
    assert len(z) == 12 and z == pytest.approx(list(share), abs=1e-4)
    assert (
        paths[("data", 0, "colorbar", "title")]["text"] == "Andel av tiltakene (1/n<br>per tiltak)"
    )
    assert paths[("layout", "title", "text")].startswith("Andel av tiltakene (1/n per tiltak)")
    assert len(json.dumps(body)) < 10_000


def test_the_default_map_colours_specific_measures_from_zero(dash_app, client):
    body = call(dash_app, client, "map.figure", {**CONTROLS, "url.search": ""}, ["metric.value"])
    paths = ops_of(body)
    assert paths[("data", 0, "zmin")] == 0 and paths[("data", 0, "showscale")] is True
    assert paths[("data", 0, "colorbar", "tickformat")] == ",d"  # whole numbers
    assert isinstance(paths[("data", 0, "colorbar", "dtick")], int)
    assert paths[("data", 0, "z")][2] == 9 and max(paths[("data", 0, "z")]) == 9  # Sarpsborg
    words = json.dumps(body["response"]["map-words"]["children"], ensure_ascii=False)
    assert "I tillegg: 88–93 felles tiltak der kommunen er med som én av alle kommunene" in words


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"plan.value": "2"}, "Alle kommunene har samme verdi: særskilte tiltak"),
        ({"actor.value": "Ingen slik aktør"}, "Ingen tiltak i dette utvalget"),
    ],
)
def test_a_flat_map_is_said_in_words(dash_app, client, changes, said):
    values = {**CONTROLS, "url.search": "", **changes}
    body = call(dash_app, client, "map.figure", values, ["plan.value"])
    paths = ops_of(body)
    assert paths[("data", 0, "showscale")] is False  # no scale stretched over equal values
    words = json.dumps(body["response"]["map-words"]["children"], ensure_ascii=False)
    assert said in words


def test_layout_change_redraws_the_tiles(dash_app, client):
    values = {**CONTROLS, "layout.value": "ruter", "url.search": ""}
    body = call(dash_app, client, "map.figure", values, ["layout.value"])
    figure = body["response"]["map"]["figure"]
    assert len(figure["data"][0]["geojson"]["features"]) == 12
    assert not any(
        "Kartverket" in a.get("text", "") for a in figure["layout"].get("annotations", [])
    )


def test_filters_change_the_values(dash_app, client):
    values = {**CONTROLS, "metric.value": "named", "plan.value": "1", "url.search": ""}
    body = call(dash_app, client, "map.figure", values, ["plan.value"])
    ops = {
        tuple(op["location"]): op["params"]["value"]
        for op in body["response"]["map"]["figure"]["operations"]
    }
    z = ops[("data", 0, "z")]
    assert z[:4] == [
        1,
        0,
        1,
        2,
    ]  # plan 1 names Halden and Sarpsborg in 1.3.2, Fredrikstad also in 1.6.3


# Kommune ---------------------------------------------------------------------------------------


def test_kommune_table_and_summary(dash_app, client):
    values = {**CONTROLS, "kommune-select.value": "3105", "url.search": ""}
    body = call(dash_app, client, "kommune-summary.children", values, ["kommune-select.value"])
    out = body["response"]
    assert out["kommune-summary"]["children"] == (
        "Sarpsborg: 97 tiltak berører kommunen – 9 særskilte (2 navngitt, 5 via sted, "
        "2 via region) og 88 felles for alle kommunene. Per 1 000 innbyggere (2024): "
        "0,15 særskilte · 1,62 alle. 1 til nevner kommunen bare i et organisasjonsnavn "
        "(telles ikke)."
    )
    rows = out["kommune-grid"]["rowData"]
    row = next(r for r in rows if r["id"] == "1.3.2")
    assert row["via"] == "navngitt, som en av kommunene" and row["rolle"] == "mål, aktør"
    assert row["klasse"] == "named" and row["klasse_tekst"] == "navngitt"
    assert next(r for r in rows if r["id"] == "2.9.3")["klasse"] == "organisation"
    start, end = row["belegg_marks"][0]
    assert row["belegg"][start:end] == "Sarpsborg"


def test_kommune_table_follows_filters(dash_app, client):
    # Hvaler in plan 3 as a target: 3.3.1 names Oslofjorden; the commons are all as actors.
    values = {**CONTROLS, "kommune-select.value": "3110", "plan.value": "3", "role.value": "target"}
    body = call(dash_app, client, "kommune-summary.children", {**values, "url.search": ""},
                ["role.value"])  # fmt: skip
    rows = body["response"]["kommune-grid"]["rowData"]
    assert [r["id"] for r in rows] == ["3.3.1"]
    assert body["response"]["kommune-summary"]["children"].startswith(
        "Hvaler: 1 tiltak berører kommunen – 1 særskilte (0 navngitt, 1 via sted, 0 via region) "
        "og 0 felles for alle kommunene. Per 1 000 innbyggere (2024): 0,21 særskilte"
    )


def test_no_municipality_chosen(dash_app, client):
    body = call(
        dash_app,
        client,
        "kommune-summary.children",
        {**CONTROLS, "kommune-select.value": None},
        ["kommune-select.value"],
    )
    assert body["response"]["kommune-grid"]["rowData"] == []


def test_selected_row_shows_the_whole_measure_as_text(dash_app, client):
    body = call(
        dash_app,
        client,
        "kommune-detail.children",
        {"kommune-grid.selectedRows": [{"id": "1.3.2"}]},
        ["kommune-grid.selectedRows"],
    )
    text = json.dumps(body, ensure_ascii=False)
    assert "Gjennomføre områdesatsing" in text and "2025-2029" in text
    assert "dangerously" not in text and "Markdown" not in text


# Tiltak and IPR ---------------------------------------------------------------------------------


def test_measure_view_highlights_by_via(dash_app, client):
    body = call(
        dash_app,
        client,
        "tiltak-map.figure",
        {"tiltak-select.value": "3.6.5", "layout.value": "kart"},
        ["layout.value"],
    )
    figure = body["response"]["tiltak-map"]["figure"]
    trace = figure["data"][0]
    ticks = dict(zip(trace["colorbar"]["tickvals"], trace["colorbar"]["ticktext"], strict=True))
    places = [
        n for n, z in zip(trace["locations"], trace["z"], strict=True) if ticks[z] == "Via sted"
    ]
    assert sorted(places) == ["3101", "3103", "3105", "3112"]
    assert "Tiltak 3.6.5" in figure["layout"]["title"]["text"]
    assert "Pilgrimsleden" in json.dumps(body["response"]["tiltak-detail"], ensure_ascii=False)


def test_choosing_another_measure_patches_colours_only(dash_app, client):
    body = call(
        dash_app,
        client,
        "tiltak-map.figure",
        {"tiltak-select.value": "2.8.3", "layout.value": "ruter"},
        ["tiltak-select.value"],
    )
    patch = body["response"]["tiltak-map"]["figure"]
    ops = {tuple(op["location"]): op["params"]["value"] for op in patch["operations"]}
    assert ops[("layout", "title", "text")] == "Tiltak 1.4.2"  # found by its alias 2.8.3
    assert len(ops[("data", 0, "z")]) == 12
    assert "geojson" not in json.dumps(patch) and len(json.dumps(body)) < 5_000


def test_council_comparison(dash_app, client):
    values = {**CONTROLS, "url.search": ""}
    body = call(dash_app, client, "ipr-graph.figure", values, ["metric.value"])
    out = body["response"]
    loads = out["ipr-graph"]["figure"]
    assert [t["name"] for t in loads["data"]] == [
        "Særskilte (navngitt, sted, region)",
        "Felles for alle kommunene",
    ]
    assert loads["layout"]["barmode"] == "stack"
    assert loads["layout"]["yaxis"]["rangemode"] == "tozero"
    councils, members = loads["data"][0]["x"]
    assert list(dict.fromkeys(councils)) == [
        "Mosseregionen IPR",
        "Indre Østfold regionråd",
        "Søndre Østfold regionråd",
    ]
    assert len(members) == 12 and "Aremark*" in members  # uncertain membership marked
    per_1000 = out["ipr-per1000-graph"]["figure"]
    assert per_1000["layout"]["title"]["text"] == "Særskilte tiltak per 1 000 innbyggere (2024)"
    table = json.dumps(out["ipr-table"], ensure_ascii=False)
    assert "Vestby" in table and "59 771" in table  # Sarpsborg's inhabitants, Norwegian format
    # Moss 96 + Råde 96 + Våler 93 tiltak, but as a union: the 93 with "kommunene" and
    # 3.3.1, 3.5.1, 3.11.8 (the other specific ones of Moss and Råde also name "kommunene").
    assert "96 tiltak berører minst én kommune i rådet (hvert tiltak telt én gang)" in table
    notes = json.dumps(out["ipr-notes"], ensure_ascii=False)
    assert "Usikkert medlemskap i Søndre Østfold regionråd: Aremark" in notes


# Downloads and presentation ----------------------------------------------------------------------

# What the grid reports: its rows after its own filters, in its order (only the ids count: the
# server builds the rows itself, so a browser cannot put its own text into a download).
ROWS = [
    {"id": "2.7.5", "tittel": '=HYPERLINK("http://evil.example";"x")'},
    {"id": "1.3.2", "tittel": "Ignorert", "belegg": "@SUM(A1)"},
    {"id": "9.9.9"},
    "not a row",
]


def decoded(data: dict) -> bytes:
    return base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode()


@pytest.mark.parametrize(
    "button", ["download-csv-button", "download-xlsx-button", "download-html-button"]
)
def test_downloads(dash_app, client, button):
    values = {
        "kommune-grid.virtualRowData": ROWS,
        "url.search": "?view=kommune&kommune=3105&metric=share",
        f"{button}.n_clicks": 1,
    }
    body = call(dash_app, client, "download.data", values, [f"{button}.n_clicks"])
    data = body["response"]["download"]["data"]
    if button == "download-csv-button":
        assert data["filename"] == "tiltak-Sarpsborg.csv"
        raw = decoded(data)
        assert raw.startswith(codecs.BOM_UTF8)
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:4] == ["Tiltak", "Tittel", "Hvordan", "Plan"]
        assert [r[0] for r in rows[1:]] == ["2.7.5", "1.3.2"]  # the grid's order, known ids
        assert rows[2][1].startswith("Gjennomføre områdesatsing i levekårsutsatte områder")
        assert rows[2][2] == "navngitt"
        assert "evil" not in raw.decode("utf-8-sig") and "@SUM" not in raw.decode("utf-8-sig")
    elif button == "download-xlsx-button":
        book = openpyxl.load_workbook(io.BytesIO(decoded(data)))
        sheet = book["tiltak"]
        assert sheet["A1"].value == "Tiltak" and sheet["A1"].font.bold
        assert [sheet["A2"].value, sheet["A3"].value, sheet["A4"].value] == ["2.7.5", "1.3.2", None]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H3"
    else:
        assert data["filename"] == "tiltakskart.html"
        assert "Andel (1/n per tiltak)" in data["content"] or "Andel" in data["content"]
        assert "leaflet" in data["content"].lower()


def test_slides(dash_app, client):
    body = call(
        dash_app,
        client,
        "slide-title.children",
        {"url.search": "?slide=1", "url.pathname": "/presentasjon"},
        ["url.search"],
    )
    out = body["response"]
    assert out["slide-title"]["children"] == "Halden"
    assert out["slide-counter"]["children"] == "2 / 16"  # title, 12 municipalities, 3 councils
    body = call(
        dash_app,
        client,
        "slide-title.children",
        {"url.search": "", "url.pathname": "/presentasjon"},
        ["url.search"],
    )
    assert body["response"]["slide-title"]["children"] == "Handlingsprogram 2025–2028"
    assert "125 tiltak" in json.dumps(body["response"]["slide-body"], ensure_ascii=False)


@pytest.mark.parametrize("search", ["?slide=²", "?slide=" + "9" * 5000, "?slide=16", "?slide=-1"])
def test_a_malformed_slide_shows_the_title_slide(dash_app, app_url, search):
    payload = callback_payload(
        dash_app.callback_map,
        "slide-title.children",
        {"url.search": search, "url.pathname": "/presentasjon"},
        ["url.search"],
    )
    response = requests.post(f"{app_url}/_dash-update-component", json=payload, timeout=30)
    assert response.status_code == 200
    out = response.json()["response"]
    assert out["slide-title"]["children"] == "Handlingsprogram 2025–2028"
    assert out["slide-counter"]["children"] == "1 / 16"


def test_start_up_tables(app_bundle):
    view = make_view(app_bundle)
    assert sum(len(rows) for rows in view.rows.values()) > 1100
    assert view.attribution == "Kommunegrenser © Kartverket"


def test_map_title_names_the_filters_and_escapes_them(app_bundle):
    from app.model import map_title
    from app.state import PageState as State

    view = make_view(app_bundle)
    title = map_title(view, State(plan="3", year=2026, actor="<b>NAV</b>"))
    assert "areal og mobilitet" in title and "2026" in title
    assert "&lt;b&gt;NAV&lt;/b&gt;" in title and "<b>NAV" not in title


def test_slide_counts_add_up(app_bundle):
    from app.model import specific_measures
    from app.state import PageState

    view = make_view(app_bundle)
    listed, common, organisation = specific_measures(view, PageState(), "3101")
    assert [m["id"] for m, _ in listed] == ["1.3.2", "3.5.1", "3.3.1", "3.6.5", "3.11.8", "3.12.2"]
    assert [cls for _, cls in listed][:2] == ["named", "named"]  # named first
    assert len(listed) + common == 96 and organisation == 1  # Halden's total; 2.9.3 apart


def test_slides_of_a_municipality_and_a_council_add_up(dash_app, client):
    for slide, title in ((3, "Sarpsborg"), (13, "Mosseregionen interkommunalt politisk råd")):
        body = call(
            dash_app,
            client,
            "slide-title.children",
            {"url.search": f"?slide={slide}", "url.pathname": "/presentasjon"},
            ["url.search"],
        )
        out = body["response"]
        assert out["slide-title"]["children"] == title
        text = json.dumps(out["slide-body"], ensure_ascii=False)
        if title == "Sarpsborg":
            assert out["slide-subtitle"]["children"] == (
                "97 tiltak berører kommunen: 9 særskilte + 88 felles"
            )
            assert "9 særskilte tiltak" in text and "= 97 tiltak i alt" in text
            assert text.count('"1.3.2"') == 1 and "0,15 særskilte" in text
        else:
            assert "Moss: 7 særskilte + 89 felles = 96" in text


# A programme whose text is a formula, served over real HTTP ------------------------------------


def post(url: str, app, output: str, values: dict, changed: list[str]) -> requests.Response:
    payload = callback_payload(app.callback_map, output, values, changed)
    return requests.post(f"{url}/_dash-update-component", json=payload, timeout=30)


@pytest.mark.parametrize("search", ["?view=kommune&kommune=3105", "?view=tiltak&tiltak=1.3.2"])
@pytest.mark.parametrize("button", ["download-csv-button", "download-xlsx-button"])
def test_downloads_never_carry_a_live_formula(hostile_app, search, button):
    app, url = hostile_app
    values = {"url.search": search, f"{button}.n_clicks": 1}
    response = post(url, app, "download.data", values, [f"{button}.n_clicks"])
    assert response.status_code == 200
    data = response.json()["response"]["download"]["data"]
    if button == "download-csv-button":
        rows = list(csv.reader(io.StringIO(decoded(data).decode("utf-8-sig")), delimiter=";"))
        titles = [r[1] for r in rows[1:] if r[0] == "1.3.2"]
        assert titles and all(t.startswith("'" + HOSTILE_TITLE) for t in titles)
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(decoded(data)))["tiltak"]
        cells = [r[1] for r in sheet.iter_rows(min_row=2) if r[0].value == "1.3.2"]
        assert cells and all(
            c.value.startswith(HOSTILE_TITLE) and c.data_type == "s" and c.quotePrefix
            for c in cells
        )
        with zipfile.ZipFile(io.BytesIO(decoded(data))) as book:
            assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")
