"""Hostile YAML in article front matter and in site.yaml.

Every input here must end as a clear `path:line: message` (exit code 1 on the
command line, no traceback), quickly: never a crash, a hang or code running.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.config import parse_config
from digest.errors import DigestError
from digest.frontmatter import parse_document

PWNED = "/tmp/digest-hostile-yaml-pwned"

# name -> (front matter lines, line number the error must name)
ARTICLE_CASES: dict[str, tuple[str, int]] = {
    "billion_laughs": (
        'title: x\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n",
        3,
    ),
    "merge_key_alias": ("base: &b {title: x}\n<<: *b\n", 2),
    "python_apply": (f"title: !!python/object/apply:os.system ['touch {PWNED}']\n", 2),
    "python_new": (f"title: !!python/object/new:os.system ['touch {PWNED}']\n", 2),
    "python_name": ("title: !!python/name:os.system\n", 2),
    "custom_tag": ("title: !shell rm -rf /\n", 2),
    "binary_tag": ("title: x\nnote: !!binary aGVsbG8=\n", 3),
    "set_tag": ("title: x\ntags: !!set {a, b}\n", 3),
    "int_key": ("title: x\n1: y\n", 3),
    "null_key": ("title: x\nnull: y\n", 3),
    "bool_key": ("title: x\nyes: y\n", 3),
    "sequence_key": ("title: x\n? [a, b]\n: c\n", 3),
    "date_feb_30": ("title: x\ndate: 2025-02-30\n", 3),
    "date_word": ("title: x\ndate: yesterday\n", 3),
    "date_month_13": ("title: x\ndate: 2025-13\n", 3),
    "date_number": ("title: x\ndate: 20251001\n", 3),
    "date_year_zero": ("title: x\ndate: 0000-01-01\n", 3),
    "date_list": ("title: x\ndate: [2025, 10, 1]\n", 3),
    "title_list": ("title: [a, b]\n", 2),
    "title_mapping": ("title: {a: 1}\n", 2),
    "title_bool": ("title: yes\n", 2),
    "title_missing": ("author: x\n", 2),
    "title_5000_digits": ("title: " + "9" * 5000 + "\n", 2),
    "tags_number": ("title: x\ntags: 5\n", 3),
    "tags_nested": ("title: x\ntags: [[a]]\n", 3),
    "featured_text": ("title: x\nfeatured: 'yes'\n", 3),
    "reading_time_negative": ("title: x\nreading_time: -1\n", 3),
    "reading_time_float": ("title: x\nreading_time: 1.5\n", 3),
    "reading_time_inf": ("title: x\nreading_time: .inf\n", 3),
    "status_unknown": ("title: x\nstatus: maybe\n", 3),
    "related_text": ("title: x\nrelated: hello\n", 3),
    "source_number": ("title: x\nsource: 3\n", 3),
    "unknown_key": ("title: x\ntitel: y\n", 3),
    "duplicate_key": ("title: x\ntitle: y\n", 3),
    "deep_flow_nesting": ("title: x\ntags: " + "[" * 5000 + "]" * 5000 + "\n", 3),
    "nul_character": ("title: a\x00b\n", 2),
    "tab_indent": ("title:\tx\n\tfoo: 1\n", 3),
    "bad_mapping": ("title: x\n  foo: : :\n", 3),
    "list_root": ("- a\n- b\n", 2),
}


def _article(front: str) -> str:
    return f"---\n{front}---\n\nBody text.\n"


@pytest.fixture(autouse=True)
def _no_pwned_marker():
    if os.path.exists(PWNED):
        os.remove(PWNED)
    yield
    assert not os.path.exists(PWNED), "a YAML tag ran a shell command"


@pytest.mark.parametrize("name", sorted(ARTICLE_CASES))
def test_front_matter_error_names_path_and_line(name: str) -> None:
    front, line = ARTICLE_CASES[name]
    path = f"content/articles/{name}.md"
    started = time.perf_counter()
    with pytest.raises(DigestError) as caught:
        parse_document(_article(front), path)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{name}: took {elapsed:.2f}s"
    first = caught.value.problems[0]
    assert first.path == path
    assert first.line == line, f"{name}: {first}"
    assert str(first).startswith(f"{path}:{line}: ")


def test_non_text_key_message_shows_the_key_not_parser_internals() -> None:
    """A sequence or mapping used as a key is reported as the user wrote it."""
    for front in ("title: x\n? [a, b]\n: c\n", "title: x\n{a: 1}: c\n"):
        with pytest.raises(DigestError) as caught:
            parse_document(_article(front), "a.md")
        message = str(caught.value)
        assert "Node(" not in message, message
        assert "tag:yaml.org" not in message, message


CONFIG_CASES: dict[str, tuple[str, int]] = {
    "billion_laughs": ('title: x\na: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a]\n', 2),
    "python_apply": (f"title: !!python/object/apply:os.system ['touch {PWNED}']\n", 1),
    "int_key": ("title: x\n1: y\n", 2),
    "wrong_type_page_size": ("page_size: lots\n", 1),
    "wrong_type_raw_html": ("raw_html: 'yes'\n", 1),
    "wrong_type_feeds": ("feeds: [1]\n", 1),
    "edition_period": ("title: x\nedition_period: hourly\n", 2),
    "unknown_key": ("titel: x\n", 1),
    "output_absolute": ("output: /\n", 1),
    "output_parent": ("output: ../elsewhere\n", 1),
    "permalink_placeholder": ("permalinks: {article: '/{bogus}/'}\n", 1),
    "permalink_huge_width": ("permalinks: {article: '/{slug:>99999999999}/'}\n", 1),
    "permalink_width_memory": ("permalinks: {article: '/{slug:>200000000}/'}\n", 1),
    "permalink_attribute": ("permalinks: {article: '/{slug.__class__}/'}\n", 1),
    "permalink_index": ("permalinks: {article: '/{slug[0]}/'}\n", 1),
}


@pytest.mark.parametrize("name", sorted(CONFIG_CASES))
def test_site_yaml_error_names_line(name: str, tmp_path: Path) -> None:
    text, line = CONFIG_CASES[name]
    started = time.perf_counter()
    try:
        parse_config(text, tmp_path, "site.yaml")
    except DigestError as exc:
        problem = exc.problems[0]
        assert str(problem).startswith(f"site.yaml:{line}: "), str(problem)
    except BaseException as exc:  # a crash, not a user error
        pytest.fail(f"{name}: {type(exc).__name__}: {exc!s:.200}")
    else:
        pytest.fail(f"{name}: accepted")
    assert time.perf_counter() - started < 2.0


def _run_cli(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "digest", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=timeout,
    )


@pytest.mark.slow
def test_build_reports_every_hostile_article(make_site) -> None:
    """One site holding every hostile article plus one good one: the build names each bad
    file with its line, exits 1 without a traceback, in bounded time, and still builds
    the good article."""
    articles = {f"{name}.md": _article(front) for name, (front, _) in ARTICLE_CASES.items()}
    articles["good.md"] = _article("title: The good one\npublication: Courier\ndate: 2025-10-01\n")
    site = make_site(articles=articles)
    started = time.perf_counter()
    result = _run_cli(["build"], site, timeout=120)
    elapsed = time.perf_counter() - started
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode == 1, output[-3000:]
    for name, (_, line) in ARTICLE_CASES.items():
        assert re.search(rf"content/articles/{name}\.md:{line}: ", output), (name, output[-3000:])
    assert elapsed < 60
    built = list((site / "_site").rglob("*.html"))
    assert any("The good one" in p.read_text(encoding="utf-8") for p in built)


@pytest.mark.parametrize("name", sorted(CONFIG_CASES))
def test_cli_site_yaml_error_exit_1_no_traceback(name: str, make_site) -> None:
    text, line = CONFIG_CASES[name]
    # One article, so that every permalink pattern is really used.
    site = make_site(config=text, articles={"2025-10-01-one.md": _article(
        "title: One\npublication: Courier\ndate: 2025-10-01\ntags: [a]\n")})
    if name.startswith("permalink"):
        # A bad pattern can make the build itself run away: a child process, with a limit.
        try:
            result = _run_cli(["build", "--site", str(site)], site, timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name}: `digest build` still running after 20 s")
        output, code = result.stdout + result.stderr, result.returncode
    else:
        started = time.perf_counter()
        outcome = CliRunner().invoke(main, ["build", "--site", str(site)])
        assert time.perf_counter() - started < 10
        if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
            pytest.fail(f"{name}: {type(outcome.exception).__name__}: {outcome.exception!s:.200}")
        output, code = outcome.output, outcome.exit_code
    assert "Traceback" not in output, output[-2000:]
    assert code == 1, output[-2000:]
    assert f"site.yaml:{line}: " in output, output[-2000:]
