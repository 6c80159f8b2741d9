"""Tag measures with the municipalities they concern, each tag with its evidence.

One compiled alternation finds, left to right, the longest phrase at each position: an
organisation's name ("Fredrikstad MedTech") wins over the place inside it, a region phrase
("Østfoldkommuner med kystlinje") over the collective "kommunene", and so on. Each match
becomes tags for the member municipalities:

- ``name``: the municipality is named (also its genitive, a former municipality or a town);
- ``region``: a named grouping implies it;
- ``place``: a named place lies in it;
- ``organisation``: only an organisation's name holds the place (not geographic by default);
- ``all``: the municipalities collectively ("kommunene" among the actors).

``role`` is ``actor`` for the Hvem field and ``target`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from geo.reading.parse import Measure
from geo.records import Evidence, MeasureTags, TagRecord
from geo.tagging.gazetteer import INSTITUTION, Area, Gazetteer, Municipality, Outside
from geo.terms import Field, Role, Via

OUTSIDE = "outside"  # the entry kind of a name outside the county (its tags say via "name")
GENERIC = "generic"  # a mention of a kind of body in general: matched, tags nothing
_FIELD_RANK = {f: i for i, f in enumerate(Field)}
_VIA_ORDER = {via: i for i, via in enumerate((*Via, OUTSIDE))}

# The collective forms that mean all of the county's municipalities (in the Hvem field).
_ALL_WORDS = (
    "kommunene",
    "Kommunene",
    "kommuner",
    "Kommuner",
    "{county}kommunene",
    "øvrige kommuner",
    "øvrige kommunene",
    "kommunale landbrukskontor",
)
_ALL_SUFFIX = r"(?:\s+i\s+{county})?"
# A collective that is not all of them: "de fire kommunene", "26 kommuner langs …".
_NOT_ALL_BEFORE = re.compile(r"(?:\bde\s+(?:to|tre|fire|fem|seks|sju|åtte)|\d+)\s+$")
_NOT_ALL_AFTER = re.compile(r"^\s+(?:langs|med kystlinje)\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:•]\s*|\n\s*)$")
_LIST_GLUE = re.compile(r"^\s*(?:,|og|eller|/|&)\s*$")
# "på Kalnes", "ved Inspiria": the text puts the measure at an institution's site.
_LOCATIVE = re.compile(r"(?:^|\s)(?:på|ved|i)\s+$", re.IGNORECASE)
# A capitalised word joined to a name by one space or a hyphen: "Biogass Oslofjord".
_NAME_BEFORE = re.compile(r"(?:^|[\s(])[A-ZÆØÅ][\w]*[ -]$")
_NAME_AFTER = re.compile(r"^[ -][A-ZÆØÅ]\w*")


def _phrase_words(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())


_NAME_SUFFIX = r"(?:\s+kommune(?:ne|ns|n|r|s)?|\s+herad|s)?"
# Words that make a place name before them part of an organisation's name ("Tønsberg
# kunstforening", "Bergen Brannvesen", "Oslo Brann og Redning", "Larvik havn"): the kinds of
# body that carry a place's name, from the organisations in Østfold's programme and in the
# three written for the tests. "X kommune" stays the municipality.
ORGANISATION_WORDS = (
    "kunstforening",
    "kunstmuseum",
    "brannvesen",
    "brann og redning",
    "brann- og redningstjeneste",
    "brann- og redningsvesen",
    "idrettslag",
    "idrettsforening",
    "museum",
    "museet",
    "havn",
    "hamn",
    "bibliotek",
    "folkebibliotek",
    "næringsforening",
    "næringsråd",
    "næringsselskap",
    "sykehus",
    "universitet",
    "turlag",
    "turistforening",
    "historielag",
    "lufthavn",
    "energi",
    "kraftlag",
    "sparebank",
)
_ORGANISATION_AFTER = re.compile(
    r"^\s+(?:" + "|".join(_phrase_words(w) for w in ORGANISATION_WORDS) + r")(?!\w)",
    re.IGNORECASE,
)
# ... or after it: "Universitetet i Bergen", "Statsforvalteren i Vestfold og Telemark".
_ORGANISATION_BEFORE = re.compile(
    r"(?:universitetet|høgskolen|høgskulen|sykehuset|sjukehuset|museet|musea|biblioteket|"
    r"brannvesenet|havnevesenet|statsforvalteren|fylkesmannen)\s+(?:i|på)\s+$",
    re.IGNORECASE,
)
# Where an everyday word that is also a municipality's name ("Stad", "Vik") is a place: after a
# preposition of place, with "kommune" or "herad" (in the match), or in a list of names.
_PLACE_BEFORE = re.compile(
    r"(?:^|\s)(?:i|på|fra|til|ved|mellom|rundt|utenfor|nær|om)\s+$", re.IGNORECASE
)
# The context rules look at most this many characters either side of a match: bounded work
# per match, so tagging stays linear in the text however it repeats itself.
CONTEXT = 40
GLUE = 12  # "og", ", ", " / " between two names in a list


# A sentence ends at ". ", "!", "?", a blank line or a list item; a single line break does
# not end one (the source wraps its lines).
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n|\n\s*[•\-–]\s*")
SENTENCE = 400  # characters looked at either side for a sentence's ends: bounded work
WATER = "water"  # a place kind: a fjord, lake or river
# Words that make the water named after them a recipient, not a place of the measure.
_RECEIVING = re.compile(
    r"\b(avrenning|avrenningen|utslipp|utslippene|tilførsel|tilførsler|tilrenning|renner ut)\b",
    re.IGNORECASE,
)


def sentence_of(match: re.Match) -> tuple[int, int]:
    """(start, end) of the sentence a match is in (within SENTENCE characters either side)."""
    text = match.string
    low = max(0, match.start() - SENTENCE)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, low, match.start())]
    start = ends[-1] if ends else low
    after = _SENTENCE_END.search(text, match.end(), min(len(text), match.end() + SENTENCE))
    return start, after.start() if after else min(len(text), match.end() + SENTENCE)


def before_in_sentence(match: re.Match) -> str:
    """The text of the match's sentence before it."""
    return match.string[sentence_of(match)[0] : match.start()]


def before_of(match: re.Match, width: int = CONTEXT) -> str:
    """The text just before a match; a truncated window starts with a word character so that
    '^' in a context pattern only means the true start of the text."""
    start = match.start()
    low = max(0, start - width)
    return ("x" if low else "") + match.string[low:start]


def after_of(match: re.Match, width: int = CONTEXT) -> str:
    return match.string[match.end() : match.end() + width]


@dataclass(frozen=True)
class _Entry:
    via: str  # a Via, or OUTSIDE
    target: Municipality | Area | Outside | None


@dataclass(frozen=True)
class _Pattern:
    rank: tuple[int, int]  # (priority, -length): lower wins at the same position
    regex: re.Pattern
    entry: _Entry


def _phrase(text: str) -> str:
    return r"\s+".join(re.escape(word) for word in text.split())


def _is_word(target: object, match: re.Match) -> bool:
    """Whether the name matched is an everyday word too ("Stad", former "Os")."""
    if isinstance(target, Outside):
        return target.common_word
    if isinstance(target, Municipality) and target.words:
        name = re.sub(r"\s+(?:kommune\w*|herad)$", "", match.group())
        return name in target.words or (name.endswith("s") and name[:-1] in target.words)
    return False


def _common_word_here(match: re.Match, before: str, after: str) -> bool:
    """Whether a name that is also an everyday word is a place here (see _PLACE_BEFORE); the
    list case is settled after all matches are known."""
    return bool(
        " kommune" in match.group() or " herad" in match.group() or _PLACE_BEFORE.search(before)
    )


class Tagger:
    """Compiled patterns for one gazetteer; build once, tag many measures.

    Patterns are indexed by their first two or three characters, so each word of the text is
    checked against the few patterns that can start there. At one position the first pattern
    by priority (organisation, region, place, name, outside, all) and then length wins, and the
    scan goes on after the match.
    """

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self._index: dict[str, list[_Pattern]] = {}
        self._actors_index: dict[str, list[_Pattern]] = {}

        def add(entry: _Entry, phrases, priority: int, suffix: str = "", actors_only=False):
            for phrase in phrases:
                regex = re.compile(_phrase(phrase) + suffix + r"(?!\w)")
                pattern = _Pattern((priority, -len(phrase)), regex, entry)
                indexes = (
                    (self._actors_index,) if actors_only else (self._index, self._actors_index)
                )
                for index in indexes:
                    index.setdefault(phrase[:3], []).append(pattern)

        for generic in gazetteer.generic:
            add(_Entry(GENERIC, generic), generic.patterns, 0)
        for org in gazetteer.organisations:
            add(_Entry(Via.ORGANISATION, org), org.patterns, 0)
        for region in gazetteer.regions:
            add(_Entry(Via.REGION, region), region.patterns, 1)
        for place in gazetteer.places:
            add(_Entry(Via.PLACE, place), place.patterns, 2)
        for m in gazetteer.municipalities:
            add(_Entry(Via.NAME, m), m.names, 3, _NAME_SUFFIX)
        for out in gazetteer.outside:
            add(_Entry(OUTSIDE, out), out.patterns, 4, r"(?:\s+kommune|s)?")
        county = gazetteer.county_name
        add(
            _Entry(Via.ALL, None),
            [w.format(county=county) for w in _ALL_WORDS],
            5,
            _ALL_SUFFIX.format(county=re.escape(county)),
            actors_only=True,
        )
        self._starts = {}
        for index in (self._index, self._actors_index):
            for patterns in index.values():
                patterns.sort(key=lambda p: p.rank)
            # Word starts whose first characters can begin a pattern: found in one C-level scan.
            keys = "|".join(re.escape(k) for k in sorted(index, key=len, reverse=True))
            self._starts[id(index)] = re.compile(rf"(?<![\w-])(?=(?:{keys}))")

    def _scan(
        self, text: str, index: dict[str, list[_Pattern]]
    ) -> Iterator[tuple[_Entry, re.Match]]:
        end = 0
        for start_match in self._starts[id(index)].finditer(text):
            pos = start_match.start()
            if pos < end:
                continue
            three, two = index.get(text[pos : pos + 3]), index.get(text[pos : pos + 2])
            candidates: list[_Pattern]
            if three and two:
                candidates = sorted(three + two, key=lambda p: p.rank)
            else:
                candidates = three or two or []
            for pattern in candidates:
                match = pattern.regex.match(text, pos)
                if match:
                    yield pattern.entry, match
                    end = match.end()
                    break

    def _matches(self, text: str, field: str) -> list[tuple[_Entry, re.Match]]:
        index = self._actors_index if field == Field.ACTORS else self._index
        found = []
        for entry, match in self._scan(text, index):
            before, after = before_of(match), after_of(match)
            if entry.via == Via.ALL and (
                _NOT_ALL_BEFORE.search(before) or _NOT_ALL_AFTER.match(after)
            ):
                continue
            if (
                isinstance(entry.target, Municipality)
                and entry.target.ambiguous
                and _SENTENCE_START.search(before)
                and " kommune" not in match.group()
            ):
                continue
            found.append((entry, match))
        found = self._common_words(found, text, field)
        return self._resolve_alone(found, text)

    def _common_words(
        self, found: list[tuple[_Entry, re.Match]], text: str, field: str
    ) -> list[tuple[_Entry, re.Match]]:
        """Names that are everyday words too, kept only where the text makes them places: by
        a preposition of place, "kommune", a list with another name, or as a whole actor. A
        heading word before a colon ("Stad: Florø og Førde") has none of these."""
        kept = []
        for k, (entry, match) in enumerate(found):
            if _is_word(entry.target, match):
                before, after = before_of(match), after_of(match)
                neighbours = [found[j] for j in (k - 1, k + 1) if 0 <= j < len(found)]
                in_list = any(
                    other.via in (Via.NAME, OUTSIDE) and _LIST_GLUE.match(_between(text, m, match))
                    for other, m in neighbours
                )
                whole = field == Field.ACTORS and match.group() == text.strip()
                if not (_common_word_here(match, before, after) or in_list or whole):
                    continue
            kept.append((entry, match))
        return kept

    def _resolve_alone(
        self, found: list[tuple[_Entry, re.Match]], text: str
    ) -> list[tuple[_Entry, re.Match]]:
        """'Indre Østfold' alone is the region; in a list of municipalities or with 'kommune'
        it is the municipality. A list means a name right before or after it (found is in text
        order), joined by a comma, 'og', 'eller', '/' or '&'."""
        out = []
        for k, (entry, match) in enumerate(found):
            target = entry.target
            if (
                entry.via == Via.NAME
                and isinstance(target, Municipality)
                and target.region_when_alone
            ):
                neighbours = [found[j] for j in (k - 1, k + 1) if 0 <= j < len(found)]
                in_list = any(
                    other.via == Via.NAME and _LIST_GLUE.match(_between(text, m, match))
                    for other, m in neighbours
                )
                if match.group() == target.name and not in_list:
                    entry = _Entry(Via.REGION, self.gazetteer.area(target.region_when_alone))
            out.append((entry, match))
        return out

    def _organisation_by_context(self, entry: _Entry, match: re.Match, field: str) -> bool:
        """Whether a place, region or name is here part of an organisation's name.

        An institution (Kalnes, Inspiria) among the actors is an organisation; in the text it is
        a place only after "på", "ved" or "i". Among the actors, a name joined by a space or a
        hyphen to another capitalised word ("Biogass Oslofjord", "Visit Oslofjord") is part of
        an organisation's name.
        """
        before, after = before_of(match), after_of(match)
        target = entry.target
        if isinstance(target, Area) and target.kind == INSTITUTION:
            return field == Field.ACTORS or not _LOCATIVE.search(before)
        if entry.via in (Via.NAME, Via.PLACE, Via.REGION, OUTSIDE) and (
            _ORGANISATION_AFTER.match(after) or _ORGANISATION_BEFORE.search(before)
        ):
            return True  # "Tønsberg kunstforening", "Universitetet i Bergen"
        if field != Field.ACTORS or entry.via not in (Via.NAME, Via.PLACE, Via.REGION, OUTSIDE):
            return False
        return bool(_NAME_BEFORE.search(before) or _NAME_AFTER.match(after))

    def _measure_matches(self, measure: Measure) -> list[tuple[str, _Entry, re.Match]]:
        """Every match in a measure's fields, after the rules that need the whole measure."""
        texts = [(Field.TITLE, measure.title), (Field.WHY_HOW, measure.why_how)]
        texts += [(Field.ACTORS, actor) for actor in measure.actors]
        found = []
        for field, text in texts:
            for entry, match in self._matches(text, field):
                if self._organisation_by_context(entry, match, field):
                    entry = _Entry(Via.ORGANISATION, entry.target)
                found.append((str(field), entry, match))
        # An entry that does not apply beside another in the same sentence ("kommunene langs
        # Oslofjorden … i indre Oslofjord"); elsewhere in the measure it does (3.5.2's title:
        # "kystsonenettverket … langs Oslofjorden").
        named = {(id(m.string), sentence_of(m), _key(e.target)) for _, e, m in found}
        kept: list[tuple[str, _Entry, re.Match]] = []
        for part, entry, match in found:
            if isinstance(entry.target, Area):
                here = (id(match.string), sentence_of(match))
                if any((*here, key) in named for key in entry.target.unless):
                    continue
                # A water body named as where effects end up ("hindre avrenning til vann og
                # vassdrag, spesielt Oslofjorden") is not where the measure is.
                if entry.target.kind == WATER and _RECEIVING.search(before_in_sentence(match)):
                    continue
            kept.append((part, entry, match))
        return kept

    def tag_measure(self, measure: Measure) -> MeasureTags:
        """Tags for one measure: municipalities in the county, and names outside it."""
        raw: list[TagRecord] = []
        outside: list[TagRecord] = []
        for field, entry, match in self._measure_matches(measure):
            if entry.via == GENERIC or (
                entry.via == Via.ORGANISATION and isinstance(entry.target, Outside)
            ):
                continue  # an organisation outside the county names no place of ours
            role = Role.ACTOR if field == Field.ACTORS else Role.TARGET
            via = Via.NAME if entry.via == OUTSIDE else entry.via
            area = entry.target.key if isinstance(entry.target, Area) else None
            for number, name, level in self._members(entry):
                tag: TagRecord = {
                    "kommunenummer": number,
                    "name": name,
                    "via": str(via),
                    "role": str(role),
                    "field": field,
                    "evidence": match.group(),
                    "roles": [],
                    "evidences": [],
                    "areas": [area] if area else [],
                }
                if level:
                    outside.append({**tag, "level": level})
                else:
                    raw.append(tag)
        return MeasureTags(merge_tags(raw), merge_tags(outside))

    def _members(self, entry: _Entry) -> Iterator[tuple[str, str, str | None]]:
        """(number, name, level) of what a match points to; level is set only outside."""
        target = entry.target
        if target is None:  # "kommunene": all of them
            for m in self.gazetteer.municipalities:
                yield m.number, m.name, None
        elif isinstance(target, Municipality):
            yield target.number, target.name, None
        elif isinstance(target, Outside):
            yield target.number, target.name, target.level
        else:
            for number in target.members:
                yield number, self.gazetteer.municipality(number).name, None
            for number, name in target.outside:
                yield number, name, "kommune"

    def tag(self, measures: list[Measure]) -> dict[str, MeasureTags]:
        return {m.id: self.tag_measure(m) for m in measures}


def _between(text: str, a: re.Match, b: re.Match) -> str:
    """The text between two matches, or '' (no list glue) when they are far apart."""
    first, second = (a, b) if a.start() < b.start() else (b, a)
    gap = text[first.end() : second.start()]
    return gap if len(gap) <= GLUE else ""


def _key(target: Municipality | Area | Outside | None) -> str | None:
    if isinstance(target, Area | Outside):
        return target.key
    return None


def merge_tags(tags: list[TagRecord]) -> list[TagRecord]:
    """One tag per municipality and via, keeping every distinct evidence.

    The tag's own role, field and evidence are its first in reading order, preferring a
    target over an actor; `roles` and `evidences` keep them all.
    """
    merged: dict[tuple[str, str], TagRecord] = {}
    for tag in tags:
        key = (tag["kommunenummer"], tag["via"])
        item: Evidence = {"field": tag["field"], "role": tag["role"], "text": tag["evidence"]}
        if key not in merged:
            merged[key] = {**tag, "roles": [], "evidences": [], "areas": []}
        current = merged[key]
        if item not in current["evidences"]:
            current["evidences"].append(item)
        for area in tag["areas"]:
            if area not in current["areas"]:
                current["areas"].append(area)
        if tag["role"] not in current["roles"]:
            current["roles"].append(tag["role"])
    for merged_tag in merged.values():
        merged_tag["evidences"].sort(
            key=lambda e: (e["role"] != Role.TARGET, _FIELD_RANK[Field(e["field"])])
        )
        first = merged_tag["evidences"][0]
        merged_tag["role"], merged_tag["field"] = first["role"], first["field"]
        merged_tag["evidence"] = first["text"]
        merged_tag["roles"].sort(key=lambda r: r != Role.TARGET)
    return sorted(merged.values(), key=lambda t: (t["kommunenummer"], _VIA_ORDER.get(t["via"], 9)))
