"""Build the Dash app: all heavy work once, here, at start-up."""

from __future__ import annotations

from dash import Dash

from app import callbacks, layout
from app.callbacks import _map_figure
from app.model import make_view
from app.state import State
from geo.bundle import Bundle

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
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def create_app(bundle: Bundle) -> Dash:
    """A Dash app over a prepared bundle (see geo.bundle.build_bundle)."""
    view = make_view(bundle)
    start = State(layout="kart" if "boundaries" in bundle.shapes else "ruter")
    app = Dash(
        __name__,
        title="Tiltakskart – Østfold",
        update_title=None,
        compress=True,
        serve_locally=True,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {
                "name": "description",
                "content": "Tiltak i handlingsprogrammet for "
                "Østfolds regionale planer per kommune.",
            },
        ],
    )
    app.index_string = INDEX
    app.layout = layout.serve_layout(view, _map_figure(view, start))
    callbacks.register(app, view)
    return app
