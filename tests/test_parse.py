"""Hand-checked expectations for measures of the bundled programme, and the parser's quirks.

Every expectation below was read off the programme text by hand (line numbers refer to
data/tiltak/handlingsprogram-ostfold-2025-2028.txt), not copied from the parser's output.
"""

from __future__ import annotations

import re

import pytest

from geo.reading.grammar import OSTFOLD
from geo.reading.parse import (
    PERIOD_LINES,
    join_wrapped,
    paragraphs,
    parse_text,
    split_actors,
    split_numbers,
)
from tests.bounded import MEGABYTE, finishes_within

PLAN1 = "Regional plan for økt livskvalitet, deltakelse og likeverd"
PLAN2 = "Regional plan Kompetanse og verdiskaping"
PLAN3 = "Regional plan for areal og mobilitet"

EXPECTED = {
    # Plan 1 ---------------------------------------------------------------------------------
    "1.1.1": dict(  # wrapped title, wrapped plan heading, "Hvem" with two spaces
        plan=PLAN1,
        theme="Levekår",
        strategy="1.1",
        strategy_title="Redusere sosial ulikhet i helse",
        title="Etablere partnerskap mellom kommunene, fylkeskommunen og andre aktuelle aktører "
        "for å håndtere komplekse samfunnsutfordringer innen folkehelse og livskvalitet",
        actors_label="Hvem",
        actors=[
            "Østfold fylkeskommune",
            "kommunene",
            "KS",
            "Statsforvalteren",
            "Sykehuset i Østfold",
            "akademia",
            "Inspiria",
            "frivilligheten og andre aktuelle aktører",
        ],
        period=("2025 og løpende", 2025, None),
        why_start="Etablere og drifte et partnerskap for folkehelse i Østfold.",
        why_end="«Avtaletekst, partnerskap for folkehelse i\nØstfold».",
    ),
    "1.1.2": dict(
        actors=[
            "Østfold fylkeskommune",
            "kommunene",
            "partnerskapet for folkehelse",
            "Sykehuset i Østfold",
            "NAV",
            "Folkehelseinstituttet",
            "Helsedirektoratet",
        ],
        period=("Handlingsplanperioden", 2025, 2028),
    ),
    "1.1.3": dict(period=("2026", 2026, 2026)),
    "1.1.4": dict(  # "Hvem bør være" / "med" split over two lines
        actors_label="Hvem bør være med",
        actors=["Østfold fylkeskommune", "Høgskolen i Østfold", "NMBU", "kommunene"],
        period=("Løpende", None, None),
    ),
    "1.2.1": dict(  # alias from "1.2.1/3.16.7"; the plan-3 stub carries the strategy ref 3.14
        aliases=["3.16.7"],
        refs=["3.14"],
        strategy="1.2",
        actors_label="Hvem bør være med",
        period=("2026-2028", 2026, 2028),
        title="Støtte skolene i deres oppdrag om å fungere som en integrert del av "
        "lokalsamfunnet, gjennom å utvikle og dele erfaringer om skolen som nærmiljøarena",
    ),
    "1.3.2": dict(  # why/how text starts on the label line; wrapped strategy title
        aliases=["3.16.2"],
        refs=["3.14"],
        strategy="1.3",
        strategy_title="Skape sosialt bærekraftige lokalsamfunn og trygge og gode bomiljø",
        why_start="Tiltaket innebærer målrettet innsats for å utvikle og forbedre levekårene",
        actors_include=["Fredrikstad", "Sarpsborg", "øvrige kommuner i Østfold"],
        period=("2025-2029", 2025, 2029),
    ),
    "1.3.3": dict(  # "Hvorfor og" / "hvordan" split label
        aliases=["3.16.3"],
        refs=["3.14"],
        why_start="Flere offentlige bygg, spesielt skoler",
        why_end="skolebygg.",
        period=("2025-2028", 2025, 2028),
    ),
    "1.3.7": dict(aliases=["3.20.4"], period=("2025-2028", 2025, 2028)),
    "1.4.2": dict(  # a plan-1 stub comes first; the text stands under 2.8.3 (line 1727)
        aliases=["2.8.3"],
        plan=PLAN1,
        strategy="1.4",
        line=1727,
        title="Styrke samarbeidet om sirkulær ressursbruk",
        why_start="Å omstille fra lineær til sirkulær ressursbruk",
        period=("2025-2028", 2025, 2028),
    ),
    "1.4.3": dict(  # described under 3.22.3
        aliases=["3.22.3"],
        plan=PLAN1,
        strategy="1.4",
        line=3549,
        title="Etablere delingsløsninger for mobilitet",
        period=("I løpet av 2026", 2026, 2026),
    ),
    "1.5.1": dict(
        aliases=["2.5.1"],
        theme="Deltakelse",
        strategy="1.5",
        title="Samarbeidsprogram for å redusere utenforskap i utdanning og arbeidsliv i "
        "Østfold – «Krafttak Østfold»",
        actors_include=["Helse Sør-Øst/Sykehuset Østfold"],  # hyphen wrapped over a line
    ),
    "1.6.2": dict(aliases=["3.6.6"], actors_label="Hvem", period=("2025-2027", 2025, 2027)),
    "1.6.3": dict(period=("2024-2027", 2024, 2027), actors_include=["Fredrikstad kommune"]),
    "1.8.4": dict(
        aliases=["3.22.4"], actors_label="Hvem har ansvar", period=("Løpende", None, None)
    ),
    "1.9.2": dict(
        period=("2025-2026", 2025, 2026),
        footnotes=[
            "https://www.idrettsforbundet.no/nyheter/2022/"
            "et-krafttak-for-mangfold-og-inkludering-i-norsk-idrett/"
        ],
    ),
    # Plan 2 ---------------------------------------------------------------------------------
    "2.1.1": dict(  # the label is a bare "Hvorfor"
        plan=PLAN2,
        theme="Arbeid, inkludering og kompetanse",
        strategy="2.1",
        strategy_title="Samsvar mellom tilbud og etterspørsel etter kompetanse",
        why_start="På nasjonalt nivå vil Kompetansebehovsutvalget",
        why_end="• Scenarioworkshops nasjonalt og lokalt",
    ),
    "2.1.5": dict(  # three numbers, and the typo 2.3.5 in the third header (line 1247)
        aliases=["2.3.4", "2.4.3", "2.3.5"],
        actors_label="Hvem har ansvar",
        title="Samordne karriereveiledning om utdannings- og yrkesvalg på alle arenaer",
        why_start="Ved å gi nødvendig veiledning",
    ),
    "2.3.1": dict(
        period=(
            "2025-2029 Må avklares i forhold til det enkelte tiltak i samarbeid med aktørene",
            2025,
            2029,
        )
    ),
    "2.6.1": dict(  # "2.6.1 /3.9.1": stray space; theme from "Tema 2: …"
        aliases=["3.9.1"],
        theme="Grønn og rettferdig verdiskaping",
        actors_label="Hvem har ansvar",
        actors_include=[
            "Partnerskapet for næringsutvikling",
            "Inspiria",
            "frivillige organisasjoner m. flere",
        ],
    ),
    "2.6.6": dict(aliases=["3.9.6"], period=("2025 – 2028", 2025, 2028)),
    "2.7.5": dict(  # "2.7.5/3.17.1/3.18.1./3.19.1", text under "3.19.1/ 3.13.4/3.17/3.18./2.7.5"
        aliases=["3.17.1", "3.18.1", "3.19.1", "3.13.4"],
        refs=["3.17", "3.18"],
        plan=PLAN2,
        strategy="2.7",
        line=3286,
        title="Videreutvikling av eksisterende interkommunale politiske råd og etablering av "
        "faglig arenaer for samarbeid på tvers av forvatningsnivåene for løpende samarbeid på "
        "tvers av kommunegrenser og gjennomføring og evaluering av de regionale planene",
        actors=["Østfold fylkeskommune", "kommunene i Østfold"],
        period=("Etableres 2025", 2025, None),
    ),
    "2.8.2": dict(  # page-break repeat of a two-line title (lines 1706-1707)
        title="Utvikle næringslivets og offentlig sektors kunnskap om sirkulærøkonomi, "
        "sirkulære løsninger og forretningsmodeller, regler og rammeverk",
        why_contains=["offentlig sektor.\n\n• Dele informasjon og kunnskap om sirkulærøkonomi"],
        actors_label="Hvem har ansvar",
    ),
    "2.11.2": dict(  # page footer "Handlingsprogram 2025-2028" / "51", then a repeat
        why_contains=[
            "• Synliggjøre nytten av FoU og innovasjon i bedriftene\n\n"
            "• Deling og strategisk formidling"
        ],
        why_excludes=["Handlingsprogram", "\n51\n"],
    ),
    # Plan 3 ---------------------------------------------------------------------------------
    "3.1.2": dict(  # two strategy headings (3.1, 3.2) share their measures; two-line period
        plan=PLAN3,
        theme="Naturmangfold",
        aliases=["3.2.2"],
        strategy="3.1",
        strategy_title="Bevare Østfoldnaturens egenart, styrke naturmangfoldet og minimere "
        "inngrep i natur",
        period=(
            "2025 Utvikling av metode og verktøy for iverksetting av regional plan\n"
            "2026-2028 Annet",
            2025,
            2028,
        ),
    ),
    "3.1.3": dict(  # page-break repeat in the middle of a bullet list
        aliases=["3.2.3"],
        period=("Er igangsatt", None, None),
        why_contains=["tilsåing med insektvennlig frø.\n\n• Samordning på tvers"],
    ),
    "3.5.1": dict(
        theme="Sjø, vassdrag og strandsone",
        period=("2026", 2026, 2026),
        actors=[
            "Østfold fylkeskommune",
            "Østfoldkommuner med kystlinje",
            "Halden",
            "Sarpsborg",
            "Fredrikstad",
            "Hvaler",
            "Råde og Moss",
        ],
    ),
    "3.5.2": dict(period=("Pågående. 2025-2028", 2025, 2028), actors_label="Hvem har ansvar"),
    "3.6.3": dict(  # page-break repeat between the actors and the period
        actors=[
            "Østfold fylkeskommune",
            "Fortidsminneforeningen",
            "kommunene",
            "museene",
            "skolene",
            "håndverkere / håndverkerbedrifter",
            "produsenter",
        ],
        period=("2027-2028", 2027, 2028),
    ),
    "3.6.4": dict(period=("Kontinuerlig", None, None)),
    "3.6.5": dict(
        title="Videreutvikle Pilgrimsleden, Gjellestadskipet og Solbergtårnet som "
        "kulturminner/-miljøer og destinasjoner",
        period=("Pågående. 2025-2028", 2025, 2028),
    ),
    "3.7.2": dict(  # page-break repeat in mid-sentence
        why_contains=["Miljømessig bærekraftige\nskal være førende"],
        period=("2025 og løpende", 2025, None),
    ),
    "3.9.8": dict(
        theme="Energi og grønn omstilling", strategy="3.9", period=("2025-2028", 2025, 2028)
    ),
    "3.11.10": dict(strategy="3.11", period=("2025-2028", 2025, 2028)),
    "3.13.3": dict(
        title="Delta i et forsknings- og utviklingsprosjekt gjennom Kommunesektorens "
        "organisasjon (KS). Dette prosjektet samler alle fylkeskommuner, nasjonale myndigheter "
        "og fagmiljøer for å utvikle areal- og naturregnskap som kan brukes i kommunal "
        "planlegging.",
        period=("2025-26", 2025, 2026),
    ),
    "3.20.1": dict(
        why_start="Kommunene i Østfold, sammen med Vestby kommune",
        period=("I planperioden", 2025, 2028),
    ),
    "3.20.5": dict(period=("Fra 2025", 2025, None)),
    "3.21.4": dict(period=("I løpet av 2025", 2025, 2025)),
    "3.22.2": dict(theme="Kollektivtransport og delingsmobilitet", period=("Løpende", None, None)),
}


@pytest.mark.parametrize("measure_id", sorted(EXPECTED))
def test_hand_checked_measure(measures, measure_id):
    m = measures[measure_id]
    want = EXPECTED[measure_id]
    simple = (
        "plan",
        "theme",
        "strategy",
        "strategy_title",
        "title",
        "actors_label",
        "actors",
        "line",
        "footnotes",
    )
    for key in simple:
        if key in want:
            assert getattr(m, key) == want[key], key
    assert m.aliases == want.get("aliases", [])
    assert m.strategy_refs == want.get("refs", [])
    if "period" in want:
        assert (m.period.text, m.period.start, m.period.end) == want["period"]
    if "why_start" in want:
        assert m.why_how.startswith(want["why_start"])
    if "why_end" in want:
        assert m.why_how.endswith(want["why_end"])
    for snippet in want.get("why_contains", []):
        assert snippet in m.why_how
    for snippet in want.get("why_excludes", []):
        assert snippet not in m.why_how
    for actor in want.get("actors_include", []):
        assert actor in m.actors


def test_expectations_cover_all_plans():
    assert len(EXPECTED) >= 25
    assert {k[0] for k in EXPECTED} == {"1", "2", "3"}


def test_every_distinct_measure_is_found(extraction):
    counts = extraction.counts()
    assert len(extraction.measures) == 125
    assert counts == {"measure": 125, "page_repeat": 5, "stub": 25, "toc": 150, "unclassified": 0}
    assert extraction.footers == 4
    assert extraction.stray == [] and extraction.problem() is None


def test_page_repeats_are_the_known_ones(extraction):
    repeats = [(h.line, h.numbers[0]) for h in extraction.headers if h.kind == "page_repeat"]
    assert repeats == [
        (1706, "2.8.2"),
        (2110, "2.11.2"),
        (2243, "3.1.3"),
        (2530, "3.6.3"),
        (2612, "3.7.2"),
    ]


def test_stubs_become_aliases_not_measures(extraction, measures):
    stubs = [h for h in extraction.headers if h.kind == "stub"]
    for stub in stubs:
        owners = [m for m in measures.values() if stub.numbers[0] in [m.id, *m.aliases]]
        assert len(owners) == 1, stub.numbers
    assert "3.9.1" not in measures and "3.16.1" not in measures and "2.3.4" not in measures


def test_numbers_are_unique_across_measures(measures):
    seen: dict[str, str] = {}
    for m in measures.values():
        for number in [m.id, *m.aliases]:
            assert number not in seen, f"{number} in {seen.get(number)} and {m.id}"
            seen[number] = m.id


def test_table_of_contents_cross_check_is_clean(extraction, measures):
    assert extraction.toc_missing == []
    assert extraction.toc_title_mismatches == []
    assert extraction.not_in_toc == []
    numbers = {n for m in measures.values() for n in [m.id, *m.aliases]}
    for entry in extraction.toc:
        assert entry.numbers[0] in numbers


def test_no_artefacts_leak_into_text(measures):
    for m in measures.values():
        for line in m.why_how.splitlines():
            assert not OSTFOLD.header_like.match(line), (m.id, line)
            assert not re.fullmatch(r"Handlingsprogram \d{4}-\d{4}", line), m.id
        assert "\n\n\n" not in m.why_how
        assert m.title and m.title == m.title.strip()


def test_measures_in_document_order(extraction):
    ids = [m.id for m in extraction.measures]
    assert ids[0] == "1.1.1" and ids[-1] == "3.22.2"
    assert ids.index("1.4.2") < ids.index("1.5.1") < ids.index("2.1.1")


def test_every_full_measure_has_fields(measures):
    for m in measures.values():
        assert m.why_how, m.id
        assert m.actors, m.id
        assert m.period.text, m.id


# Small unit checks -------------------------------------------------------------------------


def test_split_numbers_normalises_spaces_and_dots():
    assert split_numbers("3.19.1/ 3.13.4/3.17/3.18./2.7.5") == [
        "3.19.1",
        "3.13.4",
        "3.17",
        "3.18",
        "2.7.5",
    ]
    assert split_numbers("2.7.5/3.17.1/3.18.1./3.19.1") == ["2.7.5", "3.17.1", "3.18.1", "3.19.1"]
    assert split_numbers("3.20.4 / 1.3.7") == ["3.20.4", "1.3.7"]


def test_join_wrapped_hyphens():
    assert join_wrapped(["Helse Sør-", "Øst/Sykehuset"]) == "Helse Sør-Øst/Sykehuset"
    assert join_wrapped(["Energi-", "og industriaktører"]) == "Energi- og industriaktører"
    assert join_wrapped(["kulturminner/-", "miljøer"]) == "kulturminner/-miljøer"
    assert join_wrapped(["a ", "", " b"]) == "a b"


def test_split_actors_keeps_parentheses_together():
    text = "Klima Østfold (Østfold fylkeskommune og kommunene), frivillige organisasjoner"
    assert split_actors(text) == [
        "Klima Østfold (Østfold fylkeskommune og kommunene)",
        "frivillige organisasjoner",
    ]
    assert split_actors("NAV, , NORSUS.") == ["NAV", "NORSUS"]


def test_paragraphs_drops_blank_inside_sentence_only():
    assert paragraphs(["Dette er", "", "en setning."]) == "Dette er\nen setning."
    assert paragraphs(["Slutt.", "", "", "Ny"]) == "Slutt.\n\nNy"


MINI = """Regional plan for test
Tema: Prøve
Strategi 1.1: Første strategi
som fortsetter

1.1.1 Et tiltak med en tittel
som går over to linjer

Hvorfor og hvordan Tekst her.

Hvem Kommunene, NAV

Tidsperiode 2026
1.1.2/1.1.9 Stub uten felt

"""


def test_minimal_document():
    ex = parse_text(MINI)
    (m1, m2) = ex.measures
    assert m1.title == "Et tiltak med en tittel som går over to linjer"
    assert m1.strategy_title == "Første strategi som fortsetter"
    assert m1.actors == ["Kommunene", "NAV"]
    assert (m1.period.start, m1.period.end) == (2026, 2026)
    assert m2.id == "1.1.2" and m2.aliases == ["1.1.9"] and m2.why_how == ""
    assert any("no 'Hvorfor og hvordan'" in w for w in ex.warnings)


def test_header_before_any_plan_is_unclassified():
    ex = parse_text("1.1.1 Tidlig tiltak\n\nHvem Kommunene\n" + MINI)
    assert [h.line for h in ex.unclassified] == [1]
    assert "before any 'Regional plan" in ex.unclassified[0].note


def test_header_of_wrong_plan_is_unclassified():
    ex = parse_text(MINI + "7.1.1 Feil plan\n\nHvem NAV\n")
    assert [h.numbers[0] for h in ex.unclassified] == ["7.1.1"]


def test_second_description_is_unclassified():
    ex = parse_text(MINI + "\n1.1.1 Et tiltak igjen\n\nHvem NAV\n\nTidsperiode 2027\n")
    assert len(ex.unclassified) == 1 and "second description" in ex.unclassified[0].note


def test_period_of_a_few_lines_with_a_footnote_is_kept():
    ex = parse_text(
        MINI.replace("Tidsperiode 2026", "Tidsperiode 2025 oppstart\n2026 drift\nhttps://x.no/a")
    )
    assert ex.stray == [] and ex.problem() is None
    m1 = ex.measures[0]
    assert (m1.period.start, m1.period.end) == (2025, 2026)
    assert m1.footnotes == ["https://x.no/a"]


def test_text_after_the_period_is_stray_not_absorbed():
    tail = "".join(f"Løs tekst nummer {k}.\n" for k in range(8))
    text = MINI.replace("1.1.2/1.1.9 Stub uten felt\n", "") + tail
    ex = parse_text(text)
    lines = ex.measures[0].period.text.splitlines()
    assert len(lines) == PERIOD_LINES and "Løs tekst nummer 3" not in ex.measures[0].period.text
    (stray,) = ex.stray
    lineno = {line: k + 1 for k, line in enumerate(text.splitlines())}
    assert (stray.after, stray.text) == ("1.1.1", f"Løs tekst nummer {PERIOD_LINES - 1}.")
    assert (stray.line, stray.end) == (lineno[stray.text], lineno["Løs tekst nummer 7."])
    assert "belong to no measure" in ex.problem()


def test_one_long_line_after_the_period_is_stray():
    ex = parse_text(MINI.replace("Tidsperiode 2026", "Tidsperiode 2026\n" + "ord " * 200))
    assert ex.measures[0].period.text == "2026"
    assert [s.text[:8] for s in ex.stray] == ["ord ord "]


# Hostile inputs of 1 MB: linear code parses each in well under a second; the quadratic
# patterns this guards against took over a minute at 128 kB (bench/adversarial.py times them).
HOSTILE = {
    "spaces inside a header": "1.1.2 Tittel" + " " * MEGABYTE + "x",
    "spaces inside a plan heading": "Regional plan for" + " " * MEGABYTE + "x",
    "spaces inside a theme": "Tema 1:" + " " * MEGABYTE + "x",
    "spaces inside a strategy": "Strategi 1.1:" + " " * MEGABYTE + "x",
    "text after the last measure": "ord " * (MEGABYTE // 4),
    "one line after the last measure": "ord" * (MEGABYTE // 3) + "\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_megabyte_parses_in_bounded_time(name):
    text = MINI + HOSTILE[name]
    assert finishes_within(30, lambda: parse_text(text)), f"{name}: over 30 s for 1 MB"


def _lines(line: str, size: int) -> str:
    return "\n".join([line] * (size // (len(line) + 1)))


HEAD = "Regional plan for test\nTema: Prøve\nStrategi 1.1: Første strategi\n\n"
BODY = "\n\nHvorfor og hvordan\nTekst.\nHvem\nKommunene\nTidsperiode 2026\n"
# Many-line fields and a title repeated after a page break: each line used to rebuild or
# re-squash everything before it (quadratic: 256 kB of a repeated title took 20 s).
MANY_LINES = {
    "title over short lines, repeated after a page break": (
        HEAD
        + "1.1.1 Et "
        + _lines("ord", 2 * MEGABYTE)
        + "\n\nHvorfor og hvordan\nTekst.\n1.1.1 Et "
        + _lines("ord", 2 * MEGABYTE)
        + "\n\nmer tekst.\nHvem\nKommunene\nTidsperiode 2026\n"
    ),
    "title over 76-character lines": HEAD + "1.1.1 " + _lines("x" * 75, 4 * MEGABYTE) + BODY,
    "Hvem over short lines": HEAD
    + "1.1.1 Et tiltak\nHvorfor og hvordan\nTekst.\nHvem\n"
    + _lines("Aktør,", 4 * MEGABYTE)
    + "\nTidsperiode 2026\n",
    "why/how over short lines": HEAD
    + "1.1.1 Et tiltak\nHvorfor og hvordan\n"
    + _lines("ord", 4 * MEGABYTE)
    + "\nHvem\nKommunene\nTidsperiode 2026\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", MANY_LINES)
def test_many_line_fields_and_page_repeats_parse_in_bounded_time(name):
    text = MANY_LINES[name]
    assert finishes_within(30, lambda: parse_text(text)), f"{name}: over 30 s"


def test_a_title_over_many_lines_is_read_whole_and_its_page_repeat_removed():
    title = [f"ord{k}" for k in range(300)]
    text = (
        HEAD
        + "1.1.1 "
        + "\n".join(title)
        + "\n\nHvorfor og hvordan\nFørste del.\n"
        + "1.1.1 "
        + "\n".join(title[:200])
        + "\nfortsatt tekst.\nHvem\n"
        + "\n".join(f"Aktør {k}," for k in range(300))
        + "\nTidsperiode 2026\n"
    )
    extraction = parse_text(text)
    (measure,) = extraction.measures
    assert measure.title == " ".join(title)
    assert extraction.counts()["page_repeat"] == 1 and extraction.problem() is None
    assert measure.why_how == "Første del.\nfortsatt tekst."
    assert measure.actors == [f"Aktør {k}" for k in range(300)]
