"""Revisions of a programme: measures matched across two of them (kept, renumbered, split,
added, removed, a freed number reused), what changed in each, per municipality, and the
`diff` command on revised copies of the bundled programme made in the test."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from geo.resources import default_document
from geo.revisions import match_measures
from geo.revisions.diff import changed_fields
from geo.revisions.match import CERTAIN, MAX_PAIRS
from geo.terms import Change
from tests.test_cli import run

VESTFOLD = Path(__file__).parent / "data" / "programmes" / "vestfold-2026-2029.txt"

WHY = (
    "Koordinere fylkets påvirkningsarbeid mot nasjonale myndigheter for å utvide og utnytte den "
    "ledige kapasiteten på Østfoldbanen for å støtte regional verdiskaping"
)


def measure(number, title, why=WHY, actors=("Østfold fylkeskommune",), period="2025-2028"):
    return {
        "id": number,
        "aliases": [],
        "title": title,
        "why_how": why,
        "actors": list(actors),
        "period": {"text": period, "start": 2025, "end": 2028},
    }


OLD = [
    measure("1.1", "Fremme godstransport på jernbane i Østfold"),
    measure(
        "1.2", "Gjenåpne Østre linje for godstransport i rutetrafikk", why="Gods på Østre linje."
    ),
    measure("1.3", "Utvikle Pilgrimsleden og Gjellestadskipet som kulturminner og destinasjoner"),
    measure("1.4", "Styrke kystsonenettverket langs Oslofjorden", why="Samarbeid om kysten."),
]


def by_new(matching):
    return {m.new: m for m in matching.matches}


def test_a_measure_that_keeps_its_number_and_text_is_the_same_one():
    matching = match_measures(OLD, OLD)
    assert [(m.old, m.new) for m in matching.matches] == [(m["id"], m["id"]) for m in OLD]
    assert all(m.confidence == 1.0 for m in matching.matches)
    assert matching.added == matching.removed == ()


def test_renumbered_split_added_removed_and_a_reused_number():
    new = [
        measure("1.1", "Fremme godstransport på jernbane i Østfold"),
        # 1.2's number now holds another measure; 1.2 itself is gone.
        measure("1.2", "Etablere ladepunkter for tungtransport", why="Ladepunkter langs E6."),
        # 1.3 renumbered, its title shortened a little.
        measure("2.7", "Utvikle Pilgrimsleden og Gjellestadskipet som kulturminne og destinasjon"),
        # … and a part of it split out (1.3 lives on as 2.7).
        measure("2.8", "Utvikle Gjellestadskipet som kulturminne og destinasjon"),
        measure("1.4", "Styrke kystsonenettverket langs Oslofjorden", why="Samarbeid om kysten."),
    ]
    matching = by_new(match_measures(OLD, new))
    assert matching["1.1"].old == "1.1" and matching["1.4"].old == "1.4"
    assert "1.2" not in matching  # a reused number is not the old measure
    assert (matching["2.7"].old, matching["2.7"].change) == ("1.3", Change.RENUMBERED)
    assert matching["2.7"].confidence >= CERTAIN
    assert (matching["2.8"].old, matching["2.8"].change) == ("1.3", Change.SPLIT)
    assert matching["2.8"].uncertain  # a split is for the administrator to confirm
    whole = match_measures(OLD, new)
    assert whole.added == ("1.2",) and whole.removed == ("1.2",)


def test_an_alias_carries_the_number_across():
    old = [measure("3.16.2", "Gjennomføre områdesatsing i levekårsutsatte områder")]
    new = [{**measure("1.3.2", "Gjennomføre områdesatsing i levekårsutsatte områder")}]
    new[0]["aliases"] = ["3.16.2"]
    (match,) = match_measures(old, new).matches
    assert (match.old, match.new, match.confidence) == ("3.16.2", "1.3.2", 1.0)


def test_changed_fields_ignore_spacing_and_name_what_differs():
    a = measure("1.1", "Fremme  godstransport\npå jernbane", actors=("A", "B"))
    b = measure("1.1", "Fremme godstransport på jernbane", actors=("A", "C"), period="2026-2028")
    assert changed_fields(a, b) == ("actors", "period")


def test_text_comparison_is_bounded_whatever_the_input():
    many = 300  # 300 × 300 unmatched measures: more than MAX_PAIRS comparisons
    assert many * many > MAX_PAIRS
    old = [measure(f"9.{k}", f"Tiltak nummer {k} om noe") for k in range(many)]
    new = [measure(f"8.{k}", f"Tiltak nummer {k} om noe") for k in range(many)]
    matching = match_measures(old, new)
    assert matching.matches == () and len(matching.added) == len(matching.removed) == many
    assert "too many to compare" in matching.notes[0]


# The command, on revised copies of the bundled programme ----------------------------------


def revise(tmp_path: Path) -> tuple[Path, Path]:
    text = default_document().read_text(encoding="utf-8")
    old = tmp_path / "2025.txt"
    old.write_text(text, encoding="utf-8")
    new = text.replace(  # renumbered
        "3.12.2 Fremme utviklingen av en effektiv", "3.12.9 Fremme utviklingen av en effektiv", 1
    )
    start = new.index(" 3.12.3 Gjenåpne Østre linje")  # removed
    new = new[:start] + new[new.index("3.12.4 Fremme viktige farledstiltak") :]
    new = new.replace(  # the actors changed: now Sarpsborg is asked to act
        "Hvem Kystverket, kommuner, Østfold fylkeskommune",
        "Hvem Kystverket, Sarpsborg kommune, Østfold fylkeskommune",
        1,
    )
    at = new.index("\n", new.index("Tidsperiode", new.index("3.12.4 Fremme viktige")))
    new = (  # added (its title a formula, to a spreadsheet)
        new[: at + 1]
        + "\n3.12.8 =Utrede ny godsterminal i Rakkestad\n\nHvorfor og hvordan En ny terminal "
        "kan flytte gods fra vei til bane.\n\nHvem Rakkestad kommune, Østfold fylkeskommune\n\n"
        "Tidsperiode 2026-2028\n" + new[at + 1 :]
    )
    revised = tmp_path / "2026.txt"
    revised.write_text(new, encoding="utf-8")
    return old, revised


def test_diff_lists_each_change_and_what_is_new_for_each_municipality(tmp_path):
    old, new = revise(tmp_path)
    result = run("diff", str(old), str(new), "--out", str(tmp_path / "endringer.xlsx"))
    assert result.returncode == 1, result.stderr  # changed
    out = result.stdout
    assert "122 unchanged, 1 changed, 1 renumbered, 0 split, 1 added, 1 removed" in out
    assert "3.12.2 → 3.12.9 [confidence 1.00]" in out
    assert "changed:\n  3.12.4 [actors]" in out and "removed:\n  3.12.3" in out
    assert "3105 Sarpsborg: new 3.12.4 (acts); gone 3.12.3" in out
    assert "3120 Rakkestad: new 3.12.8 (acts); gone 3.12.3" in out
    book = load_workbook(tmp_path / "endringer.xlsx")
    rows = list(book["Endringer"].values)
    assert rows[0] == (
        "Endring",
        "Nummer før",
        "Nummer nå",
        "Tittel",
        "Endret i",
        "Sikkerhet",
        "Må bekreftes",
    )
    kinds = {(r[1], r[2]): (r[0], r[4]) for r in rows[1:]}
    assert kinds[("3.12.2", "3.12.9")] == ("Nytt nummer", None)
    assert kinds[("3.12.4", "3.12.4")] == ("Endret", "hvem")
    assert kinds[("3.12.3", None)][0] == "Fjernet" and kinds[(None, "3.12.8")][0] == "Nytt"
    added = next(r for r in rows if r[2] == "3.12.8")
    assert added[3] == "=Utrede ny godsterminal i Rakkestad"
    assert book["Endringer"].cell(rows.index(added) + 1, 4).data_type == "s"  # text, not formula
    municipalities = {r[1]: r[2:] for r in book["Kommuner"].values}
    assert municipalities["Sarpsborg"] == ("3.12.4 (skal bidra)", "3.12.3")


def test_diff_of_equal_revisions_says_so_with_status_0_and_writes_csv(tmp_path):
    old, _ = revise(tmp_path)
    same = tmp_path / "kopi.txt"
    same.write_bytes(old.read_bytes())
    result = run("diff", str(old), str(same), "--out", str(tmp_path / "e.csv"))
    assert result.returncode == 0, result.stderr
    assert "125 unchanged, 0 changed" in result.stdout
    data = (tmp_path / "e.csv").read_bytes()
    assert data.startswith("\ufeff".encode())  # Norwegian Excel: BOM and semicolons
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Endring", "Nummer før", "Nummer nå"] and len(rows) == 126
    assert {r[0] for r in rows[1:]} == {"Uendret"}


def test_diff_errors_are_one_line_with_status_2_and_leave_the_output(tmp_path):
    old, new = revise(tmp_path)
    kept = tmp_path / "endringer.csv"
    kept.write_text("gammel", encoding="utf-8")
    for args, said in (
        ((str(old), str(tmp_path / "mangler.txt")), "no such file"),
        ((str(old), str(new), "--out", str(tmp_path / "e.pdf")), "name the file .csv or .xlsx"),
        ((str(old), str(VESTFOLD)), "programmes of two counties (31 and 39)"),
    ):
        result = (
            run("diff", *args, "--out", str(kept)) if "--out" not in args else run("diff", *args)
        )
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("tiltakskart: error:") and said in lines[-1], lines
        assert "Traceback" not in result.stderr
    assert kept.read_text(encoding="utf-8") == "gammel"


def test_diff_finds_a_measure_split_out_of_another_in_a_revised_copy(tmp_path):
    """3.12.2 lives on under its number; a part of it is split out as 3.12.10."""
    text = default_document().read_text(encoding="utf-8")
    old = tmp_path / "2025.txt"
    old.write_text(text, encoding="utf-8")
    at = text.index("\n", text.index("Tidsperiode", text.index("3.12.2 Fremme utviklingen")))
    split = (
        "\n3.12.10 Fremme utviklingen av en effektiv godstransport på jernbane i Østfold \n\n"
        "Hvorfor og hvordan Koordinere fylkets påvirkningsarbeid mot nasjonale myndigheter for "
        "å utvide og utnytte den ledige kapasiteten på Østfoldbanen \n\n"
        "Hvem Østfold fylkeskommune, kommuner, jernbaneaktørene \n\nTidsperiode 2026-2027 \n"
    )
    new = tmp_path / "2026.txt"
    new.write_text(text[: at + 1] + split + text[at + 1 :], encoding="utf-8")
    result = run("diff", str(old), str(new))
    assert result.returncode == 1, result.stderr
    assert "125 unchanged, 0 changed, 0 renumbered, 1 split, 0 added, 0 removed" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "3.12.10 (split from 3.12.2)" in x)
    assert "confidence 0.80; to confirm]" in line  # a split is always for someone to confirm
