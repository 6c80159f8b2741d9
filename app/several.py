"""Several programmes served at once: one app per programme, each under its own path
(`/program/31-2025/`), and a router in front that hands each request to the app whose path it
is under; `/` goes to the first programme. The programme is in the URL's path, so every view,
download and slide of an app is its programme's."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.model import programme_label
from geo.errors import InputError
from geo.pipeline import Programme
from geo.settings import Settings
from geo.terms import Layout

ROOT = "/program/"
OVERVIEW = ROOT + "alle/"  # 'Alle program', with a national map
_KINDS = (".txt", ".pdf", ".docx")


def documents_in(paths: Iterable[Path], skipped: list[Path] | None = None) -> list[Path]:
    """The programme files named: files as given, a folder's text, PDF and Word files in name
    order (its other files added to `skipped`); a folder with none is an error."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            found = [p for p in files if p.suffix.casefold() in _KINDS]
            if skipped is not None:
                skipped += [p for p in files if p not in found]
            if not found:
                raise InputError(
                    "holds no programme (.txt, .pdf or .docx); name the files or another folder",
                    value=path,
                    setting="document",
                )
            out += found
        else:
            out.append(path)
    return out


def slug(programme: Programme, taken: set[str]) -> str:
    """A short, stable path part for a programme: its county and first year ("31-2025")."""
    base = programme.key
    name, k = base, 2
    while name in taken:
        name, k = f"{base}-{k}", k + 1
    return name


@dataclass(frozen=True)
class Router:
    """A WSGI app handing each request to the programme app whose path it is under."""

    apps: dict[str, Callable[..., Any]]  # prefix -> WSGI app
    first: str

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        query = environ.get("QUERY_STRING", "")
        chosen = revision_asked(query) if "rev=" in query else None
        if (
            chosen
            and f"{ROOT}{chosen}/" in self.apps
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and (page := self._page(path)) is not None
        ):
            # ?rev=31-2025-2 on any page: that page of that revision (an unknown one: as if
            # not asked), its path then saying which revision it shows.
            rest = re.sub(r"(^|&)rev=[^&]*", "", query).lstrip("&")
            to = f"{ROOT}{chosen}/" + page
            return _redirect({**environ, "QUERY_STRING": rest}, start_response, to)
        for prefix, app in self.apps.items():
            if path.startswith(prefix):
                return app(environ, start_response)
            if path + "/" == prefix:
                return _redirect(environ, start_response, prefix)
        if path in ("/", ROOT, ROOT.rstrip("/")):
            return _redirect(environ, start_response, self.first)
        if _page_of_one(path) and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            # A page's address from when one programme was served (/brukere, /presentasjon,
            # a bookmark from before a revision was published): that page of the default.
            return _redirect(environ, start_response, self.first + path.lstrip("/"))
        body = b"Siden finnes ikke. Velg et handlingsprogram fra forsiden."
        start_response(
            "404 NOT FOUND",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _page(self, path: str) -> str | None:
        """The page a path shows, relative to its programme's path ("" for the map,
        "presentasjon" …), for a path at the top or under a programme's; None for anything
        else (scripts, callbacks, the API)."""
        if path == "/":
            return ""
        if _page_of_one(path):
            return path.lstrip("/")
        for prefix in self.apps:
            if prefix.startswith(ROOT) and path.startswith(prefix):
                rest = path[len(prefix) :]
                return rest if rest == "" or _page_of_one("/" + rest) else None
        return None


def _page_of_one(path: str) -> bool:
    """Whether `path` could be a page of a single programme's app (not under ROOT, not a
    script or callback of one)."""
    return (
        not path.startswith(ROOT)
        and not path.startswith("/_")
        and re.fullmatch(r"/[a-z][a-z0-9\-]{0,40}/?", path) is not None
    )


def revision_asked(query: str) -> str | None:
    """The `rev=` of a query string (a programme's path name, e.g. "31-2025-2"), if well formed."""
    found = re.search(r"(?:^|&)rev=([0-9a-z-]{1,40})(?:&|$)", query[:4096])
    return found.group(1) if found else None


def _redirect(environ: dict, start_response: Callable, to: str) -> list[bytes]:
    query = environ.get("QUERY_STRING", "")
    # Only what a query of the app's holds (no quotes, spaces or line breaks); "/" and ":"
    # for a page's next address (?neste=/program/…).
    location = to + (f"?{query}" if query and re.fullmatch(r"[\w=&%.+\-/:,]*", query) else "")
    start_response("302 FOUND", [("Location", location), ("Content-Length", "0")])
    return [b""]


def previous_revision(programmes: list[Programme], k: int) -> Programme | None:
    """The revision before the k-th programme: the last one served before it of the same
    county (revisions are given oldest first)."""
    county = programmes[k].gazetteer.county
    earlier = [p for p in programmes[:k] if p.gazetteer.county == county]
    return earlier[-1] if earlier else None


def build_apps(programmes: list[Programme], store=None, followup=None) -> Router:
    """One app per programme under /program/<slug>/, with the chooser between them."""
    from app import api
    from app.main import api_login_needed, create_app
    from app.overview import TITLE, create_overview

    taken: set[str] = set()
    prefixes = []
    for programme in programmes:
        name = slug(programme, taken)
        taken.add(name)
        prefixes.append(f"{ROOT}{name}/")
    choices = tuple(
        (programme_label(p), prefix) for p, prefix in zip(programmes, prefixes, strict=True)
    )
    national = all(
        Layout.BOUNDARIES in p.web and p.web[Layout.BOUNDARIES].others for p in programmes
    )
    if national:  # one map of Norway, each county by its own programme
        choices += ((TITLE, OVERVIEW),)
    apps: dict[str, Any] = {}
    views = []
    for k, (programme, prefix) in enumerate(zip(programmes, prefixes, strict=True)):
        dash_app = create_app(
            programme,
            store,
            prefix=prefix,
            programmes=choices,
            followup=followup,
            previous=previous_revision(programmes, k),
        )
        views.append(dash_app.tiltakskart_view)
        server = dash_app.server
        server.test_client().get(prefix)  # Dash registers its scripts on the first request
        apps[prefix] = server
    access = followup.access if followup is not None else None
    apps[api.PREFIX + "/"] = api.standalone(views, api_login_needed(access))
    if national:
        apps[OVERVIEW] = create_overview(programmes, OVERVIEW, choices).server
    # The default: the newest revision (served last) of the first programme's county.
    county = programmes[0].gazetteer.county
    newest = max(k for k, p in enumerate(programmes) if p.gazetteer.county == county)
    return Router(apps, prefixes[newest])


def documents_of(
    settings: Settings, given: list[Path] | None = None, skipped: list[Path] | None = None
) -> list[Path | None]:
    """The programmes to serve: the files and folders given, else the setting's (a file, a
    folder, or several separated by ':'), else the bundled one (None); files in a folder that
    are not programmes are added to `skipped`."""
    if given:
        return list(documents_in(given, skipped))
    if settings.document is None:
        return [None]
    parts = [Path(p) for p in str(settings.document).split(os.pathsep) if p]
    return list(documents_in(parts, skipped))


def skipped_warning(skipped: list[Path]) -> str:
    """What a folder held that is not served, and how to serve it."""
    names = ", ".join(p.name for p in skipped[:5]) + (" …" if len(skipped) > 5 else "")
    return (
        f"{len(skipped)} file(s) in the folder are not programmes and are not served ({names}); "
        "save a programme as .txt, .pdf or .docx to serve it"
    )
