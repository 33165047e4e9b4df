"""The dev server without a socket: path safety, injection, error page, epochs, rebuilds."""

from __future__ import annotations

import hashlib
import http.client
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from digest.config import load_config
from digest.errors import DigestError, Problem
from digest.livereload import App, Outcome, SiteState, safe_path
from digest.serve import DevServer
from digest.serve_site import is_loopback
from digest.watch import Batch


@dataclass
class FakeReport:
    pages_written: int
    pages_total: int = 0
    changed_urls: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass
class FakeBuild:
    """Writes one index page listing article titles, and a hashed stylesheet."""

    calls: list[frozenset[Path] | None] = field(default_factory=list)
    fail_with: BaseException | None = None

    def __call__(self, config: Any, **options: Any) -> FakeReport:
        self.calls.append(options["changed"])
        if self.fail_with is not None:
            raise self.fail_with
        out = config.output_dir
        (out / "static").mkdir(parents=True, exist_ok=True)
        titles = []
        for article in sorted(config.articles_dir.glob("*.md")):
            line = article.read_text().splitlines()[1]
            if not line.startswith("title: "):
                problem = Problem(str(article.name), "<bad> front matter", 2)
                return FakeReport(0, problems=(problem,))
            titles.append(line.removeprefix("title: "))
        css = (config.root / "static" / "style.css")
        css_name = "style.css"
        if css.is_file():
            data = css.read_bytes()
            css_name = f"style.{hashlib.sha256(data).hexdigest()[:8]}.css"
            (out / "static" / css_name).write_bytes(data)
        items = "".join(f"<li>{t}</li>" for t in titles)
        (out / "index.html").write_text(
            f'<html><head><link rel="stylesheet" href="static/{css_name}"></head>'
            f"<body><ul>{items}</ul></body></html>"
        )
        (out / "404.html").write_text("<html><body><h1>Lost</h1></body></html>")
        (out / "docs").mkdir(exist_ok=True)
        (out / "docs" / "index.html").write_text("<html><body>Docs</body></html>")
        return FakeReport(len(titles) + 1, len(titles) + 3, changed_urls=(f"/static/{css_name}",))


def fake_normalize(config: Any, paths: list[Path], **options: Any) -> Any:
    for path in paths:
        title = path.read_text().splitlines()[1]
        (config.articles_dir / (path.stem + ".md")).write_text(f"---\ntitle: {title}\n---\n")
    return FakeReport(0)


@pytest.fixture
def server(make_site: Callable[..., Path]) -> Any:
    root = make_site(articles={"a.md": "---\ntitle: First story\n---\nBody\n"})
    (root / "static").mkdir()
    (root / "static" / "style.css").write_text("body { color: black }")
    build = FakeBuild()
    srv = DevServer(load_config(root), port=0, build=build, normalize=fake_normalize,
                    out=io.StringIO())
    srv.watcher.start = lambda: None  # type: ignore[method-assign]  # batches are fed by hand
    srv.start()
    srv.fake_build = build  # type: ignore[attr-defined]
    yield srv
    srv.stop()


def get(srv: DevServer, target: str, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    response = srv.app.respond(method, target)
    return response.status, response.body.decode(), response.headers


def test_index_is_served_with_the_script_injected_only_in_the_response(server: Any) -> None:
    status, body, headers = get(server, "/")
    assert status == 200 and "<li>First story</li>" in body
    assert body.index("EventSource") < body.index("</body>")
    assert headers["Cache-Control"] == "no-store" and "Last-Modified" not in headers
    assert "EventSource" not in (server.config.output_dir / "index.html").read_text()


def test_assets_get_no_script(server: Any) -> None:
    css = next((server.config.output_dir / "static").glob("style.*.css")).name
    status, body, headers = get(server, f"/static/{css}")
    assert status == 200 and body == "body { color: black }"
    assert headers["Content-Type"].startswith("text/css")


def test_directories_missing_pages_and_methods(server: Any) -> None:
    assert get(server, "/docs/")[0] == 200 and "Docs" in get(server, "/docs/")[1]
    status, _, headers = get(server, "/docs?x=1")
    assert status == 301 and headers["Location"] == "/docs/?x=1"
    status, body, _ = get(server, "/nope/")
    assert status == 404 and "Lost" in body and "EventSource" in body
    assert get(server, "/", "POST")[0] == 405


@pytest.mark.parametrize("target", [
    "/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/%2E%2E/etc/passwd", "/docs/..%2f..%2fsite.yaml",
    "/..\\site.yaml", "/docs\\..\\..\\site.yaml", "//etc/passwd", "/%00", "/index.html%00.css",
    "/static/%2e%2e%2f%2e%2e%2fsite.yaml", "/out-link/site.yaml", "/file-link",
])
def test_nothing_outside_the_output_is_served(server: Any, target: str) -> None:
    out = server.config.output_dir
    (out / "out-link").symlink_to(server.config.root)
    (out / "file-link").symlink_to(server.config.root / "site.yaml")
    status, body, _ = get(server, target)
    assert status == 404 and "Test Digest" not in body and "root:" not in body


def test_safe_path_allows_links_inside_the_output(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text("x")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert safe_path(tmp_path, "/b/x.html") == (tmp_path / "a" / "x.html").resolve()
    assert safe_path(tmp_path, "/a/%78.html") == (tmp_path / "a" / "x.html").resolve()


def test_problems_become_an_escaped_error_page_with_the_script(server: Any) -> None:
    article = server.config.articles_dir / "a.md"
    article.write_text("---\ntitel: broken\n---\n")
    server.rebuild(Batch(frozenset({article}), time.monotonic()))
    for target in ("/", "/docs/", "/nope.html", "/2025/10/01/"):
        status, body, _ = get(server, target)
        assert status == 500 and "a.md:2" in body and "&lt;bad&gt; front matter" in body
        assert "EventSource" in body and "<bad>" not in body
    assert get(server, "/404.html")[0] == 500
    css = next((server.config.output_dir / "static").glob("style.*.css")).name
    assert get(server, f"/static/{css}")[0] == 200  # the error page may still use assets
    article.write_text("---\ntitle: Fixed\n---\n")
    server.rebuild(Batch(frozenset({article}), time.monotonic()))
    assert get(server, "/")[0] == 200 and "Fixed" in get(server, "/")[1]


def test_an_unexpected_exception_is_shown_with_its_traceback(server: Any) -> None:
    server.fake_build.fail_with = RuntimeError("boom <here>")
    server.rebuild(Batch(frozenset({server.config.articles_dir / "a.md"}), time.monotonic()))
    status, body, _ = get(server, "/")
    assert status == 500 and "Traceback" in body and "boom &lt;here&gt;" in body
    server.fake_build.fail_with = DigestError.at("templates/base.html", "unknown tag", 7)
    server.rebuild(Batch(frozenset({server.config.root / "templates/base.html"}), time.monotonic()))
    assert "templates/base.html:7" in get(server, "/")[1]


def test_a_bad_site_yaml_becomes_the_error_page_and_a_fix_rebuilds_fully(server: Any) -> None:
    config = server.config.config_path
    config.write_text("title: Test Digest\ntitel: typo\n")
    server.rebuild(Batch(frozenset({config}), time.monotonic()))
    status, body, _ = get(server, "/")
    assert status == 500 and "site.yaml:2" in body and "unknown key" in body
    config.write_text("title: Renamed\n")
    server.rebuild(Batch(frozenset({config}), time.monotonic()))
    assert get(server, "/")[0] == 200
    assert server.config.title == "Renamed" and server.fake_build.calls[-1] is None


def test_rebuild_passes_changed_paths_and_normalises_inbox_dumps(server: Any) -> None:
    dump = server.config.inbox_dir / "dump.txt"
    dump.write_text("Some app\nDropped story\n")
    server.rebuild(Batch(frozenset({dump}), time.monotonic()))
    written = server.config.articles_dir / "dump.md"
    assert server.fake_build.calls[-1] == frozenset({dump, written})
    assert "<li>Dropped story</li>" in get(server, "/")[1]
    assert server.watcher.seen.new([written]) == set()  # its own write never rebuilds again


def test_css_only_change_is_a_stylesheet_swap(server: Any) -> None:
    state = server.state
    since = state.epoch
    css = server.config.root / "static" / "style.css"
    css.write_text("body { color: red }")
    server.rebuild(Batch(frozenset({css}), time.monotonic()))
    with state.cond:
        kind, data = state.news(since, state.server_id)
    new = next(p.name for p in (server.config.output_dir / "static").glob("style.*.css")
               if "red" in p.read_text())
    assert kind == "css" and data["css"] == {"style.css": new}
    article = server.config.articles_dir / "a.md"
    server.rebuild(Batch(frozenset({article}), time.monotonic()))
    with state.cond:
        assert state.news(since, state.server_id)[0] == "reload"


def test_epochs_and_since(tmp_path: Path) -> None:
    state = SiteState(tmp_path)
    assert state.finish_build(Outcome()) == 1
    with state.cond:
        assert state.news(1, state.server_id) is None
        assert state.news(0, state.server_id) == ("reload", {"epoch": 1})
        assert state.news(1, "other-server") == ("reload", {"epoch": 1})
        assert state.news(7, state.server_id) == ("reload", {"epoch": 1})
    state.finish_build(Outcome(css={"a.css": "a.1234abcd.css"}))
    state.finish_build(Outcome(css={"b.css": "b.css"}))
    with state.cond:
        assert state.news(1, state.server_id) == (
            "css", {"epoch": 3, "css": {"a.css": "a.1234abcd.css", "b.css": "b.css"}})
    state.finish_build(Outcome(problems=(Problem("x", "y"),)))
    state.finish_build(Outcome(css={"a.css": "a.css"}))  # after an error page: reload
    with state.cond:
        assert state.news(4, state.server_id) == ("reload", {"epoch": 5})


def test_event_stream_sends_a_missed_build_at_once_and_pings_otherwise(tmp_path: Path) -> None:
    state = SiteState(tmp_path)
    state.finish_build(Outcome())
    app = App(state, heartbeat=0.01)
    stream = app.events(f"/__digest/events?since=0&id={state.server_id}")
    assert next(stream) == b"retry: 500\n\n"
    assert next(stream) == b'event: reload\ndata: {"epoch": 1}\n\n'
    stream = app.events(f"/__digest/events?since=1&id={state.server_id}")
    next(stream)
    assert next(stream) == b": ping\n\n"
    state.stop()
    assert list(stream) == []


def test_requests_wait_for_a_rebuild_in_progress(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<body>old</body>")
    state = SiteState(tmp_path)
    state.finish_build(Outcome())
    state.begin_build()
    answers: list[str] = []
    thread = threading.Thread(target=lambda: answers.append(
        App(state).respond("GET", "/").body.decode()))
    thread.start()
    with state.cond:  # until the request is held back by the build, not a moment sooner
        assert state.cond.wait_for(lambda: state.waiting == 1, 5), "the request did not wait"
    (tmp_path / "index.html").write_text("<body>new</body>")
    assert answers == []
    state.finish_build(Outcome())
    thread.join(5)
    assert answers and "new" in answers[0]


def test_stop_with_a_connected_stream_is_fast_and_leaves_no_threads(server: Any) -> None:
    host, port = server.url.split("//")[1].rstrip("/").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("GET", f"/__digest/events?since={server.state.epoch}&id={server.state.server_id}")
    response = conn.getresponse()
    assert response.status == 200 and response.readline() == b"retry: 500\n"
    started = time.monotonic()
    server.stop()
    took = time.monotonic() - started
    conn.close()
    assert took < 1.0, took
    # Threads told to stop may need a moment to return: wait for each, up to a deadline.
    deadline = time.monotonic() + 2.0
    for thread in threading.enumerate():
        if thread.name.startswith(SERVER_THREADS) and thread is not threading.main_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
    names = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    assert not [n for n in names if n.startswith(SERVER_THREADS)], names


SERVER_THREADS = ("digest-", "Thread-", "process_request")


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_css_swap_names_the_stylesheet_written_not_the_one_pruned(make_site) -> None:  # type: ignore[no-untyped-def]
    """A rebuild reports both the new hashed stylesheet and the pruned old one as changed."""
    from types import SimpleNamespace

    from digest.config import load_config
    from digest.serve import DevServer

    root = make_site()
    server = DevServer(load_config(root), port=0, build=lambda *a, **k: None)
    static = server.config.output_dir / "static"
    static.mkdir(parents=True)
    (static / "style.75fbb507.css").write_text("body{}")
    for order in (["/static/style.1841a274.css", "/static/style.75fbb507.css"],
                  ["/static/style.75fbb507.css", "/static/style.1841a274.css"]):
        report = SimpleNamespace(changed_urls=order)
        assert server._css_swap([root / "static" / "style.css"], report) == {
            "style.css": "style.75fbb507.css"
        }


def test_an_inbox_change_while_serving_never_overwrites_a_curator_edit(
    make_site: Callable[..., Path],
) -> None:
    # The real normaliser and build: a changed dump whose article the curator edited is
    # a conflict on the error page, never a silent re-normalisation.
    from digest.normalize import normalize

    dump = (Path(__file__).parent / "fixtures/dumps/magzter_app_en.txt").read_bytes()
    root = make_site(inbox={"en.txt": dump})
    config = load_config(root)
    first = normalize(config, None, force=False, dry_run=False, stdout=None, progress=False)
    article = root / "content" / first.written[0]
    edited = article.read_text().replace("tags: []", "tags: [food]\nnote: keep me")
    edited += "\nA paragraph the curator added.\n"
    article.write_text(edited)
    srv = DevServer(config, port=0, out=io.StringIO())
    srv.watcher.start = lambda: None  # type: ignore[method-assign]  # batches are fed by hand
    srv.start()
    try:
        inbox_file = root / "content/inbox/en.txt"
        inbox_file.write_bytes(dump.replace(b"eleven farms", b"twelve farms"))
        srv.rebuild(Batch(frozenset({inbox_file}), time.monotonic()))
        assert article.read_text() == edited
        status, body, _ = get(srv, "/")
        assert status == 500 and "edited since it was normalised" in body
        terminal = srv.out.getvalue()  # type: ignore[attr-defined]
        assert f"{first.written[0]}: edited since it was normalised" in terminal
        # Saving the dump once more (an editor's second write) still leaves the edit.
        srv.rebuild(Batch(frozenset({inbox_file}), time.monotonic()))
        assert article.read_text() == edited
    finally:
        srv.stop()


def test_start_normalises_the_dumps_waiting_in_the_inbox_before_the_first_build(
    make_site: Callable[..., Path],
) -> None:
    import json

    old = b"Some app\nOld story\n"
    root = make_site(inbox={"waiting.txt": "Some app\nWaiting story\n", "old.txt": old})
    state = {"version": 1, "dumps": {"inbox/old.txt": {
        "sha256": hashlib.sha256(old).hexdigest(), "text": "t", "article": "articles/old.md"}}}
    (root / "content" / ".digest-normalize.json").write_text(json.dumps(state))
    normalized: list[list[Path]] = []

    def normalize(config: Any, paths: list[Path], **options: Any) -> Any:
        assert options["force"] is False
        normalized.append(list(paths))
        return fake_normalize(config, paths, **options)

    build, out = FakeBuild(), io.StringIO()
    srv = DevServer(load_config(root), port=0, build=build, normalize=normalize, out=out)
    srv.watcher.start = lambda: None  # type: ignore[method-assign]
    srv.start()
    try:
        assert normalized == [[srv.config.inbox_dir / "waiting.txt"]]  # old.txt is recorded
        assert build.calls == [None]
        assert "<li>Waiting story</li>" in get(srv, "/")[1]
        assert out.getvalue().startswith(
            "1 dump in content/inbox/ is not normalised yet: normalising it now\n")
    finally:
        srv.stop()


def test_a_busy_port_is_refused_before_building_or_the_next_one_is_taken(
    make_site: Callable[..., Path],
) -> None:
    import socket

    from digest.serve_site import PORT_TRIES, open_server

    root = make_site()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        build = FakeBuild()
        srv = DevServer(load_config(root), port=port, build=build, out=io.StringIO())
        with pytest.raises(DigestError) as exc:
            srv.start()
        srv.stop()
        assert exc.value.problems[0].message == f"port {port} is in use"
        assert build.calls == []  # refused before the first build

        app = App(SiteState(root / "_site"))
        httpd = open_server("127.0.0.1", port, app, tries=PORT_TRIES)
        try:
            chosen = httpd.server_address[1]
            assert port < chosen < port + PORT_TRIES
        finally:
            httpd.server_close()

        out = io.StringIO()
        srv = DevServer(load_config(root), port=port, build=FakeBuild(), out=out,
                        port_tries=PORT_TRIES)
        srv.watcher.start = lambda: None  # type: ignore[method-assign]
        srv.start()
        try:
            chosen = int(srv.url.rstrip("/").rsplit(":", 1)[1])
            assert out.getvalue().startswith(
                f"port {port} is in use: serving on port {chosen}\n")
        finally:
            srv.stop()
