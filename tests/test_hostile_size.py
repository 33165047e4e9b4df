"""Oversized input: a 20 MB dump (50 MB with DIGEST_STRESS=1), a 1-million-line article,
10,000 levels of nesting.

Each runs `python -m digest ...` in a child process, and its peak memory (the largest of
it and its workers) is read from its resource usage. A small launcher starts it and
reads that usage: a process started from the test process itself would count that
process's own peak too (subprocess starts children with vfork, and a full run of the
suite grows it to ~900 MB). Every case must end in bounded time and memory
with either a clear error (exit 1, no traceback) or a correct result: a whole page that
still holds the end of the text.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest.frontmatter import parse_document

FIGURES: dict[str, dict[str, object]] = {}
MB = 1024 * 1024
# The dump's size: memory and time grow in proportion, so 20 MB shows the bound; the
# heavier run (DIGEST_STRESS=1) pastes 50 MB.
DUMP_MB = 50 if os.environ.get("DIGEST_STRESS", "") not in ("", "0") else 20


@pytest.fixture(scope="module", autouse=True)
def _print_figures():
    yield
    if FIGURES:
        print("\nsize figures:", json.dumps(FIGURES))


# Runs the command it is given and writes the peak RSS (KiB) of it and its workers.
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def measured(args: list[str], site: Path, timeout: float) -> tuple[int, str, float, int]:
    """(exit code, output, seconds, peak RSS in bytes) of `digest ARGS` in a child."""
    log = site / f".run-{args[0]}.log"
    peak = site / f".run-{args[0]}.rss"
    env = {**os.environ, "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(peak), sys.executable, "-m", "digest", *args],
            cwd=site, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"`digest {' '.join(args)}` still running after {timeout} s")
    seconds = time.monotonic() - started
    return proc.returncode, log.read_text("utf-8"), seconds, int(peak.read_text()) * 1024


def new_site(root: Path) -> Path:
    (root / "content" / "inbox").mkdir(parents=True)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Big\nlanguage: en\n", "utf-8")
    return root


def front(title: str) -> str:
    return f"---\ntitle: {title}\npublication: Size Weekly\ndate: 2025-10-01\n---\n\n"


def check_clear_or_correct(code: int, output: str) -> None:
    assert "Traceback" not in output, output[-3000:]
    assert code in (0, 1), output[-2000:]
    if code == 1:
        assert output.strip(), "exit 1 without a message"


def whole_page(output: Path, needle: str) -> Path:
    for page in output.rglob("index.html"):
        text = page.read_text("utf-8")
        if needle in text:
            assert text.rstrip().endswith("</html>"), page
            return page
    raise AssertionError(f"no page holds {needle!r}")


@pytest.mark.slow
def test_huge_dump(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site")
    paragraph = "A paragraph of pasted text that goes on and on, with words. " * 20 + "\n"
    body = paragraph * (DUMP_MB * MB // len(paragraph))
    dump = (
        "Try GOLD - Free\nAn enormous paste\nThe Size Courier\n|October 01, 2025\n"
        + body + "THE VERY LAST SENTENCE.\n"
        "This story is from the October 01, 2025 edition of The Size Courier.\n"
        "Listen\nTranslate\nChange font size\n"
    )
    (site / "content" / "inbox" / "huge.txt").write_text(dump, "utf-8")
    size = len(dump.encode())
    code, output, seconds, rss = measured(["normalize"], site, timeout=180)
    FIGURES["dump"] = {"input_mb": round(size / MB, 1), "exit": code,
                       "seconds": round(seconds, 1), "peak_rss_mb": rss // MB}
    check_clear_or_correct(code, output)
    # About 22x the input was measured (1.1 GB for 50 MB): 40x plus the interpreter.
    assert rss < 40 * size + 128 * MB, FIGURES["dump"]
    if code == 0:
        [article] = [p for p in (site / "content" / "articles").rglob("*.md")]
        document = parse_document(article.read_text("utf-8"), str(article))
        assert "THE VERY LAST SENTENCE." in document.body, "the end of the dump was lost"
        assert len(document.body) > 0.9 * len(body)
    assert (site / "content" / "inbox" / "huge.txt").stat().st_size == size


@pytest.mark.slow
def test_one_million_line_article(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site")
    lines = "".join(f"line {i}\n" for i in range(1_000_000))
    text = front("Million lines") + lines
    (site / "content" / "articles" / "million.md").write_text(text, "utf-8")
    code, output, seconds, rss = measured(["build"], site, timeout=180)
    FIGURES["article_1m_lines"] = {"input_mb": round(len(text) / MB, 1), "exit": code,
                                   "seconds": round(seconds, 1), "peak_rss_mb": rss // MB}
    check_clear_or_correct(code, output)
    assert rss < 1536 * MB, FIGURES["article_1m_lines"]
    if code == 0:
        whole_page(site / "_site", "line 999999")


@pytest.mark.slow
def test_ten_thousand_levels_of_nesting(tmp_path: Path) -> None:
    depth = 10_000
    site = new_site(tmp_path / "site")
    articles = site / "content" / "articles"
    (articles / "dashes.md").write_text(front("Dashes") + "- " * depth + "END-DASHES\n", "utf-8")
    (articles / "quotes.md").write_text(front("Quotes") + ">" * depth + " END-QUOTES\n", "utf-8")
    # Nesting by indentation needs depth² bytes: 2,000 levels are already 4 MB.
    (articles / "indented.md").write_text(
        front("Indented") + "".join("  " * i + "- item\n" for i in range(2_000))
        + "END-INDENTED\n", "utf-8")
    (articles / "brackets.md").write_text(
        front("Brackets") + "[" * depth + "x" + "](y)" * depth + "\n\n"
        + "*a **" * depth + "\n\nEND-BRACKETS\n", "utf-8")
    (site / "content" / "inbox" / "deep.txt").write_text(
        "Deep dump\nThe Deep Courier\n|October 02, 2025\n" + ">" * depth + " quoted\n"
        + "- " * depth + "listed\nEND-DUMP\n", "utf-8")
    code, output, n_seconds, n_rss = measured(["normalize"], site, timeout=120)
    check_clear_or_correct(code, output)
    code, output, seconds, rss = measured(["build"], site, timeout=180)
    FIGURES["nesting_10k"] = {"exit": code, "normalize_seconds": round(n_seconds, 1),
                              "normalize_rss_mb": n_rss // MB, "build_seconds": round(seconds, 1),
                              "build_rss_mb": rss // MB}
    check_clear_or_correct(code, output)
    assert rss < 1024 * MB and n_rss < 1024 * MB, FIGURES["nesting_10k"]
    if code == 0:
        for needle in ("END-DASHES", "END-QUOTES", "END-INDENTED", "END-BRACKETS", "END-DUMP"):
            whole_page(site / "_site", needle)
