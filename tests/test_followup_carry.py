"""The follow-up carried over to a new revision, on both databases: statuses and history follow
a renumbered measure (two numbers swapped included), a split-out measure starts from a copy,
a removed measure's statuses are archived, never deleted; uncertain matches are decided first;
and `tiltakskart revise` on revised copies of the bundled programme."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from followup import db
from followup.carry import (
    Carry,
    Pending,
    Plan,
    archived,
    archived_history,
    carry_over,
    decide,
)
from followup.errors import FollowupError
from followup.records import Scope, User, UserRole
from followup.store import DatabaseStore
from tests.test_cli import run
from tests.test_revisions import revise

ADMIN = User(1, "fylket", UserRole.ADMIN)
MEASURES = ("1.1", "1.2", "1.3", "1.4", "1.5")
PAIRS = frozenset((m, "3105") for m in MEASURES)
OLD = Scope("31-2025", frozenset(MEASURES), PAIRS, PAIRS)
NEW_IDS = ("1.1", "2.7", "2.8", "1.3", "1.4")
NEW = Scope("31-2026", frozenset(NEW_IDS), frozenset((m, "3105") for m in NEW_IDS), frozenset())


@pytest.fixture
def engine(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def filled(engine) -> DatabaseStore:
    store = DatabaseStore(engine, OLD)
    for k, m in enumerate(MEASURES):
        store.save(
            ADMIN,
            (m, "3105"),
            ("pagar", "utsatt", "gjennomfort", "pagar", "utsatt")[k],
            version=0,
            comment=f"om {m}",
        )
    store.save(ADMIN, ("1.2", "3105"), "gjennomfort", version=1, comment="ferdig")
    store.save(ADMIN, ("1.2", None), "pagar", version=0)  # the measure as a whole
    return store


CARRY = Carry(
    old="31-2025",
    new="31-2026",
    label="handlingsprogram-2026.pdf",
    moves={"1.1": "1.1", "1.2": "2.7", "1.3": "1.4", "1.4": "1.3"},  # 1.3 and 1.4 swapped
    removed=frozenset({"1.5"}),
    copies={"1.2": ("2.8",)},
)


def test_statuses_and_history_follow_each_measure_to_its_new_number(engine):
    old = filled(engine)
    before = {k: (s.status, s.comment, s.version) for k, s in old.statuses().items()}
    done = carry_over(engine, CARRY, "fylket")
    assert (done.moved, done.copied, done.archived) == (5, 2, 1)
    new = DatabaseStore(engine, NEW)
    after = {k: (s.status, s.comment, s.version) for k, s in new.statuses().items()}
    assert after[("2.7", "3105")] == before[("1.2", "3105")] == ("gjennomfort", "ferdig", 2)
    assert after[("2.7", None)] == before[("1.2", None)]
    assert after[("1.4", "3105")] == before[("1.3", "3105")]  # the swap
    assert after[("1.3", "3105")] == before[("1.4", "3105")]
    assert after[("2.8", "3105")] == ("gjennomfort", "ferdig", 1)  # split out: a copy
    assert old.statuses() == {}  # nothing left under the old revision's key
    history = new.history("2.7", "3105")
    assert history[0].comment == (
        "Nytt nummer i revisjonen «handlingsprogram-2026.pdf»: 1.2 → 2.7."
    )
    assert [c.new for c in history[1:]] == ["gjennomfort", "utsatt"]  # kept, newest first
    assert "Delt ut fra tiltak 2.7" in new.history("2.8", "3105")[0].comment
    kept = new.history("1.1", "3105")[0].comment  # the same number, in the new revision
    assert kept == "Overført til revisjonen «handlingsprogram-2026.pdf»."


def test_a_removed_measures_statuses_are_archived_not_deleted(engine):
    filled(engine)
    carry_over(engine, CARRY, "fylket")
    assert archived(engine, "31-2025") == [("1.5", "3105", "utsatt", "handlingsprogram-2026.pdf")]
    assert DatabaseStore(engine, OLD).history("1.5", "3105") == []  # not current any more
    trail = archived_history(engine, "31-2025", "1.5")
    assert trail[0][0].startswith("Arkivert: tiltaket er ikke med i revisjonen")
    assert [(v, r) for _, v, r in trail] == [("utsatt", "handlingsprogram-2026.pdf")] * 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_lists_what_was_archived_and_an_import_of_it_keeps_it(engine, tmp_path, fmt):
    from followup.exchange import export_bytes, export_frame, import_file

    filled(engine)
    carry_over(engine, CARRY, "fylket")
    frame = export_frame(engine)
    kept = frame[frame["Type"].str.startswith("Arkivert")]
    assert set(kept["Type"]) == {"Arkivert status", "Arkivert endring"}
    assert set(kept["Tiltak"]) == {"1.5"} and set(kept["Revisjon"]) == {"handlingsprogram-2026.pdf"}
    assert (kept["Type"] == "Arkivert status").sum() == 1
    assert set(frame.loc[~frame.index.isin(kept.index), "Revisjon"]) == {""}
    path = tmp_path / f"oppfolging.{fmt}"
    path.write_bytes(export_bytes(engine, fmt))
    before = export_frame(engine)
    import_file(engine, path)  # the archived rows are a record: skipped, not an error
    assert export_frame(engine).equals(before)
    assert archived(engine, "31-2025") == [("1.5", "3105", "utsatt", "handlingsprogram-2026.pdf")]


def test_opened_pairs_move_with_their_measure_and_close_with_it(engine):
    old = filled(engine)
    old.open_pairs(ADMIN, [("1.2", "3105"), ("1.5", "3105")])
    done = carry_over(engine, CARRY, "fylket")
    assert done.closed == 1
    assert DatabaseStore(engine, NEW).openings() == {("2.7", "3105")}


def test_an_opened_pair_the_new_revision_no_longer_counts_is_closed(engine):
    old = filled(engine)
    old.open_pairs(ADMIN, [("1.1", "3105"), ("1.2", "3105")])
    counted = frozenset({("1.1", "3105")})  # 2.7 (was 1.2) no longer concerns 3105
    done = carry_over(engine, replace(CARRY, counted=counted), "fylket")
    assert done.closed == 1
    assert DatabaseStore(engine, NEW).openings() == {("1.1", "3105")}


def test_a_plan_that_leaves_a_status_behind_changes_nothing(engine):
    old = filled(engine)
    before = old.statuses()
    partial = Carry("31-2025", "31-2026", "x", {"1.1": "1.1"}, frozenset())
    with pytest.raises(FollowupError, match="verken et treff"):
        carry_over(engine, partial, "fylket")
    assert old.statuses() == before and DatabaseStore(engine, NEW).statuses() == {}


def test_in_place_a_reused_number_starts_clean_and_a_carry_is_done_once(engine):
    """The revision keeps its period (the same key) and gives the removed 1.5's number to
    the old 1.4: the new 1.5 carries 1.4's status and history, none of the removed one's."""
    old = filled(engine)
    reuse = Carry(
        "31-2025",
        "31-2025",
        "2026.pdf",
        {"1.1": "1.1", "1.2": "1.2", "1.3": "1.3", "1.4": "1.5"},
        frozenset({"1.5"}),
        fingerprint="a" * 64,
    )
    carry_over(engine, reuse, "fylket")
    now = {k: (s.status, s.comment) for k, s in old.statuses().items()}
    assert now[("1.5", "3105")] == ("pagar", "om 1.4")
    trail = old.history("1.5", "3105")
    assert [c.comment for c in trail] == [
        "Nytt nummer i revisjonen «2026.pdf»: 1.4 → 1.5.",
        "om 1.4",
    ]
    before = (old.statuses(), old.history(), archived(engine, "31-2025"))
    with pytest.raises(FollowupError, match="er alt overført"):
        carry_over(engine, reuse, "fylket")
    assert (old.statuses(), old.history(), archived(engine, "31-2025")) == before


def test_the_follow_up_carries_over_in_place_when_the_key_stays(engine):
    filled(engine)
    carry_over(engine, Carry("31-2025", "31-2025", "r", {**CARRY.moves}, frozenset({"1.5"})), "f")
    kept = DatabaseStore(engine, OLD).statuses()
    assert {k for k in kept} == {
        ("1.1", "3105"),
        ("2.7", "3105"),
        ("2.7", None),
        ("1.3", "3105"),
        ("1.4", "3105"),
    }


PLAN = Plan(
    "31-2025",
    "31-2026",
    "ny.pdf",
    sure={"1.1": "1.1", "1.2": "2.7"},
    pending=(Pending("1.3", "1.9", False, 0.7), Pending("1.2", "2.8", True, 0.9)),
    removed=frozenset({"1.5"}),
)


def test_uncertain_matches_are_decided_before_anything_moves():
    with pytest.raises(FollowupError, match="2 usikre treff må bekreftes eller avvises"):
        decide(PLAN, set(), set())
    with pytest.raises(FollowupError, match="ikke et usikkert treff"):
        decide(PLAN, {("1.3", "1.9"), ("1.2", "2.8"), ("9.9", "9.8")}, set())
    carry = decide(PLAN, {("1.2", "2.8")}, {("1.3", "1.9")})
    assert carry.moves == {"1.1": "1.1", "1.2": "2.7"} and carry.copies == {"1.2": ("2.8",)}
    assert carry.removed == {"1.5", "1.3"}  # rejected: the old measure is gone
    confirmed = decide(PLAN, {("1.3", "1.9")}, {("1.2", "2.8")})
    assert confirmed.moves["1.3"] == "1.9" and confirmed.copies == {}
    # A split out of a measure whose own match is rejected would be copied from nothing.
    orphan = Plan(
        "31-2025",
        "31-2026",
        "ny.pdf",
        sure={},
        pending=(Pending("3.1", "3.4", False, 0.7), Pending("3.1", "3.5", True, 0.9)),
        removed=frozenset(),
    )
    with pytest.raises(FollowupError, match="delt ut av det er bekreftet"):
        decide(orphan, {("3.1", "3.5")}, {("3.1", "3.4")})


# The command ------------------------------------------------------------------------------


def tiltakskart(*args: str, url: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env["TILTAKSKART_DATABASE_URL"] = url
    return run(*args, env=env, module="app.cli", timeout=120)


@pytest.mark.slow
def test_revise_carries_statuses_over_a_renumbering_and_archives_a_removal(
    engine, database_url, tmp_path
):
    old_doc, new_doc = revise(tmp_path)
    scope = Scope(
        "31-2025",
        frozenset({"3.12.2", "3.12.3"}),
        frozenset(),
        frozenset({("3.12.2", "3105"), ("3.12.3", "3105")}),
    )
    store = DatabaseStore(engine, scope)
    store.open_pairs(ADMIN, [("3.12.2", "3105"), ("3.12.3", "3105")])
    store.save(ADMIN, ("3.12.2", "3105"), "pagar", version=0, comment="Godsstrategi")
    store.save(ADMIN, ("3.12.3", "3105"), "utsatt", version=0)
    dry = tiltakskart("revise", str(old_doc), str(new_doc), "--dry-run", url=database_url)
    assert dry.returncode == 0, dry.stderr
    assert "1 renumbered), 1 removed" in dry.stdout and "nothing changed" in dry.stdout
    assert store.status(("3.12.2", "3105")).status == "pagar"
    done = tiltakskart("revise", str(old_doc), str(new_doc), url=database_url)
    assert done.returncode == 0, done.stderr
    assert "1 statuses moved" in done.stdout and "1 archived" in done.stdout
    moved = DatabaseStore(engine, Scope("31-2025", frozenset({"3.12.9"}), frozenset(), frozenset()))
    assert (moved.status(("3.12.9", "3105")).status, moved.status(("3.12.9", "3105")).comment) == (
        "pagar",
        "Godsstrategi",
    )
    assert moved.openings() == {("3.12.9", "3105")}
    assert archived(engine, "31-2025") == [("3.12.3", "3105", "utsatt", "2026.txt")]


@pytest.mark.slow
def test_revise_stops_at_an_uncertain_match_until_it_is_decided(engine, database_url, tmp_path):
    old_doc, new_doc = revise(tmp_path)
    text = new_doc.read_text(encoding="utf-8").replace(
        "3.12.4 Fremme viktige farledstiltak for å legge til rette for økt bruk av vannveiene "
        "til \ngodstransport",
        "3.12.4 Utbedre farleder for sjøtransport",
        1,
    )
    new_doc.write_text(text, encoding="utf-8")
    refused = tiltakskart("revise", str(old_doc), str(new_doc), url=database_url)
    assert refused.returncode == 2, refused.stdout
    assert "to confirm: 3.12.4 matched with 3.12.4" in refused.stdout
    assert "1 usikre treff må bekreftes eller avvises først: 3.12.4=3.12.4" in refused.stderr
    bad = tiltakskart("revise", str(old_doc), str(new_doc), "--confirm", "3.12.4", url=database_url)
    assert bad.returncode == 2 and "give OLD=NEW" in bad.stderr
    confirmed = tiltakskart(
        "revise", str(old_doc), str(new_doc), "--confirm", "3.12.4=3.12.4", url=database_url
    )
    assert confirmed.returncode == 0, confirmed.stderr
