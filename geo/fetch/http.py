"""HTTP for the project's web APIs (Kartverket, SSB): bounded in time and size, polite, logged.

- An unreachable network fails fast: host names are resolved within the connect timeout, and
  until a server has answered once, a connection failure is not retried (one quick attempt).
- Once a server has answered, 5xx/429 answers, read timeouts and dropped connections are
  retried with exponential back-off.
- Every request has an overall deadline (a server that trickles its answer is cut off) and
  every fetcher a budget for all its requests; answers larger than `max_bytes` are refused.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import requests

from geo.errors import FetchError
from geo.settings import Settings

log = logging.getLogger(__name__)
CHUNK = 65536
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        own = version("tiltakskart")
    except PackageNotFoundError:
        own = "dev"
    return f"tiltakskart/{own} (municipal measure maps; python-requests)"


class _Retry(Exception):
    """An attempt failed in a way worth another try (the message says how)."""


@dataclass
class Fetcher:
    """GET and POST JSON under the limits of one command (see the module docstring)."""

    connect_timeout: float = 1.5
    read_timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    request_deadline: float = 60.0
    command_deadline: float = 300.0
    max_bytes: int = 50_000_000
    session: requests.Session = field(default_factory=requests.Session)
    reached: bool = False  # a server has answered: from now on failures are retried
    attempts: int = 0
    _started: float = field(default_factory=time.monotonic)
    _resolved: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.session.headers.update({"User-Agent": user_agent(), "Accept": "application/json"})

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> Fetcher:
        values: dict[str, Any] = {
            "connect_timeout": settings.connect_timeout,
            "read_timeout": settings.read_timeout,
            "retries": settings.retries,
            "backoff": settings.backoff,
            "request_deadline": settings.request_deadline,
            "command_deadline": settings.command_deadline,
            "max_bytes": settings.max_response_bytes,
        }
        return cls(**{**values, **overrides})

    # --- public -------------------------------------------------------------------------------

    def get_json(self, url: str) -> Any:
        return _decode(url, self.request("GET", url))

    def post_json(self, url: str, body: Any) -> Any:
        return _decode(url, self.request("POST", url, body))

    def request(self, method: str, url: str, body: Any = None) -> bytes:
        """The body of a 200 answer, or FetchError naming what went wrong."""
        deadline = min(
            time.monotonic() + self.request_deadline, self._started + self.command_deadline
        )
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                pause = self.backoff * 2 ** (attempt - 1)
                if time.monotonic() + pause >= deadline:
                    break
                log.info("%s; retrying %s in %.1f s", last, url, pause)
                time.sleep(pause)
            if time.monotonic() >= deadline:
                break
            try:
                return self._attempt(method, url, body, deadline)
            except _Retry as exc:
                last = str(exc)
        if time.monotonic() >= deadline:
            raise FetchError(self._deadline_reason(), value=url)
        raise FetchError(last or "gave up", value=url)

    # --- one attempt ----------------------------------------------------------------------------

    def _deadline_reason(self) -> str:
        if time.monotonic() >= self._started + self.command_deadline:
            return f"gave up: all requests together took over {self.command_deadline:g} s"
        return f"no complete answer within {self.request_deadline:g} s"

    def _attempt(self, method: str, url: str, body: Any, deadline: float) -> bytes:
        self.attempts += 1
        self._resolve(url)
        log.info("%s %s", method, url)
        box: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            try:
                box["value"] = self._exchange(method, url, body, deadline)
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc
            finally:
                done.set()

        # The exchange runs in a daemon thread so that the deadline holds even while a server
        # trickles its headers; the thread stops on its own at the next chunk or timeout.
        threading.Thread(target=work, name="tiltakskart-fetch", daemon=True).start()
        if not done.wait(max(0.0, deadline - time.monotonic())):
            raise FetchError(self._deadline_reason(), value=url)
        if "error" in box:
            raise box["error"]
        status, content = box["value"]
        self.reached = True
        if status == 200:
            return content
        if status in RETRY_STATUSES:
            raise _Retry(f"HTTP {status}")
        raise FetchError(f"HTTP {status}", value=url)

    def _resolve(self, url: str) -> None:
        """Resolve the host within the connect timeout (the resolver has no timeout of its own)."""
        host = urlparse(url).hostname or ""
        if host in self._resolved:
            return
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                socket.getaddrinfo(host, None)
                box["ok"] = True
            except OSError as exc:
                box["error"] = exc

        thread = threading.Thread(target=work, name="tiltakskart-resolve", daemon=True)
        thread.start()
        thread.join(self.connect_timeout)
        if box.get("ok"):
            self._resolved.add(host)
            return
        reason = "host name not resolved" if "error" in box else "no DNS answer in time"
        self._connection_failed(url, f"{reason}; no network?")

    def _connection_failed(self, url: str, reason: str) -> None:
        if self.reached:
            raise _Retry(f"cannot connect ({reason})")
        raise FetchError(f"cannot connect ({reason})", value=url)

    def _exchange(self, method: str, url: str, body: Any, deadline: float) -> tuple[int, bytes]:
        try:
            response = self.session.request(
                method,
                url,
                json=body,
                timeout=(self.connect_timeout, self.read_timeout),
                stream=True,
                allow_redirects=True,
            )
        except requests.exceptions.ConnectTimeout:
            self._connection_failed(url, f"no connection within {self.connect_timeout:g} s")
            raise  # not reached: _connection_failed raises
        except requests.exceptions.ReadTimeout:
            raise _Retry(f"no answer within {self.read_timeout:g} s") from None
        except requests.exceptions.ConnectionError as exc:
            self._connection_failed(url, _reason(exc))
            raise
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"request failed ({_reason(exc)})", value=url) from None
        with response:
            length = response.headers.get("Content-Length", "")
            if length.isascii() and length.isdigit() and int(length) > self.max_bytes:
                raise FetchError(self._too_large(), value=url)
            chunks, size = [], 0
            try:
                while chunk := response.raw.read1(CHUNK, decode_content=True):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(self._too_large(), value=url)
                    if time.monotonic() >= deadline:
                        raise FetchError(self._deadline_reason(), value=url)
                    chunks.append(chunk)
            except FetchError:
                raise
            except (requests.exceptions.RequestException, OSError) as exc:
                raise _Retry(f"the answer broke off ({_reason(exc)})") from None
            except Exception as exc:  # urllib3's ProtocolError, ReadTimeoutError, DecodeError
                if "timed out" in str(exc).lower():
                    raise _Retry(f"no answer within {self.read_timeout:g} s") from None
                raise _Retry(f"the answer broke off ({_reason(exc)})") from None
            return response.status_code, b"".join(chunks)

    def _too_large(self) -> str:
        return f"the answer is larger than {self.max_bytes / 1e6:g} MB; refused"


def _decode(url: str, content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        raise FetchError("the answer is not valid JSON", value=url) from None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for needle, reason in (
        ("Failed to resolve", "host name not resolved; no network?"),
        ("Name or service not known", "host name not resolved; no network?"),
        ("Connection refused", "connection refused"),
        ("Network is unreachable", "network unreachable"),
        ("timed out", "timed out"),
    ):
        if needle in text:
            return reason
    first = text.splitlines()[0] if text else ""
    return first[:120] or type(exc).__name__
