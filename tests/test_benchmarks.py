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
