"""A local stand-in for SSB's Klass API: GET /api/klass/v1/classifications/131/changes answers
code changes in Klass's shape (`codeChanges`: oldCode, oldName, newCode, newName,
changeOccurred). The changes are a real subset (numbers as SSB lists them), chains included:
Tjøme 0723 -> Færder 0729 (2018) -> 3811 (2020) -> 3911 (2024)."""

from __future__ import annotations

import json

from tests.standin import ScriptedServer

PREFIX = "/api/klass/v1"
CHANGES_PATH = f"{PREFIX}/classifications/131/changes"

CHANGES = [
    ("0723", "Tjøme", "0729", "Færder", "2018-01-01"),
    ("0722", "Nøtterøy", "0729", "Færder", "2018-01-01"),
    ("0729", "Færder", "3811", "Færder", "2020-01-01"),
    ("3811", "Færder", "3911", "Færder", "2024-01-01"),
    ("1662", "Klæbu", "5030", "Klæbu", "2018-01-01"),
    ("5030", "Klæbu", "5001", "Trondheim", "2020-01-01"),
    ("5012", "Snillfjord", "5059", "Orkland", "2020-01-01"),
    ("5012", "Snillfjord", "5055", "Heim", "2020-01-01"),
    ("5012", "Snillfjord", "5056", "Hitra", "2020-01-01"),
    ("0105", "Sarpsborg", "3003", "Sarpsborg", "2020-01-01"),  # renumbered, not former
    ("3003", "Sarpsborg", "3105", "Sarpsborg", "2024-01-01"),
    ("1534", "Haram", "1507", "Ålesund", "2020-01-01"),  # Haram is back in 2024
    ("1507", "Ålesund", "1580", "Haram", "2024-01-01"),
    ("1507", "Ålesund", "1508", "Ålesund", "2024-01-01"),
    # Not SSB's: a name only this stand-in knows, so a test can tell its list from the bundled
    ("5099", "Gammelbygd", "5001", "Trondheim", "2020-01-01"),
]


class KlassStandIn(ScriptedServer):
    prefix = PREFIX

    def __init__(self, changes=CHANGES):
        super().__init__()
        self.changes = list(changes)

    def route(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method != "GET" or path != CHANGES_PATH:
            return 404, b'{"error": "not found"}'
        keys = ("oldCode", "oldName", "newCode", "newName", "changeOccurred")
        items = [dict(zip(keys, change, strict=True)) for change in self.changes]
        return 200, json.dumps({"codeChanges": items}, ensure_ascii=False).encode()
