"""Reading a programme from PDF and Word: the bundled text made into a PDF of about 100 pages
(one and two columns, running headers and page numbers) and a Word file, each read end to end
(child process, layout, parsing) beside the bundled text. Medians of --runs runs.

Run: python bench/documents.py [--pages 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(ROOT))

from geo.reading.document import document_from_bytes  # noqa: E402
from geo.reading.parse import parse_text  # noqa: E402
from geo.resources import default_document  # noqa: E402
from tests import documents  # noqa: E402


def timed(data: bytes, name: str, runs: int) -> tuple[float, float, int, int]:
    """Median seconds to read, then to parse; the measures found and the text's length."""
    reads, parses = [], []
    for _ in range(runs):
        start = time.perf_counter()
        text = document_from_bytes(data, name).text
        middle = time.perf_counter()
        extraction = parse_text(text)
        reads.append(middle - start)
        parses.append(time.perf_counter() - middle)
    return statistics.median(reads), statistics.median(parses), len(extraction.measures), len(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = default_document().read_text(encoding="utf-8")
    lines = len(text.splitlines())
    per_column = max(1, lines // args.pages)
    files = {
        "bundled text": (text.encode("utf-8"), "text"),
        f"PDF, one column ({math.ceil(lines / per_column)} pages)": (
            documents.programme_pdf(text, lines_per_column=per_column),
            "pdf",
        ),
        f"PDF, two columns ({math.ceil(lines / (2 * per_column))} pages)": (
            documents.programme_pdf(text, columns=2, lines_per_column=per_column),
            "pdf",
        ),
        "Word, a paragraph per line": (documents.programme_docx(text), "docx"),
    }
    print(f"{'file':<34} {'size':>9} {'read':>8} {'parse':>8} {'measures':>9}")
    for label, (data, kind) in files.items():
        read, parse, measures, _ = timed(data, f"program.{kind}", args.runs)
        print(f"{label:<34} {len(data) / 1e3:>7.0f}kB {read:>7.3f}s {parse:>7.3f}s {measures:>9}")


if __name__ == "__main__":
    main()
