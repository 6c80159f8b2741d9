"""A scripted HTTP server on 127.0.0.1, the base of the API stand-ins: tests script failures per
path (HTTP errors before success, delays, malformed JSON) and count the requests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


class ScriptedServer:
    prefix = ""

    def __init__(self) -> None:
        self.fail_first: dict[str, list[int]] = {}  # path -> statuses to answer first
        self.delay: dict[str, float] = {}  # path -> seconds before answering
        self.malformed: set[str] = set()  # paths answered with broken JSON
        self.trickle: set[str] = set()  # paths answered one byte every 50 ms
        self.oversized: dict[str, int] = {}  # path -> bytes of filler sent as the answer
        self.requests: Counter = Counter()
        self.user_agents: set[str] = set()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def route(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        """The answer of the API itself (subclasses)."""
        raise NotImplementedError

    def answer(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        self.requests[path] += 1
        if self.fail_first.get(path):
            return self.fail_first[path].pop(0), b'{"feil": "intern feil"}'
        if path in self.delay:
            time.sleep(self.delay[path])
        if path in self.malformed:
            return 200, b'{"kommunenummer": "31'
        return self.route(method, path, body)

    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                standin.user_agents.add(self.headers.get("User-Agent", ""))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlparse(self.path).path
                status, answer = standin.answer(method, path, body)
                if path in standin.oversized:
                    answer = b" " * standin.oversized[path]
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    if path in standin.trickle:
                        for k in range(len(answer)):
                            self.wfile.write(answer[k : k + 1])
                            self.wfile.flush()
                            time.sleep(0.05)
                    else:
                        self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
