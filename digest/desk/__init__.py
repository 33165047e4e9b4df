"""The curator's desk: curate in the preview of `digest serve`, written back to the files.

`attach` mounts it on a dev server: pages at /_desk/ (the inbox, one article, the
editions), changes as JSON POSTs, each a round-trip edit of one article file (edit.py).
Only `digest serve` has it; nothing of it is ever in a build's output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .api import Desk

if TYPE_CHECKING:
    from digest.livereload import DevHTTPServer
    from digest.serve import DevServer


def attach(server: DevServer, httpd: DevHTTPServer) -> Desk:
    """Mount a desk on the server listening as `httpd`; its index is read beside it."""
    from .http import handler_class

    address = httpd.server_address
    desk = Desk(lambda: server.site, host=str(address[0]), port=int(address[1]),
                drafts=server.drafts, notify=server.watcher.debouncer.add)
    httpd.RequestHandlerClass = handler_class(desk)
    return desk


__all__ = ["Desk", "attach"]
