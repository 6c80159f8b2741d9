"""The served app, built in one place for `tiltakskart serve` and gunicorn (app.wsgi): the
settings' programmes, then the revisions the administrators published (app.uploads), each read
by the pipeline; one app, or several behind the router (app.several). With a follow-up, the
app is kept up to date with what is published while it runs: every few seconds (on a request,
never in its way) a process asks the database which revisions are published, and when that
changed it builds the app again beside the one serving and then swaps them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from app.tracking import Followup, open_followup, published_documents
from followup.errors import FollowupError, SchemaMismatch
from geo.settings import Settings

log = logging.getLogger(__name__)

PUBLISHED_CHECK_S = 5.0  # how often a serving process asks what is published


@dataclass(frozen=True)
class Served:
    """A WSGI app over the programmes, the follow-up it opened (None: without one) and the
    published revisions it serves (their hashes, read before the build)."""

    app: Callable[..., Iterable[bytes]]
    followup: Followup | None
    published: tuple[str, ...] = ()


def build_served(
    settings: Settings,
    given: list[Path] | None = None,
    *,
    local: bool,
    warn: Callable[[list[str]], None],
    refresh: bool = False,
) -> Served:
    """Read every programme to serve and build the app over them. `local` is the one-user
    `serve`: there a database that cannot be opened is warned about and the programmes served
    without follow-up; for gunicorn it is an error. `warn` is told what the user should know."""
    from app.main import build_app_programme, create_app
    from app.several import build_apps, documents_of, skipped_warning

    skipped: list[Path] = []
    documents: list[Path | None] = list(documents_of(settings, given, skipped))
    if skipped:
        warn([skipped_warning(skipped)])
    published: list[tuple[str, Path]] = []
    try:  # revisions published in the app, newest last
        published = published_documents(settings)
    except SchemaMismatch:
        raise
    except FollowupError:
        if not local:
            raise
        # no database to read them from: said below, when the follow-up cannot open
    documents += [path for _, path in published]
    seen = tuple(sha for sha, _ in published)
    programmes = []
    for document in documents:
        programme = build_app_programme(
            settings if document is None else replace(settings, document=document),
            refresh=refresh,
        )
        warn(list(programme.warnings) + ([programme.notice] if programme.notice else []))
        programmes.append(programme)
    followup: Followup | None
    try:
        followup = open_followup(settings, programmes, local=local)
    except SchemaMismatch:
        raise
    except FollowupError as exc:  # e.g. a full disk: the programmes can still be read
        if not local:
            raise
        warn([f"{exc}; serving without follow-up (no statuses or logins)"])
        followup = None
    if len(programmes) > 1:
        return Served(build_apps(programmes, followup=followup), followup, seen)
    server = create_app(programmes[0], followup=followup).server
    # Dash registers its scripts on the first request; make it here, before a server's
    # threads can race on it (under load some first requests got 404s for Dash's scripts).
    server.test_client().get("/")
    return Served(server, followup, seen)


def published(followup: Followup | None) -> tuple[str, ...]:
    """What is published now, as the uploads' hashes (empty without a follow-up)."""
    if followup is None or followup.uploads is None:
        return ()
    return followup.uploads.published()


class Republishing:
    """A WSGI app serving what `build` made last, and building it again when the published
    revisions change: a revision published on /programmer/ is served by every process (each
    gunicorn worker asks for itself) within `every_s` seconds of its next request, without a
    restart. The build runs in a thread while the earlier app goes on serving; one that fails
    is logged and the earlier app kept (tried again a minute later)."""

    def __init__(
        self,
        served: Served,
        build: Callable[[], Served],
        every_s: float = PUBLISHED_CHECK_S,
    ) -> None:
        self.served = served
        self._build = build
        self._seen = served.published  # read before its build: none published since is missed
        self._every = every_s
        self._next = time.monotonic() + every_s
        self._lock = threading.Lock()
        self._busy = False

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if time.monotonic() >= self._next:
            self._look()
        return self.served.app(environ, start_response)

    def _look(self) -> None:
        with self._lock:
            if self._busy or time.monotonic() < self._next:
                return
            self._busy = True
            self._next = time.monotonic() + self._every
        try:
            threading.Thread(target=self.refresh, name="tiltakskart-published", daemon=True).start()
        except RuntimeError:  # no thread to be had now: look again later
            self._busy = False

    def refresh(self) -> bool:
        """Build the app again if what is published changed; whether it was."""
        try:
            seen = published(self.served.followup)
            if seen == self._seen:
                return False
            log.info("the published revisions changed; building the app again")
            fresh = self._build()
            earlier, self.served, self._seen = self.served, fresh, fresh.published
            log.info("serving %d published revision(s)", len(seen))
            _close(earlier)
            return True
        except Exception:  # the earlier app keeps serving; a broken build must not stop it
            log.exception("could not build the app with the newly published revisions")
            self._next = time.monotonic() + 60
            return False
        finally:
            self._busy = False


def _close(served: Served) -> None:
    """Let the database connections of an app no longer served go (requests still running on
    it open new ones if they need them)."""
    if served.followup is not None and served.followup.uploads is not None:
        served.followup.uploads.engine.dispose()


def serving(
    settings: Settings,
    given: list[Path] | None = None,
    *,
    local: bool,
    warn: Callable[[list[str]], None],
    refresh: bool = False,
) -> tuple[Any, Served]:
    """The WSGI app to serve (kept up to date with what is published when there is a
    follow-up), and what was built first."""
    first = build_served(settings, given, local=local, warn=warn, refresh=refresh)
    if first.followup is None or first.followup.uploads is None:
        return first.app, first
    again = partial(build_served, settings, given, local=local, warn=warn)
    return Republishing(first, again), first
