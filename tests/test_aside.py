"""Work beside the build in a forked child (digest.aside): its result, or the same work
done again in the parent when the child gives none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from digest.aside import aside
from digest.cache import BuildCache


def test_the_result_comes_from_the_child() -> None:
    parent = os.getpid()
    result = aside(lambda: (os.getpid(), [1, "two", {"three": 3}]))()
    assert result[0] != parent
    assert result[1] == [1, "two", {"three": 3}]


def test_without_fork_the_work_is_done_here() -> None:
    parent = os.getpid()
    assert aside(lambda: os.getpid(), fork=False)() == parent


def test_a_child_that_fails_has_its_work_done_again_here() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return "done here"

    assert aside(work)() == "done here"


def test_a_child_that_is_killed_has_its_work_done_again_here() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return 7

    assert aside(work)() == 7


def test_a_bug_in_the_work_is_raised_in_the_parent() -> None:
    def work() -> int:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        aside(work)()


def test_the_child_writes_the_cache_through_its_own_connection(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "key")
    cache.set_info("before", "1")

    def work() -> bool:
        child = cache.in_child()
        child.set_info("from_child", "2")
        return child.info("before") == "1"

    assert aside(work)()
    assert cache.info("from_child") == "2"
    cache.set_info("after", "3")  # the parent's connection still works
    assert BuildCache(tmp_path, "key").info("after") == "3"


def test_the_child_ends_with_its_parent(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os, time
        from digest.aside import aside

        def work():
            open({str(marker)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
            return 1

        aside(work)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not (marker.exists() and marker.read_text()):
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.02)
        child = int(marker.read_text())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child):
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] not in "ZX"
    except OSError:
        return False
