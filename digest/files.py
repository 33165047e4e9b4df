"""Files a site needs under their own names: images and other files beside the articles.

A file under `content/articles/` that is not an article (`.md`) is published at the same
path under `/articles/` (`content/articles/guardian/images/map.png` is
`/articles/guardian/images/map.png`) when the body of an article the site shows links to
it, as far as the article's rights let it show its body: the images of a held article, or
of one shown as a headline, stay private like its text (`linked_files`). An article page
is not in its file's folder, so a relative link in its body (`![](images/map.png)`) is
rewritten to where that file is published, relative to the page. Theme and site `static/`
files are the theme's business (digest.theme): CSS and JS under hashed names; other
static files also under their own.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote

from digest.errors import Problem, display_path
from digest.scan import PREFIX, is_beside
from digest.urls import relative

_ASSET_SUFFIXES = (".css", ".js")  # copied only under their hashed names
# href="..." or src="..." not ending a longer name (data-src): the lookbehinds come after
# the name, so that the engine skips ahead to an h or an s (4x quicker than a lookbehind
# first on long bodies).
LINK_START = r'(href|src)(?<![\w-]href)(?<![\w-]src)="'
_LINK = re.compile(LINK_START + r'([^"#?]+)([^"]*)"')
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|\.?$)")


def article_files(articles_dir: Path) -> dict[str, Path]:
    """Output path -> file, for every file beside the articles (hidden names and
    symbolic links left out: a link could publish a file from outside the site)."""
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(articles_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        folder = Path(dirpath)
        rel = folder.relative_to(articles_dir).as_posix()
        for name in sorted(filenames):
            # The names first: every build walks the articles, 10,000 of them at 10k.
            if name.startswith(".") or name.endswith(".md"):
                continue
            path = folder / name
            if is_beside(path):
                found[PREFIX + (name if rel == "." else f"{rel}/{name}")] = path
    return found


def files_stamp(files: dict[str, Path]) -> tuple[tuple[str, int, int], ...]:
    """What tells a build that a file was added, changed or deleted."""
    out = []
    for rel, path in sorted(files.items()):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((rel, st.st_mtime_ns, st.st_size))
    return tuple(out)


def plain_static(assets: dict[str, tuple[Path, str]]) -> Iterator[tuple[str, Path]]:
    """(output path, file) of the static files also copied under their own names: all
    but CSS and JS, so `![](/static/logo.png)` works and stylesheets can use fonts."""
    for name, (path, _hashed) in sorted(assets.items()):
        if not name.endswith(_ASSET_SUFFIXES):
            yield "static/" + name, path


def publish(
    out: Path, wanted: Iterable[tuple[str, Path]], pages: set[str], root: Path
) -> tuple[set[str], set[str], list[Problem]]:
    """Copy each file to `out/rel` (only when its bytes changed), unless a page has that
    path: (files in the output, files written, problems)."""
    from digest.write import write_file

    files: set[str] = set()
    written: set[str] = set()
    problems: list[Problem] = []
    for rel, path in wanted:
        if rel in pages:
            problems.append(Problem(display_path(path, root), f"/{rel} is also a page's path",
                                    hint="rename the file, or change `permalinks` in site.yaml"))
            continue
        try:
            if write_file(out, rel, path.read_bytes()):
                written.add(rel)
        except OSError as exc:
            problems.append(Problem(display_path(path, root), f"cannot copy: {exc}"))
            continue
        files.add(rel)
    return files, written, problems


def may_link(html: str) -> bool:
    """Whether `html` may hold an href or src attribute: a substring test that spares
    most bodies the scan of a pattern that tries every position."""
    return 'href="' in html or 'src="' in html


def link_files_from_page(body: str, source: str, articles_prefix: str, page_url: str) -> str:
    """Relative links in an article body, rewritten from the article file's folder to
    where files beside it are published, relative to the article's page.

    `source` is the article's site-relative path (`content/articles/guardian/x.md`),
    `articles_prefix` the site-relative path of the articles folder."""
    folder = _folder(source, articles_prefix)

    def rewrite(match: re.Match[str]) -> str:
        target = _target(folder, match[2])
        if target is None:
            return match[0]
        return f'{match[1]}="{relative(page_url, "/" + PREFIX + target)}{match[3]}"'

    return _LINK.sub(rewrite, body) if may_link(body) else body


def linked_files(body: str, source: str, articles_prefix: str) -> tuple[str, ...]:
    """The files beside the articles that relative links in an article body point at, as
    output paths (`articles/guardian/images/map.png`): what the article publishes besides
    its page, and only if its page is published."""
    if not may_link(body):
        return ()
    folder = _folder(source, articles_prefix)
    found = {PREFIX + unquote(html.unescape(target)) for match in _LINK.finditer(body)
             if (target := _target(folder, match[2])) is not None}
    return tuple(sorted(found))


def _folder(source: str, articles_prefix: str) -> str:
    return posixpath.dirname(source.removeprefix(articles_prefix.rstrip("/") + "/"))


def _target(folder: str, link: str) -> str | None:
    """Where a link in an article body points, relative to the articles folder; None for
    an address elsewhere, a path outside the folder or another article's file."""
    if _NOT_RELATIVE.match(link):
        return None
    target = posixpath.normpath(posixpath.join(folder, link))
    if target.startswith("../") or target == ".." or target.endswith(".md"):
        return None
    return target
