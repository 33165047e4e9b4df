"""The benchmark harness: a deterministic corpus, and a tiny digest-only run (no timing checks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest.frontmatter import parse_document

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import corpus, run, timing


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        corpus.write_articles(corpus.articles(20, seed=3), tmp_path / name / "articles")
        corpus.write_articles(corpus.articles(20, seed=3), tmp_path / name / "hugo", hugo=True)
        corpus.write_dumps(20, tmp_path / name / "inbox", seed=3)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b
    assert sum(key.startswith("articles/") for key in a) == 20
    assert sum(key.startswith("inbox/") for key in a) == 20
    assert corpus.articles(20, seed=4) != corpus.articles(20, seed=3)


def test_corpus_is_written_to_every_copy_at_once(tmp_path: Path) -> None:
    items = corpus.articles(40, seed=3)
    corpus.write_articles(items, tmp_path / "one" / "site")
    corpus.write_articles(items, tmp_path / "one" / "hugo", hugo=True)
    counts = corpus.write_corpus(corpus.iter_articles(40, seed=3),
                                 [(tmp_path / "two" / "site", False),
                                  (tmp_path / "two" / "hugo", True)])
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert sum(counts.publications.values()) == 40
    assert counts.largest() == (max(counts.publications.values()), max(counts.tags.values()))


def test_articles_are_what_digest_reads(tmp_path: Path) -> None:
    items = corpus.articles(30)
    corpus.write_articles(items, tmp_path)
    for art in items:
        path = tmp_path / art.relpath
        assert path.name.startswith(art.day)
        doc = parse_document(path.read_text(encoding="utf-8"), str(path))
        assert doc.meta.title == art.title and doc.meta.publication == art.publication
        assert "\n## " in doc.body and "\n- " in doc.body and "](https://" in doc.body
        assert "*" in doc.body
        assert 600 <= len(doc.body.split()) <= 1000
    assert 'days: ["' in items[0].text(hugo=True)


def test_dumps_have_the_magzter_app_shape() -> None:
    import random

    _name, text = corpus.dump(random.Random(5), 0)
    lines = text.splitlines()
    assert lines[0] in ("Try GOLD - Free", "Versuchen GOLD - Frei")
    assert lines[3].startswith("|") and lines[2] in corpus.PUBLICATIONS
    assert "Magzter GOLD" in text and lines[-3:] == ["Listen", "Translate", "Change font size"]


def test_harness_runs_digest_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = ["cold", "nochange", "title"]
    path = run.main([
        "run", "--sizes", "20", "--runs", "1", "--warmup", "0", "--no-peers", "--dumps", "0",
        "--watch-edits", "0", "--modes", "minimal", "--cases", ",".join(cases),
        "--work", str(tmp_path / "work"), "--results", str(tmp_path),
    ])
    text = path.read_text(encoding="utf-8")
    assert text == capsys.readouterr().out
    rows = [line for line in text.splitlines() if line.startswith("| 20 |")]
    assert [row.split(" | ")[1:4] for row in rows] == [["minimal", c, "digest"] for c in cases]
    assert "| hugo |" not in text and "## Targets" in text
    assert "peak MiB, tree RSS | peak MiB, tree PSS" in text
    assert "Bytecode: digest runs without PYTHONDONTWRITEBYTECODE" in text
    assert all(len(row.split(" | ")) == 13 for row in rows)


def test_timed_commands_may_write_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("BENCH_KEPT", "yes")
    env = timing.bench_env()
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["BENCH_KEPT"] == "yes"


_FORKING = """
import os, sys, time
data = bytearray(64 * 2**20)
for i in range(0, len(data), 4096):
    data[i] = 1
if os.fork() == 0:
    time.sleep(60)
    os._exit(0)
print("ready", flush=True)
time.sleep(60)
"""


def test_tree_pss_counts_forked_pages_once() -> None:
    with subprocess.Popen([sys.executable, "-c", _FORKING], stdout=subprocess.PIPE,
                          start_new_session=True) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
            time.sleep(0.2)
            m = timing.tree_memory(proc.pid)
            # Parent and child each hold the 64 MiB: RSS counts it twice, PSS once.
            assert m.fallbacks == 0
            assert m.rss_mib > 128
            assert 64 < m.pss_mib < 0.75 * m.rss_mib
            with timing.TreeSampler(proc.pid, interval=0.02, budget=1.0) as sampler:
                time.sleep(0.3)
            assert sampler.samples >= 3
            assert sampler.rss_mib > 128 and 64 < sampler.pss_mib < 0.75 * sampler.rss_mib
        finally:
            os.killpg(proc.pid, signal.SIGKILL)


_REPORT = """# digest benchmark

Machine: Test CPU, 2 cores, 23.5 GiB RAM, Linux; Python 3.11.7; digest, version 0.1.0.
Command: `python -m benchmarks run --sizes 1000,10000`; load average at the start 0.9.

## Builds

| N | mode | case | engine | wall s, median (min-max) | cpu s | pages | engine/Hugo, paired |
|---|---|---|---|---|---|---|---|
| 1,000 | full | cold | digest | 1.75 (1.68-2.18) | 2.9 | 1,586 | 0.80 (0.70-0.95) |
| 1,000 | full | cold | hugo | 2.23 (1.64-2.52) | 2.1 | 1,677 |  |
| 1,000 | full | cold --jobs 1 | digest | 2.91 (2.80-3.04) | 2.9 | 1,586 |  |
| 1,000 | full | nochange | digest | 0.19 (0.18-0.19) | 0.19 | 1,586 | 0.10 (0.10-0.11) |
| 1,000 | full | body | hugo | 2.02 | 2.3 | 1,677 |  |
| 10,000 | minimal | cold | digest | 10.04 (9.83-13.26) | 17.05 | 10,473 |  |
| 10,000 | minimal | body | digest | 0.57 (0.57-0.64) | 0.56 | 10,473 |  |

## Watch mode: save one article -> reload

| N | mode | engine | latency s, median (min-max) | first build s | peak MiB |
|---|---|---|---|---|---|
| 1,000 | full | digest | 0.094 (0.085-0.099) | 1.80 | 200 |
"""


def test_plot_reads_the_builds_table_by_its_columns(tmp_path: Path) -> None:
    from benchmarks import plot

    figures = {f.key: f for f in plot.parse_report(_REPORT, "r.md")}
    assert set(figures) == {
        (1000, "full", "cold", "digest"), (1000, "full", "cold", "hugo"),
        (1000, "full", "cold --jobs 1", "digest"), (1000, "full", "nochange", "digest"),
        (1000, "full", "body", "hugo"), (10000, "minimal", "cold", "digest"),
        (10000, "minimal", "body", "digest")}
    cold = figures[(1000, "full", "cold", "hugo")]
    assert (cold.median, cold.low, cold.high) == (2.23, 1.64, 2.52)
    one_run = figures[(1000, "full", "body", "hugo")]
    assert (one_run.median, one_run.low, one_run.high) == (2.02, 2.02, 2.02)
    # A later report (by the date it is named after, then its name) wins where both measured.
    (tmp_path / "2026-11-30-vm-full.md").write_text(_REPORT, encoding="utf-8")
    (tmp_path / "2026-11-30-vm-full-rerun.md").write_text(
        _REPORT.replace("| 1.75 (1.68-2.18) |", "| 1.50 |"), encoding="utf-8")
    (tmp_path / "2026-10-01-vm.md").write_text(
        _REPORT.replace("| 0.57 (0.57-0.64) |", "| 9.00 |"), encoding="utf-8")
    loaded = plot.load_results(tmp_path)
    assert loaded[(1000, "full", "cold", "digest")].median == 1.50
    assert loaded[(10000, "minimal", "body", "digest")].median == 0.57
    # Within a day, the time a report started comes before its name.
    (tmp_path / "2026-11-30-vm-b.md").write_text(
        _REPORT.replace("| 1.75 (1.68-2.18) |", "| 1.20 |").replace(
            "## Builds", "Started: 2026-11-30 08:00 UTC.\n\n## Builds"), encoding="utf-8")
    (tmp_path / "2026-11-30-vm-a.md").write_text(
        _REPORT.replace("| 1.75 (1.68-2.18) |", "| 1.10 |").replace(
            "## Builds", "Started: 2026-11-30 09:30 UTC.\n\n## Builds"), encoding="utf-8")
    assert plot.load_results(tmp_path)[(1000, "full", "cold", "digest")].median == 1.10
    # The reports kept in the repository give their figures too.
    kept = plot.load_results(Path(plot.HERE) / "results")
    assert {"digest", "hugo"} <= {f.engine for f in kept.values() if f.case == "cold"}


def test_plot_writes_an_svg_of_the_figures(tmp_path: Path) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("matplotlib is not installed: pip install -e '.[bench]'")
    import xml.etree.ElementTree as ET

    results = tmp_path / "results"
    results.mkdir()
    (results / "2026-11-30-vm.md").write_text(_REPORT, encoding="utf-8")
    svg = tmp_path / "docs" / "performance.svg"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "plot", "--results", str(results),
         "--output", str(svg)],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join("".join(node.itertext()) for node in root.iter()
                    if node.tag.endswith("text"))
    for label in ("Cold build", "Nothing changed", "One article's body edited", "articles",
                  "digest, full mode", "Hugo, full mode", "digest, minimal mode", "1k", "10k",
                  "Test CPU, 2 cores: N = 1k, 10k (2026-11-30-vm)"):
        assert label in text, label
    assert not list(svg.parent.glob(".*partial"))


def test_full_mode_pairs_digest_with_hugos_full_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A stand-in for the hugo binary: writes one page naming the site it was given.
    fake = tmp_path / "hugo"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        "args = sys.argv[1:]\n"
        "if args[:1] == ['version']:\n"
        "    sys.exit(print('hugo v0.0 stand-in'))\n"
        "out = pathlib.Path(args[args.index('--destination') + 1])\n"
        "out.mkdir(parents=True, exist_ok=True)\n"
        "(out / 'index.html').write_text(args[args.index('--source') + 1])\n",
        encoding="utf-8")
    fake.chmod(0o755)
    work = tmp_path / "work"
    path = run.main([
        "run", "--sizes", "20", "--runs", "1", "--warmup", "0", "--hugo", str(fake),
        "--pelican", "", "--dumps", "0", "--watch-edits", "0", "--modes", "full",
        "--cases", "cold", "--work", str(work), "--results", str(tmp_path),
    ])
    capsys.readouterr()
    text = path.read_text(encoding="utf-8")
    rows = {tuple(line.split(" | ")[1:4]): line for line in text.splitlines()
            if line.startswith("| 20 |")}
    assert set(rows) == {("full", "cold", "digest"), ("full", "cold", "hugo")}
    assert rows[("full", "cold", "digest")].rstrip(" |").endswith(")")  # the paired ratio
    site = work / "n20" / "hugo-full-site"
    assert (site / "hugo.toml").read_text(encoding="utf-8") == (
        run.HERE / "peers" / "hugo-full" / "hugo.toml").read_text(encoding="utf-8")
    assert (work / "n20" / "out-hugo-full" / "index.html").read_text() == str(site)
    assert "full mode page set: digest" in text and "full: cold build vs Hugo's cold" in text


def test_paired_runs_two_versions_in_turn_and_restores_the_sites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_build_support import copy_site

    from benchmarks import paired

    root = Path(__file__).resolve().parent.parent
    sites = [copy_site("basic", tmp_path / name) for name in ("a", "b")]
    articles = sorted(p.relative_to(sites[0]) for p in (sites[0] / "content").rglob("*.md"))
    paired.main(["--before", str(root), "--after", str(root), "--sites", *map(str, sites),
                 "--case", "added", "--runs", "2", "--work", str(tmp_path / "work")])
    out = capsys.readouterr().out
    assert out.startswith("added, 2 runs each, in turn\n")
    assert "  before wall median" in out and "  after  wall median" in out
    assert "after/before, run by run: median" in out
    for site in sites:  # the added articles are gone, and the site is built without them
        assert sorted(p.relative_to(site) for p in (site / "content").rglob("*.md")) == articles
        assert not list((site / "_site").rglob("*added-story*"))


def test_paired_runs_each_version_from_its_own_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from the repository's root (as the recipe says), the version named --before
    # must be the one that builds its copy, not the package in the current folder.
    from test_build_support import copy_site

    from benchmarks import paired

    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    before = tmp_path / "before"
    (before / "digest").mkdir(parents=True)
    (before / "digest/__init__.py").write_text("")
    log = tmp_path / "before.log"
    (before / "digest/__main__.py").write_text(
        f"import sys\nwith open({str(log)!r}, 'a') as f:\n"
        "    f.write(' '.join(sys.argv[1:]) + '\\n')\n")
    sites = [copy_site("basic", tmp_path / name) for name in ("a", "b")]
    paired.main(["--before", str(before), "--after", str(root), "--sites", *map(str, sites),
                 "--case", "nochange", "--runs", "2", "--work", str(tmp_path / "work")])
    assert "after/before" in capsys.readouterr().out
    calls = log.read_text().splitlines()
    assert calls == [f"build --site {sites[0].resolve()}"] * 3  # the first build, two runs
    assert not (sites[0] / "_site").exists() and (sites[1] / "_site/index.html").is_file()
