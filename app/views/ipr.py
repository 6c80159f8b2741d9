"""IPR-sammenligning: the councils side by side: per member the specific and common measures,
per 1 000 inhabitants, and a table whose figures add up."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, dcc, html

from app import figures, ids
from app.components import graph_config
from app.model import Council, View, councils, progress_of
from app.router import link
from app.state import PageState
from geo import norsk

NAME = "ipr"
LABEL = "IPR-sammenligning"
PNG = ids.IPR_GRAPH
LIBRARIES: tuple[str, ...] = ()
LIVE = True


def section(view: View) -> html.Section:
    return html.Section(
        [
            html.P(
                "Er belastningen jevnt fordelt i rådet? Søylene viser hver kommunes særskilte "
                "tiltak (navngitt, sted eller region): først dem kommunen skal bidra i, så dem "
                "som bare gjelder kommunens område. De felles tiltakene, som alle kommunene "
                "har, står i tabellen. Under: særskilte tiltak per 1 000 innbyggere. Utvalget "
                "i panelet gjelder.",
                className="text-body-secondary",
            ),
            html.Div(id=ids.IPR_GRAPHS),  # graphs_of(), once shown
            html.Div(id=ids.IPR_TABLE, className="mt-2 table-responsive"),
            html.Div(id=ids.IPR_NOTES),
        ],
        id=ids.section(NAME),
        hidden=True,
    )


def graphs_of(view: View, loads, per_1000) -> list[dcc.Graph]:
    config = graph_config(view.prefix)
    return [
        dcc.Graph(id=ids.IPR_GRAPH, figure=loads, config=config, style={"height": "520px"}),
        dcc.Graph(
            id=ids.IPR_PER_1000_GRAPH,
            figure=per_1000,
            config=config,
            style={"height": "480px"},
        ),
    ]


def stores(view: View) -> list[dcc.Store]:
    return []


def table(view: View, state: PageState, shown: object = None) -> tuple[pd.DataFrame, str, str]:
    return council_frame(view, state), "ipr-sammenligning", ""


def progress_cells(view: View, state: PageState) -> dict[str, tuple[int, int, int]] | None:
    """Per municipality, the follow-up under the filters: (in progress or done, to report,
    not reported); None where the app keeps no follow-up."""
    if view.access is None:
        return None
    counts = progress_of(view, state)
    return {
        n: (int(counts["progress"][i]), int(counts["open"][i]), int(counts["unreported"][i]))
        for i, n in enumerate(view.numbers)
    }


def progress_cell(cell: tuple[int, int, int] | None) -> str:
    if cell is None or not cell[1]:
        return "–"
    done, total, _ = cell
    return f"{norsk.count(done)} av {norsk.count(total)} ({norsk.decimal(100 * done / total, 0)} %)"


def council_frame(view: View, state: PageState) -> pd.DataFrame:
    """One row per council member with its figures (what the IPR table and its downloads show)."""
    rows = []
    progress = progress_cells(view, state)
    for council in councils(view, state):
        for m in council.members:
            c = m.counts
            cell = progress.get(m.number) if progress else None
            followup = (
                {
                    "Påbegynt eller gjennomført": cell[0] if cell else 0,
                    "Tiltak med rapportering": cell[1] if cell else 0,
                    "Ikke rapportert": cell[2] if cell else 0,
                }
                if progress is not None
                else {}
            )
            rows.append(
                {
                    "Råd": council.name,
                    "Særskilte tiltak for minst én kommune i rådet": council.specific,
                    "Av dem: minst én kommune i rådet skal bidra": council.act,
                    "Tiltak som berører minst én kommune i rådet": council.touching,
                    "Tiltak som nevner rådet eller regionen": len(council.naming),
                    "Kommune": m.name,
                    "Kommunenummer": m.number,
                    "Usikkert medlemskap": m.uncertain or "",
                    "Særskilte tiltak": c.specific,
                    "Kommunen skal bidra": c.act,
                    "Gjelder kommunens område": c.area,
                    "Navngitt": c.named,
                    "Via sted": c.place,
                    "Via region": c.region,
                    "Felles tiltak": c.common,
                    "Alle tiltak": c.total,
                    "Innbyggere": m.inhabitants,
                    "Innbyggertall per 1. januar": view.population_year,
                    "Særskilte per 1 000 innbyggere": round(c.specific_per_1000, 2),
                    "Alle tiltak per 1 000 innbyggere (mest felles tiltak)": round(
                        c.total_per_1000, 2
                    ),
                    **followup,
                }
            )
    return pd.DataFrame(rows)


def _council_rows(council: Council, progress: dict | None = None) -> list:
    naming = ", ".join(council.naming) or "ingen"
    head = html.Tr(
        [
            html.Th(council.name, scope="rowgroup", colSpan=2),
            html.Td(
                [
                    html.Strong(
                        f"{norsk.count(council.specific)} særskilte tiltak for rådets kommuner, "
                        f"{norsk.count(council.act)} av dem der minst én kommune skal bidra",
                        className="council-specific",
                    ),
                    f" (hvert tiltak telt én gang). Med de felles: "
                    f"{norsk.count(council.touching)} tiltak berører minst én kommune i rådet. "
                    f"Tiltak som nevner rådet eller regionen: {len(council.naming)} ({naming})."
                    + (f" Medlem utenfor fylket: {council.outside}." if council.outside else ""),
                ],
                colSpan=6 + (progress is not None),
            ),
        ],
        className="table-light",
    )
    members = [
        html.Tr(
            [
                html.Td(m.name + ("*" if m.uncertain else "")),
                html.Td(norsk.count(m.counts.act), className="text-end"),
                html.Td(norsk.count(m.counts.area), className="text-end"),
                html.Td(norsk.count(m.counts.specific), className="text-end"),
                html.Td(norsk.count(m.counts.common), className="text-end"),
                html.Td(norsk.count(m.counts.total), className="text-end"),
                html.Td(norsk.count(m.inhabitants) if m.inhabitants else "–", className="text-end"),
                html.Td(norsk.decimal(m.counts.specific_per_1000, 2), className="text-end"),
                *(
                    [html.Td(progress_cell(progress.get(m.number)), className="text-end")]
                    if progress is not None
                    else []
                ),
            ]
        )
        for m in council.members
    ]
    return [head, *members]


def council_view(view: View, state: PageState):
    """(stacked bars, per 1 000 bars, table, footnotes) of the IPR comparison."""
    found = councils(view, state)
    progress = progress_cells(view, state)
    year = view.population_year
    suffix = f" ({year})" if year else ""
    header = html.Thead(
        html.Tr(
            [
                html.Th("Kommune", scope="col"),
                html.Th("Skal bidra", scope="col", className="text-end"),
                html.Th("Gjelder området", scope="col", className="text-end"),
                html.Th("Særskilte", scope="col", className="text-end"),
                html.Th("Felles", scope="col", className="text-end"),
                html.Th("Alle", scope="col", className="text-end"),
                html.Th(
                    f"Innbyggere ({year})" if year else "Innbyggere",
                    scope="col",
                    className="text-end",
                ),
                html.Th(f"Særskilte per 1 000{suffix}", scope="col", className="text-end"),
                *(
                    [
                        html.Th(
                            "Fremdrift (påbegynt eller gjennomført)",
                            scope="col",
                            className="text-end",
                            title="Av kommunens særskilte tiltak med rapportering",
                        )
                    ]
                    if progress is not None
                    else []
                ),
            ]
        )
    )
    bodies = [html.Tbody(_council_rows(c, progress)) for c in found]
    table = html.Table(
        [header, *bodies],
        className="table table-sm council-table",
        **{"aria-label": "Tiltak per kommune i hvert råd"},
    )
    notes = [
        html.P(
            f"* Usikkert medlemskap i {c.name}: {m.uncertain}",
            className="small text-body-secondary mb-1",
        )
        for c in found
        for m in c.members
        if m.uncertain
    ]
    return (
        figures.council_load_bars(found),
        figures.council_per_1000_bars(found, year),
        table,
        notes,
    )


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "graphs": Output(ids.IPR_GRAPHS, "children"),
            "table": Output(ids.IPR_TABLE, "children"),
            "notes": Output(ids.IPR_NOTES, "children"),
            "url": Output(ids.canon(NAME), "data"),
        },
        inputs={"asked": Input(ids.ask(NAME), "data")},
        prevent_initial_call=True,
    )
    def render_council_comparison(asked):
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        loads, per_1000, table, notes = council_view(view, state)
        url = link(view, state, asked)
        graphs = graphs_of(view, loads, per_1000)
        return {"graphs": graphs, "table": table, "notes": notes, "url": url}
