"""Files the app serves at URLs named by their content, cached by browsers for good.

The map geometry is one of them: figures name its URL (Plotly's `geojson` as a URL string)
instead of carrying the shapes, so a page load fetches each geometry once, a reload takes it
from the browser's cache, and recolours never carry it. The partial Plotly bundle is another."""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass

import brotli
from flask import Flask, Response, request

ROUTE = "_tiltakskart/"
MAX_AGE = 365 * 24 * 3600  # the name changes with the content, so it can be kept for good
BROTLI_QUALITY = 9  # ~0.2 s per MB at start-up; 11 costs seconds


@dataclass(frozen=True)
class Served:
    """A file's bytes, plain and compressed with brotli once at start-up, under a name made of
    its digest; gzipped when a client first asks for that (every current browser takes
    brotli, so start-up does not spend on it)."""

    name: str
    mimetype: str
    plain: bytes
    brotli: bytes
    gzip_level: int = 6

    @functools.cached_property
    def gzipped(self) -> bytes:
        return gzip.compress(self.plain, compresslevel=self.gzip_level, mtime=0)


def served(
    data: str | bytes,
    stem: str,
    suffix: str,
    mimetype: str,
    brotli_bytes: bytes | None = None,
    quality: int = BROTLI_QUALITY,
) -> Served:
    """`brotli_bytes`: the file compressed beforehand (e.g. at quality 11, too slow at start);
    `quality`: brotli's otherwise (gzip's level follows it, at most 6: level 9 takes twice as
    long for 1 % less, and every current browser takes brotli)."""
    plain = data.encode("utf-8") if isinstance(data, str) else data
    name = f"{stem}-{hashlib.sha256(plain).hexdigest()[:16]}{suffix}"
    if brotli_bytes is None or brotli.decompress(brotli_bytes) != plain:
        brotli_bytes = brotli.compress(plain, quality=quality)
    return Served(name, mimetype, plain, brotli_bytes, min(quality, 6))


def geometry(text: str, quality: int = BROTLI_QUALITY) -> Served:
    return served(text, "geo", ".geojson", "application/geo+json", quality=quality)


def script(
    data: bytes, stem: str, brotli_bytes: bytes | None = None, quality: int = BROTLI_QUALITY
) -> Served:
    return served(data, stem, ".js", "text/javascript", brotli_bytes, quality)


def url_of(prefix: str, item: Served) -> str:
    return f"{prefix.rstrip('/')}/{ROUTE}{item.name}"


def install(
    server: Flask, items: list[Served], prefix: str = "/", moved: dict[str, str] | None = None
) -> None:
    """Serve `items` at `<prefix>_tiltakskart/<name>`, compressed as the browser takes it; a
    name in `moved` is sent on to its URL (a file served elsewhere, asked for here)."""
    by_name = {item.name: item for item in items}
    moved = moved or {}

    def serve(name: str) -> Response:
        item = by_name.get(name)
        if item is None and name in moved:
            return Response(status=302, headers={"Location": moved[name]})
        if item is None:
            return Response("Fant ikke filen.", status=404, mimetype="text/plain")
        etag = f'"{item.name}"'
        headers = {
            "Cache-Control": f"public, max-age={MAX_AGE}, immutable",
            "ETag": etag,
            "Vary": "Accept-Encoding",
        }
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=headers)
        body, accepted = item.plain, request.headers.get("Accept-Encoding", "")
        if "br" in accepted:
            body, headers["Content-Encoding"] = item.brotli, "br"
        elif "gzip" in accepted:
            body, headers["Content-Encoding"] = item.gzipped, "gzip"
        return Response(body, mimetype=item.mimetype, headers=headers)

    server.add_url_rule(f"{prefix.rstrip('/')}/{ROUTE}<name>", "tiltakskart_served", serve)


def install_caching(server: Flask, prefix: str = "/") -> None:
    """Reloads that cost little: fingerprinted assets (`?m=`) are kept by the browser; the
    layout and dependencies (the same for every load) get an ETag and answer 304 when the
    browser already has them."""
    root = prefix.rstrip("/") + "/"
    revalidated = {root + "_dash-layout", root + "_dash-dependencies"}

    @server.after_request
    def cache_headers(response: Response) -> Response:
        if request.method != "GET" or response.status_code != 200:
            return response
        path = request.path
        if path.startswith(root + "assets/") and "m" in request.args:
            response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
        elif path == root + "_favicon.ico" or path.startswith(root + "assets/topojson/"):
            response.headers["Cache-Control"] = "public, max-age=86400"  # not fingerprinted
        elif path in revalidated and not response.is_streamed:
            etag = hashlib.sha256(response.get_data()).hexdigest()[:20]
            response.headers["Cache-Control"] = "no-cache"
            response.set_etag(etag)
            # The compressor appends ":br" or ":gzip" to the ETag the browser sends back.
            sent = [
                t.strip().strip('"').split(":")[0]
                for t in request.headers.get("If-None-Match", "").split(",")
            ]
            if etag in sent:
                return Response(
                    status=304, headers={"ETag": f'"{etag}"', "Cache-Control": "no-cache"}
                )
        return response
