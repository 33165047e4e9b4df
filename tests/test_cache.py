"""The build cache under threads: the dev server's watcher thread writes while another
thread closes the cache (a new session's `BuildState.forget_all`)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from digest.cache import BuildCache

# Run apart: a connection closed under another thread's statement crashes the
# interpreter, which must fail this test rather than end the whole run.
HAMMER = textwrap.dedent("""
    import sys, threading, time
    from pathlib import Path
    from digest.cache import BuildCache

    for round_ in range(30):
        cache = BuildCache(Path(sys.argv[1]) / str(round_), "key")
        stop = threading.Event()

        def write(n=0):
            while not stop.is_set():
                cache.set_blob(f"blob{n % 7}", b"x" * 5000)
                cache.items_of([f"name{n}"])
                cache.set_info("last_build", str(n))
                n += 1

        threads = [threading.Thread(target=write) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(0.01)
        cache.close()
        stop.set()
        for thread in threads:
            thread.join()
    print("done")
""")


def test_closing_while_other_threads_write_neither_crashes_nor_raises(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", HAMMER, str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert (run.returncode, run.stdout.strip(), run.stderr) == (0, "done", "")


def test_a_closed_cache_answers_as_an_empty_one(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "key")
    cache.set_blob("snapshot", b"head")
    cache.set_info("last_build", "abc 3")
    assert cache.snapshot() == b"head" and cache.info("last_build") == "abc 3"
    cache.close()
    cache.set_blob("snapshot", b"other")
    assert cache.snapshot() is None and cache.info("last_build") is None
    assert cache.items() == {} and cache.last_item() == 0
    # The rows are still on disk for the next process.
    again = BuildCache(tmp_path, "key")
    assert again.snapshot() == b"head" and again.info("last_build") == "abc 3"
