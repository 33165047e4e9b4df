"""Fetching the page a bare link points at (`digest normalize --fetch`, never by default).

One GET (following up to five redirects), a time limit for the whole download and a
size limit, so a slow or huge page cannot stall a run; every failure is a DigestError
naming the address and what to do, never a traceback. http.client rather than urllib:
its connection is closed in every case, a timeout while waiting for the answer too.
"""

from __future__ import annotations

import http.client
import re
import socket
import time
from urllib.parse import urljoin, urlsplit

from digest.errors import DigestError

TIMEOUT = 20.0  # seconds for the whole download
MAX_BYTES = 5_000_000
_REDIRECTS = 5
_CHUNK = 64 * 1024
_AGENT = "Mozilla/5.0 (compatible; digest normalize --fetch)"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_AGAIN = "run again when the page can be reached, or without --fetch to keep it as a link"


class _Failed(Exception):
    def __init__(self, what: str, advice: str = _AGAIN) -> None:
        super().__init__(what)
        self.what, self.advice = what, advice


def fetch(url: str, name: str) -> str:
    """The page's HTML, decoded; `name` is the dump the link came from (for errors)."""
    deadline = time.monotonic() + TIMEOUT
    try:
        address = url
        for _ in range(_REDIRECTS + 1):
            found = _get(address, deadline)
            if isinstance(found, str):
                address = found  # a redirect
                continue
            data, charset = found
            return _decode(data, charset)
        raise _Failed(f"more than {_REDIRECTS} redirects")
    except _Failed as failed:
        raise DigestError.at(name, f"cannot fetch {url}: {failed.what}; {failed.advice}") from None


def _get(url: str, deadline: float) -> str | tuple[bytes, str | None]:
    """The page's bytes and charset, or the address it redirects to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Failed("it is not a web address", "write the address with http:// or https://")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    left = max(0.01, deadline - time.monotonic())
    connection = kind(parts.hostname, parts.port, timeout=left)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    response: http.client.HTTPResponse | None = None
    try:
        connection.request("GET", target, headers={"User-Agent": _AGENT, "Accept": "text/html"})
        response = connection.getresponse()
        location = response.getheader("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            return urljoin(url, location)
        if response.status >= 400:
            raise _Failed(f"the site answered {response.status} {response.reason}")
        content_type = response.getheader("Content-Type") or ""
        media = content_type.split(";")[0].strip().lower()
        if media not in ("text/html", "application/xhtml+xml", ""):
            raise _Failed(f"it is not a web page ({media})", "paste the article's text instead")
        data = bytearray()
        while chunk := response.read(_CHUNK):
            data += chunk
            if len(data) > MAX_BYTES:
                raise _Failed(f"the page is larger than {MAX_BYTES / 1_000_000:g} MB",
                              "save the page and put the file in the inbox")
            if time.monotonic() > deadline:
                raise TimeoutError
        match = re.search(r"charset=([\w-]+)", content_type)
        return bytes(data), match[1] if match else None
    except TimeoutError:
        raise _Failed(f"no answer within {TIMEOUT:g} s") from None
    except socket.gaierror:
        raise _Failed("its host cannot be found: are you offline?") from None
    except (http.client.HTTPException, OSError) as exc:
        raise _Failed(f"no connection ({exc})") from None
    finally:
        # The response holds the socket too: a page refused unread must not leave it open.
        if response is not None:
            response.close()
        connection.close()


def _decode(data: bytes, charset: str | None) -> str:
    found = _META_CHARSET.search(data[:4096])
    for encoding in (charset, found and found[1].decode("ascii"), "utf-8"):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("cp1252", "replace")
