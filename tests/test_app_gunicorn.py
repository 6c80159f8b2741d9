"""The README's production command (gunicorn with app/gunicorn_conf.py) as a real server:
slow clients holding connections do not stop other requests; oversized requests get 4xx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SLOW_CLIENTS = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def production(tmp_path_factory, shared_kommuner):
    """gunicorn as the README starts it (only the address differs), offline."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILTAKSKART_")}
    env.update(
        TILTAKSKART_BOUNDARIES=str(shared_kommuner / "ostfold-kommuner-2024.geojson"),
        TILTAKSKART_API_URL="off",
        TILTAKSKART_SSB_URL="off",
        TILTAKSKART_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
    )
    log = tmp_path_factory.mktemp("log") / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_conf"]
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}", "app.wsgi:server"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            assert server.poll() is None, log.read_text()
            try:
                if requests.get(url + "/", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_slow_clients_do_not_block_other_requests(production):
    host, port = production.removeprefix("http://").split(":")
    slow = []
    try:
        for _ in range(SLOW_CLIENTS):  # each sends half a request and then nothing
            sock = socket.create_connection((host, int(port)))
            sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Le")
            slow.append(sock)
        time.sleep(0.5)
        answered = []
        for path in ["/", "/_dash-layout", "/_dash-dependencies", "/presentasjon"] * 5:
            # far below the worker timeout (30 s), which is when a blocked sync worker is freed
            answered.append(requests.get(production + path, timeout=15).status_code)
        assert answered == [200] * 20
        for sock in slow:  # still held open: the server did not just drop them
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in slow:
            sock.close()


def test_oversized_requests_get_4xx(production):
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
