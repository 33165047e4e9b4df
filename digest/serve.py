"""`digest serve`: build a preview, serve it with live reload, rebuild on every change.

The preview (drafts included) is built into its own folder in the build cache
(`.digest-cache/preview/`, digest.cache.preview_output), never into the output folder:
that one holds only what `digest build` made, so deploying it never publishes a draft.

`DevServer` ties the pieces together: the first build, the HTTP server
(digest.livereload) and the watcher (digest.watch), whose thread runs every rebuild
so builds never overlap. A rebuild normalises raw dumps dropped into the inbox,
reloads site.yaml when it changed, builds with the changed paths, and publishes the
result as a new epoch: pages reload, or only swap stylesheets after a CSS-only change.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from digest.config import SiteConfig, load_config
from digest.errors import DigestError, Problem, display_path
from digest.livereload import _HASHED_CSS, App, DevHTTPServer, Outcome, SiteState
from digest.serve_site import PORT_TRIES, is_loopback, open_server, preview_config, watch_scope
from digest.watch import Batch, Watcher

if TYPE_CHECKING:
    from digest.desk import Desk

# build(config, *, drafts, jobs, progress, serving, changed) -> BuildReport
BuildFn = Callable[..., Any]
# normalize(config, paths, *, force, dry_run, stdout, progress) -> NormalizeReport
NormalizeFn = Callable[..., Any]


def _real_build(config: SiteConfig, **options: Any) -> Any:
    from digest.build import build

    return build(config, **options)


def _real_normalize(config: SiteConfig, paths: list[Path] | None, **options: Any) -> Any:
    from digest.normalize import normalize

    return normalize(config, paths, **options)


def _warm_normalize() -> None:
    """Make the first dump dropped into the inbox as quick as the next ones."""
    try:
        from digest.normalize import parse_dump

        parse_dump(_SAMPLE_DUMP, "warm-up.txt")
    except Exception:  # a warm-up only; the real call reports any problem
        pass


_SAMPLE_DUMP = (
    b"A short story\nThe Sample Post\n|October 01, 2025\n"
    b"A first paragraph of a few words for the language guess.\n"
)


def _articles_state(folder: Path) -> dict[Path, tuple[int, int, int]]:
    found: dict[Path, tuple[int, int, int]] = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            try:
                st = path.stat()
            except OSError:
                continue
            found[path] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return found


class DevServer:
    """The dev server: `start()`, then `url`; `stop()` returns promptly, threads and all.

    `site` is the site as site.yaml says; `config` the one it builds, into the preview."""

    def __init__(
        self, config: SiteConfig, *, host: str = "127.0.0.1", port: int = 8000,
        drafts: bool = True, poll: bool = False, build: BuildFn = _real_build,
        normalize: NormalizeFn = _real_normalize,
        out: TextIO | None = None, port_tries: int = 1, desk: bool | None = None,
    ) -> None:
        self.site = dataclasses.replace(config, root=config.root.resolve())
        self.config = preview_config(self.site)
        self.host, self.port, self.drafts, self.poll = host, port, drafts, poll
        self.port_tries = port_tries  # > 1: move on to the next port when one is in use
        # The curator's desk (digest.desk) writes files: by default only on loopback.
        self.desk_on = is_loopback(host) if desk is None else desk
        self.desk: Desk | None = None
        self._build, self._normalize = build, normalize
        self.out = out or sys.stdout
        self.state = SiteState(self.config.output_dir)
        self.app = App(self.state)
        self.watcher = Watcher(
            watch_scope(self.site), self.rebuild, poll=poll,
            warm_up=_warm_normalize if normalize is _real_normalize else None,
        )
        self.latencies: list[float] = []  # seconds from a change to its reload event
        self._httpd: DevHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._pending: Callable[[], tuple[Problem, ...]] | None = None  # after the reload

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        address = self._httpd.server_address
        host, port = str(address[0]), address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> None:
        """Listen, build once, then serve and watch (the first build runs in the caller's
        thread). A port in use is a DigestError before anything is built."""
        self._httpd = open_server(self.host, self.port, self.app, tries=self.port_tries)
        if self.desk_on:
            from digest.desk import attach

            self.desk = attach(self, self._httpd)
        port = self._httpd.server_address[1]
        if self.port and port != self.port:
            print(f"port {self.port} is in use: serving on port {port}", file=self.out,
                  flush=True)
        # Rendering forks worker processes; that is only safe while no other thread runs.
        first_jobs = None if threading.active_count() == 1 else 1
        self._run_build(None, [], time.monotonic(), jobs=first_jobs)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name="digest-http", daemon=True,
        )
        self._thread.start()
        self.watcher.start()
        if self.desk is not None:
            self.desk.warm()

    @property
    def desk_url(self) -> str | None:
        """The desk's address with this run's token (None when the desk is off)."""
        return None if self.desk is None else self.desk.address(self.url)

    def stop(self) -> None:
        # Wake every event stream and waiting request first, so shutdown never waits on them.
        self.state.stop()
        if self._httpd is not None:
            if self._thread is not None:  # else shutdown() would wait for a loop never run
                self._httpd.shutdown()
            self._httpd.server_close()
        self.watcher.stop()
        if self._thread is not None:
            self._thread.join(2)
        with self.state.cond:
            self.state.cond.wait_for(lambda: self.state.clients == 0, 2)

    def wait_for_epoch(self, epoch: int, timeout: float = 10.0) -> bool:
        with self.state.cond:
            return self.state.cond.wait_for(lambda: self.state.epoch >= epoch, timeout)

    def rebuild(self, batch: Batch) -> None:
        """Rebuild for one batch of changed paths (the watcher's thread calls this)."""
        self._run_build(batch.paths, sorted(batch.paths), batch.first_event)

    def _run_build(
        self, changed: frozenset[Path] | None, names: list[Path], first_event: float,
        jobs: int | None = 1,
    ) -> None:
        started = time.monotonic()
        self.state.begin_build()
        pages: int | None = None
        try:
            outcome, pages = self._build_outcome(changed, jobs)
        except Exception:  # a bug: shown as the error page, and the server goes on
            outcome = Outcome(traceback=traceback.format_exc())
        except BaseException:  # Ctrl-C during the first build
            outcome = Outcome(traceback=traceback.format_exc())
            raise
        finally:
            if changed is not None:  # site.yaml or theme.yaml may name another theme now
                self.watcher.rescope(watch_scope(self.site))
            epoch = self.state.finish_build(outcome, self.config.output_dir)
            done = time.monotonic()
            if changed is not None:
                self.latencies.append(done - first_event)
            self._report(epoch, outcome, pages, done - started, done - first_event, names)
        pending, self._pending = self._pending, None
        if pending is not None:
            try:
                for problem in pending():
                    print(f"  {problem}", file=self.out, flush=True)
            except Exception:  # a bug: the site is served as it is, and the server goes on
                print(traceback.format_exc(), file=self.out, flush=True)

    def _build_outcome(
        self, changed: frozenset[Path] | None, jobs: int | None
    ) -> tuple[Outcome, int | None]:
        problems: list[Problem] = []
        changed_before = changed
        css_only = bool(changed) and self._css_only(changed or ())
        if changed is not None and self.config.config_path in changed:
            try:
                self.site = load_config(self.site.root)
                self.config = preview_config(self.site)
            except DigestError as exc:
                return Outcome(problems=exc.problems), None
            changed, css_only = None, False
        if changed is not None:
            written = self._normalize_inbox(changed, problems)
            changed = frozenset(changed | written)
        elif changed_before is None:  # the first build shows the dumps that waited too
            self._normalize_waiting(problems)
        try:
            report = self._build(
                self.config, drafts=self.drafts, jobs=jobs, progress=False,
                serving=True, changed=changed,
            )
        except DigestError as exc:
            return Outcome(problems=(*problems, *exc.problems)), None
        except Exception:
            return Outcome(problems=tuple(problems), traceback=traceback.format_exc()), None
        problems.extend(report.problems)
        self._pending = getattr(report, "pending", None)
        css = self._css_swap(changed or (), report) if css_only and not problems else None
        # The first build counts every page; a rebuild, the pages it rewrote.
        pages = report.pages_written if changed_before is not None else report.pages_total
        return Outcome(problems=tuple(problems), css=css), pages

    def _normalize_inbox(self, changed: Collection[Path], problems: list[Problem]) -> set[Path]:
        """Normalise the raw dumps among `changed`; the article files that changed."""
        inbox = self.config.inbox_dir
        dumps = sorted(p for p in changed if inbox in p.parents and p.is_file())
        if not dumps:
            return set()
        before = _articles_state(self.config.articles_dir)
        try:
            report = self._normalize(
                self.config, dumps, force=False, dry_run=False, stdout=None, progress=False
            )
            problems.extend(report.problems)
        except DigestError as exc:
            problems.extend(exc.problems)
        after = _articles_state(self.config.articles_dir)
        written = {p for p, st in after.items() if before.get(p) != st}
        # The watcher will report these writes too: they are part of this build already.
        self.watcher.seen.record(written)
        return written

    def _normalize_waiting(self, problems: list[Problem]) -> None:
        """Normalise the inbox's dumps that normalize has not recorded yet."""
        from digest.inbox import pending_dumps, waiting

        dumps = pending_dumps(self.config)
        if dumps:
            print(f"{waiting(self.config, len(dumps))}: normalising "
                  f"{'it' if len(dumps) == 1 else 'them'} now",
                  file=self.out, flush=True)
            self._normalize_inbox(dumps, problems)

    def _css_only(self, changed: Iterable[Path]) -> bool:
        content = self.config.content_dir
        return all(p.suffix == ".css" and content not in p.parents for p in changed)

    def _css_swap(self, changed: Iterable[Path], report: Any) -> dict[str, str] | None:
        """Base name -> served file name of each changed stylesheet; None if one is not found."""
        urls = [str(u) for u in getattr(report, "changed_urls", ())]
        static = self.config.output_dir / "static"
        # changed_urls names the stylesheet written and the one pruned: keep what exists.
        served = sorted(
            Path(u).name for u in urls if u.endswith(".css") and (static / Path(u).name).is_file()
        )
        swap: dict[str, str] = {}
        for name in {p.name for p in changed}:
            matches = [s for s in served if _HASHED_CSS.sub("", s) == name]
            if not matches and static.is_dir():
                found = [f for f in static.rglob("*.css") if _HASHED_CSS.sub("", f.name) == name]
                found.sort(key=lambda f: f.stat().st_mtime_ns)
                matches = [f.name for f in found[-1:]]
            if not matches:
                return None
            swap[name] = matches[-1]
        return swap

    def _report(
        self, epoch: int, outcome: Outcome, pages: int | None, took: float, latency: float,
        names: list[Path],
    ) -> None:
        shown = ", ".join(display_path(p, self.config.root) for p in names[:3])
        if len(names) > 3:
            shown += f" and {len(names) - 3} more"
        what = f" ({shown})" if shown else ""
        verb = "built" if epoch == 1 else "rebuilt"
        if outcome.ok:
            line = f"{verb} {pages if pages is not None else '?'} pages in {took:.2f} s{what}"
        else:
            count = len(outcome.problems) + (outcome.traceback is not None)
            line = f"build failed in {took:.2f} s{what}: {count} problem(s), shown in the browser"
            for problem in outcome.problems:
                print(f"  {problem}", file=self.out)
        if names:
            sent = "stylesheet swap" if outcome.css else "reload"
            line += f"; {sent} sent {latency:.2f} s after the change"
        print(line, file=self.out, flush=True)
        if outcome.traceback:
            print(outcome.traceback, file=self.out, flush=True)


def serve(
    config: SiteConfig, *, host: str, port: int, open_browser: bool, poll: bool, drafts: bool,
    port_explicit: bool = True, desk: bool | None = None,
) -> None:
    """Build, serve with live reload and rebuild on changes, until Ctrl-C.

    A `port` the user did not choose moves on to the next free one when it is in use."""
    server = DevServer(config, host=host, port=port, drafts=drafts, poll=poll,
                       port_tries=1 if port_explicit else PORT_TRIES, desk=desk)
    try:
        server.start()
        print(f"serving {config.root} at {server.url} from {server.config.output}/ "
              f"({config.output.rstrip('/')}/ is left to `digest build`); Ctrl-C to stop",
              flush=True)
        if not is_loopback(host):
            print(
                f"warning: listening on {host}: anyone who can reach this machine sees the "
                "site, drafts included", file=sys.stderr, flush=True,
            )
        if server.desk_url:
            print(f"curator's desk: {server.desk_url} (the token in it is this run's)",
                  flush=True)
            if not is_loopback(host):
                print("warning: the desk is on (--desk): anyone who can reach this machine "
                      "and has the desk's address can change your articles",
                      file=sys.stderr, flush=True)
        elif not is_loopback(host):
            print("the curator's desk is off while listening beyond this machine; "
                  "--desk turns it on", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        threading.Event().wait()  # until Ctrl-C
    finally:
        server.stop()
