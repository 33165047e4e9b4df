"""The desk's round-trip edit: only the changed keys differ, everything else is the file's."""

from __future__ import annotations

import difflib
import threading
from pathlib import Path

import pytest

from digest.desk.edit import Conflict, rewrite, save, version_of
from digest.errors import DigestError
from digest.frontmatter import parse_document

CURATED = """---
title: 'Harbour lanterns: back at last'   # the headline as printed
kicker: "Night light"
publication: The Quill Courier
date: '2025-10-03'
author: Jo   Reporter
tags: [harbour,   town]
note: |
  Worth it for the quote.
  # not a heading: part of the note

# where it came from
source: {file: inbox/lanterns.txt, format: magzter, sha256: abc123}
review:
- no date found   # normalize said so
- title guessed
# the curator's own remark, about the status
status: held
---

The committee voted on *Tuesday*.

---

A rule above, and trailing spaces here:\x20\x20\x20
"""


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed (-) and added (+) between two texts."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                   lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_changed_title_changes_that_line_only_keeping_its_quotes_and_comment() -> None:
    after = rewrite(CURATED, {"title": "Lanterns return"}, "a.md")
    assert changed_lines(CURATED, after) == [
        "-title: 'Harbour lanterns: back at last'   # the headline as printed",
        "+title: 'Lanterns return'   # the headline as printed",
    ]


def test_double_quotes_stay_double_quotes() -> None:
    after = rewrite(CURATED, {"kicker": "Day light"}, "a.md")
    assert changed_lines(CURATED, after) == ['-kicker: "Night light"', '+kicker: "Day light"']


def test_a_new_key_goes_in_its_usual_place_and_nothing_else_moves() -> None:
    after = rewrite(CURATED, {"featured": True, "order": 2}, "a.md")
    assert changed_lines(CURATED, after) == ["+featured: true", "+order: 2"]
    # After the note (the keys' usual order), before the comment that belongs to `source`.
    assert "  # not a heading: part of the note\nfeatured: true\norder: 2\n\n# where" in after


def test_a_flow_list_stays_a_flow_list_and_a_block_list_a_block_list() -> None:
    after = rewrite(CURATED, {"tags": ["harbour", "yes", "2025"]}, "a.md")
    # `yes` and `2025` are quoted: the front matter reader would take them for a
    # boolean and a number otherwise.
    assert changed_lines(CURATED, after) == [
        "-tags: [harbour,   town]", "+tags: [harbour, 'yes', '2025']"]
    after = rewrite(CURATED, {"review": ["check the date"]}, "a.md")
    assert changed_lines(CURATED, after) == [
        "-- no date found   # normalize said so", "-- title guessed", "+- check the date"]


def test_clearing_removes_the_key_and_keeps_the_comments_around_it() -> None:
    after = rewrite(CURATED, {"review": None}, "a.md")
    assert changed_lines(CURATED, after) == [
        "-review:", "-- no date found   # normalize said so", "-- title guessed"]
    after = rewrite(CURATED, {"note": None}, "a.md")
    assert changed_lines(CURATED, after) == [
        "-note: |", "-  Worth it for the quote.", "-  # not a heading: part of the note"]
    assert "\n\n# where it came from\n" in after


def test_a_note_of_several_lines_is_a_literal_block() -> None:
    after = rewrite(CURATED, {"note": "First line.\nSecond: with a colon."}, "a.md")
    assert changed_lines(CURATED, after) == [
        "-note: |", "-  Worth it for the quote.", "-  # not a heading: part of the note",
        "+note: |-", "+  First line.", "+  Second: with a colon."]
    assert parse_document(after, "a.md").meta.note == "First line.\nSecond: with a colon."


def test_the_body_and_windows_line_ends_are_kept_byte_for_byte() -> None:
    crlf = CURATED.replace("\n", "\r\n")
    after = rewrite(crlf, {"author": "Jo Reporter", "status": "published"}, "a.md")
    assert "\r\nauthor: Jo Reporter\r\n" in after and "\r\nstatus: published\r\n" in after
    assert after.count("\n") == after.count("\r\n")
    assert after.endswith(crlf[crlf.index("\r\n---\r\n", 4):])
    assert rewrite(CURATED, {"title": "x"}, "a.md").endswith(CURATED[CURATED.index("\n---\n", 4):])


@pytest.fixture
def article(tmp_path: Path) -> tuple[Path, Path, Path]:
    articles, inbox = tmp_path / "content" / "articles", tmp_path / "content" / "inbox"
    (articles / "quill").mkdir(parents=True)
    inbox.mkdir()
    path = articles / "quill" / "lanterns.md"
    path.write_bytes(CURATED.encode())
    return path, articles, inbox


def edit(where: tuple[Path, Path, Path], version: str, **changes: object) -> object:
    path, articles, inbox = where
    return save(path, "content/articles/quill/lanterns.md", version, changes,  # type: ignore[arg-type]
                articles_dir=articles, inbox_dir=inbox)


def test_save_writes_only_the_changed_key(article: tuple[Path, Path, Path]) -> None:
    path = article[0]
    saved = edit(article, version_of(path.read_bytes()), date="2025-10-04")
    text = path.read_text()
    assert changed_lines(CURATED, text) == ["-date: '2025-10-03'", "+date: '2025-10-04'"]
    assert saved.version == version_of(path.read_bytes())  # type: ignore[attr-defined]
    assert saved.keys == ("date",)  # type: ignore[attr-defined]


def test_a_bad_date_is_refused_with_the_front_matter_message(
        article: tuple[Path, Path, Path]) -> None:
    path = article[0]
    before = path.read_bytes()
    with pytest.raises(DigestError) as caught:
        edit(article, version_of(before), date="2025-13-45")
    problem = caught.value.problems[0]
    assert str(problem).startswith(
        "content/articles/quill/lanterns.md:5: `date` 2025-13-45 is not a date")
    assert problem.hint == "write YYYY-MM-DD, or YYYY-MM for a monthly issue"
    assert path.read_bytes() == before


@pytest.mark.parametrize(("changes", "message"), [
    ({"status": "gone"}, "`status` must be `published`, `draft`, `held`, `rejected`"),
    ({"rights": "most"}, "`rights` must be `full`, `excerpt`, `headline`"),
    ({"title": None}, "missing `title`"),
])
def test_other_values_the_file_would_refuse_are_refused(
        article: tuple[Path, Path, Path], changes: dict[str, object], message: str) -> None:
    path = article[0]
    before = path.read_bytes()
    with pytest.raises(DigestError, match=message):
        edit(article, version_of(before), **changes)
    assert path.read_bytes() == before


def test_a_file_changed_since_it_was_loaded_is_a_conflict(
        article: tuple[Path, Path, Path]) -> None:
    path = article[0]
    loaded = version_of(path.read_bytes())
    path.write_text(CURATED.replace("Jo   Reporter", "Jo Editor"))  # the editor saves
    on_disk = path.read_bytes()
    with pytest.raises(Conflict) as caught:
        edit(article, loaded, title="Mine")
    assert caught.value.version == version_of(on_disk)
    assert caught.value.text is not None and "Jo Editor" in caught.value.text
    assert path.read_bytes() == on_disk


def test_two_saves_from_one_version_give_one_write_and_one_conflict(
        article: tuple[Path, Path, Path]) -> None:
    loaded = version_of(article[0].read_bytes())
    results: list[str] = []
    start = threading.Barrier(2)

    def one(title: str) -> None:
        start.wait()
        try:
            edit(article, loaded, title=title)
            results.append("saved")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=one, args=(t,)) for t in ("One", "Two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "saved"]


def test_nothing_to_change_writes_nothing(article: tuple[Path, Path, Path]) -> None:
    path = article[0]
    before = path.stat().st_mtime_ns
    saved = edit(article, version_of(path.read_bytes()), kicker="Night light")
    assert saved.keys == ()  # type: ignore[attr-defined]
    assert path.stat().st_mtime_ns == before


def test_files_outside_the_articles_are_never_written(
        article: tuple[Path, Path, Path]) -> None:
    _, articles, inbox = article
    dump = inbox / "lanterns.md"
    dump.write_text(CURATED)
    link = articles / "quill" / "link.md"
    link.symlink_to(dump)
    alias = articles / "quill" / "alias.md"  # a link even to an article is left alone
    alias.symlink_to(articles / "quill" / "lanterns.md")
    for target in (dump, link, alias):
        with pytest.raises(DigestError, match="only writes article files"):
            save(target, "x.md", version_of(target.read_bytes()), {"title": "x"},
                 articles_dir=articles, inbox_dir=inbox)
    assert dump.read_text() == CURATED and alias.is_symlink()


def test_a_change_that_would_alter_another_field_is_refused(
        article: tuple[Path, Path, Path]) -> None:
    path = article[0]
    # A trailing comment after a value that becomes a block of lines would join the note.
    text = CURATED.replace("note: |\n  Worth it for the quote.\n  # not a heading: part of "
                           "the note\n", "note: short   # a comment\n")
    path.write_text(text)
    with pytest.raises(DigestError, match="cannot write `note` here"):
        edit(article, version_of(path.read_bytes()), note="two\nlines")
    assert path.read_text() == text
