"""Work done beside the build, in a forked child: the search index while pages render.

A complete build that follows an earlier one (an article added or deleted, site.yaml
changed) renders a few pages and writes a few search chunks, one after the other, on one
core: at 10,000 articles planning and rendering take ~0.6 s and the index ~0.2 s. Forked,
the index is written on the other core meanwhile. A fork shares the catalog without
copying it; only the child's small result travels back, pickled through a pipe.

The child must not touch what it shares with the parent beyond reading: it opens its own
database connections (BuildCache.in_child), leaves the inherited ones alone, and ends
with os._exit, so nothing of the parent's (buffered output, connections) is flushed or
closed twice. It dies with the parent (a killed build leaves nothing running). A child
that gives no result (killed, or failing) has its work done again in the parent, where a
bug shows as it would have without the child.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def aside(work: Callable[[], T], *, fork: bool = True) -> Callable[[], T]:
    """Start `work` in a forked child (when `fork` and the platform can); the call
    returned waits for its result."""
    if not fork or not hasattr(os, "fork"):
        done = work()
        return lambda: done
    parent = os.getpid()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 1
        try:
            _die_with(parent)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            code = 0
        except BaseException:  # the parent runs the work again, and reports what fails
            code = 1
        finally:
            os._exit(code)
    os.close(write)

    def result() -> T:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status == 0 and data:
            with contextlib.suppress(Exception):
                value: T = pickle.loads(data)
                return value
        return work()

    return result


def _die_with(parent: int) -> None:
    """Have the kernel end this child when its parent ends (Linux; elsewhere the child
    finishes its work and exits on its own)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)
