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

from digest.aside import Aside
from digest.cache import BuildCache


def test_the_results_come_from_the_child_in_order() -> None:
    parent = os.getpid()
    beside = Aside([lambda: (os.getpid(), [1, "two", {"three": 3}]), lambda: "x" * 300_000])
    first = beside.result(0)
    assert first[0] != parent
    assert first[1] == [1, "two", {"three": 3}]
    assert beside.result(1) == "x" * 300_000
    assert beside.result(0) is first


def test_a_later_result_can_be_asked_for_first() -> None:
    beside = Aside([lambda: 1, lambda: 2, lambda: 3])
    assert beside.result(2) == 3
    assert [beside.result(0), beside.result(1)] == [1, 2]


def test_without_fork_the_works_are_done_here_when_asked_for() -> None:
    parent = os.getpid()
    done: list[int] = []
    beside = Aside([lambda: done.append(1) or os.getpid(), lambda: done.append(2)], fork=False)
    assert done == []
    assert beside.result(0) == parent
    assert done == [1]


def test_closing_ends_a_child_whose_results_are_not_read() -> None:
    beside = Aside([lambda: "y" * 1_000_000])
    beside.close()
    assert beside.result(0) == "y" * 1_000_000  # asked for after all: done here


def test_a_child_that_fails_has_its_work_done_again_here() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return "done here"

    assert Aside([work]).result(0) == "done here"


def test_a_child_that_is_killed_has_its_work_done_again_here() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return 7

    beside = Aside([lambda: 6, work, lambda: 8])
    assert [beside.result(0), beside.result(1), beside.result(2)] == [6, 7, 8]


def test_a_bug_in_the_work_is_raised_in_the_parent() -> None:
    def work() -> int:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        Aside([work]).result(0)


def test_the_child_writes_the_cache_through_its_own_connection(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "key")
    cache.set_info("before", "1")

    def work() -> bool:
        child = cache.in_child()
        child.set_info("from_child", "2")
        return child.info("before") == "1"

    assert Aside([work]).result(0)
    assert cache.info("from_child") == "2"
    cache.set_info("after", "3")  # the parent's connection still works
    assert BuildCache(tmp_path, "key").info("after") == "3"


def test_the_child_ends_with_its_parent(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os, time
        from digest.aside import Aside

        def work():
            open({str(marker)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
            return 1

        Aside([work])
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
