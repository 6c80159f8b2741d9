"""Parse the action programme text into measures, accounting for every header line.

The text comes from a PDF, so it carries artefacts: page footers, page breaks that repeat a
measure's header inside its body, labels split over two lines, and short stubs that only repeat
the number and title of a measure described elsewhere. Every line that looks like a measure
header ends up in exactly one class: ``measure``, ``page_repeat``, ``stub``, ``toc`` or
``unclassified``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import cast

from geo.reading.grammar import OSTFOLD, Grammar, Label
from geo.reading.periods import Period, parse_period, programme_period, title_period
from geo.records import MEASURE_FIELDS, MeasureRecord
from geo.terms import ActorRole, Field

_URL = re.compile(r"^\s*https?://\S+\s*$")

WHY, WHO, WHEN = Field.WHY_HOW, Field.ACTORS, Field.PERIOD
RESPONSIBLE, PARTNER = ActorRole.RESPONSIBLE, ActorRole.PARTNER
_RANK = {None: 0, WHY: 1, WHO: 2, WHEN: 3}

# The longest period the parser accepts, in non-empty lines (the bundled programme's is 2).
PERIOD_LINES = 4
PERIOD_CHARS = 400  # its longest is 85

CLASSES = ("measure", "page_repeat", "stub", "toc", "unclassified")


@dataclass(frozen=True)
class Plan:
    """A plan of the programme: its key (its place among the plan headings, "1", "2" …, which
    its measures' numbers start with), its title, and the title without the words every plan's
    title starts with (the grammar's `plan_prefix`: "Regional plan for …" -> "for …")."""

    key: str
    title: str
    short: str


@dataclass
class Header:
    """One line that looks like a measure header, and what the parser made of it."""

    line: int
    text: str
    numbers: list[str]
    title: str
    kind: str = "unclassified"
    note: str = ""


@dataclass
class Block:
    """A measure header in the body with the lines that follow it up to the next structure."""

    header: Header
    plan: str | None
    plan_number: int
    theme: str | None
    body: list[str] = field(default_factory=list)
    linenos: list[int] = field(default_factory=list)  # the line number of each body line
    end: int | None = None  # body lines from here on follow table-of-contents lines
    fields: dict = field(default_factory=dict)

    @property
    def is_full(self) -> bool:
        return bool(self.fields.get("labels"))


@dataclass
class Measure:
    """A distinct measure of the programme (see the README for the field meanings)."""

    id: str
    aliases: list[str]
    title: str
    plan: str | None
    theme: str | None
    strategy: str | None
    strategy_title: str | None
    why_how: str
    actors: list[str]
    actors_label: str | None
    period: Period
    strategy_refs: list[str]
    line: int
    footnotes: list[str]
    responsible: list[str] = field(default_factory=list)  # the actors a label names responsible
    partners: list[str] = field(default_factory=list)  # and partners

    def as_dict(self) -> MeasureRecord:
        """The measure as the extract JSON holds it (geo.records.MEASURE_FIELDS, in order)."""
        record = {name: getattr(self, name) for name in MEASURE_FIELDS}
        record["period"] = self.period.as_dict()
        return cast(MeasureRecord, record)


@dataclass
class Stray:
    """Text after a measure's period that is too long to be a period: it belongs to no measure."""

    line: int
    end: int
    after: str  # the number of the measure whose period it follows
    text: str  # its first line


@dataclass
class TocEntry:
    line: int
    numbers: list[str]
    title: str


@dataclass
class Extraction:
    """Everything the parser found: measures, every header line classified, and checks."""

    measures: list[Measure]
    headers: list[Header]
    toc: list[TocEntry]
    strategies: dict[str, str]
    footers: int
    toc_missing: list[TocEntry]
    toc_title_mismatches: list[tuple[TocEntry, Header]]
    not_in_toc: list[Header]
    warnings: list[str]
    programme: tuple[int, int] | None = None  # the programme's period (title, else measures)
    stray: list[Stray] = field(default_factory=list)
    plans: tuple[Plan, ...] = ()  # in document order
    grammar: str = OSTFOLD.name  # the grammar it was read by
    grammar_note: str = ""  # how that grammar was chosen

    @property
    def described(self) -> int:
        """The measures with a labelled field (why/how, actors or period)."""
        return sum(1 for m in self.measures if m.why_how or m.actors or m.period.text)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CLASSES, 0)
        for header in self.headers:
            counts[header.kind] += 1
        return counts

    @property
    def unclassified(self) -> list[Header]:
        return [h for h in self.headers if h.kind == "unclassified"]

    def problem(self) -> str | None:
        """What keeps this reading from being used, in one line, or None when all is placed."""
        if self.unclassified:
            first = self.unclassified[0]
            return (
                f"{len(self.unclassified)} header line(s) could not be classified "
                f"(first at line {first.line})"
            )
        if self.stray:
            stray = self.stray[0]
            return (
                f"{len(self.stray)} passage(s) of text belong to no measure (first at lines "
                f"{stray.line}-{stray.end}, after the period of {stray.after})"
            )
        return None


def normalise_number(raw: str) -> str:
    """'3.18.1.' -> '3.18.1'; ' 3.13.4' -> '3.13.4'."""
    return raw.strip().rstrip(".")


def split_numbers(raw: str) -> list[str]:
    """Split '3.19.1/ 3.13.4/3.17/3.18./2.7.5' into normalised numbers, in order."""
    return [normalise_number(part) for part in raw.split("/") if part.strip()]


def squash(text: str) -> str:
    """Collapse white space and unify dashes, for comparing titles."""
    text = text.replace("–", "-").replace("—", "-")
    return " ".join(text.split()).casefold()


def parse_header(line: str, lineno: int, grammar: Grammar = OSTFOLD) -> Header | None:
    """Parse a header-like line into numbers and the title's first line."""
    if not grammar.header_like.match(line):
        return None
    text = line.strip()
    match = grammar.header.match(text)
    if match is None:
        # Looks like a header but the numbers run into text ("1.2.3abc"): keep it visible.
        return Header(lineno, text, [normalise_number(text.split()[0])], "")
    return Header(lineno, text, split_numbers(match["nums"]), (match["title"] or "").strip())


def _is_structure(line: str, grammar: Grammar) -> bool:
    stripped = line.strip()
    return bool(
        grammar.header_like.match(line)
        or grammar.plan.match(stripped)
        or grammar.theme.match(stripped)
        or grammar.strategy.match(stripped)
        or grammar.footer.match(line)
    )


def paragraphs(lines: list[str]) -> str:
    """Join body lines: strip each, keep one blank line between paragraphs.

    A blank line inside a sentence (the previous line ends without punctuation and the next
    starts in lower case) is a PDF artefact, e.g. around a page break, and is dropped.
    """
    out: list[str] = []
    for line in lines:
        s = line.strip()
        if s and len(out) > 1 and not out[-1] and out[-2][-1] not in ".:;!?" and s[0].islower():
            out.pop()
        if s or (out and out[-1]):
            out.append(s)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def join_wrapped(lines: list[str]) -> str:
    """Join wrapped lines into one: 'Helse Sør-' + 'Øst' -> 'Helse Sør-Øst'.

    A hyphen that starts a shared compound ('Energi-' + 'og industri…') keeps its space.
    Built from parts (what decides a join is the text's last two characters), so that many
    lines cost linear time.
    """
    parts: list[str] = []
    tail = ""  # the last two characters of the text so far
    for line in (s.strip() for s in lines):
        if not line:
            continue
        if (
            tail.endswith("-")
            and len(tail) > 1
            and not tail[-2].isspace()
            and not re.match(r"(og|eller|til)\b", line)
        ):
            added = line
        else:
            added = f" {line}" if parts else line
        parts.append(added)
        tail = (tail + added)[-2:]
    return "".join(parts)


def split_actors(text: str) -> list[str]:
    """Split a 'Hvem' text on commas and semicolons outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    actors = [" ".join(p.split()).rstrip(".").strip() for p in parts]
    return [a for a in actors if a]


def split_fields(
    body: list[str],
    programme: tuple[int, int] | None = None,
    end: int | None = None,
    grammar: Grammar = OSTFOLD,
) -> dict:
    """Split a measure body into its labelled fields ("I planperioden" reads as `programme`).

    Only body[:end] belongs to the measure (the rest follows table-of-contents lines). A period
    is at most PERIOD_LINES lines and PERIOD_CHARS characters (URLs aside); text beyond that is
    not absorbed into it: `stray` is the index in `body` where such text starts, or None.
    """
    end = len(body) if end is None else end
    sections: dict[Field | None, list[str]] = {None: [], WHY: [], WHO: [], WHEN: []}
    who: list[tuple[ActorRole | None, list[str]]] = []  # the actors under each actors' label
    when_start = end
    labels: dict[str, str] = {}
    seen: set[tuple[Field, ActorRole | None]] = set()
    current: Field | None = None
    role: ActorRole | None = None
    j = 0
    while j < end:
        found = grammar.label_at(body, j)
        if found and _opens(found, current, role, seen, grammar):
            current, role = found.field, found.role
            seen.add((current, role))
            labels.setdefault(current, found.label)
            if current == WHO:
                who.append((role, []))
            target = who[-1][1] if current == WHO else sections[current]
            if found.rest:
                target.append(found.rest)
            j += found.used
            if current == WHEN:
                when_start = j - (1 if found.rest else 0)
            continue
        (who[-1][1] if current == WHO else sections[current]).append(body[j])
        j += 1

    period_lines: list[str] = []
    footnotes: list[str] = []
    stray = next((k for k in range(end, len(body)) if body[k].strip()), None)
    size = 0
    for k, line in enumerate(sections[WHEN]):
        text = line.strip()
        if _URL.match(text):
            footnotes.append(text)
            continue
        size += len(text)
        if text and (len(period_lines) == PERIOD_LINES or size > PERIOD_CHARS):
            stray = when_start + k
            break
        elif text:
            period_lines.append(text)
    footnotes = _unique(iter(footnotes))
    period_text = "\n".join(period_lines)
    named = [(r, split_actors(join_wrapped(lines))) for r, lines in who]
    return {
        "labels": labels,
        "note": paragraphs(sections[None]),
        WHY: paragraphs(sections[WHY]),
        WHO: [a for _, actors in named for a in actors],  # as written, repeats kept
        "responsible": [a for r, actors in named if r == RESPONSIBLE for a in actors],
        "partners": [a for r, actors in named if r == PARTNER for a in actors],
        "actors_label": labels.get(WHO),
        WHEN: parse_period(period_text, programme),
        "footnotes": footnotes,
        "stray": stray,
    }


def _opens(
    found: Label,
    current: Field | None,
    role: ActorRole | None,
    seen: set[tuple[Field, ActorRole | None]],
    grammar: Grammar,
) -> bool:
    """Whether a label found in a measure's body opens its field: each field (and actors'
    role) once; in the grammar's order unless it takes them in any order. Responsible and
    partners may follow each other."""
    if (found.field, found.role) in seen:
        return False
    if grammar.labels_in_any_order:
        return True
    if found.field == WHO and current == WHO:
        return found.role != role
    return _RANK[found.field] > _RANK[current]


class _Walker:
    """One pass over the lines, tracking plan, theme and strategy, cutting measure blocks."""

    def __init__(self, lines: list[str], programme: tuple[int, int] | None, grammar: Grammar):
        self.lines = lines
        self.programme = programme
        self.grammar = grammar
        self.plans: list[Plan] = []
        self.i = 0
        self.plan: str | None = None
        self.plan_number = 0
        self.theme: str | None = None
        self.strategies: dict[str, str] = {}
        self.block: Block | None = None
        self.blocks: list[Block] = []
        self.headers: list[Header] = []
        self.toc: list[TocEntry] = []
        self.footers = 0
        # A grammar whose plans are optional reads a document without plan headings as one
        # plan, named by the document's first line (its title).
        self.one_plan = grammar.plans_optional and not any(
            grammar.plan.match(line.strip()) for line in lines
        )
        if self.one_plan:
            title = next((line.strip() for line in lines if line.strip()), "")[:120]
            self.plan, self.plan_number = title or "Handlingsprogrammet", 1
            self.plans.append(Plan("1", self.plan, self.plan))

    def _continuation(self, stop_at_bullets: bool) -> list[str]:
        """Consume lines that continue a wrapped title, up to a blank line or structure."""
        out = []
        grammar = self.grammar
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if (
                not line.strip()
                or line.startswith("\t")
                or _is_structure(line, grammar)
                or grammar.label_at(self.lines, self.i)
                or (
                    stop_at_bullets
                    and (
                        grammar.bullet.match(line)
                        or (
                            grammar.strategy_text and line.strip().startswith(grammar.strategy_text)
                        )
                    )
                )
            ):
                break
            out.append(line.strip())
            self.i += 1
        return out

    def _close(self) -> None:
        if self.block is not None:
            self.block.fields = split_fields(
                self.block.body, self.programme, self.block.end, self.grammar
            )
            self.blocks.append(self.block)
            self.block = None

    def _is_repeat(self, header: Header) -> bool:
        block = self.block
        if block is None or header.numbers != block.header.numbers:
            return False
        first, whole = squash(header.title), squash(block.header.title)
        return whole.startswith(first) or first.startswith(whole)

    def run(self) -> None:
        lines, grammar = self.lines, self.grammar
        while self.i < len(lines):
            raw = lines[self.i]
            lineno = self.i + 1
            if raw.startswith("\t"):
                header = parse_header(raw, lineno, grammar)
                if header is not None:
                    if self.block is not None and self.block.end is None:
                        self.block.end = len(self.block.body)  # the measure ends here
                    header.kind = "toc"
                    self.headers.append(header)
                    self.toc.append(TocEntry(lineno, header.numbers, header.title))
                self.i += 1
                continue
            if grammar.footer.match(raw):
                self.footers += 1
                self.i += 1
                while self.i < len(lines) and not lines[self.i].strip():
                    self.i += 1
                if self.i < len(lines) and grammar.page_number.match(lines[self.i]):
                    self.i += 1
                continue
            self.i += 1
            stripped = raw.strip()
            if m := grammar.plan.match(stripped):
                self._close()
                self.plan = join_wrapped([m["title"], *self._continuation(False)])
                self.plan_number += 1
                short = self.plan.removeprefix(grammar.plan_prefix)
                self.plans.append(Plan(str(self.plan_number), self.plan, short))
                self.theme = None
            elif m := grammar.theme.match(stripped):
                self._close()
                self.theme = m["title"].strip()
            elif m := grammar.strategy.match(stripped):
                self._close()
                self.strategies[m["num"]] = join_wrapped([m["title"], *self._continuation(True)])
            elif header := parse_header(raw, lineno, grammar):
                self._header(header)
            elif self.block is not None:
                self.block.body.append(raw)
                self.block.linenos.append(lineno)
        self._close()

    def _header(self, header: Header) -> None:
        self.headers.append(header)
        if self.block is not None and self._is_repeat(header):
            header.kind = "page_repeat"
            # The repeated title's lines are skipped while they go on matching the title; the
            # comparison moves along the squashed title (squash works line by line), so a
            # title over many lines costs linear time.
            whole = squash(self.block.header.title)
            at = len(squash(header.title))
            while self.i < len(self.lines) and self.lines[self.i].strip():
                piece = squash(self.lines[self.i])
                piece = f" {piece}" if at else piece
                if not whole.startswith(piece, at):
                    break
                at += len(piece)
                self.i += 1
            return
        self._close()
        header.title = join_wrapped([header.title, *self._continuation(False)])
        if self.one_plan:
            header.kind = "measure"  # provisional, as below; the number names no plan
        elif self.plan is None:
            header.note = "comes before any 'Regional plan …' heading"
        elif self.grammar.numbering.plan_of(header.numbers[0]) != str(self.plan_number):
            header.note = f"number {header.numbers[0]} does not belong to plan {self.plan_number}"
        else:
            header.kind = "measure"  # provisional: measure or stub once all blocks are known
        self.block = Block(header, self.plan, self.plan_number, self.theme)


def _components(blocks: list[Block], grammar: Grammar) -> list[list[Block]]:
    """Group blocks that share a measure number (measure numbers only, not strategies')."""
    parent = list(range(len(blocks)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict[str, int] = {}
    for k, block in enumerate(blocks):
        for number in block.header.numbers:
            if not grammar.numbering.is_measure(number):
                continue
            if number in owner:
                parent[find(k)] = find(owner[number])
            else:
                owner[number] = k
    groups: dict[int, list[Block]] = {}
    for k, block in enumerate(blocks):
        groups.setdefault(find(k), []).append(block)
    return sorted(groups.values(), key=lambda g: g[0].header.line)


def _unique(items: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _build_measure(
    group: list[Block], strategies: dict[str, str], warnings: list[str], grammar: Grammar
) -> Measure:
    first = group[0]
    full = [b for b in group if b.is_full]
    described = full[0] if full else first
    for block in group:
        block.header.kind = "stub"
    described.header.kind = "measure"
    for extra in full[1:]:
        extra.header.kind = "unclassified"
        extra.header.note = (
            f"second description of measure {described.header.numbers[0]} "
            f"(first at line {described.header.line})"
        )
    if not full:
        warnings.append(
            f"line {first.header.line}: {first.header.numbers[0]} has no 'Hvorfor og hvordan', "
            "'Hvem' or 'Tidsperiode' anywhere; kept as a measure without description"
        )
    numbering = grammar.numbering
    numbers = [n for b in group for n in b.header.numbers]
    measure_id = first.header.numbers[0]
    strategy = numbering.strategy_of(measure_id)
    if strategy not in strategies and grammar.strategies_expected:
        warnings.append(f"line {first.header.line}: no 'Strategi {strategy}' heading found")
    fields = described.fields
    return Measure(
        id=measure_id,
        aliases=[
            n for n in _unique(n for n in numbers if numbering.is_measure(n)) if n != measure_id
        ],
        title=described.header.title,
        plan=first.plan,
        theme=first.theme,
        strategy=strategy,
        strategy_title=strategies.get(strategy),
        why_how=fields[WHY],
        actors=fields[WHO],
        actors_label=fields["actors_label"],
        responsible=fields["responsible"],
        partners=fields["partners"],
        period=fields[WHEN],
        strategy_refs=_unique(n for n in numbers if numbering.is_strategy(n)),
        line=described.header.line,
        footnotes=fields["footnotes"],
    )


def _stray(block: Block) -> Stray:
    start = block.fields["stray"]
    last = max(k for k in range(start, len(block.body)) if block.body[k].strip())
    first = block.body[start].strip()
    return Stray(block.linenos[start], block.linenos[last], block.header.numbers[0], first)


def _check_toc(toc: list[TocEntry], blocks: list[Block]):
    by_numbers = {tuple(b.header.numbers): b.header for b in blocks}
    known = {n for b in blocks for n in b.header.numbers}
    toc_numbers = {n for entry in toc for n in entry.numbers}
    missing, mismatches = [], []
    for entry in toc:
        if entry.numbers[0] not in known:
            missing.append(entry)
            continue
        header = by_numbers.get(tuple(entry.numbers))
        if header is not None and squash(header.title) != squash(entry.title):
            mismatches.append((entry, header))
    not_in_toc = [b.header for b in blocks if not set(b.header.numbers) & toc_numbers]
    return missing, mismatches, not_in_toc if toc else []


def parse_text(text: str, grammar: Grammar = OSTFOLD) -> Extraction:
    """Parse a programme text into measures, every header line classified, by a grammar."""
    named = title_period(text)
    walker = _Walker(text.splitlines(), named, grammar)
    walker.run()
    blocks = [b for b in walker.blocks if b.header.kind != "unclassified"]
    warnings: list[str] = []
    measures = [
        _build_measure(g, walker.strategies, warnings, grammar)
        for g in _components(blocks, grammar)
    ]
    programme = named or programme_period(text, (m.period for m in measures))
    if named is None and programme is not None:  # "I planperioden" now has years to mean
        for m in measures:
            if m.period.whole_programme:
                m.period = replace(m.period, start=programme[0], end=programme[1])
    missing, mismatches, not_in_toc = _check_toc(walker.toc, blocks)
    stray = [_stray(b) for b in walker.blocks if b.fields.get("stray") is not None]
    return Extraction(
        measures=measures,
        headers=walker.headers,
        toc=walker.toc,
        strategies=walker.strategies,
        footers=walker.footers,
        toc_missing=missing,
        toc_title_mismatches=mismatches,
        not_in_toc=not_in_toc,
        warnings=warnings,
        programme=programme,
        stray=stray,
        plans=tuple(walker.plans),
        grammar=grammar.name,
    )
