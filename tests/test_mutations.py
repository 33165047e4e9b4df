"""Mutations that once passed the whole suite unnoticed, each now caught by a named test.

Every entry is a small textual patch (old source -> new source) that makes a bug a user
would notice. The slow test copies the `digest` package and the bundled themes, runs the
tests that must catch the mutation against the copy (first on the import path) and sees
them pass, applies the patch to the copy and sees them fail. The fast test checks that
every old snippet is still in the real source, so that the list follows the code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the repository
    old: str
    new: str
    tests: tuple[str, ...]  # test ids relative to tests/


MUTATIONS = (
    Mutation(
        "the configuration's hash left out of the build key",
        "digest/build_inputs.py",
        "(salt, stamp, files_stamp(site_files), config.fingerprint), protocol=5)",
        "(salt, stamp, files_stamp(site_files)), protocol=5)",
        ("test_build_incremental.py::test_a_site_yaml_change_builds_the_same_site_as_a_clean_build",),
    ),
    Mutation(
        "a page's reads of site.yaml's keys not recorded",
        "digest/config.py",
        '            record(("config", name))\n',
        "            pass\n",
        ("test_build_incremental.py::test_each_site_yaml_key_alone_builds_the_same_site_as_a_clean_build",),
    ),
    Mutation(
        "the rights policy left out of the cache key",
        "digest/build_state.py",
        '            f"|{config.rights!r}")',
        '            "")',
        ("test_rights.py::test_a_policy_change_rebuilds_what_it_changes",),
    ),
    Mutation(
        "feed attributes holding both quote kinds keep their double quotes",
        "digest/feeds.py",
        """return '"{}"'.format(text.replace('"', "&quot;"))""",
        """return '"{}"'.format(text)""",
        ("test_feeds.py::test_attributes_holding_both_quote_kinds_round_trip",),
    ),
    Mutation(
        "normalize --force drops the curator's status",
        "digest/model.py",
        'CURATOR_FIELDS = ("note", "featured", "order", "status", ',
        'CURATOR_FIELDS = ("note", "featured", "order", ',
        ("test_normalize_run.py::test_force_without_the_state_file_keeps_every_curator_field",),
    ),
    Mutation(
        "digest serve normalises inbox changes with --force",
        "digest/serve.py",
        "self.config, dumps, force=False,",
        "self.config, dumps, force=True,",
        ("test_serve.py::test_an_inbox_change_while_serving_never_overwrites_a_curator_edit",),
    ),
    Mutation(
        "a status change keeps the article's place in the site",
        "digest/placement.py",
        "meta.effective_status, meta.featured, meta.order, article.files)",
        '"published" if meta.status == "draft" else meta.effective_status, meta.featured, '
        "meta.order, article.files)",
        ("test_build_incremental.py::test_publishing_and_unpublishing_a_draft_equals_a_clean_build",),
    ),
    Mutation(
        "the excerpt left out of what lists show of an article",
        "digest/load.py",
        "summary = sha1_hex(repr((source, meta, excerpt, minutes, mode)).encode())",
        "summary = sha1_hex(repr((source, meta, minutes, mode)).encode())",
        ("test_build_incremental.py::test_an_excerpt_edit_rerenders_the_lists_that_show_it",),
    ),
    Mutation(
        "a kept edition's e-mail used without comparing what it read",
        "digest/fragments.py",
        "if found is not None and all(value(item) == was for item, was in found[0]):",
        "if found is not None:",
        ("test_edition_feed.py::test_editions_whose_reads_kept_their_values_are_not_rendered_again",),
    ),
    Mutation(
        "a kept edition's reads left out of the feed's",
        "digest/fragments.py",
        "            record_all(item for item, _ in found[0])\n",
        "",
        ("test_edition_feed.py::test_a_feed_made_of_kept_editions_is_rendered_again_when_they_change",),
    ),
    Mutation(
        "the search filter inserts publication names as HTML",
        "themes/default/static/search.js",
        "for (const [value, label] of options[name]) select.append(new Option(label, value));",
        "for (const [value, label] of options[name]) {\n"
        '          select.insertAdjacentHTML("beforeend", `<option>${label}</option>`);\n'
        "        }",
        ("test_browser_site.py::test_search_filter_shows_a_publication_name_as_text",),
    ),
    Mutation(
        "reading an article's body through `body` is not recorded",
        "digest/view_objects.py",
        "    def body(self) -> str:\n        record(self._body_item)\n",
        "    def body(self) -> str:\n",
        ("test_incremental_machine.py::test_bodies_shown_in_lists_through_article_body",),
    ),
    Mutation(
        "a kept macro result forgets what it read",
        "digest/template_calls.py",
        "record_all(reads)  # a kept result read what it read when it was made",
        "pass",
        ("test_reads.py::test_kept_macro_results_replay_their_reads",),
    ),
)


def test_every_mutation_still_names_real_source() -> None:
    for mutation in MUTATIONS:
        source = (REPO / mutation.path).read_text(encoding="utf-8")
        assert source.count(mutation.old) == 1, (mutation.name, mutation.path)
        for test in mutation.tests:
            file, _, name = test.partition("::")
            assert f"def {name}(" in (REPO / "tests" / file).read_text(encoding="utf-8"), test


def _copy_package(dest: Path) -> Path:
    """`digest` and the bundled themes side by side, as in a checkout that is not installed."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "digest", dest / "digest", ignore=ignore)
    shutil.copytree(REPO / "themes", dest / "themes", ignore=ignore)
    return dest


def _pytest(copy: Path, tests: list[str]) -> subprocess.CompletedProcess[str]:
    # Run from the copy: `python -m` puts the working folder first on the import path.
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-c", str(REPO / "pyproject.toml"), "--rootdir", str(REPO),
         *(str(REPO / "tests" / t) for t in tests)],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_the_copy_is_what_the_catching_tests_import(tmp_path: Path) -> None:
    copy = _copy_package(tmp_path)
    where = subprocess.run(
        [sys.executable, "-c", "import digest, digest.theme_files as t; "
         "print(digest.__file__); print(t.bundled_themes())"],
        cwd=copy, env={**os.environ, "PYTHONPATH": str(copy)},
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert where == [str(copy / "digest/__init__.py"), str(copy / "themes")]


@pytest.mark.slow
@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.path for m in MUTATIONS])
def test_the_mutation_is_caught(tmp_path: Path, mutation: Mutation) -> None:
    copy = _copy_package(tmp_path)
    # Unmutated first: a copy that cannot pass them would make any mutation "caught".
    before = _pytest(copy, list(mutation.tests))
    assert before.returncode == 0, (mutation.name, before.stdout[-3000:], before.stderr[-2000:])
    if " passed" not in before.stdout.splitlines()[-1]:  # skipped: chromium missing, say
        message = f"the catching tests did not run: {before.stdout.splitlines()[-1]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    target = copy / mutation.path
    source = target.read_text(encoding="utf-8")
    assert source.count(mutation.old) == 1, mutation.name
    target.write_text(source.replace(mutation.old, mutation.new), encoding="utf-8")
    result = _pytest(copy, list(mutation.tests))
    # 1: tests ran and failed (not 2-5: interrupted, internal error, usage, none collected).
    assert result.returncode == 1, (mutation.name, result.stdout[-3000:], result.stderr[-2000:])
    assert "failed" in result.stdout.splitlines()[-1], result.stdout[-1000:]
