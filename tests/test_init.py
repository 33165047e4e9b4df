"""`digest init`: a new site that loads, normalises and builds at once; nothing overwritten."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digest.cli import main
from digest.config import _TYPES, SiteConfig, load_config
from digest.errors import DigestError
from digest.init import init_site


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def test_init_creates_the_files(tmp_path: Path) -> None:
    target = tmp_path / "my-digest"
    created = init_site(target).created
    rel = [p.relative_to(target).as_posix() for p in created]
    assert "site.yaml" in rel and "README.md" in rel and "content/articles" in rel
    inbox = [r for r in rel if r.startswith("content/inbox/")]
    assert len(inbox) == 1 and inbox[0].endswith(".txt")
    for path in created:
        assert path.exists()
        assert path.is_relative_to(target)
    assert (target / "content" / "articles").is_dir()
    assert not any((target / "content" / "articles").iterdir())
    # Everything created is reported, and nothing else is there.
    on_disk = {p for p in target.rglob("*") if p.is_file()}
    assert on_disk == {p for p in created if p.is_file()}


def test_init_in_an_existing_empty_folder(tmp_path: Path) -> None:
    created = init_site(tmp_path).created
    assert tmp_path / "site.yaml" in created


def test_init_in_a_folder_holding_only_dot_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("_site/\n", encoding="utf-8")
    report = init_site(tmp_path)
    assert tmp_path / "site.yaml" in report.created and report.kept == ()
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "_site/\n"
    assert (tmp_path / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/main\n"


def test_force_adds_what_is_missing_and_keeps_every_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "site.yaml").write_text("title: Mine\n", encoding="utf-8")
    before = _snapshot(tmp_path)
    report = init_site(tmp_path, force=True)
    assert report.kept == (tmp_path / "site.yaml",)
    assert tmp_path / "README.md" in report.created
    assert tmp_path / "site.yaml" not in report.created
    after = _snapshot(tmp_path)
    assert {k: after[k] for k in before} == before  # nothing that was there changed
    assert (tmp_path / "content" / "articles").is_dir()
    assert len(list((tmp_path / "content" / "inbox").iterdir())) == 1
    # Again: everything is there now, so nothing is made and every file is kept.
    again = init_site(tmp_path, force=True)
    made = sum(path.is_file() and path.name != ".gitignore" for path in report.created)
    assert again.created == () and len(again.kept) == len(report.kept) + made
    assert _snapshot(tmp_path) == after


def test_the_new_site_config_loads_with_the_documented_values(tmp_path: Path) -> None:
    init_site(tmp_path / "s")
    config = load_config(tmp_path / "s")
    assert config.edition_period == "daily" and config.theme == "default"
    defaults = SiteConfig(root=config.root)
    assert config.permalinks == defaults.permalinks
    assert config.feeds == defaults.feeds
    assert (config.output, config.page_size, config.search, config.raw_html) == (
        defaults.output, defaults.page_size, defaults.search, defaults.raw_html
    )


def test_site_yaml_documents_every_key(tmp_path: Path) -> None:
    init_site(tmp_path / "s")
    text = (tmp_path / "s" / "site.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) == set(_TYPES)
    assert set(data["feeds"]) == {"atom", "json", "items", "editions"}
    lines = text.splitlines()
    for key in _TYPES:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[index - 1].startswith("#"), f"{key} has no comment above it"


def test_the_readme_explains_the_layout(tmp_path: Path) -> None:
    init_site(tmp_path / "s")
    readme = (tmp_path / "s" / "README.md").read_text(encoding="utf-8")
    for word in ("content/inbox/", "content/articles/", "never changes", "note:", "featured:",
                 "status:", "tags:", "digest normalize", "digest build"):
        assert word in readme


def test_the_example_dump_is_a_magzter_copy(tmp_path: Path) -> None:
    init_site(tmp_path / "s")
    (dump,) = (tmp_path / "s" / "content" / "inbox").iterdir()
    lines = dump.read_text(encoding="utf-8").splitlines()
    assert lines[3].startswith("|October ")
    assert any(line.startswith("This story is from the ") for line in lines)
    assert lines[-3:] == ["Listen", "Translate", "Change font size"]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "site.yaml").write_text("title: Mine\n", encoding="utf-8")
    before = _snapshot(target)
    with pytest.raises(DigestError) as exc:
        init_site(target)
    assert str(exc.value) == (
        f"{target}: folder is not empty: digest init only creates new sites\n"
        "  pick a new folder name, or add --force to add the missing files "
        "(files already there are kept)"
    )
    assert _snapshot(target) == before


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "site"
    init_site(target)
    (target / "site.yaml").write_text("title: Edited\n", encoding="utf-8")
    before = _snapshot(target)
    with pytest.raises(DigestError):
        init_site(target)
    assert _snapshot(target) == before


def test_a_new_site_keeps_what_digest_makes_out_of_git(tmp_path: Path) -> None:
    import subprocess

    site = tmp_path / "site"
    site.mkdir()
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    assert site / ".gitignore" in init_site(site).created
    runner = CliRunner()
    for command in ("normalize", "build"):  # _site/, .digest-cache/, the bookkeeping
        result = runner.invoke(main, [command, "--site", str(site)], prog_name="digest")
        assert result.exit_code == 0, result.output
    (site / "_email" / "2025-10-06").mkdir(parents=True)
    (site / "_email" / "2025-10-06" / "email.html").write_text("<p>x</p>")
    status = subprocess.run(["git", "-C", str(site), "status", "--porcelain",
                             "--untracked-files=all"], check=True, capture_output=True,
                            text=True).stdout
    untracked = sorted(line[3:] for line in status.splitlines())
    assert untracked and all(path.startswith((".github/", "content/", ".gitignore",
                                              "README.md", "site.yaml"))
                             for path in untracked), untracked


def test_a_gitignore_already_there_is_kept_and_what_it_lacks_is_said(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("__pycache__/\n_site\n", encoding="utf-8")
    report = init_site(tmp_path)
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "__pycache__/\n_site\n"
    assert tmp_path / ".gitignore" not in report.created
    assert report.to_ignore == ("_email/", ".digest-cache/", ".digest-output-*.json",
                                ".digest-writing-*")
    said = CliRunner().invoke(main, ["init", str(tmp_path / "again"), "--force"]).output
    assert "add these lines" not in said  # a .gitignore of its own: nothing to say
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ".gitignore").write_text("*.log\n", encoding="utf-8")
    said = CliRunner().invoke(main, ["init", str(tmp_path / "other")]).output
    assert "add these lines to it:\n  _site/\n  _email/\n" in said


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DigestError) as exc:
        init_site(target)
    assert str(exc.value) == f"{target}: exists and is not a folder\n  pick a new folder name"
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_skeleton_is_shipped_as_package_data() -> None:
    from importlib import resources

    skeleton = resources.files("digest") / "skeleton"
    assert (skeleton / "site.yaml").is_file()
    assert (skeleton / "README.md").is_file()


@pytest.mark.slow
def test_new_site_normalises_and_builds_at_once(tmp_path: Path) -> None:
    target = tmp_path / "fresh"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(target)]).exit_code == 0
    old = Path.cwd()
    os.chdir(target)
    try:
        normalized = runner.invoke(main, ["normalize"], prog_name="digest")
        assert normalized.exit_code == 0, normalized.output
        built = runner.invoke(main, ["build"], prog_name="digest")
        assert built.exit_code == 0, built.output
    finally:
        os.chdir(old)
    articles = list((target / "content" / "articles").rglob("*.md"))
    assert len(articles) == 1
    assert (target / "_site" / "index.html").is_file()
    index = (target / "_site" / "index.html").read_text(encoding="utf-8")
    assert "Island ferry gets a reading room for the winter crossings" in index
