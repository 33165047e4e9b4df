"""How long `digest normalize` takes to import a read-later export of N items.

    .venv/bin/python -m benchmarks.normalize_exports --items 10000 --runs 3

Each run is a fresh `python -m digest normalize` on a fresh site whose inbox holds one
Pocket CSV export of N items (titles in several languages, addresses with tracking
parameters, tags, Unix times), so the time includes starting Python, the imports, the
language model, writing N articles and the state file. Then, on the same site:
`rerun` (nothing new: decided from the state file), and `newer export` (a second file
holding every item again plus 1 % new ones: the old ones are duplicates by address).
Run nothing else meanwhile: `cpu` (the process and its workers) says how much work the
run was; with other processes on the machine, `wall` says more about them than about it.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import bench_env

_VOCABULARY = {
    "en": "harbour ferry council island storm village market school bridge river",
    "de": "Hafen Fähre Gemeinde Insel Sturm Dorf Markt Schule Brücke Fluss",
    "fr": "port bac conseil île tempête village marché école pont rivière",
    "es": "puerto ferri concejo isla tormenta pueblo mercado escuela puente río",
}
_WORDS = {lang: words.split() for lang, words in _VOCABULARY.items()}
_LINKS = {"en": "and the", "de": "und die", "fr": "et le", "es": "y el"}


def pocket_csv(count: int, first: int = 0, seed: int = 1) -> str:
    """A Pocket CSV export: `title,url,time_added,tags,status`."""
    rng = random.Random(seed + first)
    rows = ["title,url,time_added,tags,status"]
    for number in range(first, first + count):
        lang = rng.choice(list(_WORDS))
        words = rng.sample(_WORDS[lang], 4)
        title = f"{words[0].capitalize()} {words[1]} {_LINKS[lang]} {words[2]} {words[3]}"
        slug = "-".join(w.lower() for w in words)
        url = f"https://www.site{number % 50}.example/{lang}/{number}/{slug}?utm_source=pocket"
        tags = "|".join(rng.sample(["news", "sea", "towns", "later", "long-read"], 2))
        rows.append(f'"{title}",{url},{1_700_000_000 + number * 600},{tags},unread')
    return "\n".join(rows) + "\n"


def _site(root: Path) -> Path:
    (root / "content" / "inbox").mkdir(parents=True)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Export benchmark\nlanguage: en\n", encoding="utf-8")
    return root


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and its workers
    return usage.ru_utime + usage.ru_stime


def _normalize(root: Path) -> tuple[float, float, str]:
    command = [sys.executable, "-m", "digest", "normalize", "--site", str(root)]
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, capture_output=True, text=True, env=bench_env(), check=False)
    seconds = time.perf_counter() - start
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        raise SystemExit(f"normalize failed ({done.returncode}): {done.stdout}{done.stderr}")
    return seconds, _cpu() - cpu, summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="digest-exports-"))
    export = pocket_csv(args.items)
    newer = export + pocket_csv(max(1, args.items // 100), first=args.items).split("\n", 1)[1]
    times: dict[str, list[float]] = {"import": [], "rerun": [], "newer export": []}
    cpus: dict[str, list[float]] = {case: [] for case in times}
    summaries: dict[str, str] = {}
    try:
        for run in range(args.runs):
            root = work / f"site-{run}"
            shutil.rmtree(root, ignore_errors=True)
            _site(root)
            (root / "content" / "inbox" / "pocket-1.csv").write_text(export, encoding="utf-8")
            for case in ("import", "rerun", "newer export"):
                if case == "newer export":
                    (root / "content" / "inbox" / "pocket-2.csv").write_text(
                        newer, encoding="utf-8")
                seconds, cpu, summaries[case] = _normalize(root)
                times[case].append(seconds)
                cpus[case].append(cpu)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"digest normalize, one Pocket CSV export of {args.items} items ({os.cpu_count()} "
          f"CPUs, load average {load:.1f} at the end, {args.runs} runs, seconds)\n")
    print("| case | wall median | wall min | wall max | cpu median | summary |\n"
          "|---|---|---|---|---|---|")
    for case, values in times.items():
        print(f"| {case} | {statistics.median(values):.2f} | {min(values):.2f} | "
              f"{max(values):.2f} | {statistics.median(cpus[case]):.2f} | {summaries[case]} |")


if __name__ == "__main__":
    main()
