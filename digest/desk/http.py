"""The desk on the wire: a request handler that sends /_desk/ to the desk, and the rest
to the dev server's own handler."""

from __future__ import annotations

import sys
import traceback
from urllib.parse import urlsplit

from digest.livereload import _DISCONNECTS, Handler, Response

from .api import PREFIX, Desk
from .guard import MAX_BODY, Request


def handler_class(desk: Desk) -> type[Handler]:
    """The dev server's handler, with the desk mounted at /_desk/."""

    class DeskHandler(Handler):
        def do_GET(self) -> None:
            if self._is_desk():
                self._desk(head=False)
            else:
                super().do_GET()

        def do_HEAD(self) -> None:
            if self._is_desk():
                self._desk(head=True)
            else:
                super().do_HEAD()

        def _other(self) -> None:
            if self._is_desk():
                self._desk(head=False)
            else:
                self._refuse()

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other

        def _is_desk(self) -> bool:
            path = urlsplit(self.path).path
            return path == PREFIX.rstrip("/") or path.startswith(PREFIX)

        def _desk(self, head: bool) -> None:
            try:
                self.send(self._answer(), head)
            except _DISCONNECTS:
                self.close_connection = True

        def _answer(self) -> Response:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                return Response(400, b"a bad Content-Length\n")
            if length > MAX_BODY:
                self.close_connection = True  # the body is never read
                return Response(413, b"the request is too large\n",
                                {"Content-Type": "text/plain; charset=utf-8"})
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                return desk.respond(Request(self.command, self.path, headers, body))
            except Exception:  # a bug: said in the terminal and the page, the server goes on
                trace = traceback.format_exc()
                sys.stderr.write(trace)
                return Response(500, trace.encode("utf-8", "replace"),
                                {"Content-Type": "text/plain; charset=utf-8"})

    return DeskHandler
