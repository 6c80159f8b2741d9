"""Write files atomically: to a temporary file beside the target, then rename.

A failure part-way (a crash, a full disk, a kill) leaves any existing file as it was. The
temporary name carries the writer's process id, so that the next write can remove what a
killed writer left behind without touching a file another live process is still writing.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

PARTIAL_PREFIX = ".partial-"
STALE_AFTER_S = 3600.0  # a partial file this old is left over, whoever wrote it
# .partial-<target name>.<writer's pid>.<8 hex digits><target suffix>
_PARTIAL = re.compile(
    rf"^{re.escape(PARTIAL_PREFIX)}.+\.(?P<pid>\d{{1,10}})\.[0-9a-f]{{8}}(\.[^.]*)?$"
)


def _default_mode(path: Path) -> int:
    """The target's current permissions, or the usual ones for a new file (0666 & ~umask)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the partial files in `folder` left by writers that died (or over an hour old),
    whatever they were writing: a cache file's name changes with the day it was fetched."""
    removed = []
    for partial in folder.glob(f"{PARTIAL_PREFIX}*"):
        match = _PARTIAL.match(partial.name)
        if match is None:
            continue  # not one of ours
        pid = int(match["pid"])
        try:
            old = time.time() - partial.stat().st_mtime > STALE_AFTER_S
            if old or (pid != os.getpid() and not _alive(pid)):
                partial.unlink()
                removed.append(partial)
        except OSError:
            continue  # gone already, or not ours to remove
    if removed:
        log.info("removed %d stale partial file(s) in %s", len(removed), folder)
    return removed


def write_atomic(
    path: str | Path, write: Callable[[Path], object], mode: int | None = None
) -> None:
    """Call `write(tmp)` for a temporary path beside `path`, then rename it into place.

    The temporary file does not exist when `write` is called (some drivers, e.g. GeoPackage,
    insist on creating it). Its suffix is the target's, so format detection still works.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()  # replace the file a link points to, not the link
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_partials(folder)
    tmp = folder / f"{PARTIAL_PREFIX}{path.name}.{os.getpid()}.{secrets.token_hex(4)}{path.suffix}"
    mode = _default_mode(path) if mode is None else mode
    try:
        write(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # a read-only folder: nothing was written anyway
            tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically (newlines as given)."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    write_atomic(path, write)


def private_folder(folder: Path) -> Path:
    """Make a cache folder (and its parents) if need be; a new one is private (0700), so that
    no other user can plant files in it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def is_plain_file(path: Path) -> bool:
    """A regular file that is not a link (a cache reader or writer leaves anything else alone:
    a planted link, a FIFO that would hang a read, a device)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:  # absent, or its folder is not a folder
        return False


def write_cache_atomic(path: str | Path, write: Callable[[Path], object]) -> None:
    """write_atomic for a cache file: the target is written only when it is absent or a plain
    file; a link (which write_atomic would follow), a FIFO or a device there is refused with an
    OSError that names it, and nothing is written."""
    path = Path(path)
    if (os.path.lexists(path)) and not is_plain_file(path):
        raise OSError(
            errno.EEXIST,
            f"{path.name} is a link, a pipe or a device, not a cache file; left alone",
        )
    write_atomic(path, write)
