"""app/worker.py's framing: when the bytes of a request are all there, however they arrive."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.worker import BUFFERED_BODY_BYTES, MAX_HEAD_BYTES, Frame, RequestFrame, refusal

GET = b"GET /?a=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"
POST = (
    b'POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n{"a":\n\n[1]}\n'
)
CHUNKED = (
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
    b"5;ext=1\r\nhello\r\n1\r\n \r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n"
)


def verdicts(request: bytes, cuts: list[int]) -> list[Frame]:
    frame = RequestFrame()
    edges = [0, *sorted(set(cuts)), len(request)]
    return [frame.feed(request[a:b]) for a, b in itertools.pairwise(edges) if b > a]


@pytest.mark.parametrize(
    "request_bytes", [GET, POST, CHUNKED, CHUNKED.replace(b"X-Trailer: 1\r\n", b"")]
)
def test_a_request_is_ready_at_its_last_byte_and_not_before(request_bytes):
    for end in range(1, len(request_bytes)):
        assert RequestFrame().feed(request_bytes[:end]) is Frame.MORE, end
    assert RequestFrame().feed(request_bytes) is Frame.READY


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([GET, POST, CHUNKED]),
    st.lists(st.integers(min_value=1, max_value=len(CHUNKED) - 1), max_size=12),
)
def test_however_a_request_is_cut_it_is_ready_exactly_when_whole(request_bytes, cuts):
    cuts = [c for c in cuts if c < len(request_bytes)]
    seen = verdicts(request_bytes, cuts)
    assert seen[-1] is Frame.READY
    assert all(v is Frame.MORE for v in seen[:-1])


def test_bodies_over_the_limit_are_refused_as_soon_as_that_is_known():
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000001\r\n\r\n"
    assert RequestFrame().feed(head) is Frame.BODY_TOO_LARGE
    chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n"
    assert RequestFrame().feed(chunked) is Frame.BODY_TOO_LARGE
    frame = RequestFrame(max_body=100)
    assert frame.feed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") is Frame.MORE
    for _ in range(3):
        assert frame.feed(b"20\r\n" + b"x" * 32 + b"\r\n") is Frame.MORE
    assert frame.feed(b"20\r\n") is Frame.BODY_TOO_LARGE  # 128 > 100, before the data comes


def test_headers_over_the_limit_are_refused():
    assert RequestFrame().feed(b"GET / HTTP/1.1\r\nX: " + b"a" * MAX_HEAD_BYTES) is (
        Frame.HEAD_TOO_LARGE
    )
    frame = RequestFrame()
    assert frame.feed(b"GET / HTTP/1.1\r\n") is Frame.MORE
    for _ in range(MAX_HEAD_BYTES // 1000):
        assert frame.feed(b"X: " + b"a" * 995 + b"\r\n") is Frame.MORE
    assert frame.feed(b"X: " + b"a" * 995 + b"\r\n") is Frame.HEAD_TOO_LARGE


@pytest.mark.parametrize(
    "head",
    [
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        b"POST / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST / HTTP/1.1\nHost: x\nContent-Length: 5\n\n",  # bare LF
        b"POST / HTTP/1.1\r\nX: 1\r\n Content-Length: 100\r\n\r\n",  # folded
    ],
)
def test_malformed_framing_goes_to_the_parser_at_once(head):
    """gunicorn's parser refuses these with a 400; waiting for a body would only hold them."""
    assert RequestFrame().feed(head) is Frame.READY


def test_a_body_is_read_whole_up_to_the_limit():
    """No thread waits for a body: every body the app takes (up to 2 MB) is read here."""
    assert BUFFERED_BODY_BYTES >= 2_000_000
    head = b"POST / HTTP/1.1\r\nContent-Length: 1999999\r\n\r\n"
    frame = RequestFrame()
    assert frame.feed(head + b" " * 1_999_998) is Frame.MORE
    assert frame.feed(b" ") is Frame.READY


def test_framing_no_parser_could_read_on_from_is_refused():
    """A chunk-size line (or trailers) that never ends: a thread would wait on it."""
    start = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert RequestFrame().feed(start + b"1" * 1025) is Frame.BAD
    assert RequestFrame().feed(start + b"0\r\nX: " + b"a" * 1100) is Frame.BAD


def test_many_tiny_chunks_are_scanned_once():
    """2 MB of one-byte chunks, fed 1 kB at a time, is read to the end (each byte once:
    the scan goes on where it stopped, or this would take minutes)."""
    body = b"1\r\nx\r\n" * 300_000 + b"0\r\n\r\n"
    data = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    frame = RequestFrame(buffered_body=len(data))
    seen = [frame.feed(data[i : i + 1024]) for i in range(0, len(data), 1024)]
    assert seen[-1] is Frame.READY and set(seen[:-1]) == {Frame.MORE}
    assert frame.body_seen == 300_000


@pytest.mark.parametrize("status", [408, 413, 431, 503])
def test_refusals_are_plain_text_that_closes(status):
    answer = refusal(status)
    head, body = answer.split(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"Connection: close" in head and b"text/plain; charset=utf-8" in head
    assert f"Content-Length: {len(body)}".encode() in head
    assert body.decode("utf-8")  # Norwegian text, whole


def test_an_uploaded_programme_may_be_20_mb_and_take_its_time():
    """POSTs to the upload route (under any prefix) take up to 21 MB, read whole, with five
    minutes for the body; everything else keeps the 2 MB limit."""
    upload = (
        b"POST /program/31-2025/programmer/last-opp HTTP/1.1\r\nContent-Length: 20000000\r\n\r\n"
    )
    frame = RequestFrame()
    assert frame.feed(upload) is Frame.MORE
    assert frame.body_seconds == 300.0 and frame.buffered_body >= 20_000_000
    assert frame.feed(b"x" * 20_000_000) is Frame.READY
    too_big = upload.replace(b"20000000", b"21000001")
    assert RequestFrame().feed(too_big) is Frame.BODY_TOO_LARGE
    other = b"POST /brukere HTTP/1.1\r\nContent-Length: 20000000\r\n\r\n"
    assert RequestFrame().feed(other) is Frame.BODY_TOO_LARGE
