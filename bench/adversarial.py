"""Parsing and tagging time on hostile inputs at 1x, 2x, 4x and 8x size: linear code keeps the
time per byte flat. Each run is a separate process with a time limit, so a super-linear case
shows as "stopped" instead of hanging the bench.

Run: python bench/adversarial.py [--base 131072] [--limit 60]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

PROGRAMME = """Handlingsprogram 2025-2028
Regional plan for noe
Tema 1: Noe
Strategi 1.1: Noe
1.1.1 Et tiltak
Hvorfor og hvordan
{why}
Hvem
{who}
Tidsperiode 2025
{after}
"""

# Each case: (what it does, code run in a fresh process with N = the input size in bytes).
CASES = {
    "header line: spaces before its last character": "parse(PROGRAMME.format("
    "why='Tekst.', who='Kommunene', after='1.1.2 Tittel' + ' ' * N + 'x'))",
    "plan heading: spaces before its last character": "parse(PROGRAMME.format("
    "why='Tekst.', who='Kommunene', after='Regional plan for' + ' ' * N + 'x'))",
    "Hvem field: digits before 'kommunene'": "tag(why='Tekst.', who='1' * N + ' og kommunene')",
    "why/how: 'Indre Østfold. ' repeated": "tag(why='Indre Østfold. ' * (N // 15), who='KS')",
    "why/how: 'Moss. ' repeated": "tag(why='Moss. ' * (N // 6), who='KS')",
    "why/how: 'Halden og Sarpsborg, ' repeated": "tag(why='Halden og Sarpsborg, ' * (N // 21), "
    "who='KS')",
    "why/how: 'tiltak i Oslofjorden ' repeated": "tag(why='tiltak i Oslofjorden ' * (N // 21), "
    "who='KS')",
    "text after the last measure": "parse(PROGRAMME.format("
    "why='Tekst.', who='Kommunene', after='ord ' * (N // 4)))",
    # Many-line fields and page repeats (issue 17, point 4): one line each.
    "title over short lines, repeated after a page break": "parse(repeated_title(N))",
    "title over 76-character lines": "parse(HEAD + '1.1.1 ' + lines('x' * 75, N) + BODY)",
    "Hvem over short lines": "parse(PROGRAMME.format("
    "why='Tekst.', who=lines('Aktør,', N), after=''))",
    "why/how over short lines": "parse(PROGRAMME.format(why=lines('ord', N), who='KS', after=''))",
}
SETUP = """
import time
from geo.reading.parse import parse_text, Measure
from geo.reading.periods import Period
from geo.tagging.gazetteer import read_gazetteer
from geo.resources import gazetteer_dir
from geo.tagging.tagger import Tagger
PROGRAMME = {programme!r}
tagger = Tagger(read_gazetteer(gazetteer_dir() / "fylke-31.toml"))
def parse(text):
    return parse_text(text)
HEAD = "Handlingsprogram 2025-2028\\nRegional plan for noe\\nTema 1: Noe\\nStrategi 1.1: Noe\\n"
BODY = "\\n\\nHvorfor og hvordan\\nTekst.\\nHvem\\nKommunene\\nTidsperiode 2025\\n"
def lines(line, size):
    return "\\n".join([line] * max(1, size // (len(line) + 1)))
def repeated_title(size):
    title = lines("ord", size // 2)
    return (HEAD + "1.1.1 Et " + title + "\\n\\nHvorfor og hvordan\\nTekst.\\n1.1.1 Et " + title
            + "\\n\\nmer tekst.\\nHvem\\nKommunene\\nTidsperiode 2025\\n")
def tag(why, who):
    m = Measure("1.1.1", [], "Et tiltak", None, None, None, None, why, [who], "Hvem",
                Period("", None, None), [], 1, [])
    return tagger.tag_measure(m)
N = {size}
start = time.perf_counter()
{code}
print(time.perf_counter() - start)
"""


def run(code: str, size: int, limit: float) -> float | None:
    script = SETUP.format(programme=PROGRAMME, size=size, code=code)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=limit,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=131072, help="bytes at 1x (default 128 kB)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--only", default="", help="only the cases whose name holds these words")
    args = parser.parse_args()
    started = time.perf_counter()
    for name, code in CASES.items():
        if args.only not in name:
            continue
        cells = []
        for factor in (1, 2, 4, 8):
            size = args.base * factor
            seconds = run(code, size, args.limit)
            if seconds is None:
                cells.append(f"{size // 1024} kB: stopped after {args.limit:g} s")
                break
            cells.append(f"{size // 1024} kB: {seconds:.3f} s ({seconds / size * 1e6:.2f} µs/B)")
        print(f"{name}\n    " + "\n    ".join(cells))
    print(f"(all runs: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
