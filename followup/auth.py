"""Who someone is: accounts with argon2-hashed passwords, server-side login sessions, and
failed logins slowed down per account and per address. Passwords and session tokens are never
stored or logged as they are."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from followup.db import writing
from followup.errors import FollowupError
from followup.models import AssignmentRow, FailureRow, SessionRow, UserRow
from followup.records import User, UserRole
from followup.store import now

log = logging.getLogger(__name__)

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
KOMMUNENUMMER = re.compile(r"\d{4}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a bound keeps a login request cheap
SESSION_HOURS = 12
# Failed logins: from the FREE-th on, each waits twice as long as the one before, up to
# MAX_WAIT; counts are forgotten after an hour without failures.
FREE_PER_ACCOUNT = 5
FREE_PER_ADDRESS = 20
MAX_WAIT_S = 300
FORGET_AFTER = dt.timedelta(hours=1)


class LoginRefused(FollowupError):
    """A login that failed or must wait; the message is for the user (Norwegian)."""

    def __init__(self, message: str, wait: int = 0):
        super().__init__(message)
        self.wait = wait


class LastAdmin(FollowupError):
    """The change would leave no administrator."""


class AccessChanged(FollowupError):
    """A user's role or municipalities changed since they were read: `current` is now."""

    def __init__(self, current: User):
        super().__init__(f"{current.username}'s access changed meanwhile; read it again")
        self.current = current


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def wait_after(failures: int, free: int) -> int:
    """Seconds to wait before the next attempt after `failures` failed ones."""
    if failures < free:
        return 0
    return min(2 ** (failures - free + 1), MAX_WAIT_S)


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise FollowupError(
            "a user name is 1–64 of a–z, 0–9 and . _ @ -, starting with a letter or digit",
            value=username,
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise FollowupError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def check_kommuner(kommuner: Iterable[str]) -> frozenset[str]:
    numbers = frozenset(k.strip() for k in kommuner if k.strip())
    for k in numbers:
        if not KOMMUNENUMMER.fullmatch(k):
            raise FollowupError("not a kommunenummer; give four digits, e.g. 3105", value=k)
    return numbers


class Accounts:
    """Users, their municipalities, and their sessions, in the follow-up database."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None):
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_hex(16))  # for unknown names: same cost

    # -- users --------------------------------------------------------------------------------

    def add(
        self, username: str, password: str, role: UserRole, kommuner: Iterable[str] = ()
    ) -> User:
        name = check_username(username)
        numbers = check_kommuner(kommuner)
        hashed = self.hasher.hash(check_password(password))
        taken = FollowupError("a user by that name exists; choose another", value=name)
        try:
            with writing(self.engine) as conn:
                if conn.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                    raise taken
                user_id = conn.execute(
                    insert(UserRow)
                    .values(username=name, password_hash=hashed, role=str(role), created_at=now())
                    .returning(UserRow.id)
                ).scalar_one()
                for k in sorted(numbers):
                    conn.execute(insert(AssignmentRow).values(user_id=user_id, kommune=k))
        except IntegrityError:  # the same name added at the same moment elsewhere
            raise taken from None
        return self.get(name)

    def get(self, username: str) -> User:
        name = username.strip().lower()
        with self.engine.connect() as conn:
            row = conn.execute(select(UserRow).where(UserRow.username == name)).first()
            if row is None:
                raise FollowupError("no such user; see `tiltakskart users list`", value=name)
            return self._user(conn, row.id, row.username, row.role)

    def _user(self, conn, user_id: int, username: str, role: str) -> User:
        kommuner = conn.scalars(
            select(AssignmentRow.kommune).where(AssignmentRow.user_id == user_id)
        )
        return User(user_id, username, UserRole(role), frozenset(kommuner))

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(UserRow).order_by(UserRow.username)).all()
            return [self._user(conn, r.id, r.username, r.role) for r in rows]

    def _keep_an_admin(self, conn, user: User) -> None:
        """Inside a writing transaction: refuse to remove or demote the last administrator."""
        # Locked (FOR UPDATE): two administrators demoting each other at once wait for one
        # another, and the second sees the first's change.
        admins = conn.scalars(
            select(UserRow.id).where(UserRow.role == str(UserRole.ADMIN)).with_for_update()
        ).all()
        if user.admin and not [a for a in admins if a != user.id]:
            raise LastAdmin("the last administrator cannot be removed or made an editor")

    def remove(self, username: str) -> None:
        user = self.get(username)
        with writing(self.engine) as conn:
            self._keep_an_admin(conn, user)
            conn.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
            conn.execute(delete(AssignmentRow).where(AssignmentRow.user_id == user.id))
            conn.execute(delete(UserRow).where(UserRow.id == user.id))

    def set_password(self, username: str, password: str) -> None:
        """A new password; the user's sessions end (a changed password logs out everywhere)."""
        user = self.get(username)
        hashed = self.hasher.hash(check_password(password))
        with writing(self.engine) as conn:
            conn.execute(update(UserRow).where(UserRow.id == user.id).values(password_hash=hashed))
            conn.execute(delete(SessionRow).where(SessionRow.user_id == user.id))

    def assign(
        self,
        username: str,
        kommuner: Iterable[str],
        *,
        role: UserRole | None = None,
        expected: User | None = None,
    ) -> User:
        """Give a user exactly these municipalities (and a role, when given). With `expected`
        (the user as the administrator saw them), a change made since is not overwritten: the
        call raises `AccessChanged` with the user as they are now."""
        user = self.get(username)
        numbers = check_kommuner(kommuner)
        with writing(self.engine) as conn:
            if role is not None and role != UserRole.ADMIN:
                self._keep_an_admin(conn, user)
            if expected is not None:
                row = conn.execute(
                    select(UserRow).where(UserRow.id == user.id).with_for_update()
                ).first()
                if row is None:
                    raise FollowupError(
                        "no such user; see `tiltakskart users list`", value=username
                    )
                current = self._user(conn, row.id, row.username, row.role)
                if (current.role, current.kommuner) != (expected.role, expected.kommuner):
                    raise AccessChanged(current)
            conn.execute(delete(AssignmentRow).where(AssignmentRow.user_id == user.id))
            for k in sorted(numbers):
                conn.execute(insert(AssignmentRow).values(user_id=user.id, kommune=k))
            if role is not None:
                conn.execute(update(UserRow).where(UserRow.id == user.id).values(role=str(role)))
        return self.get(username)

    # -- logging in ---------------------------------------------------------------------------

    def authenticate(self, username: str, password: str, address: str) -> User:
        """The user whose name and password these are, or `LoginRefused` (also while failed
        attempts for the account or from the address are being slowed down)."""
        name = username.strip().lower()[:64]
        keys = {f"user:{name}": FREE_PER_ACCOUNT, f"addr:{address[:100]}": FREE_PER_ADDRESS}
        wait = self._waiting(keys)
        if wait:
            raise LoginRefused(
                f"For mange mislykkede innlogginger. Prøv igjen om {wait} sekunder.", wait
            )
        with self.engine.connect() as conn:
            row = conn.execute(select(UserRow).where(UserRow.username == name)).first()
        ok = False
        try:
            ok = self.hasher.verify(
                row.password_hash if row else self._dummy, password[:MAX_PASSWORD]
            )
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None:
            self._failed(keys)
            log.info("failed login for %r from %s", name, address)
            raise LoginRefused("Feil brukernavn eller passord.")
        self._forget(f"user:{name}")
        if self.hasher.check_needs_rehash(row.password_hash):
            self.set_password(name, password)
        return self.get(name)

    def _waiting(self, keys: dict[str, int]) -> int:
        moment = now()
        with self.engine.connect() as conn:
            rows = conn.execute(select(FailureRow).where(FailureRow.key.in_(keys))).all()
        longest = 0
        for row in rows:
            last = row.last_at if row.last_at.tzinfo else row.last_at.replace(tzinfo=dt.UTC)
            if moment - last > FORGET_AFTER:
                continue
            until = last + dt.timedelta(seconds=wait_after(row.failures, keys[row.key]))
            longest = max(longest, int((until - moment).total_seconds() + 0.999))
        return longest

    def _failed(self, keys: dict[str, int]) -> None:
        moment = now()
        with writing(self.engine) as conn:
            for key in keys:
                row = conn.execute(select(FailureRow).where(FailureRow.key == key)).first()
                if row is None:
                    conn.execute(insert(FailureRow).values(key=key, failures=1, last_at=moment))
                    continue
                last = row.last_at if row.last_at.tzinfo else row.last_at.replace(tzinfo=dt.UTC)
                failures = 1 if moment - last > FORGET_AFTER else row.failures + 1
                conn.execute(
                    update(FailureRow)
                    .where(FailureRow.key == key)
                    .values(failures=failures, last_at=moment)
                )

    def _forget(self, key: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(delete(FailureRow).where(FailureRow.key == key))

    # -- sessions -----------------------------------------------------------------------------

    def start_session(self, user: User) -> str:
        """A new session for `user`: the token for the cookie (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        moment = now()
        with writing(self.engine) as conn:
            conn.execute(delete(SessionRow).where(SessionRow.expires_at < moment))
            conn.execute(
                insert(SessionRow).values(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at=moment,
                    expires_at=moment + dt.timedelta(hours=SESSION_HOURS),
                )
            )
        return token

    def user_of(self, token: str | None) -> User | None:
        """Whose session `token` is, if it is one that has not expired."""
        if not token or len(token) > 100:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(SessionRow.expires_at, UserRow.id, UserRow.username, UserRow.role)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == token_hash(token))
            ).first()
            if row is None:
                return None
            expires = (
                row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
            )
            if expires < now():
                return None
            return self._user(conn, row.id, row.username, row.role)

    def end_session(self, token: str | None) -> None:
        if token and len(token) <= 100:
            with writing(self.engine) as conn:
                conn.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash(token)))
