"""The first page load in a handful of requests, none of them waiting on another.

Dash's page asks for some twenty scripts and stylesheets, then (once they have run) for its
layout and callbacks, then for the dcc chunks the layout renders; Plotly, once it has loaded,
asks for the map's geometry and its base topojson. Here, built once at start-up:

- one script: Dash's scripts in the order Dash lists them, the dcc chunks the first view renders
  (graph and dropdown: registered before they are asked for, so webpack loads none), the app's
  own scripts, and the base topojson, set where Plotly looks before fetching it;
- one stylesheet;
- the layout and callbacks in the page itself: a small script answers the renderer's two
  fetches of them, once each, from JSON carried in the page (later ones go to the server);
- per geometry the first figure draws, a script that sets it where Plotly looks first
  (`window.PlotlyGeoAssets`, by the URL the figure names), fetched in parallel with the rest.
"""

from __future__ import annotations

import base64
import html
import json
import pkgutil
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from dash.fingerprint import check_fingerprint

from app import served

# The dcc chunks the first view renders; webpack would fetch each when first needed.
FIRST_VIEW_CHUNKS = ("dcc/async-graph.js", "dcc/async-dropdown.js")
DCC_MAIN = "dcc/dash_core_components-shared"  # the chunks follow dcc's own scripts
SCRIPT = re.compile(r'<script src="([^"]+)"></script>')
INLINE = re.compile(r"<script>.*?</script>", re.DOTALL)
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
SOURCE_MAP = re.compile(rb"^\s*//# sourceMappingURL=\S*\s*$", re.MULTILINE)
SUITES = "_dash-component-suites/"
ASSETS = "assets/"
# brotli quality: what Dash's compressor used for these files; 3× faster than 9 for 1 % more
# bytes (Norway's geometry: 191 kB against 189 kB, 18 ms against 52 ms)
FAST = 5

# Answers the renderer's first fetch of its layout and of its callbacks from the page.
FIRST_ANSWERS = """<script>
(function () {
    var own = window.fetch, answered = {};
    window.fetch = function (input, init) {
        var method = (init && init.method) || "GET";
        if (typeof input === "string" && method.toUpperCase() === "GET") {
            var path = new URL(input, window.location.href).pathname;
            var node = !answered[path] && document.querySelector(
                'script[type="application/json"][data-answers="' + CSS.escape(path) + '"]');
            if (node) {
                answered[path] = true;
                return Promise.resolve(new Response(node.textContent, {
                    status: 200, headers: {"Content-Type": "application/json"}}));
            }
        }
        return own.apply(this, arguments);
    };
})();
</script>"""


@dataclass(frozen=True)
class FirstLoad:
    """What the page carries instead of Dash's tags: its scripts' and stylesheet's tags, and
    the inline answers; `files` are served at content-named URLs (app.served)."""

    head: str  # the fetch answers and the stylesheet
    body: str  # the geometry scripts, the bundle, the answers' JSON, Dash's inline scripts
    favicon: str
    files: tuple[served.Served, ...]
    sources: tuple[str, ...] = ()  # the URLs whose files the bundle and stylesheet hold
    moved: dict[str, str] = field(default_factory=dict)  # name -> URL of the later dcc chunks


def urls_in(tags: str, pattern: re.Pattern[str] = SCRIPT) -> list[str]:
    """The src (or stylesheet href) of each tag in Dash's HTML, in order."""
    return pattern.findall(tags)


def inline_scripts(tags: str) -> list[str]:
    """Dash's inline script tags (clientside callbacks given as code), kept as they are."""
    return INLINE.findall(tags)


def strings_in(data: object) -> Iterator[str]:
    """Every string value in parsed JSON (a layout's URLs among them)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)


def resource(url: str, prefix: str, assets: Path) -> bytes:
    """The bytes Dash serves at `url`: a component suite's file or an asset."""
    path = url.split("?", 1)[0]
    if not path.startswith(prefix):
        raise ValueError(f"not served by this app: {url}")
    rest = path[len(prefix) :]
    if rest.startswith(SUITES):
        namespace, _, fingerprinted = rest[len(SUITES) :].partition("/")
        in_package, _ = check_fingerprint(fingerprinted)
        data = pkgutil.get_data(namespace, in_package)
        if data is None:
            raise ValueError(f"no file for {url}")
        return data
    if rest.startswith(ASSETS):
        return (assets / rest[len(ASSETS) :]).read_bytes()
    raise ValueError(f"not a file Dash serves: {url}")


def joined(parts: Iterable[bytes], script: bool = True) -> bytes:
    """Scripts (or stylesheets) as one file, source map comments dropped (they would name
    files beside the bundle). Each script is ended so the next starts a statement; a leading
    statement keeps a part's "use strict" from becoming the whole bundle's."""
    kept = [SOURCE_MAP.sub(b"", part) for part in parts]
    if not script:
        return b"\n".join(kept) + b"\n"
    return b"void 0;\n" + b"\n;\n".join(kept) + b"\n"


def with_chunks(urls: Sequence[str], prefix: str) -> list[str]:
    """Dash's script URLs with the first view's dcc chunks after dcc's own scripts."""
    chunks = [f"{prefix}{SUITES}dash/{chunk}" for chunk in FIRST_VIEW_CHUNKS]
    at = max((i for i, url in enumerate(urls) if DCC_MAIN in url), default=len(urls) - 1)
    return [*urls[: at + 1], *chunks, *urls[at + 1 :]]


def topojson_script(folder: Path) -> bytes:
    """Plotly's base topojson files, set where Plotly looks before fetching them."""
    lines = ["window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};"]
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        lines.append(f"window.PlotlyGeoAssets.topojson[{json.dumps(path.stem)}] = {_js(data)};")
    return "\n".join(lines).encode("utf-8")


def geometry_script(url: str, geojson: str) -> served.Served:
    """A script that sets the geometry Plotly would fetch from `url`. The GeoJSON is the
    pipeline's own (json.dumps), so it is a JavaScript expression as it is, but for the two
    line separators JSON allows in strings."""
    shapes = geojson.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    text = (
        "(window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}})"
        f"[{json.dumps(url)}] = {shapes};\n"
    )
    return served.script(text.encode("utf-8"), "geo", quality=FAST)


def json_in_html(text: str) -> str:
    """JSON text safe inside a <script> element: no "</script>", no comment opener."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _js(data: object) -> str:
    """JSON as a JavaScript expression (the two line separators JSON allows are escaped)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def favicon_tag(path: Path) -> str:
    """The icon in the page, as a data URL: one request fewer."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<link rel="icon" type="image/x-icon" href="data:image/x-icon;base64,{data}">'


def later_chunks(prefix: str) -> dict[str, str]:
    """Where each other dcc chunk is served (name -> URL). webpack loads a chunk from the folder
    of the script that holds dcc, which is now the bundle's: a view that renders one of these
    (upload, slider, markdown …) asks for it there, and is sent on (app.served)."""
    folder = files("dash").joinpath("dcc")
    return {
        entry.name: f"{prefix}{SUITES}dash/dcc/{entry.name}"
        for entry in folder.iterdir()
        if entry.name.startswith("async-")
        and entry.name.endswith(".js")
        and f"dcc/{entry.name}" not in FIRST_VIEW_CHUNKS
    }


def check_all_read(tags: str, found: int, kind: str) -> None:
    """Every tag of `kind` in Dash's HTML was understood (a script of a kind the bundle does not
    read, such as a module, would otherwise be left out of the page without a word)."""
    written = tags.count(f"<{kind}")
    if written != found:
        raise RuntimeError(
            f"app.bundle read {found} of the {written} <{kind}> tags Dash writes; teach it the "
            f"others (or leave them out of the page with TiltakskartDash.left_out): {tags[:300]}"
        )


def first_load(
    prefix: str,
    scripts_html: str,
    css_html: str,
    answers: dict[str, str],
    geometries: dict[str, str],
    assets: Path | None = None,
) -> FirstLoad:
    """Build the page's files from Dash's script and stylesheet tags (`scripts_html`,
    `css_html`, as Dash generates them), `answers` (path -> JSON text the renderer fetches)
    and `geometries` (URL -> GeoJSON text of each the first figure draws)."""
    assets = assets or Path(str(files("app").joinpath("assets")))
    script_urls = urls_in(scripts_html)
    check_all_read(scripts_html, len(script_urls) + len(inline_scripts(scripts_html)), "script")
    sources = with_chunks(script_urls, prefix)
    scripts = [resource(url, prefix, assets) for url in sources]
    # Dash checks that its page loads a script named like its renderer: this one holds it.
    bundle = served.script(
        joined([topojson_script(assets / "topojson"), *scripts]),
        "dash_renderer-and-more",
        quality=FAST,
    )
    css_urls = urls_in(css_html, STYLESHEET)
    check_all_read(css_html, len(css_urls), "link")
    styles = served.served(
        joined((resource(url, prefix, assets) for url in css_urls), script=False),
        "page",
        ".css",
        "text/css",
        quality=FAST,
    )
    shapes = [geometry_script(url, text) for url, text in geometries.items()]
    # The answers' script first: after the stylesheet it would wait for it, holding the parser.
    head = f'{FIRST_ANSWERS}\n<link rel="stylesheet" href="{served.url_of(prefix, styles)}">'
    # The scripts before the JSON, so that the browser finds them as early as it can; the JSON
    # is in the page before Dash's renderer (the last script) asks for it.
    body = [f'<script src="{served.url_of(prefix, item)}"></script>' for item in shapes]
    body.append(f'<script src="{served.url_of(prefix, bundle)}"></script>')
    body += [
        f'<script type="application/json" data-answers="{html.escape(path)}">'
        f"{json_in_html(text)}</script>"
        for path, text in answers.items()
    ]
    body += inline_scripts(scripts_html)
    return FirstLoad(
        head=head,
        body="\n".join(body),
        favicon=favicon_tag(assets / "favicon.ico"),
        files=(bundle, styles, *shapes),
        sources=tuple(sources + css_urls),
        moved=later_chunks(prefix),
    )
