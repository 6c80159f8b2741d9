"""Size limits for boundary geometry, and repair with a time limit.

Real boundaries are far inside the limits: Kartverket's 357 municipalities of 2024 have at most
8 160 vertices and 711 parts each, 266 618 vertices in all. An answer or file beyond them is
refused before any processing, whose cost grows with the vertices.

Repair (`shapely.make_valid`) cannot be bounded by counts: its cost grows with the number of
self-intersections, up to the square of the vertices (a 300-vertex ring of random points took
14 s, 1 000 vertices more than 5 minutes). It runs in a child process that is stopped after
REPAIR_SECONDS (and stops itself after as much CPU time, should its parent be killed) and
may use at most REPAIR_MEMORY_BYTES.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.bounded import ChildFailed, limit_self, run_module
from geo.errors import BoundaryError

MAX_VERTICES_PER_AREA = 100_000
MAX_PARTS_PER_AREA = 10_000
MAX_VERTICES = 1_500_000
REPAIR_SECONDS = 30.0
REPAIR_MEMORY_BYTES = 4 * 1024**3
_LENGTH = struct.Struct("<Q")


def check_size(numbers: Sequence[str], geometries: np.ndarray, origin: str) -> None:
    """Raise BoundaryError when an area or the whole set is over the size limits."""
    vertices = shapely.get_num_coordinates(geometries)
    parts = shapely.get_num_geometries(geometries)
    for label, counts, limit in (
        ("vertices", vertices, MAX_VERTICES_PER_AREA),
        ("parts", parts, MAX_PARTS_PER_AREA),
    ):
        over = [n for n, count in zip(numbers, counts, strict=True) if count > limit]
        if over:
            worst = int(counts.max())
            raise BoundaryError(
                f"boundary of {', '.join(sorted(set(over))[:5])} has {worst:,} {label}, over the "
                f"limit of {limit:,} per municipality; simplify it first (e.g. ogr2ogr -simplify)",
                value=origin,
            )
    if int(vertices.sum()) > MAX_VERTICES:
        raise BoundaryError(
            f"the boundaries have {int(vertices.sum()):,} vertices, over the limit of "
            f"{MAX_VERTICES:,}; simplify them first (e.g. ogr2ogr -simplify)",
            value=origin,
        )


def make_valid_within(
    geometries: Sequence[BaseGeometry] | np.ndarray,
    origin: str,
    seconds: float | None = None,
) -> list[BaseGeometry]:
    """`shapely.make_valid` of each geometry, in a child process stopped after `seconds`
    (REPAIR_SECONDS by default)."""
    seconds = REPAIR_SECONDS if seconds is None else seconds
    payload = _pack(list(shapely.to_wkb(np.asarray(geometries, dtype=object))))
    args = [str(REPAIR_MEMORY_BYTES), str(seconds)]
    try:
        answer = run_module("geo.geometry.repair", args, payload, seconds)
    except ChildFailed as exc:
        if exc.timeout:
            raise BoundaryError(
                f"invalid boundaries could not be repaired within {seconds:g} s", value=origin
            ) from None
        raise BoundaryError(
            f"invalid boundaries could not be repaired ({exc.reason})", value=origin
        ) from None
    return list(shapely.from_wkb(_unpack(answer)))


def _pack(items: list[bytes]) -> bytes:
    return b"".join(_LENGTH.pack(len(item)) + item for item in items)


def _unpack(data: bytes) -> list[bytes]:
    items, at = [], 0
    while at < len(data):
        (size,) = _LENGTH.unpack_from(data, at)
        items.append(data[at + _LENGTH.size : at + _LENGTH.size + size])
        at += _LENGTH.size + size
    return items


def _child(memory: int, seconds: float) -> None:
    """Read geometries (WKB) on stdin, write them repaired on stdout, within `memory` bytes
    and `seconds` of CPU time (so it stops even when its parent was killed)."""
    limit_self(memory, seconds)
    items = shapely.from_wkb(_unpack(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(_pack(list(shapely.to_wkb(shapely.make_valid(items)))))


if __name__ == "__main__":
    _child(int(sys.argv[1]), float(sys.argv[2]))
