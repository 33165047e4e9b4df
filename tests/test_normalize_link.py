"""A dump that is only a link: an article held with its address and note, and with
`--fetch` the page itself, fetched from a local server (never the internet)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.errors import DigestError
from digest.frontmatter import parse_document
from digest.model import PartialDate
from digest.normalize import fetch, parse_dump
from digest.normalize.formats.link import LINK_NOTE, title_from

PAGE = """<!doctype html><html lang="en"><head>
<meta property="og:title" content="Harbour cranes light up at night">
<meta property="og:site_name" content="The Port Reporter">
<meta property="article:published_time" content="2024-05-02T09:00:00Z">
</head><body><nav><a href="/">Home</a></nav><article><h1>Harbour cranes light up at night</h1>
<p>The six container cranes at the west quay now glow in changing colours after dark, and
the reason is a practical one rather than an artistic one.</p>
<p>Each colour tells the pilots which crane is working and which is idle, saving radio calls
in the tight turns at the mouth of the basin.</p></article></body></html>"""


class _Site:
    def __init__(self) -> None:
        self.release = threading.Event()  # set: the slow page answers
        self.large = b"<html><body>" + b"<p>filler</p>" * 100_000 + b"</body></html>"


@pytest.fixture
def site() -> Iterator[tuple[str, _Site]]:
    state = _Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/slow":
                state.release.wait(10)
            if self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/news/cranes")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, kind, code = PAGE.encode(), "text/html; charset=utf-8", 200
            if self.path == "/large":
                body = state.large
            elif self.path == "/file.pdf":
                body, kind = b"%PDF-1.7", "application/pdf"
            elif self.path == "/gone":
                body, code = b"gone", 404
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_link_with_a_note_is_a_held_article() -> None:
    data = (b"https://www.port.example/news/2024/05/harbour-cranes-light-up?utm_source=x\n"
            b"For the issue on ports.\n")
    meta = parse_dump(data, "inbox/cranes.txt").meta
    assert meta.source is not None and meta.source.format == "link"
    assert meta.url == "https://www.port.example/news/2024/05/harbour-cranes-light-up?utm_source=x"
    assert (meta.title, meta.note, meta.status) == (
        "Harbour cranes light up", "For the issue on ports.", "held")
    assert LINK_NOTE in meta.review


@pytest.mark.parametrize("data", [
    b"[InternetShortcut]\r\nURL=https://port.example/cranes-at-night\r\n",
    b'<?xml version="1.0"?><plist version="1.0"><dict><key>URL</key>'
    b"<string>https://port.example/cranes-at-night</string></dict></plist>",
    b"<https://port.example/cranes-at-night>\n",
])
def test_shortcut_files_are_links(data: bytes) -> None:
    meta = parse_dump(data, "inbox/x").meta
    assert (meta.url, meta.title) == ("https://port.example/cranes-at-night", "Cranes at night")


def test_an_article_with_its_address_is_not_a_link() -> None:
    words = " ".join(["The quay was busy all week with the new cranes."] * 20)
    meta = parse_dump(f"Cranes at night\n{words}\nhttps://port.example/a\n".encode(), "x").meta
    assert meta.source is not None and meta.source.format != "link"


def test_titles_from_addresses() -> None:
    assert title_from("https://x.example/2024/05/12/sea-level_rise.html") == "Sea level rise"
    assert title_from("https://x.example/a/123456") == "x.example"


def test_fetch_reads_the_page(site: tuple[str, _Site], make_site: Callable[..., Path]) -> None:
    base, _ = site
    root = make_site(inbox={"cranes.txt": f"{base}/news/cranes\nFor the ports issue.\n"})
    plain = CliRunner().invoke(main, ["normalize", "--site", str(root)])  # never by default
    assert plain.exit_code == 0, plain.output
    [article] = (root / "content" / "articles").rglob("*.md")
    assert parse_document(article.read_text(), "a").meta.status == "held"
    fetched = CliRunner().invoke(main, ["normalize", "--site", str(root), "--fetch"])
    assert fetched.exit_code == 0, fetched.output
    [article] = (root / "content" / "articles").rglob("*.md")  # the same article, filled in
    document = parse_document(article.read_text(), "a")
    meta = document.meta
    assert (meta.title, meta.publication, meta.date) == (
        "Harbour cranes light up at night", "The Port Reporter", PartialDate(2024, 5, 2))
    assert (meta.url, meta.note, meta.status) == (f"{base}/news/cranes", "For the ports issue.",
                                                  "published")
    assert document.body.startswith("The six container cranes")
    again = CliRunner().invoke(main, ["normalize", "--site", str(root), "--fetch"])
    assert "0 written, 1 unchanged" in again.output  # fetched once, not on every run


def _fetch_error(url: str) -> str:
    with pytest.raises(DigestError) as caught:
        fetch.fetch(url, "inbox/x")
    [problem] = caught.value.problems
    assert problem.path == "inbox/x" and problem.hint is None
    return problem.message


def test_fetch_honours_its_time_limit(
    site: tuple[str, _Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, state = site
    monkeypatch.setattr(fetch, "TIMEOUT", 0.3)
    message = _fetch_error(f"{base}/slow")
    state.release.set()
    assert message.startswith(f"cannot fetch {base}/slow: no answer within 0.3 s")


def test_fetch_honours_its_size_limit(
    site: tuple[str, _Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = site
    monkeypatch.setattr(fetch, "MAX_BYTES", 100_000)
    assert "larger than" in _fetch_error(f"{base}/large")


def test_fetch_follows_a_redirect(site: tuple[str, _Site]) -> None:
    base, _ = site
    assert "Harbour cranes light up at night" in fetch.fetch(f"{base}/moved", "inbox/x")


def test_fetch_says_what_went_wrong(site: tuple[str, _Site]) -> None:
    base, _ = site
    assert "the site answered 404" in _fetch_error(f"{base}/gone")
    assert "not a web page (application/pdf)" in _fetch_error(f"{base}/file.pdf")


def test_fetch_offline_is_a_clear_error_for_that_dump(make_site: Callable[..., Path]) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = make_site(inbox={"a.txt": f"http://127.0.0.1:{port}/page\n",
                            "b.txt": b"A title\nSome text worth keeping for later.\n"})
    result = CliRunner().invoke(main, ["normalize", "--site", str(root), "--fetch"])
    assert result.exit_code == 1
    assert f"inbox/a.txt: cannot fetch http://127.0.0.1:{port}/page: no connection" in result.output
    assert "without --fetch to keep it as a link" in result.output
    assert "Traceback" not in result.output and "1 written" in result.output
