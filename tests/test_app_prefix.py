"""The app under a path prefix (behind a proxy at /tiltak/): every link, route and asset URL
the app writes starts with the prefix."""

from __future__ import annotations

import json

import pytest

from app.main import create_app
from app.testing import find_component

PREFIX = "/tiltak/"


@pytest.fixture(scope="module")
def prefixed(app_bundle):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASH_URL_BASE_PATHNAME", PREFIX)
        app = create_app(app_bundle)
    return app.server.test_client()


def hrefs(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props.get("href"), str):
            found.append(props["href"])
        for value in props.values():
            found += hrefs(value)
    elif isinstance(node, list):
        for item in node:
            found += hrefs(item)
    return found


def test_pages_and_links_live_under_the_prefix(prefixed):
    assert prefixed.get(PREFIX).status_code == 200
    assert prefixed.get(PREFIX + "presentasjon").status_code == 200
    assert prefixed.get("/utskrift").status_code == 404  # nothing outside the prefix
    layout = json.loads(prefixed.get(PREFIX + "_dash-layout").data)
    links = hrefs(layout)
    assert PREFIX + "utskrift" in links and PREFIX + "presentasjon" in links
    assert PREFIX in links  # the presentation's way back
    assert [h for h in links if not h.startswith(PREFIX)] == []
    graph = find_component(layout, "map")
    assert graph["config"]["topojsonURL"] == PREFIX + "assets/topojson/"
    assert graph["figure"]["data"][0]["geojson"].startswith(PREFIX + "_tiltakskart/geo-")


def test_the_print_view_links_back_under_the_prefix(prefixed):
    page = prefixed.get(PREFIX + "utskrift?kommune=3105").data.decode()
    assert f'href="{PREFIX}?kommune=3105"' in page
    assert "Sarpsborg" in page
