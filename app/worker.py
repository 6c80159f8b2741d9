"""A gunicorn worker that reads each request whole before a thread sees it.

gunicorn's threaded worker hands a connection to a thread as soon as it has a byte to read; a
client that then sends the rest slowly, or never, holds that thread with no time limit, and
64 such clients stop a worker of 32 threads. This worker keeps the threaded worker (the app
runs on threads, programme shared by forked workers) but reads the request line, the headers
and a bounded part of the body on the worker's poller, without a thread, under deadlines:

- the headers within HEAD_SECONDS of the first byte (or of the connection), else 408 or
  a plain close; the body within BODY_SECONDS more;
- headers over MAX_HEAD_BYTES get 431, bodies over the app's limit 413 (the rest read and
  dropped, as the app does, so that the client sees the answer rather than a reset);
- what all connections being read hold together stays under BUFFER_BUDGET_BYTES (past it,
  503 to the one whose bytes would cross it);
- a request that follows another on the same connection (pipelined, already buffered) is
  read the same way, not handed to a thread;
- a thread never waits for the network: should it read (a request the parser reads on
  from, which the framing here thought whole), its reads stop at the body deadline;
- connections closed after an answer linger on the poller, not on the worker's main loop,
  and count against `worker_connections` until closed.

A stalled connection costs a socket and its bytes so far, until its deadline. TLS is not
handled here (terminate it in a proxy); with gunicorn's own TLS the plain threaded worker runs.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import time
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import Any

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import TConn, ThreadWorker

from app.guard import DRAINED_BYTES, MAX_BODY_BYTES
from app.uploads import SEND, UPLOAD_BODY_BYTES

HEAD_SECONDS = 5.0
BODY_SECONDS = 10.0
UPLOAD_SECONDS = 300.0  # a programme file (at most 20 MB) on a slow line
LINGER_SECONDS = 2.0
ACCEPT_PAUSE_SECONDS = 0.5  # after running out of file descriptors (should the limit not hold)
SWEEP_SECONDS = 0.25  # how often deadlines are checked (each check looks at every connection)
MAX_HEAD_BYTES = 64 * 1024
BUFFERED_BODY_BYTES = MAX_BODY_BYTES  # every body the app takes is read here whole
BUFFER_BUDGET_BYTES = 256 * 1024 * 1024  # all requests being read by one worker, together
LINE_BYTES = 1024  # a chunk-size line, or trailers, longer than this is the parser's to refuse
_HEX = frozenset(b"0123456789abcdefABCDEF")
_READ = 65536


class Frame(Enum):
    """Where a request's bytes stand."""

    MORE = "more"  # wait for more bytes
    READY = "ready"  # hand it to a thread (complete, or malformed: the parser answers)
    BAD = "400"  # framing no parser could read on from (an endless chunk-size line)
    HEAD_TOO_LARGE = "431"
    BODY_TOO_LARGE = "413"


@dataclass
class RequestFrame:
    """The bytes of one HTTP/1.x request as they arrive, and whether they are all there.

    Each byte is looked at once: `feed` goes on from where the last call stopped."""

    max_body: int = MAX_BODY_BYTES
    max_head: int = MAX_HEAD_BYTES
    buffered_body: int = BUFFERED_BODY_BYTES
    data: bytearray = field(default_factory=bytearray)
    body_start: int | None = None
    length: int | None = None
    chunked: bool = False
    scan: int = 0
    body_seen: int = 0
    expects_continue: bool = False  # the client waits for "100 Continue" before its body
    body_seconds: float = BODY_SECONDS

    def feed(self, chunk: bytes) -> Frame:
        searched = max(0, len(self.data) - 3)
        self.data += chunk
        if self.body_start is None:
            end = self.data.find(b"\r\n\r\n", searched)
            bare = self.data.find(b"\n\n", searched)
            if bare >= 0 and (end < 0 or bare < end):
                return Frame.READY  # bare LF: gunicorn's parser refuses it at once
            if end < 0 or end + 4 > self.max_head:
                too_large = len(self.data) > self.max_head
                return Frame.HEAD_TOO_LARGE if too_large else Frame.MORE
            self.body_start = self.scan = end + 4
            verdict = self._head(bytes(self.data[:end]))
            if verdict is not None:
                return verdict
        return self._body()

    def _head(self, head: bytes) -> Frame | None:
        lengths: list[bytes] = []
        codings: list[bytes] = []
        lines = head.split(b"\r\n")
        target = lines[0].split(b" ")[1] if lines[0].count(b" ") == 2 else b""
        if lines[0].startswith(b"POST ") and target.split(b"?")[0].endswith(b"/" + SEND.encode()):
            # An uploaded programme: up to 20 MB, read here whole, with time for a slow line.
            self.max_body = self.buffered_body = UPLOAD_BODY_BYTES
            self.body_seconds = UPLOAD_SECONDS
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or line[:1] in (b" ", b"\t"):
                return Frame.READY  # malformed or folded: gunicorn's parser answers 400
            name = name.strip().lower()
            if name == b"content-length":
                lengths.append(value.strip())
            elif name == b"transfer-encoding":
                codings.extend(part.strip().lower() for part in value.split(b","))
            elif name == b"expect" and lines[0].endswith(b"HTTP/1.1"):
                self.expects_continue = value.strip().lower() == b"100-continue"
        if codings:
            if lengths or codings[-1] != b"chunked":
                return Frame.READY  # ambiguous framing: the parser refuses it
            self.chunked = True
            return None
        if not lengths:
            return Frame.READY  # no body
        if len(set(lengths)) != 1 or not lengths[0].isdigit() or len(lengths[0]) > 18:
            return Frame.READY
        self.length = int(lengths[0])
        if self.length > self.max_body:
            return Frame.BODY_TOO_LARGE
        return None

    def _body(self) -> Frame:
        assert self.body_start is not None
        got = len(self.data) - self.body_start
        if self.length is not None:
            complete = got >= self.length or got >= self.buffered_body
            return Frame.READY if complete else Frame.MORE
        while True:  # chunked: size line, data, CRLF; a 0 chunk, trailers, CRLF
            line_end = self.data.find(b"\r\n", self.scan)
            if line_end < 0:
                if len(self.data) - self.scan > LINE_BYTES:
                    return Frame.BAD
                break
            size_text = bytes(self.data[self.scan : line_end]).split(b";")[0].strip()
            if not size_text or len(size_text) > 16 or not set(size_text) <= _HEX:
                return Frame.READY
            size = int(size_text, 16)
            if self.body_seen + size > self.max_body:
                return Frame.BODY_TOO_LARGE
            if size == 0:
                if self.data.find(b"\r\n\r\n", line_end) >= 0:
                    return Frame.READY
                if len(self.data) - line_end > LINE_BYTES:
                    return Frame.BAD
                break
            after = line_end + 2 + size + 2
            if len(self.data) < after:
                break
            self.scan = after
            self.body_seen += size
        return Frame.READY if got >= self.buffered_body else Frame.MORE


def refusal(status: int) -> bytes:
    """The whole answer to a request refused before the app saw it (plain text, closing)."""
    texts = {
        400: ("Bad Request", "Ugyldig forespørsel."),
        408: ("Request Timeout", "Forespørselen kom ikke fram i tide."),
        503: ("Service Unavailable", "Tjeneren er opptatt. Prøv igjen om litt."),
        413: ("Content Too Large", f"For stor forespørsel: over {MAX_BODY_BYTES / 1e6:.0f} MB."),
        431: ("Request Header Fields Too Large", "For store overskrifter i forespørselen."),
    }
    reason, text = texts[status]
    body = text.encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class DeadlineSocket:
    """A client socket whose reads stop at `deadline` (monotonic seconds) when one is set;
    everything else is the socket's."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def recv(self, size: int, flags: int = 0) -> bytes:
        if self.deadline is None:
            return self._sock.recv(size, flags)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise NoMoreData(b"")  # gunicorn closes quietly: the client stopped sending
        before = self._sock.gettimeout()
        self._sock.settimeout(left)
        try:
            return self._sock.recv(size, flags)
        except TimeoutError:
            raise NoMoreData(b"") from None
        finally:
            self._sock.settimeout(before)


class BufferedConn(TConn):
    """A connection with the request bytes read so far and its deadline."""

    def __init__(self, worker: BufferingWorker, *args: Any) -> None:
        super().__init__(*args)
        self.worker = worker
        self.frame: RequestFrame | None = None
        self.read_by = 0.0
        self.buffered = b""

    def close(self, graceful: bool = False) -> None:
        if graceful:  # after a closing answer: linger on the poller, not on the main loop
            self.worker.linger(self, LINGER_SECONDS, 65536)
        else:
            super().close()


class BufferingWorker(ThreadWorker):
    """gunicorn's threaded worker, with requests read whole on the poller (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reading: dict[BufferedConn, None] = {}
        self.buffered_bytes = 0
        self.next_sweep = 0.0
        self.accept_paused_until = 0.0

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and time.monotonic() >= self.accept_paused_until)
        self.lingering: dict[BufferedConn, tuple[float, int]] = {}

    def accept(self, listener: socket.socket) -> None:
        if self.cfg.is_ssl:
            return super().accept(listener)
        try:
            sock, client = listener.accept()
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE):  # wait for some to close
                self.log.warning("out of file descriptors at %d connections", self.nr_conns)
                self.accept_paused_until = time.monotonic() + ACCEPT_PAUSE_SECONDS
                self.set_accept_enabled(False)
                return None
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return None
        self.nr_conns += 1
        conn = BufferedConn(self, self.cfg, DeadlineSocket(sock), client, listener.getsockname())
        self.read(conn)
        return None

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        if not isinstance(conn, BufferedConn):
            return super().on_client_socket_readable(conn, client)
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.read(conn)
        return None

    def read(self, conn: BufferedConn, buffered: bytes = b"") -> None:
        """Read the next request of `conn` on the poller, after the bytes already `buffered`
        (a pipelined request the last one's parser read ahead)."""
        conn.frame = RequestFrame()
        conn.read_by = time.monotonic() + HEAD_SECONDS
        conn.sock.setblocking(False)
        self.reading[conn] = None
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._arrived, conn))
        if buffered:
            self._take(conn, buffered)

    def finish_request(self, conn: TConn, fs: Any) -> None:
        """As gunicorn's, but a pipelined request already read ahead is read on like any
        other, not handed to a thread that would wait for the rest of it."""
        if isinstance(conn, BufferedConn) and self.alive and not fs.cancelled():
            kept = fs.exception() is None and fs.result() is True
            if kept and conn.parser is not None and conn.parser.unreader.buf.getvalue():
                self.read(conn, conn.parser.unreader.take_buffered())
                return None
        return super().finish_request(conn, fs)

    def _arrived(self, conn: BufferedConn, _sock: Any) -> None:
        if conn not in self.reading:
            return  # a stale event of the same poll (it was refused or timed out meanwhile)
        try:
            data = conn.sock.recv(_READ)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._stop_reading(conn)
            self.nr_conns -= 1
            conn.close()
            return
        self._take(conn, data)

    def _take(self, conn: BufferedConn, data: bytes) -> None:
        frame = conn.frame
        assert frame is not None
        if self.buffered_bytes + len(data) > BUFFER_BUDGET_BYTES:
            self._refuse(conn, 503)
            return
        had_head = frame.body_start is not None
        verdict = frame.feed(data)
        self.buffered_bytes += len(data)
        if verdict is Frame.MORE:
            if not had_head and frame.body_start is not None:
                conn.read_by = time.monotonic() + frame.body_seconds
                if frame.expects_continue:  # (gunicorn may send another: clients take both)
                    with contextlib.suppress(OSError):
                        conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        if verdict is Frame.READY:
            conn.buffered = self._stop_reading(conn)
            conn.data_ready = True
            self.enqueue_req(conn)
        elif verdict is Frame.HEAD_TOO_LARGE:
            self._refuse(conn, 431)
        elif verdict is Frame.BAD:
            self._refuse(conn, 400)
        else:  # read and drop the body as the app does, so the client gets to read the 413
            self._refuse(conn, 413, BODY_SECONDS, DRAINED_BYTES)

    def _stop_reading(self, conn: BufferedConn) -> bytes:
        """Take `conn` off the poller; the bytes it had read."""
        self.reading.pop(conn, None)
        data = bytes(conn.frame.data) if conn.frame is not None else b""
        conn.frame = None
        self.buffered_bytes -= len(data)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        return data

    def _refuse(
        self,
        conn: BufferedConn,
        status: int,
        seconds: float = LINGER_SECONDS,
        drained: int = 65536,
    ) -> None:
        """Answer `status` to a request being read, as far as the socket takes it now (the
        answer is short), and close after lingering."""
        self._stop_reading(conn)
        self.nr_conns -= 1
        with contextlib.suppress(OSError):
            conn.sock.send(refusal(status))
        self.linger(conn, seconds, drained)

    def handle(self, conn: TConn) -> Any:
        if not isinstance(conn, BufferedConn):
            return super().handle(conn)
        conn.sock.deadline = time.monotonic() + BODY_SECONDS
        try:
            if conn.buffered:
                conn.sock.setblocking(True)
                conn.init()
                conn.parser.unreader.unread(conn.buffered)
                conn.buffered = b""
            return super().handle(conn)
        finally:
            conn.sock.deadline = None

    def linger(self, conn: BufferedConn, seconds: float, drained: int) -> None:
        """Close `conn` after its peer has stopped sending: read and drop up to `drained`
        bytes for up to `seconds`, so that an answer already sent is not cut by a reset."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._drain, conn))
        except (OSError, ValueError, KeyError):
            TConn.close(conn)
            return
        self.nr_conns += 1  # its socket is open until the linger ends: it counts
        self.lingering[conn] = (time.monotonic() + seconds, drained)

    def _drain(self, conn: BufferedConn, _sock: Any) -> None:
        if conn not in self.lingering:
            return  # a stale event of the same poll (the linger ended meanwhile)
        until, left = self.lingering[conn]
        try:
            data = conn.sock.recv(_READ)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data and len(data) < left:
            self.lingering[conn] = (until, left - len(data))
            return
        self._end_linger(conn)

    def _end_linger(self, conn: BufferedConn) -> None:
        if self.lingering.pop(conn, None) is not None:
            self.nr_conns -= 1
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        TConn.close(conn)

    def murder_keepalived(self, force: bool = False) -> None:
        super().murder_keepalived(force)
        now = time.monotonic()
        if not force and now < self.next_sweep:
            return
        self.next_sweep = now + SWEEP_SECONDS
        for conn in [c for c in self.reading if force or c.read_by <= now]:
            if conn.frame is not None and conn.frame.data:
                self._refuse(conn, 408)
            else:  # never said a word: nobody to answer
                self._stop_reading(conn)
                self.nr_conns -= 1
                TConn.close(conn)
        for conn in [c for c, (until, _) in self.lingering.items() if force or until <= now]:
            self._end_linger(conn)
