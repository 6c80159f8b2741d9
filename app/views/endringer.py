"""Endringer: what changed since the programme's previous revision (one served before it, of
the same county): per municipality what is new or gone in its specific load, and every
measure that was changed, renumbered, split out, added or removed. Computed once at start-up
(geo.revisions); shown only where there is a previous revision."""

from __future__ import annotations

import pandas as pd
from dash import Dash, html

from app import ids
from app.model import View
from app.state import PageState
from geo import norsk
from geo.outputs.changes import measures_frame
from geo.revisions import ProgrammeDiff
from geo.terms import CHANGE_LABELS, COMPARED_FIELDS, Change

NAME = "endringer"
LABEL = "Endringer"
PNG = ids.MAP  # no graph of its own: its PNG is the load map
LIBRARIES: tuple[str, ...] = ()
LIVE = False

BOUNDED = (
    "Sammenligningen er avgrenset: for mange tiltak uten felles nummer til å sammenligne "
    "teksten; de er regnet som fjernet og nye."
)
SHOWN = (Change.CHANGED, Change.RENUMBERED, Change.SPLIT, Change.ADDED, Change.REMOVED)


def summary(diff: ProgrammeDiff) -> str:
    counts = ", ".join(
        f"{norsk.count(diff.count(c))} {CHANGE_LABELS[c].lower()}"
        for c in (Change.UNCHANGED, *SHOWN)
    )
    return f"Sammenlignet med forrige revisjon, «{diff.old_label}»: {counts}."


def _titles(view: View) -> dict[str, str]:
    return {m["id"]: m["title"] for m in view.programme.measures}


def municipality_rows(view: View, diff: ProgrammeDiff) -> list:
    """Per municipality: "Nytt for …" and "Borte for …", in words."""
    titles, old_titles = _titles(view), diff.old_titles
    rows = []
    for m in diff.municipalities:
        new = [
            html.Li(f"{n} {titles.get(n, '')}" + (" (kommunen skal bidra)" if act else ""))
            for n, act in m.new
        ]
        gone = [html.Li(f"{o} {old_titles.get(o, '')}") for o in m.gone]
        rows.append(
            html.Tr(
                [
                    html.Th(m.name, scope="row"),
                    html.Td(html.Ul(new, className="mb-0") if new else "–"),
                    html.Td(html.Ul(gone, className="mb-0") if gone else "–"),
                ]
            )
        )
    return rows


def change_rows(diff: ProgrammeDiff) -> list:
    rows = []
    for c in diff.measures:
        if c.change not in SHOWN:
            continue
        certainty = ""
        if c.old and c.new and (c.change != Change.CHANGED or c.uncertain):
            certainty = norsk.decimal(c.confidence, 2) + (" (må bekreftes)" if c.uncertain else "")
        rows.append(
            html.Tr(
                [
                    html.Td(CHANGE_LABELS[c.change]),
                    html.Td(c.old or "–"),
                    html.Td(c.new or "–"),
                    html.Td(c.title),
                    html.Td(", ".join(COMPARED_FIELDS[f] for f in c.fields) or "–"),
                    html.Td(certainty or "–"),
                ]
            )
        )
    return rows


def section(view: View) -> html.Section:
    diff = view.changes
    if diff is None:
        return html.Section(id=ids.section(NAME), hidden=True)
    return html.Section(
        [
            html.P(summary(diff), id=ids.ENDRINGER_SUMMARY),
            *([html.P(BOUNDED, className="text-danger")] if diff.notes else []),
            html.P(
                "Utvalget i panelet gjelder ikke her: listene viser hele programmet.",
                className="small text-body-secondary",
            ),
            html.H2("Nytt og borte i hver kommunes særskilte tiltak", className="h5 mt-3"),
            html.Div(
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th("Kommune", scope="col"),
                                    html.Th("Nytt for kommunen", scope="col"),
                                    html.Th("Borte for kommunen", scope="col"),
                                ]
                            )
                        ),
                        html.Tbody(municipality_rows(view, diff)),
                    ],
                    className="table table-sm",
                    id=ids.ENDRINGER_KOMMUNER,
                ),
                className="table-responsive",
            ),
            html.H2("Endrede, nye og fjernede tiltak", className="h5 mt-3"),
            html.Div(
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(h, scope="col")
                                    for h in (
                                        "Endring",
                                        "Nummer før",
                                        "Nummer nå",
                                        "Tittel",
                                        "Endret i",
                                        "Sikkerhet",
                                    )
                                ]
                            )
                        ),
                        html.Tbody(change_rows(diff)),
                    ],
                    className="table table-sm",
                    id=ids.ENDRINGER_TABELL,
                ),
                className="table-responsive",
            ),
            html.P(
                "Tiltak er koblet på nummer og tekst; sikkerheten er fra 0 til 1. Under 0,85, "
                "og tiltak som er delt ut av et annet, må fylkeskommunen bekrefte.",
                className="small text-body-secondary",
            ),
        ],
        id=ids.section(NAME),
        hidden=True,
    )


def stores(view: View) -> list:
    return []


def register(app: Dash, view: View) -> None:
    """Nothing changes while the app runs: the section is built at start-up."""


def table(view: View, state: PageState, shown: object = None) -> tuple[pd.DataFrame, str, str]:
    diff = view.changes
    frame = measures_frame(diff) if diff is not None else pd.DataFrame()
    return frame, "endringer", ""
