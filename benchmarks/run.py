"""Run the benchmarks: `python -m benchmarks run --sizes 1000,10000 --runs 3`.

See benchmarks/README.md for what each case means and how far the comparison is fair.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks import corpus, watch
from benchmarks.engines import (
    HERE,
    Engine,
    digest_command,
    digest_engine,
    hugo_engine,
    pages,
    pelican_engine,
)
from benchmarks.report import Report, Row, load_average, machine, markdown, paired_ratio
from benchmarks.timing import (
    DEFAULT_SAMPLING,
    SAMPLE_BUDGET,
    SAMPLE_INTERVAL,
    Measure,
    Sample,
    Sampling,
    bench_env,
    run_once,
)

CASES = ("cold", "cold --jobs 1", "nochange", "body", "title", "template", "added")
# Peers' content files have other front matter: the added article is digest's only.
PEER_CASES = {"hugo": set(CASES) - {"cold --jobs 1", "added"},
              "pelican": {"cold", "nochange", "body"}}
MODES = ("full", "minimal")

# A full address, so that digest writes sitemap.xml, as Hugo's full-mode site does.
FULL_SITE = """title: Benchmark digest
description: Synthetic articles for the benchmarks.
base_url: https://example.org/
theme: default
feeds:
  atom: true
  json: true
search: true
"""
# The peers' page set: an article page, one page per publication and per day, a home page.
# One page per publication needs page_size >= the largest publication's article count
# (~N/40: 1,250 at N=50,000); 10,000 is the most digest accepts, so `bench_size` notes a
# corpus whose publications (from N ~ 390,000) or tags (from N ~ 190,000) outgrow it.
MINIMAL_PAGE_SIZE = 10_000
MINIMAL_SITE = f"""title: Benchmark digest
theme: minimal
search: false
feeds:
  atom: false
  json: false
page_size: {MINIMAL_PAGE_SIZE}
""" + """permalinks:
  article: /{publication}/{date}-{slug}/
  publication: /{publication}/
  day: /days/{year}-{month}-{day}/
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_sites(
    n: int, seed: int, work: Path, modes: Sequence[str], hugo: bool
) -> corpus.Counts:
    """Generate the corpus for every site (each article written to every copy at once)."""
    shutil.rmtree(work, ignore_errors=True)
    dests: list[tuple[Path, bool]] = []
    for mode in modes:
        site = work / f"site-{mode}"
        dests.append((site / "content" / "articles", False))
        (site / "content" / "inbox").mkdir(parents=True)
        (site / "site.yaml").write_text(FULL_SITE if mode == "full" else MINIMAL_SITE)
        if mode == "minimal":
            shutil.copytree(HERE / "minimal_theme", site / "themes" / "minimal")
    if hugo:
        dests.append((work / "hugo-content", True))
    return corpus.write_corpus(corpus.iter_articles(n, seed), dests)


def precompile_digest() -> str:
    """Compile digest's modules to bytecode once, as installing it does; returns a note.

    Asks the interpreter that runs the timed commands, in their environment and folder,
    where `digest` is, so the bytecode is that of the modules they import.
    """
    env = bench_env()
    where = subprocess.run(
        [sys.executable, "-c", "import digest, os; print(os.path.dirname(digest.__file__))"],
        env=env, capture_output=True, text=True)
    package = where.stdout.strip()
    if where.returncode or not package:
        return f"digest not importable: {where.stderr.strip()[-300:]}"
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", package],
                          env=env, capture_output=True, text=True)
    if done.returncode:
        log(f"warning: compileall {package} failed:\n{done.stdout}{done.stderr}")
        return f"`compileall` of {package} FAILED (modules compile on first import)"
    return f"{package} precompiled (`compileall`)"


def memory_note(n: int, mode: str, case: str, name: str, m: Measure,
                sampling: Sampling) -> str | None:
    """A note when the memory peaks rest on few or coarse samples, or PSS was unreadable."""
    problems = []
    per_run, cost = m.memory_samples, m.sample_cost
    wall = m.wall.median
    if per_run < 5 or wall / max(per_run, 1) > max(0.5, 2 * sampling.interval):
        problems.append(f"{per_run:.0f} memory samples per run (one every "
                        f"{wall / max(per_run, 1):.2f} s; a sample took {cost * 1000:.0f} ms)")
    if m.pss_fallbacks:
        problems.append(f"PSS unreadable in {m.pss_fallbacks} process readings (RSS added)")
    if not problems:
        return None
    return f"N={n:,} {mode} {case} {name}: " + "; ".join(problems)


def measure_case(
    case: str, engines: list[Engine], runs: int, warmup: int = 1,
    sampling: Sampling = DEFAULT_SAMPLING,
) -> dict[str, Measure]:
    """Warm-up rounds, then `runs` rounds; in each round every engine runs once (A B A B)."""
    samples: dict[str, list[Sample]] = {e.name: [] for e in engines}
    try:
        for run in range(warmup + runs):
            for engine in engines:
                engine.prepare(case, run)
                sample = run_once(engine.cmd, sampling=sampling)
                if run >= warmup:
                    samples[engine.name].append(sample)
                shutil.rmtree(engine.trash, ignore_errors=True)  # untimed deletion
    finally:
        for engine in engines:
            engine.restore()
    return {name: Measure(tuple(s)) for name, s in samples.items()}


def compare_pages(mode: str, digest_out: Path, hugo_out: Path) -> str:
    ours, theirs = pages(digest_out), pages(hugo_out)
    extra, missing = sorted(ours - theirs), sorted(theirs - ours)
    text = (f"{mode} mode page set: digest {len(ours):,} HTML pages, Hugo {len(theirs):,}; "
            f"{len(ours & theirs):,} paths in common; digest only: {len(extra)} "
            f"{extra[:6]}; Hugo only: {len(missing)} {missing[:6]}")
    if mode == "full":
        stubs = sum(1 for page in theirs if page.endswith("/page/1/"))
        text += (f"; of Hugo's pages, {stubs:,} are redirects from a list's page/1/ to the "
                 f"list; other files: digest {other_files(digest_out)}, Hugo "
                 f"{other_files(hugo_out)}")
    return text


def other_files(output: Path) -> str:
    """What an output folder holds besides HTML pages, by kind: feeds, sitemap, search."""
    kinds: dict[str, int] = {}
    for path in output.rglob("*"):
        if not path.is_file() or path.suffix == ".html":
            continue
        rel = path.relative_to(output).as_posix()
        kind = ("search index" if rel.startswith("search/") else
                "sitemap" if path.name == "sitemap.xml" else
                "feeds" if path.suffix in (".xml", ".json") else
                "robots.txt" if path.name == "robots.txt" else "assets")
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{count:,} {kind}" for kind, count in sorted(kinds.items()))


def bench_size(n: int, args: argparse.Namespace, report: Report) -> None:
    work = Path(args.work) / f"n{n}"
    log(f"== N={n}: writing the corpus to {work}")
    counts = make_sites(n, args.seed, work, args.modes, bool(args.hugo))
    largest_publication, largest_tag = counts.largest()
    over = [f"the largest {kind} has {k:,} articles"
            for kind, k in (("publication", largest_publication), ("tag", largest_tag))
            if k > MINIMAL_PAGE_SIZE]
    if "minimal" in args.modes and over:
        warning = (f"N={n:,}: {' and '.join(over)}, more than the minimal site's page_size "
                   f"({MINIMAL_PAGE_SIZE:,}, digest's maximum), so those pages are paginated"
                   + (": the minimal page set is not one page per publication, as the peers'"
                      if largest_publication > MINIMAL_PAGE_SIZE else
                      " (extra stub pages; the peers build no tag pages)"))
        log(f"   warning: {warning}")
        report.notes.append(warning)
    sampling = Sampling(args.sample_ms / 1000, args.sample_budget)
    for mode in args.modes:
        site = work / f"site-{mode}"
        ours = digest_engine("digest", site, work)
        peers: list[Engine] = []
        if args.hugo:  # peers/hugo in the minimal mode, peers/hugo-full in the full mode
            peers.append(hugo_engine(args.hugo, work / "hugo-content", work, mode))
        if mode == "minimal" and args.pelican:
            peers.append(pelican_engine(args.pelican, work / "hugo-content", work))
        pages_of: dict[str, int] = {}
        for case in args.cases:
            engines = [ours] + [p for p in peers if case in PEER_CASES[p.name]]
            if case == "cold --jobs 1":
                engines = [digest_engine("digest", site, work, jobs=1)]
            measures = measure_case(case, engines, args.runs, args.warmup, sampling)
            for engine in engines:
                pages_of.setdefault(engine.name, len(pages(engine.output)))
            hugo = measures.get("hugo")
            for engine in engines:
                m = measures[engine.name]
                ratio = paired_ratio(m, hugo) if hugo and engine.name != "hugo" else None
                report.rows.append(Row(n, mode, case, engine.name, m, pages_of[engine.name],
                                       ratio))
                pss = f"{m.pss.median:.0f}" if m.pss else "n/a"
                log(f"   {mode:<7} {case:<14} {engine.name:<8} {m.wall.fmt()} s, "
                    f"peak {m.peak.median:.0f} MiB, tree RSS {m.tree.median:.0f} MiB, "
                    f"tree PSS {pss} MiB ({m.memory_samples:.0f} samples per run)")
                if note := memory_note(n, mode, case, engine.name, m, sampling):
                    report.notes.append(note)
        if peers and peers[0].name == "hugo" and "cold" in args.cases:
            report.notes.append(f"N={n:,}: " + compare_pages(mode, ours.output,
                                                             peers[0].output))
        if args.watch_edits:
            article = ours.edited_article()
            log(f"   {mode:<7} watch          digest")
            report.watch[(n, mode, "digest")] = watch.digest_watch(
                site, article, edits=args.watch_edits)
            if peers and peers[0].name == "hugo":
                log(f"   {mode:<7} watch          hugo")
                hugo_article = peers[0].content / article.relative_to(ours.content)
                report.watch[(n, mode, "hugo")] = watch.hugo_watch(
                    peers[0].cmd, hugo_article, edits=args.watch_edits)


def bench_normalize(args: argparse.Namespace, report: Report) -> None:
    site = Path(args.work) / f"normalize-{args.dumps}"
    shutil.rmtree(site, ignore_errors=True)
    corpus.write_dumps(args.dumps, site / "content" / "inbox", args.seed)
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yaml").write_text(MINIMAL_SITE)
    articles = site / "content" / "articles"
    engine = Engine(
        name="normalize", cmd=[sys.executable, "-m", "digest", "normalize", "--site", str(site)],
        content=articles, output=articles,
        caches=[site / ".digest-cache", site / "content" / ".digest-normalize.json"],
        template=site / "site.yaml", comment=str, trash=site.parent / "trash-normalize")
    log(f"== normalize: {args.dumps} dumps")
    sampling = Sampling(args.sample_ms / 1000, args.sample_budget)
    for case in ("cold", "nochange"):
        m = measure_case(case, [engine], args.runs, args.warmup, sampling)["normalize"]
        report.normalize[case] = m
        log(f"   normalize {case:<9} {m.wall.fmt()} s")
    report.normalize_files = args.dumps


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks run", description=__doc__)
    ap.add_argument("command", choices=["run"])
    ap.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per case (plus one warm-up)")
    ap.add_argument("--warmup", type=int, default=1, help="uncounted runs before each case")
    ap.add_argument("--modes", default=",".join(MODES), help="full, minimal or both")
    ap.add_argument("--cases", default=",".join(CASES),
                    help="comma-separated, of: " + ", ".join(CASES))
    ap.add_argument("--dumps", type=int, default=1000, help="raw dumps to normalise (0: skip)")
    ap.add_argument("--watch-edits", type=int, default=5, help="edits in watch mode (0: skip)")
    ap.add_argument("--hugo", default=shutil.which("hugo"), help="the hugo binary")
    ap.add_argument("--pelican", default=shutil.which("pelican"),
                    help="the pelican command, or a virtualenv holding it")
    ap.add_argument("--no-peers", action="store_true", help="time digest only")
    ap.add_argument("--work", default="/tmp/digest-bench", help="scratch folder (deleted per size)")
    ap.add_argument("--results", default=str(HERE / "results"), help="folder for the report")
    ap.add_argument("--name", default="", help="suffix for the report's file name")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample-ms", type=float, default=SAMPLE_INTERVAL * 1000,
                    help="memory of the process tree sampled every this many ms, at least")
    ap.add_argument("--sample-budget", type=float, default=SAMPLE_BUDGET,
                    help="most of one core's time spent sampling (a large tree is sampled "
                         "less often)")
    args = ap.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s and int(s) > 0]
    args.modes = [m for m in args.modes.split(",") if m]
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    for bad in set(args.modes) - set(MODES):
        ap.error(f"unknown mode {bad!r}")
    for bad in set(args.cases) - set(CASES):
        ap.error(f"unknown case {bad!r}")
    if args.no_peers:
        args.hugo = args.pelican = None
    if args.pelican and Path(args.pelican).is_dir():
        args.pelican = str(Path(args.pelican) / "bin" / "pelican")
    return args


def main(argv: Sequence[str] | None = None) -> Path:
    args = parse_args(argv)
    command = shlex.join(["python", "-m", "benchmarks", *(argv or sys.argv[1:])])
    report = Report(machine(args.hugo, args.pelican), command)
    report.machine["bytecode"] = precompile_digest()
    log(f"digest: {shlex.join(digest_command(Path('SITE')))}; {report.machine['bytecode']}")
    for n in args.sizes:
        bench_size(n, args, report)
    if args.dumps:
        bench_normalize(args, report)
    report.machine["load"] += f", at the end {load_average()}"
    text = markdown(report)
    print(text, end="")
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.name}" if args.name else ""
    path = results / f"{dt.date.today().isoformat()}-{report.machine['host']}{suffix}.md"
    path.write_text(text, encoding="utf-8")
    log(f"written to {path}")
    return path


if __name__ == "__main__":
    main()
