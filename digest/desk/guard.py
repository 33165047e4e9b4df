"""Who may use the desk: whoever holds this run's token, from the server's own pages.

The token is printed in the desk's address; opening that address swaps it for an
HttpOnly, SameSite=Strict cookie, so no script and no other site can read or send it.
`Host` must name this server (a page from another site whose name was pointed at this
address, "DNS rebinding", sends its own name) and a write must come with this server's
`Origin`, as a POST with a JSON body: a form on another site can do neither.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 64 * 1024  # bytes: a note is text, never megabytes


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # the path and query, as sent
    headers: Mapping[str, str]  # names in lower case
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def query(self, name: str) -> str | None:
        values = parse_qs(urlsplit(self.target).query).get(name)
        return values[0] if values else None


class Guard:
    """The checks every desk request passes; one per server run, with its own token."""

    def __init__(self, host: str, port: int, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(24)
        self.port = port
        self.cookie = f"digest_desk_{port}"  # per port: two servers on one host differ
        self.hosts = _own_hosts(host, port)

    def set_cookie(self) -> str:
        return f"{self.cookie}={self.token}; Path=/_desk/; HttpOnly; SameSite=Strict"

    def _same(self, offered: str | None) -> bool:
        return offered is not None and hmac.compare_digest(offered.encode(), self.token.encode())

    def host_ok(self, request: Request) -> bool:
        return request.headers.get("host", "").lower() in self.hosts

    def token_in_query(self, request: Request) -> bool:
        return self._same(request.query("token"))

    def has_cookie(self, request: Request) -> bool:
        try:
            jar = SimpleCookie(request.headers.get("cookie", ""))
        except CookieError:
            return False
        morsel = jar.get(self.cookie)
        return self._same(morsel.value if morsel is not None else None)

    def refuse_read(self, request: Request) -> str | None:
        """Why a page may not be shown, or None."""
        if not self.host_ok(request):
            return "this server answers only to its own address"
        if not self.has_cookie(request):
            return "open the desk with the address `digest serve` printed (it holds a token)"
        return None

    def refuse_write(self, request: Request) -> str | None:
        """Why a change may not be made, or None."""
        if request.method != "POST":
            return "changes are made with POST only"
        refused = self.refuse_read(request)
        if refused is not None:
            return refused
        host = request.headers.get("host", "").lower()
        if request.headers.get("origin", "").lower() != f"http://{host}":
            return "changes are accepted only from the desk's own pages"
        if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
            return "changes are accepted only from the desk's own pages"
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return "changes are sent as JSON"
        return None


def _own_hosts(host: str, port: int) -> frozenset[str]:
    """The `Host` values this server answers to: its address, and loopback names when
    it listens there (or everywhere)."""
    names = {host.lower().strip("[]")}
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    local = host == "localhost" or (address is not None and address.is_loopback)
    everywhere = address is not None and address.is_unspecified
    if local or everywhere:
        names |= {"localhost", "127.0.0.1", "::1"}
    if everywhere:
        names |= _machine_names()
    out = set()
    for name in names:
        shown = f"[{name}]" if ":" in name else name
        out.add(f"{shown}:{port}")
        if port == 80:
            out.add(shown)
    return frozenset(out)


def _machine_names() -> set[str]:
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            names.add(str(info[4][0]).lower())
    except OSError:
        pass
    return names
