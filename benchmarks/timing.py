"""Whole-process timing: wall and cpu seconds, peak memory, median and spread.

Every run is a fresh child process.  `os.wait4` returns its resource usage, which
includes the descendants it reaped (worker processes): cpu is their sum, `ru_maxrss`
the largest single process.  Because worker processes add up, the process tree
(the child and its descendants) is also sampled from /proc by `TreeSampler` (every
`SAMPLE_INTERVAL` seconds, less often when a sample would cost more than
`SAMPLE_BUDGET` of one core); each sample reads every process's `smaps_rollup` once
and adds up two figures over the tree:

* RSS: resident pages, each process counted in full.  Forked workers share most of
  their pages with the parent (copy-on-write), so this sum counts shared pages once
  per process: an upper bound.
* PSS (proportional set size): a page shared by k processes counts 1/k in each, so
  the sum over the tree counts every page of the tree once.  Where `smaps_rollup` is
  unreadable the process's RSS (`statm`) stands in, and the sample says so.

For a single process (Hugo, a one-job digest) the RSS peaks agree within sampling
error; its PSS is a little lower, by the share of its file pages (the interpreter,
shared libraries) that other processes on the machine map too.

Children run with `bench_env()`: the caller's environment without
`PYTHONDONTWRITEBYTECODE`, so a Python tool reads (and writes) its bytecode cache
like an installed one does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_INTERVAL = 0.05  # seconds between samples of the process tree, at least
SAMPLE_BUDGET = 0.05  # at most this share of the time (one core) spent sampling
# Unset in the children: a user's installed tool compiles its modules once, not every run.
_STRIPPED = ("PYTHONDONTWRITEBYTECODE",)


def bench_env() -> dict[str, str]:
    """The environment every timed command runs with."""
    return {k: v for k, v in os.environ.items() if k not in _STRIPPED}


@dataclass(frozen=True)
class Sampling:
    """How often the process tree's memory is sampled (see `TreeSampler`)."""

    interval: float = SAMPLE_INTERVAL
    budget: float = SAMPLE_BUDGET


DEFAULT_SAMPLING = Sampling()


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    peak_mib: float  # largest single process (ru_maxrss)
    tree_mib: float  # sampled sum of RSS over the process tree
    pss_mib: float  # sampled sum of PSS over the process tree (same samples)
    rc: int
    pss_fallbacks: int = 0  # process readings where RSS stood in for PSS
    samples: int = 0  # tree samples taken during the run
    sampling_s: float = 0.0  # CPU time the sampler spent reading /proc


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


def _ppid(pid: int) -> int | None:
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except OSError:
        return None
    try:
        stat = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        return int(stat[stat.rindex(b")") + 2:].split()[1])
    except (ValueError, IndexError):
        return None


class _Tree:
    """The pids of a process tree, kept up to date cheaply between samples.

    The first look reads every process's parent; later looks read only pids that are
    new in /proc (a process's parent is fixed at fork, and a pid that left /proc
    between two looks is forgotten, so a reused pid is looked at again).  A member
    stays a member when it is re-parented (an orphaned worker still counts).
    """

    def __init__(self, root: int) -> None:
        self.members = {root}
        self.outside: set[int] = set()

    def pids(self) -> set[int]:
        alive = {int(n) for n in os.listdir("/proc") if n.isdigit()}
        self.members &= alive
        self.outside &= alive
        parents = {pid: _ppid(pid) for pid in alive - self.members - self.outside}
        grew = True
        while grew:  # parents before children, whatever order /proc lists them in
            grew = False
            for pid, ppid in list(parents.items()):
                if ppid in self.members:
                    self.members.add(pid)
                    del parents[pid]
                    grew = True
        self.outside.update(parents)
        return set(self.members)


def _statm_rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def process_memory_kib(pid: int) -> tuple[int, int, bool]:
    """(RSS, PSS, exact) of one process in KiB; exact is False when RSS stood in for PSS.

    Both come from one read of /proc/PID/smaps_rollup, so they describe the same moment.
    A process that is gone (or a zombie, whose memory is gone) reads as (0, 0, True).
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return 0, 0, True
    except OSError:
        data = b""
    rss = pss = -1
    for line in data.splitlines():
        if line.startswith(b"Rss:"):
            rss = int(line.split()[1])
        elif line.startswith(b"Pss:"):
            pss = int(line.split()[1])
            break  # Rss comes first
    if rss >= 0 and pss >= 0:
        return rss, pss, True
    rss = _statm_rss_kib(pid)
    return rss, rss, rss == 0


@dataclass(frozen=True)
class TreeMemory:
    rss_mib: float
    pss_mib: float
    fallbacks: int  # processes whose PSS was unreadable (their RSS was added instead)


def tree_memory(root: int) -> TreeMemory:
    """RSS and PSS summed over root and all its descendants, in MiB (0 once it is gone)."""
    return memory_of(_Tree(root).pids())


def memory_of(pids: set[int]) -> TreeMemory:
    rss = pss = fallbacks = 0
    for pid in pids:
        r, p, exact = process_memory_kib(pid)
        rss, pss, fallbacks = rss + r, pss + p, fallbacks + (not exact)
    return TreeMemory(rss / 1024, pss / 1024, fallbacks)


def tree_rss_mib(root: int) -> float:
    """Resident memory of root and all its descendants, in MiB (0 once it is gone)."""
    return tree_memory(root).rss_mib


class TreeSampler:
    """Samples a process tree's summed RSS and PSS in a thread and keeps the peaks.

    A sample every `interval` seconds, the first one interval after the start (a Popen
    has exec'd by then), but never more than `budget` of one core's time spent
    sampling: reading `smaps_rollup` walks the process's page tables (3-4 ms of CPU per
    100 MiB resident on the 2-core VM), CPU the measured build then lacks, so a large
    tree is sampled less often (a 400 MiB tree every ~0.3 s).
    """

    def __init__(self, root: int, interval: float = SAMPLE_INTERVAL,
                 budget: float = SAMPLE_BUDGET) -> None:
        self.interval, self.budget = interval, budget
        self.rss_mib = self.pss_mib = 0.0
        self.fallbacks = self.samples = 0
        self.busy = 0.0  # CPU seconds spent sampling
        self._tree = _Tree(root)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        wait = self.interval
        while not self._done.wait(wait):
            t0 = time.thread_time()  # the CPU the sample takes (mostly the kernel's walk)
            m = memory_of(self._tree.pids())
            cost = time.thread_time() - t0
            self.busy += cost
            self.samples += 1
            self.rss_mib = max(self.rss_mib, m.rss_mib)
            self.pss_mib = max(self.pss_mib, m.pss_mib)
            self.fallbacks += m.fallbacks
            wait = max(self.interval, cost / self.budget) - cost

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def run_once(cmd: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None,
             sampling: Sampling = DEFAULT_SAMPLING) -> Sample:
    """Run cmd to completion with its output discarded and measure it.

    env defaults to `bench_env()`.
    """
    with tempfile.TemporaryFile() as errors:
        return _measure(cmd, cwd, errors, bench_env() if env is None else env, sampling)


def _measure(cmd: Sequence[str], cwd: Path | None, errors: IO[bytes],
             env: Mapping[str, str], sampling: Sampling) -> Sample:
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=errors, start_new_session=True, env=env)
    with TreeSampler(proc.pid, sampling.interval, sampling.budget) as sampler:
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        errors.seek(0)
        tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(cmd)} exited {rc}:\n" + "\n".join(tail))
    peak = usage.ru_maxrss / 1024
    # ru_maxrss is exact for one process, so it bounds the sampled RSS sum from below.
    # No such bound exists for PSS: a run shorter than one interval reads as 0.
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak, max(sampler.rss_mib, peak),
                  sampler.pss_mib, rc, sampler.fallbacks, sampler.samples, sampler.busy)


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

    @property
    def pss(self) -> Stats | None:
        """Tree PSS over the runs that got at least one memory sample (None: no run did)."""
        values = [s.pss_mib for s in self.samples if s.samples]
        return Stats.of(values) if values else None

    @property
    def memory_samples(self) -> float:
        """Memory samples per run, median."""
        return statistics.median(s.samples for s in self.samples)

    @property
    def sample_cost(self) -> float:
        """Seconds one memory sample took, on average."""
        taken = sum(s.samples for s in self.samples)
        return sum(s.sampling_s for s in self.samples) / taken if taken else 0.0

    @property
    def pss_fallbacks(self) -> int:
        return sum(s.pss_fallbacks for s in self.samples)
