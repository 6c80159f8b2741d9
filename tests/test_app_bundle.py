"""The page's own files (app/bundle.py): what goes into the bundle, in which order, and how the
JSON carried in the page is kept from ending its script element."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import bundle


def test_json_in_the_page_cannot_close_its_script_element():
    text = json.dumps({"tittel": "</script><script>alert(1)</script><!-- & co"})
    safe = bundle.json_in_html(text)
    assert "<" not in safe and ">" not in safe and "&" not in safe
    assert json.loads(safe) == json.loads(text)


def test_parts_are_joined_as_statements_without_source_maps():
    joined = bundle.joined([b'"use strict";var a=1\n//# sourceMappingURL=a.js.map', b"var b=2"])
    assert not joined.startswith(b'"use strict"')  # not a directive for the whole bundle
    assert b"sourceMappingURL" not in joined
    assert joined.index(b"var a=1") < joined.index(b"var b=2")
    css = bundle.joined([b"a{color:red}", b"b{color:blue}"], script=False)
    assert css == b"a{color:red}\nb{color:blue}\n"


def test_the_first_views_chunks_follow_dccs_own_scripts():
    urls = [
        "/_dash-component-suites/dash/deps/react@18.v1.js",
        "/_dash-component-suites/dash/dcc/dash_core_components.v1.js",
        "/_dash-component-suites/dash/dcc/dash_core_components-shared.v1.js",
        "/_dash-component-suites/dash/html/dash_html_components.v1.js",
    ]
    ordered = bundle.with_chunks(urls, "/")
    assert ordered[3:5] == [
        "/_dash-component-suites/dash/dcc/async-graph.js",
        "/_dash-component-suites/dash/dcc/async-dropdown.js",
    ]
    assert ordered[:3] == urls[:3] and ordered[5:] == urls[3:]


def test_geometry_scripts_keep_line_separators_out_of_the_code():
    item = bundle.geometry_script("/_tiltakskart/geo.geojson", '{"navn":"a\u2028b"}')
    text = item.plain.decode("utf-8")
    assert "\u2028" not in text and "\\u2028" in text
    assert text.startswith("(window.PlotlyGeoAssets = ")
    assert item.name.startswith("geo-") and item.name.endswith(".js")


def test_only_files_dash_serves_are_read(tmp_path: Path):
    (tmp_path / "x.js").write_text("var x;", encoding="utf-8")
    assert bundle.resource("/assets/x.js?m=1", "/", tmp_path) == b"var x;"
    with pytest.raises(ValueError, match="not served by this app"):
        bundle.resource("/other/assets/x.js", "/prefix/", tmp_path)
    with pytest.raises(ValueError, match="not a file Dash serves"):
        bundle.resource("/etc/passwd", "/", tmp_path)


def test_a_tag_the_bundle_cannot_read_stops_the_start():
    tags = (
        '<script src="/assets/a.js"></script>\n<script type="module" src="/assets/b.mjs"></script>'
    )
    with pytest.raises(RuntimeError, match="read 1 of the 2 <script> tags"):
        bundle.check_all_read(tags, len(bundle.urls_in(tags)), "script")
