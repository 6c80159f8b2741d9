"""The fetcher against real servers on 127.0.0.1: unreachable, slow, trickling, oversized,
failing and recovering."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from geo.errors import FetchError
from geo.fetch.http import Fetcher


class Server:
    """A scripted HTTP server: `script` is a list of handlers, one per request (last repeats)."""

    def __init__(self, *script):
        self.script = list(script)
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                step = outer.script[min(outer.requests, len(outer.script) - 1)]
                outer.requests += 1
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    step(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/x"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def answer(status=200, body=b'{"ok": true}', length=True):
    def step(handler):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        if length:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return step


def trickle(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    handler.wfile.write(b"[")
    for _ in range(200):  # one byte every 50 ms: never a read timeout, never done
        handler.wfile.write(b"1,")
        handler.wfile.flush()
        time.sleep(0.05)


@pytest.fixture
def server(request):
    made = []

    def make(*script):
        made.append(Server(*script))
        return made[-1]

    yield make
    for s in made:
        s.close()


def fetcher(**kw):
    return Fetcher(**{"retries": 2, "backoff": 0.01, "read_timeout": 2.0, **kw})


@pytest.fixture
def blackhole():
    """A port whose listen queue is full: new connections hang, as on an unreachable network."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):  # fill the accept queue (never accepted)
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/kommuneinfo/v1"
    for s in fillers:
        s.close()
    listener.close()


def test_unreachable_network_is_one_quick_attempt(blackhole):
    f = fetcher(connect_timeout=0.5)
    with pytest.raises(FetchError, match=r"cannot connect \(no connection within 0.5 s\)"):
        f.get_json(blackhole + "/fylker/31")
    assert f.attempts == 1  # no retries before any server has answered


def test_unknown_host_fails_at_once():
    f = fetcher()
    with pytest.raises(FetchError, match="host name not resolved"):
        f.get_json("http://tiltakskart-test.invalid/x")
    assert f.attempts == 1


def test_refused_connection_is_not_retried():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    f = fetcher()
    with pytest.raises(FetchError, match="connection refused"):
        f.get_json(f"http://127.0.0.1:{port}/x")
    assert f.attempts == 1


def test_server_errors_are_retried_once_the_server_has_answered(server):
    s = server(answer(503), answer(500), answer(200))
    assert fetcher().get_json(s.url) == {"ok": True}
    assert s.requests == 3


def test_persistent_errors_name_the_last_status(server):
    s = server(answer(502), answer(503), answer(500))
    with pytest.raises(FetchError, match="HTTP 500"):
        fetcher().get_json(s.url)


def test_client_errors_are_not_retried(server):
    s = server(answer(404))
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher().get_json(s.url)
    assert s.requests == 1


def test_a_trickling_answer_is_cut_at_the_deadline(server):
    s = server(trickle)
    started = time.monotonic()
    with pytest.raises(FetchError, match="no complete answer within 1 s"):
        fetcher(request_deadline=1.0).get_json(s.url)
    assert time.monotonic() - started < 8  # not the 10 s the server would take


@pytest.mark.parametrize("length", [True, False])
def test_an_oversized_answer_is_refused(server, length):
    s = server(answer(body=b'{"a": "' + b"x" * 200_000 + b'"}', length=length))
    with pytest.raises(FetchError, match=r"larger than 0\.1 MB; refused"):
        fetcher(max_bytes=100_000).get_json(s.url)


def test_the_command_budget_covers_all_requests(server):
    s = server(answer(200))
    f = fetcher(command_deadline=0.3)
    f.get_json(s.url)
    time.sleep(0.35)
    with pytest.raises(FetchError, match=r"all requests together took over 0\.3 s"):
        f.get_json(s.url)


def test_malformed_json_is_a_clear_error(server):
    s = server(answer(body=b'{"kommunenummer": "31'))
    with pytest.raises(FetchError, match="not valid JSON"):
        fetcher().get_json(s.url)


def test_user_agent_names_the_tool(server):
    seen = []

    def record(handler):
        seen.append(handler.headers.get("User-Agent"))
        answer()(handler)

    fetcher().get_json(server(record).url)
    assert seen[0].startswith("tiltakskart/")
