"""Files served at content-named URLs (geometry, the partial Plotly bundle) and cheap reloads:
compressed as the browser takes them, kept for good, the layout answered 304 when unchanged."""

from __future__ import annotations

import gzip
import json
import re

import brotli
from flask import Flask

from app import served
from app.testing import find_component


def test_content_named_files_are_compressed_and_kept(tmp_path):
    item = served.geometry('{"type":"FeatureCollection","features":[]}' * 50)
    assert item.name.startswith("geo-") and item.name.endswith(".geojson")
    assert served.geometry("{}").name != item.name  # the name changes with the content
    server = Flask(__name__)
    served.install(server, [item], "/")
    client = server.test_client()
    url = served.url_of("/", item)
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == item.plain
    assert "immutable" in br.headers["Cache-Control"] and br.mimetype == "application/geo+json"
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == item.plain
    assert client.get(url, headers={"Accept-Encoding": ""}).data == item.plain
    again = client.get(url, headers={"If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert client.get("/_tiltakskart/geo-0000.geojson").status_code == 404


def test_precompressed_bytes_are_used_only_when_they_match():
    data = b"Plotly" * 1000
    good = brotli.compress(data, quality=11)
    assert served.script(data, "plotly", good).brotli == good
    stale = brotli.compress(b"an older bundle", quality=11)
    assert brotli.decompress(served.script(data, "plotly", stale).brotli) == data


def test_a_reload_revalidates_the_layout(dash_app):
    client = dash_app.server.test_client()
    first = client.get("/_dash-layout", headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]  # as the compressor sent it: '"…:br"'
    again = client.get("/_dash-layout", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/_dash-layout", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    plain = client.get("/_dash-layout", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers  # not compressed: the app answers alone
    unchanged = client.get(
        "/_dash-layout",
        headers={"Accept-Encoding": "identity", "If-None-Match": plain.headers["ETag"]},
    )
    assert unchanged.status_code == 304
    asset = client.get("/assets/router.js?m=1")
    assert "immutable" in asset.headers["Cache-Control"]


def test_the_page_leaves_out_unused_scripts_and_the_python_version(dash_app):
    page = dash_app.server.test_client().get("/").get_data(as_text=True)
    bundled = dash_app.first_load.sources  # what the page's bundle and stylesheet hold
    assert [s for s in bundled if "dash_renderer" in s] and [
        s for s in bundled if "async-graph" in s
    ]
    assert not [s for s in bundled if "polyfill@" in s or "dash_table/bundle" in s]
    assert not [s for s in bundled if "dash_ag_grid" in s]  # loaded with its view
    assert "polyfill@" not in page and "dash_table/bundle" not in page
    assert "python_version" not in page
    assert "/_tiltakskart/plotly-" in page


def test_the_page_is_a_handful_of_files(dash_app):
    """One stylesheet, Plotly, the geometry and one bundle of Dash's and the app's scripts in
    the page, the layout and callbacks in it as JSON; Plotly runs first unless the page asks
    for the background map (Dash's full Plotly bundle, which the graph then loads itself)."""
    client = dash_app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert [s.split("/")[-1].rsplit("-", 1)[0] for s in scripts] == [
        "plotly",
        "geo",
        "dash_renderer-and-more",
    ]
    assert len(re.findall(r'<link rel="stylesheet"', page)) == 1
    for route in ("_dash-layout", "_dash-dependencies"):
        inline = page.split(f'data-answers="/{route}">', 1)[1].split("</script>", 1)[0]
        assert json.loads(inline) == json.loads(client.get(f"/{route}").get_data(as_text=True))
    layout = client.get("/_dash-layout").get_data(as_text=True).replace("\\u002f", "/")
    geometry = client.get(scripts[1]).get_data(as_text=True)
    key = re.match(r'\(window\.PlotlyGeoAssets = [^)]*\)\[("[^"]+")\]', geometry)
    assert key and key[1] in layout  # set under the URL the map's figure names
    for url in scripts:
        assert client.get(url).status_code == 200
    background = client.get("/?bakgrunn=1").get_data(as_text=True)
    assert "/_tiltakskart/plotly-" not in re.findall(r'<script src="([^"]+)"', background)[0]
    assert len(re.findall(r'<script src="', background)) == 2


def test_other_dcc_chunks_are_sent_on_from_the_bundles_folder(dash_app):
    """webpack asks for a chunk the bundle does not hold beside the bundle: it is sent on to
    the file Dash serves."""
    client = dash_app.server.test_client()
    moved = client.get("/_tiltakskart/async-upload.js")
    assert moved.status_code == 302
    assert client.get(moved.headers["Location"]).status_code == 200
    assert client.get("/_tiltakskart/async-nothing.js").status_code == 404


def test_start_up_data_is_kept_out_of_the_collector(app_bundle):
    """create_app freezes what it built (whatever froze before: unfrozen first)."""
    import gc

    from app.main import create_app

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    create_app(app_bundle)
    assert gc.get_freeze_count() > 0


def test_the_layout_carries_no_geometry_and_no_search_list(dash_app):
    layout = dash_app.server.test_client().get("/_dash-layout").get_data(as_text=True)
    assert '"coordinates"' not in layout  # the map names its geometry's URL
    search = find_component(json.loads(layout), "tiltak-select")
    assert search["options"] == []  # the measure list comes with the Tiltak view
    # One graph on the page: the map. The hidden views' graphs come with their first answer.
    assert layout.count('"type":"Graph"') == 1 and find_component(json.loads(layout), "map")
