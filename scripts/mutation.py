#!/usr/bin/env python3
"""Mutation testing (mutmut) of the modules where a silent bug costs most.

Each module is mutated in a temporary copy of the checkout (never in place: other work
in the checkout goes on meanwhile) and run against the test files that concern it only,
one module at a time, so a run takes minutes per module, not hours. Results go to
`mutation-results/<module>.json` and are summed up on the standard output.

    .venv/bin/pip install -e '.[mutation]'
    .venv/bin/python scripts/mutation.py                 # every module below
    .venv/bin/python scripts/mutation.py feeds markdown  # some of them
    .venv/bin/python scripts/mutation.py search --mutants 'digest.search_chunk.*'  # a part
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# name -> (the files to mutate, the test files that concern them)
TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "feeds": (("digest/feeds.py",), ("tests/test_feeds.py", "tests/test_build.py")),
    "markdown": (("digest/markdown.py",),
                 ("tests/test_render.py", "tests/test_hostile_content.py")),
    "search": (("digest/search.py", "digest/search_chunk.py", "digest/search_write.py"),
               ("tests/test_search.py", "tests/test_search_language.py")),
    "theme": (("digest/theme.py",), ("tests/test_themes.py", "tests/test_render.py")),
    "template_calls": (("digest/template_calls.py",),
                       ("tests/test_template_calls.py", "tests/test_render.py",
                        "tests/test_reads.py",
                        "tests/test_hostile_content.py", "tests/test_build.py",
                        "tests/test_incremental_machine.py"
                        "::test_templates_cannot_reach_private_fields")),
    "incremental": (("digest/incremental.py", "digest/plan.py"),
                    ("tests/test_build_incremental.py",)),
    "normalize": (("digest/normalize/run.py", "digest/normalize/state.py"),
                  ("tests/test_normalize_run.py", "tests/test_normalize_parallel.py")),
}
# name -> pytest options for every test run of that module's mutants
OPTIONS: dict[str, tuple[str, ...]] = {
    # The property test's 25 random edit sequences take ~20 s a run: its @example cases,
    # which try every kind of edit in the dev server and in a new process, take ~2 s.
    "incremental": ("--hypothesis-profile=explicit",),
}


def quoted(items: tuple[str, ...]) -> str:
    return ", ".join(json.dumps(i) for i in items)


def mutate(name: str, jobs: int, out: Path, only: tuple[str, ...] = ()) -> dict[str, object]:
    files, tests = TARGETS[name]
    options = OPTIONS.get(name, ())
    with tempfile.TemporaryDirectory(prefix=f"digest-mutation-{name}-") as tmp:
        work = Path(tmp)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for folder in ("digest", "themes", "tests"):
            shutil.copytree(REPO / folder, work / folder, ignore=ignore)
        shutil.copy(REPO / "README.md", work)
        config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
        config += (
            "\n[tool.mutmut]\n"
            'source_paths = ["digest"]\n'
            f"only_mutate = [{quoted(files)}]\n"
            'also_copy = ["themes", "tests"]\n'
            f"pytest_add_cli_args_test_selection = [{quoted(tests)}]\n"
            f"pytest_add_cli_args = [{quoted(('-q', '-p', 'no:randomly', '-x', *options))}]\n"
        )
        (work / "pyproject.toml").write_text(config, encoding="utf-8")
        # CI=true: tests that would skip for want of a tool fail instead, as in CI.
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "CI": "true"}
        mutmut = [sys.executable, "-m", "mutmut"]
        subprocess.run([*mutmut, "run", "--max-children", str(jobs), *only], cwd=work, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*mutmut, "export-cicd-stats"], cwd=work, env=env, check=True,
                       capture_output=True)
        stats = json.loads((work / "mutants/mutmut-cicd-stats.json").read_text())
        listing = subprocess.run([*mutmut, "results"], cwd=work, env=env, check=True,
                                 capture_output=True, text=True).stdout
        survivors = []
        for line in listing.splitlines():
            mutant, _, status = line.strip().partition(": ")
            if status in ("survived", "no tests"):
                diff = subprocess.run([*mutmut, "show", mutant], cwd=work, env=env,
                                      capture_output=True, text=True, check=False).stdout
                survivors.append({"mutant": mutant, "status": status, "diff": diff})
    result = {"module": name, "files": files, "tests": tests, "options": options,
              "mutants": only, "stats": stats, "survivors": survivors}
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once")
    parser.add_argument("--out", type=Path, default=REPO / "mutation-results")
    parser.add_argument("--mutants", nargs="+", default=(), metavar="PATTERN",
                        help="test only the mutants whose names match (fnmatch, as "
                             "`mutmut results` names them, e.g. 'digest.search.x_encode*')")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}: choose among {', '.join(TARGETS)}")
    for name in args.modules or list(TARGETS):
        result = mutate(name, args.jobs, args.out, tuple(args.mutants))
        stats = result["stats"]
        assert isinstance(stats, dict)
        killed, survived = stats.get("killed", 0), stats.get("survived", 0)
        tested = killed + survived
        score = f"{100 * killed / tested:.0f} %" if tested else "n/a"
        unchecked = stats.get("total", 0) - sum(
            v for k, v in stats.items() if k != "total" and isinstance(v, int))
        print(f"{name}: {killed} killed, {survived} survived, "
              f"{stats.get('no_tests', 0)} not covered by its tests, "
              f"{stats.get('timeout', 0)} timed out, {unchecked} not run; score {score}",
              flush=True)
        for survivor in result["survivors"]:  # type: ignore[attr-defined]
            print(f"  {survivor['status']}: {survivor['mutant']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
