"""Every view's callbacks, called through Dash's real HTTP endpoint (Flask test client)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from app.model import make_view
from app.testing import callback_payload


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
    "metric.value": "geographic",
    "via.value": ["name", "region", "place", "all"],
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


@pytest.mark.parametrize(
    "search",
    ["?view=x&metric=<b>&year=abc&via=,,&kommune=0000", "?%zz%&plan=99&slide=-4", "?" + "q" * 3000],
)
def test_malformed_url_falls_back_without_error(dash_app, client, search):
    body = call(dash_app, client, "url.search", {"url.search": search}, ["url.search"])
    out = body["response"]
    assert out["view"]["value"] == "kart" and out["metric"]["value"] == "geographic"
    assert out["kommune-select"]["value"] is None and out["year"]["value"] is None


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
    values = {**CONTROLS, "url.search": "?slide=12"}
    body = call(dash_app, client, "url.search", values, ["slide-next.n_clicks"])
    assert body["response"]["url"]["search"] == ""  # 13 slides: back to 0
    body = call(
        dash_app, client, "url.search", {**values, "url.search": ""}, ["slide-prev.n_clicks"]
    )
    assert body["response"]["url"]["search"] == "?slide=12"


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


def test_recolour_is_a_small_patch(dash_app, client):
    values = {**CONTROLS, "metric.value": "share", "url.search": ""}
    body = call(dash_app, client, "map.figure", values, ["metric.value"])
    patch = body["response"]["map"]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    paths = {tuple(op["location"]): op["params"]["value"] for op in patch["operations"]}
    z = paths[("data", 0, "z")]
    assert len(z) == 12 and z[2] == pytest.approx(8.7024)  # Sarpsborg's share
    assert paths[("data", 0, "colorbar", "title", "text")] == "Andel (1/n per tiltak)"
    assert paths[("layout", "title", "text")].startswith("Andel (1/n per tiltak)")
    assert len(json.dumps(body)) < 10_000


def test_layout_change_redraws_the_tiles(dash_app, client):
    values = {**CONTROLS, "layout.value": "ruter", "url.search": ""}
    body = call(dash_app, client, "map.figure", values, ["layout.value"])
    figure = body["response"]["map"]["figure"]
    assert len(figure["data"][0]["geojson"]["features"]) == 12
    assert not any(
        "Kartverket" in a.get("text", "") for a in figure["layout"].get("annotations", [])
    )


def test_filters_change_the_values(dash_app, client):
    values = {**CONTROLS, "metric.value": "name", "plan.value": "1", "url.search": ""}
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
        "Tiltak som berører Sarpsborg: 98 (2 navngitt, 7 via region, 8 via sted, "
        "93 som en av kommunene)"
    )
    rows = out["kommune-grid"]["rowData"]
    row = next(r for r in rows if r["id"] == "1.3.2")
    assert row["via"] == "navngitt, som en av kommunene" and row["rolle"] == "mål, aktør"
    start, end = row["belegg_marks"][0]
    assert row["belegg"][start:end] == "Sarpsborg"


def test_kommune_table_follows_filters(dash_app, client):
    values = {**CONTROLS, "kommune-select.value": "3110", "via.value": ["name"], "url.search": ""}
    body = call(dash_app, client, "kommune-summary.children", values, ["via.value"])
    rows = body["response"]["kommune-grid"]["rowData"]
    assert [r["id"] for r in rows] == ["3.5.1"]
    assert body["response"]["kommune-summary"]["children"] == (
        "Tiltak som berører Hvaler: 1 (1 navngitt)"
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
    figure = body["response"]["ipr-graph"]["figure"]
    assert [t["name"] for t in figure["data"]] == [
        "Mosseregionen interkommunalt politisk råd",
        "Indre Østfold regionråd",
        "Søndre Østfold regionråd",
    ]
    assert sum(len(t["y"]) for t in figure["data"]) == 12
    table = json.dumps(body["response"]["ipr-table"], ensure_ascii=False)
    assert table.count("regionråd") >= 2 and "Vestby" in table


# Downloads and presentation ----------------------------------------------------------------------

ROWS = [
    {
        "id": "1.3.2",
        "tittel": "Gjennomføre områdesatsing",
        "plan": "Plan 1",
        "periode": "2025-2029",
        "via": "navngitt",
        "rolle": "mål",
        "belegg": "Sarpsborg",
    }
]


@pytest.mark.parametrize(
    "button", ["download-csv-button", "download-xlsx-button", "download-html-button"]
)
def test_downloads(dash_app, client, button):
    values = {
        "kommune-grid.virtualRowData": ROWS,
        "kommune-select.value": "3105",
        "url.search": "?metric=share",
        f"{button}.n_clicks": 1,
    }
    body = call(dash_app, client, "download.data", values, [f"{button}.n_clicks"])
    data = body["response"]["download"]["data"]
    if button == "download-csv-button":
        assert data["filename"] == "tiltak-Sarpsborg.csv"
        assert data["content"].splitlines()[1].startswith("1.3.2,Gjennomføre")
    elif button == "download-xlsx-button":
        import base64

        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["content"])))
        assert book["tiltak"]["A2"].value == "1.3.2"
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
    assert out["slide-counter"]["children"] == "2 / 13"
    body = call(
        dash_app,
        client,
        "slide-title.children",
        {"url.search": "", "url.pathname": "/presentasjon"},
        ["url.search"],
    )
    assert body["response"]["slide-title"]["children"] == "Handlingsprogram 2025–2028"
    assert "125 tiltak" in json.dumps(body["response"]["slide-body"], ensure_ascii=False)


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
    from app.model import top_measures

    view = make_view(app_bundle)
    shown, more, collective = top_measures(view, "3101", limit=4)
    assert [m["id"] for m in shown[:2]] == ["1.3.2", "3.5.1"]  # named first
    assert len(shown) + more == 8  # 1.3.2 3.5.1 2.7.5 3.3.1 3.5.2 3.6.5 3.11.8 3.12.2
    assert len(shown) + more + collective == 97  # Halden's geographic total
