"""The `digest` command line: init, normalize, build, serve, check, email.

Each command works on the site in the current folder or the one `--site` names.
Exit codes: 0 success, 1 a problem the user can fix (printed as `path:line:
message`, no traceback), 2 bad usage (click's own).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from digest import __version__
from digest.errors import DigestError, Problem

if TYPE_CHECKING:
    from digest.config import SiteConfig
    from digest.email import EmailEdition

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


def _config(site_dir: Path, base_url: str | None = None) -> SiteConfig:
    # Imported here: `build` forks its scan of the articles before site.yaml's reader loads.
    from digest.config import load_config, with_base_url

    config = load_config(site_dir.resolve())
    if base_url is not None:
        config = with_base_url(config, base_url)
    return config


def _base_url_option(func: F) -> F:
    return click.option(
        "--base-url", default=None, metavar="URL",
        help="The site's address for this run, instead of site.yaml's base_url "
        "(e.g. a deploy's https://example.org/digest/).",
    )(func)


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
@click.argument("directory", type=click.Path(path_type=Path), default=Path("."),
                required=False)
@click.option("--force", is_flag=True,
              help="Also in a folder that is not empty: add the missing files, keep the others.")
def init(directory: Path, force: bool) -> None:
    """Create a new site in DIRECTORY (the current folder when left out), ready to build.

    DIRECTORY may be new, empty or hold only dot-files (such as .git). Existing files
    are never overwritten.

    \b
    Examples:
      digest init my-digest
      digest init            (in an empty folder)
      digest init . --force
    """
    from digest.init import init_site

    def action() -> int:
        report = init_site(directory, force=force)
        for path in report.created:
            click.echo(f"created {path}")
        for path in report.kept:
            click.echo(f"kept {path} (already there)")
        if report.to_ignore:
            click.echo(f"\n{directory / '.gitignore'} is yours and was left as it is; to keep "
                       "what digest makes out of git, add these lines to it:")
            for line in report.to_ignore:
                click.echo(f"  {line}")
        here = directory.resolve() == Path.cwd().resolve()
        click.echo("\nNext: digest serve" if here else f"\nNext: cd {directory} && digest serve")
        return 0

    _run(action)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the Markdown instead of writing.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--force", is_flag=True,
              help="Re-normalise edited articles, keeping every field you changed.")
@click.option("--fetch", is_flag=True,
              help="Fetch the page of each dump that is only a link (needs the network).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for parsing (default: the CPU count).")
@_site_option
def normalize(
    paths: tuple[Path, ...], to_stdout: bool, dry_run: bool, force: bool, fetch: bool,
    jobs: int | None, site_dir: Path,
) -> None:
    """Turn raw dumps into front-matter Markdown articles.

    PATHS default to everything in content/inbox/. Raw dumps are never changed.

    \b
    Examples:
      digest normalize
      digest normalize content/inbox/guardian-belarus.txt --stdout
      digest normalize --dry-run
      digest normalize --fetch
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
            fetch=fetch,
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
@_base_url_option
@_site_option
def build(drafts: bool, jobs: int | None, verbose: bool, base_url: str | None,
          site_dir: Path) -> None:
    """Build the site into the output folder (default _site/).

    \b
    Examples:
      digest build
      digest build --drafts --verbose
      digest build --site ../my-digest --jobs 2
      digest build --base-url https://example.org/digest/
    """
    from digest.scan import scan_ahead

    # The articles are scanned in a child while the build's modules are imported.
    with scan_ahead(site_dir.resolve()) as ahead:
        from digest.build import build as run_build

        def action() -> int:
            config = _config(site_dir, base_url)
            report = run_build(config, drafts=drafts, jobs=jobs,
                               progress=sys.stderr.isatty(), ahead=ahead)
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
@click.option("--publish", is_flag=True,
              help="Also fail when the output is not fit to deploy: base_url is not a full "
              "address, held or draft articles are in it, or it holds files the build did "
              "not write.")
@_base_url_option
@_site_option
def check(publish: bool, base_url: str | None, site_dir: Path) -> None:
    """Check content, configuration and every internal link of the built site.

    \b
    Examples:
      digest build && digest check
      digest check --site ../my-digest
      digest build --base-url https://example.org/ && digest check --publish \\
          --base-url https://example.org/
    """
    from digest.check import check as run_check
    from digest.check import notes

    def action() -> int:
        config = _config(site_dir, base_url)
        problems = run_check(config, publish=publish)
        for note in notes(config, publish=publish):
            click.echo(str(note), err=True)
        _warn(config)
        _report(problems)
        _inbox_note(config, site_dir)
        click.echo(f"{len(problems)} problem(s) found" if problems else "no problems found")
        return 1 if problems else 0

    _run(action)


@main.command()
@click.argument("edition", required=False)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the message (.eml) instead "
              "of writing the files.")
@click.option("--send", is_flag=True, help="Send it over SMTP (mail: in site.yaml), one "
              "message per recipient.")
@click.option("--to", "to", default=None, metavar="ADDRESSES",
              help="Send to these comma-separated addresses instead of mail.to.")
@click.option("--again", is_flag=True, help="Send also to addresses the sent-log says "
              "received this edition.")
@_base_url_option
@_site_option
def email(edition: str | None, to_stdout: bool, send: bool, to: str | None, again: bool,
          base_url: str | None, site_dir: Path) -> None:
    """Write an edition as an e-mail, and send it.

    EDITION is an edition key as on the site (2025-10-11, 2025-w41, 2025-10); the
    latest by default. Writes _email/EDITION/ beside the site: email.html, email.txt
    and message.eml.

    \b
    Examples:
      digest email
      digest email 2025-10-11 --stdout
      digest email 2025-10-11 --send
      digest email 2025-10-11 --send --to me@example.org
    """
    import datetime

    from digest.email import make_email, write_email
    from digest.errors import display_path

    def action() -> int:
        config = _config(site_dir, base_url)
        made = make_email(config, edition)
        now = datetime.datetime.now(datetime.UTC)
        size = f"{len(made.html.encode()) / 1000:.0f} KB"
        if made.compact:
            click.secho(f"note: the edition is long, so its message shows excerpts and "
                        f"links to the web edition (HTML: {size})", fg="yellow", err=True)
        if to_stdout:
            from digest.email import file_message_id, message

            data = message(made, now=now, message_id=file_message_id(made)).as_bytes()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            folder = write_email(config, made, now)
            click.echo(f"wrote {display_path(folder, config.root)}/: email.html ({size}), "
                       f"email.txt, message.eml ({made.articles} article"
                       f"{'' if made.articles == 1 else 's'})", err=send)
        return _send(config, made, to, again) if send else 0

    _run(action)


def _send(config: SiteConfig, made: EmailEdition, to: str | None, again: bool) -> int:
    from digest.send import SENT_LOG, recipients, send_edition

    report = send_edition(config, made, recipients(config, to), again=again)
    for delivery in report.sent:
        click.echo(f"sent {made.key} to {delivery.address} ({delivery.message_id})")
    for address, when in report.already:
        click.secho(f"not sent to {address}: received {made.key} on {when} "
                    f"({SENT_LOG}); add --again to send it again", fg="yellow", err=True)
    for delivery in report.refused:
        click.secho(f"not sent to {delivery.address}: the server said {delivery.reply}",
                    fg="red", err=True)
    if report.not_tried:
        click.secho(f"not sent (the connection ended first): {', '.join(report.not_tried)}",
                    fg="red", err=True)
    total = len(report.sent) + len(report.refused) + len(report.not_tried)
    click.echo(f"{len(report.sent)} of {total} sent" if total else "nothing sent")
    if report.refused or report.not_tried:
        return 1
    return 0 if report.sent or not report.already else 1
