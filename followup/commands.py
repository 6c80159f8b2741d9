"""`tiltakskart db|users|status`: the follow-up's database, accounts and data from the command
line. Passwords are read from the terminal (or standard input with --password-stdin), never
from a flag that `ps` would show."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from cli.options import Command, settings_from
from followup import db
from followup.auth import Accounts
from followup.carry import Plan, carry_over, decide
from followup.errors import FollowupError
from followup.exchange import export_bytes, import_file
from followup.records import ROLE_LABELS, Scope, User, UserRole
from followup.store import DatabaseStore
from geo.atomic import write_atomic
from geo.errors import InputError


def _engine(args: argparse.Namespace, create: bool = False):
    settings = settings_from(args)
    return db.open_database(settings.database_url, settings.data_dir, create=create)


# --- db ---------------------------------------------------------------------------------------


def cmd_db(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    url = db.database_url(settings.database_url, settings.data_dir)
    engine = db.make_engine(url)
    where = engine.url.render_as_string(hide_password=True)
    if args.action == "upgrade":
        before, after = db.upgrade(engine)
        said = "already at" if before == after else f"upgraded from {before or 'empty'} to"
        print(f"{where}: {said} revision {after}")
        return 0
    current = db.current_revision(engine)
    head = db.head_revision()
    state = "up to date" if current == head else f"expected {head}: run `tiltakskart db upgrade`"
    print(f"{where}: revision {current or 'none (empty)'} ({state})")
    return 0 if current == head else 1


def _db_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("upgrade", "current"),
        help="upgrade: migrate the schema to this version's; current: say where it is",
    )


DB = Command(
    "db",
    "create or migrate the follow-up database",
    "The follow-up database: TILTAKSKART_DATABASE_URL, or a SQLite file in "
    "TILTAKSKART_DATA_DIR (default: the user data folder).",
    _db_options,
    cmd_db,
)


# --- users ------------------------------------------------------------------------------------


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask the password on; pipe it with --password-stdin")
    first = getpass.getpass("Passord: ")
    if getpass.getpass("Gjenta passordet: ") != first:
        raise InputError("the passwords differ; nothing was changed")
    return first


def _kommuner(args: argparse.Namespace) -> list[str]:
    return [k for value in args.kommune or [] for k in value.split(",")]


def cmd_users(args: argparse.Namespace) -> int:
    accounts = Accounts(_engine(args, create=True))
    if args.action == "list":
        for user in accounts.list():
            where = ", ".join(sorted(user.kommuner)) or ("alle" if user.admin else "ingen")
            print(f"{user.username}\t{ROLE_LABELS[user.role]}\t{where}")
        return 0
    if not args.username:
        raise InputError(f"`users {args.action}` needs a user name")
    if args.action == "add":
        role = UserRole.ADMIN if args.admin else UserRole.EDITOR
        user = accounts.add(args.username, _password(args), role, _kommuner(args))
        print(f"added {user.username} ({ROLE_LABELS[user.role]})")
    elif args.action == "remove":
        accounts.remove(args.username)
        print(f"removed {args.username}")
    elif args.action == "set-password":
        accounts.set_password(args.username, _password(args))
        print(f"new password for {args.username}; their sessions are ended")
    else:  # assign
        given = UserRole.ADMIN if args.admin else (UserRole.EDITOR if args.editor else None)
        user = accounts.assign(args.username, _kommuner(args), role=given)
        print(f"{user.username}: {', '.join(sorted(user.kommuner)) or 'ingen kommuner'}")
    return 0


def _users_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "list", "remove", "set-password", "assign"))
    parser.add_argument("username", nargs="?", help="the user's name (not for `list`)")
    parser.add_argument(
        "--kommune",
        action="append",
        metavar="NUMBER[,NUMBER…]",
        help="a municipality the editor may change (repeat or separate with commas)",
    )
    role = parser.add_mutually_exclusive_group()
    role.add_argument("--admin", action="store_true", help="a county administrator")
    role.add_argument("--editor", action="store_true", help="an editor (the default for add)")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


USERS = Command(
    "users",
    "manage who may log in and change statuses",
    "Add, list and remove users, set passwords, and assign municipalities.",
    _users_options,
    cmd_users,
)


# --- status -----------------------------------------------------------------------------------

ScopeLoader = Callable[[argparse.Namespace], Scope]
COMMAND_LINE = "kommandolinjen"  # who opens pairs from the command line (the server's operator)


def status_command(scope_of: ScopeLoader) -> Command:
    """`tiltakskart status export|import|open|close`; `scope_of` reads the programme the
    command names (open and close check the pairs against it)."""

    def run(args: argparse.Namespace) -> int:
        engine = _engine(args)
        if args.action in ("open", "close"):
            return open_pairs(engine, scope_of(args), args)
        path = Path(args.file)
        if args.action == "export":
            fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
            if path.suffix.lower() not in (".csv", ".xlsx"):
                raise InputError("give a .csv or .xlsx file to export to", value=path)
            data = export_bytes(engine, fmt, args.programme)
            write_atomic(path, lambda tmp: tmp.write_bytes(data))
            print(f"wrote {path}")
            return 0
        if not path.is_file():
            raise InputError("no such file", value=path)
        try:
            statuses, changes = import_file(engine, path)
        except FollowupError as exc:
            raise InputError(f"{exc}", value=path) from None
        print(f"imported {statuses} statuses and {changes} changes from {path}")
        return 0

    def options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("action", choices=("export", "import", "open", "close"))
        parser.add_argument(
            "file",
            metavar="FILE|MEASURE",
            help="export/import: a .csv (Norwegian Excel) or .xlsx file; open/close: a measure",
        )
        parser.add_argument(
            "kommune", nargs="*", help="open/close: the municipalities (kommunenummer)"
        )
        parser.add_argument("--programme", help="export: only this programme's (e.g. 31-2025)")
        parser.add_argument(
            "--document",
            type=Path,
            help="open/close: the programme (default: $TILTAKSKART_DOCUMENT or the bundled one)",
        )
        parser.add_argument("--county", help="open/close: the programme's county (two digits)")

    return Command(
        "status",
        "export, import, or open pairs for reporting",
        "Every status and every kept change as CSV (Norwegian Excel) or Excel, and back (an "
        "import is checked whole before anything is written); `open MEASURE KOMMUNE…` lets "
        "municipalities report on a measure that only concerns their area (`close` undoes it).",
        options,
        run,
    )


def open_pairs(engine, scope: Scope, args: argparse.Namespace) -> int:
    if not args.kommune:
        raise InputError(f"`status {args.action}` needs a measure and one or more kommunenummer")
    pairs = [(args.file, k) for k in args.kommune]
    admin = User(0, COMMAND_LINE, UserRole.ADMIN)
    try:
        DatabaseStore(engine, scope).open_pairs(admin, pairs, opened=args.action == "open")
    except FollowupError as exc:
        raise InputError(str(exc).rstrip(".")) from None
    said = "opened for reporting" if args.action == "open" else "closed for reporting"
    print(f"{args.file} {said} in {', '.join(args.kommune)} ({scope.programme})")
    return 0


# --- revise -----------------------------------------------------------------------------------

Planner = Callable[[argparse.Namespace], Plan]


def _matches(values: list[str] | None, flag: str) -> set[tuple[str, str]]:
    out = set()
    for value in values or []:
        old, sep, new = value.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise InputError("give OLD=NEW, e.g. 3.6.5=3.6.9", value=value, setting=flag)
        out.add((old.strip(), new.strip()))
    return out


def revise_command(planner: Planner, options: Callable[[argparse.ArgumentParser], None]) -> Command:
    """`tiltakskart revise OLD NEW`: carry the follow-up over to a new revision; `planner`
    reads both revisions and proposes the carry-over (the app's pipeline and diff)."""

    def run(args: argparse.Namespace) -> int:
        engine = _engine(args)
        plan = planner(args)
        for p in plan.pending:
            kind = "split out of" if p.split else "matched with"
            print(f"to confirm: {p.new} {kind} {p.old} (confidence {p.confidence:.2f})")
        try:
            carry = decide(plan, _matches(args.confirm, "confirm"), _matches(args.reject, "reject"))
        except FollowupError as exc:
            raise InputError(f"{exc} (--confirm OLD=NEW or --reject OLD=NEW)") from None
        renumbered = sum(old != new for old, new in carry.moves.items())
        print(
            f"{plan.old} → {plan.new}: {len(carry.moves)} measures carried ({renumbered} "
            f"renumbered), {len(carry.removed)} removed (their statuses archived), "
            f"{sum(map(len, carry.copies.values()))} split out"
        )
        if args.dry_run:
            print("dry run: nothing changed")
            return 0
        done = carry_over(engine, carry, COMMAND_LINE)
        print(
            f"carried: {done.moved} statuses moved, {done.copied} copied to split measures, "
            f"{done.archived} archived, {done.closed} opened pairs closed, {done.history} "
            "history entries moved"
        )
        return 0

    def all_options(parser: argparse.ArgumentParser) -> None:
        options(parser)
        parser.add_argument(
            "--confirm", action="append", metavar="OLD=NEW", help="confirm an uncertain match"
        )
        parser.add_argument(
            "--reject", action="append", metavar="OLD=NEW", help="reject an uncertain match"
        )
        parser.add_argument("--dry-run", action="store_true", help="say what would be done")

    return Command(
        "revise",
        "carry the follow-up over to a new revision of the programme",
        "Statuses, their history and opened pairs follow each measure of OLD to its number in "
        "NEW (matched as `tiltakskart diff` matches them); statuses of removed measures are "
        "archived with the revision, never deleted; a measure split out of another starts "
        "from a copy of its statuses. Uncertain matches must each be confirmed or rejected "
        "first. One transaction: all or nothing.",
        all_options,
        run,
    )


def commands(
    scope_of: ScopeLoader,
    planner: Planner | None = None,
    revision_options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> tuple[Command, ...]:
    """The follow-up's commands; `scope_of` reads a command's programme and `planner` plans a
    revision's carry-over (both the app's pipeline)."""
    revise = (
        ()
        if planner is None or revision_options is None
        else (revise_command(planner, revision_options),)
    )
    return (DB, USERS, status_command(scope_of), *revise)
