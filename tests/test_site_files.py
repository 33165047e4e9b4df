"""Files a site needs under their own names: images beside the articles and in static/."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st
from test_build_support import build_site

from digest.check import check, notes
from digest.config import load_config
from digest.files import _LINK, _folder, _target, linked_files
from digest.scan import PREFIX

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
CONFIG = "title: Test Digest\nbase_url: https://example.org/\nlanguage: en\n"
STORY = "harbour/2025-10-06-ferry.md"
PAGE = "_site/the-harbour-courier/2025-10-06-ferry/index.html"


def story(body: str) -> str:
    return ("---\ntitle: Ferry\npublication: The Harbour Courier\ndate: 2025-10-06\n---\n\n"
            + body + "\n")


def sources(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]*)"', html)


def resolves(page: Path, link: str) -> Path:
    return (page.parent / link).resolve()


def test_an_image_beside_an_article_shows_on_its_page(make_site: Callable[..., Path]) -> None:
    root = make_site(config=CONFIG, articles={
        STORY: story("![The quay](images/quay%20at%20dawn.png) ![Map](../maps/map.png) "
                     "![Far](https://example.org/far.png) ![Site](/static/logo.png)"),
    })
    (root / "content/articles/harbour/images").mkdir()
    (root / "content/articles/harbour/images/quay at dawn.png").write_bytes(PNG)
    (root / "content/articles/maps").mkdir()
    (root / "content/articles/maps/map.png").write_bytes(PNG + b"map")
    (root / "static").mkdir()
    (root / "static/logo.png").write_bytes(PNG + b"logo")
    assert build_site(root).problems == ()
    out = root / "_site"
    assert (out / "articles/harbour/images/quay at dawn.png").read_bytes() == PNG
    assert (out / "articles/maps/map.png").read_bytes() == PNG + b"map"
    assert (out / "static/logo.png").read_bytes() == PNG + b"logo"
    page = root / PAGE
    links = sources(page.read_text(encoding="utf-8"))
    assert links == ["../../articles/harbour/images/quay%20at%20dawn.png",
                     "../../articles/maps/map.png", "https://example.org/far.png",
                     "../../static/logo.png"]
    assert resolves(page, links[1]) == (out / "articles/maps/map.png").resolve()
    assert not [p for p in check(load_config(root)) if ".png" in p.message]


def test_stylesheets_and_scripts_keep_only_their_hashed_names(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(config=CONFIG, articles={STORY: story("Text.")})
    build_site(root)
    static = {p.name for p in (root / "_site/static").iterdir()}
    assert "style.css" not in static and "search.js" not in static
    assert any(re.fullmatch(r"style\.[0-9a-f]{8}\.css", name) for name in static)
    assert "favicon.svg" in static  # an image: under its own name too


def test_articles_and_hidden_files_are_not_published(make_site: Callable[..., Path]) -> None:
    root = make_site(config=CONFIG, articles={STORY: story("Text.")})
    folder = root / "content/articles/harbour"
    (folder / ".notes.txt").write_text("private", encoding="utf-8")
    (root / "secret.txt").write_text("private", encoding="utf-8")
    (folder / "linked.txt").symlink_to(root / "secret.txt")
    build_site(root)
    assert not (root / "_site/articles").exists()


def test_incremental_builds_copy_new_files_and_remove_deleted_ones(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(config=CONFIG, articles={STORY: story("![Quay](quay.png)")})
    build_site(root)
    image = root / "content/articles/harbour/quay.png"
    copied = root / "_site/articles/harbour/quay.png"
    assert not copied.exists()
    image.write_bytes(PNG)
    report = build_site(root)
    assert copied.read_bytes() == PNG and "/articles/harbour/quay.png" in report.changed_urls
    image.write_bytes(PNG + b"2")  # the same size would do too: the stamp has the time
    build_site(root, changed=frozenset({image}))  # as the dev server calls it
    assert copied.read_bytes() == PNG + b"2"
    image.unlink()
    build_site(root, changed=frozenset({image}))
    assert not copied.exists() and not copied.parent.exists()


def test_only_files_that_a_shown_article_links_to_are_published(
    make_site: Callable[..., Path],
) -> None:
    held = ("---\ntitle: Held\npublication: The Harbour Courier\ndate: 2025-10-06\n"
            "status: held\nreview: [the date is a guess]\n---\n\n![Held](held.png)\n")
    headline = ("---\ntitle: Headline\npublication: The Harbour Courier\ndate: 2025-10-06\n"
                "rights: headline\nurl: https://example.org/h\n---\n\n![Cut](cut.png)\n")
    root = make_site(config=CONFIG, articles={
        STORY: story("![Shown](shown%20here.png) [the report](report.pdf)"),
        "harbour/2025-10-06-held.md": held,
        "harbour/2025-10-06-headline.md": headline,
    })
    folder = root / "content/articles/harbour"
    for name in ("shown here.png", "report.pdf", "held.png", "cut.png", "lonely.png"):
        (folder / name).write_bytes(PNG + name.encode())
    assert build_site(root).problems == ()
    published = {p.name for p in (root / "_site/articles/harbour").iterdir()}
    assert published == {"shown here.png", "report.pdf"}
    kept = sorted(p.path.rsplit("/", 1)[-1] for p in notes(load_config(root))
                  if "not published: no published article links to it" in p.message)
    assert kept == ["cut.png", "held.png", "lonely.png"]
    # The dev server shows held articles, and their images with them, in its own folder.
    preview = build_site(root, serving=True, drafts=True)
    assert preview.problems == ()
    out = load_config(root).output_dir
    assert (out / "articles/harbour/held.png").exists()


def test_an_edit_that_links_or_unlinks_a_file_publishes_or_removes_it(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(config=CONFIG, articles={STORY: story("Text.")})
    article = root / "content/articles" / STORY
    (root / "content/articles/harbour/quay.png").write_bytes(PNG)
    copied = root / "_site/articles/harbour/quay.png"
    build_site(root)
    assert not copied.exists()
    for hint in (None, frozenset({article})):  # a new `digest build`, then the dev server
        article.write_text(story("Text. ![Quay](quay.png)"), encoding="utf-8")
        build_site(root, changed=hint)
        assert copied.read_bytes() == PNG
        article.write_text(story("Text."), encoding="utf-8")
        build_site(root, changed=hint)
        assert not copied.exists()


# The links files.py and the e-mail rewrite, against the plain pattern they are quicker
# forms of: the lookbehind first, and no substring test before it.
PLAIN_LINK = re.compile(r'(?<![\w-])(href|src)="([^"#?]+)([^"]*)"')
PIECES = ['href="', 'src="', "data-src=\"", 'xhref="', "-", " ", '"', "#", "?", "a", "images/",
          "x.png", "../", "https:", "<img ", "<a ", ">", "href", "src", "="]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_links_are_found_as_the_plain_pattern_finds_them(body: str) -> None:
    source, prefix = "content/articles/harbour/ferry.md", "content/articles"
    expected = {PREFIX + unquote(html.unescape(target)) for m in PLAIN_LINK.finditer(body)
                if (target := _target(_folder(source, prefix), m[2])) is not None}
    assert linked_files(body, source, prefix) == tuple(sorted(expected))
    assert ([m.span() for m in _LINK.finditer(body)]
            == [m.span() for m in PLAIN_LINK.finditer(body)])


def test_the_scan_of_articles_finds_the_files_beside_them_as_a_walk_does(
        tmp_path: Path) -> None:
    """A build's one walk of the articles lists the files beside them exactly as
    `article_files` does, symbolic links, hidden names and odd files included."""
    import os

    from digest.files import article_files
    from digest.scan import scan

    articles = tmp_path / "content" / "articles"
    (articles / "2025" / "deep").mkdir(parents=True)
    (articles / ".hidden").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"x")
    (outside / "linked.md").write_text("---\ntitle: T\n---\n")
    for rel in ("a.md", "a.png", "2025/b.md", "2025/b.jpg", "2025/deep/c.pdf", ".dot.png",
                ".hidden/d.png", "back\\slash.png"):
        (articles / rel).write_bytes(b"x")
    (articles / "2025" / "link.png").symlink_to(outside / "secret.png")
    (articles / "linked-folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(articles / "pipe.png")
    beside: dict[str, Path] = {}
    stamps = scan(articles, tmp_path, beside)
    assert beside == article_files(articles)
    assert sorted(beside) == [PREFIX + "2025/b.jpg", PREFIX + "2025/deep/c.pdf",
                              PREFIX + "a.png"]
    # The articles themselves are found as before, below a linked folder too.
    assert sorted(stamps) == ["content/articles/2025/b.md", "content/articles/a.md",
                              "content/articles/linked-folder/linked.md"]
    assert stamps == scan(articles, tmp_path)
