"""The desk's requests: `Desk.respond` is the one entry the dev server calls.

Pages are read with GET; every change is a POST of JSON to /_desk/api/..., naming the
article by the opaque id the desk's pages carry and the version of the file it loaded.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from digest.config import SiteConfig
from digest.errors import DigestError
from digest.livereload import Response
from digest.model import STATUSES

from . import views
from .edit import EDITABLE, Conflict, Value, rewrite, save
from .guard import Guard, Request
from .index import DeskIndex, Entry

PREFIX = "/_desk/"
_ID = re.compile(r"^[0-9a-f]{16}$")
_EDITION_KEY = re.compile(r"^\d{4}-(?:\d{2}(?:-\d{2})?|w\d{2})$")
_STATIC = {"desk.js": "text/javascript", "desk.css": "text/css"}
_TEXT_KEYS = ("title", "kicker", "publication", "author", "date", "rights")
HELD_NOTE = "held at the desk"  # a hold needs a note: without one it would be published
_PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Desk:
    """The curator's desk of one dev server run."""

    def __init__(
        self, site: Callable[[], SiteConfig], *, host: str, port: int, drafts: bool,
        notify: Callable[[Iterable[Path]], None], token: str | None = None,
    ) -> None:
        self.guard = Guard(host, port, token)
        self.index = DeskIndex(site, self.guard.token.encode(), drafts)
        self.notify = notify  # tells the dev server which files the desk wrote
        self._stopping = threading.Event()

    def address(self, base_url: str) -> str:
        """The desk's address with this run's token, as the start message prints it."""
        return f"{base_url.rstrip('/')}{PREFIX}?token={self.guard.token}"

    def warm(self) -> None:
        """Read every article once, beside the server, so the first page is quick."""
        def run() -> None:
            # Any problem is shown by the first request, which reads them again.
            with contextlib.suppress(Exception):
                self.index.refresh()
        threading.Thread(target=run, name="digest-desk-index", daemon=True).start()

    def respond(self, request: Request) -> Response:
        try:
            if request.path.startswith(PREFIX + "api/"):
                return self._write(request)
            return self._read(request)
        except _Refused as refused:
            return _json(refused.status, {"error": str(refused)})

    # --- pages ----------------------------------------------------------------------

    def _read(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _json(403, {"error": "changes are sent to /_desk/api/"})
        path = request.path
        if path == PREFIX.rstrip("/"):
            return Response(301, headers={"Location": PREFIX, "Cache-Control": "no-store"})
        if not self.guard.host_ok(request):
            return _page(403, views.denied_page("This server answers only to its own address."))
        if path == PREFIX and self.guard.token_in_query(request):
            return Response(303, headers={
                "Location": PREFIX, "Set-Cookie": self.guard.set_cookie(),
                "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        refused = self.guard.refuse_read(request)
        if refused is not None:
            return _page(403, views.denied_page(refused[0].upper() + refused[1:] + "."))
        name = path.removeprefix(PREFIX + "static/")
        if name in _STATIC:
            static = (Path(__file__).with_name("static") / name).read_bytes()
            return Response(200, static, {"Content-Type": f"{_STATIC[name]}; charset=utf-8",
                                        "Cache-Control": "no-store"})
        self.index.refresh()
        if path == PREFIX:
            return _page(200, views.inbox_page(self.index))
        if path.startswith(PREFIX + "article/"):
            found = self.index.load(path.removeprefix(PREFIX + "article/").strip("/"))
            if found is None:
                return _page(404, views.not_found_page("No such article (it may have moved)."))
            return _page(200, views.article_page(self.index, *found))
        if path.rstrip("/") == PREFIX + "editions":
            key = request.query("key")
            if key is not None and not _EDITION_KEY.match(key):
                return _page(404, views.not_found_page("No such edition."))
            body = views.edition_page(self.index, key)
            return _page(404, views.not_found_page("No such edition.")) if body is None else (
                _page(200, body))
        return _page(404, views.not_found_page("Not a page of the desk."))

    # --- changes --------------------------------------------------------------------

    def _write(self, request: Request) -> Response:
        refused = self.guard.refuse_write(request)
        if refused is not None:
            return _json(403, {"error": refused})
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _json(400, {"error": "the body is not JSON"})
        if not isinstance(payload, dict):
            return _json(400, {"error": "the body is not a JSON object"})
        self.index.refresh()
        action = request.path.removeprefix(PREFIX + "api/")
        if action == "save":
            return self._save(payload)
        if action == "order":
            return self._order(payload)
        return _json(404, {"error": f"no action {action!r}"})

    def _entry(self, payload: dict[str, Any]) -> Entry:
        article_id = payload.get("id")
        if not isinstance(article_id, str) or not _ID.match(article_id):
            raise _Refused(400, "articles are named by the id the desk gave them")
        entry = self.index.get(article_id)
        if entry is None:
            raise _Refused(404, "no such article (it may have moved): reload the page")
        return entry

    def _save(self, payload: dict[str, Any]) -> Response:
        entry = self._entry(payload)
        version = payload.get("version")
        if not isinstance(version, str):
            raise _Refused(400, "the version the desk loaded is missing")
        changes = parse_changes(payload.get("changes"), entry)
        return self._apply(entry, version, changes)

    def _apply(self, entry: Entry, version: str, changes: dict[str, Value]) -> Response:
        written = self._write_file(entry, version, changes)
        if isinstance(written, Response):
            return written
        saved, text = written
        card = views.card(self.index, saved)
        return _json(200, {
            "id": saved.id, "version": saved.version, "text": text,
            "url": card.url, "status": card.status, "shown": card.shown,
            "review": list(saved.meta.review), "title": saved.meta.title,
            "source": saved.source,
        })

    def _write_file(self, entry: Entry, version: str, changes: dict[str, Value],
                    written: list[Path] | None = None) -> tuple[Entry, str] | Response:
        """Write one file; the entry as it is now, or the answer refusing the change.
        The dev server is told at once, or, given `written`, the path is added there for
        the caller to tell it of several files together (one rebuild, not one each)."""
        site = self.index.site
        path = site.root / entry.source
        try:
            saved = save(path, entry.source, version, changes,
                         articles_dir=site.articles_dir, inbox_dir=site.inbox_dir)
        except Conflict as conflict:
            return _json(409, self._conflict(entry, version, changes, conflict))
        except DigestError as exc:
            problems = [{"path": p.path, "line": p.line, "message": p.message, "hint": p.hint,
                         "text": str(p)} for p in exc.problems]
            return _json(422, {"error": str(exc.problems[0]), "problems": problems})
        now = self.index.put(entry.source, saved.text, saved.version, saved.meta)
        if saved.keys:
            if written is None:
                self.notify([path])
            else:
                written.append(path)
        return now, saved.text

    def _conflict(self, entry: Entry, version: str, changes: dict[str, Value],
                  conflict: Conflict) -> dict[str, Any]:
        mine = self.index.front_of(version)
        if mine is not None:
            with contextlib.suppress(DigestError):
                mine = rewrite(f"---\n{mine}---\n", changes, entry.source)
        return {
            "error": f"{entry.source} changed on disk since the desk loaded it: "
                     "nothing was written",
            "source": entry.source,
            "yours": {"version": version, "text": mine, "changes": changes},
            "disk": {"version": conflict.version, "text": conflict.text},
        }

    def _order(self, payload: dict[str, Any]) -> Response:
        entry = self._entry(payload)
        ids, versions = payload.get("ids"), payload.get("versions")
        if (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)
                or not isinstance(versions, dict)):
            raise _Refused(400, "an order names the group's ids and their versions")
        group = views.group_of(self.index, entry)
        if group is None:
            raise _Refused(409, "the article is not in an edition any more: reload the page")
        if sorted(ids) != sorted(e.id for e in group):
            raise _Refused(409, "the edition changed since the desk loaded it: reload the page")
        by_id = {e.id: e for e in group}
        ordered = [by_id[i] for i in ids]
        numbers = [e.meta.order for e in ordered]
        # Only the moved articles change when every one has its own number; else 1..n.
        if all(n is not None for n in numbers) and len(set(numbers)) == len(numbers):
            values = sorted(n for n in numbers if n is not None)
        else:
            values = list(range(1, len(ordered) + 1))
        todo = [(e, v) for e, v in zip(ordered, values, strict=True) if e.meta.order != v]
        for e, _ in todo:  # every file as the desk showed it, before one is written
            if versions.get(e.id) != e.version:
                return _json(409, {
                    "error": f"{e.source} changed on disk since the desk loaded it: "
                             "nothing was written; reload the page", "source": e.source})
        written: dict[str, str] = {}
        paths: list[Path] = []
        try:
            for e, value in todo:
                result = self._write_file(e, e.version, {"order": value}, paths)
                if isinstance(result, Response):
                    return result
                written[e.id] = result[0].version
        finally:
            if paths:
                self.notify(paths)
        return _json(200, {"versions": written})


def parse_changes(raw: Any, entry: Entry) -> dict[str, Value]:
    """The fields a request asks to change, as the desk writes them; 400 when malformed."""
    if not isinstance(raw, dict) or not raw:
        raise _Refused(400, "no changes in the request")
    changes: dict[str, Value] = {}
    for key, value in raw.items():
        if key not in EDITABLE:
            raise _Refused(400, f"the desk does not change {key!r}")
        changes[key] = _value(key, value)
    status = changes.get("status")
    if status == "held" and not entry.meta.review and "review" not in changes:
        changes["review"] = [HELD_NOTE]
    return changes


def _value(key: str, value: Any) -> Value:
    wrong = _Refused(400, f"{key!r} has a value of the wrong kind")
    if key in _TEXT_KEYS or key == "status":
        if not isinstance(value, str):
            raise wrong
        text = value.strip()
        if key == "status" and text not in STATUSES:
            return text  # refused by the front matter's own rule, with its message
        return text or None
    if key == "note":
        if not isinstance(value, str):
            raise wrong
        return value.replace("\r\n", "\n").strip() or None
    if key in ("tags", "review"):
        if value is None:
            return None
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise wrong
        unique = list(dict.fromkeys(i.strip() for i in items if i.strip()))
        return unique or None
    if key == "featured":
        if not isinstance(value, bool):
            raise wrong
        return True if value else None
    if key == "order":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
        return value
    raise wrong  # pragma: no cover - EDITABLE is covered above


def _json(status: int, data: dict[str, Any]) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), {
        "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


def _page(status: int, body: bytes) -> Response:
    return Response(status, body, dict(_PAGE_HEADERS))
