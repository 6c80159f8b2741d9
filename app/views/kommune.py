"""Kommune: what the region asks of one municipality, its specific measures first (grouped by
how they concern it, each with the words that tie it there), then the common ones in a table,
and a printable page for its council."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from importlib.resources import files

import dash_ag_grid as dag
import pandas as pd
from dash import Dash, Input, Output, dcc, html, no_update

from app import ids, status
from app.components import dropdown, evidence, label, measure_detail
from app.model import (
    ORGANISATION,
    KommuneMeasures,
    TableView,
    View,
    YearStrip,
    kommune_heading,
    kommune_measures,
    measure_plan,
    year_strip,
)
from app.router import link
from app.state import PageState
from geo import norsk
from geo.records import MeasureRecord
from geo.terms import CLASS_LABELS, SPECIFIC_CLASSES, SPLIT_HINTS, SPLIT_LABELS, capitalised

NAME = "kommune"
LABEL = "Kommune"
PNG = ids.MAP  # no chart of its own: the map with the municipality outlined (app.downloads)
LIBRARIES: tuple[str, ...] = ("dash_ag_grid",)  # its table's scripts load when the view first opens
LIVE = False

PROMPT = "Velg en kommune i listen eller klikk på kartet."
ROW_HINT = html.P("Velg en rad for å se hele tiltaket.", className="text-body-secondary")


# The Kommune view's columns in its downloads, with their headers (as in the grid).
KOMMUNE_EXPORT = {
    "id": "Tiltak",
    "tittel": "Tittel",
    "del_tekst": "Kommunens del",
    "klasse_tekst": "Hvordan",
    "hvem": "Hvem",
    "plan": "Plan",
    "periode": "Periode",
    "via": "Via",
    "rolle": "Rolle",
    "belegg": "Belegg i teksten",
    "sammen": "Sammen med (særskilt)",
    "status": "Status",  # the follow-up, where the municipality reports on the measure
}

# Text wraps at word boundaries: ag-grid's default breaks inside words.
WRAP = {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px", "wordBreak": "normal"}


GRID_COLUMNS = [
    {
        "field": "id",
        "headerName": "Tiltak",
        "width": 90,
        "sort": "asc",
        "comparator": {"function": "TiltakIdComparator"},
    },
    {
        "field": "tittel",
        "headerName": "Tittel",
        "flex": 3,
        "minWidth": 180,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": WRAP,
    },
    {"field": "status", "headerName": "Status", "width": 130},
    {
        "field": "hvem",
        "headerName": "Hvem",
        "flex": 2,
        "minWidth": 160,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": WRAP,
    },
    {
        "field": "periode",
        "headerName": "Periode",
        "width": 130,
        "wrapText": True,
        "cellStyle": WRAP,
    },
    {"field": "rolle", "headerName": "Rolle", "width": 100},
]


# ag-grid's texts in Norwegian: its own Norwegian locale (app/aggrid), with ours over it.
GRID_TEXTS = {
    "noRowsToShow": "Ingen tiltak å vise",
    "noMatchingRows": "Ingen tiltak passer filteret",
    "pageSizeSelectorLabel": "Rader per side:",
    "ariaPageSizeSelectorLabel": "Rader per side",
    "firstPage": "Første side",
    "lastPage": "Siste side",
    "nextPage": "Neste side",
    "previousPage": "Forrige side",
    "loadingOoo": "Laster …",
    "filterOoo": "Filtrer …",
    "searchOoo": "Søk …",
    "selectAll": "(Velg alle)",
    "selectAllSearchResults": "(Velg alle treff)",
    "blanks": "(Tomme)",
    "noMatches": "Ingen treff",
    "equals": "Er lik",
    "notEqual": "Er ikke lik",
    "blank": "Tom",
    "notBlank": "Ikke tom",
    "empty": "Velg én",
    "lessThan": "Mindre enn",
    "greaterThan": "Større enn",
    "lessThanOrEqual": "Mindre enn eller lik",
    "greaterThanOrEqual": "Større enn eller lik",
    "inRange": "Mellom",
    "inRangeStart": "Fra",
    "inRangeEnd": "Til",
    "contains": "Inneholder",
    "notContains": "Inneholder ikke",
    "startsWith": "Begynner med",
    "endsWith": "Slutter med",
    "andCondition": "OG",
    "orCondition": "ELLER",
    "applyFilter": "Bruk",
    "resetFilter": "Tilbakestill",
    "clearFilter": "Tøm",
    "cancelFilter": "Avbryt",
    "textFilter": "Tekstfilter",
    "numberFilter": "Tallfilter",
    "dateFilter": "Datofilter",
    "setFilter": "Utvalgsfilter",
    "filterTitle": "Filter",
    "columns": "Kolonner",
    "filters": "Filtre",
    "pinColumn": "Fest kolonne",
    "pinLeft": "Fest til venstre",
    "pinRight": "Fest til høyre",
    "noPin": "Ikke fest",
    "autosizeThiscolumn": "Tilpass bredden på denne kolonnen",
    "autosizeAllColumns": "Tilpass bredden på alle kolonner",
    "resetColumns": "Tilbakestill kolonner",
    "sortAscending": "Sorter stigende",
    "sortDescending": "Sorter synkende",
    "sortUnSort": "Fjern sortering",
    "columnFilter": "Kolonnefilter",
    "columnChooser": "Velg kolonner",
    "chooseColumns": "Velg kolonner",
    "page": "Side",
    "of": "av",
    "to": "til",
    "more": "flere",
    "next": "Neste",
    "last": "Siste",
    "first": "Første",
    "previous": "Forrige",
    "ariaFilterInput": "Filterverdi",
    "ariaFilterValue": "Filterverdi",
    "ariaFilteringOperator": "Filtervalg",
    "ariaColumnFiltered": "Kolonnen er filtrert",
    "ariaSortableColumn": "Trykk Enter for å sortere",
    "ariaRowSelect": "Trykk mellomrom for å velge raden",
    "ariaRowDeselect": "Trykk mellomrom for å fjerne valget av raden",
    "ariaSearch": "Søk",
    "ariaSearchFilterValues": "Søk i filterverdier",
    "ariaLabelColumnMenu": "Kolonnemeny",
    "ariaLabelColumnFilter": "Kolonnefilter",
    "ariaLabelDialog": "Dialog",
    "ariaLabelGrid": "Tabell",
    "ariaMenuColumn": "Trykk Alt+pil ned for å åpne kolonnemenyen",
    "ariaFilterMenuOpen": "Åpne filtermenyen",
    "ariaFilterColumn": "Trykk Ctrl+Enter for å åpne filteret",
}
GRID_LOCALE = {
    **json.loads(files("app").joinpath("aggrid/locale-no.json").read_text(encoding="utf-8")),
    **GRID_TEXTS,
}


def section(view: View) -> html.Section:
    """One municipality: a summary, its specific measures grouped and in full, then the common
    ones in a table behind a disclosure, and a printable page for its council."""
    return html.Section(
        [
            html.Div(
                [
                    html.Div(
                        [
                            label("Kommune", ids.KOMMUNE_SELECT),
                            dropdown(
                                ids.KOMMUNE_SELECT,
                                "Velg kommune",
                                [
                                    {"label": f"{name} ({n})", "value": n}
                                    for n, name in view.programme.municipalities
                                ],
                                clearable=False,
                            ),
                        ],
                        className="kommune-pick",
                    ),
                    html.A(
                        "Skriv ut (A4)",
                        id=ids.KOMMUNE_PRINT,
                        href=ids.href(view.prefix, ids.PRINT),
                        target="_blank",
                        className="btn btn-outline-primary btn-sm ms-2 mt-4",
                    ),
                ],
                className="d-flex align-items-start",
            ),
            html.H2(id=ids.KOMMUNE_SUMMARY, className="h5 mt-2", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Div(id=ids.KOMMUNE_SPECIFIC),
                    html.Details(
                        [
                            html.Summary(id=ids.KOMMUNE_COMMON_SUMMARY, className="h6"),
                            html.Div(id=ids.KOMMUNE_GRID_SLOT),  # the grid, once opened
                            html.Div(
                                id=ids.KOMMUNE_DETAIL,
                                className="measure-detail mt-3",
                                tabIndex="0",  # it scrolls: reachable by keyboard
                                **{"aria-live": "polite", "aria-label": "Valgt tiltak"},
                            ),
                        ],
                        id=ids.KOMMUNE_COMMON,
                        className="mt-3",
                    ),
                    html.Div(id=ids.KOMMUNE_ORGANISATION),
                ],
                id=ids.KOMMUNE_BODY,
                hidden=True,
            ),
        ],
        id=ids.section(NAME),
        hidden=True,
    )


def grid(rows: list[dict], statuses: bool = False) -> dag.AgGrid:
    """The Kommune view's table of common measures (with their status when the app keeps a
    follow-up). Sent with the view's first answer, so ag-grid's scripts load only when the
    view opens (app.main.defer_scripts, router.js)."""
    columns = [c for c in GRID_COLUMNS if statuses or c["field"] != "status"]
    return dag.AgGrid(
        id=ids.KOMMUNE_GRID,
        columnDefs=columns,
        rowData=rows,
        defaultColDef={
            "filter": True,
            "sortable": True,
            "resizable": True,
            "floatingFilter": True,
        },
        dashGridOptions={
            "rowSelection": {
                "mode": "singleRow",
                "enableClickSelection": True,
                "checkboxes": False,
            },
            "localeText": GRID_LOCALE,
            "ensureDomOrder": True,
            "animateRows": False,
        },
        getRowId="params.data.id",
        style={"height": "480px"},
        className="ag-theme-quartz",
    )


def kommune_item(
    row: dict, measure: MeasureRecord | None, plan: str = "", follow_up: list | None = None
) -> html.Li:
    """One specific measure: number and title, role and period, the words that tie it to the
    municipality, its follow-up (status, and the form to change it), and the whole measure
    behind a disclosure."""
    period = row["periode"] or "ingen periode oppgitt"
    return html.Li(
        [
            html.Div(
                [html.Span(row["id"], className="measure-id"), " ", row["tittel"]],
                className="measure-heading",
            ),
            html.Div(
                f"Hvem: {row['hvem'] or 'ikke oppgitt'} · Periode: {period}",
                className="small text-body-secondary",
            ),
            html.Div(
                f"Sammen med: {row['sammen']}"
                if row.get("sammen")
                else "Ingen andre kommuner er nevnt særskilt",
                className="small together",
            ),
            html.Div(["«", *evidence(row), "»"], className="evidence small"),
            *(follow_up or []),
            html.Details(
                [
                    html.Summary("Hele tiltaket"),
                    *(measure_detail(measure, plan) if measure else []),
                ],
                className="small measure-more",
            ),
        ],
        className="kommune-measure",
    )


def kommune_specific(
    measures: KommuneMeasures, view: View, follow_up: Callable[[str], list] | None = None
) -> list:
    """The specific measures, first by what they ask of the municipality (it is to act, or
    the measure concerns its area), then by how they concern it: named, place, region."""
    c = measures.counts
    out: list = [html.H3(f"Særskilte tiltak ({norsk.count(c.specific)})", className="h5 mt-2")]
    if not c.specific:
        out.append(
            html.P(
                "Ingen tiltak nevner kommunen, et sted i den eller en region den hører til"
                " i dette utvalget.",
                className="text-body-secondary",
            )
        )
    for role, by_class in measures.split.items():
        n = sum(len(rows) for rows in by_class.values())
        if not n:
            continue
        out.append(
            html.H4(
                [f"{SPLIT_LABELS[role]} ({norsk.count(n)})"],
                className=f"h6 mt-3 mb-1 kommune-role kommune-role-{role}",
            )
        )
        out.append(html.P(SPLIT_HINTS[role], className="small text-body-secondary mb-1"))
        for cls in SPECIFIC_CLASSES:
            rows = by_class[str(cls)]
            if rows:
                out.append(
                    html.H5(
                        f"{capitalised(CLASS_LABELS[cls])} ({norsk.count(len(rows))})",
                        className="small fw-semibold mt-2 mb-1",
                    )
                )
                out.append(
                    html.Ol(
                        [
                            kommune_item(
                                r,
                                view.programme.measure(r["id"]),
                                r["plan"],
                                follow_up(r["id"]) if follow_up else None,
                            )
                            for r in rows
                        ],
                        className="kommune-list",
                    )
                )
    return out


def when_strip(strip: YearStrip) -> html.Div:
    """The municipality's measures by the programme's years, and what starts or ends this
    year: when the work falls."""
    cells = [
        html.Li(
            [
                html.Span(str(year), className="fw-semibold d-block"),
                f"{norsk.count(specific)} særskilte · {norsk.count(total)} i alt",
            ],
            className="when-year" + (" when-now" if year == strip.year else ""),
            **({"aria-current": "date"} if year == strip.year else {}),
        )
        for year, specific, total in strip.years
    ]
    said = []
    if strip.year is not None:
        for verb, ids_ in (("Starter", strip.starting), ("Slutter", strip.ending)):
            listed = ", ".join(ids_) if ids_ else "ingen"
            said.append(f"{verb} i {strip.year}: {listed}.")
    return html.Div(
        [
            html.H3("Når: aktive tiltak per år", className="h6 mt-2 mb-1"),
            html.Ul(cells, className="when-strip list-unstyled d-flex flex-wrap gap-2 mb-1"),
            html.P(" ".join(said), className="small text-body-secondary mb-0") if said else None,
        ],
        className="when",
    )


def summary_heading(heading: str, detail: str) -> list:
    return [heading, html.Span(detail, className="d-block small fw-normal mt-1")]


def common_summary(measures: KommuneMeasures) -> str:
    n = measures.counts.common
    return f"Felles tiltak for alle kommunene ({norsk.count(n)}): vis tabellen"


def organisation_list(measures: KommuneMeasures) -> list:
    rows = measures.groups[ORGANISATION]
    if not rows:
        return []
    return [
        html.P(
            f"Nevner kommunen bare i et organisasjonsnavn ({norsk.count(len(rows))}, telles "
            "ikke): " + ", ".join(f"{r['id']} {r['tittel']}" for r in rows),
            className="small text-body-secondary mt-2",
        )
    ]


def stores(view: View) -> list[dcc.Store]:
    """The common measure chosen in the table, and what the table shows (its rows after its
    filter and sort, and the filter) for the downloads."""
    return [dcc.Store(id=ids.KOMMUNE_CHOSEN), dcc.Store(id=ids.KOMMUNE_SHOWN)]


MAX_FILTER_TEXT = 200  # characters of a filter value worth saying
HEADERS: dict[str, str] = {str(c["field"]): str(c["headerName"]) for c in GRID_COLUMNS}


def _condition(header: str, model: object) -> str | None:
    """One text-filter condition in words: 'Tittel inneholder «vei»'."""
    if not isinstance(model, dict) or not isinstance(model.get("type"), str):
        return None
    kind = GRID_LOCALE.get(model["type"])
    if kind is None:
        return None
    value = model.get("filter")
    said = f"{header} {kind.lower()}"
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        said += f" «{' '.join(str(value).split())[:MAX_FILTER_TEXT]}»"
    return said


def filter_words(model: object) -> str:
    """The grid's filter model (ag-grid's JSON, from the browser: checked here) in words;
    '' when there is none, 'ukjent filter' for a part it cannot say."""
    if not isinstance(model, dict) or not model:
        return ""
    parts = []
    for field, column in list(model.items())[: len(HEADERS)]:
        header = HEADERS.get(field)
        if header is None or not isinstance(column, dict):
            parts.append("ukjent filter")
            continue
        conditions = column.get("conditions")
        if isinstance(conditions, list):
            joiner = " eller " if column.get("operator") == "OR" else " og "
            said = [_condition(header, c) for c in conditions[:4]]
            parts.append(joiner.join(c or "ukjent filter" for c in said))
        else:
            parts.append(_condition(header, column) or "ukjent filter")
    return "; ".join(parts)


def table_view(raw: object, allowed: list[str]) -> TableView:
    """What the grid reported it shows (browser data: only ids of the table's own rows are
    taken, else every row), with its filter in words."""
    if not isinstance(raw, dict):
        return TableView()
    words = filter_words(raw.get("filter"))
    ids_ = raw.get("ids")
    known = set(allowed)
    if (
        isinstance(ids_, list)
        and len(ids_) <= len(allowed)
        and all(isinstance(i, str) and i in known for i in ids_)
        and len(set(ids_)) == len(ids_)
    ):
        return TableView(tuple(ids_), words)
    return TableView(None, words)


def table(
    view: View, state: PageState, shown: object = None
) -> tuple[pd.DataFrame, str, str] | None:
    """The municipality's measures under the filters, as on screen: the specific ones by role
    and class, then the common ones as the grid shows them (its filter and sort, `shown`),
    then the organisation-only ones; with the grid's filter in words. None without a
    municipality (no table of its own)."""
    if not state.kommune:
        return None
    measures = kommune_measures(view, state, state.kommune)
    common = measures.groups["common"]
    grid_view = table_view(shown, [r["id"] for r in common])
    if grid_view.ids is not None:
        by_id = {r["id"]: r for r in common}
        common = [by_id[i] for i in grid_view.ids]
    specific = [r for by_class in measures.split.values() for rs in by_class.values() for r in rs]
    statuses, reportable = view.store.statuses(), view.store.reportable()
    rows = [
        {**r, "status": status.table_status(statuses, reportable, r["id"], state.kommune)}
        for r in (*specific, *common, *measures.groups[ORGANISATION])
    ]
    columns = [c for c in KOMMUNE_EXPORT if view.access is not None or c != "status"]
    frame = pd.DataFrame(rows, columns=columns).rename(columns=KOMMUNE_EXPORT)
    said = f"{grid_view.filter} (felles tiltak: {len(common)} av {len(measures.groups['common'])})"
    return frame, f"tiltak-{view.name_of(state.kommune)}", said if grid_view.filter else ""


def register(app: Dash, view: View) -> None:
    status.register(app, view)

    @app.callback(
        output={
            "summary": Output(ids.KOMMUNE_SUMMARY, "children"),
            "specific": Output(ids.KOMMUNE_SPECIFIC, "children"),
            "common": Output(ids.KOMMUNE_COMMON_SUMMARY, "children"),
            "rows": Output(ids.KOMMUNE_GRID_SLOT, "children"),
            "detail": Output(ids.KOMMUNE_DETAIL, "children", allow_duplicate=True),
            "organisation": Output(ids.KOMMUNE_ORGANISATION, "children"),
            "body": Output(ids.KOMMUNE_BODY, "hidden"),
            "print": Output(ids.KOMMUNE_PRINT, "href"),
            "url": Output(ids.canon(NAME), "data"),
        },
        inputs={"asked": Input(ids.ask(NAME), "data")},
        prevent_initial_call=True,
    )
    def render_kommune(asked):
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        url = link(view, state, asked)
        if state.kommune is None:
            empty = dict.fromkeys(("specific", "common", "rows", "organisation", "print"))
            return {
                **empty,
                "summary": PROMPT,
                "body": True,
                "rows": no_update,
                "detail": no_update,
                "url": url,
            }
        measures = kommune_measures(view, state, state.kommune)
        kommune = state.kommune
        # The follow-up, read now (another user may have changed it a moment ago).
        statuses, reportable = view.store.statuses(), view.store.reportable()
        user = view.access.user() if view.access else None

        def follow_up(measure: str) -> list:
            return status.measure_status(view, user, kommune, measure, statuses, reportable)

        common = [
            {**r, "status": status.table_status(statuses, reportable, r["id"], kommune)}
            for r in measures.groups["common"]
        ]
        return {
            "summary": summary_heading(*kommune_heading(view, state, kommune)),
            "specific": [
                *status.followup_summary(view, state, user, kommune),
                *kommune_specific(measures, view, follow_up),
                when_strip(year_strip(view, state, kommune, dt.date.today().year)),
                status.history_list(view.store.history(kommune=kommune)),
            ],
            "common": common_summary(measures),
            "rows": grid(common, statuses=view.access is not None),
            "detail": ROW_HINT,  # a new table has no row chosen
            "organisation": organisation_list(measures),
            "body": False,
            "print": ids.href(view.prefix, ids.PRINT, url["search"]),
            "url": url,
        }

    # The grid reports its (empty) selection whenever it gets new rows: only a chosen row goes
    # to the server (a new table comes with the hint from render_kommune).
    app.clientside_callback(
        """function (rows) {
            const id = Array.isArray(rows) && rows[0] && rows[0].id;
            return typeof id === "string" ? id : window.dash_clientside.no_update;
        }""",
        Output(ids.KOMMUNE_CHOSEN, "data"),
        Input(ids.KOMMUNE_GRID, "selectedRows"),
        prevent_initial_call=True,
    )

    # What the table shows, for the downloads: ag-grid's rows after its filter and sort.
    app.clientside_callback(
        """function (rows, model) {
            const ids = Array.isArray(rows) ? rows.map(r => r && r.id) : null;
            return {ids: ids, filter: model || {}};
        }""",
        Output(ids.KOMMUNE_SHOWN, "data"),
        Input(ids.KOMMUNE_GRID, "virtualRowData"),
        Input(ids.KOMMUNE_GRID, "filterModel"),
        prevent_initial_call=True,
    )

    @app.callback(
        output={"detail": Output(ids.KOMMUNE_DETAIL, "children")},
        inputs={"chosen": Input(ids.KOMMUNE_CHOSEN, "data")},
        prevent_initial_call=True,  # a new table comes with the hint (render_kommune)
    )
    def show_measure_detail(chosen):
        """The common measure chosen in the table, in full."""
        measure = view.programme.measure(chosen) if isinstance(chosen, str) else None
        plan = measure_plan(view, measure) if measure else ""
        return {"detail": measure_detail(measure, plan) if measure else ROW_HINT}
