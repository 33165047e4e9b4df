"""The dev server's HTTP side: build epochs, safe file serving, the error page, reload events.

`App` holds all the logic and answers requests as plain values, so tests drive it
without a socket; `Handler` only copies its answers onto the wire.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import secrets
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from digest.errors import Problem

EVENTS_PATH = "/__digest/events"
HEARTBEAT = 2.0  # seconds between keep-alive comments; a failed write reveals a gone client
BUILD_WAIT = 10.0  # seconds a request waits for a rebuild before getting what is there
_HASHED_CSS = re.compile(r"\.[0-9a-f]{6,64}(?=\.css$)")
_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)

# The epoch and server id are filled in per response: `since` lets the server tell a
# page about a build that finished between its load and the stream's connect, and a
# new id after a server restart makes every open page reload.
_SCRIPT = """<script>
(() => {
  let since = %(epoch)d;
  const connect = () => {
    const es = new EventSource("%(path)s?since=" + since + "&id=%(id)s");
    es.onopen = () => { window.__digestReady = true; };
    es.addEventListener("reload", () => { es.close(); location.reload(); });
    es.addEventListener("css", (event) => {
      const data = JSON.parse(event.data);
      since = data.epoch;
      for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
        const url = new URL(link.href, location.href);
        const base = url.pathname.split("/").pop().replace(/\\.[0-9a-f]{6,64}(?=\\.css$)/, "");
        if (base in data.css) {
          url.pathname = url.pathname.replace(/[^/]*$/, data.css[base]);
          url.search = "?v=" + data.epoch;
          link.href = url.href;
        }
      }
    });
    es.onerror = () => { window.__digestReady = false; es.close(); setTimeout(connect, 500); };
  };
  connect();
})();
</script>
"""


@dataclass(frozen=True)
class Outcome:
    """How a build ended: fine, with problems users can fix, or with a bug (traceback)."""

    problems: tuple[Problem, ...] = ()
    traceback: str | None = None
    # Stylesheets to swap in place of a reload: base name -> new file name.
    css: dict[str, str] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.traceback is None


class SiteState:
    """Build epochs and the condition every request and event stream waits on."""

    def __init__(self, output_dir: Path) -> None:
        self.cond = threading.Condition()
        self.output_dir = output_dir
        self.epoch = 0
        self.building = False
        self.stopping = False
        self.outcome = Outcome()
        self.server_id = secrets.token_hex(6)
        self.clients = 0
        self.waiting = 0  # requests held back by the build in progress
        # epoch -> the css swap it allows, or None when it needs a full reload.
        self._history: dict[int, dict[str, str] | None] = {}

    def begin_build(self) -> None:
        with self.cond:
            # Requests held back by the last build go first: under a stream of changes,
            # builds back to back would otherwise starve them until BUILD_WAIT.
            self.cond.wait_for(lambda: self.waiting == 0 or self.stopping, 1.0)
            self.building = True

    def finish_build(self, outcome: Outcome, output_dir: Path | None = None) -> int:
        with self.cond:
            previous_ok = self.outcome.ok
            self.epoch += 1
            self.outcome = outcome
            self.output_dir = output_dir or self.output_dir
            self.building = False
            self._history[self.epoch] = outcome.css if previous_ok and outcome.ok else None
            self._history.pop(self.epoch - 100, None)
            self.cond.notify_all()
            return self.epoch

    def stop(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()

    def wait_built(self, timeout: float = BUILD_WAIT) -> bool:
        """Called holding `cond`: wait until no build runs (False on timeout or stop)."""
        if not self.building:
            return True
        self.waiting += 1
        try:
            return self.cond.wait_for(lambda: not self.building or self.stopping, timeout)
        finally:
            self.waiting -= 1
            self.cond.notify_all()

    def news(self, since: int, server_id: str) -> tuple[str, dict[str, Any]] | None:
        """Called holding `cond`: the event a page built at epoch `since` needs, if any."""
        if server_id != self.server_id or since > self.epoch:
            return "reload", {"epoch": self.epoch}
        if since == self.epoch:
            return None
        css: dict[str, str] = {}
        for epoch in range(since + 1, self.epoch + 1):
            swap = self._history.get(epoch)
            if swap is None:
                return "reload", {"epoch": self.epoch}
            css.update(swap)
        return "css", {"epoch": self.epoch, "css": css}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def safe_path(root: Path, url_path: str) -> Path | None:
    """The path under `root` that a URL path names, or None when it would leave `root`."""
    if "\\" in url_path or "\x00" in url_path or re.search(r"%(2f|5c|00)", url_path, re.I):
        return None
    try:
        decoded = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    real_root = os.path.realpath(root)
    # realpath resolves symlinks, so a link inside the output that points out is caught too.
    real = os.path.realpath(os.path.join(real_root, *parts))
    if real != real_root and not real.startswith(real_root + os.sep):
        return None
    return Path(real)


def inject(page: bytes, script: str) -> bytes:
    """Put the reload script before the last </body> (or at the end)."""
    code = script.encode()
    at = page.lower().rfind(b"</body>")
    return page + code if at < 0 else page[:at] + code + page[at:]


def error_page(outcome: Outcome) -> bytes:
    items = "".join(
        f"<li><code>{html.escape(p.path)}{f':{p.line}' if p.line else ''}</code>: "
        f"{html.escape(p.message)}"
        + (f"<br><small>{html.escape(p.hint)}</small>" if p.hint else "")
        + "</li>"
        for p in outcome.problems
    )
    trace = f"<pre>{html.escape(outcome.traceback)}</pre>" if outcome.traceback else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Build failed</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}"
        "h1{color:#b00020}code,pre{background:#f4f4f4;padding:.1em .3em}"
        "pre{padding:1em;overflow:auto}</style></head><body>"
        "<h1>Build failed</h1><p>Fix the file and save: this page reloads by itself.</p>"
        f"<ul class=problems>{items}</ul>{trace}</body></html>"
    ).encode()


def _is_html_request(url_path: str, file: Path | None) -> bool:
    if file is not None and file.is_file():
        return file.suffix in (".html", ".htm")
    last = url_path.rsplit("/", 1)[-1]
    return not last or last.endswith((".html", ".htm")) or "." not in last


class App:
    """Answers requests for the served site; no sockets involved."""

    def __init__(self, state: SiteState, heartbeat: float = HEARTBEAT) -> None:
        self.state = state
        self.heartbeat = heartbeat

    def script(self, epoch: int) -> str:
        return _SCRIPT % {"epoch": epoch, "path": EVENTS_PATH, "id": self.state.server_id}

    def respond(self, method: str, target: str) -> Response:
        if method not in ("GET", "HEAD"):
            return Response(405, b"only GET and HEAD\n", {"Allow": "GET, HEAD"})
        url_path = urlsplit(target).path or "/"
        state = self.state
        with state.cond:
            # Reading under the lock: a rebuild cannot begin while a response is put
            # together, so a page and the files it names come from one build.
            state.wait_built()
            epoch, outcome, root = state.epoch, state.outcome, state.output_dir
            file = safe_path(root, url_path)
            if not outcome.ok and _is_html_request(url_path, file):
                return self._html(500, error_page(outcome), epoch)
            return self._file(root, url_path, target, file, epoch)

    def _file(
        self, root: Path, url_path: str, target: str, file: Path | None, epoch: int
    ) -> Response:
        if file is not None and file.is_dir():
            if not url_path.endswith("/"):
                query = urlsplit(target).query
                return Response(301, headers={
                    "Location": url_path + "/" + (f"?{query}" if query else ""),
                    "Cache-Control": "no-store",
                })
            file = file / "index.html"
        try:
            body = file.read_bytes() if file is not None and file.is_file() else None
        except OSError:
            body = None
        if body is None or file is None:
            return self._not_found(root, epoch)
        if file.suffix in (".html", ".htm"):
            return self._html(200, body, epoch)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        return Response(200, body, {"Content-Type": kind, "Cache-Control": "no-store"})

    def _not_found(self, root: Path, epoch: int) -> Response:
        try:
            return self._html(404, (Path(os.path.realpath(root)) / "404.html").read_bytes(), epoch)
        except OSError:
            return self._html(404, b"<!doctype html><title>Not found</title><h1>Not found</h1>",
                              epoch)

    def _html(self, status: int, body: bytes, epoch: int) -> Response:
        # no-store and no Last-Modified: a reload right after a save must not get a 304.
        return Response(status, inject(body, self.script(epoch)), {
            "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
        })

    def events(self, target: str) -> Iterator[bytes]:
        """The reload event stream for one page; ends on a full reload or server stop."""
        query = parse_qs(urlsplit(target).query)
        try:
            since = int(query.get("since", ["-1"])[0])
        except ValueError:
            since = -1
        server_id = query.get("id", [""])[0]
        state = self.state
        yield b"retry: 500\n\n"
        while True:
            with state.cond:
                news = None if state.stopping else state.news(since, server_id)
                if news is None and not state.stopping:
                    state.cond.wait(self.heartbeat)
                    news = None if state.stopping else state.news(since, server_id)
                if state.stopping:
                    return
            if news is None:
                yield b": ping\n\n"
                continue
            kind, data = news
            yield f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode()
            if kind == "reload":
                return
            since = data["epoch"]


class Handler(BaseHTTPRequestHandler):
    """Copies `App` answers onto the wire; HTTP/1.0, so no idle keep-alive threads."""

    server: DevHTTPServer
    timeout = 30

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _refuse(self) -> None:
        self._serve(head=False)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _serve(self, head: bool) -> None:
        try:
            if self.command == "GET" and urlsplit(self.path).path == EVENTS_PATH:
                self._stream()
                return
            self.send(self.server.app.respond(self.command, self.path), head)
        except _DISCONNECTS:
            self.close_connection = True

    def send(self, response: Response, head: bool) -> None:
        """Write an answer: status, headers, its length and (unless HEAD) its body."""
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _stream(self) -> None:
        state = self.server.app.state
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with state.cond:
            state.clients += 1
        try:
            for chunk in self.server.app.events(self.path):
                self.wfile.write(chunk)
                self.wfile.flush()
        finally:
            with state.cond:
                state.clients -= 1
                state.cond.notify_all()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per rebuild is what the curator needs, not one per request


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 drops connections when a page pulls many assets at once,
    # and dropped connections are retried only after seconds.
    request_queue_size = 128

    def __init__(self, host: str, port: int, app: App) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.app = app
        super().__init__((host, port), Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], _DISCONNECTS):
            super().handle_error(request, client_address)
