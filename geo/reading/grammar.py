"""A programme's shape, as a grammar handed to the parser: how measures are numbered, how plan,
theme and strategy headings, page footers and bullets look, and the label words of a measure's
fields with the field each one opens.

Grammars are registered by name (`GRAMMARS`) and chosen by a setting (`--grammar`,
`TILTAKSKART_GRAMMAR`), as geopandas chooses an I/O engine. Another county's shape is one more
`Grammar` here, with its own test document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geo.errors import InputError
from geo.terms import Field


@dataclass(frozen=True)
class LabelRule:
    """One way a field's label is written. `first` matches the stripped line; its group 1, if
    it has one, is the text after the label. A label broken over two lines has `then`: `first`
    matches the whole first line and `then` the start of the next (its group 1 the rest)."""

    field: Field  # the field the label opens (WHY_HOW, ACTORS or PERIOD)
    label: str  # the label as the data names it ("Hvem bør være med")
    first: re.Pattern[str]
    then: re.Pattern[str] | None = None

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
    header_like: re.Pattern[str] = field(init=False, repr=False)
    header: re.Pattern[str] = field(init=False, repr=False)
    label_starts: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        number = self.numbering.pattern
        set_ = object.__setattr__  # derived once; the grammar stays immutable
        set_(self, "header_like", re.compile(rf"^\s*{number}(?=[\s/]|$)"))
        # The last group is greedy and nothing lazy comes before a trailing "\s*$": a lazy
        # group there backtracks quadratically over a long run of spaces.
        set_(
            self,
            "header",
            re.compile(rf"^(?P<nums>{number}{self.numbering.more})(?:\s+(?P<title>.*))?$"),
        )
        set_(self, "label_starts", tuple(dict.fromkeys(r.label.split()[0] for r in self.labels)))

    def label_at(self, lines: list[str], j: int) -> tuple[Field, str, str, int] | None:
        """The field label at lines[j]: (field, label, the text after it, lines used)."""
        line = lines[j].strip()
        if not line.startswith(self.label_starts):
            return None
        following = lines[j + 1].strip() if j + 1 < len(lines) else ""
        for rule in self.labels:
            found = rule.match(line, following)
            if found is not None:
                return rule.field, rule.label, found[0], found[1]
        return None


def _rule(field: Field, label: str, first: str, then: str | None = None) -> LabelRule:
    return LabelRule(field, label, re.compile(first), re.compile(then) if then else None)


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
        _rule(Field.ACTORS, "Hvem har ansvar", r"^Hvem har ansvar\b:?\s*(.*)$"),
        _rule(Field.ACTORS, "Hvem bør være med", r"^Hvem bør være med\b:?\s*(.*)$"),
        _rule(Field.ACTORS, "Hvem bør være med", r"^Hvem bør være$", r"^med\b:?\s*(.*)$"),
        _rule(Field.ACTORS, "Hvem", r"^Hvem\b:?\s*(.*)$"),
        _rule(Field.PERIOD, "Tidsperiode", r"^Tidsperiode\b:?\s*(.*)$"),
    ),
)

GRAMMARS: dict[str, Grammar] = {g.name: g for g in (OSTFOLD,)}
DEFAULT_GRAMMAR = OSTFOLD.name


def grammar_named(name: str | None) -> Grammar:
    """The registered grammar of that name (None: the default), else an InputError listing
    the known ones."""
    grammar = GRAMMARS.get(name or DEFAULT_GRAMMAR)
    if grammar is None:
        known = ", ".join(f"{g.name} ({g.description})" for g in GRAMMARS.values())
        raise InputError(f"no such grammar; use one of: {known}", value=name, setting="grammar")
    return grammar
