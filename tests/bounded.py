"""Run a function in a forked process with a time limit: a super-linear regression fails the
test after the limit instead of hanging the suite. The limit is generous; timings are measured
by bench/adversarial.py, not asserted here."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

MEGABYTE = 1 << 20


def _child(fn: Callable[[], object], done) -> None:
    fn()
    done.send(True)


def finishes_within(seconds: float, fn: Callable[[], object]) -> bool:
    """True when fn() returns within `seconds`; an exception in fn fails the caller."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(fn, send), daemon=True)
    process.start()
    send.close()  # so that a child that dies shows as end-of-file, not as a wait
    finished = receive.poll(seconds)
    try:
        if finished:
            try:
                return bool(receive.recv())
            except EOFError:
                raise AssertionError("the run raised an exception (see the output above)") from None
        return False
    finally:
        process.terminate()
        process.join()
