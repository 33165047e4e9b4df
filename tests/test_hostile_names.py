"""Hostile names: in dump file names, article file names, titles, publications and tags.

`..`, `/`, `\\`, NUL, control and bidi characters, emoji, 300-character names, names
that differ only by case or by Unicode normalisation (NFC vs NFD). Every article file
and every output file must land inside its folder, under a name that is unique even on a
case-insensitive, normalising file system (macOS, Windows), and no article may be lost.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

from digest.config import load_config
from digest.frontmatter import parse_document
from digest.write import state_file

FILLER = " ".join(["filler"] * 70)  # keeps the marker out of every excerpt

HOSTILE_TITLES = [
    "../../../../etc/passwd",
    "..",
    ".",
    "/",
    "\\..\\..\\Windows\\win.ini",
    "a/b/c",
    "Title with NUL \x00 inside",
    "Control \x1b[31m red \x07 bell \x7f",
    "Bidi \u202egnp.exe",
    "📰🔥💥",
    "Emoji 📰 headline",
    "L" * 300,
    "Long words " + "wörd " * 80,
    "Big Story",
    "BIG STORY",
    "big story",
    "Café culture",  # NFC
    unicodedata.normalize("NFD", "Café culture"),
    "CON",
    "nul",
    "???",
    "-",
    "index",
    "Ünïcödé ÆØÅ 日本語 العربية",
    "   spaced   ",
    "%2e%2e%2f",
    "<script>",
]

HOSTILE_FILE_NAMES = [
    "...txt",
    "..hidden-ish.txt",
    "a\\b\\c.txt",
    "\u202egnp.txt",
    "📰.txt",
    "n" * 240 + ".txt",
    "Story.txt",
    "story.txt",
    "STORY.TXT",
    unicodedata.normalize("NFC", "café.txt"),
    unicodedata.normalize("NFD", "café.txt"),
    "line\nbreak.txt",
    "tab\there.txt",
    "-rf.txt",
    "CON.txt",
    " leading-space.txt",
]


def magzter(title: str, marker: str, pub: str = "The Name Courier", day: int = 5) -> str:
    return (
        f"Try GOLD - Free\n{title}\n{pub}\n|October {day:02d}, 2025\n"
        f"{FILLER}.\nThe story goes on here. {marker}\n"
        f"This story is from the October {day:02d}, 2025 edition of {pub}.\n"
        "Subscribe to Magzter GOLD to access thousands of curated premium stories, and "
        "9,000+ magazines and newspapers.\nAlready a subscriber? Sign In\n"
        "Listen\nTranslate\nChange font size\n"
    )


def fold(name: str) -> str:
    """How a case-insensitive, normalising file system compares names."""
    return unicodedata.normalize("NFC", name).casefold()


def _write_site(root: Path, config: str = "") -> Path:
    (root / "content" / "inbox").mkdir(parents=True)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Names\nlanguage: en\nsearch: false\n" + config,
                                    "utf-8")
    return root


def _normalize(site: Path):
    from digest.normalize import normalize

    return normalize(load_config(site), None, force=False, dry_run=False, stdout=None,
                     progress=False)


def _build(site: Path):
    from digest.build import build

    # The preview's statuses: normalize holds what it flagged for review (a shouted title
    # among these), and every article must get its page.
    return build(load_config(site), jobs=1, drafts=True, serving=True)


def assert_safe_tree(folder: Path) -> None:
    """Everything below `folder` stays inside it, and names are unique when folded."""
    real_root = os.path.realpath(folder)
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            assert os.path.realpath(path).startswith(real_root + os.sep), path
            assert not re.search(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]", name), repr(path)
            assert len(name.encode("utf-8")) <= 255, path
            assert (name not in (".", "..") and not name.endswith((" ", "."))) or name.startswith(
                "."), repr(path)
            rel = os.path.relpath(path, folder)
            key = fold(rel)
            assert key not in seen, f"{rel!r} and {seen[key]!r} collide when case-folded"
            seen[key] = rel


def pages_with(output: Path, marker: str) -> list[Path]:
    return [p for p in output.rglob("*.html") if marker in p.read_text("utf-8")]


@pytest.fixture(scope="module")
def normalized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], object]:
    site = _write_site(tmp_path_factory.mktemp("names") / "site")
    inbox = site / "content" / "inbox"
    markers: dict[str, str] = {}
    for i, title in enumerate(HOSTILE_TITLES):
        marker = f"MARKER-T{i:03d}"
        markers[marker] = title
        # Titles with NUL cannot be saved by most apps, but a dump is bytes: keep it.
        (inbox / f"title-{i:03d}.txt").write_bytes(magzter(title, marker).encode("utf-8"))
    for i, name in enumerate(HOSTILE_FILE_NAMES):
        marker = f"MARKER-F{i:03d}"
        if not name.startswith("."):  # hidden files are skipped by design, like editor temps
            markers[marker] = name
        (inbox / name).write_bytes(
            magzter(f"Ordinary title for file {i}", marker, day=10).encode("utf-8"))
    report = _normalize(site)
    return site, markers, report


def test_normalize_keeps_every_dump_inside_articles(normalized) -> None:
    site, markers, report = normalized
    assert not report.problems, [str(p) for p in report.problems]
    articles = site / "content" / "articles"
    assert_safe_tree(articles)
    files = list(articles.rglob("*.md"))
    # Each dump has a distinct marker, so none is a duplicate of another: one file each.
    assert len(files) == len(markers), (len(files), len(markers))
    found = {m for p in files for m in markers if m in p.read_text("utf-8")}
    assert found == set(markers)
    for path in files:
        parse_document(path.read_text("utf-8"), str(path))


def test_titles_survive_as_text(normalized) -> None:
    site, markers, _ = normalized
    by_marker = {
        m: parse_document(p.read_text("utf-8"), str(p)).meta.title
        for p in (site / "content" / "articles").rglob("*.md")
        for m in markers if m in p.read_text("utf-8")
    }
    for marker, title in markers.items():
        if not marker.startswith("MARKER-T") or not title.strip() or "\x00" in title:
            continue
        got = by_marker[marker]
        # Repairs may fold whitespace and case (an all-caps headline), drop control and
        # bidi characters and normalise to NFC: the words must still be the same.
        def words(text: str) -> str:
            text = unicodedata.normalize("NFC", text)
            text = re.sub(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
            return re.sub(r"\s+", " ", text).strip().casefold()

        assert words(got)[:20] == words(title)[:20], (marker, title, got)


def test_build_of_hostile_names_is_safe_and_complete(normalized) -> None:
    site, markers, _ = normalized
    report = _build(site)
    assert not report.problems, [str(p) for p in report.problems]
    output = site / "_site"
    assert_safe_tree(output)
    lost = [(m, markers[m]) for m in markers if not pages_with(output, m)]
    assert not lost, lost


HAND_WRITTEN = {
    # file name (below content/articles) -> (title, publication, tags)
    # Names and a publication aimed at the folder above: the build must write nothing
    # outside its output folder, and the article is still published inside it.
    "../escape-attempt.md": None,  # next to articles/, not in it: see the test
    "h/escape-attempt.md": ("../../../content/escape-attempt", "../../content",
                            ["../../../content/escape-attempt", "../.."]),
    "a/x..y.md": ("Dots inside", "Dots", []),
    "b/Big-Story.md": ("Big Story", "Case Gazette", ["News"]),
    "b/big-story.md": ("big story", "Case Gazette", ["news"]),
    "c/big-story.md": ("BIG STORY", "Case Gazette", ["NEWS"]),
    "d/" + unicodedata.normalize("NFC", "café.md"): ("Café", "Café Weekly", ["Café"]),
    "d/" + unicodedata.normalize("NFD", "café.md"): (
        unicodedata.normalize("NFD", "Café"), unicodedata.normalize("NFD", "Café Weekly"),
        [unicodedata.normalize("NFD", "Café")]),
    "e/\u202eevil.md": ("Bidi \u202eevil", "\u202eReversed Times", ["\u202etag"]),
    "e/📰.md": ("📰", "📰📰", ["📰"]),
    "f/short.md": ("X" * 300, "Short", []),
    "g/slash.md": ("a/b", "../../../etc", ["../../x", "/", "..", "\\"]),
    "g/ctrl.md": ("ctrl \x1b[2J", "Pub\x1b[31m", ["tab\there"]),
}


def _front(title: str, publication: str, tags: list[str], marker: str) -> str:
    import json

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    tag_list = ", ".join(quoted(t) for t in tags)
    return (
        f"---\ntitle: {quoted(title)}\npublication: {quoted(publication)}\n"
        f"date: 2025-10-07\ntags: [{tag_list}]\n---\n\n{FILLER}\n\n{marker}\n"
    )


def test_hand_written_articles_with_hostile_names(tmp_path: Path) -> None:
    site = _write_site(tmp_path / "site")
    articles = site / "content" / "articles"
    markers = {}
    for i, (rel, spec) in enumerate(HAND_WRITTEN.items()):
        marker = f"MARKER-H{i:03d}"
        if spec is None:
            # A Markdown file next to articles/, not in it: never an article, never changed.
            stray = articles / rel
            stray.write_text(_front("Stray", "Stray Pub", [], "MARKER-STRAY"), "utf-8")
            continue
        path = articles / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        markers[marker] = rel
        path.write_text(_front(*spec, marker), "utf-8")
    # The build's own: the output, the cache and the record of the output beside it.
    own = (site / "_site", site / ".digest-cache", state_file(site / "_site"))
    outside_before = _files_outside(tmp_path, *own)
    report = _build(site)
    output = site / "_site"
    assert_safe_tree(output)
    # An article may only be missing if a problem names its file: nothing lost silently.
    problems = " ".join(str(p) for p in report.problems)
    lost = [(m, rel) for m, rel in markers.items()
            if not pages_with(output, m) and Path(rel).name not in problems]
    assert not lost, (lost, problems[:2000])
    # What the curator would see: no file appeared or changed anywhere but the output
    # folder and the cache, and the stray file next to articles/ is not published.
    outside_after = _files_outside(tmp_path, *own)
    assert outside_after == outside_before, sorted(set(outside_after) ^ set(outside_before))
    assert not pages_with(output, "MARKER-STRAY")


def _files_outside(root: Path, *skip: Path) -> dict[str, bytes]:
    """Every file below `root` but outside the `skip` folders (relative path -> bytes)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not any(p.is_relative_to(folder) for folder in skip)
    }


@pytest.mark.parametrize("where", ["file_name", "publication", "tag"])
def test_300_character_names_do_not_lose_the_article(tmp_path: Path, where: str) -> None:
    """A 300-character publication or tag (a mis-pasted sentence) or a 240-character file
    name: the article is built under a shortened, unique address, or the problem names
    the article file. Output file names must fit the file system's 255-byte limit."""
    site = _write_site(tmp_path / "site")
    folder = site / "content" / "articles"
    name = ("x" * 240 if where == "file_name" else "ok") + ".md"
    publication = "P" * 300 if where == "publication" else "Short"
    tags = ["t" * 300] if where == "tag" else []
    (folder / name).write_text(_front("Long name case", publication, tags, "MARKER-LONG"), "utf-8")
    (folder / "other.md").write_text(
        _front("Other", publication, tags, "MARKER-OTHER"), "utf-8")
    report = _build(site)
    problems = [str(p) for p in report.problems]
    output = site / "_site"
    assert_safe_tree(output)
    if problems:
        assert all(p.startswith("content/articles/") for p in problems), problems[0][:300]
    else:
        assert pages_with(output, "MARKER-LONG") and pages_with(output, "MARKER-OTHER")
