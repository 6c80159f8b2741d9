"""Actors as names: the "Hvem" field's strings ("Østfold Fylkeskommune", "ØFK", "Statsforvalter
m.fl", "KS (skoleeiernettverket)", "Østfold fylkeskommune og kommunene") read as canonical
actor names, with an authored list of the county's actors and their aliases.

A string is split where the list says so (`splits`), on " og " and "/" where a side is a known
actor, and loses what is in parentheses and a trailing "m.fl." (kept as notes, never as
actors). What the list does not know keeps its own words, capitalised, and is the same actor
whatever its case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import GazetteerError
from geo.tagging.gazetteer import read_authored

PARENTHESES = re.compile(r"\(([^()]*)\)")
MORE = re.compile(r"\s*\bm\.\s*(fl|flere)\b\.?\s*$", re.IGNORECASE)
CONJUNCTIONS = (" og ", "/")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _capitalised(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class ActorList:
    """A county's actors: canonical name by alias (case and spacing ignored), and strings
    that stand for several actors."""

    aliases: dict[str, str] = field(default_factory=dict)  # alias key -> canonical name
    splits: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> parts
    source: str = ""

    def known(self, text: str) -> bool:
        return _key(text) in self.aliases

    def canonical(self, text: str) -> str:
        """The canonical name of one actor's words (its own words, capitalised, if unknown)."""
        return self.aliases.get(_key(text)) or _capitalised(text)

    def _parts(self, text: str) -> list[str]:
        """One string split into actors' words (see the module doc)."""
        text = " ".join(text.split()).strip(" ,;.")
        text = re.sub(r"^og\s+", "", text)
        if not text:
            return []
        if (parts := self.splits.get(_key(text))) is not None:
            return [p for part in parts for p in self._parts(part)]
        if self.known(text):
            return [text]
        for joiner in CONJUNCTIONS:
            at = text.find(joiner)
            while at > 0:
                left, right = text[:at], text[at + len(joiner) :]
                hyphen = joiner == " og " and left.endswith("-")  # "Kommunal- og distrikts…"
                if not hyphen and (self.known(left.strip()) or self.known(right.strip())):
                    return self._parts(left) + self._parts(right)
                at = text.find(joiner, at + 1)
        return [text]

    def read(self, raw: list[str]) -> tuple[list[str], list[str]]:
        """(canonical names, notes) of a measure's Hvem strings, each name once, in order."""
        names: dict[str, str] = {}
        notes: list[str] = []
        for item in raw:
            notes += [" ".join(n.split()) for n in PARENTHESES.findall(item) if n.strip()]
            text = PARENTHESES.sub(" ", item)
            if MORE.search(text):
                notes.append("m.fl.")
                text = MORE.sub("", text)
            for part in self._parts(text):
                name = self.canonical(part)
                names.setdefault(_key(name), name)
        return list(names.values()), notes


def actors_for_county(county: str, data_dir: str | Path | None = None) -> ActorList:
    """The county's authored actor list (`aktorer-NN.toml` beside its gazetteer), or an empty
    one: then every actor keeps its own words, the same whatever its case."""
    from geo.resources import gazetteer_dir

    path = Path(data_dir or gazetteer_dir()) / f"aktorer-{county}.toml"
    return read_actors(path) if path.is_file() else ActorList()


def read_actors(path: str | Path) -> ActorList:
    """Read an authored actor list (TOML: [[actors]] name, aliases; [[splits]] text, parts)."""
    path = Path(path)
    data = read_authored(path, "actor list")
    aliases: dict[str, str] = {}
    for actor in data.get("actors", []):
        name = actor.get("name")
        if not isinstance(name, str) or not name.strip():
            raise GazetteerError("every actor needs a name", value=path)
        for alias in [name, *actor.get("aliases", [])]:
            if _key(alias) in aliases and aliases[_key(alias)] != name:
                raise GazetteerError(f"alias {alias!r} names two actors", value=path)
            aliases[_key(alias)] = name
    splits = {
        _key(item["text"]): tuple(item["parts"])
        for item in data.get("splits", [])
        if isinstance(item.get("text"), str) and isinstance(item.get("parts"), list)
    }
    return ActorList(aliases, splits, path.name)
