"""Watch mode: time from saving one article to the dev server's reload event.

`digest serve --port 0` runs against the corpus site; the harness reads the address
the server prints, subscribes to its server-sent-events reload channel like a
browser would, then appends a line to one article several times and takes the
time from each write to the next reload event.  For Hugo (`hugo --watch`) the end
point is its "Total in N ms" line (the time the line is read, so slightly late).
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.timing import Stats, bench_env

_ADDRESS = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)")
_HUGO_DONE = re.compile(r"Total in \d+ ms")


@dataclass(frozen=True)
class WatchResult:
    latency: Stats  # seconds from the write to the reload event
    first_build: float  # seconds from start to the server being ready
    hwm_mib: float  # the server's peak RSS (VmHWM)


def _vm_hwm(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _stream_target(port: int) -> str:
    """What a browser on the home page subscribes to: the events path, epoch and server id."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/")
    html = conn.getresponse().read().decode("utf-8", "replace")
    conn.close()
    since = re.search(r"let since = (\d+);", html)
    source = re.search(r'new EventSource\("([^"?]+)\?since=" \+ since \+ "&id=(\w+)"\)', html)
    if not since or not source:
        raise RuntimeError("no live-reload script in the home page")
    return f"{source[1]}?since={since[1]}&id={source[2]}"


@contextmanager
def _started(cmd: list[str], cwd: Path | None = None) -> Iterator[tuple[subprocess.Popen[str],
                                                                          queue.Queue[str]]]:
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env=dict(bench_env(), PYTHONUNBUFFERED="1"))
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        yield proc, lines
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_line(lines: queue.Queue[str], pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if match := pattern.search(line):
            return match
    raise TimeoutError(f"no line matching {pattern.pattern!r}; last output:\n" + "".join(seen[-8:]))


def _edit(article: Path, original: bytes, k: int) -> float:
    article.write_bytes(original + f"\n\nWatch edit {k}.\n".encode())
    return time.monotonic()


def _subscribe(port: int, events: queue.Queue[float]) -> None:
    """Open the page's event stream; a thread puts the arrival time of its reload event."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", _stream_target(port), headers={"Accept": "text/event-stream"})
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"event stream: HTTP {response.status}")
    response.readline()  # the stream is open: from here on no event can be missed

    def read() -> None:
        try:
            for raw in response:
                if raw.startswith(b"event: reload"):
                    events.put(time.monotonic())
                    break
        except (OSError, http.client.HTTPException):
            pass
        conn.close()

    threading.Thread(target=read, daemon=True).start()


def digest_watch(site: Path, article: Path, edits: int = 5, settle: float = 1.0,
                 timeout: float = 900) -> WatchResult | str:
    """Save-to-reload latency of `digest serve`; a note (str) when it cannot be measured.

    Like a browser: load the home page, open the event stream its script names, save,
    wait for the reload event, then load the page again for the next edit.
    """
    cmd = [sys.executable, "-m", "digest", "serve", "--site", str(site), "--port", "0"]
    original = article.read_bytes()
    t0 = time.monotonic()
    with _started(cmd) as (proc, lines):
        try:
            port = int(_wait_line(lines, _ADDRESS, timeout)[1])
            _stream_target(port)  # waits for the first build, like a browser would
            first = time.monotonic() - t0
            latencies = []
            for k in range(edits):
                time.sleep(settle)
                events: queue.Queue[float] = queue.Queue()
                _subscribe(port, events)
                saved = _edit(article, original, k)
                latencies.append(events.get(timeout=60) - saved)
        except (TimeoutError, OSError, RuntimeError, queue.Empty) as exc:
            return f"not measured ({type(exc).__name__}: {str(exc)[:200]})"
        finally:
            article.write_bytes(original)
        return WatchResult(Stats.of(latencies), first, _vm_hwm(proc.pid))


def hugo_watch(engine_cmd: list[str], article: Path, edits: int = 5, settle: float = 1.0,
               timeout: float = 900) -> WatchResult | str:
    """Write-to-"Total in" latency of `hugo --watch` (includes its watcher's batching)."""
    cmd = [*(c for c in engine_cmd if c != "--quiet"), "--watch"]
    original = article.read_bytes()
    t0 = time.monotonic()
    with _started(cmd) as (proc, lines):
        try:
            _wait_line(lines, re.compile(r"Press Ctrl\+C to stop"), timeout)
            first = time.monotonic() - t0
            latencies = []
            for k in range(edits):
                time.sleep(settle)
                while not lines.empty():
                    lines.get_nowait()
                saved = _edit(article, original, k)
                _wait_line(lines, _HUGO_DONE, 60)
                latencies.append(time.monotonic() - saved)
        except (TimeoutError, queue.Empty) as exc:
            return f"not measured ({type(exc).__name__}: {str(exc)[:200]})"
        finally:
            article.write_bytes(original)
        return WatchResult(Stats.of(latencies), first, _vm_hwm(proc.pid))
