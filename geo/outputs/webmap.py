"""A standalone folium map of the measure load: opens offline in any browser.

Leaflet's JavaScript and CSS are inlined (vendored in geo/static/leaflet, BSD-2-Clause), no
tile server is used unless asked for, and the legend is plain HTML, so the file needs no
network at all. Text from the programme is HTML-escaped before it goes into a popup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo import norsk
from geo.fetch.kartverket import ATTRIBUTION
from geo.outputs.palette import PALETTE, colour, text_colour
from geo.records import MeasureRecord
from geo.resources import leaflet_dir
from geo.terms import (
    CLASS_LABELS,
    ORGANISATION_LABEL,
    PER_1000,
    SPECIFIC_CLASSES,
    VIA_LABELS,
    LoadClass,
    Metric,
    capitalised,
    metric_label,
)


def _ids(value: object) -> list[str]:
    return [i for i in str(value or "").split("; ") if i]


def popup_html(
    number: str, name: str, measures: Sequence[MeasureRecord], row: Mapping[str, object]
) -> str:
    """A municipality's load in the classes that add up, its specific measures with evidence
    and the common ones by number; every text is escaped."""
    by_id = {m["id"]: m for m in measures}
    specific = []
    for cls in SPECIFIC_CLASSES:
        for measure_id in _ids(row.get(f"ids_{cls}")):
            m = by_id[measure_id]
            evidence = [
                f"{VIA_LABELS.get(tag['via'], tag['via'])}: «{html.escape(ev['text'])}»"
                for tag in m.get("municipalities", [])
                if tag["kommunenummer"] == number
                for ev in tag["evidences"]
            ]
            specific.append(
                f"<li><b>{html.escape(m['id'])}</b> {html.escape(m['title'])}"
                f"<br><small>{CLASS_LABELS[cls]}: {'; '.join(dict.fromkeys(evidence))}"
                "</small></li>"
            )
    common, organisation = _ids(row.get("ids_common")), _ids(row.get("ids_organisation"))
    per_1000 = ""
    year = row.get("population_year")
    if not (year is None or year is pd.NA or year != year or year == ""):  # NA, NaN: none
        per_1000 = (
            f"<br>Per 1 000 innbyggere ({row['population_year']}): "
            f"{norsk.decimal(row.get('specific_per_1000'))} særskilte · "  # type: ignore[arg-type]
            f"{norsk.decimal(row.get('total_per_1000'))} alle"  # type: ignore[arg-type]
        )
    org = (
        f"<p style='margin:4px 0'>{capitalised(ORGANISATION_LABEL)} (telles ikke): "
        f"{html.escape(', '.join(organisation))}</p>"
        if organisation
        else ""
    )
    return (
        "<div style='max-height:340px;overflow:auto;min-width:280px'>"
        f"<h4 style='margin:0'>{html.escape(name)} ({html.escape(number)})</h4>"
        f"<p style='margin:4px 0'>{summary_line(row)}{per_1000}</p>"
        f"<ol style='padding-left:2.4em;margin:0'>{''.join(specific)}</ol>"
        f"<p style='margin:4px 0'>{capitalised(CLASS_LABELS[LoadClass.COMMON])} "
        f"({len(common)}): {html.escape(', '.join(common))}</p>{org}</div>"
    )


def summary_line(row: Mapping[str, object]) -> str:
    """'Særskilte tiltak: 9 (2 navngitt, 5 via sted, 2 via region) · felles: 88 · alle: 97'."""
    parts = ", ".join(f"{norsk.count(row[c])} {CLASS_LABELS[c]}" for c in SPECIFIC_CLASSES)  # type: ignore[arg-type]
    return (
        f"Særskilte tiltak: {norsk.count(row['specific'])} ({parts}) · "  # type: ignore[arg-type]
        f"felles: {norsk.count(row['common'])} · alle: {norsk.count(row['total'])}"  # type: ignore[arg-type]
    )


def _value_text(metric: str, value: float) -> str:
    return (
        norsk.decimal(value, 2)
        if metric in PER_1000 or metric == Metric.SHARE
        else norsk.count(value)
    )


def build_map(
    frame: gpd.GeoDataFrame,
    measures: Sequence[MeasureRecord],
    metric: str = Metric.SPECIFIC,
    title: str = "Tiltak per kommune",
    tiles: str | None = None,
    notice: str | None = None,
    schematic: bool = False,
) -> folium.Map:
    """Choropleth of `metric` (scale from 0) with tooltips, popups, labels, legend and
    attribution. `frame` is the load table joined with shapes (see geo.load.index.join_shapes).

    `schematic` marks a tile map: no scale bar and no boundary attribution.
    """
    frame = frame.to_crs("EPSG:4326")
    label = metric_label(metric)
    values = frame[metric].astype(float).fillna(0.0)
    high = float(values.max()) if len(values) else 0.0
    data = frame[["kommunenummer", "kommunenavn", "geometry"]].copy()
    data["fill"] = [colour(v, 0.0, high) for v in values]
    data["verdi"] = [_value_text(metric, v) for v in frame[metric]]
    data["sammendrag"] = [summary_line(row) for _, row in frame.iterrows()]
    data["popup"] = [
        popup_html(row["kommunenummer"], row["kommunenavn"], measures, row)
        for _, row in frame.iterrows()
    ]
    tooltip = {"kommunenavn": "Kommune", "verdi": label, "sammendrag": "Tiltak"}
    minx, miny, maxx, maxy = frame.total_bounds
    fmap = folium.Map(tiles=tiles, control_scale=False, zoom_snap=0.25)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    fmap.default_js, fmap.default_css = [], []  # no CDN: Leaflet is inlined below
    static = leaflet_dir()
    header = fmap.get_root().header  # type: ignore[attr-defined]  # a branca Figure
    header.add_child(
        folium.Element(f"<style>{(static / 'leaflet.css').read_text()}</style>"), name="leaflet_css"
    )
    header.add_child(
        folium.Element(f"<script>{(static / 'leaflet.js').read_text()}</script>"), name="leaflet_js"
    )
    # Markers start with an empty div as their icon: Leaflet's default one is an image that
    # is not in the file (two 404s); the labels set their own DivIcon.
    header.add_child(
        folium.Element("<script>L.Marker.prototype.options.icon = L.divIcon({html: ''});</script>"),
        name="no_default_icon",
    )
    folium.GeoJson(
        data,
        name="Kommuner",
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#333333",
            "weight": 1,
            "fillOpacity": 0.85,
        },
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=list(tooltip), aliases=list(tooltip.values())),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=440),
    ).add_to(fmap)
    for _, row in data.iterrows():
        point = row.geometry.representative_point()
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(
                html=(
                    f"<div class='kommune-label' style='color:{text_colour(row.fill)}'>"
                    f"{html.escape(row.kommunenavn)}</div>"
                ),
                icon_size=(120, 18),
                icon_anchor=(60, 9),
            ),
            interactive=False,
        ).add_to(fmap)
    root = fmap.get_root()
    root.title = title  # type: ignore[attr-defined]  # the page's <title> (a branca Figure)
    overlay = folium.Element(_overlay_html(title, label, metric, high, notice))
    root.html.add_child(overlay)  # type: ignore[attr-defined]  # a branca Figure
    if not schematic:
        fmap.add_child(_Attribution(ATTRIBUTION))
        fmap.add_child(_MetricScale())
    return fmap


class _MetricScale(MacroElement):
    """A scale bar in metres and kilometres only (Leaflet's default adds miles)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class _Attribution(MacroElement):
    """Adds a line to the map's attribution control (rendered after the map exists)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});"
        "{% endmacro %}"
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = json.dumps(text)


def _overlay_html(title: str, label: str, metric: str, high: float, notice: str | None) -> str:
    stops = "".join(
        f"<span style='display:inline-block;width:28px;height:14px;background:{c}'></span>"
        for c in PALETTE
    )
    note = (
        f"<div style='margin-top:4px;color:#8a1c1c'>{html.escape(notice)}</div>" if notice else ""
    )
    if high <= 0:
        scale = "<div>Ingen tiltak i dette utvalget</div>"
    else:
        scale = (
            f"<div>{stops}</div><div style='display:flex;justify-content:space-between'>"
            f"<span>0</span><span>{_value_text(metric, high)}</span></div>"
        )
    return (
        "<style>.kommune-label{font:600 12px/1.2 system-ui,sans-serif;text-align:center;"
        "white-space:nowrap;text-shadow:none}</style>"
        "<div style='position:fixed;top:10px;left:50px;z-index:1000;background:#fff;"
        "padding:6px 10px;border:1px solid #999;font:16px system-ui,sans-serif'>"
        f"<b>{html.escape(title)}</b>{note}</div>"
        "<div class='legend' style='position:fixed;bottom:30px;right:10px;z-index:1000;"
        "background:#fff;padding:6px 10px;border:1px solid #999;font:13px system-ui,sans-serif'>"
        f"<div><b>{html.escape(label)}</b></div>{scale}</div>"
    )
