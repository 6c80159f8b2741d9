"""A local stand-in for SSB's PxWeb API v0 (see ../shared/reference/ssb-api.md): POST
/api/v0/no/table/07459/ with a JSON query answers a JSON-stat 2.0 dataset of persons per
municipality, split by sex as the real table is when sex is not eliminated. Failures are
scripted per path as for the Kartverket stand-in."""

from __future__ import annotations

import json

from tests.standin import ScriptedServer

PREFIX = "/api/v0/no"
TABLE_PATH = f"{PREFIX}/table/07459/"


class SsbStandIn(ScriptedServer):
    prefix = PREFIX

    def __init__(self, inhabitants: dict[str, int], year: int = 2026):
        super().__init__()
        self.inhabitants = dict(inhabitants)
        self.year = year
        self.missing: set[str] = set()  # numbers left out of the answer
        self.queries: list[dict] = []

    def dataset(self, numbers: list[str]) -> dict:
        regions = [f"K-{n}" for n in numbers if n not in self.missing]
        values = []
        for code in regions:  # row-major over Region, Kjonn, ContentsCode, Tid
            total = self.inhabitants[code[2:]]
            values += [total // 2, total - total // 2]
        return {
            "version": "2.0",
            "class": "dataset",
            "label": "07459: Befolkning, etter region, kjønn, statistikkvariabel og år",
            "source": "Statistisk sentralbyrå",
            "id": ["Region", "Kjonn", "ContentsCode", "Tid"],
            "size": [len(regions), 2, 1, 1],
            "dimension": {
                "Region": {"category": {"index": {c: i for i, c in enumerate(regions)}}},
                "Kjonn": {"category": {"index": {"1": 0, "2": 1}}},
                "ContentsCode": {"category": {"index": {"Personer1": 0}}},
                "Tid": {"category": {"index": {str(self.year): 0}}},
            },
            "value": values,
        }

    def route(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method != "POST" or path != TABLE_PATH:
            return 404, b'{"error": "no such table"}'
        query = json.loads(body)
        self.queries.append(query)
        region = next(q for q in query["query"] if q["code"] == "Region")["selection"]
        numbers = [v.removeprefix("K-") for v in region["values"]]
        return 200, json.dumps(self.dataset(numbers), ensure_ascii=False).encode()
