"""Faults: SIGKILL mid-run, a full disk, a read-only output, unreadable and vanishing
files, and output folders whose cleaning would destroy something.

What must hold after every fault: raw dumps and curator files are byte-identical, every
article file parses, every built page is whole (parses, ends with </html>), no temp file
is left where it would be published, and the next run succeeds and gives the same site
as a clean build.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.config import load_config
from digest.errors import DigestError
from digest.frontmatter import parse_document

PUBS = ["The Harbour Courier", "Northern Ledger", "The Cedar Gazette", "Copper Tribune",
        "Quartz Weekly"]
WORDS = ["council", "harbour", "ferry", "river", "market", "bridge", "station", "report",
         "winter", "budget", "village", "island", "teacher", "library", "volunteers",
         "crossing"]
# DIGEST_STRESS=1 runs the heavier version: more kill points (each run is about 3x longer).
STRESS = os.environ.get("DIGEST_STRESS", "") not in ("", "0")
SITE_SIZE = 300
KILLS_NORMALIZE = 12 if STRESS else 4
KILLS_BUILD = 12 if STRESS else 4

CURATED = {
    "curated/2025-09-30-kept-by-hand.md": (
        "---\ntitle: Kept by hand\npublication: Curator Notes\ndate: 2025-09-30\n"
        "note: my own words, never to be lost\nfeatured: true\ntags: [mine]\n---\n\n"
        "Written by the curator.\n"
    ),
    "curated/2025-09-29-second.md": (
        "---\ntitle: Second curated piece\npublication: Curator Notes\ndate: 2025-09-29\n"
        "status: draft\n---\n\nA draft.\n"
    ),
}


def dump(i: int) -> str:
    """A Magzter-style raw dump (app copy, English UI)."""
    rnd = random.Random(i)
    pub = PUBS[i % len(PUBS)]
    day = 1 + i % 28
    title = " ".join(rnd.choice(WORDS) for _ in range(6)).capitalize() + f" {i}"
    paras = "\n".join(
        " ".join(rnd.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(5)
    )
    return (
        f"Try GOLD - Free\n{title}\n{pub}\n|October {day:02d}, 2025\n{paras}\n"
        f"This story is from the October {day:02d}, 2025 edition of {pub}.\n"
        "Subscribe to Magzter GOLD to access thousands of curated premium stories, and "
        "9,000+ magazines and newspapers.\nAlready a subscriber? Sign In\n"
        "Listen\nTranslate\nChange font size\n"
    )


def article(i: int, revision: int = 0) -> str:
    rnd = random.Random(i)
    body = "\n\n".join(
        " ".join(rnd.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(5)
    )
    return (
        f"---\ntitle: Story {i} {rnd.choice(WORDS)}\npublication: {PUBS[i % len(PUBS)]}\n"
        f"date: 2025-10-{1 + i % 28:02d}\ntags: [{rnd.choice(WORDS)}]\n---\n\n"
        f"Revision {revision}.\n\n{body}\n"
    )


def new_site(root: Path, *, dumps: int = 0, articles: int = 0, config: str = "") -> Path:
    (root / "content" / "inbox").mkdir(parents=True)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Fault digest\nlanguage: en\n" + config, "utf-8")
    for i in range(dumps):
        (root / "content" / "inbox" / f"dump-{i:03d}.txt").write_text(dump(i), "utf-8")
    for i in range(articles):
        path = root / "content" / "articles" / PUBS[i % len(PUBS)].lower().replace(" ", "-")
        path.mkdir(exist_ok=True)
        (path / f"story-{i:03d}.md").write_text(article(i), "utf-8")
    for rel, text in CURATED.items():
        path = root / "content" / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def digest_cmd(args: list[str], site: Path, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(
        [sys.executable, "-m", "digest", *args], cwd=site, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **kwargs,
    )


def run_digest(args: list[str], site: Path, timeout: float = 120) -> tuple[int, str]:
    proc = digest_cmd(args, site)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # A hang is a finding: end the run (and its workers) so nothing outlives the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"`digest {' '.join(args)}` still running after {timeout} s: "
                    f"{(out + err)[-1500:]}")
    return proc.returncode, out + err


class _Page(HTMLParser):
    pass


def check_pages(output: Path) -> list[str]:
    """Every HTML page parses and ends with </html>; returns what is wrong."""
    wrong = []
    for path in output.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        try:
            parser = _Page()
            parser.feed(text)
            parser.close()
        except Exception as exc:
            wrong.append(f"{path}: {exc}")
        if not text.rstrip().lower().endswith("</html>"):
            wrong.append(f"{path}: does not end with </html>")
    return wrong


def temp_files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*")
        if p.is_file() and (p.name.endswith((".tmp", ".temp", "~")) or ".tmp." in p.name)
    )


def comparable(output: Path) -> dict[str, str]:
    """The output's files and hashes, minus the manifest."""
    return {rel: sha for rel, sha in hashes(output).items() if rel != ".digest-manifest.json"}


def clean_build(site: Path, where: Path) -> dict[str, str]:
    """Build a copy of the site's sources from scratch; the comparable output."""
    copy = where / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    shutil.copy2(site / "site.yaml", copy / "site.yaml")
    shutil.copytree(site / "content", copy / "content")
    code, output = run_digest(["build"], copy)
    assert code == 0, output[-3000:]
    return comparable(copy / "_site")


def parse_all_articles(site: Path) -> list[str]:
    bad = []
    for path in (site / "content" / "articles").rglob("*.md"):
        try:
            parse_document(path.read_bytes().decode("utf-8-sig"), str(path))
        except (DigestError, UnicodeDecodeError) as exc:
            bad.append(f"{path}: {exc}")
    return bad


def kill_at(args: list[str], site: Path, delay: float) -> tuple[bool, list[str], float]:
    """Start `digest ARGS`, SIGKILL its main process after `delay` s.

    Returns (killed before it finished, its children still alive afterwards, seconds).
    """
    started = time.monotonic()
    proc = digest_cmd(args, site)
    try:
        proc.wait(delay)
        proc.communicate()
        return False, [], time.monotonic() - started
    except subprocess.TimeoutExpired:
        pass
    children = {pid: _cmdline(pid) for pid in _children(proc.pid)}
    proc.send_signal(signal.SIGKILL)
    proc.wait()  # not its output: a child left alive would hold the pipe open forever
    give_up = time.monotonic() + 3  # time for children to notice their parent is gone
    while any(_alive(pid) for pid in children) and time.monotonic() < give_up:
        time.sleep(0.1)
    alive = [f"{pid} {cmd}" for pid, cmd in children.items() if _alive(pid)]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # tidy up whatever it left
    proc.communicate(timeout=30)
    return True, alive, delay


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")[:120]
    except OSError:
        return "?"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


FIGURES: dict[str, object] = {}


@pytest.fixture(scope="module", autouse=True)
def _print_figures() -> Iterator[None]:
    yield
    if FIGURES:
        print("\nfault figures:", json.dumps(FIGURES))


@pytest.mark.slow
def test_sigkill_during_normalize_loses_nothing(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site", dumps=SITE_SIZE)
    reference = new_site(tmp_path / "reference", dumps=SITE_SIZE)
    inbox_before = hashes(site / "content" / "inbox")
    curated_before = {rel: (site / "content" / "articles" / rel).read_bytes() for rel in CURATED}
    code, output = run_digest(["normalize"], reference)
    assert code == 0, output[-3000:]
    # A dry run parses every dump and writes nothing: the length of a real run, warm.
    started = time.monotonic()
    code, output = run_digest(["normalize", "--dry-run"], site)
    full = time.monotonic() - started
    assert code == 0, output[-3000:]
    rnd = random.Random(1234)
    killed = 0
    leaked: list[str] = []
    fresh = True  # the next run has every dump to do
    for _ in range(KILLS_NORMALIZE):
        was_killed, alive, seconds = kill_at(["normalize"], site,
                                             rnd.uniform(0.25, 0.95) * full)
        killed += was_killed
        leaked += alive
        had_all_work, fresh = fresh, False
        if not was_killed:
            # It finished first. After a reset that is the machine being faster than
            # measured: learn the real length. Either way give the next run all the work.
            if had_all_work:
                full = seconds
            fresh = True
            (site / "content" / ".digest-normalize.json").unlink(missing_ok=True)
            for path in (site / "content" / "articles").rglob("*.md"):
                if path.relative_to(site / "content" / "articles").as_posix() not in CURATED:
                    path.unlink()
        assert hashes(site / "content" / "inbox") == inbox_before, "a raw dump changed"
        for rel, data in curated_before.items():
            assert (site / "content" / "articles" / rel).read_bytes() == data, rel
        assert not parse_all_articles(site)
    code, output = run_digest(["normalize"], site)
    assert code == 0, output[-3000:]
    # Hidden temp files a kill left mid-write are skipped by normalize and build alike;
    # they are counted, and a visible one (which would be read as an article) fails.
    left = temp_files(site / "content")
    FIGURES["normalize"] = {"articles": SITE_SIZE, "full_run_s": round(full, 2),
                            "kills": killed, "attempts": KILLS_NORMALIZE,
                            "hidden_temp_files_left": len(left)}
    assert all(Path(p).name.startswith(".") for p in left), left
    generated = {rel: sha for rel, sha in hashes(site / "content" / "articles").items()
                 if not Path(rel).name.startswith(".")}
    assert generated == hashes(reference / "content" / "articles")
    assert killed >= KILLS_NORMALIZE // 2
    assert not leaked


@pytest.mark.slow
def test_sigkill_during_build_loses_nothing(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site", articles=SITE_SIZE)
    code, output = run_digest(["build"], site)
    assert code == 0, output[-3000:]
    # Time a full build from scratch: that is the window the kills fall into.
    shutil.rmtree(site / ".digest-cache", ignore_errors=True)
    for path in (site / "content" / "articles").rglob("story-*.md"):
        path.write_text(path.read_text("utf-8") + "\nTouched.\n", "utf-8")
    started = time.monotonic()
    code, output = run_digest(["build"], site)
    full = time.monotonic() - started
    assert code == 0, output[-3000:]
    rnd = random.Random(4321)
    killed = 0
    leaked: list[str] = []
    for revision in range(1, KILLS_BUILD + 1):
        # A curator edit between builds, so each build has pages to write.
        for i in rnd.sample(range(SITE_SIZE), 60):
            path = next((site / "content" / "articles").rglob(f"story-{i:03d}.md"))
            path.write_text(article(i, revision), "utf-8")
        sources_before = hashes(site / "content")
        was_killed, alive, seconds = kill_at(["build"], site, rnd.uniform(0.2, 0.9) * full)
        killed += was_killed
        leaked += alive
        if not was_killed:
            full = seconds
        assert hashes(site / "content") == sources_before, "a build changed the sources"
        assert not check_pages(site / "_site"), check_pages(site / "_site")[:5]
    left_over = temp_files(site / "_site")
    code, output = run_digest(["build"], site)
    assert code == 0, output[-3000:]
    # Temporary folders a killed build left beside the output: the next build must clear
    # them, or they pile up forever.
    beside = sorted(p.name for p in site.iterdir() if p.name.startswith(("._site", ".tmp")))
    after = comparable(site / "_site")
    clean = clean_build(site, tmp_path)
    FIGURES["build"] = {"articles": SITE_SIZE, "full_run_s": round(full, 2), "kills": killed,
                        "attempts": KILLS_BUILD, "temp_files_after_kills": len(left_over),
                        "orphan_workers": len(leaked), "temp_folders_beside_output": len(beside)}
    assert set(after) == set(clean), sorted(set(after) ^ set(clean))[:10]
    differ = [rel for rel in after if after[rel] != clean[rel]]
    assert not differ, differ[:10]
    assert killed >= KILLS_BUILD // 2
    assert not leaked, f"worker processes outlived the killed build: {leaked}"
    assert not temp_files(site / "_site"), f"temp files in the output: {left_over[:5]}"
    assert not beside, f"temporary folders left beside the output: {beside}"


# --- full disk and read-only output ---------------------------------------------------


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/digest-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], check=True)
        return ok
    finally:
        probe.rmdir()


CAN_MOUNT = _can_mount()
# A real file system (a tmpfs made full or read-only) needs root and mount; the in-process
# stand-in (patched os.open) runs everywhere. Both show in the report under their own ids.
FS_MODES = ["real-fs", "patched-open"]


def need_real_fs() -> None:
    """Skip a real-file-system test that cannot run here; under CI, fail instead: a
    stand-in passing there would hide that the real thing never ran."""
    if CAN_MOUNT:
        return
    why = "needs root and a working `mount -t tmpfs`"
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{why}, and CI must run it: run the suite as root in a container "
                    "that allows mounts")
    pytest.skip(why)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                   check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def failing_writes(folder: Path, code: int, after: int) -> Iterator[None]:
    """In-process stand-in for a full or read-only disk: creating files under `folder`
    fails with `code` once `after` files were created."""
    real_open = os.open
    count = [0]
    prefix = str(folder.resolve())

    def fake_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and os.path.abspath(
            os.fspath(path)).startswith(prefix):
            count[0] += 1
            if count[0] > after:
                raise OSError(code, os.strerror(code), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    original = io.open

    def fake_io_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and any(c in mode for c in "wax+"):
            # A caller's own opener goes through os.open, which is patched too.
            opener = kwargs.pop("opener", None) or (lambda p, f: fake_open(p, f, 0o666))
            return original(file, mode, *args, opener=opener, **kwargs)
        return original(file, mode, *args, **kwargs)

    patches = [(os, "open", fake_open), (io, "open", fake_io_open)]
    import builtins

    patches.append((builtins, "open", fake_io_open))
    saved = [(m, n, getattr(m, n)) for m, n, _ in patches]
    for module, name, value in patches:
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def _build_in_process(site: Path) -> tuple[int, str]:
    from click.testing import CliRunner

    from digest.cli import main

    result = CliRunner().invoke(main, ["build", "--site", str(site), "--jobs", "1"])
    text = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        text += "Traceback\n" + "".join(traceback.format_exception(result.exception))
    return result.exit_code, text


@pytest.mark.slow
@pytest.mark.parametrize("mode", FS_MODES)
def test_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path, mode: str) -> None:
    articles = 60
    if mode == "real-fs":
        need_real_fs()
        with tmpfs(tmp_path / "disk", "6m") as disk:
            site = new_site(disk / "site", articles=articles)
            sources = hashes(site / "content")
            code, output = run_digest(["build"], site)
            assert code == 0, output[-2000:]
            # Change every article, then fill the disk so only a sliver is free.
            for path in (site / "content" / "articles").rglob("story-*.md"):
                path.write_text(path.read_text("utf-8").replace("Revision 0.", "Revision 1."),
                                "utf-8")
            sources = hashes(site / "content")
            free = shutil.disk_usage(disk).free
            filler = disk / "filler"
            with open(filler, "wb") as handle, contextlib.suppress(OSError):
                handle.write(b"\0" * max(0, free - 4096))
            code, output = run_digest(["build"], site)
            empty = sorted(p.relative_to(site / "_site").as_posix()
                           for p in (site / "_site").rglob("*")
                           if p.is_file() and p.stat().st_size == 0)
            FIGURES["full_disk"] = {"mode": "tmpfs", "free_bytes": 4096, "exit": code,
                                    "message": output.strip().splitlines()[-1][:160],
                                    "empty_files_after": len(empty)}
            assert "Traceback" not in output, output[-3000:]
            assert hashes(site / "content") == sources
            assert not check_pages(site / "_site")
            # Either a clear error, or a build that really is complete: never a success
            # that left broken files behind.
            if code == 0:
                assert not empty, f"build said it succeeded but left empty files: {empty[:8]}"
            else:
                assert code == 1, output[-2000:]
                assert "space" in output.lower(), output[-2000:]
            filler.unlink()
            code, output = run_digest(["build"], site)
            assert code == 0, output[-2000:]
            assert not temp_files(site / "_site"), temp_files(site / "_site")
            assert comparable(site / "_site") == clean_build(site, tmp_path)
    else:
        site = new_site(tmp_path / "site", articles=articles)
        sources = hashes(site / "content")
        with failing_writes(site / "_site", errno.ENOSPC, after=20):
            code, output = _build_in_process(site)
        FIGURES["full_disk"] = {"mode": "patched os.open", "exit": code}
        assert code == 1 and "Traceback" not in output, output[-3000:]
        assert "space" in output.lower(), output[-2000:]
        assert hashes(site / "content") == sources
        code, output = _build_in_process(site)
        assert code == 0, output[-2000:]
        assert not check_pages(site / "_site")


@pytest.mark.slow
@pytest.mark.parametrize("mode", FS_MODES)
def test_read_only_output_is_a_clear_error(tmp_path: Path, mode: str) -> None:
    # No search index here: test_output_folder_on_its_own_filesystem covers that part.
    site = new_site(tmp_path / "site", articles=20, config="search: false\n")
    if mode == "real-fs":
        need_real_fs()
        with tmpfs(site / "_site", "20m") as out:
            code, output = run_digest(["build"], site)
            assert code == 0, output[-2000:]
            before = hashes(out)
            for path in (site / "content" / "articles").rglob("story-*.md"):
                path.write_text(path.read_text("utf-8") + "\nEdited.\n", "utf-8")
            sources = hashes(site / "content")
            subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
            code, output = run_digest(["build"], site)
            FIGURES["read_only"] = {"mode": "tmpfs remount,ro", "exit": code,
                                    "message": output.strip().splitlines()[-1][:160]}
            assert code == 1, output[-2000:]
            assert "Traceback" not in output, output[-3000:]
            assert "read-only" in output.lower(), output[-2000:]
            assert hashes(out) == before
            assert hashes(site / "content") == sources
            subprocess.run(["mount", "-o", "remount,rw", str(out)], check=True)
            code, output = run_digest(["build"], site)
            assert code == 0, output[-2000:]
            assert not check_pages(out)
    else:
        code, output = _build_in_process(site)
        assert code == 0
        before = hashes(site / "_site")
        for path in (site / "content" / "articles").rglob("story-*.md"):
            path.write_text(path.read_text("utf-8") + "\nEdited.\n", "utf-8")
        sources = hashes(site / "content")
        with failing_writes(site / "_site", errno.EROFS, after=0):
            code, output = _build_in_process(site)
        FIGURES["read_only"] = {"mode": "patched os.open", "exit": code}
        assert code == 1 and "Traceback" not in output, output[-3000:]
        assert "read-only" in output.lower(), output[-2000:]
        assert hashes(site / "_site") == before
        assert hashes(site / "content") == sources


def test_output_folder_on_its_own_filesystem(tmp_path: Path) -> None:
    """An output folder that is a mount point (a separate disk, a container volume):
    the build must work, or at least fail with a clear message, never a traceback."""
    need_real_fs()
    site = new_site(tmp_path / "site", articles=10)
    with tmpfs(site / "_site", "20m"):
        code, output = run_digest(["build"], site)
        assert "Traceback" not in output, output[-1500:]
        assert code == 0, output[-2000:]
        assert not check_pages(site / "_site")


# --- unreadable and vanishing files ---------------------------------------------------


def test_unreadable_articles_are_reported_and_the_rest_builds(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site", articles=10)
    articles = site / "content" / "articles"
    (articles / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n\nx\n".encode("latin-1"))
    (articles / "binary.md").write_bytes(os.urandom(4096))
    (articles / "dangling.md").symlink_to(tmp_path / "does-not-exist.md")
    (articles / "folder.md").mkdir()
    sources = hashes(site / "content" / "inbox")
    code, output = run_digest(["build"], site, timeout=60)
    assert "Traceback" not in output, output[-3000:]
    assert code == 1, output[-2000:]
    assert "content/articles/latin1.md" in output and "content/articles/binary.md" in output
    assert hashes(site / "content" / "inbox") == sources
    assert any("Story 1 " in p.read_text("utf-8") for p in (site / "_site").rglob("*.html"))


def test_fifo_named_like_an_article_does_not_hang(tmp_path: Path) -> None:
    """A FIFO named `*.md` (reading it blocks until a writer comes): skipped or refused,
    never read."""
    site = new_site(tmp_path / "site", articles=3)
    os.mkfifo(site / "content" / "articles" / "pipe.md")
    code, output = run_digest(["build"], site, timeout=20)
    assert "Traceback" not in output, output[-1500:]
    assert code in (0, 1), output[-2000:]
    assert any("Story 1 " in p.read_text("utf-8") for p in (site / "_site").rglob("*.html"))


def test_symlink_loop_article_is_reported_not_a_crash(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site", articles=3)
    loop = site / "content" / "articles" / "loop.md"
    loop.symlink_to(loop)
    code, output = run_digest(["build"], site, timeout=60)
    assert "Traceback" not in output, output[-1500:]
    assert code in (0, 1), output[-2000:]
    assert any("Story 1 " in p.read_text("utf-8") for p in (site / "_site").rglob("*.html"))


def test_unreadable_dump_is_reported_and_the_rest_normalises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores file modes, so a read failure (EACCES) is injected for one dump,
    whichever way the normaliser opens it."""
    import builtins

    from digest.normalize import normalize

    site = new_site(tmp_path / "site", dumps=5)
    bad = str(site / "content" / "inbox" / "dump-002.txt")

    def denied(path: object) -> bool:
        try:
            return os.path.abspath(os.fspath(path)) == bad  # type: ignore[arg-type]
        except TypeError:
            return False

    def guard(real):  # type: ignore[no-untyped-def]
        def opener(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            if denied(file):
                raise PermissionError(errno.EACCES, "Permission denied", str(file))
            return real(file, *args, **kwargs)
        return opener

    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    monkeypatch.setattr(io, "open", guard(io.open))
    monkeypatch.setattr(os, "open", guard(os.open))
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: guard(real_read_bytes)(self))
    report = normalize(load_config(site), None, force=False, dry_run=False, stdout=None,
                       progress=False)
    monkeypatch.undo()
    assert [p.path for p in report.problems] == ["inbox/dump-002.txt"], report.problems
    assert "Permission denied" in str(report.problems[0])
    assert len(report.written) == 4


@pytest.mark.slow
def test_files_vanishing_mid_build(tmp_path: Path) -> None:
    """A thread deletes and restores articles while builds run: every build ends in a
    report (never an exception), every page is whole, and a quiet build equals a clean one."""
    from digest.build import build

    site = new_site(tmp_path / "site", articles=80)
    paths = sorted((site / "content" / "articles").rglob("story-*.md"))
    texts = {p: p.read_bytes() for p in paths}
    stop = threading.Event()
    churn = [0]

    def vanish() -> None:
        rnd = random.Random(5)
        while not stop.is_set():
            victim = rnd.choice(paths)
            with contextlib.suppress(FileNotFoundError):
                victim.unlink()
            time.sleep(0.001)
            victim.write_bytes(texts[victim])
            churn[0] += 1
            time.sleep(0.003)

    thread = threading.Thread(target=vanish, name="test-vanish")
    thread.start()
    crashes = []
    try:
        for _ in range(6):
            shutil.rmtree(site / ".digest-cache", ignore_errors=True)
            config = load_config(site)
            try:
                build(config, jobs=1)
            except Exception as exc:
                import traceback

                crashes.append("".join(traceback.format_exception(exc))[-700:])
            assert not check_pages(site / "_site")
    finally:
        stop.set()
        thread.join()
    FIGURES["vanishing"] = {"builds": 6, "deletions": churn[0], "crashes": len(crashes)}
    assert not crashes, crashes
    code, output = run_digest(["build"], site)
    assert code == 0, output[-2000:]
    assert comparable(site / "_site") == clean_build(site, tmp_path)


def test_file_vanishing_between_listing_and_reading(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The window the race above hits by chance, made certain: a file is listed, then
    deleted before it is read (an editor's save-by-rename, a `git checkout`)."""
    from digest.build import build

    site = new_site(tmp_path / "site", articles=6)
    victim = next((site / "content" / "articles").rglob("story-001.md"))
    real_scandir = os.scandir

    class Listing(list):  # what os.scandir returns: an iterator, and a context manager
        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __next__(self):  # type: ignore[no-untyped-def]
            if not self:
                raise StopIteration
            return self.pop(0)

        def __exit__(self, *exc: object) -> None:
            pass

        def close(self) -> None:
            pass

    def scandir(path=None):  # type: ignore[no-untyped-def]
        with real_scandir(path) as listing:
            entries = Listing(listing)
        if any(e.name == victim.name for e in entries) and victim.exists():
            victim.unlink()
        return entries

    monkeypatch.setattr(os, "scandir", scandir)
    try:
        report = build(load_config(site), jobs=1)
    except OSError as exc:
        pytest.fail(f"a vanished file crashed the build: {exc!r}")
    assert not check_pages(site / "_site")
    assert all("Story 1 " not in p.read_text("utf-8") for p in (site / "_site").rglob("*.html"))
    assert report.pages_total > 0


# --- output folder safety -------------------------------------------------------------


def _decoy(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "precious.txt").write_text("do not delete", "utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "index.html").write_text("<html>mine</html>", "utf-8")
    return hashes(folder)


@pytest.mark.parametrize("output", [".", "content", "content/articles", "content/inbox",
                                    "themes/mine", "themes/mine/templates"])
def test_output_folder_that_would_destroy_sources_is_refused(tmp_path: Path, output: str) -> None:
    site = new_site(tmp_path / "site", articles=3, config=f"output: {output}\ntheme: mine\n")
    theme = site / "themes" / "mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: mine\nextends: default\n", "utf-8")
    before = hashes(site)
    code, text = run_digest(["build"], site, timeout=60)
    assert code == 1, text[-2000:]
    assert "Traceback" not in text, text[-3000:]
    assert "site.yaml" in text
    assert hashes(site) == before, "the refused build changed files"
    assert not (site / output / ".digest-output").exists()
    assert not list(site.parent.rglob(".digest-output-*.json"))


def test_output_symlinked_to_home_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    before = _decoy(home)
    site = new_site(tmp_path / "site", articles=3)
    (site / "_site").symlink_to(home)
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "digest", "build"], cwd=site, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert hashes(home) == before


def test_output_symlinked_to_a_folder_with_foreign_files_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "documents"
    before = _decoy(elsewhere)
    site = new_site(tmp_path / "site", articles=3)
    (site / "_site").symlink_to(elsewhere)
    code, text = run_digest(["build"], site, timeout=60)
    assert code == 1, text[-2000:]
    assert hashes(elsewhere) == before


@pytest.mark.parametrize("target", ["/", "~", "site", "site/content", "above"])
def test_check_output_refuses_dangerous_folders(tmp_path: Path, target: str) -> None:
    """The guard itself, called directly: `/` cannot be tried with a real build safely."""
    from digest.write import check_output

    site = new_site(tmp_path / "site")
    folder = {"/": Path("/"), "~": Path.home(), "site": site, "site/content": site / "content",
              "above": tmp_path}[target]
    with pytest.raises(DigestError):
        check_output(site, folder)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(st.sampled_from("a/.\\\0:\nC"), max_size=6), max_size=6))
def test_a_manifest_read_keeps_exactly_the_names_inside(tmp_path: Path, names: list[str]
                                                        ) -> None:
    """However the manifest's names are made, those kept are those `_inside` accepts:
    the quick test of all the names at once never lets one through that it refuses."""
    from digest.write import _inside, _read_names

    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"files": names}), "utf-8")
    assert _read_names(manifest) == {name for name in names if _inside(name)}


def test_stale_file_pruning_stays_inside_the_output(tmp_path: Path) -> None:
    """A manifest edited to name files outside the output is never followed."""
    site = new_site(tmp_path / "site", articles=3)
    code, text = run_digest(["build"], site)
    assert code == 0, text
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", "utf-8")
    (site / "precious.txt").write_text("keep", "utf-8")
    manifest = site / ".digest-output-_site.json"
    records = json.loads(manifest.read_text("utf-8"))
    records["files"] += ["../precious.txt", "../../victim.txt", str(victim),
                         "sub/../../precious.txt"]
    manifest.write_text(json.dumps(records), "utf-8")
    # A real change, so the build does prune (a build with nothing to do stops early).
    next((site / "content" / "articles").rglob("story-001.md")).unlink()
    code, text = run_digest(["build"], site)
    assert code == 0, text
    assert victim.read_text("utf-8") == "keep"
    assert (site / "precious.txt").read_text("utf-8") == "keep"
