"""check(config) -> problems: content, configuration, and every internal link of the
built site (each reported as `path:line: message`, the path being the HTML file in the
output folder).
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from digest.build import _session
from digest.collect import collect
from digest.config import SiteConfig
from digest.errors import DigestError, Problem, display_path
from digest.load import load
from digest.markdown import engine
from digest.plan import plan
from digest.search import SUBDIR as SEARCH_DATA
from digest.theme_files import theme_chain
from digest.write import check_output

_LINK_ATTRS = {"href", "src"}


def check(config: SiteConfig) -> list[Problem]:
    """Everything wrong that a reader or curator would notice, in file order."""
    problems: list[Problem] = []
    try:
        chain = theme_chain(config)
        check_output(config.root, config.output_dir, chain[1:])
    except DigestError as exc:
        problems += exc.problems
    problems += _content(config)
    problems += _links(config)
    return problems


def _content(config: SiteConfig) -> list[Problem]:
    from digest import __version__

    key = f"{__version__}|{engine(config.raw_html)}|{config.fingerprint}|{config.raw_html}"
    session = _session(config, key)
    loaded = load(config.articles_dir, config.root, session.articles,
                  raw_html=config.raw_html, jobs=os.cpu_count() or 1)
    problems = list(loaded.problems)
    sources = {a.source.rsplit("/", 1)[-1].removesuffix(".md") for a in loaded.articles}
    for article in loaded.articles:
        meta = article.meta
        if meta.date is None:
            problems.append(Problem(article.source, "no `date`: the article is in no edition",
                                    hint="add `date: YYYY-MM-DD` (or YYYY-MM for an issue)"))
        if not meta.publication:
            problems.append(Problem(article.source, "no `publication`",
                                    hint="add `publication: ...`"))
        if meta.duplicate_of:
            known = meta.duplicate_of.rsplit("/", 1)[-1].removesuffix(".md") in sources
            problems.append(Problem(
                article.source, f"marked as a duplicate of {meta.duplicate_of}"
                + ("" if known else " (which does not exist)"),
                hint="delete one of the two, or remove `duplicate_of`",
            ))
        for flag in meta.review:
            problems.append(Problem(article.source, f"needs review: {flag}",
                                    hint="fix it, then remove the entry from `review`"))
    catalog = collect(loaded.articles, config, drafts=False)
    problems += plan(catalog, config, lambda _name: "", frozenset(), "").problems
    return problems


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" and dict(attrs).get("rel") == "canonical":
            return  # names the page's published address, not a link a reader follows
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in _LINK_ATTRS and tag != "base":
                self.links.append((self.getpos()[0], value))


def _links(config: SiteConfig) -> list[Problem]:
    out = config.output_dir
    if not (out / "index.html").is_file():
        return [Problem(display_path(out, config.root), "the site is not built",
                        hint="run `digest build` first")]
    pages: dict[str, _Links] = {}
    for dirpath, dirnames, filenames in os.walk(out):
        here = Path(dirpath).relative_to(out)
        dirnames[:] = sorted(d for d in dirnames if (here / d).as_posix() != SEARCH_DATA)
        for name in sorted(filenames):
            if name.endswith(".html"):
                path = Path(dirpath) / name
                parser = _Links()
                parser.feed(path.read_text(encoding="utf-8", errors="replace"))
                parser.close()
                pages[path.relative_to(out).as_posix()] = parser
    problems = []
    for rel, parser in sorted(pages.items()):
        shown = display_path(out / rel, config.root)
        for line, link in parser.links:
            message = _broken(rel, link, out, pages)
            if message:
                problems.append(Problem(shown, message, line))
    return problems


def _broken(rel: str, link: str, out: Path, pages: dict[str, _Links]) -> str | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:", "javascript:")):
        return None
    if rel == "404.html" and parts.path.startswith("/"):
        return None  # the 404 page links from the server's root (it is shown at any depth)
    if parts.path.startswith("/"):
        return f"link {link!r} is absolute: it breaks under file:// and subpaths"
    target = os.path.normpath(os.path.join(os.path.dirname(rel), unquote(parts.path)))
    if parts.path == "":
        target = rel
    if target.startswith(".."):
        return f"link {link!r} leaves the site"
    path = out / target
    if path.is_dir():
        return f"link {link!r} names a folder: link to its index.html (file:// needs it)"
    if not path.is_file():
        return f"broken link {link!r}: {target} does not exist"
    if parts.fragment and target.endswith(".html"):
        page = pages.get(Path(target).as_posix())
        if page is not None and unquote(parts.fragment) not in page.ids:
            return f"broken anchor {link!r}: no id {parts.fragment!r} in {target}"
    return None
