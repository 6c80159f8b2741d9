"""Build the Dash app: all heavy work once, here, at start-up."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable
from importlib.resources import files

from dash import Dash
from dash._utils import to_json
from flask import request

from app import access as logins
from app import admin, api, bundle, downloads, guard, layout, router, served, uploads
from app.model import View
from app.store import Store
from app.tracking import Followup
from app.views import PAGES, make_view, tabs_for
from geo.errors import InputError
from geo.pipeline import Programme, build_programme
from geo.settings import Settings

PLOTLY = "plotly/plotly-tiltakskart.min.js"  # built by tools/plotly-bundle
INDEX = """<!DOCTYPE html>
<html lang="nb">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        <script>
            // Plotly for dcc.Graph: our partial bundle (geo maps and bars), unless the page asks
            // for the background map, which needs Dash's full bundle (MapLibre). Dash sets the
            // URL it would load; the getter answers with ours. Fetched early (before the
            // stylesheet, which an inline script would wait for), used once.
            (function () {
                var ours = "__PLOTLY_URL__", dash = null;
                var full = /[?&]bakgrunn=1(&|$)/.test(window.location.search);
                window.tiltakskartFullPlotly = full;
                Object.defineProperty(window, "_dashPlotlyJSURL", {
                    configurable: true,
                    get: function () { return full ? dash : ours; },
                    set: function (url) { dash = url; },
                });
                if (!full) {
                    var link = document.createElement("link");
                    link.rel = "preload"; link.as = "script"; link.href = ours;
                    document.head.appendChild(link);
                }
            })();
        </script>
        {%css%}
    </head>
    <body>
        <a class="skip-link" href="#view">Hopp til innholdet</a>
        {%app_entry%}
        <div>
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


# The page asks for the background map (Dash's full Plotly bundle): as the page's script tests.
BACKGROUND = re.compile(r"(^|&)bakgrunn=1(&|$)")
# Scripts Dash puts on every page that this app does not use: Babel's polyfill for browsers
# older than ES2017 (Dash's own bundles and every current browser do without it) and
# dash_table's loader (the app has no DataTable).
UNUSED_SCRIPTS = ("/deps/polyfill@", "/dash_table/bundle.")


class TiltakskartDash(Dash):
    """Dash with some scripts left out of the page (Dash's documented override): the unused
    ones, and those loaded when a view needs them (defer_scripts); and without the server's
    Python version in the page."""

    left_out: tuple[str, ...] = UNUSED_SCRIPTS
    tiltakskart_view: View  # what its views read (the API of several programmes reads it too)
    first_load: bundle.FirstLoad | None = None  # the page's own files, once built
    plotly_url: str = ""  # the partial Plotly bundle

    def kept_scripts(self, scripts: str) -> str:
        """Dash's script tags without those left out."""
        lines = scripts.splitlines()
        return "\n".join(line for line in lines if not any(n in line for n in self.left_out))

    def interpolate_index(self, **kwargs) -> str:
        first = self.first_load
        if first is None:
            kwargs["scripts"] = self.kept_scripts(str(kwargs.get("scripts", "")))
        else:
            scripts = first.body
            if self.plotly_url and not BACKGROUND.search(request.query_string.decode("latin-1")):
                # Plotly runs as soon as it has arrived, before Dash's scripts: the map is drawn
                # the moment its graph mounts, instead of after Plotly is fetched and run then.
                scripts = f'<script src="{self.plotly_url}"></script>\n{scripts}'
            kwargs.update(scripts=scripts, css=first.head, favicon=first.favicon)
        return super().interpolate_index(**kwargs)

    def build_first_load(self, geometries: dict[str, str]) -> bundle.FirstLoad:
        """The page's files (app.bundle) from what Dash would put in the page, with the
        `geometries` (URL -> GeoJSON) of those the layout names. Call once every callback
        is registered: Dash's set-up, which would run on the first request, runs here."""
        prefix = self.config.requests_pathname_prefix
        with self.server.test_request_context(prefix):
            self._setup_server()
            layout = to_json(self.get_layout())
            named = set(bundle.strings_in(json.loads(layout)))
            answers = {
                prefix + "_dash-layout": layout,
                prefix + "_dash-dependencies": to_json(self._callback_list),
            }
            return bundle.first_load(
                prefix,
                self.kept_scripts(self._generate_scripts_html()),
                self._generate_css_dist_html(),
                answers,
                {url: text for url, text in geometries.items() if url in named},
            )

    def _config(self) -> dict:
        """The renderer's config, without the server's Python version (nothing needs it)."""
        config = super()._config()
        config.pop("python_version", None)
        return config


def defer_scripts(app: TiltakskartDash, namespace: str) -> list[str]:
    """Leave a component library's scripts out of the page and return their URLs, for the
    router to load when a view that uses the library first opens (Dash still serves them)."""
    app.left_out = (*app.left_out, f"/_dash-component-suites/{namespace}/")
    return [d["url"] for d in app.get_dist([namespace]) if d["type"] == "_js_dist"]


def build_app_programme(settings: Settings, refresh: bool = False) -> Programme:
    """The programme as the app needs it: read, tagged, with web shapes and population; a
    reading with a problem is an InputError (the app cannot show half a programme)."""
    programme = build_programme(settings, web=True, population=True, refresh=refresh)
    if (problem := programme.problem) is not None:
        raise InputError(
            f"{problem}; run `tiltakskart extract --report` to see it all",
            value=programme.document.name,
            setting="document",
        )
    return programme


def api_login_needed(access: logins.Access | None) -> Callable[[], bool]:
    """Whether an API request must be refused for want of a login (the reading setting)."""
    if access is None or not access.login_to_read:
        return lambda: False
    return lambda: access.user() is None


def create_app(
    programme: Programme,
    store: Store | None = None,
    prefix: str | None = None,
    programmes: tuple[tuple[str, str], ...] = (),
    followup: Followup | None = None,
    previous: Programme | None = None,
) -> Dash:
    """A Dash app over a programme built with its web shapes (geo.pipeline.build_programme,
    `web=True`); `store` is where data that changes while the app runs is read (default: an
    empty read-only one). With several programmes served (app.several), `prefix` is this one's
    path and `programmes` the (label, prefix) of each, for the header's chooser. With
    `followup` (app.tracking.open_followup), statuses come from its database and users log
    in to change them. With `previous` (the revision before it, read and tagged), the
    Endringer view shows what changed."""
    access = None
    if followup is not None:
        store, access = followup.store_for(programme), followup.access
    county = programme.gazetteer.county_name
    app = TiltakskartDash(
        __name__,
        **({"url_base_pathname": prefix} if prefix else {}),
        title=f"Tiltakskart – {county}",
        update_title=None,
        compress=True,
        serve_locally=True,
        assets_folder=str(files("app").joinpath("assets")),
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {
                "name": "description",
                "content": f"Tiltak i handlingsprogrammet for {county}s regionale planer per "
                "kommune.",
            },
        ],
    )
    prefix = app.config.requests_pathname_prefix
    bundled = files("app").joinpath(PLOTLY)
    plotly = served.script(
        bundled.read_bytes(), "plotly", files("app").joinpath(PLOTLY + ".br").read_bytes()
    )
    # Brotli where the browser takes it (every current one does), at a level that costs the
    # server little per response; Dash would otherwise use gzip only.
    app.server.config.update(COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_BR_LEVEL=5)
    app.plotly_url = served.url_of(prefix, plotly)
    app.index_string = INDEX.replace("__PLOTLY_URL__", app.plotly_url)
    # Plotly reads the first figure's geometry from a script (app.bundle): these files are for
    # the other figures and other clients, compressed at the faster level.
    shapes = {kind: served.geometry(s.text, bundle.FAST) for kind, s in programme.web.items()}
    urls = {k: served.url_of(prefix, s) for k, s in shapes.items()}
    changes = None
    if previous is not None:
        from geo.revisions import diff_programmes

        changes = diff_programmes(previous.revision, programme.revision)
    view = make_view(programme, urls, prefix, store, programmes, access, changes)
    app.tiltakskart_view = view
    tabs = tabs_for(changes)
    lazy = {
        tab.NAME: [url for library in tab.LIBRARIES for url in defer_scripts(app, library)]
        for tab in tabs
        if tab.LIBRARIES
    }
    app.layout = layout.serve_layout(view, tabs, PAGES, lazy)
    # The grid arrives with the Kommune view's first answer, so its callback names an id not yet
    # in the layout (a validation layout would make the browser look for ag-grid's scripts).
    app.config.suppress_callback_exceptions = True
    router.register(app, view)
    for tab in tabs:
        tab.register(app, view)
    for page in PAGES:
        page.register(app, view)
    downloads.register(app, view)
    routes = ("", *(page.ROUTE for page in PAGES))
    if access is not None:
        routes += (logins.LOGIN, logins.LOGOUT, admin.ROUTE)
        logins.install(app.server, access, prefix, prefix.rstrip("/") + guard.CALLBACK_PATH)
    routed: tuple[str, ...] = ()
    limits: dict[str, int] = {}
    if followup is not None and access is not None:
        with_uploads = followup.uploads is not None and followup.reading is not None
        admin.install(app.server, view, access, with_uploads)
        if followup.uploads is not None and followup.reading is not None:
            uploads.install(
                app.server,
                prefix,
                access,
                followup.uploads,
                followup.reading,
                followup.jobs,
                followup.served or (programme,),
            )
            routes += (uploads.SEND,)
            routed += (uploads.ROUTE,)
            limits[prefix.rstrip("/") + "/" + uploads.SEND] = uploads.UPLOAD_BODY_BYTES
    if prefix == "/":  # one programme: the API beside it (several: app.several mounts one)
        api.install(app.server, lambda: [view], api_login_needed(access))
        routed += (api.PREFIX.strip("/") + "/",)
    guard.install(app.server, app.callback_map, prefix, routes, routed, limits)
    app.first_load = app.build_first_load(
        {urls[kind]: shape.text for kind, shape in programme.web.items()}
    )
    served.install(
        app.server, [plotly, *shapes.values(), *app.first_load.files], prefix, app.first_load.moved
    )
    served.install_caching(app.server, prefix)
    # Everything built above lives as long as the app: freeze it, so a full collection that
    # happens during a callback does not walk it (bench/scale.py measures the recolour). No
    # collection first: it found some 50 unreachable objects and took 0.1 s of every start.
    gc.freeze()
    return app
