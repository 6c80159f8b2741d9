"""PDF and Word programmes: built inside the tests from the bundled text, read back to the same
measures; hostile and unreadable files refused in one line, in bounded time and memory."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from geo.errors import InputError
from geo.reading.document import document_from_bytes
from geo.reading.docx import format_number
from geo.reading.formats import Format, sniff
from geo.reading.grammar import TWO_LEVEL
from geo.reading.parse import parse_text
from geo.reading.pdf import Page, Segment, join_hyphenated, layout_text, line_text
from tests import documents
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[1]

# The two words the text has hyphenated at a line end inside a measure, as a PDF reader joins
# them: a real hyphenation, and a hyphen after capitals that stays.
JOINED = {
    "1.3.3": ("fylkes- kommunale", "fylkeskommunale"),
    "2.11.3": ("FORREGION- programmet", "FORREGION-programmet"),
}


def comparable(measures, joined: dict[str, tuple[str, str]] | None = None) -> list[dict]:
    """Measures as records without their line numbers, text with white space collapsed (a
    PDF's lines are not the text file's), hyphenations joined where a PDF reader joins them."""
    out = []
    for measure in measures:
        record = measure.as_dict()
        record.pop("line")
        for key in ("title", "why_how"):
            record[key] = " ".join(record[key].split())
        if joined and measure.id in joined:
            old, new = joined[measure.id]
            assert old in record["why_how"]
            record["why_how"] = record["why_how"].replace(old, new)
        out.append(record)
    return out


@pytest.fixture(scope="module")
def from_text(programme_text):
    return parse_text(programme_text)


def read(data: bytes, name: str) -> str:
    return document_from_bytes(data, name).text


@pytest.mark.parametrize(
    "variant",
    [
        dict(),
        dict(columns=2),
        dict(hyphenated=True),
        dict(columns=2, hyphenated=True, lines_per_column=45),
    ],
    ids=["one-column", "two-columns", "hyphenated", "two-columns-hyphenated"],
)
def test_a_pdf_of_the_programme_gives_the_same_measures(programme_text, from_text, variant):
    data = documents.programme_pdf(programme_text, **variant)
    document = document_from_bytes(data, "handlingsprogram.pdf")
    assert document.format == "pdf"
    text = document.text
    for running in (documents.HEADER, documents.FOOTER, "Side 3 av"):
        assert running not in text  # running headers, footers and page numbers gone
    got = parse_text(text)
    assert got.counts() == from_text.counts()  # every header placed as in the text
    assert got.problem() is None
    assert comparable(got.measures) == comparable(from_text.measures, JOINED)
    if variant.get("hyphenated"):  # hyphenated words came back whole
        assert not [line for line in text.splitlines() if line.endswith(("skap-", "ning-"))]


def test_a_word_file_of_the_programme_gives_the_same_measures(programme_text, from_text):
    document = document_from_bytes(documents.programme_docx(programme_text), "program.docx")
    assert document.format == "docx"
    got = parse_text(document.text)
    assert got.counts() == from_text.counts()
    assert comparable(got.measures) == comparable(from_text.measures)


def test_word_numbering_and_tables_are_read_in_order():
    """Numbers from Word's multi-level list (not in the text), bullets, a table's cells."""
    text = read(documents.numbered_docx(), "nummerert.docx")
    lines = [line for line in text.splitlines() if line]
    assert lines[:11] == [
        "Regional plan for testing",
        "Strategi 1.1: Samarbeid",
        "1.1.1 Første tiltak",
        "Hvorfor og hvordan",
        "Fordi det trengs.",
        "• et punkt",
        "• et punkt til",
        "Hvem",
        "Kommunene, Testfylke fylkeskommune",
        "Tidsperiode",
        "2025–2026",
    ]
    extraction = parse_text(text)
    assert extraction.problem() is None
    got = [(m.id, m.title, m.actors, m.period.text) for m in extraction.measures]
    assert got == [
        ("1.1.1", "Første tiltak", ["Kommunene", "Testfylke fylkeskommune"], "2025–2026"),
        ("1.1.2", "Andre tiltak", ["Halden kommune"], "2026"),
        ("1.2.1", "Tredje tiltak", ["Fylkeskommunen"], "Løpende"),
        ("2.1.1", "Fjerde tiltak", ["Moss kommune og Sarpsborg kommune"], "2027–2028"),
    ]


def test_format_numbers_as_word_shows_them():
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert format_number(4, "upperRoman") == "IV" and format_number(9, "lowerRoman") == "ix"
    assert format_number(12, "decimal") == "12"


def seg(x0, x1, top, text, page=1):
    return Segment(page, x0, x1, top, top + 10, text)


def test_a_table_of_contents_line_becomes_a_tab_and_the_title():
    assert line_text([seg(40, 300, 0, "1.2.3 Et tiltak"), seg(500, 510, 0, "12")]) == (
        "\t1.2.3 Et tiltak"
    )
    assert line_text([seg(40, 400, 0, "1.2.3 Et tiltak ........ 12")]) == "\t1.2.3 Et tiltak"
    assert line_text([seg(40, 300, 0, "Tidsperiode 2025"), seg(305, 330, 0, "2028")]) == (
        "Tidsperiode 2025  2028"  # a number close by is text, apart as its segment is
    )


def test_hyphenation_is_joined_but_not_shared_compounds():
    assert join_hyphenated(["med fylkes-", "kommunale planer"]) == [
        "med fylkeskommunale",
        "planer",
    ]
    assert join_hyphenated(["areal-", "og mobilitet"]) == ["areal-", "og mobilitet"]
    assert join_hyphenated(["Helse Sør-", "Øst"]) == ["Helse Sør-", "Øst"]
    assert join_hyphenated(["2025-", "2028"]) == ["2025-", "2028"]
    assert join_hyphenated(["FoU-", "prosjekter er"]) == ["FoU-prosjekter", "er"]


def test_two_columns_are_read_column_by_column_and_a_full_width_line_splits_them():
    left = [seg(40, 280, 100 + 12 * k, f"venstre linje nummer {k}") for k in range(5)]
    right = [seg(320, 560, 100 + 12 * k, f"høyre linje nummer {k}") for k in range(5)]
    heading = [seg(40, 560, 40, "En overskrift som går over hele siden, begge spalter")]
    middle = [seg(40, 560, 170, "En linje over hele siden skiller to bånd med spalter")]
    lower = [seg(40, 280, 200, "venstre etter"), seg(320, 560, 200, "høyre etter linje")]
    page = Page(1, 600, 800, tuple(lower + heading + right + middle + left))
    lines = [line for line in layout_text([page]).splitlines() if line]
    assert lines[0].startswith("En overskrift")
    assert lines[1:6] == [f"venstre linje nummer {k}" for k in range(5)]
    assert lines[6:11] == [f"høyre linje nummer {k}" for k in range(5)]
    assert lines[11:] == [middle[0].text, "venstre etter", "høyre etter linje"]


def test_running_headers_footers_and_page_numbers_are_removed_but_body_text_stays():
    pages = []
    for number in range(1, 6):
        segments = [
            seg(40, 300, 10, "Handlingsprogram 2025–2028", number),
            seg(40, 300, 100, f"Tekst på side {number}", number),
            seg(40, 300, 112, "Hvem Kommunene", number),
            seg(280, 300, 780, str(number), number),
        ]
        pages.append(Page(number, 600, 800, tuple(segments)))
    lines = [line for line in layout_text(pages).splitlines() if line]
    assert lines == [x for n in range(1, 6) for x in (f"Tekst på side {n}", "Hvem Kommunene")]


def test_a_gap_wider_than_the_line_pitch_is_a_paragraph_break():
    """A title over two lines, then a paragraph after a gap: the parser ends a title at a
    blank line."""
    lines = [seg(40, 300, 100, "1.1.1 Et tiltak med en lang"), seg(40, 300, 112, "tittel")]
    lines += [seg(40, 300, 148, "Et nytt avsnitt"), seg(40, 300, 160, "som fortsetter")]
    text = layout_text([Page(1, 600, 800, tuple(lines))])
    assert text == "1.1.1 Et tiltak med en lang\ntittel\n\nEt nytt avsnitt\nsom fortsetter\n"


@pytest.mark.parametrize(
    "maker, message",
    [
        (documents.encrypted_pdf, "is encrypted (password protected)"),
        (documents.scanned_pdf, "has no text layer (a scan?)"),
        (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, "the PDF is damaged"),
        (lambda: documents.encrypted_pdf()[:400], "the PDF is damaged"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old Word (.doc)"),
        (lambda: b"PK\x03\x04" + b"\0" * 100, "damaged zip file"),
        (documents.odt_like, "not a Word document"),
    ],
    ids=["encrypted", "scan", "damaged", "truncated", "doc", "bad-zip", "odt"],
)
def test_unreadable_files_get_a_one_line_reason(maker, message):
    with pytest.raises(InputError) as caught:
        document_from_bytes(maker(), "program")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_format_is_told_by_the_bytes_not_the_name(programme_text):
    assert sniff(documents.programme_pdf(programme_text[:2000]), "x.txt") is Format.PDF
    assert sniff(documents.programme_docx(programme_text[:2000]), "x.pdf") is Format.DOCX
    assert sniff(programme_text.encode(), "x.docx") is Format.TEXT


@pytest.mark.slow
@pytest.mark.parametrize(
    "maker, message",
    [
        (documents.bomb_pdf, "needed over 2 GB of memory"),
        (documents.many_pages_pdf, "has 10000 pages"),
        (documents.zip_bomb_docx, "unpacks to far more than a document holds"),
    ],
    ids=["pdf-bomb", "10000-pages", "zip-bomb"],
)
def test_hostile_files_are_refused_by_the_command_and_cost_bounded_memory(tmp_path, maker, message):
    path = tmp_path / "fiendtlig.pdf"
    path.write_bytes(maker())
    out = tmp_path / "good.json"
    out.write_text("GOOD", encoding="utf-8")
    result = run("extract", str(path), "--out", str(out), timeout=300)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "GOOD"


@pytest.mark.slow
def test_a_huge_image_is_never_decoded():
    """A 3.6-gigapixel image would take 3.6 GB decoded, over the child's 2 GB: its text is read
    all the same, because text extraction never decodes images."""
    assert read(documents.huge_image_pdf(), "bilde.pdf").strip() == "1.1.1 Tiltak"


@pytest.mark.slow
def test_extract_load_and_the_environment_take_a_pdf_and_a_word_file(tmp_path, programme_text):
    pdf = tmp_path / "program.pdf"
    pdf.write_bytes(documents.programme_pdf(programme_text, columns=2))
    word = tmp_path / "program.docx"
    word.write_bytes(documents.programme_docx(programme_text))
    for path in (pdf, word):
        result = run("extract", str(path), timeout=120)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert len(data["measures"]) == 125 and data["source"]["file"] == path.name
    env = {**os.environ, "TILTAKSKART_DOCUMENT": str(pdf)}
    result = run("load", "--format", "csv", env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = {row["kommunenummer"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows["3105"]["total"], rows["3105"]["specific"]) == ("98", "10")  # as from the text


@pytest.mark.parametrize(
    "name", ["vestfold-2026-2029", "vestland-2026-2030", "trondelag-2027-2030"]
)
def test_programmes_of_other_shapes_read_the_same_from_pdf_and_word(name):
    from geo.reading.extract import choose_grammar

    text = (ROOT / "tests" / "data" / "programmes" / f"{name}.txt").read_text(encoding="utf-8")
    expected = choose_grammar(text)
    for data in (
        documents.programme_pdf(text, columns=2, lines_per_column=10),  # pages enough to
        # tell the running footer by its repeats
        documents.programme_docx(text),
    ):
        got = choose_grammar(document_from_bytes(data, name).text)
        assert got.grammar == expected.grammar and got.problem() is None
        assert comparable(got.measures) == comparable(expected.measures)


def test_a_converted_text_is_kept_by_content_hash_and_read_back(programme_text, tmp_path):
    """A start with the same PDF reads its text from the cache, not the PDF engine."""
    from geo.reading import document as document_module

    data = documents.programme_pdf(programme_text)
    first = document_from_bytes(data, "p.pdf", cache_dir=tmp_path)
    cached = list(tmp_path.glob("document-*.txt"))
    assert [p.name for p in cached] == [f"document-{first.sha256}-pdf-1.txt"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document_module, "convert", lambda *a: pytest.fail("converted again"))
        again = document_from_bytes(data, "p.pdf", cache_dir=tmp_path)
    assert again.text == first.text and again.format == "pdf"
    other = documents.programme_pdf(programme_text, columns=2)  # another file: its own entry
    document_from_bytes(other, "q.pdf", cache_dir=tmp_path)
    assert len(list(tmp_path.glob("document-*.txt"))) == 2


def test_a_planted_link_in_the_cache_is_left_alone(programme_text, tmp_path):
    data = documents.programme_pdf(programme_text[:3000])
    target = tmp_path / "elsewhere.txt"
    target.write_text("NOT A PROGRAMME", encoding="utf-8")
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    (tmp_path / f"document-{digest}-pdf-1.txt").symlink_to(target)
    text = document_from_bytes(data, "p.pdf", cache_dir=tmp_path).text
    assert "NOT A PROGRAMME" not in text and target.read_text() == "NOT A PROGRAMME"


def test_word_text_in_tracked_insertions_controls_and_fields_is_read_and_deleted_text_not():
    text = read(documents.revised_docx(), "utkast.docx")
    measures = {m.id: m for m in parse_text(text, TWO_LEVEL).measures}
    assert list(measures) == ["1.1", "1.2"]  # 1.2's heading is a tracked insertion
    assert measures["1.1"].responsible == ["Larvik kommune"]
    assert measures["1.1"].partners == ["Sandefjord kommune", "Horten kommune"]
    assert "Færder" not in text  # deleted with tracked changes


def test_a_bad_value_in_a_word_file_is_said_to_be_damaged():
    import io
    import zipfile

    source = io.BytesIO(documents.numbered_docx())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/numbering.xml":
                data = data.replace(b'w:ilvl="1"', b'w:ilvl="one"', 1)
            new.writestr(item, data)
    with pytest.raises(InputError, match="the Word file is damaged and cannot be read"):
        document_from_bytes(out.getvalue(), "nummerering.docx")
