"""The database: where it is (settings), one engine per process, and the schema's revision
(Alembic migrations are the only way the schema changes).

SQLite is the embedded default: one file in the user data folder, in WAL mode with full
synchronous commits, so a commit survives the process being killed. PostgreSQL when
`TILTAKSKART_DATABASE_URL` names one (`postgresql://…`, driven by psycopg 3).
"""

from __future__ import annotations

import contextlib
import logging
import os
import weakref
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from followup.errors import FollowupError, SchemaMismatch

log = logging.getLogger(__name__)

DATABASE_FILE = "tiltakskart.sqlite3"
SQLITE_BUSY_MS = 15_000
WRITE_OPTION = "tiltakskart_write"  # a writer waits this long for another's commit before failing


def default_data_dir() -> Path:
    """The user's data folder for Tiltakskart (e.g. ~/.local/share/tiltakskart on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tiltakskart", appauthor=False))


def database_url(url: str | None, data_dir: Path | None) -> str:
    """The database to use: `url` when given (PostgreSQL or SQLite), else the SQLite file in
    `data_dir` (the user data folder when None)."""
    if url:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise FollowupError(
                "not a database URL; give e.g. postgresql://user@host/tiltakskart",
                value="(TILTAKSKART_DATABASE_URL)",
                setting="TILTAKSKART_DATABASE_URL",
            ) from None
        if parsed.get_backend_name() not in ("postgresql", "sqlite"):
            raise FollowupError(
                f"database '{parsed.get_backend_name()}' is not supported; "
                "use postgresql:// or sqlite://",
                setting="TILTAKSKART_DATABASE_URL",
            )
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    folder = (data_dir or default_data_dir()).expanduser()
    return f"sqlite:///{folder / DATABASE_FILE}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # A writing transaction takes the write lock at BEGIN, so two writers queue there instead
    # of one failing when it upgrades a read lock; readers (WAL) never wait.
    writing = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: committed at the end, rolled back on an error."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn


def make_engine(url: str) -> Engine:
    """One engine for the process; for SQLite the file's folder is made (private) and each
    connection set to WAL, full sync, foreign keys and a busy wait."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    _forget_in_forked_children(engine)
    return engine


def single_reads(engine: Engine) -> Engine:
    """The engine for reads of one statement: on a server without a transaction around it
    (BEGIN and ROLLBACK are two round trips of three); SQLite's cost nothing and stay."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _forget_in_forked_children(engine: Engine) -> None:
    """gunicorn builds the app before forking its workers (preload): a connection pooled then
    would be shared by every worker, and two processes on one socket corrupt each other's
    conversation (seen: "unexpected result EMPTY_QUERY from command 'BEGIN'"). A forked child
    drops the inherited connections without closing them (SQLAlchemy's advice for fork)."""
    ref = weakref.ref(engine)

    def forget() -> None:
        held = ref()
        if held is not None:
            held.dispose(close=False)

    os.register_at_fork(after_in_child=forget)


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration, built in code (no alembic.ini to find)."""
    config = Config()
    config.set_main_option("script_location", str(files("followup").joinpath("migrations")))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The schema revision this version of Tiltakskart expects."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None: an empty database)."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise FollowupError(
            f"cannot open the database ({_reason(exc)}); check TILTAKSKART_DATABASE_URL "
            "or TILTAKSKART_DATA_DIR"
        ) from None


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the schema to `revision`; returns (before, after)."""
    before = current_revision(engine)
    try:
        command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise FollowupError(f"the migration failed ({_reason(exc)}); nothing was changed") from None
    return before, current_revision(engine) or ""


def check_schema(engine: Engine) -> None:
    """Refuse a database whose schema is behind or ahead of this version's."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaMismatch(
            f"the database's schema ({current}) is newer than this version of Tiltakskart "
            f"knows ({head}); upgrade Tiltakskart, or point TILTAKSKART_DATABASE_URL elsewhere"
        )
    raise SchemaMismatch(
        f"the database's schema is behind ({current or 'empty'}, expected {head}); "
        "run `tiltakskart db upgrade`"
    )


def ensure_schema(engine: Engine, create: bool) -> None:
    """Check the schema; with `create`, an empty database (the embedded default on first
    start) is migrated to the head first."""
    if create and current_revision(engine) is None:
        upgrade(engine)
        log.info("created the follow-up database")
    check_schema(engine)


def _reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return " ".join(text.split())[:160]


def open_database(url: str | None, data_dir: Path | None, *, create: bool) -> Engine:
    """The engine for the configured database, its schema checked (with `create`, an empty
    database is migrated first: the embedded default on first start)."""
    engine = make_engine(database_url(url, data_dir))
    ensure_schema(engine, create)
    return engine
