"""A Word file's text as programme text: paragraphs, numbered lists and tables in document order.

python-docx reads the package; Word's automatic numbering (a heading numbered "2.3.1" by a
multi-level list, a bullet) is not in a paragraph's text, so it is rendered here from the
numbering definitions, as Word shows it. A table is read row by row, each cell's paragraphs in
turn (a label cell "Hvem" then its value), merged cells once.

The zip is checked before it is opened (entries, sizes, compression ratio), and the whole runs
in a child process (geo.reading.formats) with bounded time and memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

MAX_UNPACKED_BYTES = 200_000_000
MAX_ENTRIES = 5_000
MAX_RATIO = 200  # a zip bomb packs far more; Word's XML packs about 10:1

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocxProblem(Exception):
    """The file cannot give programme text; `kind` says why (damaged, bomb)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


def check_zip(data: bytes) -> None:
    """Refuse a zip that would unpack to too much (a zip bomb), before any XML is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocxProblem("damaged", str(exc)) from None
    if len(entries) > MAX_ENTRIES:
        raise DocxProblem("bomb", f"{len(entries)} entries")
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(packed, 100_000):
        raise DocxProblem("bomb", f"{unpacked} bytes unpacked from {packed}")
    if not any(e.filename == "word/document.xml" for e in entries):
        raise DocxProblem("damaged", "no word/document.xml")


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
_ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word shows it in that number format."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything else


class Numbering:
    """Word's list numbering: each list's levels (format, text, start) and live counters."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    _val(lvl, "numFmt", "decimal"),
                    _val(lvl, "lvlText", ""),
                    int(_val(lvl, "start", "1") or 1),
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                key = ref.get(f"{_W}val", "")
                self.abstract_of[num.get(f"{_W}numId", "")] = key
                self.levels.setdefault(key, abstract.get(key, {}))

    def label(self, num_id: str, level: int) -> str:
        """The label of the next item at that level ('2.3.1', '•'), advancing the counters."""
        key = self.abstract_of.get(num_id)
        levels = self.levels.get(key or "", {})
        if key is None or level not in levels:
            return ""
        counters = self.counters.setdefault(key, {})
        fmt, text, start = levels[level]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt == "bullet":
            return "•"
        for k in range(level + 1):
            k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
            text = text.replace(f"%{k + 1}", format_number(counters.get(k, k_start), k_fmt))
        return text.strip()


def _val(node, tag: str, default: str) -> str:
    child = node.find(f"{_W}{tag}")
    return child.get(f"{_W}val", default) if child is not None else default


class Styles:
    """Each paragraph style's name and list properties (its own or inherited), read once:
    python-docx looks a paragraph's style up anew on every access."""

    def __init__(self, document) -> None:
        self.names: dict[str | None, str] = {}
        self.numbered: dict[str | None, object] = {}
        default = None
        for style in document.styles:
            if getattr(style, "type", None) is None or style.element.tag != f"{_W}style":
                continue
            if style.element.get(f"{_W}type") != "paragraph":
                continue
            key = style.style_id
            self.names[key] = (style.name or "").casefold()
            self.numbered[key] = _inherited_num_pr(style)
            if style.element.get(f"{_W}default") in ("1", "true"):
                default = key
        self.names[None] = self.names.get(default, "")
        self.numbered[None] = self.numbered.get(default)

    @staticmethod
    def id_of(paragraph) -> str | None:
        ppr = paragraph._p.pPr
        style = ppr.find(f"{_W}pStyle") if ppr is not None else None
        return style.get(f"{_W}val") if style is not None else None

    def name(self, paragraph) -> str:
        return self.names.get(self.id_of(paragraph), "")

    def num_pr(self, paragraph) -> tuple[str, int] | None:
        """The paragraph's list (numId, level), from its own properties or its style's."""
        ppr = paragraph._p.pPr
        own = ppr.find(f"{_W}numPr") if ppr is not None else None
        for num_pr in (own, self.numbered.get(self.id_of(paragraph))):
            if num_pr is not None:
                num_id = _val(num_pr, "numId", "")
                level = int(_val(num_pr, "ilvl", "0") or 0)
                if num_id and num_id != "0":
                    return num_id, level
        return None


def _inherited_num_pr(style):
    while style is not None:
        ppr = style.element.pPr
        found = ppr.find(f"{_W}numPr") if ppr is not None else None
        if found is not None:
            return found
        style = style.base_style
    return None


def _blocks(document) -> Iterator[object]:
    """The body's paragraphs and tables, in document order (tables' cells' paragraphs too)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(parent, element) -> Iterator[object]:
        for child in element.iterchildren():
            if child.tag == f"{_W}p":
                yield Paragraph(child, parent)
            elif child.tag == f"{_W}tbl":
                table = Table(child, parent)
                for row in table.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        yield from walk(cell, cell._tc)
                        yield None  # a cell ends a paragraph
            elif child.tag == f"{_W}sdt":  # content controls (a table of contents)
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from walk(parent, content)

    yield from walk(document, document.element.body)


_TEXT, _TAB, _BREAKS = f"{_W}t", f"{_W}tab", (f"{_W}br", f"{_W}cr")
_BOX = f"{_W}txbxContent"  # a text box's paragraphs are read as their own


def paragraph_text(paragraph) -> str:
    """All of a paragraph's text in order: runs, and the runs inside tracked insertions,
    content controls, fields, smart tags and hyperlinks (python-docx's `text` leaves some of
    these out). Text deleted with tracked changes is held in w:delText, which is not read."""
    parts: list[str] = []

    def walk(element) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag == _BOX:
                continue
            if tag == _TEXT:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in _BREAKS:
                parts.append("\n")
            else:
                walk(child)

    walk(paragraph._p)
    return "".join(parts)


def read_docx(data: bytes) -> str:
    """The programme text of a Word (.docx) file's bytes, or DocxProblem."""
    check_zip(data)
    import docx  # the child process alone needs it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise DocxProblem("damaged", str(exc)[:200]) from None
    numbering, styles = Numbering(document), Styles(document)
    lines: list[str] = []
    for block in _blocks(document):
        if block is None:
            if lines and lines[-1]:
                lines.append("")
            continue
        text = "\n".join(part.strip() for part in paragraph_text(block).split("\n"))
        found = styles.num_pr(block)
        label = numbering.label(*found) if found else ""
        if not text.strip():
            lines.append("")
            continue
        style = styles.name(block)
        if style.startswith(("toc", "innholdsfortegnelse", "innhold")):  # table of contents
            lines.append("\t" + text.split("\t")[0].strip())
            continue
        text = text.replace("\t", " ")
        lines.append(f"{label} {text}" if label else text)
        if style.startswith(("heading", "overskrift", "title", "tittel")):
            lines.append("")  # a heading is a paragraph of its own, never wrapped into the next
    return "\n".join(lines) + "\n"
