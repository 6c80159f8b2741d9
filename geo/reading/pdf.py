"""A PDF's text layer as programme text: lines in reading order, as the parser reads them.

The text comes from PDFium (through pypdfium2): Chrome's PDF engine, fuzzed for years against
hostile files, fast (a 100-page programme in well under a second) and with each character's box,
which the layout below needs. Pure functions do the layout on positioned segments:

- running headers and footers (the same text at the top or bottom of many pages) and page
  numbers ("12", "Side 12", "12 av 40") are removed;
- a two-column page is read column by column (a full-width line between them splits the page
  into bands, each read left column first);
- a line ending in a hyphenated word joins the word's rest from the next line ("fylkes-" +
  "kommunale"), but not a shared compound ("areal-" + "og mobilitet");
- a table-of-contents line (a title and a page number far to its right or after dot leaders)
  becomes a tab and the title, as the parser knows table-of-contents lines;
- a gap larger than a line's pitch becomes a blank line (a paragraph break), and a gap on a
  line wider than a space two spaces (a label and its value in a table: "Hvem  Kommunene").

Run it in a child process (geo.reading.formats): it parses hostile bytes.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MAX_PAGES = 2_000  # the bundled programme has about 70; a programme has far fewer than this

# Page numbers as they stand alone at a page's top or bottom.
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:side\s+|s\.\s*)?\d{1,4}(?:\s*(?:av|/|of)\s*\d{1,4})?(?:\s*[-–—])?$",
    re.IGNORECASE,
)
_LEADERS = re.compile(r"\s*(?:\.\s*){3,}$|\s*…+\s*$")
_TOC_NUMBER = re.compile(r"^\d{1,4}$")
_SHARED_COMPOUND = re.compile(r"(?:og|eller|til|enn|samt|and|or)\b")
ZONE = 0.12  # the top and bottom share of a page where running headers and footers stand
ZONE_POINTS = 50.0  # and at least this much (0.7 inch), on a small page


class PdfProblem(Exception):
    """The PDF cannot give programme text; `kind` says why (encrypted, damaged, scan, pages)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Segment:
    """A run of text on one line of a page, with its box (points, y growing downwards)."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    segments: tuple[Segment, ...]


def _same_line(a: Segment, b: Segment) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap > 0.5 * min(a.height, b.height)


def lines_of(segments: Iterable[Segment]) -> list[list[Segment]]:
    """Segments grouped into lines (top to bottom), each line's segments left to right."""
    lines: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.top, s.x0)):
        for line in reversed(lines[-3:]):
            if _same_line(line[0], segment):
                line.append(segment)
                break
        else:
            lines.append([segment])
    for line in lines:
        line.sort(key=lambda s: s.x0)
    lines.sort(key=lambda line: min(s.top for s in line))
    return lines


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).casefold()


def running_lines(pages: list[Page]) -> set[tuple[int, float]]:
    """The lines to drop, as (page, top): in a page's top or bottom zone, the outermost lines
    that are page numbers or whose text (digits aside) recurs in that zone on at least two
    pages and 40 % of them."""
    candidates: list[tuple[int, float, str, str]] = []  # page, top, zone, shape
    for page in pages:
        lines = lines_of(page.segments)
        margin = min(max(page.height * ZONE, ZONE_POINTS), page.height * 0.3)
        top_limit, bottom_limit = margin, page.height - margin
        for line in lines[:2]:
            if max(s.bottom for s in line) <= top_limit:
                text = " ".join(s.text for s in line)
                candidates.append((page.number, line[0].top, "top", _shape(text)))
        for line in lines[-2:]:
            if min(s.top for s in line) >= bottom_limit:
                text = " ".join(s.text for s in line)
                candidates.append((page.number, line[0].top, "bottom", _shape(text)))
    seen = Counter((zone, shape) for _, _, zone, shape in set(candidates))
    enough = max(2, 0.4 * len(pages))
    drop = set()
    for number, top, zone, shape in candidates:
        if seen[(zone, shape)] >= enough or _PAGE_NUMBER.match(shape.replace("#", "1")):
            drop.add((number, top))
    return drop


def gutter(segments: list[Segment], width: float) -> float | None:
    """The x of the gap between two columns, or None for a one-column page: an x in the middle
    half that few segments cross (full-width headings do), with as much text on each side."""
    if len(segments) < 6:
        return None
    # The fewest crossings win; among equals, the x nearest the middle (a gutter is there, and a
    # gap between titles and their page numbers is not).
    crossing, _, x = min(
        (sum(1 for s in segments if s.x0 < x - 1 and s.x1 > x + 1), abs(x - width / 2), x)
        for x in (width * (0.25 + step * 0.01) for step in range(51))
    )
    left = sum(len(s.text) for s in segments if s.x1 <= x and len(s.text) >= 12)
    right = sum(len(s.text) for s in segments if s.x0 >= x and len(s.text) >= 12)
    # Both sides carry text in like measure: a column of labels ("Hvem", "Tidsperiode") beside
    # their values is a table, read row by row, not two columns.
    if crossing > 0.25 * len(segments) or min(left, right) < 0.25 * max(left, right, 1):
        return None
    if min(left, right) < 36:
        return None
    return x


def reading_order(page: Page, dropped: set[tuple[int, float]]) -> list[list[Segment]]:
    """The page's lines in reading order, running headers and footers left out."""
    lines = [line for line in lines_of(page.segments) if (page.number, line[0].top) not in dropped]
    body = [s for line in lines for s in line]
    x = gutter(body, page.width)
    if x is None:
        return lines
    ordered: list[list[Segment]] = []
    band: list[Segment] = []
    for line in lines:  # a line crossing the gutter closes a band of two columns
        if any(s.x0 < x - 1 and s.x1 > x + 1 for s in line):
            ordered += _columns(band, x)
            ordered.append(line)
            band = []
        else:
            band += line
    return ordered + _columns(band, x)


def _columns(segments: list[Segment], x: float) -> list[list[Segment]]:
    left = [s for s in segments if s.x1 <= x + 1]
    right = [s for s in segments if s.x1 > x + 1]
    return lines_of(left) + lines_of(right)


def line_text(line: list[Segment]) -> str:
    """A line's text; a table-of-contents line (the title, then a page number far right or
    after dot leaders) as a tab and the title."""
    texts = [s.text for s in line]
    if len(line) >= 2 and _TOC_NUMBER.match(texts[-1].strip()):
        gap = line[-1].x0 - line[-2].x1
        before = " ".join(texts[:-1])
        if gap > 3 * line[-1].height or _LEADERS.search(before):
            return "\t" + _LEADERS.sub("", before).strip()
    joined = "  ".join(texts)  # segments stand apart: a wide gap, as in a table
    number = re.search(r"\s+(\d{1,4})$", joined)
    if number and _LEADERS.search(joined[: number.start()]):
        return "\t" + _LEADERS.sub("", joined[: number.start()]).strip()
    return joined


def join_hyphenated(lines: list[str]) -> list[str]:
    """A word split over a line end with a hyphen joined on the first line ('fylkes-' +
    'kommunale …' -> 'fylkeskommunale' + '…'); the hyphen kept after capitals ('FoU-' +
    'prosjekter'), shared compounds ('areal-' + 'og …') left as they are."""
    out = list(lines)
    for k in range(len(out) - 1):
        line, following = out[k], out[k + 1]
        if (
            len(line) >= 2
            and line.endswith("-")
            and line[-2].isalpha()
            and following[:1].islower()
            and not _SHARED_COMPOUND.match(following)
        ):
            word, _, rest = following.partition(" ")
            # After capitals the hyphen is part of the word ("FORREGION-programmet").
            out[k] = (line if line[-2].isupper() else line[:-1]) + word
            out[k + 1] = rest
    return out


def layout_text(pages: list[Page]) -> str:
    """The programme text of positioned pages (see the module doc)."""
    dropped = running_lines(pages)
    ordered = [line for page in pages for line in reading_order(page, dropped)]
    pitches = [
        b[0].top - a[0].top
        for a, b in itertools.pairwise(ordered)
        if a[0].page == b[0].page and 0 < b[0].top - a[0].top < 3 * a[0].height
    ]
    pitch = statistics.median(pitches) if pitches else 0.0
    texts: list[str] = []
    for previous, line in zip([None, *ordered], ordered, strict=False):
        if (
            previous is not None
            and pitch
            and previous[0].page == line[0].page
            and line[0].top - previous[0].top > 1.6 * pitch
        ):
            texts.append("")
        texts.append(line_text(line))
    return "\n".join(t for t in join_hyphenated(texts)) + "\n"


# PDFium marks a hyphen it takes for a line-end hyphenation with these.
_HYPHENS = str.maketrans({"\x02": "-", "\ufffe": "-", "\xad": "-"})


def _segments(textpage, number: int, height: float) -> list[Segment]:
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: read them one by one
        text = "".join(textpage.get_text_range(i, 1) or " " for i in range(count))
    segments: list[Segment] = []
    chars: list[str] = []
    box: list[float] = []  # x0, x1, top, bottom of the segment being built

    def close() -> None:
        stripped = "".join(chars).strip()
        if stripped:
            segments.append(Segment(number, box[0], box[1], box[2], box[3], stripped))
        chars.clear()
        box.clear()

    for i, char in enumerate(text):
        if char in "\r\n":
            close()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        top, bottom = height - top, height - bottom
        if right <= left or char.isspace():
            if chars:
                chars.append(" ")
            continue
        if box:
            size = box[3] - box[2]
            same_line = min(box[3], bottom) - max(box[2], top) > 0.5 * min(size, bottom - top)
            if not same_line or left - box[1] > 1.2 * size or left < box[0] - 1:
                close()
        if box and left - box[1] > 0.45 * (box[3] - box[2]):
            # wider than a space: two, as a text file writes a gap ("Hvem  Kommunene")
            while chars and chars[-1] == " ":
                chars.pop()
            chars.append("  ")
        if box:
            box[1] = max(box[1], right)
            box[2], box[3] = min(box[2], top), max(box[3], bottom)
        else:
            box.extend((left, right, top, bottom))
        chars.append(char.translate(_HYPHENS))
    close()
    return segments


def read_pdf(data: bytes, max_pages: int = MAX_PAGES) -> str:
    """The programme text of a PDF's bytes, or PdfProblem("encrypted" | "damaged" | "scan" |
    "pages")."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # the child alone needs it

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).casefold()
        if "password" in message or "security" in message:
            raise PdfProblem("encrypted") from None
        raise PdfProblem("damaged", str(exc)) from None
    try:
        total = len(document)
        if total > max_pages:
            raise PdfProblem("pages", f"{total}")
        if total == 0:
            raise PdfProblem("damaged", "no pages")
        pages = []
        for index in range(total):
            page = document[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            pages.append(
                Page(index + 1, width, height, tuple(_segments(textpage, index + 1, height)))
            )
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise PdfProblem("damaged", str(exc)) from None
    finally:
        document.close()
    if sum(len(p.segments) for p in pages) == 0:
        raise PdfProblem("scan")
    return layout_text(pages)
