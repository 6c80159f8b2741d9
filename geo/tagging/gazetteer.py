"""The gazetteer: a county's municipalities, regions, places and organisations, with sources.

A county's gazetteer can be built from its municipality numbers and names alone
(`gazetteer_from_names`); an authored TOML file (`data/kommuner/fylke-NN.toml`) adds former
municipalities, towns, regions, places and organisations. `read_gazetteer` reads such a file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from geo.division import to_2024
from geo.errors import GazetteerError
from geo.resources import gazetteer_dir

# Municipality names that are also common Norwegian words: at the start of a sentence they
# only count when followed by "kommune".
COMMON_WORDS = frozenset(
    [
        "marker",
        "moss",
        "gran",
        "sel",
        "lom",
        "os",
        "hole",
        "vik",
        "nes",
        "bø",
        "lund",
        "ål",
        "hol",
        "flå",
        "vang",
        "fjord",
        "sande",
        "ski",
        "lier",
        "bremanger",
        "stord",
        "hå",
        "leka",
        "frosta",
        "lesja",
        "dovre",
        "nome",
        "vinje",
        "rauma",
        "ringebu",
    ]
)


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str
    also: tuple[str, ...] = ()
    ambiguous: bool = False
    region_when_alone: str | None = None
    source: str = ""
    words: tuple[str, ...] = ()  # its names that are everyday words: counted only as places

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that points to this municipality (main name first)."""
        return (self.name, *self.also)


COUNCIL_PREFIX = "ipr-"  # the key of an IPR council's region
INSTITUTION = "institution"  # a place kind: an organisation among the actors (see tagging)


@dataclass(frozen=True)
class Area:
    """A region, place, organisation or generic mention: a named set of member municipalities."""

    key: str
    name: str
    members: tuple[str, ...]
    patterns: tuple[str, ...]
    outside: tuple[tuple[str, str], ...] = ()
    kind: str = ""
    source: str = ""
    choice: str = ""
    unless: tuple[str, ...] = ()  # keys that, named in the same measure, make this not apply
    uncertain: tuple[str, ...] = ()  # members the sources do not settle
    uncertain_source: str = ""  # where the doubt comes from (authors' notes, English)
    uncertain_note: str = ""  # the doubt as users read it (bokmål)


@dataclass(frozen=True)
class Outside:
    """A name outside the county (a municipality, county or country): reported, not dropped."""

    number: str
    name: str
    level: str
    patterns: tuple[str, ...]
    common_word: bool = False  # an everyday word too: counted only where it is a place

    @property
    def key(self) -> str:
        return self.number


@dataclass(frozen=True)
class Gazetteer:
    county: str
    county_name: str
    municipalities: tuple[Municipality, ...]
    regions: tuple[Area, ...] = ()
    places: tuple[Area, ...] = ()
    organisations: tuple[Area, ...] = ()
    outside: tuple[Outside, ...] = ()
    generic: tuple[Area, ...] = ()  # mentions that tag nothing ("the councils" in general)
    source: str = ""
    warnings: tuple[str, ...] = field(default=())
    tiles: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(m.number for m in self.municipalities)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(number, name) of each municipality, in order."""
        return [(m.number, m.name) for m in self.municipalities]

    def municipality(self, number: str) -> Municipality:
        return next(m for m in self.municipalities if m.number == number)

    @property
    def areas(self) -> tuple[Area, ...]:
        """Regions, places, organisations and generic mentions."""
        return (*self.regions, *self.places, *self.organisations, *self.generic)

    def area(self, key: str) -> Area:
        return next(a for a in self.areas if a.key == key)

    def councils(self) -> list[Area]:
        """The inter-municipal political councils (IPR): regions whose key starts with 'ipr-'."""
        return [r for r in self.regions if r.key.startswith(COUNCIL_PREFIX)]

    def council_regions(self, council: Area) -> list[str]:
        """The keys of the council and of the regions with exactly its members ("its region")."""
        same = [r.key for r in self.regions if set(r.members) == set(council.members)]
        return list(dict.fromkeys([council.key, *same]))

    def find(self, query: str) -> Municipality | None:
        """A municipality by number (2020–2023 numbers too) or by any of its names,
        case-insensitively."""
        q = query.strip().casefold()
        number = to_2024(q)[0] if q.isdigit() else q
        for m in self.municipalities:
            if number == m.number or q in (n.casefold() for n in m.names):
                return m
        return None


def split_name_variants(name: str) -> tuple[str, ...]:
    """'Porsanger - Porsáŋgu - Porsanki' -> its language variants; 'Aurskog-Høland' stays whole."""
    return tuple(part.strip() for part in name.split(" - ") if part.strip())


def gazetteer_from_names(
    county: str, county_name: str, pairs: list[tuple[str, str]], source: str = ""
) -> Gazetteer:
    """A gazetteer from (number, name) pairs only: names, genitives and language variants."""
    municipalities = []
    for number, name in sorted(pairs):
        variants = split_name_variants(name)
        main = variants[0] if variants else name
        municipalities.append(
            Municipality(
                number=number,
                name=main,
                also=variants[1:],
                ambiguous=any(v.casefold() in COMMON_WORDS for v in variants),
                source=source,
            )
        )
    return Gazetteer(county, county_name, tuple(municipalities), source=source)


def _areas(items: list[dict]) -> tuple[Area, ...]:
    return tuple(
        Area(
            key=item["key"],
            name=item["name"],
            members=tuple(item.get("members", [])),
            patterns=tuple(item["patterns"]),
            outside=tuple((str(a), str(b)) for a, b in item.get("outside", [])),
            kind=item.get("kind", ""),
            source=item.get("source", ""),
            choice=item.get("choice", ""),
            unless=tuple(item.get("unless", [])),
            uncertain=tuple(item.get("uncertain", [])),
            uncertain_source=item.get("uncertain_source", ""),
            uncertain_note=item.get("uncertain_note", ""),
        )
        for item in items
    )


def read_authored(path: Path, what: str) -> dict:
    """An authored TOML file (a gazetteer, an actor list) as a dict; a missing or broken
    file is a GazetteerError naming `what` it is."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GazetteerError(f"no such {what}", value=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise GazetteerError(f"not valid TOML ({exc}); fix the {what}", value=path) from None


def read_gazetteer(path: str | Path) -> Gazetteer:
    """Read an authored county gazetteer (TOML)."""
    path = Path(path)
    data = read_authored(path, "gazetteer file")
    municipalities = tuple(
        Municipality(
            number=m["number"],
            name=m["name"],
            also=tuple(m.get("also", [])),
            ambiguous=m.get("ambiguous", False),
            region_when_alone=m.get("region_when_alone"),
            source=m.get("also_source", data.get("source", "")),
        )
        for m in data.get("municipalities", [])
    )
    gazetteer = Gazetteer(
        county=data["county"],
        county_name=data["county_name"],
        municipalities=municipalities,
        regions=_areas(data.get("regions", [])),
        places=_areas(data.get("places", [])),
        organisations=_areas(data.get("organisations", [])),
        outside=tuple(
            Outside(o["number"], o["name"], o["level"], tuple(o["patterns"]))
            for o in data.get("outside", [])
        ),
        generic=_areas(data.get("generic", [])),
        source=str(path.name),
        tiles={n: (int(c), int(r)) for n, (c, r) in data.get("tiles", {}).items()},
    )
    _check(gazetteer, path)
    return gazetteer


def _check(gazetteer: Gazetteer, path: Path) -> None:
    numbers = set(gazetteer.numbers)
    keys = {a.key for a in gazetteer.areas} | {o.key for o in gazetteer.outside}
    for area in gazetteer.areas:
        if set(area.uncertain) - set(area.members):
            raise GazetteerError(f"{area.key}: uncertain members must be members", value=path)
        if area.uncertain and not area.uncertain_note:
            raise GazetteerError(
                f"{area.key}: uncertain members need an 'uncertain_note' for users (bokmål)",
                value=path,
            )
        if set(area.unless) - keys:
            raise GazetteerError(
                f"{area.key}: 'unless' names unknown keys {sorted(set(area.unless) - keys)}",
                value=path,
            )
        unknown = set(area.members) - numbers
        if unknown:
            raise GazetteerError(
                f"{area.key} has members {sorted(unknown)} that are not municipalities "
                f"of county {gazetteer.county}; list them under 'outside' instead",
                value=path,
            )
    if gazetteer.tiles and set(gazetteer.tiles) != numbers:
        raise GazetteerError("[tiles] must place exactly the county's municipalities", value=path)
    if len(set(gazetteer.tiles.values())) != len(gazetteer.tiles):
        raise GazetteerError("[tiles] puts two municipalities in one cell", value=path)
    for m in gazetteer.municipalities:
        if m.region_when_alone and m.region_when_alone not in {r.key for r in gazetteer.regions}:
            raise GazetteerError(
                f"{m.number} names unknown region {m.region_when_alone}", value=path
            )


def with_municipalities(authored: Gazetteer, pairs: list[tuple[str, str]]) -> Gazetteer:
    """Reconcile an authored gazetteer with the municipalities a boundary source lists.

    Authored entries are kept where the number is in the source; numbers only in the source
    are added by name; authored numbers missing from the source are reported in `warnings`.
    """
    source_numbers = {n for n, _ in pairs}
    generic = gazetteer_from_names(authored.county, authored.county_name, pairs)
    by_number = {m.number: m for m in authored.municipalities}
    municipalities = tuple(by_number.get(m.number, m) for m in generic.municipalities)
    missing = sorted(set(by_number) - source_numbers)
    warnings = tuple(
        f"municipality {n} {by_number[n].name} is not in the boundary source: left out of the "
        f"tags and the map; give a file with all of county {authored.county}'s municipalities"
        for n in missing
    )

    def present(areas: tuple[Area, ...]) -> tuple[Area, ...]:
        """Regions and places with only the members the source has."""
        return tuple(
            replace(a, members=tuple(n for n in a.members if n in source_numbers)) for a in areas
        )

    return Gazetteer(
        county=authored.county,
        county_name=authored.county_name,
        municipalities=municipalities,
        regions=present(authored.regions),
        places=present(authored.places),
        organisations=present(authored.organisations),
        outside=authored.outside,
        generic=present(authored.generic),
        source=authored.source,
        warnings=warnings,
        tiles=authored.tiles if set(authored.tiles) == source_numbers else {},
    )


def authored_gazetteer(county: str, data_dir: str | Path | None = None) -> Gazetteer | None:
    """The authored gazetteer of a county (`fylke-NN.toml` in `data_dir`), if there is one."""
    path = Path(data_dir or gazetteer_dir()) / f"fylke-{county}.toml"
    return read_gazetteer(path) if path.exists() else None
