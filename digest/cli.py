"""The `digest` command line: init, normalize, build, serve, check.

Each command works on the site in the current folder or the one `--site` names.
Exit codes: 0 success, 1 a problem the user can fix (printed as `path:line:
message`, no traceback), 2 bad usage (click's own).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from digest import __version__
from digest.config import SiteConfig, load_config
from digest.errors import DigestError, Problem

F = TypeVar("F", bound=Callable[..., Any])


def _site_option(func: F) -> F:
    return click.option(
        "--site",
        "site_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="The site folder (the one holding site.yaml).",
    )(func)


def _report(problems: Sequence[Problem]) -> None:
    for problem in problems:
        click.secho(str(problem), fg="red", err=True)


def _warn(config: SiteConfig) -> None:
    """Print what is worth knowing but stops nothing (the UI language the theme lacks)."""
    from digest.theme_files import ui_language_warning

    try:
        warning = ui_language_warning(config)
    except DigestError:
        return  # a theme that cannot be found is the command's own error
    if warning is not None:
        click.secho(str(warning), fg="yellow", err=True)


def _inbox_note(config: SiteConfig, site_dir: Path) -> None:
    """Say so when dumps wait in the inbox: else a new site just shows no stories."""
    from digest.inbox import pending_note

    site = "" if site_dir == Path(".") else f" --site {site_dir}"
    note = pending_note(config, f"digest normalize{site}")
    if note is not None:
        click.secho(f"note: {note}", fg="yellow", err=True)


def _run(action: Callable[[], int]) -> None:
    """Run a command body: user errors become messages and exit code 1."""
    try:
        code = action()
        # The process ends now: spare the interpreter's last cycle collection a walk over
        # every object the command made (a tenth of a second after a large build).
        gc.freeze()
    except DigestError as exc:
        _report(exc.problems)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        sys.exit(130)
    sys.exit(code)


def _config(site_dir: Path) -> SiteConfig:
    return load_config(site_dir.resolve())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """digest: turn what you copy out of reading apps into a dated digest site.

    \b
    Example:
      digest init my-digest && cd my-digest
      digest normalize && digest serve
    """


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Also in a folder that is not empty: add the missing files, keep the others.")
def init(directory: Path, force: bool) -> None:
    """Create a new site in DIRECTORY, ready to build.

    DIRECTORY may be new, empty or hold only dot-files (such as .git). Existing files
    are never overwritten.

    \b
    Examples:
      digest init my-digest
      digest init . --force
    """
    from digest.init import init_site

    def action() -> int:
        report = init_site(directory, force=force)
        for path in report.created:
            click.echo(f"created {path}")
        for path in report.kept:
            click.echo(f"kept {path} (already there)")
        click.echo(f"\nNext: cd {directory} && digest serve")
        return 0

    _run(action)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the Markdown instead of writing.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Re-normalise edited articles, keeping curator fields.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for parsing (default: the CPU count).")
@_site_option
def normalize(
    paths: tuple[Path, ...], to_stdout: bool, dry_run: bool, force: bool, jobs: int | None,
    site_dir: Path,
) -> None:
    """Turn raw dumps into front-matter Markdown articles.

    PATHS default to everything in content/inbox/. Raw dumps are never changed.

    \b
    Examples:
      digest normalize
      digest normalize content/inbox/guardian-belarus.txt --stdout
      digest normalize --dry-run
      digest normalize --jobs 1
    """
    from digest.normalize import normalize as run_normalize

    def action() -> int:
        config = _config(site_dir)
        report = run_normalize(
            config,
            list(paths) or None,
            force=force,
            dry_run=dry_run,
            stdout=sys.stdout if to_stdout else None,
            progress=sys.stderr.isatty(),
            jobs=jobs,
        )
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        _report(report.problems)
        click.echo(report.summary(), err=to_stdout)
        return 1 if report.problems else 0

    _run(action)


@main.command()
@click.option("--drafts", is_flag=True, help="Include articles with status: draft.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for rendering (default: the CPU count).")
@click.option("--verbose", "-v", is_flag=True, help="Print timings per stage.")
@_site_option
def build(drafts: bool, jobs: int | None, verbose: bool, site_dir: Path) -> None:
    """Build the site into the output folder (default _site/).

    \b
    Examples:
      digest build
      digest build --drafts --verbose
      digest build --site ../my-digest --jobs 2
    """
    from digest.build import build as run_build

    def action() -> int:
        config = _config(site_dir)
        report = run_build(
            config, drafts=drafts, jobs=jobs, progress=sys.stderr.isatty()
        )
        _warn(config)
        _report(report.problems)
        if verbose:
            for stage, seconds in report.timings.items():
                click.echo(f"  {stage:<12} {seconds * 1000:8.1f} ms")
        click.echo(report.summary())
        _inbox_note(config, site_dir)
        return 1 if report.problems else 0

    _run(action)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes your drafts.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one. Without --port, a busy 8000 "
              "moves on to 8001, 8002...")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--poll", is_flag=True, help="Poll for changes (network or container filesystems).")
@click.option("--no-drafts", is_flag=True, help="Hide drafts (shown by default while curating).")
@click.option("--desk", is_flag=True,
              help="Keep the curator's desk (/_desk/, which writes your articles) on with a "
              "--host beyond this machine; on loopback it is always on.")
@_site_option
def serve(
    host: str, port: int, open_browser: bool, poll: bool, no_drafts: bool, desk: bool,
    site_dir: Path,
) -> None:
    """Build, serve with live reload, and rebuild on every change.

    The preview is built in .digest-cache/preview/: the output folder (_site/) is
    left to `digest build`, so it never holds a draft you previewed. The curator's
    desk is at /_desk/ (the start message prints its address, with a token).

    \b
    Examples:
      digest serve
      digest serve --port 0 --open
      digest serve --poll
    """
    from digest.serve import serve as run_serve

    source = click.get_current_context().get_parameter_source("port")

    def action() -> int:
        config = _config(site_dir)
        run_serve(
            config, host=host, port=port, open_browser=open_browser, poll=poll,
            drafts=not no_drafts, port_explicit=source is not ParameterSource.DEFAULT,
            desk=True if desk else None,
        )
        return 0

    _run(action)


@main.command()
@_site_option
def check(site_dir: Path) -> None:
    """Check content, configuration and every internal link of the built site.

    \b
    Examples:
      digest build && digest check
      digest check --site ../my-digest
    """
    from digest.check import check as run_check
    from digest.check import notes

    def action() -> int:
        config = _config(site_dir)
        problems = run_check(config)
        for note in notes(config):
            click.echo(str(note), err=True)
        _warn(config)
        _report(problems)
        _inbox_note(config, site_dir)
        click.echo(f"{len(problems)} problem(s) found" if problems else "no problems found")
        return 1 if problems else 0

    _run(action)
