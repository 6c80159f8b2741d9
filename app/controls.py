"""The controls panel: what the map shows, the filters, the map's layout, and downloads of
what the view shows. Each control's id is in app.ids.CONTROLS, beside the page-state field
it holds."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from app import ids
from app.components import button, dropdown, group, label
from app.model import View, plan_label
from geo.division import COUNTIES_2024
from geo.terms import (
    DEFAULT_METRIC,
    LAYOUT_LABELS,
    METRIC_CHOICE_LABELS,
    ROLE_CHOICE_LABELS,
    Layout,
)

# Controls shown only where they change something (app/assets/style.css, by the view on
# screen, which router.js writes to <html data-view>): the load map's own, and the layout
# that the Kart and Tiltak maps both draw with.
MAP_ONLY = "map-only"
WITH_A_MAP = "with-a-map"
METRIC_OPTIONS = [{"label": label, "value": m} for m, label in METRIC_CHOICE_LABELS.items()]


def strategies(view: View) -> dict[str, str]:
    """Strategy number -> title, in document order."""
    return {
        m["strategy"]: m["strategy_title"] or "" for m in view.programme.measures if m["strategy"]
    }


def controls(view: View) -> html.Div:
    programme = view.programme
    return html.Div(
        [
            html.H2("Utvalg", className="h5 mb-0 d-none d-lg-block"),
            group(
                "Hva kartet viser",
                dbc.RadioItems(
                    id=ids.CONTROLS["metric"],
                    options=[o for o in METRIC_OPTIONS if o["value"] in view.choices.metrics],
                    value=DEFAULT_METRIC,
                ),
                className=MAP_ONLY,
            ),
            label("År", ids.CONTROLS["year"]),
            dropdown(
                ids.CONTROLS["year"],
                "Alle år",
                [{"label": str(y), "value": y} for y in programme.years],
                clearable=True,
            ),
            label("Plan", ids.CONTROLS["plan"]),
            dropdown(
                ids.CONTROLS["plan"],
                "Alle planer",
                [{"label": plan_label(p), "value": key} for key, p in view.plans.items()],
                clearable=True,
            ),
            label("Tema", ids.CONTROLS["theme"]),
            dropdown(
                ids.CONTROLS["theme"],
                "Alle tema",
                [{"label": t, "value": t} for t in view.choices.themes],
                clearable=True,
            ),
            label("Strategi", ids.CONTROLS["strategy"]),
            dropdown(
                ids.CONTROLS["strategy"],
                "Alle strategier",
                [{"label": f"{s} {title}", "value": s} for s, title in strategies(view).items()],
                clearable=True,
            ),
            label("Aktør (i Hvem-feltet)", ids.CONTROLS["actor"]),
            dropdown(
                ids.CONTROLS["actor"],
                "Alle aktører",
                [{"label": a, "value": a} for a in view.choices.actors],
                clearable=True,
            ),
            group(
                "Rolle",
                dbc.RadioItems(
                    id=ids.CONTROLS["role"],
                    value="",
                    options=[
                        {"label": "Alle", "value": ""},
                        *({"label": lab, "value": r} for r, lab in ROLE_CHOICE_LABELS.items()),
                    ],
                ),
            ),
            group(
                "Kartvisning",
                dbc.RadioItems(
                    id=ids.CONTROLS["layout"],
                    value=view.choices.default.layout,
                    options=[
                        {
                            "label": LAYOUT_LABELS[Layout.BOUNDARIES],
                            "value": "kart",
                            "disabled": not programme.has_boundaries,
                        },
                        {"label": LAYOUT_LABELS[Layout.TILES], "value": "ruter"},
                    ],
                ),
                className=WITH_A_MAP,
            ),
            html.Div(county_zoom(view), className=MAP_ONLY),
            dbc.Switch(
                id=ids.CONTROLS["bakgrunn"],
                label="Bakgrunnskart (krever internett)",
                value=False,
                className=f"mt-2 {MAP_ONLY}",
            ),
            html.H2("Last ned det du ser", className="h5 mt-4"),
            html.Div(
                [
                    button(
                        "Tabell (CSV)",
                        ids.DOWNLOAD_CSV,
                        "For Excel på norsk: semikolon, desimalkomma, UTF-8",
                    ),
                    button("Tabell (Excel)", ids.DOWNLOAD_XLSX, "Excel med norske overskrifter"),
                    button(
                        "CSV med komma",
                        ids.DOWNLOAD_CSV_PLAIN,
                        "For andre verktøy: komma, desimalpunktum, UTF-8",
                    ),
                    button("Kart (HTML)", ids.DOWNLOAD_HTML, "Kartet som egen nettside"),
                    button("Bilde (PNG)", ids.DOWNLOAD_PNG, "Kartet eller diagrammet"),
                ]
            ),
            dcc.Download(id=ids.DOWNLOAD),
        ],
        className="controls",
    )


def controls_panel(view: View) -> html.Aside:
    """The controls: beside the result on a wide screen; below a toggle, closed, on a narrow
    one, so that the result comes first (CSS shows the panel at lg and up)."""
    return html.Aside(
        [
            html.Button(
                "Utvalg og nedlasting",
                id=ids.CONTROLS_TOGGLE,
                className="btn btn-outline-primary btn-sm d-lg-none w-100 mt-2",
                **{"aria-controls": ids.CONTROLS_PANEL, "aria-expanded": "false"},
            ),
            dbc.Collapse(controls(view), id=ids.CONTROLS_PANEL, is_open=False),
        ],
        **{"aria-label": "Utvalg"},
    )


def county_zoom(view: View) -> list:
    """On a map of the whole country: a county chooser that zooms the map to the county."""
    counties = view.county_bounds
    if not counties:
        return []
    options = [{"label": "Hele landet", "value": "alle"}] + [
        {"label": f"{COUNTIES_2024.get(n, n)} ({n})", "value": n} for n in counties
    ]
    home = view.programme.gazetteer.county
    return [
        label("Vis fylke", ids.COUNTY),
        # The map opens on the programme's county with its neighbours (app.figures.map_figure).
        dropdown(
            ids.COUNTY,
            "Hele landet",
            options,
            clearable=False,
            value=home if home in counties else "alle",
        ),
    ]
