"""CSV dialects and Excel files: formulas neutralised, text exact, Norwegian Excel settings."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from geo.outputs.spreadsheet import (
    FORMULA_START,
    NORWEGIAN,
    PLAIN,
    csv_bytes,
    neutralise,
    write_xlsx,
)

FRAME = pd.DataFrame(
    {
        "Kommune": ["Halden", "=1+1", "@SUM(A1)", "-2", "+3", "\tx", "\rx", "Råde"],
        "Tiltak": [1, 2, 3, 4, 5, 6, 7, 8],
        "Per 1 000": [0.19, 1.5, None, 2.25, 0.0, 1.0, 3.0, 12.18],
    }
)


def test_norwegian_csv_opens_in_norwegian_excel_settings():
    raw = csv_bytes(FRAME, NORWEGIAN)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    back = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(back.columns) == ["Kommune", "Tiltak", "Per 1 000"]
    assert back["Per 1 000"].iloc[-1] == 12.18 and back["Kommune"].iloc[-1] == "Råde"
    assert b"12,18" in raw and b";" in raw


def test_plain_csv_for_tools():
    text = csv_bytes(FRAME, PLAIN).decode("utf-8")
    assert text.startswith("Kommune,Tiltak,Per 1 000\r\n") and "12.18" in text


def test_every_formula_start_is_neutralised_in_csv():
    text = csv_bytes(FRAME, PLAIN).decode()
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    cells = [r[0] for r in rows[1:]]
    assert cells == ["Halden", "'=1+1", "'@SUM(A1)", "'-2", "'+3", "'\tx", "'\rx", "Råde"]


def test_excel_cells_are_text_with_the_exact_value(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx(path, {"tabell": FRAME})
    sheet = openpyxl.load_workbook(path)["tabell"]
    column = [c for c in sheet["A"][1:]]
    # exact, a lone carriage return too (lxml, which python-docx brings, writes it as &#13;)
    assert [c.value for c in column] == list(FRAME["Kommune"])
    assert all(c.data_type == "s" for c in column)
    assert [c.quotePrefix for c in column] == [False, *[True] * 6, False]
    assert sheet["B2"].value == 1 and sheet["C3"].value == 1.5 and sheet["C4"].value is None
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C9"
    assert sheet.column_dimensions["A"].width >= len("Kommune")
    with zipfile.ZipFile(path) as book:
        assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")


@pytest.mark.slow
@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.text(max_size=80))
def test_any_text_round_trips(text):
    frame = pd.DataFrame({"a": [text]})
    (row,) = list(csv.reader(io.StringIO(csv_bytes(frame, PLAIN).decode(), newline="")))[1:]
    assert row == [neutralise(text)]
    assert (row[0] != text) == text.startswith(FORMULA_START)
    buffer = io.BytesIO()
    write_xlsx(buffer, {"a": frame})
    cell = openpyxl.load_workbook(buffer)["a"]["A2"]
    kept = ILLEGAL_CHARACTERS_RE.sub("", text)
    assert cell.value == (kept if kept else None)
    assert cell.data_type == "s" or not kept
