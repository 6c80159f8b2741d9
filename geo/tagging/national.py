"""The national gazetteer: every municipality of Norway by name (Sámi and Kven names too), the
former municipalities since 2017, and the county a document is about.

A county's own gazetteer (authored `fylke-NN.toml`, or its municipalities' names alone) gets
from here the municipalities of the rest of the country as names outside the county, former
names that now belong to its municipalities, and the everyday words among the names (tagged
only where the text makes them places). Two municipalities of one name (Våler, Herøy) are the
programme county's where it has one, else one ambiguous entry naming both.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from geo.division import COUNTIES_2024, check_county
from geo.errors import GazetteerError
from geo.resources import gazetteer_dir
from geo.tagging.gazetteer import (
    Area,
    Gazetteer,
    Municipality,
    Outside,
    authored_gazetteer,
    gazetteer_from_names,
    with_municipalities,
)

NAMES_FILE = "norge-kommuner-2024.json"
FORMER_FILE = "tidligere-kommuner.toml"
AMBIGUOUS = "flertydig"  # the level of an outside name that two municipalities share
# The counties of 2020–2023 that the 2024 reform divided: named whole, not as the half after "og".
FORMER_COUNTIES = {"30": "Viken", "38": "Vestfold og Telemark", "54": "Troms og Finnmark"}


@dataclass(frozen=True)
class NationalName:
    number: str
    name: str  # the Norwegian form
    official: str  # the official name, all its language forms
    variants: tuple[str, ...]  # the Sámi and Kven forms

    @property
    def county(self) -> str:
        return self.number[:2]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.variants)


@dataclass(frozen=True)
class FormerName:
    name: str
    into: tuple[str, ...]  # the numbers of the 2024 municipalities it is part of now
    year: int
    part: bool
    common_word: bool


@dataclass(frozen=True)
class National:
    """Norway's municipalities of 2024, the former ones since 2017, and the everyday words."""

    municipalities: tuple[NationalName, ...]
    former: tuple[FormerName, ...]
    common_words: frozenset[str]
    source: str
    former_source: str

    def number_of(self, name: str, county: str | None = None) -> str:
        found = [
            m.number
            for m in self.municipalities
            if name in m.names and (county is None or m.county == county)
        ]
        if len(found) != 1:
            raise GazetteerError(f"{name!r} names {len(found)} municipalities", value=FORMER_FILE)
        return found[0]


@cache
def national() -> National:
    """The bundled national names and former municipalities (read once)."""
    folder = gazetteer_dir()
    data = json.loads((folder / NAMES_FILE).read_text(encoding="utf-8"))
    municipalities = tuple(
        NationalName(m["number"], m["name"], m["official"], tuple(m["variants"]))
        for m in data["municipalities"]
    )
    raw = tomllib.loads((folder / FORMER_FILE).read_text(encoding="utf-8"))
    partial = National(municipalities, (), frozenset(raw["common_words"]), data["source"], "")
    former = tuple(
        FormerName(
            f["name"],
            tuple(partial.number_of(n, f.get("county")) for n in f["into"]),
            int(f["year"]),
            bool(f.get("part", False)),
            bool(f.get("common_word", False)),
        )
        for f in raw["former"]
    )
    return replace(partial, former=former, former_source=f"{raw['source']}, {raw['date']}")


def county_names(county: str) -> list[tuple[str, str]]:
    """(number, official name) of a county's municipalities of 2024."""
    return [(m.number, m.official) for m in national().municipalities if m.county == county]


def with_nation(
    gazetteer: Gazetteer, authored: bool, former_names: tuple[FormerName, ...] | None = None
) -> Gazetteer:
    """A county's gazetteer with the rest of Norway around it: former names of its own
    municipalities as their names, every other municipality (and former one) as a name outside
    the county, everyday words marked. An authored gazetteer keeps its own entries first.
    `former_names`: the former municipalities (default: the bundled list; geo.fetch.klass
    fetches them)."""
    nation = national()
    if former_names is not None:
        nation = replace(nation, former=former_names)
    county = gazetteer.county
    own = set(gazetteer.numbers)
    former_of: dict[str, list[str]] = defaultdict(list)
    common = set(nation.common_words)
    divided: list[Area] = []  # a former municipality divided between several of today's
    for former in nation.former:
        if former.common_word:
            common.add(former.name)
        if former.part and any(n in own for n in former.into):
            divided.append(_divided(former, own, nation))
            continue
        for number in former.into:
            if number in own:
                former_of[number].append(former.name)
    municipalities: list[Municipality] = []
    for m in gazetteer.municipalities:
        added = tuple(n for n in former_of[m.number] if n not in m.names)
        # An authored file settles its own names' ambiguity ("ambiguous"); former names and
        # a county of names alone take the national list's everyday words.
        names = added if authored else (*m.names, *added)
        words = tuple(n for n in names if n in common)
        municipalities.append(replace(m, also=m.also + added, words=words))
    places = tuple(a for a in divided if not set(a.patterns) & _names_of(gazetteer))
    taken = {p for o in gazetteer.outside for p in o.patterns}
    taken |= {p for a in places for p in a.patterns}
    taken |= {n for m in municipalities for n in m.names}
    by_name: dict[str, list[NationalName]] = defaultdict(list)
    for other in nation.municipalities:
        if other.number not in own:
            for name in other.names:
                by_name[name].append(other)
    outside = list(gazetteer.outside)
    for name, found in sorted(by_name.items()):
        if name in taken:
            continue  # the county's own (Våler in Østfold) or authored already
        if len(found) == 1:
            number, level = found[0].number, "kommune"
            label = found[0].name
        else:
            number = "/".join(m.number for m in found)
            level, label = AMBIGUOUS, f"{name} ({' eller '.join(m.number for m in found)})"
        outside.append(Outside(number, label, level, (name,), common_word=name in common))
        taken.add(name)
    for former in nation.former:
        if former.name in taken or all(n in own for n in former.into):
            continue
        numbers = [n for n in former.into if n not in own]
        today = [m.name for m in nation.municipalities if m.number in numbers]
        label = f"{' / '.join(today)} (tidligere {former.name})"
        outside.append(
            Outside("/".join(numbers), label, "kommune", (former.name,), former.common_word)
        )
        taken.add(former.name)
    # An authored file chose which of the 2020–2023 counties to name (Østfold's: none, as its
    # programme names Viken only in organisations' names).
    former_counties = {} if authored else FORMER_COUNTIES
    for number, name in [*COUNTIES_2024.items(), *former_counties.items()]:
        if number != county and name not in taken:
            outside.append(Outside(number, name, "fylke", (name,)))
    return replace(
        gazetteer,
        municipalities=tuple(municipalities),
        places=gazetteer.places + places,
        outside=tuple(outside),
    )


def _names_of(gazetteer: Gazetteer) -> set[str]:
    return {p for a in gazetteer.areas for p in a.patterns} | {
        n for m in gazetteer.municipalities for n in m.names
    }


def _divided(former: FormerName, own: set[str], nation: National) -> Area:
    """A former municipality now divided (Snillfjord: Orkland, Heim, Hitra) as a place whose
    members are the parts in the county, the others outside."""
    names = {m.number: m.name for m in nation.municipalities}
    return Area(
        key=f"tidligere-{former.name.casefold()}",
        name=f"{former.name} (tidligere kommune)",
        members=tuple(n for n in former.into if n in own),
        patterns=(former.name,),
        outside=tuple((n, names[n]) for n in former.into if n not in own),
        kind="former",
        source=nation.former_source,
    )


def national_county_gazetteer(
    county: str, former: tuple[FormerName, ...] | None = None
) -> Gazetteer:
    """A county without an authored file: its municipalities' names (and Sámi and Kven
    forms) from the national list; no regions, places or organisations."""
    municipalities = tuple(
        Municipality(m.number, m.name, also=m.variants, source=NAMES_FILE)
        for m in national().municipalities
        if m.county == county
    )
    gazetteer = Gazetteer(county, COUNTIES_2024[county], municipalities, source=NAMES_FILE)
    return with_nation(gazetteer, authored=False, former_names=former)


# How a document names its county: "Vestfold fylkeskommune", "Trøndelag fylke", "Regionplan
# Agder", "Regional plan for Vestland".
_COUNTY_FORMS = (
    r"{name}\s+fylkeskommune",
    r"{name}\s+fylke\b",
    r"(?:Regional\s*plan|Regionplan|Regionalplan)\s+(?:for\s+)?{name}",
    r"fylkeskommunen\s+i\s+{name}",
)


def detect_county(text: str) -> tuple[str, str] | None:
    """The county the document is about, and the words that say so: the county whose name
    stands most often in a form that names a county; None when none does or two tie
    (county_mentions says which)."""
    counts, examples = county_mentions(text)
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    number, count = ranked[0]
    return number, examples[number] + (f" and {count - 1} more" if count > 1 else "")


def county_mentions(text: str) -> tuple[Counter[str], dict[str, str]]:
    """Per county number, how often the document names it as a county, and the first words
    that do."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for number, name in COUNTIES_2024.items():
        forms = "|".join(f.format(name=re.escape(name)) for f in _COUNTY_FORMS)
        for match in re.finditer(rf"\b(?:{forms})\b", text):
            counts[number] += 1
            examples.setdefault(number, "'" + " ".join(match.group().split()) + "'")
    return counts, examples


def gazetteer_for_county(
    county: str,
    names: Sequence[tuple[str, str]] | None = None,
    *,
    names_source: str = "",
    data_dir: str | Path | None = None,
    former: tuple[FormerName, ...] | None = None,
) -> Gazetteer:
    """The gazetteer for a county: the authored file (in `data_dir`, by default the package's)
    if there is one, its municipalities checked against (or, with no authored file, taken from)
    `names`, the (number, name) pairs a boundary source lists (`names_source` names it), or
    else the national list's; with the rest of Norway around it (geo.tagging.national)."""
    check_county(county)
    authored = authored_gazetteer(county, data_dir)
    if names is None:
        if authored is None:
            return national_county_gazetteer(county, former)
        return with_nation(authored, authored=True, former_names=former)
    pairs = list(names)
    if authored is not None:
        return with_nation(with_municipalities(authored, pairs), authored=True, former_names=former)
    named = gazetteer_from_names(county, COUNTIES_2024[county], pairs, source=names_source)
    return with_nation(named, authored=False, former_names=former)
