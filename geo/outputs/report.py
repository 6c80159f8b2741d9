"""The accounting report of `tiltakskart extract --report`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geo.load import LoadIndex, count_table
from geo.reading.parse import Extraction
from geo.terms import COUNT_METRICS, LoadClass, Metric

_CLASS_NOTES = {
    "measure": "distinct measures, counted at the header where each is described",
    "stub": "headers that only repeat a measure described elsewhere (kept as aliases)",
    "page_repeat": "headers repeated by a page break inside a measure (removed)",
    "toc": "table-of-contents entries (used only for the cross-check)",
    "unclassified": "headers the parser could not place",
}


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


LISTED = 20  # problems listed one by one; the rest are counted


def _first(lines: list[str]) -> list[str]:
    more = len(lines) - LISTED
    return lines[:LISTED] + ([f"  … and {more} more"] if more > 0 else [])


def accounting_report(extraction: Extraction, source_name: str, notes: Sequence[str] = ()) -> str:
    """A plain-text report: counts per header class, problems, and the TOC cross-check;
    `notes` (county, gazetteer) after the grammar."""
    counts = extraction.counts()
    lines = [
        f"{source_name}: {len(extraction.measures)} distinct measures",
        f"Grammar: {extraction.grammar} ({extraction.grammar_note or 'as given'})",
        *notes,
        f"Header lines: {sum(counts.values())}",
    ]
    for kind, count in counts.items():
        lines.append(f"  {kind:<13}{count:>5}  {_CLASS_NOTES[kind]}")
    lines.append(f"Page footers removed: {extraction.footers}")

    if extraction.unclassified:
        lines.append("Unclassified header lines:")
        lines += _first(
            [f"  line {h.line}: {_short(h.text)} ({h.note})" for h in extraction.unclassified]
        )
    if extraction.stray:
        lines.append("Text that belongs to no measure (too long to be a period):")
        lines += _first(
            [
                f"  lines {s.line}-{s.end}, after the period of {s.after}: {_short(s.text)}"
                for s in extraction.stray
            ]
        )

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


CLASS_HEADINGS = {
    LoadClass.NAMED: "Named",
    LoadClass.PLACE: "Via a place in it",
    LoadClass.REGION: "Via a region it belongs to",
    LoadClass.COMMON: "Common to all the municipalities",
    Metric.ORGANISATION: "Only inside an organisation's name (not counted)",
}


def tags_summary(index: LoadIndex, outside: Sequence[tuple[str, str]], county_name: str) -> str:
    """Measures per municipality in the load model's classes; they add up per row."""
    table = index.table(with_ids=False)
    columns = [*map(str, COUNT_METRICS)]
    lines = [f"{'nr':<5} {'kommune':<15}" + "".join(f"{c:>13}" for c in columns)]
    for values in table.to_dict("records"):
        lines.append(
            f"{values['kommunenummer']:<5} {values['kommunenavn']:<15}"
            + "".join(f"{values[c]:>13}" for c in columns)
        )
    lines.append(
        "specific = named + place + region; total = specific + common; "
        "organisation: named only inside an organisation's name, not in total"
    )
    if outside:
        names = ", ".join(f"{name} ({nr})" for nr, name in sorted(outside))
        lines.append(f"Named outside {county_name}: {names}")
    return "\n".join(lines) + "\n"


def municipality_listing(index: LoadIndex, number: str, name: str) -> str:
    """One municipality's measures by class, each with its tags' via, role and evidence."""
    row = index.numbers.index(number)
    parts = index.partition()
    c = count_table(parts, None).row(row)
    lines = [
        f"{name} ({number}): {c.total} measures concern it = "
        f"{c.specific} specific ({c.named} named, {c.place} place, "
        f"{c.region} region) + {c.common} common; "
        f"{c.organisation} more name it only inside an organisation's name (not counted)"
    ]
    for cls, heading in CLASS_HEADINGS.items():
        columns = np.flatnonzero(parts.of(str(cls))[row])
        lines.append(f"{heading} ({len(columns)})")
        for k in columns:
            m = index.measures[k]
            lines.append(f"{m['id']:<8} {_short(m['title'], 80)}")
            for tag in m.get("municipalities", []):
                if tag["kommunenummer"] != number:
                    continue
                for ev in tag["evidences"]:
                    text = " ".join(ev["text"].split())
                    lines.append(
                        f"{'':<8} {tag['via']:<12} {ev['role']:<6} {ev['field']:<8} «{text}»"
                    )
    return "\n".join(lines) + "\n"
