"""Utskrift (`/utskrift`): an A4 page per municipality for its own council, with its
specific measures in full and the common ones as a list. Plain HTML rendered on the server
with Jinja's autoescaping, so programme text is always text; the page state comes from the same
URL words as the app (`?kommune=3105&plan=3`, no municipality: all of them)."""

from __future__ import annotations

import datetime as dt

from dash import Dash
from flask import Response, request
from jinja2 import Environment

from app import ids
from app.model import (
    ORGANISATION,
    View,
    kommune_measures,
    kommune_summary,
    progress_of,
    progress_text,
    reflow,
    title_parts,
)
from app.state import MAX_QUERY, parse_state
from app.status import status_words
from geo import norsk
from geo.records import MeasureRecord
from geo.terms import CLASS_LABELS, SPECIFIC_CLASSES, SPLIT_HINTS, SPLIT_LABELS, capitalised

TEMPLATE = """<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }} – utskrift</title>
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
         font-size: 10.5pt; line-height: 1.35; max-width: 180mm; margin: 0 auto; }
  .page { break-after: page; padding-bottom: 8mm; }
  .page:last-of-type { break-after: auto; }
  h1 { font-size: 17pt; margin: 0 0 2mm; }
  h2 { font-size: 12.5pt; margin: 5mm 0 1mm; }
  h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
  h4 { font-size: 10.5pt; margin: 2mm 0 1mm; }
  .meta, .small { color: #444; font-size: 9pt; }
  .measure { break-inside: avoid; margin: 0 0 3mm; }
  .measure p { margin: 0.5mm 0; }
  .why { margin: 0.5mm 0 1mm; }
  ol.common { columns: 2; column-gap: 8mm; font-size: 8.5pt; padding-left: 5mm; margin: 0; }
  ol.common li { break-inside: avoid; }
  mark { background: #ffe08a; color: #1a1a1a; }
  .no-print { margin: 4mm 0; }
  @media print { .no-print { display: none; } }
</style>
</head>
<body>
<nav class="no-print" aria-label="Utskrift">
  <button onclick="window.print()">Skriv ut</button>
  <a href="{{ back }}">Tilbake til Tiltakskart</a>
</nav>
<main>
{% for page in pages %}
<section class="page">
  <h1>{{ page.name }}: tiltak i {{ programme }}</h1>
  <p class="meta">{{ filters }}Utskrift {{ today }}. Kilde: {{ source }}</p>
  <p><strong>{{ page.summary }}</strong></p>
  {% if page.followup %}<p>Oppfølging: {{ page.followup }}.</p>{% endif %}
  <h2>Særskilte tiltak ({{ page.specific_count }})</h2>
  {% if not page.roles %}<p>Ingen tiltak nevner kommunen, et sted i den eller en region den
  hører til i dette utvalget.</p>{% endif %}
  {% for role, hint, groups in page.roles %}
  <h3>{{ role }}</h3>
  <p class="small">{{ hint }}</p>
  {% for label, items in groups %}
  <h4>{{ label }} ({{ items|length }})</h4>
  {% for m in items %}
  <div class="measure">
    <p><strong>{{ m.id }} {{ m.title }}</strong></p>
    <p class="small">Periode: {{ m.period }} · {{ m.actors_label }}: {{ m.actors }}</p>
    <p class="small">Belegg: «{{ m.evidence }}»</p>
    {% if m.status %}<p class="small"><strong>{{ m.status }}</strong>{% if m.comment %}
    · {{ m.comment }}{% endif %}</p>{% endif %}
    {% for paragraph in m.why_how %}<p class="why">{{ paragraph }}</p>{% endfor %}
  </div>
  {% endfor %}
  {% endfor %}
  {% endfor %}
  <h2>Felles tiltak for alle kommunene ({{ page.common|length }})</h2>
  <ol class="common">
  {% for m in page.common %}<li>{{ m.id }} {{ m.title }}</li>{% endfor %}
  </ol>
  {% if page.organisation %}
  <p class="small">Nevner kommunen bare i et organisasjonsnavn (telles ikke):
  {% for m in page.organisation %}{{ m.id }} {{ m.title }}{{ "; " if not loop.last }}
  {% endfor %}</p>
  {% endif %}
</section>
{% endfor %}
</main>
</body>
</html>
"""
# An unknown municipality is said, not answered with all twelve (the number is escaped).
NOT_FOUND_TEMPLATE = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>Fant ikke kommunen – utskrift</title></head>
<body><main><h1>Fant ikke kommunen</h1>
<p>Ingen kommune i handlingsprogrammet har nummeret «{{ number }}». Velg en kommune i
Tiltakskart, eller fjern «kommune» fra adressen for å skrive ut alle.</p></main></body></html>
"""
ROUTE = ids.PRINT
ENVIRONMENT = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
PAGE = ENVIRONMENT.from_string(TEMPLATE)
NOT_FOUND = ENVIRONMENT.from_string(NOT_FOUND_TEMPLATE)


def print_pages(view: View, search: str) -> str:
    """The print view's HTML for a query string."""
    state = parse_state(search, view.choices)
    numbers = [state.kommune] if state.kommune else view.numbers
    _, filters = title_parts(view, state)
    pages = []
    statuses, reportable = view.store.statuses(), view.store.reportable()
    progress = progress_of(view, state) if view.access is not None else None
    for number in numbers:
        measures = kommune_measures(view, state, number)

        def item(row: dict, number: str = number) -> dict:
            said = {"status": "", "comment": ""}
            if view.access is not None and (row["id"], number) in reportable:
                held = statuses.get((row["id"], number))
                said = {
                    "status": status_words(held),
                    "comment": held.comment if held else "",
                }
            return {**_item(view, row), **said}

        roles = []
        for role, by_class in measures.split.items():
            groups = [
                (capitalised(CLASS_LABELS[cls]), [item(row) for row in rows])
                for cls in SPECIFIC_CLASSES
                if (rows := by_class[str(cls)])
            ]
            if groups:
                n = sum(len(items) for _, items in groups)
                roles.append(
                    (f"{SPLIT_LABELS[role]} ({norsk.count(n)})", SPLIT_HINTS[role], groups)
                )
        pages.append(
            {
                "name": view.name_of(number),
                "summary": kommune_summary(view, state, number),
                "followup": progress_text(progress, view.numbers.index(number))
                if progress is not None
                else "",
                "specific_count": norsk.count(measures.counts.specific),
                "roles": roles,
                "common": [_short(row) for row in measures.groups["common"]],
                "organisation": [_short(row) for row in measures.groups[ORGANISATION]],
            }
        )
    heading = view.name_of(state.kommune) if state.kommune else "Alle kommunene"
    return PAGE.render(
        heading=heading,
        pages=pages,
        programme=f"handlingsprogram {view.programme.period_label}".strip(),
        filters=f"Utvalg: {filters}. " if filters else "",
        today=dt.date.today().strftime("%d.%m.%Y"),
        source=f"{view.programme.gazetteer.county_name} fylkeskommune",
        back=ids.href(view.prefix, "", search if search.startswith("?") else ""),
    )


def _short(row: dict) -> dict:
    return {"id": row["id"], "title": row["tittel"]}


def _item(view: View, row: dict) -> dict:
    measure: MeasureRecord | dict = view.programme.measure(row["id"]) or {}
    return {
        "id": row["id"],
        "title": row["tittel"],
        "period": row["periode"] or "ingen periode oppgitt",
        "actors_label": measure.get("actors_label") or "Hvem",
        "actors": ", ".join(measure.get("actors", [])) or "–",
        "evidence": row["belegg"],
        "why_how": reflow(measure.get("why_how") or "") or ["–"],
    }


def stores(view: View) -> list:
    return []


def page(view: View) -> None:
    """Nothing in the Dash layout: the server renders this page."""
    return None


def register(app: Dash, view: View) -> None:
    """Serve the print view at `<prefix>utskrift`."""

    def print_view() -> Response:
        query = request.query_string.decode("utf-8", errors="replace")[:MAX_QUERY]
        asked = request.args.get("kommune", "")[:40]
        if asked and asked not in view.name_by_number:
            return Response(NOT_FOUND.render(number=asked), status=404, mimetype="text/html")
        html = print_pages(view, "?" + query if query else "")
        return Response(html, mimetype="text/html")

    app.server.add_url_rule(ids.href(view.prefix, ROUTE), "utskrift", print_view)
