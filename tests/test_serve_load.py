"""The dev server under load while sources change, and against path traversal.

200 concurrent clients (a separate process, asyncio sockets) fetch pages while a
thread here rewrites articles 50 times a second. Every answer must be 200, 304 or
404 (and 404 only for a path that does not exist), every HTML body must be a whole
page, the server's threads and memory stay bounded, and stop() is prompt and leaves
no thread behind. Traversal attempts (`..`, `%2e%2e`, `%2f`, backslashes, absolute
paths, symlinks that leave the output) all answer 404 without the file's bytes.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from digest.config import load_config

ARTICLES = 40
# DIGEST_STRESS=1 keeps the load on for 20 s instead of 4.
LOAD_SECONDS = 20.0 if os.environ.get("DIGEST_STRESS", "") not in ("", "0") else 4.0
CHANGES_PER_SECOND = 50
CLIENTS = 200
THREAD_BOUND = CLIENTS + 60  # one thread per open request, plus the server's own
RSS_GROWTH_BOUND = 200 * 1024 * 1024  # bytes, after the first build

SECRET = "secret-value-9f3a1c"


def _article(i: int, revision: int = 0) -> str:
    return (
        f"---\ntitle: Story number {i}\npublication: The Load Gazette\n"
        f"date: 2025-10-{1 + i % 28:02d}\ntags: [load]\n---\n\n"
        f"Paragraph of story {i}, revision {revision}.\n\n" + "Filler words here. " * 60 + "\n"
    )


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _make(root: Path) -> Path:
    (root / "content" / "inbox").mkdir(parents=True)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text(
        # No search index: rebuilds are quicker, so more of them overlap the load.
        f"title: Load digest\nlanguage: en\nsearch: false\ndescription: {SECRET}-not-this\n",
        encoding="utf-8",
    )
    for i in range(ARTICLES):
        (root / "content" / "articles" / f"story-{i:03d}.md").write_text(_article(i), "utf-8")
    return root


def _rss() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


CLIENT = r"""
import asyncio, json, random, sys, time
host, port, seconds, clients = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
pages = json.loads(open(sys.argv[5], encoding="utf-8").read())
existing, missing = pages["existing"], pages["missing"]
stats = {"requests": 0, "by_status": {}, "bad": [], "incomplete": [], "errors": [],
         "missing_existing": [], "max_latency": 0.0}

async def fetch(path):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 15)
    except asyncio.TimeoutError:
        raise TimeoutError("connect took over 15 s") from None
    writer.write(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    try:
        data = await asyncio.wait_for(reader.read(-1), 30)
    except asyncio.TimeoutError:
        raise TimeoutError("no complete answer within 30 s") from None
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head, body

async def worker(deadline):
    rnd = random.Random()
    while time.monotonic() < deadline:
        path = rnd.choice(missing) if rnd.random() < 0.05 else rnd.choice(existing)
        started = time.monotonic()
        try:
            status, head, body = await fetch(path)
        except Exception as exc:
            stats["errors"].append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        stats["max_latency"] = max(stats["max_latency"], time.monotonic() - started)
        stats["requests"] += 1
        stats["by_status"][str(status)] = stats["by_status"].get(str(status), 0) + 1
        if status not in (200, 304, 404):
            stats["bad"].append(f"{path}: {status}: {body[:200]!r}")
        elif status == 404 and path in existing:
            stats["missing_existing"].append(path)
        if b"text/html" in head.lower() and not body.rstrip().lower().endswith(b"</html>"):
            stats["incomplete"].append(f"{path}: {status}: ...{body[-120:]!r}")
        length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
        if length and int(length[0].split(b":")[1]) != len(body):
            stats["incomplete"].append(f"{path}: length {length[0]!r} but {len(body)} bytes")

async def main():
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(worker(deadline) for _ in range(clients)))

asyncio.run(main())
for key in ("bad", "incomplete", "errors", "missing_existing"):
    stats[key + "_count"] = len(stats[key])
    stats[key] = stats[key][:20]
print(json.dumps(stats))
"""


MUTATOR = r"""
import os, random, sys, time
sys.path.insert(0, sys.argv[4])
from test_serve_load import ARTICLES, _article
articles, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rnd = random.Random(7)
count, started = 0, time.monotonic()
next_at = started
while time.monotonic() - started < seconds:
    i = rnd.randrange(ARTICLES)
    count += 1
    path = os.path.join(articles, f"story-{i:03d}.md")
    tmp = os.path.join(articles, f".story-{i:03d}.md.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(_article(i, count))
    os.replace(tmp, path)  # atomic: every version the server sees is a valid file
    next_at += 1.0 / rate
    time.sleep(max(0.0, next_at - time.monotonic()))
print(count)
"""


def _server_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t is not threading.main_thread()]


@pytest.mark.slow
def test_200_clients_while_sources_change(tmp_path: Path) -> None:
    from digest.serve import DevServer

    site = _make(tmp_path / "site")
    before_threads = set(threading.enumerate())
    server = DevServer(load_config(site), port=0, out=io.StringIO())
    server.start()
    rss_before = _rss()  # after the first build: growth under load is what is bounded
    stopped = False
    try:
        output = server.config.output_dir
        existing = sorted(
            "/" + p.relative_to(output).as_posix().removesuffix("index.html")
            for p in output.rglob("*.html")
        )
        assert len(existing) >= ARTICLES, existing
        pages = {"existing": existing,
                 "missing": ["/no/such/page/", "/missing.html", "/story-999/"]}
        host, port = server.url.split("//")[1].rstrip("/").rsplit(":", 1)
        mutator = subprocess.Popen(
            [sys.executable, "-c", MUTATOR, str(site / "content" / "articles"),
             str(CHANGES_PER_SECOND), str(LOAD_SECONDS), str(Path(__file__).parent)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        pages_file = tmp_path / "pages.json"
        pages_file.write_text(json.dumps(pages), encoding="utf-8")
        client = subprocess.Popen(
            [sys.executable, "-c", CLIENT, host, port, str(LOAD_SECONDS), str(CLIENTS),
             str(pages_file)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        peak_threads, peak_rss = 0, 0
        deadline = time.monotonic() + LOAD_SECONDS + 60
        while client.poll() is None and time.monotonic() < deadline:
            peak_threads = max(peak_threads, threading.active_count())
            peak_rss = max(peak_rss, _rss())
            time.sleep(0.05)
        changes_out, changes_err = mutator.communicate(timeout=60)
        assert mutator.returncode == 0, changes_err[-2000:]
        counter = [int(changes_out.strip())]
        out, err = client.communicate(timeout=60)
        assert client.returncode == 0, err[-3000:]
        stats = json.loads(out)
        # Once the changes stop, the served site catches up with every last edit.
        articles = site / "content" / "articles"
        wanted = {}
        for i in range(ARTICLES):
            text = (articles / f"story-{i:03d}.md").read_text("utf-8")
            wanted[i] = re.search(r"revision (\d+)\.", text)[1]  # type: ignore[index]
        settle_deadline = time.monotonic() + 30
        behind = dict(wanted)
        while behind and time.monotonic() < settle_deadline:
            time.sleep(0.5)
            with server.state.cond:
                if server.state.building:
                    continue
            served = "\n".join(p.read_text("utf-8") for p in output.rglob("index.html"))
            behind = {i: w for i, w in wanted.items()
                      if f"Paragraph of story {i}, revision {w}." not in served}
        catch_up = round(30 - (settle_deadline - time.monotonic()), 1)
        epochs = server.state.epoch
        started = time.monotonic()
        server.stop()
        stop_seconds = time.monotonic() - started
        stopped = True
        deadline = time.monotonic() + 2.0  # threads told to stop may need a moment to return
        for thread in set(threading.enumerate()) - before_threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        left = [t for t in threading.enumerate() if t not in before_threads and t.is_alive()]
        figures = {
            "requests": stats["requests"], "by_status": stats["by_status"],
            "rate_per_s": round(stats["requests"] / LOAD_SECONDS),
            "changes": counter[0], "rebuilds": epochs - 1, "peak_threads": peak_threads,
            "rss_growth_mb": round((peak_rss - rss_before) / 2**20, 1),
            "max_latency_s": round(stats["max_latency"], 2), "stop_s": round(stop_seconds, 3),
            "max_reload_latency_s": round(max(server.latencies, default=0), 2),
            "catch_up_s": catch_up,
        }
        print("serve-load figures:", json.dumps(figures))
        assert stats["errors_count"] == 0, stats["errors"]
        assert stats["bad_count"] == 0, stats["bad"]
        assert stats["incomplete_count"] == 0, stats["incomplete"]
        assert stats["missing_existing_count"] == 0, stats["missing_existing"]
        # How many requests, edits and rebuilds fit in the window depends on the machine's
        # load: the figures are printed; asserted is that the load and the edits happened
        # and that the server rebuilt while serving.
        assert stats["requests"] >= CLIENTS, figures
        assert counter[0] >= CHANGES_PER_SECOND, figures
        assert epochs >= 2, f"the server did not rebuild under changes: {figures}"
        assert not behind, f"edits never reached the served site: {sorted(behind)[:10]}"
        assert peak_threads <= THREAD_BOUND, figures
        assert peak_rss - rss_before <= RSS_GROWTH_BOUND, figures
        assert stop_seconds < 5, figures
        assert not left, [t.name for t in left]
    finally:
        if not stopped:
            server.stop()


TRAVERSALS = [
    "/../site.yaml",
    "/../../../../../../etc/passwd",
    "/%2e%2e/site.yaml",
    "/%2E%2E/%2e%2e/site.yaml",
    "/..%2fsite.yaml",
    "/%2e%2e%2fsite.yaml",
    "/.%2e/site.yaml",
    "/..\\site.yaml",
    "/%5c..%5csite.yaml",
    "/..%5csite.yaml",
    "/%252e%252e/site.yaml",
    "/%c0%ae%c0%ae/site.yaml",
    "//etc/passwd",
    "/etc/passwd",
    "/%2fetc%2fpasswd",
    "/C:/Windows/win.ini",
    "/C:%5cWindows%5cwin.ini",
    "/..;/site.yaml",
    "/%00/../site.yaml",
    "/index.html%00.yaml",
    "/link-out/site.yaml",
    "/link-etc/passwd",
    "/link-file.yaml",
    "/link-file.yaml/",
]
RAW_TARGETS = ["../site.yaml", "http://127.0.0.1/../site.yaml", "/./../site.yaml"]


def _raw_get(host: str, port: int, target: str) -> tuple[int, bytes]:
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: x\r\n\r\n".encode("latin-1"))
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_path_traversal_answers_404(tmp_path: Path) -> None:
    from digest.serve import DevServer

    site = _make(tmp_path / "site")
    (site / "site.yaml").write_text(f"title: Load digest\ndescription: x\n# {SECRET}\n", "utf-8")
    server = DevServer(load_config(site), port=0, out=io.StringIO())
    server.start()
    try:
        output = server.config.output_dir
        # Symlinks planted in the output that point out of it.
        (output / "link-out").symlink_to(site)
        (output / "link-etc").symlink_to("/etc")
        (output / "link-file.yaml").symlink_to(site / "site.yaml")
        host, port = server.url.split("//")[1].rstrip("/").rsplit(":", 1)
        status, _ = _raw_get(host, int(port), "/")
        assert status == 200
        answers = {}
        for target in TRAVERSALS + RAW_TARGETS:
            status, body = _raw_get(host, int(port), target)
            answers[target] = status
            assert SECRET.encode() not in body, target
            assert b"root:x:0:0" not in body, target
        wrong = {t: s for t, s in answers.items() if s != 404}
        assert not wrong, wrong
    finally:
        server.stop()
