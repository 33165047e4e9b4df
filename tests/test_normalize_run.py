"""normalize() on small sites: what a curator sees across runs."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from digest.config import load_config
from digest.normalize import STATE_FILE, NormalizeReport, normalize

FIXTURES = Path(__file__).parent / "fixtures" / "dumps"
EN = (FIXTURES / "magzter_app_en.txt").read_bytes()
DE = (FIXTURES / "magzter_app_de.txt").read_bytes()
EN_PATH = "articles/the-valley-review/2023-11-18-orchard-towns-bet-on-cider-as-apple-prices-fall.md"


def run(
    root: Path, *, force: bool = False, dry_run: bool = False, stdout: io.StringIO | None = None
) -> NormalizeReport:
    return normalize(
        load_config(root), None, force=force, dry_run=dry_run, stdout=stdout, progress=False
    )


def test_writes_then_second_run_changes_nothing(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN, "de.txt": DE})
    report = run(root)
    summary = "normalize: 2 written, 0 unchanged, 0 duplicates, 0 conflicts, 0 errors"
    assert report.summary() == summary
    article = root / "content" / EN_PATH
    before = (article.read_bytes(), article.stat().st_mtime_ns)
    state = json.loads((root / "content" / STATE_FILE).read_text())
    assert state["dumps"]["inbox/en.txt"]["article"] == EN_PATH
    again = run(root)
    assert again.summary() == summary.replace("2 written, 0 unchanged", "0 written, 2 unchanged")
    assert (article.read_bytes(), article.stat().st_mtime_ns) == before
    assert (root / "content" / "inbox" / "en.txt").read_bytes() == EN  # raw dumps untouched


def test_edited_article_with_changed_dump_is_a_conflict(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    edited = article.read_text().replace("tags: []", "tags: [food]\nnote: my note\nfeatured: true")
    article.write_text(edited)
    assert run(root).summary().endswith("0 conflicts, 0 errors")
    assert article.read_text() == edited  # dump unchanged: nothing happens
    inbox = root / "content" / "inbox"
    (inbox / "en.txt").write_bytes(EN.replace(b"eleven farms", b"twelve farms"))
    report = run(root)
    assert len(report.conflicts) == 1 and report.problems
    assert "edited since it was normalised" in str(report.conflicts[0])
    assert "--force" in str(report.conflicts[0])
    assert article.read_text() == edited
    forced = run(root, force=True)
    assert len(forced.written) == 1 and not forced.problems
    text = article.read_text()
    assert "twelve farms" in text
    assert "tags: [food]" in text and "note: my note" in text and "featured: true" in text


def test_unedited_article_follows_its_dump(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    (root / "content" / "inbox" / "en.txt").write_bytes(EN.replace(b"eleven farms", b"nine farms"))
    report = run(root)
    assert report.written == (EN_PATH,) and not report.problems
    assert "nine farms" in (root / "content" / EN_PATH).read_text()


def test_duplicate_dump_is_not_written_twice(make_site: Callable[..., Path]) -> None:
    spaced = EN.replace(b"\n", b"\r\n").replace(b"Growers in", b"Growers   in")
    root = make_site(inbox={"a.txt": EN, "b.txt": spaced})
    report = run(root)
    assert report.duplicates == ("inbox/b.txt: duplicate of inbox/a.txt",)
    assert len(list((root / "content" / "articles").rglob("*.md"))) == 1
    assert "1 duplicate," in report.summary()


def test_bad_file_is_reported_and_the_others_written(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"empty.txt": b"", "image.png": bytes(range(256)) * 8, "en.txt": EN})
    report = run(root)
    assert [p.path for p in report.problems] == ["inbox/empty.txt", "inbox/image.png"]
    assert report.written == (EN_PATH,)
    assert report.summary().endswith("2 errors")


def test_same_title_and_date_get_distinct_paths(make_site: Callable[..., Path]) -> None:
    other = EN.replace(b"Growers in the upper valley", b"Farmers across the region")
    root = make_site(inbox={"a.txt": EN, "b.txt": other})
    report = run(root)
    assert len(set(report.written)) == 2
    assert report.written[0] == EN_PATH
    second = report.written[1]
    assert second.startswith(EN_PATH[:-3] + "-") and second.endswith(".md")


def test_dry_run_and_stdout_write_nothing(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN})
    dry = run(root, dry_run=True)
    assert dry.written == (EN_PATH,) and "dry run" in dry.summary()
    out = io.StringIO()
    run(root, stdout=out)
    assert out.getvalue().startswith("---\ntitle: Orchard towns bet on cider")
    assert not list((root / "content" / "articles").rglob("*.md"))
    assert not (root / "content" / STATE_FILE).exists()


def test_lost_state_file_does_not_duplicate_articles(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    (root / "content" / STATE_FILE).unlink()
    report = run(root)
    assert report.unchanged == (EN_PATH,) and not report.written


def test_markdown_in_inbox_is_validated_with_line(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"bad.md": "---\ntitle: x\nfeatured: maybe\n---\nBody\n", "en.txt": EN})
    report = run(root)
    assert [(p.path, p.line) for p in report.problems] == [("inbox/bad.md", 3)]


def test_inbox_walk_keys_nested_hidden_and_linked_files(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN})
    inbox = root / "content" / "inbox"
    (inbox / "sub").mkdir()
    (inbox / "sub" / "de.txt").write_bytes(DE)
    (inbox / ".hidden").mkdir()
    (inbox / ".hidden" / "x.txt").write_bytes(b"ignored text")
    (inbox / ".draft.txt").write_bytes(b"ignored text")
    (inbox / "linked").symlink_to(inbox / "sub")  # a linked folder is not entered
    run(root)
    state = json.loads((root / "content" / STATE_FILE).read_text())
    assert sorted(state["dumps"]) == ["inbox/en.txt", "inbox/sub/de.txt"]
    again = run(root)
    assert again.summary().startswith("normalize: 0 written, 2 unchanged")


def test_articles_get_the_permissions_of_any_saved_file(make_site: Callable[..., Path]) -> None:
    import os

    root = make_site(inbox={"en.txt": EN})
    umask = os.umask(0o022)
    try:
        run(root)
    finally:
        os.umask(umask)
    assert (root / "content" / EN_PATH).stat().st_mode & 0o777 == 0o644


def test_jobs_option_on_the_command_line(make_site: Callable[..., Path]) -> None:
    from click.testing import CliRunner

    from digest.cli import main

    root = make_site(inbox={"en.txt": EN, "de.txt": DE})
    result = CliRunner().invoke(main, ["normalize", "--site", str(root), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "2 written" in result.output and (root / "content" / EN_PATH).is_file()


def test_lost_state_file_never_overwrites_an_edit(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    edited = article.read_text().replace("tags: []", "tags: [food]\nnote: keep me")
    edited = edited.replace("eleven farms", "eleven small farms")
    article.write_text(edited)
    (root / "content" / STATE_FILE).unlink()
    report = run(root)
    assert not report.written and len(report.conflicts) == 1
    assert STATE_FILE in str(report.conflicts[0]) and "--force" in str(report.conflicts[0])
    assert report.notes and STATE_FILE in report.notes[0]
    assert article.read_text() == edited
    assert run(root, dry_run=True).conflicts  # a dry run says the same, and writes nothing
    assert article.read_text() == edited
    # --force re-normalises on request, keeping the curator's fields.
    forced = run(root, force=True)
    assert forced.written == (EN_PATH,) and not forced.problems
    text = article.read_text()
    assert "note: keep me" in text and "tags: [food]" in text and "eleven small farms" not in text


def test_lost_state_file_with_a_changed_dump_keeps_the_edit(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    edited = article.read_text() + "\nA paragraph the curator added.\n"
    article.write_text(edited)
    (root / "content" / STATE_FILE).write_text("{not json")  # unreadable counts as lost
    (root / "content" / "inbox" / "en.txt").write_bytes(EN.replace(b"eleven", b"twelve"))
    report = run(root)
    assert len(report.conflicts) == 1 and not report.written
    assert article.read_text() == edited


def test_lost_state_file_is_named_on_the_command_line(make_site: Callable[..., Path]) -> None:
    from click.testing import CliRunner

    from digest.cli import main

    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    article.write_text(article.read_text() + "\nMine.\n")
    (root / "content" / STATE_FILE).unlink()
    result = CliRunner().invoke(main, ["normalize", "--site", str(root)])
    assert result.exit_code == 1
    assert f"note: {STATE_FILE} is missing" in result.output
    assert f"{EN_PATH}: differs from what normalize writes now" in result.output
    assert "0 written" in result.output and "1 conflict" in result.output
    assert article.read_text().endswith("\nMine.\n")


def test_force_keeps_every_curator_field(make_site: Callable[..., Path]) -> None:
    from digest.frontmatter import parse_document

    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    article.write_text(article.read_text().replace(
        "tags: []", "tags: [food, farming]\nnote: my note\nfeatured: true\nstatus: draft\n"
        "order: 3\nrights: headline"))
    (root / "content" / "inbox" / "en.txt").write_bytes(EN.replace(b"eleven farms", b"ten farms"))
    assert run(root).conflicts  # the edit is not overwritten without --force
    forced = run(root, force=True)
    assert forced.written == (EN_PATH,) and not forced.problems
    text = article.read_text()
    meta = parse_document(text, EN_PATH).meta
    assert "ten farms" in text
    assert (meta.note, meta.featured, meta.status, meta.tags, meta.order, meta.rights) == (
        "my note", True, "draft", ("food", "farming"), 3, "headline")


def test_force_without_the_state_file_keeps_every_curator_field(
    make_site: Callable[..., Path],
) -> None:
    # No record of what normalize wrote: no three-way merge, the curator fields are kept.
    from digest.frontmatter import parse_document

    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    article.write_text(article.read_text().replace(
        "tags: []", "tags: [food]\nnote: my note\nfeatured: true\nstatus: rejected\n"
        "order: 2\nrights: headline\nextra: {mood: calm}"))
    (root / "content" / STATE_FILE).unlink()
    forced = run(root, force=True)
    assert forced.written == (EN_PATH,) and not forced.problems
    meta = parse_document(article.read_text(), EN_PATH).meta
    assert (meta.note, meta.featured, meta.status, meta.tags, meta.order, meta.rights,
            meta.extra) == ("my note", True, "rejected", ("food",), 2, "headline",
                            {"mood": "calm"})


def test_an_unedited_article_follows_every_change_of_its_dump(
    make_site: Callable[..., Path],
) -> None:
    # The state file must record each write: otherwise normalize's own last output
    # looks like the curator's edit, and the next change of the dump is a conflict.
    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    dump = root / "content" / "inbox" / "en.txt"
    for farms in (b"nine farms", b"ten farms", b"a dozen farms"):
        dump.write_bytes(EN.replace(b"eleven farms", farms))
        report = run(root)
        assert report.written == (EN_PATH,) and not report.conflicts, farms
        assert farms.decode() in article.read_text()
    state = json.loads((root / "content" / STATE_FILE).read_text())
    assert state["dumps"]["inbox/en.txt"]["article"] == EN_PATH
    state_mtime = (root / "content" / STATE_FILE).stat().st_mtime_ns
    again = run(root)  # nothing new: the state file is not rewritten either
    assert again.unchanged == (EN_PATH,) and not again.written and not again.notes
    assert (root / "content" / STATE_FILE).stat().st_mtime_ns == state_mtime


def test_a_renamed_dump_title_keeps_the_article_where_it_is(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    renamed = EN.replace(b"Orchard towns bet on cider", b"Orchard towns try cider")
    assert renamed != EN
    (root / "content" / "inbox" / "en.txt").write_bytes(renamed)
    report = run(root)
    assert report.written == (EN_PATH,)
    assert [p.relative_to(root / "content").as_posix()
            for p in (root / "content" / "articles").rglob("*.md")] == [EN_PATH]
    assert "Orchard towns try cider" in (root / "content" / EN_PATH).read_text()


def test_force_renormalises_an_edited_article_whose_dump_is_unchanged(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    article.write_text(article.read_text().replace("tags: []", "tags: [food]")
                       .replace("eleven farms", "eleven small farms"))
    assert run(root).unchanged == (EN_PATH,)  # without --force: left as edited
    assert "eleven small farms" in article.read_text()
    forced = run(root, force=True)
    assert forced.written == (EN_PATH,)
    text = article.read_text()
    assert "eleven small farms" not in text and "tags: [food]" in text


def test_stdout_prints_an_unchanged_dump_too(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    out = io.StringIO()
    run(root, stdout=out)
    assert out.getvalue().startswith("---\ntitle: Orchard towns bet on cider")


def test_duplicates_across_runs_and_in_the_state_file(make_site: Callable[..., Path]) -> None:
    import hashlib

    root = make_site(inbox={"a.txt": EN})
    run(root)
    spaced = EN.replace(b"Growers in", b"Growers   in")
    (root / "content" / "inbox" / "b.txt").write_bytes(spaced)  # a later, duplicate dump
    report = run(root)
    assert report.duplicates == ("inbox/b.txt: duplicate of inbox/a.txt",)
    record = json.loads((root / "content" / STATE_FILE).read_text())["dumps"]["inbox/b.txt"]
    assert record["duplicate_of"] == "inbox/a.txt"
    assert record["sha256"] == hashlib.sha256(spaced).hexdigest()
    assert record["text"] == json.loads(
        (root / "content" / STATE_FILE).read_text())["dumps"]["inbox/a.txt"]["text"]
    again = run(root)
    assert again.duplicates == report.duplicates and again.unchanged == (EN_PATH,)
    assert len(list((root / "content" / "articles").rglob("*.md"))) == 1


def test_a_later_dump_with_the_same_title_gets_its_own_article(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"a.txt": EN})
    run(root)
    first = (root / "content" / EN_PATH).read_bytes()
    other = EN.replace(b"Growers in the upper valley", b"Farmers across the region")
    (root / "content" / "inbox" / "b.txt").write_bytes(other)
    report = run(root)
    assert len(report.written) == 1 and report.written[0] != EN_PATH
    assert (root / "content" / EN_PATH).read_bytes() == first
    assert "Farmers across the region" in (root / "content" / report.written[0]).read_text()


def test_dry_run_names_distinct_paths_and_records_nothing(
    make_site: Callable[..., Path],
) -> None:
    from click.testing import CliRunner

    from digest.cli import main

    other = EN.replace(b"Growers in the upper valley", b"Farmers across the region")
    spaced = EN.replace(b"Growers in", b"Growers   in")
    root = make_site(inbox={"a.txt": EN, "b.txt": other, "c.txt": spaced})
    dry = run(root, dry_run=True)
    assert len(set(dry.written)) == 2 and EN_PATH in dry.written
    assert dry.summary() == ("normalize (dry run): 2 to write, 0 unchanged, 1 duplicate, "
                             "0 conflicts, 0 errors")
    assert not (root / "content" / STATE_FILE).exists()
    result = CliRunner().invoke(main, ["normalize", "--site", str(root), "--dry-run"])
    assert f"would write {EN_PATH}" in result.output
    assert not list((root / "content" / "articles").rglob("*.md"))
    run(root)
    assert sorted(run(root, dry_run=True).unchanged) == sorted(dry.written)


def test_paths_on_the_command_line(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"en.txt": EN, "de.txt": DE})
    inbox = root / "content" / "inbox"
    (inbox / "link.txt").symlink_to(inbox / "de.txt")
    config = load_config(root)
    report = normalize(config, [inbox / "en.txt", root / "missing.txt"], force=False,
                       dry_run=False, stdout=None, progress=False)
    assert report.written == (EN_PATH,)  # only the dump named
    assert [(p.path, p.message) for p in report.problems] == [
        (str(root / "missing.txt"), "no such file or folder")]
    assert report.summary().endswith("0 conflicts, 1 error")
    state = json.loads((root / "content" / STATE_FILE).read_text())
    assert sorted(state["dumps"]) == ["inbox/en.txt"]
    normalize(config, [inbox], force=False, dry_run=False, stdout=None, progress=False)
    state = json.loads((root / "content" / STATE_FILE).read_text())
    # A linked dump is known by the file it links to: one record, not a duplicate.
    assert sorted(state["dumps"]) == ["inbox/de.txt", "inbox/en.txt"]


def test_a_conflict_names_the_article_and_is_not_an_error(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    article = root / "content" / EN_PATH
    article.write_text(article.read_text() + "\nMine.\n")
    (root / "content" / "inbox" / "en.txt").write_bytes(EN.replace(b"eleven", b"twelve"))
    report = run(root)
    assert [p.path for p in report.conflicts] == [EN_PATH] and not report.notes
    assert report.summary().endswith("1 conflict, 0 errors")


def test_rewritten_articles_and_the_state_file_get_the_usual_permissions(
    make_site: Callable[..., Path],
) -> None:
    # The first write makes the article's folder; these are written into folders that exist.
    import os

    root = make_site(inbox={"en.txt": EN})
    umask = os.umask(0o022)
    try:
        run(root)
        (root / "content" / "inbox" / "en.txt").write_bytes(EN.replace(b"eleven", b"nine"))
        assert run(root).written == (EN_PATH,)
    finally:
        os.umask(umask)
    for path in (root / "content" / EN_PATH, root / "content" / STATE_FILE):
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_lost_state_file_and_a_new_dump_with_the_same_title(
    make_site: Callable[..., Path],
) -> None:
    # The existing article is another dump's: the new one gets its own, with no conflict.
    root = make_site(inbox={"a.txt": EN})
    run(root)
    first = (root / "content" / EN_PATH).read_bytes()
    (root / "content" / STATE_FILE).unlink()
    other = EN.replace(b"Growers in the upper valley", b"Farmers across the region")
    (root / "content" / "inbox" / "b.txt").write_bytes(other)
    dry = run(root, dry_run=True)
    assert dry.unchanged == (EN_PATH,) and len(dry.written) == 1 and not dry.conflicts
    report = run(root)
    assert not report.conflicts and report.unchanged == (EN_PATH,)
    assert len(report.written) == 1 and report.written[0] != EN_PATH
    assert (root / "content" / EN_PATH).read_bytes() == first


def test_a_duplicate_is_named_on_stderr(make_site: Callable[..., Path]) -> None:
    from click.testing import CliRunner

    from digest.cli import main

    spaced = EN.replace(b"Growers in", b"Growers   in")
    root = make_site(inbox={"a.txt": EN, "b.txt": spaced})
    result = CliRunner().invoke(main, ["normalize", "--site", str(root), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "inbox/b.txt: duplicate of inbox/a.txt" in result.stderr
    assert "duplicate of" not in result.stdout


def test_lost_state_file_and_only_the_new_dump_named(make_site: Callable[..., Path]) -> None:
    # Nothing in this run claims the existing article: its `source` says whose it is.
    root = make_site(inbox={"a.txt": EN})
    run(root)
    first = (root / "content" / EN_PATH).read_bytes()
    (root / "content" / STATE_FILE).unlink()
    other = EN.replace(b"Growers in the upper valley", b"Farmers across the region")
    new = root / "content" / "inbox" / "b.txt"
    new.write_bytes(other)
    report = normalize(load_config(root), [new], force=False, dry_run=False, stdout=None,
                       progress=False)
    assert not report.conflicts and len(report.written) == 1
    assert report.written[0] != EN_PATH
    assert (root / "content" / EN_PATH).read_bytes() == first
