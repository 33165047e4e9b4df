"""Where the dev server builds, what it watches and where it listens, for one site.

The preview is built into its own folder in the build cache (digest.cache.preview_output);
the watched folders are the site's sources and its theme's, never what builds write; the
server listens on the first free port of a few, and says which ports were busy.
"""

from __future__ import annotations

import dataclasses
import errno
import ipaddress
from pathlib import Path

import digest
from digest.cache import CACHE_DIR, preview_output
from digest.config import SiteConfig
from digest.errors import DigestError
from digest.livereload import App, DevHTTPServer
from digest.watch import WatchScope


def theme_dirs(config: SiteConfig) -> list[Path]:
    """The folders of the theme in use and its parents, or all bundled themes when unknown."""
    try:
        from digest.theme_files import bundled_themes, theme_chain

        try:
            return list(theme_chain(config)[1:])
        except DigestError:  # a missing theme: watch the places it could appear in
            return [bundled_themes()]
    except ImportError:
        return [Path(digest.__file__).resolve().parent.parent / "themes"]


def preview_config(config: SiteConfig) -> SiteConfig:
    """The site as the dev server builds it: the same, but into the preview folder."""
    return dataclasses.replace(config, output=preview_output(config.output))


def watch_scope(config: SiteConfig) -> WatchScope:
    """What the dev server watches for the site `config` (its own, not the preview's).

    The output folder, the cache and the preview in it are written by builds: never
    sources, so the server's own writes never start another build."""
    root = config.root.resolve()
    out = root / config.output
    return WatchScope(
        folders=(
            root / "content", root / "themes", root / "templates", root / "static",
            *(d.resolve() for d in theme_dirs(config)),
        ),
        files=(root / "site.yaml",),
        ignored=(out, out.parent / CACHE_DIR, root / preview_output(config.output)),
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# How many ports from the default one `digest serve` tries before giving up.
PORT_TRIES = 20


def open_server(host: str, port: int, app: App, *, tries: int = 1) -> DevHTTPServer:
    """Listen on `port`, or on the first free one of the `tries` ports from it.

    Done before the first build, so a busy port is reported at once."""
    last = port if port == 0 else min(port + max(tries, 1) - 1, 65535)
    for candidate in range(port, last + 1):
        try:
            return DevHTTPServer(host, candidate, app)
        except OSError as exc:
            where = f"[{host}]:{candidate}" if ":" in host else f"{host}:{candidate}"
            if exc.errno != errno.EADDRINUSE:
                raise DigestError.at(
                    where, f"cannot listen there: {exc.strerror or exc}",
                    hint="check --host, or pick another port with --port N (0: any free one)",
                ) from None
            if candidate == last:
                busy = f"port {port} is in use" if port == last else (
                    f"ports {port} to {last} are in use")
                raise DigestError.at(
                    where, busy,
                    hint="stop the other server there, or pick another port with --port N "
                    "(--port 0 picks any free one)",
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
