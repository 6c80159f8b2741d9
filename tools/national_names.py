"""Write data/kommuner/norge-kommuner-2024.json: the number, name and language variants of all
357 municipalities of 2024, from a national boundary file (names only; no geometry).

Run: python tools/national_names.py ../shared/kommuner/norge-kommuner-2024.geojson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "kommuner" / "norge-kommuner-2024.json"

# Official names that put the Sámi form first (in the Sámi language administrative area): the
# Norwegian form, used as the name in lists and on the map, is the next one.
SAMI_FIRST = {
    "Aarborte",
    "Rosse",
    "Snåase",
    "Raarvihke",
    "Hábmer",
    "Dielddanuorri",
    "Loabák",
    "Gáivuotna",
    "Kárášjohka",
    "Guovdageaidnu",
    "Deatnu",
    "Unjárga",
}


def main() -> None:
    source = Path(sys.argv[1])
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    municipalities = []
    for feature in sorted(features, key=lambda f: f["properties"]["kommunenummer"]):
        number = feature["properties"]["kommunenummer"]
        official = feature["properties"]["kommunenavn"]
        variants = [v.strip() for v in official.split(" - ") if v.strip()]
        main = variants[1] if variants[0] in SAMI_FIRST else variants[0]
        others = [v for v in variants if v != main]
        municipalities.append(
            {"number": number, "name": main, "official": official, "variants": others}
        )
    data = {
        "source": "Kartverket, Administrative enheter – kommuner (2024), names only; the "
        "official name's language variants (Sámi, Kven) split on ' - '",
        "municipalities": municipalities,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(municipalities)} municipalities -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
