"""The README's commands (gunicorn with app/gunicorn_conf.py, and `tiltakskart serve`) as
real servers: stalled connections do not stop them; oversized requests get 4xx."""

from __future__ import annotations

import os
import re
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
STALLED_CONNECTIONS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COMMANDS = {  # the README's two ways to run the app
    "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_conf"],
    "serve": [sys.executable, "-m", "app.cli", "serve"],
}


def start_server(
    command: list[str],
    port: int,
    tmp_path_factory,
    preexec_fn=None,
    env_extra: dict[str, str] | None = None,
) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env.update(
        TILTAKSKART_BOUNDARIES=str(ROOT.parent / "shared/kommuner/ostfold-kommuner-2024.geojson"),
        TILTAKSKART_API_URL="off",
        TILTAKSKART_SSB_URL="off",
        TILTAKSKART_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
        # Production refuses to start without a strong secret; its database in a folder of
        # the test's own.
        TILTAKSKART_SECRET_KEY=os.environ["TILTAKSKART_SECRET_KEY"],
        TILTAKSKART_DATA_DIR=str(tmp_path_factory.mktemp("data")),
        **(env_extra or {}),
    )
    if command[-1] == "serve":
        command = [*command, "--port", str(port)]
    else:
        command = [*command, "--bind", f"127.0.0.1:{port}", "app.wsgi:server"]
    log = tmp_path_factory.mktemp("log") / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, preexec_fn=preexec_fn
        )
    server.log_path = log  # type: ignore[attr-defined]
    for _ in range(600):
        assert server.poll() is None, log.read_text()
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError(log.read_text())


@pytest.fixture(scope="module", params=sorted(COMMANDS))
def running(request, tmp_path_factory, shared_kommuner):
    """The app as the README starts it (only the address differs), offline."""
    port = free_port()
    server = start_server(COMMANDS[request.param], port, tmp_path_factory)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


# What stalled connections send before they wait, and the answers each must get once its
# deadline has passed: 408 for part of a request, a close for nothing at all, 413 at once for
# a chunk that is over the limit by its size alone; a whole request and part of the next gets
# its 200 and then the 408 (the part was read on the poller, not by a thread left waiting).
STALLS = {
    "part of the headers": (b"GET / HTTP/1.1\r\nHost: x\r\nUser-Ag", ["408"]),
    "headers and part of a body": (
        b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
        ["408"],
    ),
    "nothing": (b"", []),
    "a chunk size no body reaches": (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
        ["413"],
    ),
    "a TLS ClientHello": (bytes.fromhex("160301006e0100006a0303") + bytes(32), ["408"]),
    "a whole request and part of the next": (
        b"GET /_favicon.ico HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHo",
        ["200", "408"],
    ),
}


def statuses(answer: bytes | None) -> list[str] | None:
    return None if answer is None else re.findall(r"HTTP/1\.1 (\d{3}) ", answer.decode("latin-1"))


def answer_of(sock: socket.socket, seconds: float) -> bytes | None:
    """What the server sends on `sock` up to its close (None: still open after `seconds`)."""
    sock.settimeout(seconds)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return data


def test_stalled_connections_do_not_stop_the_server(running):
    """500 connections that send part of a request (or nothing) and wait: a normal client is
    answered all along, and every stalled one is answered and closed by its deadline (a few
    seconds) instead of being held; before issue 17, 200 of them stopped the server."""
    host, port = running.removeprefix("http://").split(":")
    kinds = list(STALLS)
    stalled = []
    try:
        for k in range(STALLED_CONNECTIONS):
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(STALLS[kinds[k % len(kinds)]][0])
            stalled.append((kinds[k % len(kinds)], sock))
        answered = []
        for path in ["/", "/_dash-layout", "/_dash-dependencies", "/presentasjon"] * 10:
            try:
                answered.append(requests.get(running + path, timeout=10).status_code)
            except requests.RequestException as exc:
                answered.append(type(exc).__name__)
        assert answered == [200] * 40
        # Every stalled connection is answered and closed by the server, none held open:
        # waited for generously (the deadlines are 5 s for headers, 10 s more for a body).
        outcomes: dict[str, set] = {kind: set() for kind in kinds}
        until = time.monotonic() + 60
        for kind, sock in stalled:
            answer = answer_of(sock, max(0.1, until - time.monotonic()))
            found = statuses(answer)
            outcomes[kind].add(None if found is None else tuple(found))
        assert outcomes == {kind: {tuple(STALLS[kind][1])} for kind in kinds}
    finally:
        for _, sock in stalled:
            sock.close()


def test_oversized_requests_get_4xx(running):
    production = running
    assert requests.get(production + "/?q=" + "x" * 5000, timeout=10).status_code == 414
    big = b" " * 2_000_001
    response = requests.post(
        production + "/_dash-update-component",
        data=big,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 413
    # Larger bodies, announced or sent in chunks, get the 413 too, not a reset.
    for size in (5_000_000, 10_000_000):
        response = requests.post(
            production + "/_dash-update-component",
            data=b" " * size,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 413, size
    chunked = requests.post(
        production + "/_dash-update-component",
        data=iter([b" " * 65536] * 48),  # 3 MB with no length announced
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert chunked.status_code == 413
    headers = {f"X-{k}": "v" for k in range(150)}
    assert requests.get(production + "/", headers=headers, timeout=10).status_code == 431


def test_a_client_that_waits_for_100_continue_gets_it(running):
    """Clients that send `Expect: 100-continue` (curl, for large bodies) wait for it before
    the body; the worker reads bodies before the app sees them, so it must say it."""
    host, port = running.removeprefix("http://").split(":")
    body = b'{"output": "x"}'
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
            b"\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body)
        )
        assert sock.recv(25).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        answer = answer_of(sock, 30) or b""
    final = answer.replace(b"HTTP/1.1 100 Continue\r\n\r\n", b"")
    assert final.startswith(b"HTTP/1.1 400 "), final[:200]
    assert b"Ugyldig foresp" in final


def test_connections_closing_count_until_closed_so_a_worker_never_runs_out_of_files(
    tmp_path_factory,
):
    """Refused requests are closed after a linger (so the client reads the refusal); those
    sockets count against the connection limit. With 600 files per process and 2 000
    connections announcing a body over the limit, the workers stop accepting at their limit
    instead of running out of files (they used to die of it, dropping every connection)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < 4096:  # this side holds them all
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    port = free_port()

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (600, 600))

    server = start_server(COMMANDS["gunicorn"], port, tmp_path_factory, preexec_fn=few_files)
    held = []
    try:
        for _ in range(2000):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9000000\r\n\r\n")
            held.append(sock)
        time.sleep(2)
        for sock in held:
            sock.close()
        held.clear()
        answered = None
        for _ in range(120):  # the lingering ones close within 10 s; poll generously
            try:
                answered = requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code
                break
            except requests.RequestException:
                time.sleep(0.5)
        assert answered == 200
        assert server.poll() is None
        log = server.log_path.read_text()
        assert "Too many open files" not in log and "exited with code" not in log, log[-2000:]
        assert "out of file descriptors" not in log  # the limit was kept, not hit
    finally:
        for sock in held:
            sock.close()
        server.terminate()
        server.wait(timeout=30)
