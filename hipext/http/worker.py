"""gunicorn's threaded worker, handing a request to a thread only once it has arrived.

gunicorn's ``gthread`` worker reads a request in the thread that serves it, so a
client sending its headers or body a few bytes at a time holds a thread for as long
as it likes, and a handful of such clients hold them all (the sync worker is worse: one
holds the whole process). ``BufferingThreadWorker`` reads requests in the worker's
event loop instead, as a buffering proxy would: a connection reaches the thread pool
once its request line, headers and body are all in memory. A request that has not
arrived within ``GUNICORN_REQUEST_TIMEOUT`` seconds is dropped; headers over 64 KiB
get 431 and bodies over 4 MiB get 413, so buffering stays bounded per connection.
TLS and HTTP/2 (not configured here) keep gthread's own path.

It also accepts a new connection only while one of its threads is free. gthread
accepts whatever the listening socket offers, so a busy worker takes connections its
threads cannot serve yet while another worker idles; with kept-alive connections (a
load balancer's, or an app's) that lasts for the connections' whole life. A worker
whose threads are all busy leaves new connections in the kernel's queue for the
others. Requests on connections it already holds still queue for its threads, and
a request still arriving holds no thread, so slow clients cannot stop it accepting.
"""

import contextlib
import os
import re
import selectors
import time
from functools import partial

from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker

# Imported by the master with this worker class, so before it forks: every worker of
# the server shares one board of the newest content version seen.
import hipext.content.sharedhead  # noqa: F401

ARRIVAL_SECONDS = float(os.environ.get("GUNICORN_REQUEST_TIMEOUT", "10"))
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 4 * 1024 * 1024
RECV_BYTES = 64 * 1024

HEADERS_END = b"\r\n\r\n"
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*([^\r]*)", re.IGNORECASE)
TRANSFER_ENCODING = re.compile(rb"\r\ntransfer-encoding:", re.IGNORECASE)
EXPECT_CONTINUE = re.compile(
    rb"\r\nexpect:[ \t]*100-continue[ \t]*(?=\r\n)", re.IGNORECASE
)

INCOMPLETE = "incomplete"
# Complete, or framed in a way gunicorn's parser refuses: either way a thread answers
# at once without waiting for more bytes.
READY = "ready"
HEADERS_TOO_LARGE = b"431 Request Header Fields Too Large"
BODY_TOO_LARGE = b"413 Content Too Large"


class Arrival:
    """The bytes of one request received so far, and whether all of it has come."""

    def __init__(self, data=b""):
        self.data = bytearray(data)
        self.deadline = time.monotonic() + ARRIVAL_SECONDS
        self.body_start = None
        # The request's full length once known (Content-Length), or None if chunked.
        self.length = None
        self.chunked = False
        self.chunk_at = 0
        self.continue_sent = False

    def state(self):
        """INCOMPLETE, READY, or the status line of a refusal."""
        if self.body_start is None:
            end = self.data.find(HEADERS_END)
            if end < 0:
                return (
                    HEADERS_TOO_LARGE
                    if len(self.data) > MAX_HEADER_BYTES
                    else INCOMPLETE
                )
            if end > MAX_HEADER_BYTES:
                return HEADERS_TOO_LARGE
            self.body_start = end + len(HEADERS_END)
            head = bytes(self.data[: end + 2])
            if TRANSFER_ENCODING.search(head):
                self.chunked = True
                self.chunk_at = self.body_start
            else:
                found = CONTENT_LENGTH.search(head)
                size = found.group(1).strip() if found else b"0"
                if not size.isdigit():
                    return READY
                if int(size) > MAX_BODY_BYTES:
                    return BODY_TOO_LARGE
                self.length = self.body_start + int(size)
        if self.chunked:
            return self._chunks_state()
        return READY if len(self.data) >= self.length else INCOMPLETE

    def _chunks_state(self):
        while True:
            if self.chunk_at - self.body_start > MAX_BODY_BYTES:
                return BODY_TOO_LARGE
            line_end = self.data.find(b"\r\n", self.chunk_at)
            if line_end < 0:
                return INCOMPLETE
            size = bytes(self.data[self.chunk_at : line_end]).split(b";")[0].strip()
            try:
                size = int(size, 16)
            except ValueError:
                return READY
            if size == 0:
                # The last chunk: optional trailer fields, then an empty line.
                if self.data.startswith(b"\r\n", line_end + 2):
                    return READY
                trailers_end = self.data.find(HEADERS_END, line_end)
                return READY if trailers_end >= 0 else INCOMPLETE
            next_chunk = line_end + 2 + size + 2
            if len(self.data) < next_chunk:
                return INCOMPLETE
            self.chunk_at = next_chunk

    def request(self):
        """The bytes to hand to gunicorn's parser.

        Once this worker has said 100 Continue, the Expect field goes, so that
        gunicorn does not say it a second time after the body.
        """
        if not self.continue_sent:
            return bytes(self.data)
        head = EXPECT_CONTINUE.sub(b"", bytes(self.data[: self.body_start]), count=1)
        return head + bytes(self.data[self.body_start :])

    def expects_continue(self):
        """A 100-continue request whose headers are in and whose body is not."""
        return (
            self.body_start is not None
            and not self.continue_sent
            and EXPECT_CONTINUE.search(bytes(self.data[: self.body_start]))
            and b" HTTP/1.0\r\n" not in self.data[: self.data.find(b"\r\n") + 2]
        )


class BufferingThreadWorker(ThreadWorker):
    """gthread whose threads only ever see requests that have fully arrived."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Connections whose request is arriving, oldest first (dicts keep order).
        self.arriving = {}
        # Requests handed to the thread pool and not finished.
        self.in_threads = 0

    def set_accept_enabled(self, enabled):
        """Accept only while a thread is free.

        The run loop asks again on every turn while this differs from what it
        wants, so accepting resumes on the turn after a thread finishes.
        """
        super().set_accept_enabled(enabled and self.in_threads < self.cfg.threads)

    def _to_thread(self, conn):
        self.in_threads += 1
        if self.in_threads >= self.cfg.threads:
            super().set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.in_threads -= 1
        super().finish_request(conn, fs)

    def _buffers(self, conn):
        return not self.cfg.is_ssl and not negotiation.prior_knowledge_allowed(
            self.cfg, conn.client
        )

    def enqueue_req(self, conn):
        """Read the connection's next request in the event loop, then hand it over.

        Every path to the thread pool (a new connection, a kept-alive one turning
        readable, pipelined bytes left after a response) goes through here.
        """
        if not self._buffers(conn):
            self._to_thread(conn)
            return
        left_over = conn.parser.unreader.take_buffered() if conn.parser else b""
        conn.arrival = Arrival(left_over)
        conn.sock.setblocking(False)
        if left_over and self._judged(conn):
            return
        self.arriving[conn] = None
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self._on_arrival, conn)
        )

    def _on_arrival(self, conn, sock):
        try:
            data = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(conn)
            return
        conn.arrival.data += data
        self._judged(conn)

    def _judged(self, conn):
        """Whether the request left the event loop: handed to a thread, or refused."""
        state = conn.arrival.state()
        if state == INCOMPLETE:
            if conn.arrival.expects_continue():
                conn.arrival.continue_sent = True
                with contextlib.suppress(OSError):
                    conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            return False
        if conn in self.arriving:
            del self.arriving[conn]
            self.poller.unregister(conn.sock)
        if state == READY:
            conn.data_ready = True
            self._to_thread(conn)
        else:
            self._refuse(conn, state)
        return True

    def _refuse(self, conn, status):
        with contextlib.suppress(OSError):
            conn.sock.send(
                b"HTTP/1.1 " + status + b"\r\nConnection: close\r\n"
                b"Content-Length: 0\r\n\r\n"
            )
        conn.arrival = None
        self.nr_conns -= 1
        conn.close()

    def _drop(self, conn):
        with contextlib.suppress(KeyError, ValueError):
            self.poller.unregister(conn.sock)
        self.arriving.pop(conn, None)
        conn.arrival = None
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        """Also drop connections whose request has not arrived in time."""
        super().murder_pending()
        now = time.monotonic()
        for conn in list(self.arriving):
            if conn.arrival.deadline > now:
                break
            self._drop(conn)

    def handle(self, conn):
        """Serve the request from the bytes that arrived (in a pool thread)."""
        arrival, conn.arrival = getattr(conn, "arrival", None), None
        if arrival is not None:
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(arrival.request())
        return super().handle(conn)
