"""The newest content version any process of this server has seen, in shared memory.

The processes gunicorn forks from one master share one anonymous shared mapping, made
when the master imports this module (with the worker class, hipext.http.worker, before
it forks). A process
that rereads its copy of the content state and finds a newer version writes the number
here before it serves anything of it, and every read of the copy compares it with its
own (a memory read, no round trip), rereading first when behind
(hipext.content.version.content_state). So the processes of one server never go back to
an older edit among themselves, without asking the shared cache on every request.
Outside such a server (runserver, a test, a shell) the process has a board of its own.

Like the shared cache's hint (hipext.content.version.HEAD_KEY), it is only a shortcut:
a wrong number costs one reread, never a wrong answer.
"""

import mmap
import multiprocessing
import struct

_SLOT = struct.Struct("=q")
# An anonymous mapping is MAP_SHARED: the processes forked after this keep sharing it.
_board = mmap.mmap(-1, _SLOT.size)
# Writers take it so that the number never goes down; a process that died holding it
# delays the others by LOCK_SECONDS, no more.
_lock = multiprocessing.get_context("fork").Lock()
LOCK_SECONDS = 0.05


def shared_head():
    """The newest version number a process of this server has seen (0: none yet)."""
    return _SLOT.unpack_from(_board)[0]


def shared_head_publish(number):
    """Raise the board to ``number``; it never goes down."""
    if number <= shared_head():
        return
    locked = _lock.acquire(timeout=LOCK_SECONDS)
    try:
        if number > shared_head():
            _SLOT.pack_into(_board, 0, number)
    finally:
        if locked:
            _lock.release()


def shared_head_forget():
    """Empty the board (tests: the database goes back between them)."""
    with _lock:
        _SLOT.pack_into(_board, 0, 0)
