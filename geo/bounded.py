"""Run untrusted work (a PDF parser, a geometry repair) in a child process with bounded time
and memory, so that a hostile input can cost a known amount and never the caller's process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ChildFailed(Exception):
    """The child stopped without an answer: `timeout` when past its time, else `reason` (the
    last line it wrote on stderr, or the signal that ended it)."""

    reason: str
    timeout: bool = False


def run_module(module: str, args: list[str], payload: bytes, seconds: float) -> bytes:
    """Run `python -m module *args` with `payload` on stdin; its stdout, or ChildFailed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_ROOT), *sys.path])}
    try:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            input=payload,
            capture_output=True,
            timeout=seconds,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"stopped after {seconds:g} s", timeout=True) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if done.returncode < 0:
            reason = f"ended by signal {-done.returncode}"
        else:
            reason = lines[-1][:200] if lines else f"exit status {done.returncode}"
        raise ChildFailed(reason)
    return done.stdout


def limit_self(memory: int, seconds: float) -> None:
    """In a child: cap its address space at `memory` bytes and its CPU time near `seconds`, so
    it stops even when its parent was killed."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ImportError, ValueError, OSError):
        pass  # no such limits here (Windows): the parent's time limit still holds
