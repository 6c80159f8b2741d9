"""Every bench script starts: its imports and arguments still match the library (a renamed
function once broke three of them silently). Timings are the scripts' business, not tested."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.name for p in (ROOT / "bench").glob("*.py"))


def test_the_benches_are_all_here():
    assert len(SCRIPTS) >= 6 and "adversarial.py" in SCRIPTS and "gunicorn.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_bench_script_starts(script):
    result = subprocess.run(
        [sys.executable, f"bench/{script}", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
