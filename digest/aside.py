"""Work done beside the build, in a forked child: what changed, and the search index.

A complete build that follows an earlier one (an article added or deleted, site.yaml
changed) renders a few pages, but first plans every page and takes the value of every item
pages read (to find the stale ones), then writes a few search chunks: at 10,000 articles
~0.2 s each, one after the other on one core. Forked after collecting, a child takes the
values while the parent plans, then writes the index while the parent renders. A fork
shares the catalog without copying it; only the child's small results travel back,
pickled through a pipe, in the order the works were given.

The child must not touch what it shares with the parent beyond reading: it opens its own
database connections (BuildCache.in_child), leaves the inherited ones alone, and ends
with os._exit, so nothing of the parent's (buffered output, connections) is flushed or
closed twice. It dies with the parent (a killed build leaves nothing running). A work the
child gives no result for (it was killed, or failed) is done again in the parent, where a
bug shows as it would have without the child.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable, Sequence
from typing import Any

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_LENGTH = struct.Struct("<Q")


class Aside:
    """Results of works started in a forked child (or done here when `fork` is false or
    the platform cannot fork): `result(k)` waits for the k-th."""

    def __init__(self, works: Sequence[Callable[[], Any]], *, fork: bool = True) -> None:
        self._works = list(works)
        self._results: list[Any] = []
        self._pipe: Any = None
        self._pid = 0
        if fork and hasattr(os, "fork"):
            self._start()

    @property
    def forked(self) -> bool:
        return self._pid != 0

    def result(self, k: int) -> Any:
        while len(self._results) <= k:
            got = self._receive()
            if got is None:  # no child, or it gave no more: the rest is done here
                self._results.append(self._works[len(self._results)]())
            else:
                self._results.append(got[0])
            if len(self._results) == len(self._works):
                self.close()
        return self._results[k]

    def _start(self) -> None:
        parent = os.getpid()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _run_child(parent, self._works, write)
        os.close(write)
        self._pid = pid
        self._pipe = os.fdopen(read, "rb")

    def _receive(self) -> tuple[Any] | None:
        if self._pipe is None:
            return None
        head = self._pipe.read(_LENGTH.size)
        data = self._pipe.read(_LENGTH.unpack(head)[0]) if len(head) == _LENGTH.size else b""
        if data:
            with contextlib.suppress(Exception):
                return (pickle.loads(data),)
        self._pipe.close()
        self._pipe = None
        os.waitpid(self._pid, 0)
        return None

    def close(self) -> None:
        """Wait for the child to end (its remaining results are not needed)."""
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None
            os.waitpid(self._pid, 0)


def _run_child(parent: int, works: Sequence[Callable[[], Any]], write: int) -> None:
    code = 1
    try:
        _die_with(parent)
        with os.fdopen(write, "wb") as pipe:
            for work in works:
                data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                pipe.write(_LENGTH.pack(len(data)) + data)
                pipe.flush()
        code = 0
    except BaseException:  # the parent does the work again, and reports what fails
        code = 1
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:
    """Have the kernel end this child when its parent ends (Linux; elsewhere the child
    finishes its work and exits on its own)."""
    if sys.platform.startswith("linux"):
        import ctypes  # here: importing it costs a build that forks nothing 5 ms

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)
