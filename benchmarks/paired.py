"""Two versions of digest in turn on two copies of one built site: `python -m benchmarks
paired --before SRC --after SRC --sites A B --case added --runs 10`.

This VM's speed drifts by up to twice within minutes, more than most changes are worth,
so a change is measured against the code before it run by run: the two versions build
their own copy of the site (each keeps its own cache, which a version of the code never
shares with another) one after the other, and each pair of runs gives a ratio. SRC is a
checkout whose `digest` package is run (e.g. a `git worktree` of the commit before).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.engines import EDIT_CASES, Engine, digest_command
from benchmarks.timing import bench_env, run_once

CASES = ("nochange", *(c for c in EDIT_CASES if c != "template"))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks paired")
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--after", type=Path, required=True, help="checkout of the new code")
    parser.add_argument("--sites", type=Path, nargs=2, required=True, metavar=("A", "B"),
                        help="two copies of one site, built by neither version yet or each")
    parser.add_argument("--case", choices=CASES, default="added")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/digest-paired"))
    args = parser.parse_args(argv)
    sides = [("before", args.before.resolve(), args.sites[0].resolve()),
             ("after", args.after.resolve(), args.sites[1].resolve())]
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in sides}
    for _name, code, site in sides:
        _build(code, site)  # outside the timer: a version's first build may be cold
    for run in range(args.runs):
        for name, code, site in sides:
            engine = _engine(name, site, args.work)
            env = {**bench_env(), "PYTHONPATH": str(code)}
            if args.case != "nochange":
                engine.prepare(args.case, run)
            try:
                sample = run_once(_own(engine.cmd), env=env)
            finally:
                engine.restore()
            if args.case != "nochange":
                _build(code, site)  # back to the site both started from
            times[name].append((sample.wall, sample.cpu))
    print(f"{args.case}, {args.runs} runs each, in turn")
    for name, _, _ in sides:
        walls = [w for w, _ in times[name]]
        cpus = [c for _, c in times[name]]
        print(f"  {name:6s} wall median {statistics.median(walls):.3f} s, "
              f"min {min(walls):.3f} s; cpu median {statistics.median(cpus):.3f} s")
    ratios = [a[0] / b[0] for a, b in zip(times["after"], times["before"], strict=True)]
    print(f"  after/before, run by run: median {statistics.median(ratios):.2f} "
          f"({min(ratios):.2f}-{max(ratios):.2f})")


def _engine(name: str, site: Path, work: Path) -> Engine:
    """The edits of the run harness on one site (not `digest_engine`, which adds a template
    override for its `template` case)."""
    return Engine(name=name, cmd=digest_command(site), content=site / "content" / "articles",
                  output=site / "_site", caches=[site / ".digest-cache"],
                  template=site / "templates" / "article.html", comment=str,
                  trash=work / "trash" / name)


def _own(cmd: list[str]) -> list[str]:
    """cmd run with `python -P`: `-m digest` would otherwise find the package in the
    current folder (the checkout this runs from) before PYTHONPATH's, for both versions."""
    assert cmd[0] == sys.executable
    return [cmd[0], "-P", *cmd[1:]]


def _build(code: Path, site: Path) -> None:
    subprocess.run(_own([sys.executable, "-m", "digest", "build", "--site", str(site)]),
                   env={**bench_env(), "PYTHONPATH": str(code)}, check=True,
                   stdout=subprocess.DEVNULL)
