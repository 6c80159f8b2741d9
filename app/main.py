"""Build the Dash app: all heavy work once, here, at start-up."""

from __future__ import annotations

from importlib.resources import files

from dash import Dash

from app import callbacks, guard, layout, printview
from app.bundle import Bundle
from app.model import make_view
from app.views import map_figure, map_words

INDEX = """<!DOCTYPE html>
<html lang="nb">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
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


def create_app(bundle: Bundle) -> Dash:
    """A Dash app over a prepared bundle (see app.bundle.build_bundle)."""
    view = make_view(bundle)
    start = view.choices.state({})
    app = Dash(
        __name__,
        title=f"Tiltakskart – {bundle.gazetteer.county_name}",
        update_title=None,
        compress=True,
        serve_locally=True,
        assets_folder=str(files("app").joinpath("assets")),
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {
                "name": "description",
                "content": "Tiltak i handlingsprogrammet for "
                f"{bundle.gazetteer.county_name}s regionale planer per kommune.",
            },
        ],
    )
    app.index_string = INDEX
    app.layout = layout.serve_layout(view, map_figure(view, start), map_words(view, start))
    callbacks.register(app, view)
    prefix = app.config.requests_pathname_prefix
    guard.install(app.server, app.callback_map, prefix)
    printview.install(app.server, view, prefix)
    return app
