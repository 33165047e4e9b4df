"""Publishing: `build --base-url`, `check --publish`, the GitHub Pages workflow that
`digest init` ships (off until enabled), and the README's recipes, run as written."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner, Result
from test_build_support import copy_site, tree

from digest.build import build
from digest.cli import main
from digest.config import load_config

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = Path(".github/workflows/publish.yml.disabled")
DEPLOY_URL = "https://curator.example.io/digest"


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--site", str(site)], prog_name="digest")


def new_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    assert run_plain("init", str(site)).exit_code == 0
    normalized = run(site, "normalize")
    assert normalized.exit_code == 0, normalized.output
    return site


def run_plain(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="digest")


def test_init_ships_a_pages_workflow_that_is_off(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run_plain("init", str(site))
    assert result.exit_code == 0 and f"created {site / WORKFLOW}" in result.output
    folder = site / WORKFLOW.parent
    # GitHub runs only .yml and .yaml files of this folder: there are none until renamed.
    assert [p.name for p in folder.iterdir()] == [WORKFLOW.name]
    flow = yaml.safe_load((site / WORKFLOW).read_text(encoding="utf-8"))
    assert flow[True]["push"]["branches"] == ["main"]  # `on:` is YAML's true
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = flow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any("digest build --base-url" in r for r in runs)
    assert any("digest check --publish" in r for r in runs)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "_site"
    assert flow["jobs"]["deploy"]["needs"] == "build"
    # Without the package to install it stops with a message, not with pip's error.
    assert flow["env"]["DIGEST_PACKAGE"] == "" and "::error::set DIGEST_PACKAGE" in runs[2]


def recipe_commands() -> list[str]:
    """Every `digest ...` command of the README's Publishing section and of the workflow."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Publishing\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for block in re.findall(r"```sh\n(.*?)```", section, re.S)
             for line in block.splitlines()]
    flow = (REPO / "digest/skeleton" / WORKFLOW).read_text(encoding="utf-8")
    lines += re.findall(r"run: (digest .*)", flow)
    commands = [part.strip() for line in lines for part in line.split("&&")]
    return [c for c in commands if c.startswith("digest ")]


def test_the_readme_recipes_work_as_written(tmp_path: Path) -> None:
    commands = recipe_commands()
    assert len(commands) == 6 and "digest check --publish --base-url \"$URL\"" in commands
    site = new_site(tmp_path)
    for command in commands:
        line = (command.replace("${{ steps.pages.outputs.base_url }}", DEPLOY_URL)
                .replace("$URL", DEPLOY_URL))
        result = run(site, *shlex.split(line)[1:])
        assert result.exit_code == 0, (line, result.output)
    assert "no problems found" in result.output
    home = (site / "_site/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{DEPLOY_URL}/">' in home  # the workflow's, last
    assert (site / "_site/sitemap.xml").is_file()


def test_build_base_url_overrides_site_yaml_for_one_build(tmp_path: Path) -> None:
    site = new_site(tmp_path)
    before = (site / "site.yaml").read_bytes()
    result = run(site, "build", "--base-url", DEPLOY_URL)
    assert result.exit_code == 0, result.output
    assert (site / "site.yaml").read_bytes() == before
    home = (site / "_site/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{DEPLOY_URL}/">' in home
    assert f"<loc>{DEPLOY_URL}/</loc>" in (site / "_site/sitemap.xml").read_text()
    assert f'href="{DEPLOY_URL}/feed.xml"' in (site / "_site/feed.xml").read_text()
    # Without it, the next build is site.yaml's again, exactly as a build from scratch.
    assert run(site, "build").exit_code == 0
    assert 'rel="canonical"' not in (site / "_site/index.html").read_text(encoding="utf-8")
    assert not (site / "_site/sitemap.xml").exists()
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-*"))
    assert run(clean, "build").exit_code == 0
    assert tree(site / "_site") == tree(clean / "_site")


def test_a_base_url_that_is_no_address_is_refused(tmp_path: Path) -> None:
    site = new_site(tmp_path)
    result = run(site, "build", "--base-url", "ftp://example.org/")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--base-url: 'ftp://example.org/' is neither a web address nor a path" in (
        result.output)


def test_check_publish_needs_a_full_address(tmp_path: Path) -> None:
    site = new_site(tmp_path)  # base_url: / as digest init writes it
    assert run(site, "build").exit_code == 0
    assert run(site, "check").exit_code == 0
    result = run(site, "check", "--publish")
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(
        (site / "site.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("base_url:"))
    assert f"site.yaml:{line}: base_url '/' is not the site's full address" in result.output
    assert "digest build --base-url" in result.output
    assert "note: base_url" not in result.output  # said once, as the problem
    assert run(site, "check", "--publish", "--base-url", DEPLOY_URL).exit_code == 0


def test_check_publish_fails_with_drafts_in_the_output(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    assert run(site, "build", "--drafts").exit_code == 0
    result = run(site, "check", "--publish")
    assert result.exit_code == 1
    assert ("content/articles/guardian/2025-10-02-draft-story.md: draft, but its page "
            "_site/the-guardian/2025-10-02-draft-story/index.html is in the output and would be "
            "published") in result.output
    assert run(site, "build").exit_code == 0
    result = run(site, "check", "--publish")
    assert result.exit_code == 0, result.output


def test_check_publish_fails_with_held_articles_in_the_output(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    story = site / "content/articles/economist/2025-10-02-chips.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "---\n", "---\nstatus: held\nreview: [the title was guessed]\n", 1), encoding="utf-8")
    # A preview's build (held articles shown) written where the site goes.
    report = build(load_config(site), drafts=True, serving=True, jobs=1)
    assert not report.problems
    result = run(site, "check", "--publish")
    assert result.exit_code == 1
    assert "content/articles/economist/2025-10-02-chips.md: held, but its page" in (
        result.output)


def test_check_publish_fails_with_files_the_build_did_not_write(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    assert run(site, "build").exit_code == 0
    (site / "_site/notes.txt").write_text("my private notes\n", encoding="utf-8")
    (site / "_site/static/old").mkdir()
    (site / "_site/static/old/.DS_Store").write_bytes(b"\0")
    result = run(site, "check", "--publish")
    assert result.exit_code == 1
    for rel in ("_site/notes.txt", "_site/static/old/.DS_Store"):
        assert (f"{rel}: not written by the last `digest build`: it would be published with "
                "the site") in result.output
    assert "2 problem(s) found" in result.output
    assert run(site, "check").exit_code == 0  # a plain check does not look for them
