"""The command line: version, help with examples, exit codes and user-facing errors."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from digest import __version__
from digest.cli import main

COMMANDS = ["init", "normalize", "build", "serve", "check", "email"]
# Commands that read site.yaml, and the module each one runs.
SITE_COMMANDS = {"normalize": "normalize", "build": "build", "serve": "serve", "check": "check"}


def run(*args: str, cwd: Path | None = None) -> Result:
    """Run `digest ARGS` (in `cwd` when given) as a user would, catching nothing extra."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), prog_name="digest")
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), prog_name="digest")
    finally:
        os.chdir(old)


@pytest.fixture
def stub_missing_commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Replace each command's verb by one that fails the test if it is ever called, so a
    test using this proves the command stopped at the configuration."""

    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the command ran although site.yaml is broken")

    for name in SITE_COMMANDS.values():
        monkeypatch.setattr(importlib.import_module(f"digest.{name}"), name, never)
    yield


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"digest, version {__version__}\n"


def test_help_lists_every_command_and_shows_an_example() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: digest [OPTIONS] COMMAND [ARGS]...\n")
    assert "Example:\n    digest init my-digest && cd my-digest\n" in result.output
    for command in COMMANDS:
        assert f"  {command} " in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_shows_an_example(command: str) -> None:
    for flag in ("--help", "-h"):
        result = run(command, flag)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"Usage: digest {command} [OPTIONS]")
        assert "Example" in result.output
        assert f"digest {command}" in result.output.split("Example", 1)[1]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "init"])
def test_site_commands_offer_the_site_option(command: str) -> None:
    assert "--site DIRECTORY" in run(command, "--help").output


@pytest.mark.parametrize(("args", "message"), [
    (["frobnicate"], "No such command 'frobnicate'."),
    (["init", "a", "b"], "Got unexpected extra argument (b)"),
    (["build", "--jobs", "0"], "Invalid value for '--jobs' / '-j': 0 is not in the range x>=1."),
    (["serve", "--port", "70000"], "Invalid value for '--port': 70000 is not in the range"),
    (["normalize", "--colour"], "No such option '--colour'"),
    (["check", "extra"], "Got unexpected extra argument (extra)"),
])
def test_bad_usage_exits_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def _bad_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content" / "inbox").mkdir(parents=True)
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yaml").write_text("title: Test\ntheme: default\nserach: true\n", encoding="utf-8")
    return site


@pytest.mark.usefixtures("stub_missing_commands")
@pytest.mark.parametrize("command", list(SITE_COMMANDS))
def test_bad_site_yaml_exits_1_with_path_line_and_hint(command: str, tmp_path: Path) -> None:
    site = _bad_site(tmp_path)
    result = run(command, "--site", str(site))
    assert result.exit_code == 1, result.output
    assert result.stderr == "site.yaml:3: unknown key 'serach'\n  did you mean 'search'?\n"
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, AssertionError)


@pytest.mark.usefixtures("stub_missing_commands")
def test_every_config_problem_is_printed(tmp_path: Path) -> None:
    site = _bad_site(tmp_path)
    (site / "site.yaml").write_text("titel: T\npage_size: many\n", encoding="utf-8")
    result = run("check", "--site", str(site))
    assert result.exit_code == 1
    assert result.stderr == (
        "site.yaml:1: unknown key 'titel'\n  did you mean 'title'?\n"
        "site.yaml:2: page_size must be a whole number\n"
    )


@pytest.mark.usefixtures("stub_missing_commands")
@pytest.mark.parametrize("command", list(SITE_COMMANDS))
def test_no_site_yaml_exits_1(command: str, tmp_path: Path) -> None:
    result = run(command, "--site", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path.resolve() / 'site.yaml'}: no site.yaml here\n"
        "  run digest in a site folder, pass --site DIR, or create one with `digest init DIR`\n"
    )
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("stub_missing_commands")
def test_the_current_folder_is_the_default_site(tmp_path: Path) -> None:
    result = run("check", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path.resolve() / 'site.yaml'}: no site.yaml here\n")


def test_init_creates_a_site_and_says_what_it_did(tmp_path: Path) -> None:
    target = tmp_path / "my-digest"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    assert f"created {target / 'site.yaml'}\n" in result.stdout
    assert f"created {target / 'content' / 'articles'}\n" in result.stdout
    assert result.stdout.endswith(f"\nNext: cd {target} && digest serve\n")
    assert (target / "site.yaml").is_file()


def test_init_without_a_folder_makes_the_site_here(tmp_path: Path) -> None:
    result = run("init", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site.yaml").is_file() and (tmp_path / "content" / "articles").is_dir()
    assert result.stdout.endswith("\nNext: digest serve\n")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path}: folder is not empty: digest init only creates new sites\n"
        "  pick a new folder name, or add --force to add the missing files "
        "(files already there are kept)\n"
    )
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_site_option_builds_another_folder(tmp_path: Path) -> None:
    site = tmp_path / "elsewhere"
    assert run("init", str(site)).exit_code == 0
    here = tmp_path / "here"
    here.mkdir()
    steps: list[Callable[[], Result]] = [
        lambda: run("normalize", "--site", str(site), cwd=here),
        lambda: run("build", "--site", str(site), cwd=here),
    ]
    for step in steps:
        result = step()
        assert result.exit_code == 0, result.output
    assert (site / "_site" / "index.html").is_file()
    assert list(here.iterdir()) == []


def test_init_into_a_folder_with_only_dot_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = run("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert f"created {tmp_path / 'site.yaml'}\n" in result.stdout
    assert (tmp_path / ".git").is_dir()


def test_init_force_reports_the_files_it_kept(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("my own readme", encoding="utf-8")
    result = run("init", str(tmp_path), "--force")
    assert result.exit_code == 0, result.output
    assert f"kept {tmp_path / 'README.md'} (already there)\n" in result.stdout
    assert f"created {tmp_path / 'site.yaml'}\n" in result.stdout
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "my own readme"


WAITING = "note: 1 dump in content/inbox/ is not normalised yet: run `digest normalize`\n"


@pytest.mark.parametrize("command", ["build", "check"])
def test_build_and_check_say_when_dumps_wait_in_the_inbox(command: str, tmp_path: Path) -> None:
    site = tmp_path / "s"
    assert run("init", str(site)).exit_code == 0
    result = run(command, cwd=site)
    assert WAITING in result.stderr
    assert run("normalize", cwd=site).exit_code == 0
    assert run("build", cwd=site).exit_code == 0
    result = run(command, cwd=site)
    assert result.exit_code == 0, result.output
    assert "not normalised" not in result.output
    # An edited dump waits again; --site is named in what to run.
    dump = next((site / "content" / "inbox").iterdir())
    dump.write_bytes(dump.read_bytes() + b"\nOne more line.\n")
    result = run(command, "--site", str(site), cwd=tmp_path)
    assert (f"note: 1 dump in content/inbox/ is not normalised yet: "
            f"run `digest normalize --site {site}`\n") in result.stderr


def test_serve_on_a_busy_port_says_so_before_building(tmp_path: Path) -> None:
    import socket

    site = tmp_path / "s"
    assert run("init", str(site)).exit_code == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--site", str(site), "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"127.0.0.1:{port}: port {port} is in use\n  ")
    assert "--port" in result.stderr and "Traceback" not in result.output
    assert not (site / "_site").exists()  # nothing was built


def test_each_build_sees_the_edits_additions_and_deletions_before_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_build_support import copy_site, equals_clean_build

    import digest.build_inputs

    site = copy_site("basic", tmp_path)

    # The stamps must come from the child that scanned while the build was imported (one
    # there is even on a machine of one processor, where the build would scan itself).
    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the build scanned for itself")

    monkeypatch.setattr(digest.build_inputs, "scan", never)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    articles = site / "content/articles"
    ports = articles / "economist/2025-09-30-ports.md"
    added = articles / "guardian/2025-10-03-late.md"
    steps: list[Callable[[], object]] = [
        lambda: None,
        lambda: ports.write_text(ports.read_text() + "\nHeronsong at the docks.\n"),
        lambda: added.write_text("---\ntitle: A late story\npublication: The Guardian\n"
                                 "date: 2025-10-03\n---\n\nLast of the week.\n"),
        added.unlink,
    ]
    for step in steps:
        step()
        result = run("build", "--site", str(site))
        assert result.exit_code == 0, result.output
    pages = {p.relative_to(site / "_site").as_posix(): p.read_text()
             for p in (site / "_site").rglob("*.html")}
    assert any("Heronsong" in text for text in pages.values())
    assert not any("A late story" in text for text in pages.values())
    monkeypatch.undo()  # the clean build below runs in this process, without a child
    assert equals_clean_build(site, tmp_path / "clean")
