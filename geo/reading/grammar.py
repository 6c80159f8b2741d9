"""A programme's shape, as a grammar handed to the parser: how measures are numbered, how plan,
theme and strategy headings, page footers and bullets look, and the label words of a measure's
fields with the field each one opens.

Grammars are registered by name (`GRAMMARS`) and chosen by a setting (`--grammar`,
`TILTAKSKART_GRAMMAR`), as geopandas chooses an I/O engine, or from the document itself
(geo.reading.extract.choose_grammar). Another county's shape is one more `Grammar` here, with
its own test document.

Besides Østfold's own shape there are two general ones, for the common shapes of Norwegian
regional action programmes: measures numbered in two levels ("2.3 Tittel", "Tiltak 2.3:") or
three ("1.2.3"), under plan headings or none (one plan), with the label words of LABEL_WORDS in
bokmål and nynorsk. Their labels stand alone on a line, or end with a colon or a wide gap
("Ansvarlig: Fylkeskommunen", "Periode  2026"), so that a sentence starting with the same word
("Ansvar for drift ligger …") stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from geo.errors import InputError
from geo.terms import ActorRole, Field


@dataclass(frozen=True)
class LabelRule:
    """One way a field's label is written. `first` matches the stripped line; its group 1, if
    it has one, is the text after the label. A label broken over two lines has `then`: `first`
    matches the whole first line and `then` the start of the next (its group 1 the rest)."""

    field: Field  # the field the label opens (WHY_HOW, ACTORS or PERIOD)
    label: str  # the label as the data names it ("Hvem bør være med")
    first: re.Pattern[str]
    then: re.Pattern[str] | None = None
    role: ActorRole | None = None  # for ACTORS: responsible or partners, if the label says

    def match(self, line: str, following: str) -> tuple[str, int] | None:
        """(the text after the label, lines used) when the rule matches here, else None."""
        found = self.first.match(line)
        if found is None:
            return None
        if self.then is None:
            return (found[1] if found.re.groups else ""), 1
        rest = self.then.match(following)
        return (rest[1], 2) if rest else None


@dataclass(frozen=True)
class Numbering:
    """How measures are numbered: `depth` parts ("1.2.3" has three: plan, strategy, measure),
    the last one possibly followed by a stray dot; a header may carry more numbers after "/"."""

    depth: int = 3
    part_digits: tuple[int, ...] = (2, 2, 3)  # the most digits of each part

    def __post_init__(self) -> None:
        if len(self.part_digits) != self.depth or self.depth < 2:
            raise ValueError("a numbering needs one digit count per part, and two parts or more")

    @property
    def pattern(self) -> str:
        """A measure number, as a regular expression (no groups)."""
        parts = [rf"\d{{1,{n}}}" for n in self.part_digits]
        return r"\.".join(parts) + r"\.?"

    @property
    def more(self) -> str:
        """Further numbers after "/": measure numbers or bare strategy numbers ("3.14")."""
        tail = self.part_digits[-1]
        return rf"(?:\s*/\s*\d{{1,2}}(?:\.\d{{1,{tail}}}){{1,{self.depth - 1}}}\.?)*"

    def is_measure(self, number: str) -> bool:
        """A measure's number (a strategy's has one part less)."""
        return number.count(".") == self.depth - 1

    def is_strategy(self, number: str) -> bool:
        """A bare strategy number among a header's numbers ("3.14")."""
        return number.count(".") == self.depth - 2

    def strategy_of(self, number: str) -> str:
        """The strategy a measure number belongs to: '1.2.3' -> '1.2'."""
        return ".".join(number.split(".")[: self.depth - 1])

    def plan_of(self, number: str) -> str:
        """The plan a measure number claims: its first part."""
        return number.split(".")[0]


@dataclass(frozen=True)
class Grammar:
    """The shape of one kind of programme document (see the module doc)."""

    name: str
    description: str
    numbering: Numbering
    plan: re.Pattern[str]  # a plan heading (group 'title'), on the stripped line
    theme: re.Pattern[str]  # a theme heading (group 'title')
    strategy: re.Pattern[str]  # a strategy heading (groups 'num' and 'title')
    footer: re.Pattern[str]  # a page footer, on the raw line
    page_number: re.Pattern[str]  # a page number after a footer
    bullet: re.Pattern[str]  # a bullet or numbered item, on the raw line
    labels: tuple[LabelRule, ...]  # tried in order; the first that matches wins
    strategy_text: tuple[str, ...] = ()  # words that start a strategy's text after its title
    plan_prefix: str = ""  # what every plan's title starts with, left out where space is short
    measure_prefix: str = ""  # a word before a measure's number ("Tiltak 2.3"), a regex
    title_separator: str = r"\s+"  # between the numbers and the title
    capital_titles: bool = False  # a title starts with a capital ("2.5 mill. kroner" is text)
    plans_optional: bool = False  # a document without plan headings is one plan
    strategies_expected: bool = True  # warn when a measure's strategy has no heading
    labels_in_any_order: bool = False  # else why/how, actors and period come in that order
    header_like: re.Pattern[str] = field(init=False, repr=False)
    header: re.Pattern[str] = field(init=False, repr=False)
    label_starts: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        number, prefix = self.numbering.pattern, self.measure_prefix
        set_ = object.__setattr__  # derived once; the grammar stays immutable
        lower = r"(?!\s*[:.]?\s+[a-zæøåäöü])" if self.capital_titles else ""
        after = r"[\s/:]" if self.measure_prefix else r"[\s/]"  # "Tiltak 2.3: Tittel"
        set_(self, "header_like", re.compile(rf"^\s*{prefix}{number}(?={after}|$){lower}"))
        # The last group is greedy and nothing lazy comes before a trailing "\s*$": a lazy
        # group there backtracks quadratically over a long run of spaces.
        set_(
            self,
            "header",
            re.compile(
                rf"^{prefix}(?P<nums>{number}{self.numbering.more})"
                rf"(?:{self.title_separator}(?P<title>.*))?$"
            ),
        )
        set_(self, "label_starts", tuple(dict.fromkeys(r.label.split()[0] for r in self.labels)))

    def label_at(self, lines: list[str], j: int) -> Label | None:
        """The field label at lines[j], if one stands there."""
        line = lines[j].strip()
        if not line.startswith(self.label_starts):
            return None
        following = lines[j + 1].strip() if j + 1 < len(lines) else ""
        for rule in self.labels:
            found = rule.match(line, following)
            if found is not None:
                return Label(rule.field, rule.label, found[0], found[1], rule.role)
        return None


class Label(NamedTuple):
    """A field label found in the text: its field, its words, the text after it on its line,
    the lines it takes, and the actors' role it names."""

    field: Field
    label: str
    rest: str
    used: int
    role: ActorRole | None


def _rule(
    field: Field,
    label: str,
    first: str,
    then: str | None = None,
    role: ActorRole | None = None,
) -> LabelRule:
    return LabelRule(field, label, re.compile(first), re.compile(then) if then else None, role)


RESPONSIBLE, PARTNER = ActorRole.RESPONSIBLE, ActorRole.PARTNER


OSTFOLD = Grammar(
    name="ostfold",
    description="Østfold's handlingsprogram 2025–2028: 'Regional plan' headings, "
    "'Tema:' and 'Strategi N.N:' headings, measures numbered plan.strategy.measure",
    numbering=Numbering(),
    plan=re.compile(r"^(?P<title>Regional plan\b.*)$"),
    theme=re.compile(r"^Tema(?:\s+\d+)?\s*:\s*(?P<title>.*)$"),
    strategy=re.compile(r"^Strategi\s+(?P<num>\d{1,2}\.\d{1,2})\s*:\s*(?P<title>.*)$"),
    footer=re.compile(r"^\s*Handlingsprogram\s+\d{4}\s*[-–]\s*\d{4}\s*$"),
    page_number=re.compile(r"^\s*\d{1,3}\s*$"),
    bullet=re.compile(r"^\s*(?:[•o▪◦\-–]|\d+\.)\s"),
    strategy_text=("Strategien",),
    plan_prefix="Regional plan ",
    labels=(
        _rule(Field.WHY_HOW, "Hvorfor og hvordan", r"^Hvorfor og hvordan\b\s*(.*)$"),
        _rule(Field.WHY_HOW, "Hvorfor og hvordan", r"^Hvorfor og$", r"^hvordan\b\s*(.*)$"),
        _rule(Field.WHY_HOW, "Hvorfor", r"^Hvorfor:?$"),
        _rule(Field.ACTORS, "Hvem har ansvar", r"^Hvem har ansvar\b:?\s*(.*)$", role=RESPONSIBLE),
        _rule(Field.ACTORS, "Hvem bør være med", r"^Hvem bør være med\b:?\s*(.*)$", role=PARTNER),
        _rule(Field.ACTORS, "Hvem bør være med", r"^Hvem bør være$", r"^med\b:?\s*(.*)$", PARTNER),
        _rule(Field.ACTORS, "Hvem", r"^Hvem\b:?\s*(.*)$"),
        _rule(Field.PERIOD, "Tidsperiode", r"^Tidsperiode\b:?\s*(.*)$"),
    ),
)

# The label words of the general grammars, per field (and actors' role), longest first so that
# "Hvem har ansvar" wins over "Hvem". Sources: the label words of Østfold's programme 2025–2028,
# and those asked for in issue 19 from other counties' regional action programmes (bokmål and
# nynorsk); "Hovudansvar", "Aktørar", "Deltakarar" and "Kven har ansvar" are their nynorsk forms.
LABEL_WORDS: tuple[tuple[Field, ActorRole | None, tuple[str, ...]], ...] = (
    (Field.WHY_HOW, None, ("Hvorfor og hvordan", "Kvifor og korleis", "Beskrivelse")),
    (
        Field.ACTORS,
        ActorRole.RESPONSIBLE,
        (
            "Hvem har ansvar",
            "Kven har ansvar",
            "Hovedansvar",
            "Hovudansvar",
            "Ansvarlig",
            "Ansvarleg",
            "Ansvar",
        ),
    ),
    (
        Field.ACTORS,
        ActorRole.PARTNER,
        (
            "Hvem bør være med",
            "Samarbeidspartnere",
            "Samarbeidspartnarar",
            "Samarbeidsparter",
            "Aktører",
            "Aktørar",
            "Deltakere",
            "Deltakarar",
        ),
    ),
    (Field.ACTORS, None, ("Hvem", "Kven")),
    (Field.PERIOD, None, ("Tidsperiode", "Gjennomføring", "Periode", "Tidsrom", "Når")),
)


def _general_labels() -> tuple[LabelRule, ...]:
    rules = []
    for field_, role, words in LABEL_WORDS:
        for word in words:
            # The label alone, or followed by a colon, a wide gap or a tab, then its text.
            pattern = rf"^{re.escape(word)}(?:\s*:|\s{{2,}}|\t|(?=\s*$))\s*(.*)$"
            rules.append(LabelRule(field_, word, re.compile(pattern, re.IGNORECASE), None, role))
    rules.sort(key=lambda r: -len(r.label))
    return tuple(rules)


_PLAN_WORDS = r"(?:Regional\s*plan|Regionalplan|Regionplan|Fylkesdelplan|Fylkesplan)"
_STRATEGY_WORDS = (
    r"(?:Strategi|Innsatsområde|Satsingsområde|Fokusområde|Delmål|Hovedmål|"
    r"Hovudmål|Mål|Kapittel)"
)


def general(name: str, description: str, depth: int) -> Grammar:
    """A general grammar for measures numbered in `depth` levels (see the module doc)."""
    parts = r"\.".join([r"\d{1,2}"] * (depth - 1))
    return Grammar(
        name=name,
        description=description,
        numbering=Numbering(depth, (2,) * (depth - 1) + (3,)),
        plan=re.compile(rf"^(?:Del\s+\d{{1,2}}\s*[:.–-]\s*)?(?P<title>{_PLAN_WORDS}\b.*)$"),
        theme=re.compile(r"^Tema(?:\s+\d+)?\s*:\s*(?P<title>.*)$"),
        strategy=re.compile(
            rf"^{_STRATEGY_WORDS}\s+(?P<num>{parts})(?!\d)\.?\s*[:.–-]?\s*(?P<title>.*)$"
        ),
        footer=re.compile(r"^\s*(?:Side|Page)\s+\d{1,4}(?:\s*(?:av|/)\s*\d{1,4})?\s*$"),
        page_number=re.compile(r"^\s*\d{1,3}\s*$"),
        bullet=OSTFOLD.bullet,
        labels=_general_labels(),
        measure_prefix=r"(?:Tiltak\s+)?",
        title_separator=r"(?:\s*[:.–-])?\s+",
        capital_titles=True,
        plans_optional=True,
        strategies_expected=False,
        labels_in_any_order=True,
    )


TWO_LEVEL = general(
    "two-level",
    "measures numbered in two levels ('2.3 Tittel', 'Tiltak 2.3:'), plan headings optional, "
    "label words in bokmål and nynorsk",
    2,
)
THREE_LEVEL = general(
    "three-level",
    "measures numbered in three levels ('1.2.3 Tittel'), plan headings optional, label words "
    "in bokmål and nynorsk",
    3,
)

# In the order a tie is broken when the grammar is chosen from the document.
GRAMMARS: dict[str, Grammar] = {g.name: g for g in (OSTFOLD, THREE_LEVEL, TWO_LEVEL)}
DEFAULT_GRAMMAR = OSTFOLD.name
AUTO = "auto"  # the setting that lets the document choose (and what no setting means)


def grammar_named(name: str | None) -> Grammar:
    """The registered grammar of that name (None: the default), else an InputError listing
    the known ones ("auto" is not a grammar: the caller chooses one from the document)."""
    grammar = GRAMMARS.get(name or DEFAULT_GRAMMAR)
    if grammar is None:
        known = ", ".join(f"{g.name} ({g.description})" for g in GRAMMARS.values())
        raise InputError(
            f"no such grammar; use {AUTO} (chosen from the document) or one of: {known}",
            value=name,
            setting="grammar",
        )
    return grammar
