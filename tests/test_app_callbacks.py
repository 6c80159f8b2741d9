"""Every view's server callbacks, called through Dash's real HTTP endpoint (the Flask test
client, and a real server on 127.0.0.1 for the property tests). The browser's router
(app/assets/router.js) is tested in test_app_browser.py; here each view is asked for a state
the way the router asks it, through its "ask" store."""

from __future__ import annotations

import base64
import codecs
import csv
import datetime as dt
import html
import io
import json
import re
import zipfile
from urllib.parse import urlencode

import openpyxl
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from app.model import drawn_key
from app.state import PageState
from app.testing import callback_payload
from app.views import make_view
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


# What the router puts in a view's "ask" store: the controls' values by name.
RAW = {
    "view": "kart",
    "kommune": None,
    "metric": "act",
    "year": None,
    "plan": None,
    "theme": None,
    "strategy": None,
    "actor": None,
    "role": "",
    "layout": "kart",
    "bakgrunn": False,
    "tiltak": None,
}
DRAWN = drawn_key(PageState())  # what the page's first map shows


def render(app, client, page: str, drawn: object = None, **changes) -> dict:
    """Ask one view (`page`) to render the default state with `changes`; the answer."""
    outputs = {
        "kart": "map.figure",
        "kommune": "kommune-summary.children",
        "tiltak": "tiltak-map-slot.children",
        "ipr": "ipr-graphs.children",
    }
    asked = {**RAW, "view": page, **changes}
    values = {f"ask-{page}.data": asked, f"drawn-{page}.data": drawn}
    out = call(app, client, outputs[page], values, [f"ask-{page}.data"])["response"]
    link = out[f"canon-{page}"]["data"]
    assert link["for"] == asked  # the link says which state it belongs to
    return {**out, "link": link["search"]}


# URL -> controls ------------------------------------------------------------------------------


def test_link_to_a_municipality_sets_the_controls(dash_app, client):
    values = {"url.search": "?kommune=3101", "url.pathname": "/", "synced.data": 4}
    out = call(dash_app, client, "synced.data", values, ["url.search"])["response"]
    assert out["kommune-select"]["value"] == "3101" and out["view"]["value"] == "kommune"
    assert out["synced"]["data"] == 5  # the router runs after every sync
    assert "slide" not in out  # only the presentation reads the slide


URL_KEYS = ["view", "kommune", "metric", "year", "plan", "theme", "strategy", "actor", "role"]
URL_KEYS += ["layout", "tiltak", "slide", "bakgrunn", "via", "x"]
URL_VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["²", "³", "٣", "2026", "3105", "9" * 5000, "-4", "<b>", "%zz", "", "1"]),
)


def sync(url: str, app, search: object, pathname: str = "/") -> dict:
    """The URL callback's answer over real HTTP for a `url.search` value."""
    values = {"url.search": search, "url.pathname": pathname, "synced.data": 0}
    payload = callback_payload(app.callback_map, "synced.data", values, ["url.search"])
    response = requests.post(f"{url}/_dash-update-component", json=payload, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return response.json()["response"]


def controls_of(out: dict) -> dict:
    """The page state the controls now hold, as the router reads them."""
    return {name: out[component]["value"] for name, component in CONTROL_IDS.items()}


CONTROL_IDS = {"view": "view", "kommune": "kommune-select", "tiltak": "tiltak-select"}
CONTROL_IDS |= {k: k for k in RAW if k not in CONTROL_IDS}


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
    assert out["actor"]["value"] in (None, *choices.actors)
    assert out["tiltak-select"]["value"] in (None, *choices.measure_ids)


@pytest.mark.parametrize(
    ("search", "kept"),
    [
        ("?year=²", "?view=kart"),
        ("?year=٢٠٢٦", "?view=kart"),  # Arabic-Indic digits: isdigit() says yes, the year says no
        ("?year=" + "9" * 5000, "?view=kart"),
        ("?slide=³", "?view=kart"),
        ("?slide=" + "9" * 5000, "?view=kart"),
        ("?view=x&metric=nonsense&year=abc&via=,,&kommune=0000", "?view=kart"),
        ("?%zz%&plan=99&slide=-4&kommune=3105", "?view=kommune&kommune=3105"),
        ("?" + "q" * 3000, "?view=kart"),
        ("?year=²&year=2026", "?view=kart&year=2026"),  # the last value counts
        ("?actor=Noen+som+ikke+finnes", "?view=kart"),
    ],
)
def test_malformed_url_values_fall_back_to_the_default(
    dash_app, client, app_url, view, search, kept
):
    out = sync(app_url, dash_app, search)
    assert_valid_controls(out, view)
    # the canonical link the visible view then writes
    shown = controls_of(out)
    answer = render(dash_app, client, **shown | {"page": shown["view"]})
    assert answer["link"] == kept


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True)
@given(query=st.lists(st.tuples(st.sampled_from(URL_KEYS), URL_VALUES), max_size=6))
def test_any_url_gives_valid_controls_and_a_canonical_link(dash_app, client, app_url, view, query):
    out = sync(app_url, dash_app, "?" + urlencode(query))
    assert_valid_controls(out, view)
    shown = controls_of(out)
    canonical = render(dash_app, client, **shown | {"page": shown["view"]})["link"]
    again = sync(app_url, dash_app, canonical)
    assert controls_of(again) == shown  # the canonical link gives back the same controls
    assert canonical.startswith("?view=")  # the link always says which view


@pytest.mark.parametrize("search", [5, None, ["?year=2026"], {"year": 2026}])
def test_a_search_that_is_not_text_gives_the_default_view(dash_app, app_url, view, search):
    out = sync(app_url, dash_app, search)
    assert_valid_controls(out, view)
    assert out["view"]["value"] == "kart" and out["year"]["value"] is None


def test_the_presentation_reads_its_slide_from_the_link(dash_app, app_url):
    assert sync(app_url, dash_app, "?slide=3", "/presentasjon")["slide"]["data"] == 3
    assert sync(app_url, dash_app, "?slide=²", "/presentasjon")["slide"]["data"] == 0


# Map -----------------------------------------------------------------------------------------


def ops_of(figure: dict) -> dict:
    assert figure["__dash_patch_update"] == "__dash_patch_update"
    return {tuple(op["location"]): op["params"]["value"] for op in figure["operations"]}


def test_a_state_already_drawn_sends_nothing_but_the_link(dash_app, client):
    out = render(dash_app, client, "kart", drawn=DRAWN)
    assert set(out) == {"canon-kart", "link"} and out["link"] == "?view=kart"


def test_recolour_is_a_small_patch(dash_app, client, app_bundle):
    out = render(dash_app, client, "kart", drawn=DRAWN, metric="share")
    paths = ops_of(out["map"]["figure"])
    z = paths[("data", 0, "z")]
    share = app_bundle.index.metric("share")
    assert len(z) == 12 and z == pytest.approx(list(share), abs=1e-4)
    title = paths[("data", 0, "colorbar", "title", "text")]
    assert title == "Andel av tiltakene (1/n per tiltak)"
    # Every tick setting is sent (the last figure's must not stay), the title's side is not.
    assert 8 < max(share) < 10  # five round ticks 0–8
    assert paths[("data", 0, "colorbar", "dtick")] == 2
    assert paths[("data", 0, "colorbar", "tickformat")] == ",.0f"
    assert ("data", 0, "colorbar", "title") not in paths
    assert paths[("layout", "title", "text")].startswith("Andel av tiltakene (1/n per tiltak)")
    assert out["link"] == "?view=kart&metric=share"
    assert out["drawn-kart"]["data"]["filters"][0] == "share"
    assert len(json.dumps(out)) < 10_000


def test_the_default_map_colours_what_each_municipality_is_to_act_on(dash_app, client):
    out = render(dash_app, client, "kart", drawn={**DRAWN, "filters": []})
    paths = ops_of(out["map"]["figure"])
    assert paths[("data", 0, "zmin")] == 0 and paths[("data", 0, "showscale")] is True
    assert paths[("data", 0, "colorbar", "tickformat")] == ",d"  # whole numbers
    assert isinstance(paths[("data", 0, "colorbar", "dtick")], int)
    # Sarpsborg is to act on 4 of its 9 specific measures, Fredrikstad on 5 (the most)
    assert paths[("data", 0, "z")][2:4] == [4, 5] and max(paths[("data", 0, "z")]) == 5
    title = paths[("data", 0, "colorbar", "title", "text")]
    assert title == "Særskilte tiltak der kommunen skal bidra (blant aktørene)"
    words = json.dumps(out["map-words"]["children"], ensure_ascii=False)
    assert "I tillegg: 88–93 felles tiltak der kommunen er med som én av alle kommunene" in words


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"plan": "2"}, "Alle kommunene har samme verdi: særskilte tiltak"),
        ({"plan": "2", "theme": "Levekår"}, "Ingen tiltak i dette utvalget"),
    ],
)
def test_a_flat_map_is_said_in_words(dash_app, client, changes, said):
    out = render(dash_app, client, "kart", drawn=DRAWN, **changes)
    paths = ops_of(out["map"]["figure"])
    assert paths[("data", 0, "showscale")] is False  # no scale stretched over equal values
    words = json.dumps(out["map-words"]["children"], ensure_ascii=False)
    assert said in words


def test_layout_change_redraws_the_tiles(dash_app, client):
    out = render(dash_app, client, "kart", drawn=DRAWN, layout="ruter")
    figure = out["map"]["figure"]
    shapes = client.get(figure["data"][0]["geojson"])  # named by URL, served apart
    assert shapes.status_code == 200 and len(shapes.get_json()["features"]) == 12
    assert not any(
        "Kartverket" in a.get("text", "") for a in figure["layout"].get("annotations", [])
    )
    assert out["link"] == "?view=kart&layout=ruter"


def test_filters_change_the_values(dash_app, client):
    out = render(dash_app, client, "kart", drawn=DRAWN, metric="named", plan="1")
    z = ops_of(out["map"]["figure"])[("data", 0, "z")]
    # plan 1 names Halden and Sarpsborg in 1.3.2, Fredrikstad also in 1.6.3
    assert z[:4] == [1, 0, 1, 2]


# Kommune ---------------------------------------------------------------------------------------


def text_of(component: object) -> str:
    return json.dumps(component, ensure_ascii=False)


def test_kommune_view_puts_the_specific_measures_first(dash_app, client):
    out = render(dash_app, client, "kommune", kommune="3105")
    heading, detail = out["kommune-summary"]["children"]
    assert heading == "Sarpsborg: 10 særskilte tiltak og 88 felles – 98 i alt"
    assert detail["props"]["children"] == (
        "Særskilte: 2 navngitt, 5 via sted, 3 via region; kommunen skal bidra i 4, 6 gjelder "
        "kommunens område. Per 1 000 innbyggere (2024): 0,17 særskilte · 1,64 alle. 1 til "
        "nevner kommunen bare i et organisasjonsnavn (telles ikke)."
    )
    specific = text_of(out["kommune-specific"]["children"])
    # By role first (what the region asks of Sarpsborg), then by how the measure concerns it.
    groups = [
        "Særskilte tiltak (10)",
        "Kommunen skal bidra (4)",
        "Navngitt (2)",
        "Via region (2)",
        "Tiltaket gjelder kommunens område (6)",
        "Via sted (5)",
        "Via region (1)",
    ]
    at = [specific.index(g) for g in groups]
    assert at == sorted(at), groups
    ids = re.findall(r'"children": "(\d\.\d+\.\d+)", "className": "measure-id"', specific)
    act, area = ["1.3.2", "3.5.1", "3.11.9", "3.13.1"], ["3.5.2", "3.6.5", "3.11.8", "3.12.2"]
    assert ids == [*act, *area, "3.12.3", "3.3.1"]
    assert "Hvem: " in specific and " · Periode: 2025–2029" in specific  # 1.3.2, one dash
    assert out["kommune-common-summary"]["children"].startswith(
        "Felles tiltak for alle kommunene (88)"
    )
    rows = out["kommune-grid-slot"]["children"]["props"]["rowData"]
    assert len(rows) == 88 and {r["klasse"] for r in rows} == {"common"}
    assert "2.9.3" in text_of(out["kommune-organisation"]["children"])
    assert out["kommune-body"]["hidden"] is False
    assert out["kommune-print"]["href"] == "/utskrift?view=kommune&kommune=3105"
    assert out["link"] == "?view=kommune&kommune=3105"


def test_evidence_is_marked_as_text(dash_app, client):
    out = render(dash_app, client, "kommune", kommune="3105")
    specific = out["kommune-specific"]["children"]
    marks = [m for m in _walk(specific) if m.get("type") == "Mark"]
    assert marks and {m["props"]["children"] for m in marks} >= {"Sarpsborg"}
    # Each mark says what it is and whether it counted; those that did not look different
    said = {m["props"]["children"]: m["props"] for m in marks}
    fjord = said["Oslofjorden"]  # 3.5.2
    assert fjord["title"] == "Oslofjorden – via sted: Halden, Moss, Sarpsborg, Fredrikstad, " + (
        "Hvaler, Råde"
    )
    assert not fjord.get("className")
    uncounted = [p for p in said.values() if p.get("className") == "mark-uncounted"]
    assert uncounted and all(p["title"].endswith("organisasjon – ikke talt med") for p in uncounted)


def _walk(node):
    if isinstance(node, dict):
        yield node
        yield from _walk(node.get("props", {}).get("children"))
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def test_kommune_view_follows_filters(dash_app, client):
    # Hvaler in plan 3 as a target: 3.5.2 names Oslofjorden; the commons are all as actors.
    out = render(dash_app, client, "kommune", kommune="3110", plan="3", role="target")
    heading, _ = out["kommune-summary"]["children"]
    assert heading == "Hvaler: 1 særskilte tiltak og 0 felles – 1 i alt"
    assert out["kommune-grid-slot"]["children"]["props"]["rowData"] == []
    assert text_of(out["kommune-specific"]["children"]).count('"kommune-measure"') == 1


def test_no_municipality_chosen(dash_app, client):
    out = render(dash_app, client, "kommune", kommune=None)
    assert out["kommune-body"]["hidden"] is True and "kommune-grid-slot" not in out
    assert out["kommune-summary"]["children"].startswith("Velg en kommune")


def test_selected_row_shows_the_whole_measure_as_text(dash_app, client):
    body = call(
        dash_app,
        client,
        "..kommune-detail.children..",
        {"kommune-chosen.data": "1.3.2"},
        ["kommune-chosen.data"],
    )
    text = json.dumps(body, ensure_ascii=False)
    assert "Gjennomføre områdesatsing" in text and "2025–2029" in text  # period said once
    assert "dangerously" not in text and "Markdown" not in text


def test_print_view_has_a_page_per_municipality(client):
    one = client.get("/utskrift?kommune=3105").get_data(as_text=True)
    assert one.count('class="page"') == 1 and "Sarpsborg: tiltak i handlingsprogram" in one
    assert "Særskilte tiltak (10)" in one and "Felles tiltak for alle kommunene (88)" in one
    # The why/how text reflowed: the source's hard line breaks gone, its paragraphs and list
    # items kept (3.3.1 has eight bullets)
    whys = re.findall(r'<p class="why">([^<]*)</p>', one)
    assert whys and not any("\n" in w for w in whys)
    assert sum(w.startswith("• ") for w in whys) >= 8
    joined = "• Begrense den negative innvirkningen drift og vedlikehold av fylkesveier har for "
    assert any(w.startswith(joined) for w in whys)  # a bullet over two source lines: one
    # By role first: the 4 Sarpsborg is to act on, then the 5 that concern its area
    act, area = (
        one.index("Kommunen skal bidra (4)"),
        one.index("Tiltaket gjelder kommunens område (6)"),
    )
    assert act < one.index("1.3.2 ") < area < one.index("3.3.1 ")
    every = client.get("/utskrift").get_data(as_text=True)
    assert every.count('class="page"') == 12


@pytest.mark.parametrize("number", ["9999", "<b>x</b>", "3105 "])
def test_print_view_of_an_unknown_municipality_is_a_norwegian_404(client, number):
    response = client.get("/utskrift", query_string={"kommune": number})
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Fant ikke kommunen" in page
    assert html.escape(number) in page and "<b>x</b>" not in page
    assert 'class="page"' not in page
    filtered = client.get("/utskrift?kommune=3105&plan=1").get_data(as_text=True)
    plan = "Plan 1: Regional plan for økt livskvalitet, deltakelse og likeverd"
    assert f"Utvalg: {plan}. " in filtered  # the plan named as in the control and on slides


def test_print_view_shows_programme_text_as_text(hostile_app):
    _, url = hostile_app
    page = requests.get(f"{url}/utskrift?kommune=3105", timeout=30).text
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in page  # escaped, shown as typed
    assert '"http://evil.example"' not in page


# Tiltak and IPR ---------------------------------------------------------------------------------


def test_measure_view_highlights_by_via(dash_app, client):
    out = render(dash_app, client, "tiltak", tiltak="3.6.5")
    graph = out["tiltak-map-slot"]["children"]  # the graph, with the view's first answer
    assert graph["props"]["id"] == "tiltak-map"
    figure = graph["props"]["figure"]
    trace = figure["data"][0]
    ticks = dict(zip(trace["colorbar"]["tickvals"], trace["colorbar"]["ticktext"], strict=True))
    places = [
        n for n, z in zip(trace["locations"], trace["z"], strict=True) if ticks[z] == "Via sted"
    ]
    assert sorted(places) == ["3101", "3103", "3105", "3112"]
    assert "Tiltak 3.6.5" in figure["layout"]["title"]["text"]
    assert "Pilgrimsleden" in text_of(out["tiltak-detail"])
    assert out["link"] == "?view=tiltak&tiltak=3.6.5"


def test_choosing_another_measure_patches_colours_only(dash_app, client):
    out = render(dash_app, client, "tiltak", drawn="ruter", tiltak="2.8.3", layout="ruter")
    ops = ops_of(out["tiltak-map-slot"]["children"])
    title = ("props", "figure", "layout", "title", "text")
    assert ops[title] == "Tiltak 1.4.2"  # found by its alias 2.8.3
    assert out["link"] == "?view=tiltak&layout=ruter&tiltak=1.4.2"
    assert len(ops[("props", "figure", "data", 0, "z")]) == 12
    assert "geojson" not in json.dumps(out) and len(json.dumps(out)) < 5_000


def test_council_comparison(dash_app, client):
    out = render(dash_app, client, "ipr")
    graphs = out["ipr-graphs"]["children"]
    assert [g["props"]["id"] for g in graphs] == ["ipr-graph", "ipr-per1000-graph"]
    loads = graphs[0]["props"]["figure"]
    # Specific measures only, by role, on their own scale; the common ones in the title
    assert [t["name"] for t in loads["data"]] == [
        "Kommunen skal bidra",
        "Tiltaket gjelder kommunens område",
    ]
    assert loads["layout"]["title"]["text"].endswith("(i tillegg 88–93 felles tiltak hver)")
    assert loads["layout"]["barmode"] == "stack"
    assert loads["layout"]["xaxis"]["rangemode"] == "tozero"
    names = [a["text"] for a in loads["layout"]["annotations"]]
    assert names == [
        "<b>Mosseregionen IPR</b>",
        "<b>Indre Østfold regionråd</b>",
        "<b>Søndre Østfold regionråd</b>",
    ]
    rows = loads["data"][0]["y"]
    members = [r for r in rows if r.strip("\u200b")]
    assert len(members) == 12 and "Aremark*" in members  # uncertain membership marked
    act = dict(zip(rows, loads["data"][0]["x"], strict=True))
    area = dict(zip(rows, loads["data"][1]["x"], strict=True))
    assert (act["Sarpsborg"], area["Sarpsborg"]) == (4, 6)
    assert (act["Moss"], area["Moss"]) == (3, 5)
    per_1000 = graphs[1]["props"]["figure"]
    assert per_1000["layout"]["title"]["text"] == "Særskilte tiltak per 1 000 innbyggere (2024)"
    table = text_of(out["ipr-table"])
    assert "Vestby" in table and "59 771" in table  # Sarpsborg's inhabitants, Norwegian format
    # The councils lead with the union of their members' specific measures: 7, 5 and 10
    for union, act_in in ((8, 3), (5, 1), (11, 5)):
        said = f"{union} særskilte tiltak for rådets kommuner, {act_in} av dem der minst én"
        assert said in table, said
    # Moss 97 + Råde 96 + Våler 93 tiltak, but as a union: the 93 with "kommunene" and
    # 3.3.1, 3.5.1, 3.5.2, 3.11.8 (the other specific ones also name "kommunene").
    assert "97 tiltak berører minst én kommune i rådet" in table
    notes = text_of(out["ipr-notes"])
    assert "Usikkert medlemskap i Søndre Østfold regionråd: Aremark" in notes
    assert out["link"] == "?view=ipr"


# Downloads and presentation ----------------------------------------------------------------------


def decoded(data: dict) -> bytes:
    return base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode()


TODAY = dt.date.today().isoformat()


def download(app, client, button: str, shown=None, **changes) -> dict:
    values = {
        "state.data": {**RAW, **changes},
        f"{button}.n_clicks": 1,
        "kommune-shown.data": shown,
    }
    body = call(app, client, "download.data", values, [f"{button}.n_clicks"])
    return body["response"]["download"]["data"]


def test_kommune_downloads_list_its_measures_specific_first(dash_app, client):
    data = download(dash_app, client, "download-csv-button", view="kommune", kommune="3105")
    assert data["filename"] == f"tiltak-Sarpsborg-{TODAY}.csv"
    raw = decoded(data)
    assert raw.startswith(codecs.BOM_UTF8)  # Norwegian Excel: BOM, ';', decimal comma
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    headers = ["Tiltak", "Tittel", "Kommunens del", "Hvordan", "Hvem", "Plan", "Periode", "Via"]
    # No follow-up database here: no status column (test_followup_app has one)
    assert rows[0] == [*headers, "Rolle", "Belegg i teksten", "Sammen med (særskilt)"]
    assert len(rows) == 1 + 99  # 10 specific, 88 common, 1 organisation-only
    # As on screen: those Sarpsborg is to act on, then those that concern its area
    assert [r[2] for r in rows[1:12]] == ["skal bidra"] * 4 + ["gjelder kommunens område"] * 6 + [
        "felles for alle kommunene"
    ]
    kinds = ["navngitt"] * 2 + ["via region"] * 2 + ["via sted"] * 5 + ["via region"]
    assert [r[3] for r in rows[1:11]] == kinds
    assert rows[1][1].startswith("Gjennomføre områdesatsing i levekårsutsatte områder")
    assert rows[1][4].startswith("Fredrikstad; Sarpsborg; Halden og Indre Østfold kommuner")
    assert rows[-1][2] == "bare i et organisasjonsnavn (telles ikke)"
    assert rows[-1][3] == "bare i et organisasjonsnavn"


def test_csv_for_tools_is_plain(dash_app, client):
    data = download(dash_app, client, "download-csv-plain-button", metric="share")
    text = decoded(data).decode("utf-8")
    assert data["filename"] == f"tiltak-per-kommune-{TODAY}-maskinlesbar.csv"
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 13 and rows[0][:2] == ["Kommunenummer", "Kommune"]
    share = rows[0].index("Andel av tiltakene (1/n per tiltak)")
    assert all("." in r[share] or r[share] in ("0", "0.0") for r in rows[1:])


@pytest.mark.parametrize(
    ("changes", "name", "rows"),
    [
        ({"view": "kart"}, "tiltak-per-kommune", 12),
        ({"view": "ipr"}, "ipr-sammenligning", 12),
        ({"view": "tiltak", "tiltak": "3.6.5"}, "tiltak-3.6.5", 12),
    ],
)
def test_each_view_downloads_what_it_shows(dash_app, client, changes, name, rows):
    data = download(dash_app, client, "download-xlsx-button", **changes)
    assert data["filename"] == f"{name}-{TODAY}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(decoded(data)))
    assert book.sheetnames == ["tiltak", "Utvalg"]
    chosen = dict(book["Utvalg"].iter_rows(min_row=2, values_only=True))
    assert chosen["Utvalg i panelet"] == "ingen (alle tiltak)" and chosen["Rader"] == rows
    assert chosen["Revisjon (fil)"] == "handlingsprogram-ostfold-2025-2028.txt"
    sheet = book["tiltak"]
    assert sheet.max_row == 1 + rows and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert all(not str(c.value).islower() for c in sheet[1])  # Norwegian headers, capitalised


GRID_FILTER = {"tittel": {"filterType": "text", "type": "contains", "filter": "vei"}}


def test_the_kommune_download_is_the_table_as_filtered_and_sorted(dash_app, client, app_bundle):
    """The grid reports the rows it shows after its filter and sort: the download has them in
    that order (after the specific ones, as on screen), says the filter in its name and in the
    sheet 'Utvalg'."""
    view = make_view(app_bundle)
    from app.model import kommune_measures

    common = [r["id"] for r in kommune_measures(view, PageState(), "3105").groups["common"]]
    shown = {"ids": common[:3][::-1], "filter": GRID_FILTER}
    data = download(dash_app, client, "download-xlsx-button", shown, view="kommune", kommune="3105")
    assert data["filename"] == f"tiltak-Sarpsborg-tabellfilter-{TODAY}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(decoded(data)))
    ids = [row[0] for row in book["tiltak"].iter_rows(min_row=2, values_only=True)]
    assert len(ids) == 10 + 3 + 1 and ids[10:13] == common[:3][::-1]
    chosen = dict(book["Utvalg"].iter_rows(min_row=2, values_only=True))
    assert chosen["Filter i tabellen"] == "Tittel inneholder «vei» (felles tiltak: 3 av 88)"
    assert chosen["Kommune"] == "Sarpsborg" and chosen["Rader"] == 14
    # Each format and filter has its own name
    names = {
        download(dash_app, client, button, shown, view="kommune", kommune="3105", plan="3")[
            "filename"
        ]
        for button in ("download-csv-button", "download-csv-plain-button")
    }
    assert names == {
        f"tiltak-Sarpsborg-plan-3-tabellfilter-{TODAY}.csv",
        f"tiltak-Sarpsborg-plan-3-tabellfilter-{TODAY}-maskinlesbar.csv",
    }


@pytest.mark.parametrize(
    "shown",
    [
        "x",
        {"ids": ["9.9.9"]},  # not a row of the table
        {"ids": ["1.1.1"] * 500},
        {"ids": [{"$": 1}], "filter": []},
        {"ids": None, "filter": {"tittel": {"type": "<script>", "filter": "x" * 10_000}}},
        {"filter": {"nope": {"type": "contains", "filter": "x"}}},
    ],
)
def test_a_table_report_from_the_browser_is_checked(dash_app, client, shown):
    data = download(dash_app, client, "download-xlsx-button", shown, view="kommune", kommune="3105")
    book = openpyxl.load_workbook(io.BytesIO(decoded(data)))
    assert book["tiltak"].max_row == 1 + 99  # every row: the report is not taken
    chosen = dict(book["Utvalg"].iter_rows(min_row=2, values_only=True))
    assert "<script>" not in str(chosen) and len(str(chosen)) < 2_000


def test_html_map_download(dash_app, client):
    data = download(dash_app, client, "download-html-button", metric="share")
    assert data["filename"] == "tiltakskart.html"
    assert "Andel" in data["content"] and "leaflet" in data["content"].lower()


def test_many_clients_asking_for_html_maps_cost_one_map_each(app_bundle, monkeypatch):
    """The HTML map is the most expensive download: asked for by 16 clients at once it is
    made once (and kept), another filter makes one more; answers are the same for all."""
    import threading

    import app.downloads
    from app.main import create_app

    made = []
    real = app.downloads.build_map

    def counted(*args, **kwargs):
        made.append(kwargs.get("metric"))
        return real(*args, **kwargs)

    monkeypatch.setattr(app.downloads, "build_map", counted)
    fresh = create_app(app_bundle)
    answers: list[str] = []

    def ask(metric: str) -> None:
        client = fresh.server.test_client()
        data = download(fresh, client, "download-html-button", metric=metric)
        answers.append(data["content"])

    threads = [threading.Thread(target=ask, args=("share",)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == 16 and len(set(answers)) == 1 and made == ["share"]
    ask("total")
    assert made == ["share", "total"]


def slide(app, client, number: object, drawn: object = None) -> dict:
    values = {"slide.data": number, "drawn-slide.data": drawn}
    out = call(app, client, "slide-title.children", values, ["slide.data"])["response"]
    assert out["canon-slide"]["data"]["for"] == number
    return {**out, "link": out["canon-slide"]["data"]["search"]}


def test_slides(dash_app, client):
    out = slide(dash_app, client, 1)
    assert out["slide-title"]["children"] == "Halden"
    assert out["slide-counter"]["children"] == "2 / 16"  # title, 12 municipalities, 3 councils
    assert out["link"] == "?slide=1" and out["drawn-slide"]["data"] == "kommune"
    out = slide(dash_app, client, 0)
    assert out["slide-title"]["children"] == "Handlingsprogram 2025–2028"
    assert "125 tiltak" in text_of(out["slide-body"])
    assert out["link"] == ""


def test_a_step_between_municipalities_patches_the_map(dash_app, client):
    out = slide(dash_app, client, 3, drawn="kommune")
    ops = ops_of(out["slide-map-slot"]["children"])
    z = ops[("props", "figure", "data", 0, "z")]
    assert len(z) == 12 and len(json.dumps(out["slide-map-slot"])) < 3_000


@pytest.mark.parametrize("number", ["²", "9" * 5000, 16, -1, None, [3]])
def test_a_malformed_slide_shows_the_title_slide(dash_app, app_url, number):
    payload = callback_payload(
        dash_app.callback_map,
        "slide-title.children",
        {"slide.data": number, "drawn-slide.data": None},
        ["slide.data"],
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
    ids = [m["id"] for m, _ in listed]
    assert ids == ["1.3.2", "3.5.1", "3.5.2", "3.6.5", "3.11.8", "3.12.2", "3.3.1"]
    assert [cls for _, cls in listed][:2] == ["named", "named"]  # named first
    assert len(listed) + common == 97 and organisation == 1  # Halden's total; 2.9.3 apart


def test_slides_of_a_municipality_and_a_council_add_up(dash_app, client):
    for number, title in ((3, "Sarpsborg"), (13, "Mosseregionen interkommunalt politisk råd")):
        out = slide(dash_app, client, number)
        assert out["slide-title"]["children"] == title
        text = json.dumps(out["slide-body"], ensure_ascii=False)
        if title == "Sarpsborg":
            assert out["slide-subtitle"]["children"] == (
                "98 tiltak berører kommunen: 10 særskilte + 88 felles"
            )
            assert "10 særskilte tiltak" in text and "= 98 tiltak i alt" in text
            assert text.count('"1.3.2"') == 1 and "0,17 særskilte" in text
        else:
            assert "8 særskilte tiltak for rådets kommuner, 3 av dem der minst én" in text
            assert "Moss: 8 særskilte (skal bidra i 3)" in text


# A programme whose text is a formula, served over real HTTP ------------------------------------


def post(url: str, app, output: str, values: dict, changed: list[str]) -> requests.Response:
    payload = callback_payload(app.callback_map, output, values, changed)
    return requests.post(f"{url}/_dash-update-component", json=payload, timeout=30)


@pytest.mark.parametrize("search", ["?view=kommune&kommune=3105", "?view=tiltak&tiltak=1.3.2"])
@pytest.mark.parametrize("button", ["download-csv-button", "download-xlsx-button"])
def test_downloads_never_carry_a_live_formula(hostile_app, search, button):
    app, url = hostile_app
    state = dict(pair.split("=") for pair in search.lstrip("?").split("&"))
    values = {"state.data": {**RAW, **state}, f"{button}.n_clicks": 1}
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


def test_municipality_lists_are_built_once(app_bundle):
    # map_data indexes them per municipality: rebuilt per access, recolour was quadratic.
    view = make_view(app_bundle)
    assert view.names is view.names and view.numbers is view.numbers
    assert view.name_of("3105") == "Sarpsborg"


def test_kommune_view_says_with_whom_and_when(dash_app, client, app_bundle):
    """Each specific measure names the other municipalities it picks out; the 'when' strip
    counts the municipality's measures per programme year as the year filter does."""
    from app.model import kommune_counts, year_strip

    out = render(dash_app, client, "kommune", kommune="3105")
    specific = text_of(out["kommune-specific"]["children"])
    assert "Sammen med: Halden, Moss, Råde" in specific  # 3.6.5, the pilgrim route
    # after the specific measures (the result comes first, on a phone too)
    assert specific.index("Særskilte tiltak (10)") < specific.index("Når: aktive tiltak per år")
    view = make_view(app_bundle)
    strip = year_strip(view, PageState(), "3105", 2026)
    assert [y for y, _, _ in strip.years] == [2025, 2026, 2027, 2028]
    for year, specific_n, total in strip.years:
        counts = kommune_counts(view, view.choices.state({"year": year}), "3105")
        assert (specific_n, total) == (counts.specific, counts.total), year
    assert strip.year == 2026 and "3.5.1" in strip.starting and "3.5.1" in strip.ending
    assert year_strip(view, PageState(), "3105", 2031).year is None  # after the programme
