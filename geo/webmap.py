"""A standalone folium map of the measure load: opens offline in any browser.

Leaflet's JavaScript and CSS are inlined (vendored in geo/static/leaflet, BSD-2-Clause), no
tile server is used unless asked for, and the legend is plain HTML, so the file needs no
network at all. Text from the programme is HTML-escaped before it goes into a popup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.kartverket import ATTRIBUTION
from geo.records import MeasureRecord
from geo.resources import leaflet_dir
from geo.terms import VIA_LABELS, Metric, Via, capitalised, metric_label

# ColorBrewer YlGnBu (sequential, colour-blind safe), light = few measures.
PALETTE = ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]


def colour(value: float, low: float, high: float) -> str:
    """The palette colour for a value on a linear scale from low to high."""
    if high <= low:
        return PALETTE[len(PALETTE) // 2]
    position = (value - low) / (high - low) * (len(PALETTE) - 1)
    return PALETTE[max(0, min(len(PALETTE) - 1, round(position)))]


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill (WCAG relative luminance)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def popup_html(number: str, name: str, measures: Sequence[MeasureRecord], value: str) -> str:
    """A municipality's measures with ids, via and evidence; every text is escaped."""
    items = []
    for m in measures:
        evidence = []
        for tag in m.get("municipalities", []):
            if tag["kommunenummer"] != number:
                continue
            for ev in tag["evidences"]:
                evidence.append(
                    f"{VIA_LABELS.get(tag['via'], tag['via'])}: «{html.escape(ev['text'])}»"
                )
        if evidence:
            items.append(
                f"<li><b>{html.escape(m['id'])}</b> {html.escape(m['title'])}"
                f"<br><small>{'; '.join(dict.fromkeys(evidence))}</small></li>"
            )
    return (
        f"<div style='max-height:320px;overflow:auto;min-width:260px'>"
        f"<h4 style='margin:0'>{html.escape(name)} ({number})</h4>"
        f"<p style='margin:4px 0'>{value} · {len(items)} tiltak</p>"
        f"<ol style='padding-left:18px;margin:0'>{''.join(items)}</ol></div>"
    )


def build_map(
    frame: gpd.GeoDataFrame,
    measures: Sequence[MeasureRecord],
    metric: str = Metric.GEOGRAPHIC,
    title: str = "Tiltak per kommune",
    tiles: str | None = None,
    notice: str | None = None,
    schematic: bool = False,
) -> folium.Map:
    """Choropleth of `metric` with tooltips, popups, labels, legend and attribution.

    `schematic` marks a tile map: no scale bar and no boundary attribution.
    """
    frame = frame.to_crs("EPSG:4326")
    label = metric_label(metric)
    low, high = float(frame[metric].min()), float(frame[metric].max())
    columns = [
        "kommunenummer",
        "kommunenavn",
        metric,
        Metric.GEOGRAPHIC,
        Via.NAME,
        Via.REGION,
        Via.PLACE,
        Via.ALL,
        Metric.SHARE,
        "geometry",
    ]
    data = frame[list(dict.fromkeys(columns))].copy()
    data["fill"] = [colour(v, low, high) for v in frame[metric]]
    data["popup"] = [
        popup_html(n, name, measures, f"{label}: {v:g}")
        for n, name, v in zip(
            frame["kommunenummer"], frame["kommunenavn"], frame[metric], strict=True
        )
    ]
    tooltip = {"kommunenavn": "Kommune", metric: label}
    for via in (Via.NAME, Via.REGION, Via.PLACE, Via.ALL):
        tooltip.setdefault(str(via), capitalised(VIA_LABELS[via]))
    tooltip.setdefault(str(Metric.SHARE), metric_label(Metric.SHARE))
    minx, miny, maxx, maxy = frame.total_bounds
    fmap = folium.Map(tiles=tiles, control_scale=not schematic, zoom_snap=0.25)
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
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
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
    overlay = folium.Element(_overlay_html(title, label, low, high, notice))
    root.html.add_child(overlay)  # type: ignore[attr-defined]  # a branca Figure
    if not schematic:
        fmap.add_child(_Attribution(ATTRIBUTION))
    return fmap


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


def _overlay_html(title: str, label: str, low: float, high: float, notice: str | None) -> str:
    stops = "".join(
        f"<span style='display:inline-block;width:28px;height:14px;background:{c}'></span>"
        for c in PALETTE
    )
    note = (
        f"<div style='margin-top:4px;color:#8a1c1c'>{html.escape(notice)}</div>" if notice else ""
    )
    return (
        "<style>.kommune-label{font:600 12px/1.2 system-ui,sans-serif;text-align:center;"
        "white-space:nowrap;text-shadow:none}</style>"
        "<div style='position:fixed;top:10px;left:50px;z-index:1000;background:#fff;"
        "padding:6px 10px;border:1px solid #999;font:16px system-ui,sans-serif'>"
        f"<b>{html.escape(title)}</b>{note}</div>"
        "<div class='legend' style='position:fixed;bottom:30px;right:10px;z-index:1000;"
        "background:#fff;padding:6px 10px;border:1px solid #999;font:13px system-ui,sans-serif'>"
        f"<div><b>{html.escape(label)}</b></div><div>{stops}</div>"
        f"<div style='display:flex;justify-content:space-between'><span>{low:g}</span>"
        f"<span>{high:g}</span></div></div>"
    )
