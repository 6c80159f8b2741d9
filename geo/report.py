"""The accounting report of `tiltakskart extract --report`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from geo.gazetteer import Gazetteer, Municipality
from geo.parse import Extraction, Measure
from geo.records import MeasureTags, TagRecord
from geo.terms import GEOGRAPHIC_VIAS, Via

_CLASS_NOTES = {
    "measure": "distinct measures, counted at the header where each is described",
    "stub": "headers that only repeat a measure described elsewhere (kept as aliases)",
    "page_repeat": "headers repeated by a page break inside a measure (removed)",
    "toc": "table-of-contents entries (used only for the cross-check)",
    "unclassified": "headers the parser could not place",
}


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def accounting_report(extraction: Extraction, source_name: str) -> str:
    """A plain-text report: counts per header class, problems, and the TOC cross-check."""
    counts = extraction.counts()
    lines = [
        f"{source_name}: {len(extraction.measures)} distinct measures",
        f"Header lines: {sum(counts.values())}",
    ]
    for kind, count in counts.items():
        lines.append(f"  {kind:<13}{count:>5}  {_CLASS_NOTES[kind]}")
    lines.append(f"Page footers removed: {extraction.footers}")

    if extraction.unclassified:
        lines.append("Unclassified header lines:")
        for h in extraction.unclassified:
            lines.append(f"  line {h.line}: {_short(h.text)} ({h.note})")

    toc = extraction.toc
    if not toc:
        lines.append("Table of contents: none found, so no cross-check")
    else:
        problems = (
            len(extraction.toc_missing)
            + len(extraction.toc_title_mismatches)
            + len(extraction.not_in_toc)
        )
        verdict = "clean" if problems == 0 else f"{problems} difference(s)"
        lines.append(f"Table of contents: {len(toc)} entries; cross-check {verdict}")
        for entry in extraction.toc_missing:
            lines.append(f"  in TOC, not in body: line {entry.line}: {'/'.join(entry.numbers)}")
        for h in extraction.not_in_toc:
            lines.append(f"  in body, not in TOC: line {h.line}: {'/'.join(h.numbers)}")
        for entry, h in extraction.toc_title_mismatches:
            lines.append(
                f"  title differs for {'/'.join(entry.numbers)}: body line {h.line} "
                f"'{_short(h.title, 50)}' vs TOC line {entry.line} '{_short(entry.title, 50)}'"
            )
    for warning in extraction.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines) + "\n"


Tags = Mapping[str, MeasureTags]


def _tags_by_municipality(
    measures: Sequence[Measure], tags: Tags
) -> dict[str, list[tuple[Measure, TagRecord]]]:
    out: dict[str, list[tuple[Measure, TagRecord]]] = {}
    for m in measures:
        for tag in tags[m.id].municipalities:
            out.setdefault(tag["kommunenummer"], []).append((m, tag))
    return out


def tags_summary(gazetteer: Gazetteer, measures: Sequence[Measure], tags: Tags) -> str:
    """Measures per municipality: by via, and the geographic total (organisation excluded)."""
    by_number = _tags_by_municipality(measures, tags)
    header = f"{'nr':<5} {'kommune':<15}" + "".join(f"{v:>13}" for v in Via) + f"{'geografisk':>12}"
    lines = [header]
    for municipality in gazetteer.municipalities:
        items = by_number.get(municipality.number, [])
        counts = {v: len({m.id for m, t in items if t["via"] == v}) for v in Via}
        geographic = len({m.id for m, t in items if t["via"] in GEOGRAPHIC_VIAS})
        lines.append(
            f"{municipality.number:<5} {municipality.name:<15}"
            + "".join(f"{counts[v]:>13}" for v in Via)
            + f"{geographic:>12}"
        )
    outside = sorted(
        {(t["kommunenummer"], t["name"]) for m in measures for t in tags[m.id].outside}
    )
    if outside:
        lines.append(
            "Named outside "
            + gazetteer.county_name
            + ": "
            + ", ".join(f"{name} ({nr})" for nr, name in outside)
        )
    return "\n".join(lines) + "\n"


def municipality_listing(
    municipality: Municipality, measures: Sequence[Measure], tags: Tags
) -> str:
    """One municipality's measures with via, role and evidence."""
    items = _tags_by_municipality(measures, tags).get(municipality.number, [])
    ids = list(dict.fromkeys(m.id for m, _ in items))
    lines = [f"{municipality.name} ({municipality.number}): {len(ids)} measures"]
    for m in measures:
        mine = [t for mm, t in items if mm.id == m.id]
        if not mine:
            continue
        lines.append(f"{m.id:<8} {_short(m.title, 80)}")
        for tag in mine:
            for ev in tag["evidences"]:
                lines.append(
                    f"{'':<8} {tag['via']:<12} {ev['role']:<6} {ev['field']:<8} «{ev['text']}»"
                )
    return "\n".join(lines) + "\n"
