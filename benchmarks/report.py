"""The machine description and the Markdown report."""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.timing import Measure, Stats
from benchmarks.watch import WatchResult

COLD = ("cold", "cold --jobs 1")
# Targets, in seconds, on the 10k corpus (the minimal mode is the one equivalent to the peers).
TARGET_SIZE = 10_000
# Whole-process, one-shot builds of the default theme at 10,000 articles.
ABSOLUTE_TARGETS = {"nochange": 0.15, "body": 0.25, "title": 0.5, "added": 1.0}
NORMALIZE_TARGETS = {"cold": 5.0, "nochange": 0.5}
WATCH_TARGET = 0.3


@dataclass(frozen=True)
class Row:
    size: int
    mode: str  # "full" (default theme) or "minimal" (the peers' page set)
    case: str
    engine: str
    measure: Measure
    pages: int
    vs_hugo: Stats | None = None  # paired per-run ratio engine/Hugo


@dataclass
class Report:
    machine: dict[str, str]
    args: str
    rows: list[Row] = field(default_factory=list)
    normalize: dict[str, Measure] = field(default_factory=dict)
    normalize_files: int = 0
    watch: dict[tuple[int, str, str], WatchResult | str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    return out.strip().splitlines()[0] if out.strip() else "not found"


def load_average() -> str:
    """The 1-minute load average: other work on the machine slows every figure down."""
    return f"{os.getloadavg()[0]:.1f}"


def machine(hugo: str | None, pelican: str | None) -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text(encoding="utf-8").split()[1])
        ram = f"{mem_kib / 1024 / 1024:.1f} GiB"
    except OSError:
        ram = "unknown"
    info = {
        "host": socket.gethostname(), "cpu": cpu, "cores": str(os.cpu_count()), "ram": ram,
        "os": platform.platform(), "python": sys.version.split()[0],
        "digest": _version([sys.executable, "-m", "digest", "--version"]),
        "load": f"load average at the start {load_average()}",
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    if hugo:
        info["hugo"] = _version([hugo, "version"])
    if pelican:
        info["pelican"] = _version([pelican, "--version"])
    return info


def _ratio(stats: Stats | None) -> str:
    return "" if stats is None else f"{stats.median:.2f} ({stats.low:.2f}-{stats.high:.2f})"


MEMORY_HEADERS = "peak MiB, largest process | peak MiB, tree RSS | peak MiB, tree PSS"


def _memory_cells(m: Measure) -> str:
    """The three peak-memory cells (see MEMORY_HEADERS and benchmarks/README.md)."""
    pss = f"{m.pss.median:.0f}" if m.pss else "n/a"
    return f"{m.peak.median:.0f} | {m.tree.median:.0f} | {pss}"


def _rows_table(rows: list[Row]) -> list[str]:
    out = [f"| N | mode | case | engine | wall s, median (min-max) | cpu s | {MEMORY_HEADERS}"
           " | pages | pages/s | s per 1k articles | engine/Hugo, paired |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        wall = r.measure.wall.median
        cold = r.case in COLD
        out.append(
            f"| {r.size:,} | {r.mode} | {r.case} | {r.engine} | {r.measure.wall.fmt()} "
            f"| {r.measure.cpu.median:.2f} | {_memory_cells(r.measure)} | {r.pages:,} "
            f"| {f'{r.pages / wall:,.0f}' if cold else ''} "
            f"| {f'{wall / r.size * 1000:.3f}' if cold else ''} | {_ratio(r.vs_hugo)} |")
    return out


def _linearity(rows: list[Row]) -> list[str]:
    sizes = sorted({r.size for r in rows})
    if len(sizes) < 2:
        return []
    keys = sorted({(r.mode, r.engine) for r in rows if r.case == "cold"})
    out = ["", "### Linearity: cold build, seconds per 1,000 articles", "",
           "| mode | engine | " + " | ".join(f"N={s:,}" for s in sizes) + " |",
           "|---|---|" + "---|" * len(sizes)]
    for mode, engine in keys:
        cells = []
        for s in sizes:
            hit = _find(rows, s, mode, "cold", engine)
            cells.append(f"{hit.measure.wall.median / s * 1000:.3f}" if hit else "")
        out.append(f"| {mode} | {engine} | " + " | ".join(cells) + " |")
    return out


def _find(rows: list[Row], size: int, mode: str, case: str, engine: str) -> Row | None:
    hits = [r for r in rows if (r.size, r.mode, r.case, r.engine) == (size, mode, case, engine)]
    return hits[0] if hits else None


def targets(report: Report) -> list[str]:
    """One line per target: met or missed, at N=10,000 (else the largest size measured)."""
    rows = report.rows
    if not rows and not report.normalize:
        return []
    sizes = {r.size for r in rows}
    size = TARGET_SIZE if TARGET_SIZE in sizes or not sizes else max(sizes)
    lines = [f"Targets at N={size:,} (median; the minimal mode has the peers' page set"
             + ("" if size == TARGET_SIZE else f"; the targets are set for N={TARGET_SIZE:,}")
             + "):" if rows else "Targets (median):"]

    def check(label: str, value: float, limit: float, unit: str = "s") -> None:
        verdict = "met" if value <= limit else "MISSED"
        lines.append(f"- {label}: {value:.3f} {unit} (target <= {limit:.3f} {unit}): {verdict}")

    for mode in ("minimal", "full"):
        # Hugo building the same kinds of pages when it did (peers/hugo-full in the full
        # mode), else the peers' page set.
        hugo = _find(rows, size, mode, "cold", "hugo")
        hugo_mode = mode
        if hugo is None:
            hugo, hugo_mode = _find(rows, size, "minimal", "cold", "hugo"), "minimal"
        cold = _find(rows, size, mode, "cold", "digest")
        if cold and hugo:
            theirs_label = "Hugo's" if hugo_mode == mode else f"Hugo's {hugo_mode}"
            check(f"{mode}: cold build vs {theirs_label} cold", cold.measure.wall.median,
                  hugo.measure.wall.median)
            ours, theirs = cold.measure.pss, hugo.measure.pss
            if ours and theirs:  # PSS: the tree's pages counted once, both sampled alike
                check(f"{mode}: peak memory (tree PSS) vs a quarter of {theirs_label} "
                      "(tree PSS)", ours.median, theirs.median / 4, "MiB")
        for case, limit in ABSOLUTE_TARGETS.items():
            if row := _find(rows, size, mode, case, "digest"):
                check(f"{mode}: {case}", row.measure.wall.median, limit)
    for case, limit in NORMALIZE_TARGETS.items():
        if m := report.normalize.get(case):
            check(f"normalize {report.normalize_files:,} dumps, {case}", m.wall.median, limit)
    for (n, mode, engine), result in sorted(report.watch.items()):
        if engine == "digest" and n == size and isinstance(result, WatchResult):
            check(f"{mode}: save to reload", result.latency.median, WATCH_TARGET)
    return lines


def markdown(report: Report) -> str:
    m = report.machine
    out = ["# digest benchmark", "",
           f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, {m['os']}; "
           f"Python {m['python']}; {m['digest']}"
           + (f"; {m['hugo']}" if "hugo" in m else "; Hugo not run")
           + (f"; Pelican {m['pelican']}" if "pelican" in m else "") + ".",
           f"Command: `{report.args}`; {m['load']} (1 min).",
           *([f"Started: {m['started']}."] if "started" in m else []),
           *([f"Bytecode: digest runs without PYTHONDONTWRITEBYTECODE; {m['bytecode']}."]
             if "bytecode" in m else []),
           "", "## Builds", "",
           *_rows_table(report.rows), *_linearity(report.rows)]
    if report.normalize:
        out += ["", f"## Normalise ({report.normalize_files:,} raw dumps)", "",
                f"| case | wall s, median (min-max) | cpu s | {MEMORY_HEADERS} | dumps/s |",
                "|---|---|---|---|---|---|---|"]
        for case, m2 in report.normalize.items():
            rate = report.normalize_files / m2.wall.median
            out.append(f"| {case} | {m2.wall.fmt()} | {m2.cpu.median:.2f} "
                       f"| {_memory_cells(m2)} | {rate:,.0f} |")
    if report.watch:
        out += ["", "## Watch mode: save one article -> reload", "",
                "| N | mode | engine | latency s, median (min-max) | first build s | peak MiB |",
                "|---|---|---|---|---|---|"]
        for (n, mode, engine), res in sorted(report.watch.items()):
            if isinstance(res, WatchResult):
                out.append(f"| {n:,} | {mode} | {engine} | {res.latency.fmt(3)} "
                           f"| {res.first_build:.2f} | {res.hwm_mib:.0f} |")
            else:
                out.append(f"| {n:,} | {mode} | {engine} | {res} | | |")
    out += ["", "## Targets", "", *targets(report)]
    if report.notes:
        out += ["", "## Notes", "", *(f"- {note}" for note in report.notes)]
    return "\n".join(out) + "\n"


def paired_ratio(a: Measure, b: Measure) -> Stats:
    ratios = [x.wall / y.wall for x, y in zip(a.samples, b.samples, strict=False)]
    return Stats(statistics.median(ratios), min(ratios), max(ratios))
