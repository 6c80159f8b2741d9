"""The follow-up's store and schema on both databases: statuses with a version check, history,
who may change what, migrations, and commits that survive `kill -9`."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from followup import db
from followup.errors import Conflict, FollowupError, NotAllowed, SchemaMismatch
from followup.records import Scope, User, UserRole
from followup.store import DatabaseStore

SCOPE = Scope(
    programme="31-2025",
    measures=frozenset({"1.1.1", "1.1.2", "2.1.1"}),
    act=frozenset({("1.1.1", "3105"), ("1.1.1", "3101"), ("1.1.2", "3105")}),
    counted=frozenset({("1.1.1", "3105"), ("1.1.1", "3101"), ("1.1.2", "3105"), ("2.1.1", "3105")}),
)
EDITOR = User(1, "sarpsborg", UserRole.EDITOR, frozenset({"3105"}))
ADMIN = User(2, "fylket", UserRole.ADMIN)


@pytest.fixture
def engine(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    return DatabaseStore(engine, SCOPE)


def test_a_status_is_saved_with_its_fields_and_version(store):
    saved = store.save(
        EDITOR,
        ("1.1.1", "3105"),
        "pagar",
        version=0,
        comment="Oppstart i mars",
        contact="Kari Nordmann",
        date="2026-03-01",
    )
    assert (saved.status, saved.version, saved.changed_by) == ("pagar", 1, "sarpsborg")
    assert (saved.comment, saved.contact, str(saved.date)) == (
        "Oppstart i mars",
        "Kari Nordmann",
        "2026-03-01",
    )
    assert store.statuses()[("1.1.1", "3105")] == saved
    again = store.save(EDITOR, ("1.1.1", "3105"), "gjennomfort", version=1)
    assert again.version == 2 and again.status == "gjennomfort"


def test_the_second_of_two_editors_gets_a_conflict_with_the_current_value(store):
    store.save(EDITOR, ("1.1.1", "3105"), "pagar", version=0)
    store.save(ADMIN, ("1.1.1", "3105"), "utsatt", version=1, comment="Venter på midler")
    with pytest.raises(Conflict) as caught:
        store.save(EDITOR, ("1.1.1", "3105"), "gjennomfort", version=1)
    assert caught.value.current.status == "utsatt" and caught.value.current.version == 2
    assert "endret av fylket" in str(caught.value) and "«Utsatt»" in str(caught.value)
    assert " kl. " in str(caught.value)  # Norway's clock, as Norwegians write it
    assert store.status(("1.1.1", "3105")).status == "utsatt"  # nothing overwritten
    # Re-applied on the current version, it goes through.
    assert store.save(EDITOR, ("1.1.1", "3105"), "gjennomfort", version=2).version == 3


def test_two_first_writes_of_one_pair_do_not_both_win(store):
    store.save(EDITOR, ("1.1.2", "3105"), "pagar", version=0)
    with pytest.raises(Conflict):
        store.save(ADMIN, ("1.1.2", "3105"), "utsatt", version=0)


@pytest.mark.parametrize(
    ("user", "key", "message"),
    [
        (None, ("1.1.1", "3105"), "Logg inn"),
        (EDITOR, ("1.1.1", "3101"), "kommune 3101"),
        (EDITOR, ("1.1.1", None), "tiltaket som helhet"),
    ],
)
def test_who_may_not_change_is_refused(store, user, key, message):
    with pytest.raises(NotAllowed, match=message):
        store.save(user, key, "pagar", version=0)
    assert store.statuses() == {}


def test_the_county_changes_every_municipality_and_the_measure_as_a_whole(store):
    store.save(ADMIN, ("1.1.1", "3101"), "pagar", version=0)
    store.save(ADMIN, ("1.1.1", None), "pagar", version=0)
    assert set(store.statuses()) == {("1.1.1", "3101"), ("1.1.1", None)}


def test_only_reportable_pairs_and_known_values_are_taken(store):
    with pytest.raises(FollowupError, match="finnes ikke"):
        store.save(ADMIN, ("9.9.9", "3105"), "pagar", version=0)
    with pytest.raises(FollowupError, match="ikke åpnet"):
        store.save(ADMIN, ("2.1.1", "3105"), "pagar", version=0)
    with pytest.raises(FollowupError, match="Ukjent status"):
        store.save(ADMIN, ("1.1.1", "3105"), "ferdig", version=0)
    with pytest.raises(FollowupError, match="for lang"):
        store.save(ADMIN, ("1.1.1", "3105"), "pagar", version=0, comment="x" * 2001)
    with pytest.raises(FollowupError, match="ikke en dato"):
        store.save(ADMIN, ("1.1.1", "3105"), "pagar", version=0, date="1. mars")
    assert store.statuses() == {}


def test_the_county_opens_a_counted_pair_for_reporting(store):
    with pytest.raises(NotAllowed):
        store.open_pairs(EDITOR, [("2.1.1", "3105")])
    with pytest.raises(FollowupError, match="gjelder ikke"):
        store.open_pairs(ADMIN, [("2.1.1", "3101")])
    before = store.version()
    store.open_pairs(ADMIN, [("2.1.1", "3105")])
    assert store.version() != before
    assert store.save(EDITOR, ("2.1.1", "3105"), "pagar", version=0).version == 1


def test_every_change_is_kept_newest_first(store):
    store.save(EDITOR, ("1.1.1", "3105"), "ikke_startet", version=0)
    store.save(EDITOR, ("1.1.1", "3105"), "pagar", version=1, comment="I gang")
    store.save(ADMIN, ("1.1.1", "3101"), "utsatt", version=0)
    changes = store.history(measure="1.1.1", kommune="3105")
    assert [(c.old, c.new, c.comment, c.changed_by) for c in changes] == [
        ("ikke_startet", "pagar", "I gang", "sarpsborg"),
        (None, "ikke_startet", "", "sarpsborg"),
    ]
    assert [c.kommune for c in store.history(measure="1.1.1")] == ["3101", "3105", "3105"]
    assert len(store.history(kommune="3101")) == 1


def test_the_version_changes_with_every_write(store):
    seen = [store.version()]
    store.save(EDITOR, ("1.1.1", "3105"), "pagar", version=0)
    seen.append(store.version())
    store.save(EDITOR, ("1.1.1", "3105"), "utsatt", version=1)
    seen.append(store.version())
    # Opening one pair and closing another leaves as many open: the version moves anyway.
    store.open_pairs(ADMIN, [("2.1.1", "3105")])
    seen.append(store.version())
    store.open_pairs(ADMIN, [("2.1.1", "3105")], opened=False)
    seen.append(store.version())
    assert seen == ["0", "1", "2", "3", "4"]


def test_the_progress_read_follows_every_change_another_store_makes(engine):
    """Two stores over one database (two processes): what one writes, the other's progress
    read sees at once, though it keeps its last read while nothing changed."""
    mine, theirs = DatabaseStore(engine, SCOPE), DatabaseStore(engine, SCOPE)
    assert mine.progress_source() == ({}, SCOPE.act)
    theirs.save(EDITOR, ("1.1.1", "3105"), "pagar", version=0)
    assert mine.progress_source()[0] == {("1.1.1", "3105"): "pagar"}
    theirs.open_pairs(ADMIN, [("2.1.1", "3105")])
    assert ("2.1.1", "3105") in mine.progress_source()[1]
    assert mine.progress_source() is not None and mine._held is not None
    held = mine._held
    assert mine.progress_source()[0] is held[1]  # nothing changed: not read again


# --- schema -----------------------------------------------------------------------------------


def test_an_empty_database_is_migrated_to_the_head(database_url):
    engine = db.make_engine(database_url)
    assert db.current_revision(engine) is None
    with pytest.raises(SchemaMismatch, match="tiltakskart db upgrade"):
        db.check_schema(engine)
    assert db.upgrade(engine) == (None, db.head_revision())
    db.check_schema(engine)
    engine.dispose()


def test_a_database_at_the_previous_revision_keeps_its_statuses(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0001")
    with db.writing(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO status (programme, measure, kommune, status, comment, contact, "
                "version, changed_at, changed_by) VALUES ('31-2025', '1.1.1', '3105', 'pagar', "
                "'', '', 1, '2026-01-01 10:00:00+00:00', 'sarpsborg')"
            )
        )
    with pytest.raises(SchemaMismatch, match="behind"):
        db.check_schema(engine)
    assert db.upgrade(engine) == ("0001", db.head_revision())
    assert DatabaseStore(engine, SCOPE).status(("1.1.1", "3105")).status == "pagar"
    engine.dispose()


def test_a_database_from_a_newer_version_is_refused(engine):
    with db.writing(engine) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaMismatch, match="newer than this version"):
        db.check_schema(engine)


# --- kill -9 ----------------------------------------------------------------------------------

WRITER = """
import sys
from followup import db
from followup.records import Scope, User, UserRole
from followup.store import DatabaseStore
scope = Scope("31-2025", frozenset({"1.1.1"}), frozenset({("1.1.1", "3105")}), frozenset())
store = DatabaseStore(db.make_engine(sys.argv[1]), scope)
admin = User(1, "fylket", UserRole.ADMIN)
version = 0
while True:
    version = store.save(admin, ("1.1.1", "3105"), "pagar", version=version,
                         comment=f"endring {version + 1}").version
    print(version, flush=True)
"""


@pytest.mark.slow
def test_nothing_committed_is_lost_when_the_writer_is_killed(engine, database_url):
    """A process saves changes as fast as it can and says each committed version; killed with
    SIGKILL in the middle of that, the database opens, and holds every version it said."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, database_url],
        stdout=subprocess.PIPE,
        text=True,
    )
    said = 0
    deadline = time.monotonic() + 120
    assert writer.stdout is not None
    while said < 40 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        said = int(line)
    writer.kill()  # SIGKILL: mid-write, the loop never pauses
    writer.wait(timeout=60)
    assert said >= 40, "the writer did not get going"
    engine.dispose()
    reopened = db.make_engine(database_url)
    db.check_schema(reopened)
    status = DatabaseStore(reopened, SCOPE).status(("1.1.1", "3105"))
    assert status.version >= said  # every committed change is there (one more may be)
    history = DatabaseStore(reopened, SCOPE).history()
    assert len(history) == status.version
    assert status.comment == f"endring {status.version}"
    reopened.dispose()
