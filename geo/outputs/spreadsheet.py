"""Tables for spreadsheets: CSV in a Norwegian or a plain dialect, and formatted Excel files.

Programme text is hostile until checked: a title such as ``=HYPERLINK("http://…";"x")`` would
run as a formula where a spreadsheet opens the file. As OWASP recommends for CSV injection,
every text cell that starts with ``= + - @``, a tab or a carriage return gets a leading ``'``
in CSV; in Excel every text cell is stored as text (never a formula) with Excel's own
quote-prefix flag, so its value stays exact. The JSON export keeps the text exact.
"""

from __future__ import annotations

import errno
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters: longer text wraps in its cell
EXCEL_TEXT_LIMIT = 32767  # characters per cell (Excel's own limit)


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: separator, decimal mark and encoding."""

    name: str
    sep: str
    decimal: str
    encoding: str


# Norwegian Excel splits on ';', reads '95,7' as a number and needs the BOM to see UTF-8.
NORWEGIAN = CsvDialect("norsk", ";", ",", "utf-8-sig")
PLAIN = CsvDialect("plain", ",", ".", "utf-8")
# Rows end in CRLF (RFC 4180) in both: then a cell holding a lone '\r' is quoted, not split.
NEWLINE = "\r\n"


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would evaluate, with a leading "'"; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised (numbers are left as numbers)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame, dialect: CsvDialect = PLAIN) -> str:
    """The frame as CSV text in the given dialect, text cells neutralised."""
    return neutralised(frame).to_csv(
        index=False, sep=dialect.sep, decimal=dialect.decimal, lineterminator=NEWLINE
    )


def csv_bytes(frame: pd.DataFrame, dialect: CsvDialect = PLAIN) -> bytes:
    """csv_text() encoded as the dialect says (with a BOM for Norwegian Excel)."""
    return csv_text(frame, dialect).encode(dialect.encoding)


def write_csv(target: str | Path | IO[bytes], frame: pd.DataFrame, dialect: CsvDialect = PLAIN):
    """Write csv_bytes() to a path or a binary buffer."""
    data = csv_bytes(frame, dialect)
    if isinstance(target, str | Path):
        Path(target).write_bytes(data)
    else:
        target.write(data)


def write_xlsx(target: Any, sheets: Mapping[str, pd.DataFrame]) -> None:
    """An Excel workbook, one sheet per frame: bold frozen header row, autofilter, widths that
    fit the text (up to MAX_WIDTH, then wrapped), text cells stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.worksheets[0])  # a new workbook has one empty sheet
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        headers = [str(c) for c in frame.columns]
        for col, header in enumerate(headers, start=1):
            _text_cell(sheet.cell(row=1, column=col), header).font = Font(bold=True)
        widths = [len(h) for h in headers]
        for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=col)
                if isinstance(value, str):
                    _text_cell(cell, value)
                    longest = max((len(line) for line in value.splitlines()), default=0)
                    if longest > MAX_WIDTH:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif value is None or (not isinstance(value, list) and pd.isna(value)):
                    continue
                else:
                    cell.value = value.item() if hasattr(value, "item") else value
                    if isinstance(cell.value, float):
                        cell.number_format = "0.00"
                    longest = len(str(cell.value))
                widths[col - 1] = max(widths[col - 1], min(longest, MAX_WIDTH))
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = max(width, MIN_WIDTH) + 2
        sheet.freeze_panes = "A2"
        if headers:
            last = get_column_letter(len(headers))
            sheet.auto_filter.ref = f"A1:{last}{max(len(frame), 1) + 1}"
    if not book.sheetnames:
        book.create_sheet(title="tom")
    # Saved in memory first: openpyxl writes as it goes and, on a full disk, leaves a half-closed
    # generator that prints a traceback when collected. A workbook here is well under 1 MB.
    buffer = io.BytesIO()
    try:
        book.save(buffer)
    except OSError:
        raise
    except Exception as exc:
        # With lxml installed (python-docx needs it) openpyxl writes each sheet through a
        # temporary file, and lxml reports a full disk as its own SerialisationError.
        if type(exc).__name__ != "SerialisationError":
            raise
        raise OSError(errno.ENOSPC, f"the workbook's temporary files ({exc})") from None
    if isinstance(target, str | Path):
        Path(target).write_bytes(buffer.getvalue())
    else:
        target.write(buffer.getvalue())


def _text_cell(cell: Any, text: str) -> Any:
    """Store text as a text cell: openpyxl would otherwise take '=…' for a formula. Control
    characters that the file format cannot hold are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)[:EXCEL_TEXT_LIMIT]
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell
