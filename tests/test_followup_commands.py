"""`tiltakskart db|users|status` as real processes on both databases: migrations, accounts,
and statuses with their history out to CSV/Excel and back (a bad file changes nothing)."""

from __future__ import annotations

import csv
import io
import os

import pytest

from followup import db
from followup.auth import Accounts
from followup.records import Scope, User, UserRole
from followup.store import DatabaseStore
from tests.postgres import fresh_database
from tests.test_cli import run

pytestmark = pytest.mark.slow

SCOPE = Scope(
    "31-2025",
    frozenset({"1.3.2", "3.5.1"}),
    frozenset({("1.3.2", "3105"), ("3.5.1", "3105"), ("1.3.2", "3103")}),
    frozenset({("1.3.2", "3105"), ("3.5.1", "3105"), ("1.3.2", "3103")}),
)
ADMIN = User(1, "fylket", UserRole.ADMIN)
FORMULA = '=HYPERLINK("http://evil.example";"klikk")'


def tiltakskart(*args: str, url: str, stdin: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env["TILTAKSKART_DATABASE_URL"] = url
    return run(*args, env=env, stdin=stdin, module="app.cli", timeout=120)


def test_db_upgrade_and_current(database_url):
    before = tiltakskart("db", "current", url=database_url)
    assert before.returncode == 1 and "run `tiltakskart db upgrade`" in before.stdout
    done = tiltakskart("db", "upgrade", url=database_url)
    assert done.returncode == 0 and "upgraded from empty to revision 0005" in done.stdout
    assert "already at revision 0005" in tiltakskart("db", "upgrade", url=database_url).stdout
    assert tiltakskart("db", "current", url=database_url).returncode == 0


def test_users_are_added_listed_assigned_and_removed(database_url):
    add = tiltakskart(
        "users", "add", "Sarpsborg", "--kommune", "3105", "--password-stdin",
        url=database_url, stdin="passord-sarpsborg\n",
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    admin = tiltakskart(
        "users", "add", "fylket", "--admin", "--password-stdin",
        url=database_url, stdin="passord-fylket-1\n",
    )  # fmt: skip
    assert admin.returncode == 0
    assert tiltakskart("users", "list", url=database_url).stdout.splitlines() == [
        "fylket\tadministrator\talle",
        "sarpsborg\tredaktør\t3105",
    ]
    assign = tiltakskart("users", "assign", "sarpsborg", "--kommune", "3105,3103", url=database_url)
    assert assign.returncode == 0 and "3103, 3105" in assign.stdout
    engine = db.make_engine(database_url)
    accounts = Accounts(engine)
    assert accounts.authenticate("sarpsborg", "passord-sarpsborg", "127.0.0.1").kommuner == {
        "3103",
        "3105",
    }
    changed = tiltakskart(
        "users", "set-password", "sarpsborg", "--password-stdin",
        url=database_url, stdin="nytt-passord-123\n",
    )  # fmt: skip
    assert changed.returncode == 0
    assert accounts.authenticate("sarpsborg", "nytt-passord-123", "127.0.0.1")
    assert tiltakskart("users", "remove", "sarpsborg", url=database_url).returncode == 0
    assert "sarpsborg" not in tiltakskart("users", "list", url=database_url).stdout
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        (("users", "add", "x", "--password-stdin"), "kort\n", "a password needs 10"),
        (("users", "add", "y"), "", "pipe it with --password-stdin"),
        (("users", "add", "Æ Ø", "--password-stdin"), "passord-lang-nok\n", "a user name is"),
        (("users", "assign", "ingen", "--kommune", "3105"), None, "no such user"),
        (
            ("users", "add", "z", "--kommune", "31x", "--password-stdin"),
            "passord-lang\n",
            "kommunenummer",
        ),
    ],
)
def test_user_mistakes_get_one_line(database_url, args, stdin, said):
    result = tiltakskart(*args, url=database_url, stdin=stdin)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and said in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def filled(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    store = DatabaseStore(engine, SCOPE)
    store.save(ADMIN, ("1.3.2", "3105"), "ikke_startet", version=0, contact="Kari Nordmann")
    store.save(ADMIN, ("1.3.2", "3105"), "pagar", version=1, comment=FORMULA, date="2026-11-01")
    store.save(ADMIN, ("3.5.1", "3105"), "utsatt", version=0, comment="Venter;\npå midler")
    store.save(ADMIN, ("1.3.2", None), "pagar", version=0)
    yield store
    engine.dispose()


def snapshot(store: DatabaseStore):
    return dict(store.statuses()), store.history()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_and_import_round_trip(filled, database_url, tmp_path, postgres_server, suffix):
    out = tmp_path / f"oppfolging{suffix}"
    exported = tiltakskart("status", "export", str(out), url=database_url)
    assert exported.returncode == 0, exported.stderr
    if suffix == ".csv":
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Norwegian Excel: BOM and semicolons
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:5] == ["Type", "Program", "Tiltak", "Kommune", "Status"]
        assert [r[0] for r in rows[1:]].count("Status") == 3
        assert [r[0] for r in rows[1:]].count("Endring") == 4
        assert "'" + FORMULA in {r[6] for r in rows}  # never a formula in a spreadsheet
    # Into an empty database of the other kind (SQLite ↔ PostgreSQL): the same statuses,
    # versions and history.
    other = (
        fresh_database(postgres_server)
        if database_url.startswith("sqlite")
        else f"sqlite:///{tmp_path / 'kopi.sqlite3'}"
    )
    assert tiltakskart("db", "upgrade", url=other).returncode == 0
    imported = tiltakskart("status", "import", str(out), url=other)
    assert imported.returncode == 0, imported.stderr
    assert "imported 3 statuses and 4 changes" in imported.stdout
    copy = DatabaseStore(db.make_engine(other), SCOPE)
    assert snapshot(copy) == snapshot(filled)
    assert copy.status(("1.3.2", "3105")).comment == FORMULA
    # Importing the same file again changes nothing.
    again = tiltakskart("status", "import", str(out), url=other)
    assert "imported 0 statuses and 0 changes" in again.stdout
    assert snapshot(copy) == snapshot(filled)
    copy.engine.dispose()


def test_a_bad_file_changes_nothing_and_names_its_row(filled, database_url, tmp_path):
    out = tmp_path / "oppfolging.csv"
    assert tiltakskart("status", "export", str(out), url=database_url).returncode == 0
    text = out.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    lines[3] = lines[3].replace(";Utsatt;", ";Ferdig;")
    (tmp_path / "bad.csv").write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    before = snapshot(filled)
    filled.save(ADMIN, ("3.5.1", "3105"), "gjennomfort", version=1)  # newer than the file
    after_change = snapshot(filled)
    result = tiltakskart("status", "import", str(tmp_path / "bad.csv"), url=database_url)
    assert result.returncode == 2 and "row 4: unknown status 'Ferdig'" in result.stderr
    assert "nothing was imported" in result.stderr and result.stderr.count("\n") == 1
    assert snapshot(filled) == after_change != before
    # A file older than the database is refused whole too.
    stale = tiltakskart("status", "import", str(out), url=database_url)
    assert stale.returncode == 2 and "holds a newer change of 3.5.1" in stale.stderr
    assert snapshot(filled) == after_change
    for name, content in (
        ("tom.csv", b""),
        ("feil.csv", b"a;b\r\n1;2\r\n"),
        ("bin.xlsx", b"PK\x03\x04x"),
    ):
        (tmp_path / name).write_bytes(content)
        said = tiltakskart("status", "import", str(tmp_path / name), url=database_url)
        assert said.returncode == 2 and "Traceback" not in said.stderr, said.stderr
    assert snapshot(filled) == after_change


def test_the_county_opens_a_pair_for_reporting_from_the_command_line(database_url, app_bundle):
    from app.tracking import scope_of

    assert tiltakskart("db", "upgrade", url=database_url).returncode == 0
    scope = scope_of(app_bundle)
    store = DatabaseStore(db.make_engine(database_url), scope)
    assert ("3.12.2", "3105") not in store.reportable()  # the pilgrim route: its area only
    opened = tiltakskart("status", "open", "3.12.2", "3105", url=database_url)
    assert opened.returncode == 0, opened.stderr
    assert ("3.12.2", "3105") in store.reportable()
    untouched = sorted(m for m in scope.measures if (m, "3106") not in scope.counted)[0]
    refused = tiltakskart("status", "open", untouched, "3106", url=database_url)
    assert refused.returncode == 2 and "gjelder ikke kommune 3106" in refused.stderr
    assert tiltakskart("status", "close", "3.12.2", "3105", url=database_url).returncode == 0
    assert ("3.12.2", "3105") not in store.reportable()
    store.engine.dispose()
