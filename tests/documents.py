"""Programme files built inside the tests from a programme's text: PDFs (running headers,
footers, page numbers, a table of contents, two columns, hyphenated line ends) and Word files
(a paragraph per line, or measures with automatic numbering and a table)."""

from __future__ import annotations

import io
import re
from pathlib import Path

FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
HEADER = "Handlingsprogram for regionale planer i Østfold – høringsutkast"
FOOTER = "Østfold fylkeskommune · Avdeling for samfunnsutvikling"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        path = next((p for p in FONT_FILES if p.exists()), None)
        if path is None:
            raise RuntimeError("DejaVuSans.ttf is missing: install Debian's fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont("DejaVu", str(path)))
    return "DejaVu"


def hyphenate(lines: list[str], every: int = 5) -> list[str]:
    """Every `every`-th line whose last word is long and lower-case, and whose next line is
    text, split with a hyphen: its tail moves to the start of the next line."""
    out = list(lines)
    count = 0
    for k in range(len(out) - 1):
        line, following = out[k].rstrip(), out[k + 1]
        words = line.split(" ")
        last = words[-1] if words else ""
        if (
            re.fullmatch(r"[a-zæøå]{9,}", last)
            and following.strip()
            and not following.startswith(("\t", " "))
            and not following[:1].isdigit()
        ):
            count += 1
            if count % every == 0:
                cut = len(last) // 2
                out[k] = " ".join([*words[:-1], last[:cut] + "-"])
                out[k + 1] = last[cut:] + " " + following
    return out


def programme_pdf(
    text: str,
    *,
    columns: int = 1,
    lines_per_column: int = 60,
    running: bool = True,
    hyphenated: bool = False,
) -> bytes:
    """A PDF of the text, a source line per line: blank lines as gaps, tab lines as a table of
    contents (title left, page number right), with a running header, a footer and page
    numbers when `running`."""
    from reportlab.pdfgen import canvas

    font = _font()
    lines = text.splitlines()
    if hyphenated:
        lines = hyphenate(lines)
    size, leading = 9.0, 12.0
    widest = max(
        canvas.Canvas(io.BytesIO()).stringWidth(line.strip(), font, size) for line in lines
    )
    column_width = widest + 60
    width = 40 + columns * column_width + (columns - 1) * 30 + 40
    height = 100 + lines_per_column * leading
    pages = [
        lines[k : k + lines_per_column * columns]
        for k in range(0, len(lines), lines_per_column * columns)
    ]
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height))
    for number, page in enumerate(pages, start=1):
        if running:
            pdf.setFont(font, 8)
            pdf.drawString(40, height - 30, HEADER)
            pdf.drawRightString(width - 40, 20, f"Side {number} av {len(pages)}")
            pdf.drawString(40, 20, FOOTER)
        pdf.setFont(font, size)
        for k, line in enumerate(page):
            column, row = divmod(k, lines_per_column)
            x = 40 + column * (column_width + 30)
            y = height - 60 - row * leading
            if line.startswith("\t"):
                pdf.drawString(x, y, line.strip())
                pdf.drawRightString(x + column_width, y, str(number + 40))
            elif line.strip():
                indent = len(line) - len(line.lstrip(" "))
                pdf.drawString(x + min(indent, 4) * 2.0, y, line.strip())
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def programme_docx(text: str) -> bytes:
    """A Word file of the text, a paragraph per source line (an empty one per blank line), the
    table of contents in Word's TOC style."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    for line in text.splitlines():
        if line.startswith("\t"):
            document.add_paragraph(line.strip() + "\t12", style="toc 1")
        else:
            document.add_paragraph(line.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_pdf(text: str = "1.1.1 Et tiltak") -> bytes:
    """A PDF that needs a password to open."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt="hemmelig")
    pdf.setFont(_font(), 10)
    pdf.drawString(40, 700, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF of page images and no text layer, as a scanner makes it."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).text((40, 40), "1.1.1 Et tiltak", fill=0)
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for _ in range(pages):
        pdf.drawImage(ImageReader(image), 0, 0, 595, 842)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand from its objects (1 the catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def bomb_pdf(unpacked: int = 3 * 1024**3) -> bytes:
    """A one-page PDF whose content stream inflates to `unpacked` bytes (3 GB) of spaces."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    stream = b"".join(packer.compress(chunk) for _ in range(unpacked // len(chunk)))
    stream += packer.flush()
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def many_pages_pdf(pages: int = 10_000) -> bytes:
    """A PDF of `pages` pages that share one content stream."""
    kids = b" ".join(b"%d 0 R" % (4 + k) for k in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (1.1.1 Tiltak) Tj ET\nendstream",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
        b"/BaseFont /Helvetica >> >> >> >>"
    )
    return _raw_pdf(objects + [page] * pages)


def huge_image_pdf(side: int = 60_000) -> bytes:
    """A page with one text line and a `side` × `side` image (3.6 gigapixels) of deflated
    zeros: small on disk, huge if anything decoded it."""
    import zlib

    packer = zlib.compressobj(9)
    row = b"\x00" * side
    stream = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    content = b"BT /F1 12 Tf 72 720 Td (1.1.1 Tiltak) Tj ET q 500 0 0 500 50 50 cm /Im1 Do Q"
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 6 0 R >> /XObject << /Im1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            % (side, side)
            + b"/BitsPerComponent 8 /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def zip_bomb_docx(unpacked: int = 1024**3) -> bytes:
    """A .docx whose document.xml inflates to `unpacked` bytes (1 GB)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)
    return out.getvalue()


_NUMBERING = """
<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w:abstractNumId="{abstract}">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val=""/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="Strategi %1.%2:"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%1.%2.%3"/></w:lvl>
</w:abstractNum>"""
_BULLETS = """
<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w:abstractNumId="{abstract}">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>"""
_NUM = """<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w:numId="{num}"><w:abstractNumId w:val="{abstract}"/></w:num>"""


def numbered_docx() -> bytes:
    """A small programme as a county writes it in Word: plan, strategy and measure headings
    numbered by one multi-level list (the numbers are not in the text), bullets, and each
    measure's "Hvem" and "Tidsperiode" in a two-column table."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{_W}num")
    for abstract, template in ((90, _NUMBERING), (91, _BULLETS)):
        element = parse_xml(template.format(abstract=abstract))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            numbering.append(element)
    for num, abstract in ((90, 90), (91, 91)):
        numbering.append(parse_xml(_NUM.format(num=num, abstract=abstract)))

    def numbered(text: str, num: int, level: int, style: str | None = None) -> None:
        paragraph = document.add_paragraph(text, style=style)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = num

    def measure(title: str, why: str, who: str, when: str) -> None:
        numbered(title, 90, 2, "Heading 3")
        document.add_paragraph("Hvorfor og hvordan")
        document.add_paragraph(why)
        numbered("et punkt", 91, 0)
        numbered("et punkt til", 91, 0)
        table = document.add_table(rows=2, cols=2)
        cells = (("Hvem", who), ("Tidsperiode", when))
        for row, (label, value) in zip(table.rows, cells, strict=True):
            row.cells[0].text, row.cells[1].text = label, value

    numbered("Regional plan for testing", 90, 0, "Heading 1")
    numbered("Samarbeid", 90, 1, "Heading 2")
    measure("Første tiltak", "Fordi det trengs.", "Kommunene, Testfylke fylkeskommune", "2025–2026")
    measure("Andre tiltak", "Også nødvendig.", "Halden kommune", "2026")
    numbered("Kunnskap", 90, 1, "Heading 2")
    measure("Tredje tiltak", "Et tredje.", "Fylkeskommunen", "Løpende")
    numbered("Regional plan for mer testing", 90, 0, "Heading 1")
    numbered("Mer", 90, 1, "Heading 2")
    measure("Fjerde tiltak", "Et fjerde.", "Moss kommune og Sarpsborg kommune", "2027–2028")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def odt_like() -> bytes:
    """A zip that is not a Word document (as an OpenDocument text file is)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def revised_docx() -> bytes:
    """A Word draft as sent out for comments: a measure heading and an actor in unaccepted
    tracked insertions, an actor in an inline content control, another in a field, and text
    deleted with tracked changes (not text any more)."""
    import docx
    from docx.oxml import parse_xml

    def inserted(text: str) -> object:
        return parse_xml(
            f'<w:ins {_NS} w:id="1" w:author="Fylket" w:date="2026-01-01T00:00:00Z">'
            f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'
        )

    document = docx.Document()
    for line in ("Handlingsprogram 2026–2029", "Vestfold fylkeskommune", ""):
        document.add_paragraph(line)
    document.add_paragraph("1.1 Etablere et kompetanseforum")
    paragraph = document.add_paragraph("Ansvarlig: ")
    paragraph._p.append(inserted("Larvik kommune"))
    paragraph = document.add_paragraph("Samarbeidspartnere: ")
    paragraph._p.append(
        parse_xml(
            f"<w:sdt {_NS}><w:sdtContent><w:r><w:t>Sandefjord kommune</w:t></w:r>"
            "</w:sdtContent></w:sdt>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {_NS} w:instr="DOCPROPERTY Partner"><w:r><w:t>, Horten kommune'
            "</w:t></w:r></w:fldSimple>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {_NS} w:id="3" w:author="Fylket" w:date="2026-01-01T00:00:00Z">'
            "<w:r><w:delText>, Færder kommune</w:delText></w:r></w:del>"
        )
    )
    document.add_paragraph("Periode: 2026")
    document.add_paragraph("")._p.append(inserted("1.2 Styrke fagskolen i Horten"))
    document.add_paragraph("Ansvarlig: Horten kommune")
    document.add_paragraph("Periode: 2027")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
