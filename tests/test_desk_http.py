"""The desk over HTTP against a running dev server: who may change files, and how.

Every refused request must leave every file of the site byte-identical.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from digest.config import load_config
from digest.serve import DevServer

ARTICLES = {
    "quill/lanterns.md": (
        "---\ntitle: Lanterns return  # as printed\npublication: The Quill Courier\n"
        "date: '2025-10-03'\nreview: [no date found]\nstatus: held\n---\n\nThe text.\n"),
    "quill/bells.md": (
        "---\ntitle: Night <script>alert(1)</script> bells\npublication: The Quill Courier\n"
        "date: '2025-10-03'\nnote: '<img src=x onerror=alert(2)>'\n---\n\nMore text.\n"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    root = tmp_path_factory.mktemp("desk-http") / "site"
    for rel, text in ARTICLES.items():
        path = root / "content" / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "content" / "inbox").mkdir()
    (root / "content" / "inbox" / "keep.txt").write_text("A dump\n")
    (root / "site.yaml").write_text("title: Test Digest\nlanguage: en\n")
    dev = DevServer(load_config(root), port=0, out=io.StringIO())
    dev.start()
    try:
        yield dev
    finally:
        dev.stop()


class Client:
    def __init__(self, server: DevServer) -> None:
        address = server.desk_url
        assert address is not None
        self.parts = urlsplit(address)
        self.host = self.parts.netloc
        status, headers, _ = self.request("GET", f"{self.parts.path}?{self.parts.query}")
        assert status == 303
        self.cookie = headers["set-cookie"].split(";")[0]

    def request(self, method: str, target: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, length: int | None = None
                ) -> tuple[int, dict[str, str], bytes]:
        """One request; `length` declares a body that is never sent (the server must
        answer from the headers alone)."""
        conn = http.client.HTTPConnection(str(self.parts.hostname), self.parts.port, timeout=10)
        try:
            sent = {"Host": self.host, **(headers or {})}
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in sent.items():
                conn.putheader(name, value)
            data = body.encode() if isinstance(body, str) else body
            if length is not None:
                conn.putheader("Content-Length", str(length))
                data = None
            elif data is not None:
                conn.putheader("Content-Length", str(len(data)))
            conn.endheaders(data)
            response = conn.getresponse()
            return (response.status, {k.lower(): v for k, v in response.getheaders()},
                    response.read())
        finally:
            conn.close()

    def page(self, path: str) -> str:
        status, _, body = self.request("GET", path, headers={"Cookie": self.cookie})
        assert status == 200, body
        return body.decode()

    def post(self, action: str, payload: object, **headers: str) -> tuple[int, dict[str, object]]:
        sent = {"Cookie": self.cookie, "Origin": f"http://{self.host}",
                "Content-Type": "application/json", **headers}
        status, _, body = self.request("POST", f"/_desk/api/{action}", json.dumps(payload), sent)
        return status, json.loads(body) if body.startswith(b"{") else {"raw": body.decode()}


@pytest.fixture(scope="module")
def client(server: DevServer) -> Client:
    return Client(server)


def snapshot(server: DevServer) -> dict[str, str]:
    root = server.site.root
    files = [root / "site.yaml", *(p for p in (root / "content").rglob("*") if p.is_file())]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def article_ids(client: Client) -> dict[str, tuple[str, str]]:
    """Title -> (id, version), as the desk's editions page gives them."""
    page = client.page("/_desk/editions/")
    found = re.findall(r'data-id="([0-9a-f]{16})" data-version="([0-9a-f]{64})">\s*<article '
                       r'aria-labelledby="t-\1">.*?<a href="/_desk/article/\1" '
                       r"data-current-link>(.*?)</a>", page, re.S)
    return {title: (i, v) for i, v, title in found}


def save_payload(client: Client, title: str = "Lanterns return", **changes: object) -> dict[
        str, object]:
    article_id, version = article_ids(client)[title]
    return {"id": article_id, "version": version, "changes": changes or {"title": "Changed"}}


@pytest.mark.parametrize("case", [
    "no token", "wrong token", "foreign origin", "no origin", "foreign host", "cross-site fetch",
    "GET", "PUT", "form body", "text body", "not JSON", "path-like id", "path as id",
    "unknown id", "unknown key", "huge body",
])
def test_refused_requests_change_no_file(server: DevServer, client: Client, case: str) -> None:
    payload = save_payload(client)
    body: bytes | str = json.dumps(payload)
    headers = {"Cookie": client.cookie, "Origin": f"http://{client.host}",
               "Content-Type": "application/json"}
    method, target, expected, length = "POST", "/_desk/api/save", 403, None
    if case == "no token":
        del headers["Cookie"]
    elif case == "wrong token":
        headers["Cookie"] = client.cookie.split("=")[0] + "=not-the-token"
    elif case == "foreign origin":
        headers["Origin"] = "http://evil.example"
    elif case == "no origin":
        del headers["Origin"]
    elif case == "foreign host":  # DNS rebinding: the page's own name, this server's address
        headers["Host"] = headers["Origin"] = f"evil.example:{client.parts.port}"
        headers["Origin"] = f"http://{headers['Host']}"
    elif case == "cross-site fetch":
        headers["Sec-Fetch-Site"] = "cross-site"
    elif case in ("GET", "PUT"):
        method = case
    elif case == "form body":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = "id=x&changes=y"
    elif case == "text body":
        headers["Content-Type"] = "text/plain"
    elif case == "not JSON":
        body, expected = "{title: nope", 400
    elif case == "path-like id":
        body, expected = json.dumps({**payload, "id": "../../site.yaml"}), 400
    elif case == "path as id":
        body, expected = json.dumps({**payload, "id": "content/articles/quill/bells.md"}), 400
    elif case == "unknown id":
        body, expected = json.dumps({**payload, "id": "0123456789abcdef"}), 404
    elif case == "unknown key":
        body, expected = json.dumps({**payload, "changes": {"source": "x"}}), 400
    elif case == "huge body":
        expected, length = 413, 2_000_000  # refused before a byte of it is read
    before = snapshot(server)
    status, _, _ = client.request(method, target, body, headers, length)
    assert status == expected
    assert snapshot(server) == before


def test_pages_need_the_token_and_the_servers_own_host(client: Client) -> None:
    assert client.request("GET", "/_desk/")[0] == 403
    assert client.request("GET", "/_desk/?token=wrong")[0] == 403
    assert client.request("GET", "/_desk/", headers={
        "Cookie": client.cookie, "Host": "evil.example"})[0] == 403
    status, headers, _ = client.request("GET", f"/_desk/?{client.parts.query}")
    assert status == 303 and headers["location"] == "/_desk/"  # the token leaves the address
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.request("GET", "/_desk/", headers={"Cookie": client.cookie})[0] == 200


def test_what_a_curator_typed_is_escaped_on_every_page(client: Client) -> None:
    article_id, _ = article_ids(client)["Night &lt;script&gt;alert(1)&lt;/script&gt; bells"]
    for path in ("/_desk/", "/_desk/editions/", f"/_desk/article/{article_id}"):
        page = client.page(path)
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in client.page("/_desk/editions/")
    status, _, _ = client.request("GET", "/_desk/", headers={"Cookie": client.cookie})
    assert status == 200


def test_a_save_changes_one_key_and_answers_with_the_new_version(
        server: DevServer, client: Client) -> None:
    path = server.site.articles_dir / "quill" / "lanterns.md"
    before = path.read_text()
    status, answer = client.post("save", save_payload(client, kicker="At the harbour"))
    assert status == 200, answer
    after = path.read_text()
    assert after == before.replace("publication:", "kicker: At the harbour\npublication:")
    assert answer["version"] == hashlib.sha256(after.encode()).hexdigest()


def test_a_bad_date_is_refused_with_the_front_matter_message(
        server: DevServer, client: Client) -> None:
    before = snapshot(server)
    status, answer = client.post("save", save_payload(client, date="2025-02-30"))
    assert status == 422
    assert re.fullmatch(
        r"content/articles/quill/lanterns.md:\d+: `date` 2025-02-30 is not a date\n"
        r"  write YYYY-MM-DD, or YYYY-MM for a monthly issue", str(answer["error"]))
    assert snapshot(server) == before


def test_two_saves_from_one_version_write_once_and_report_the_conflict(
        server: DevServer, client: Client) -> None:
    payloads = [save_payload(client, author=name) for name in ("Ann", "Bo")]
    results: list[tuple[int, dict[str, object]]] = []
    start = threading.Barrier(2)

    def send(payload: dict[str, object]) -> None:
        start.wait()
        results.append(client.post("save", payload))

    threads = [threading.Thread(target=send, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in results) == [200, 409]
    conflict = next(answer for status, answer in results if status == 409)
    disk, yours = conflict["disk"], conflict["yours"]
    assert isinstance(disk, dict) and isinstance(yours, dict)
    winner = "Ann" if "author: Ann" in str(disk["text"]) else "Bo"
    loser = "Bo" if winner == "Ann" else "Ann"
    assert f"author: {loser}" in str(yours["text"]) and f"author: {winner}" not in str(
        yours["text"])
    text = (server.site.articles_dir / "quill" / "lanterns.md").read_text()
    assert f"author: {winner}" in text and f"author: {loser}" not in text


def test_the_desk_is_only_in_serve(server: DevServer, client: Client) -> None:
    preview = server.config.output_dir
    assert preview.is_dir() and not any("_desk" in p.as_posix() for p in preview.rglob("*"))
    assert DevServer(server.site, host="192.0.2.1").desk_on is False  # beyond loopback: off
    assert DevServer(server.site, host="192.0.2.1", desk=True).desk_on is True
    off = DevServer(server.site, port=0, out=io.StringIO(), desk=False)
    off.start()
    try:
        assert off.desk_url is None
        parts = urlsplit(off.url)
        conn = http.client.HTTPConnection(str(parts.hostname), parts.port, timeout=10)
        conn.request("GET", "/_desk/")
        assert conn.getresponse().status == 404
        conn.close()
    finally:
        off.stop()


def test_a_hold_without_review_notes_gets_one(server: DevServer, client: Client) -> None:
    path = server.site.articles_dir / "quill" / "bells.md"
    before = path.read_text()
    title = "Night &lt;script&gt;alert(1)&lt;/script&gt; bells"
    status, answer = client.post("save", save_payload(client, title, status="held"))
    assert status == 200, answer
    # Held with nothing to review would be published: the hold says why it holds.
    assert path.read_text() == before.replace(
        "---\n\nMore", "status: held\nreview: [held at the desk]\n---\n\nMore")


def test_an_order_tells_the_dev_server_of_its_files_together(
    server: DevServer, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = server.desk
    assert desk is not None
    told: list[list[str]] = []
    tell = desk.notify

    def notify(paths: Iterable[Path]) -> None:
        paths = list(paths)
        told.append(sorted(p.name for p in paths))
        tell(paths)

    monkeypatch.setattr(desk, "notify", notify)
    ids = article_ids(client)
    shown = list(ids)  # as the edition shows them
    assert len(shown) == 2
    status, answer = client.post("order", {
        "id": ids[shown[0]][0], "ids": [ids[t][0] for t in reversed(shown)],
        "versions": {ids[t][0]: ids[t][1] for t in shown}})
    assert status == 200 and len(answer["versions"]) == 2  # type: ignore[arg-type]
    # One rebuild for the whole order, not one per file the order wrote.
    assert told == [["bells.md", "lanterns.md"]]
