"""normalize never loses a curator's edit and never stops at one bad dump."""

from __future__ import annotations

import typing
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.config import load_config
from digest.frontmatter import parse_document
from digest.model import ArticleMeta, PartialDate, SourceFormat
from digest.normalize import NormalizeReport, normalize
from digest.normalize.formats import FORMATS

FIXTURES = Path(__file__).parent / "fixtures" / "dumps"
EN = (FIXTURES / "magzter_app_en.txt").read_bytes()
PRESS = (FIXTURES / "pressreader.txt").read_bytes()
EN_PATH = "articles/the-valley-review/2023-11-18-orchard-towns-bet-on-cider-as-apple-prices-fall.md"


def run(root: Path, *, force: bool = False) -> NormalizeReport:
    return normalize(load_config(root), None, force=force, dry_run=False, stdout=None,
                     progress=False)


def meta(root: Path, rel: str = EN_PATH) -> ArticleMeta:
    return parse_document((root / "content" / rel).read_text(), rel).meta


def edit(root: Path, old: str, new: str, rel: str = EN_PATH) -> None:
    path = root / "content" / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_every_format_is_registered_once_under_its_own_name() -> None:
    names = [f.NAME for f in FORMATS]
    assert sorted(names) == sorted(typing.get_args(SourceFormat))
    assert FORMATS[-1].NAME == "text"  # takes anything: tried last


def test_an_exception_in_one_dump_is_one_line_and_the_others_are_written(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.normalize.formats import pressreader

    def broken(dump: object) -> typing.NoReturn:
        raise KeyError("edition")

    monkeypatch.setattr(pressreader, "parse", broken)
    root = make_site(inbox={"a.txt": PRESS, "b.txt": EN})
    result = CliRunner().invoke(main, ["normalize", "--site", str(root), "--jobs", "1"])
    assert result.exit_code == 1
    assert "inbox/a.txt: internal error while reading it (KeyError: 'edition'); please report " \
        "this\n" in result.output
    assert "Traceback" not in result.output
    assert (root / "content" / EN_PATH).is_file()
    assert "1 written" in result.output and "1 error" in result.output


def test_a_missing_library_is_named_for_the_dump_that_needed_it(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.normalize.formats import pressreader

    def missing(dump: object) -> typing.NoReturn:
        raise ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura")

    monkeypatch.setattr(pressreader, "parse", missing)
    root = make_site(inbox={"a.txt": PRESS, "b.txt": EN})
    report = run(root)
    [problem] = report.problems
    assert problem.path == "inbox/a.txt" and "trafilatura" in problem.message
    assert "reinstall digest" in problem.message and problem.hint is None
    assert report.written == (EN_PATH,)


def test_force_keeps_a_corrected_title_date_and_publication(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    edit(root, "title: Orchard towns bet on cider as apple prices fall",
         "title: Orchard towns bet on cider")
    edit(root, "date: '2023-11-18'", "date: '2023-11-17'")
    edit(root, "publication: The Valley Review", "publication: Valley Review")
    (root / "content" / "inbox" / "en.txt").write_bytes(EN.replace(b"eleven farms", b"ten farms"))
    assert run(root).conflicts  # not without --force
    forced = run(root, force=True)
    assert forced.written == (EN_PATH,) and not forced.problems
    kept = meta(root)
    assert (kept.title, kept.date, kept.publication) == (
        "Orchard towns bet on cider", PartialDate(2023, 11, 17), "Valley Review")
    assert "ten farms" in (root / "content" / EN_PATH).read_text()


def test_force_takes_what_the_curator_left_alone_from_the_new_dump(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    edit(root, "tags: []", "tags: [cider]")
    (root / "content" / "inbox" / "en.txt").write_bytes(
        EN.replace(b"Orchard towns bet on cider", b"Orchard towns turn to cider"))
    run(root, force=True)
    kept = meta(root)
    assert kept.title == "Orchard towns turn to cider as apple prices fall"
    assert kept.tags == ("cider",)


def test_a_field_changed_on_both_sides_is_a_conflict_and_the_curator_value_stays(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    edit(root, "title: Orchard towns bet on cider as apple prices fall", "title: Cider towns")
    (root / "content" / "inbox" / "en.txt").write_bytes(
        EN.replace(b"Orchard towns bet on cider", b"Orchard towns turn to cider"))
    report = run(root, force=True)
    [conflict] = report.conflicts
    assert conflict.path == EN_PATH and "`title`" in conflict.message
    assert conflict.hint == ("normalize now reads title: "
                             "Orchard towns turn to cider as apple prices fall")
    assert meta(root).title == "Cider towns"
    assert report.written == (EN_PATH,)
    # Settled: the next --force keeps the curator's title and reports nothing.
    again = run(root, force=True)
    assert not again.conflicts and meta(root).title == "Cider towns"


def test_values_kept_by_a_merge_survive_the_next_change_of_the_dump(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(inbox={"en.txt": EN})
    run(root)
    edit(root, "tags: []", "tags: [cider]\nnote: worth a read")
    dump = root / "content" / "inbox" / "en.txt"
    dump.write_bytes(EN.replace(b"eleven farms", b"ten farms"))
    run(root, force=True)
    dump.write_bytes(EN.replace(b"eleven farms", b"nine farms"))
    report = run(root)  # not edited since: rewritten without --force, the edits kept
    assert report.written == (EN_PATH,) and not report.problems
    kept = meta(root)
    assert (kept.tags, kept.note) == (("cider",), "worth a read")
    assert "nine farms" in (root / "content" / EN_PATH).read_text()
