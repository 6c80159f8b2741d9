"""What each view shows, as figures and components: built from the model (figures and rows)
and the figure builders. Callbacks call these and stay small."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from dash import dcc, html

from app import figures
from app.model import (
    ORGANISATION,
    Council,
    KommuneMeasures,
    MapData,
    View,
    councils,
    filters_of,
    kommune_counts,
    kommune_rows,
    load_table,
    map_data,
    map_title,
    metric_key,
    metric_label,
    per_1000_text,
    specific_measures,
    title_parts,
)
from app.state import PageState
from geo import norsk
from geo.load import join_shapes
from geo.records import MeasureRecord
from geo.spreadsheet import NORWEGIAN, PLAIN, csv_bytes, write_xlsx
from geo.terms import CLASS_LABELS, SPECIFIC_CLASSES, Layout, Via, capitalised, column_label
from geo.webmap import build_map

# The Kommune view's columns in its downloads, with their headers (as in the grid).
KOMMUNE_EXPORT = {
    "id": "Tiltak",
    "tittel": "Tittel",
    "klasse_tekst": "Hvordan",
    "plan": "Plan",
    "periode": "Periode",
    "via": "Via",
    "rolle": "Rolle",
    "belegg": "Belegg i teksten",
}
SLIDE_FONT = 24  # px: names on a slide map, readable across a council chamber


def map_figure(
    view: View,
    state: PageState,
    height: int | None = None,
    font_size: int = 14,
    title: str | None = None,
    home: bool = False,
):
    """The load map of a page state, its colour bar under it; `home` frames the programme's
    municipalities (on a national map, the rest of the country stays around them)."""
    shapes = view.shapes_for(state)
    return figures.legend_below(
        figures.load_map(
            shapes,
            view.numbers,
            view.names,
            map_data(view, state),
            title or map_title(view, state),
            view.attribution_for(state),
            background=state.bakgrunn,
            height=height,
            font_size=font_size,
            bounds=shapes.home if home else None,
        )
    )


def map_words(view: View, state: PageState) -> list:
    """What the map says in words: a flat map's note, and the common baseline."""
    return words_of(map_data(view, state))


def words_of(data: MapData) -> list:
    return [
        html.P(data.note, className="map-note fw-semibold mb-1") if data.note else None,
        html.P(data.baseline, className="map-baseline mb-1") if data.baseline else None,
    ]


def measure_detail(measure: MeasureRecord) -> list:
    """The full measure as text (never HTML)."""
    period = measure["period"]
    years = "–".join(str(y) for y in (period["start"], period["end"]) if y) or "løpende"
    aliases = f" (også {', '.join(measure['aliases'])})" if measure["aliases"] else ""
    return [
        html.H3(f"{measure['id']}{aliases} {measure['title']}", className="h5"),
        html.P(
            f"{measure['plan']} · {measure['theme'] or ''} · Strategi {measure['strategy']}"
            f" {measure['strategy_title'] or ''}",
            className="small text-body-secondary",
        ),
        html.H4("Hvorfor og hvordan", className="h6 mt-3"),
        html.Div(measure["why_how"] or "–", className="why-how"),
        html.H4(measure["actors_label"] or "Hvem", className="h6 mt-3"),
        html.P(", ".join(measure["actors"]) or "–"),
        html.H4("Tidsperiode", className="h6 mt-3"),
        html.P(f"{period['text'] or '–'} ({years})"),
    ]


# --- The Kommune view ------------------------------------------------------------------------


def evidence(row: dict) -> list:
    """The evidence snippet as text, the matched words marked (never HTML)."""
    text, out, at = row["belegg"], [], 0
    for start, end in sorted(row["belegg_marks"]):
        if start < at:
            continue
        out += [text[at:start], html.Mark(text[start:end])]
        at = end
    return [*out, text[at:]]


def kommune_item(row: dict, measure: MeasureRecord | None) -> html.Li:
    """One specific measure: number and title, role and period, the words that tie it to the
    municipality, and the whole measure behind a disclosure."""
    period = row["periode"] or "ingen periode oppgitt"
    return html.Li(
        [
            html.Div(
                [html.Span(row["id"], className="measure-id"), " ", row["tittel"]],
                className="measure-heading",
            ),
            html.Div(
                f"Rolle: {row['rolle']} · Periode: {period}",
                className="small text-body-secondary",
            ),
            html.Div(["«", *evidence(row), "»"], className="evidence small"),
            html.Details(
                [html.Summary("Hele tiltaket"), *(measure_detail(measure) if measure else [])],
                className="small measure-more",
            ),
        ],
        className="kommune-measure",
    )


def kommune_specific(measures: KommuneMeasures, view: View) -> list:
    """The specific measures grouped by how they concern the municipality: named, place, region."""
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
    for cls in SPECIFIC_CLASSES:
        rows = measures.groups[str(cls)]
        if rows:
            out.append(
                html.H4(
                    f"{capitalised(CLASS_LABELS[cls])} ({norsk.count(len(rows))})",
                    className="h6 mt-3 mb-1",
                )
            )
            out.append(
                html.Ol(
                    [kommune_item(r, view.bundle.measure(r["id"])) for r in rows],
                    className="kommune-list",
                )
            )
    return out


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


# --- The IPR comparison ---------------------------------------------------------------------


def council_frame(view: View, state: PageState) -> pd.DataFrame:
    """One row per council member with its figures (what the IPR table and its downloads show)."""
    rows = []
    for council in councils(view, state):
        for m in council.members:
            c = m.counts
            rows.append(
                {
                    "Råd": council.name,
                    "Tiltak som berører minst én kommune i rådet": council.touching,
                    "Tiltak som nevner rådet eller regionen": len(council.naming),
                    "Kommune": m.name,
                    "Kommunenummer": m.number,
                    "Usikkert medlemskap": m.uncertain or "",
                    "Særskilte tiltak": c.specific,
                    "Navngitt": c.named,
                    "Via sted": c.place,
                    "Via region": c.region,
                    "Felles tiltak": c.common,
                    "Alle tiltak": c.total,
                    "Innbyggere": m.inhabitants,
                    "Innbyggertall per 1. januar": view.population_year,
                    "Særskilte per 1 000 innbyggere": round(c.specific_per_1000, 2),
                    "Alle per 1 000 innbyggere": round(c.total_per_1000, 2),
                }
            )
    return pd.DataFrame(rows)


def _council_rows(council: Council) -> list:
    naming = ", ".join(council.naming) or "ingen"
    head = html.Tr(
        [
            html.Th(council.name, scope="rowgroup", colSpan=2),
            html.Td(
                f"{norsk.count(council.touching)} tiltak berører minst én kommune i rådet "
                f"(hvert tiltak telt én gang). Tiltak som nevner rådet eller regionen: "
                f"{len(council.naming)} ({naming})."
                + (f" Medlem utenfor fylket: {council.outside}." if council.outside else ""),
                colSpan=5,
            ),
        ],
        className="table-light",
    )
    members = [
        html.Tr(
            [
                html.Td(m.name + ("*" if m.uncertain else "")),
                html.Td(norsk.count(m.counts.specific), className="text-end"),
                html.Td(norsk.count(m.counts.common), className="text-end"),
                html.Td(norsk.count(m.counts.total), className="text-end"),
                html.Td(norsk.count(m.inhabitants) if m.inhabitants else "–", className="text-end"),
                html.Td(norsk.decimal(m.counts.specific_per_1000, 2), className="text-end"),
                html.Td(norsk.decimal(m.counts.total_per_1000, 2), className="text-end"),
            ]
        )
        for m in council.members
    ]
    return [head, *members]


def council_view(view: View, state: PageState):
    """(stacked bars, per 1 000 bars, table, footnotes) of the IPR comparison."""
    found = councils(view, state)
    year = view.population_year
    suffix = f" ({year})" if year else ""
    header = html.Thead(
        html.Tr(
            [
                html.Th("Kommune", scope="col"),
                html.Th("Særskilte", scope="col", className="text-end"),
                html.Th("Felles", scope="col", className="text-end"),
                html.Th("Alle", scope="col", className="text-end"),
                html.Th(
                    f"Innbyggere ({year})" if year else "Innbyggere",
                    scope="col",
                    className="text-end",
                ),
                html.Th(f"Særskilte per 1 000{suffix}", scope="col", className="text-end"),
                html.Th(f"Alle per 1 000{suffix}", scope="col", className="text-end"),
            ]
        )
    )
    bodies = [html.Tbody(_council_rows(c)) for c in found]
    table = html.Table(
        [header, *bodies],
        className="table table-sm council-table",
        **{"aria-label": "Tiltak per kommune i hvert råd"},
    )
    notes = [
        html.P(
            f"* Usikkert medlemskap i {c.name}: {m.name}. Kilde: {m.uncertain}",
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


# --- The presentation -----------------------------------------------------------------------


def slide_count(view: View) -> int:
    return view.choices.slides


def title_slide(view: View, state: PageState):
    """(title, subtitle, map, body) of the presentation's first slide."""
    measures = view.bundle.measures
    plans = view.bundle.options("plan")
    per_plan = [
        html.Li(f"{plan}: {norsk.count(sum(m['plan'] == plan for m in measures))} tiltak")
        for plan in plans
    ]
    fig = map_figure(view, state, font_size=SLIDE_FONT, title=metric_label(view, state), home=True)
    data = map_data(view, state)
    body = [
        html.P(
            f"{norsk.count(len(measures))} tiltak i {len(plans)} regionale planer",
            className="fs-2 fw-bold",
        ),
        html.Ul(per_plan, className="fs-4"),
        html.P(data.baseline, className="fs-4") if data.baseline else None,
        html.P(data.note, className="fs-4 fw-bold") if data.note else None,
        html.P("Bruk piltastene eller knappene for å bla.", className="fs-5"),
    ]
    title = f"Handlingsprogram {view.bundle.period_label}".strip()
    subtitle = f"Særskilte tiltak per kommune i {view.bundle.gazetteer.county_name}"
    return title, subtitle, fig, body


def municipality_slide(view: View, state: PageState, number: str, with_map: bool = True):
    """(title, subtitle, map, body) of one municipality's slide: its specific measures in full,
    the common ones as one line, the per 1 000 figure; the numbers add up. Without the map
    (None) when the slide before drew it and only its colours change."""
    name = view.name_of(number)
    vias = [Via.NAME if n == number else "none" for n in view.numbers]
    fig = None
    if with_map:
        fig = figures.highlight_map(
            view.shapes_for(state),
            view.numbers,
            view.names,
            vias,
            "",  # the slide's heading names the municipality
            view.attribution_for(state),
            font_size=SLIDE_FONT,
        )
        fig.update_traces(showscale=False, selector={"type": "choropleth"})
    listed, common, organisation = specific_measures(view, state, number)
    counts = kommune_counts(view, state, number)
    body = [
        html.P(f"{norsk.count(counts.specific)} særskilte tiltak", className="fs-3 fw-bold mb-2"),
        html.Ol(
            [
                html.Li(
                    [
                        html.B(m["id"]),
                        f" {m['title']} ",
                        html.Span(f"({CLASS_LABELS[cls]})", className="text-body-secondary"),
                    ],
                    className="mb-2",
                )
                for m, cls in listed
            ],
            className="slide-list",
        )
        if listed
        else html.P(
            "Ingen tiltak nevner kommunen, et sted i den eller en region den hører til.",
            className="fs-5",
        ),
        html.P(
            f"+ {norsk.count(common)} felles tiltak der kommunen er med som én av alle "
            f"kommunene = {norsk.count(counts.total)} tiltak i alt.",
            className="fs-5 mt-3 mb-1",
        ),
        html.P(per_1000_text(view, counts) + ".", className="fs-5 mb-1"),
        html.P(
            f"{norsk.count(organisation)} tiltak nevner kommunen bare i et organisasjonsnavn "
            "(telles ikke).",
            className="fs-6 text-body-secondary",
        )
        if organisation
        else None,
    ]
    subtitle = (
        f"{norsk.count(counts.total)} tiltak berører kommunen: {norsk.count(counts.specific)} "
        f"særskilte + {norsk.count(counts.common)} felles"
    )
    return name, subtitle, fig, body


def council_slide(view: View, state: PageState, key: str):
    """(title, subtitle, chart, body) of one IPR council's slide."""
    council = next(c for c in councils(view, state) if c.key == key)
    fig = figures.council_load_bars([council], font_size=SLIDE_FONT - 4)
    rows = [
        html.Li(
            f"{m.name}{'*' if m.uncertain else ''}: {norsk.count(m.counts.specific)} særskilte + "
            f"{norsk.count(m.counts.common)} felles = {norsk.count(m.counts.total)}; "
            f"{norsk.decimal(m.counts.specific_per_1000, 2)} særskilte per 1 000 innbyggere"
            + (f" ({view.population_year})" if view.population_year else ""),
            className="mb-1",
        )
        for m in council.members
    ]
    body = [
        html.P(
            f"{norsk.count(council.touching)} tiltak berører minst én kommune i rådet",
            className="fs-3 fw-bold",
        ),
        html.P(
            f"{len(council.naming)} nevner rådet eller regionen: "
            f"{', '.join(council.naming) or '–'}",
            className="fs-5",
        ),
        html.Ul(rows, className="fs-5"),
        *[
            html.P(f"* Usikkert medlemskap: {m.uncertain}", className="fs-6")
            for m in council.members
            if m.uncertain
        ],
    ]
    return council.name, "Sammenligning i rådet", fig, body


def slide_kind(view: View, k: int) -> str:
    """'title', 'kommune' or 'council': what slide k shows."""
    if k == 0:
        return "title"
    return "kommune" if k <= len(view.numbers) else "council"


def slide(view: View, state: PageState, with_map: bool = True):
    """The slide of the page state: the title, then each municipality, then each council."""
    numbers, keys = view.numbers, [c.key for c in view.bundle.councils()]
    k = state.slide
    kind = slide_kind(view, k)
    if kind == "title":
        return title_slide(view, state)
    if kind == "kommune":
        return municipality_slide(view, state, numbers[k - 1], with_map)
    return council_slide(view, state, keys[k - 1 - len(numbers)])


# --- Downloads ------------------------------------------------------------------------------


def html_map_download(view: View, state: PageState) -> dict:
    """The standalone folium map of the page state, as a download."""
    kind = view.shape_kind(state)
    shapes = gpd.GeoDataFrame.from_features(view.bundle.shapes[kind].geojson, crs="EPSG:4326")
    table = view.bundle.index.table(filters_of(state, view), view.bundle.population)
    title, filters = title_parts(view, state)
    fmap = build_map(
        join_shapes(shapes, table),
        view.bundle.measures,
        metric=metric_key(view, state),
        title=f"{title} ({filters})" if filters else title,
        schematic=kind == Layout.TILES,
        notice=view.bundle.notice,
    )
    return dcc.send_string(fmap.get_root().render(), "tiltakskart.html")


def frame_download(frame: pd.DataFrame, name: str, kind: str) -> dict:
    """A table as CSV for Norwegian Excel ('csv'), plain CSV for tools ('csv-plain') or a
    formatted Excel file ('xlsx'); text a spreadsheet would evaluate is neutralised."""
    if kind == "xlsx":
        return dcc.send_bytes(lambda buffer: write_xlsx(buffer, {"tiltak": frame}), f"{name}.xlsx")
    dialect = PLAIN if kind == "csv-plain" else NORWEGIAN
    return dcc.send_bytes(csv_bytes(frame, dialect), f"{name}.csv")


def view_frame(view: View, state: PageState) -> tuple[pd.DataFrame, str]:
    """(table, file name) of what the current view shows, with Norwegian headers: the
    municipalities' figures (Kart, IPR), one municipality's measures (Kommune), one measure and
    where it lands (Tiltak)."""
    if state.view == "kommune" and state.kommune:
        rows = kommune_rows(view, state, state.kommune)
        frame = pd.DataFrame(rows, columns=list(KOMMUNE_EXPORT)).rename(columns=KOMMUNE_EXPORT)
        return frame, f"tiltak-{view.name_of(state.kommune)}"
    if state.view == "ipr":
        return council_frame(view, state), "ipr-sammenligning"
    if state.view == "tiltak" and state.tiltak:
        return measure_frame(view, state.tiltak), f"tiltak-{state.tiltak}"
    table = load_table(view, state)
    return table.rename(columns=column_label), "tiltak-per-kommune"


def measure_frame(view: View, measure_id: str) -> pd.DataFrame:
    """One measure and where it lands: one row per municipality it concerns."""
    measure = view.bundle.measure(measure_id)
    rows = []
    for number, name in view.bundle.municipalities:
        for row in view.rows[number]:
            if measure and row["id"] == measure["id"]:
                rows.append(
                    {
                        "Tiltak": measure["id"],
                        "Tittel": measure["title"],
                        "Kommunenummer": number,
                        "Kommune": name,
                        "Hvordan": row["klasse_tekst"],
                        "Via": row["via"],
                        "Rolle": row["rolle"],
                        "Belegg i teksten": row["belegg"],
                    }
                )
    return pd.DataFrame(rows)
