"""The benchmark harness: a deterministic corpus, and a tiny digest-only run (no timing checks)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from digest.frontmatter import parse_document

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import corpus, run


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
