"""Whole-process timing: wall and cpu seconds, peak memory, median and spread.

Every run is a fresh child process.  `os.wait4` returns its resource usage, which
includes the descendants it reaped (worker processes): cpu is their sum, `ru_maxrss`
the largest single process.  Because worker processes add up, the process tree's
summed RSS is also sampled from /proc every 200 ms (`tree` below); for a single
process (Hugo, a one-job digest) both peaks agree within sampling error.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    peak_mib: float  # largest single process (ru_maxrss)
    tree_mib: float  # sampled sum over the process tree
    rc: int


@dataclass(frozen=True)
class Stats:
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        return cls(statistics.median(values), min(values), max(values))

    def fmt(self, digits: int = 2) -> str:
        return f"{self.median:.{digits}f} ({self.low:.{digits}f}-{self.high:.{digits}f})"


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_mib(root: int) -> float:
    """Resident memory of root and all its descendants, in MiB (0 once it is gone)."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * _PAGE_KIB
        except OSError:
            pass
        todo.extend(tree.get(pid, ()))
    return total / 1024


def run_once(cmd: Sequence[str], cwd: Path | None = None) -> Sample:
    """Run cmd to completion with its output discarded and measure it."""
    with tempfile.TemporaryFile() as errors:
        return _measure(cmd, cwd, errors)


def _measure(cmd: Sequence[str], cwd: Path | None, errors: IO[bytes]) -> Sample:
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=errors, start_new_session=True)
    peak_tree = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak_tree[0] = max(peak_tree[0], tree_rss_mib(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    done.set()
    sampler.join()
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        errors.seek(0)
        tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(cmd)} exited {rc}:\n" + "\n".join(tail))
    peak = usage.ru_maxrss / 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak, max(peak_tree[0], peak), rc)


@dataclass(frozen=True)
class Measure:
    samples: tuple[Sample, ...]

    @property
    def wall(self) -> Stats:
        return Stats.of([s.wall for s in self.samples])

    @property
    def cpu(self) -> Stats:
        return Stats.of([s.cpu for s in self.samples])

    @property
    def peak(self) -> Stats:
        return Stats.of([s.peak_mib for s in self.samples])

    @property
    def tree(self) -> Stats:
        return Stats.of([s.tree_mib for s in self.samples])
