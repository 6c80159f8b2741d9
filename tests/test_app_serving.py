"""The served app (app/serving.py): built in one place for `serve` and gunicorn, and built
again when the published revisions change, while the earlier app serves; a build that fails
leaves the earlier app serving. Under gunicorn, a revision published in the database is served
without a restart."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
import requests

from app.serving import Republishing, Served


class Published:
    """A stand-in for the uploads' table: what is published, and the engine let go."""

    def __init__(self, hashes: tuple[str, ...] = ()) -> None:
        self.hashes = hashes
        self.disposed = 0
        self.engine = SimpleNamespace(dispose=self.dispose)

    def published(self) -> tuple[str, ...]:
        return self.hashes

    def dispose(self) -> None:
        self.disposed += 1


def served(text: str, table: Published) -> Served:
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [text.encode()]

    return Served(app, SimpleNamespace(uploads=table), table.hashes)  # read before building


def answer(wsgi) -> str:
    return b"".join(wsgi({"PATH_INFO": "/"}, lambda *_: None)).decode()


def test_a_publication_is_served_after_a_new_build_and_a_failed_build_keeps_the_old():
    table = Published()
    builds: list[str] = []

    def build() -> Served:
        builds.append("built")
        if table.hashes == ("bad",):
            raise RuntimeError("a programme that cannot be read")
        return served(f"app {len(builds)}", table)

    first = served("app 0", table)
    wsgi = Republishing(first, build, every_s=0.01)
    assert answer(wsgi) == "app 0"
    assert wsgi.refresh() is False and builds == []  # nothing new published: nothing built
    table.hashes = ("a",)
    assert wsgi.refresh() is True and answer(wsgi) == "app 1"
    assert table.disposed == 1  # the earlier app's connections let go
    assert wsgi.refresh() is False and builds == ["built"]
    table.hashes = ("bad",)
    assert wsgi.refresh() is False and answer(wsgi) == "app 1"  # the earlier one serves on


def test_a_publication_made_while_the_first_app_was_built_is_picked_up():
    table = Published()
    first = served("app 0", table)  # what was published was read before the build …
    table.hashes = ("a",)  # … and this was published while it built
    wsgi = Republishing(first, lambda: served("app 1", table), every_s=0.01)
    assert wsgi.refresh() is True and answer(wsgi) == "app 1"


def test_requests_look_for_publications_in_the_background():
    table = Published()
    wsgi = Republishing(served("app 0", table), lambda: served("app 1", table), every_s=0.05)
    table.hashes = ("a",)
    deadline = time.monotonic() + 30
    while answer(wsgi) != "app 1":  # each request answered at once, by the app it finds
        assert time.monotonic() < deadline, "the publication was never picked up"
        time.sleep(0.02)


def wait_newest(base: str, path: str) -> None:
    """Wait until every worker of the server at `base` sends `/` to `path`."""
    deadline, in_a_row = time.monotonic() + 240, 0
    while in_a_row < 12:  # requests land on either worker: each must have picked it up
        assert time.monotonic() < deadline, f"{path} was not served"
        first = requests.get(base + "/", allow_redirects=False)
        in_a_row = in_a_row + 1 if first.headers.get("Location") == path else 0
        time.sleep(0.25)


@pytest.mark.slow
def test_gunicorn_serves_a_revision_published_while_it_runs(tmp_path, tmp_path_factory):
    """gunicorn as the README runs it (two workers): one programme; a revision published in
    its database (as "Publiser" does) becomes the newest, through every worker, no restart."""
    from followup import db
    from followup.uploads import Uploads
    from tests.test_app_gunicorn import COMMANDS, free_port, start_server
    from tests.test_revisions import revise

    _, revised = revise(tmp_path)
    database = f"sqlite:///{tmp_path / 'followup.sqlite3'}"
    uploads = Uploads(db.open_database(database, None, create=True))
    port = free_port()
    extra = {"TILTAKSKART_DATABASE_URL": database}
    server = start_server(COMMANDS["gunicorn"], port, tmp_path_factory, env_extra=extra)
    try:
        base = f"http://127.0.0.1:{port}"
        assert requests.get(base + "/", allow_redirects=False).status_code == 200  # one app
        digest = uploads.add("2026.txt", revised.read_bytes(), "fylket")
        uploads.set_report(digest, {"measures": 125}, True)
        uploads.publish(digest, "fylket")
        wait_newest(base, "/program/31-2025-2/")
        layout = requests.get(base + "/program/31-2025-2/_dash-layout").text
        assert "Sammenlignet med forrige revisjon" in layout and "3.12.9" in layout
        older = requests.get(base + "/?rev=31-2025", allow_redirects=False)
        assert older.headers["Location"] == "/program/31-2025/"
        # A page's address from before, now that several are served: that page of the newest.
        page = requests.get(base + "/presentasjon?kommune=3105", allow_redirects=False)
        assert page.headers["Location"] == "/program/31-2025-2/presentasjon?kommune=3105"
        assert requests.get(base + page.headers["Location"]).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=60)
