"""Bad input gives a one-line InputError that names the problem and the way out."""

from __future__ import annotations

import pytest

from geo.reading.document import (
    CONTROL_CHARS,
    InputError,
    decode,
    document_from_bytes,
    read_document,
)
from geo.reading.extract import extract_bytes, extract_file


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"no such file.*leave DOCUMENT out"):
        read_document(tmp_path / "nope.txt")


def test_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)


@pytest.mark.parametrize("data", [b"", b"   \n\n\t "])
def test_empty(data):
    with pytest.raises(InputError, match="is empty"):
        decode(data, "x.txt")


def test_a_broken_pdf_is_named_as_one():
    with pytest.raises(InputError, match=r"the PDF is damaged"):
        document_from_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "plan.pdf")


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\x00", bytes(range(256)) * 4])
def test_binary(data):
    with pytest.raises(InputError, match="binary file"):
        decode(data, "x.bin")


def test_windows_1252_is_read_with_a_warning(programme_text):
    doc, ex = extract_bytes(programme_text.encode("cp1252", errors="replace"), "cp.txt")
    assert doc.encoding == "windows-1252"
    assert "not UTF-8" in doc.warnings[0] and "Save it as UTF-8" in doc.warnings[0]
    assert len(ex.measures) == 125
    assert ex.measures[0].plan == "Regional plan for økt livskvalitet, deltakelse og likeverd"


def test_latin1_bytes_undefined_in_cp1252_still_decode():
    text, encoding, warnings = decode("Råde kommune \x81".encode("latin-1"), "l1.txt")
    assert encoding == "latin-1" and text.startswith("Råde") and warnings


def test_utf16_with_bom(programme_text):
    doc, ex = extract_bytes(programme_text.encode("utf-16"), "u16.txt")
    assert doc.encoding == "utf-16" and not doc.warnings
    assert len(ex.measures) == 125


def test_utf8_bom_is_accepted(programme_text):
    doc, ex = extract_bytes(b"\xef\xbb\xbf" + programme_text.encode(), "bom.txt")
    assert doc.encoding == "utf-8" and len(ex.measures) == 125


def test_text_without_measure_headers(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("Kjære alle,\n\nher er ingen tiltak.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no measure headers found"):
        extract_file(path)


def test_messages_are_one_line(tmp_path):
    for data in (b"", b"%PDF-1.4", b"\x00" * 10, b"PK\x03\x04"):
        with pytest.raises(InputError) as info:
            document_from_bytes(data, "f")
        assert "\n" not in str(info.value)


def test_control_characters_are_removed_with_a_warning(programme_text):
    escape = "\x1b[2J\x1b]0;pwned\x07"  # clear the screen, retitle the terminal
    text = programme_text.replace("Gjennomføre områdesatsing", f"Gjennomføre{escape} område", 1)
    text = text.replace("Tema: Levekår", "\u202eTema: Levekår\fside", 1)
    document = document_from_bytes(text.encode("utf-8"), "t.txt")
    assert not CONTROL_CHARS.search(document.text) and "\f" not in document.text
    assert "Gjennomføre[2J]0;pwned område" in document.text
    assert "Tema: Levekår\nside" in document.text
    first = min(
        programme_text.index("Gjennomføre områdesatsing"), programme_text.index("Tema: Levekår")
    )
    line = programme_text[:first].count("\n") + 1
    assert document.warnings == [
        f"t.txt: removed 4 control character(s) that are not text (the first on line {line}); "
        "save the text again from its source to silence this warning"
    ]


def test_a_device_or_a_huge_file_is_refused_before_reading(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        read_document("/dev/zero")  # would never end
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(60_000_000)  # sparse: costs no disk, but would cost 60 MB of memory
    with pytest.raises(InputError, match="is 60 MB; a programme is far smaller"):
        read_document(huge)


def test_a_few_broken_bytes_keep_the_text_utf8(programme_text):
    raw = programme_text.encode("utf-8")
    at = raw.index("Gjennomføre".encode())
    document = document_from_bytes(raw[:at] + b"\xff\xfe" + raw[at:], "t.txt")
    assert document.encoding == "utf-8" and "Gjennomføre" in document.text
    line = programme_text[: programme_text.index("Gjennomføre")].count("\n") + 1
    assert document.warnings == [
        f"t.txt: 2 byte sequence(s) are not UTF-8 (the first on line {line}), shown as \ufffd; "
        "correct them in the source to silence this warning"
    ]


def test_line_separators_and_direction_marks_do_not_hide_words(programme_text):
    text = programme_text.replace(
        "Gjennomføre områdesatsing", "\u200f\u061cGjennomføre\u2028områdesatsing", 1
    )
    document = document_from_bytes(text.encode("utf-8"), "t.txt")
    assert "Gjennomføre områdesatsing" in document.text
    assert "\u200f" not in document.text and "\u2028" not in document.text


def test_several_files_in_one_path_are_named_as_such(tmp_path):
    import os

    from geo.reading.document import read_document

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("x", encoding="utf-8")
    b.write_text("y", encoding="utf-8")
    with pytest.raises(InputError, match="names 2 files; this command reads one programme"):
        read_document(f"{a}{os.pathsep}{b}")
    with pytest.raises(InputError, match="no such file"):
        read_document(f"{a}{os.pathsep}{tmp_path / 'missing.txt'}")
