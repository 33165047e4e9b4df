"""Where a link of the built site was made, so `digest check` reports a broken one where
it can be fixed: the article whose Markdown holds it, or the template that wrote it (at
the line when the link is written there literally), with the page as context.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from digest.collect import Catalog
from digest.errors import Problem, display_path
from digest.plan import ArticlePage, PageSpec
from digest.theme_files import files_below, shown_path
from digest.urls import output_file


@dataclass(frozen=True)
class PageSource:
    """What made one built page: its template, and its article for an article page."""

    url: str
    template: str | None
    article: str | None  # the article file, relative to the site


@dataclass(frozen=True)
class BadLink:
    path: str  # where to fix it
    line: int | None
    message: str  # with `{link}` where the link goes
    hint: str
    target: str  # what it names, the same from every page that has it
    link: str  # as written on the page
    page: str  # the page's URL
    seen_at: str = ""  # the built file and line, when the source has no line to name


def page_sources(pages: Iterable[PageSpec], catalog: Catalog) -> dict[str, PageSource]:
    """Per built file (`2025/10/01/index.html`), what made it."""
    sources = {}
    for spec in pages:
        article = None
        if isinstance(spec.data, ArticlePage):
            article = catalog.entries[spec.data.index].article.source
        sources[output_file(spec.url)] = PageSource(spec.url, spec.template, article)
    return sources


class LinkSources:
    """Finds the article or template line a link on a built page came from."""

    def __init__(self, root: Path, out: Path, chain: tuple[Path, ...],
                 pages: dict[str, PageSource]) -> None:
        self.root = root
        self.out = out
        self.pages = pages
        # Nearest folder first, as the theme looks them up: a site's template hides the theme's.
        self.templates: dict[str, Path] = {}
        for folder in chain:
            for path in files_below(folder / "templates"):
                name = path.relative_to(folder / "templates").as_posix()
                self.templates.setdefault(name, path)
        self._lines: dict[Path, list[str]] = {}

    def locate(self, rel: str, line: int, link: str, message: str, hint: str,
               target: str) -> BadLink:
        page = self.pages.get(rel)
        url = page.url if page else "/" + rel.removesuffix("index.html")

        def at(path: str, number: int | None) -> BadLink:
            return BadLink(path, number, message, hint, target, link, url)

        if page is not None and page.article is not None:
            # Links in Markdown are rewritten when built (made relative to the page, or to
            # the article's file): as written, as the site path, then by their last segments.
            needles = (link, urljoin(url, link), *_tails(link))
            number = self._find(self.root / page.article, needles, body=True)
            if number is not None:
                return at(page.article, number)
        if page is not None and page.template is not None:
            names = [page.template, *(n for n in self.templates if n != page.template)]
            for name in names:
                path = self.templates.get(name)
                number = None if path is None else self._find(path, (link,))
                if path is not None and number is not None:
                    return at(shown_path(path, self.root), number)
            path = self.templates.get(page.template)
            if path is not None:  # made by a call (`url(...)`): the page's template, no line
                built = f"{display_path(self.out / rel, self.root)}:{line}"
                return BadLink(shown_path(path, self.root), None, message, hint, target, link,
                               url, built)
        return at(display_path(self.out / rel, self.root), line)

    def _find(self, path: Path, needles: tuple[str, ...], body: bool = False) -> int | None:
        """The first line of `path` holding one of `needles` (past front matter when `body`)."""
        lines = self._lines.get(path)
        if lines is None:
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            self._lines[path] = lines
        start = 0
        if body and lines and lines[0].strip() == "---":
            start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        for needle in needles:
            pattern = _as_link(needle)
            for number in range(start, len(lines)):
                if pattern.search(lines[number]):
                    return number + 1
        return None


def _tails(link: str) -> list[str]:
    """`../../articles/foo/index.html` -> `articles/foo/index.html`, `foo/index.html`: the
    ends of a link that still name something more than an index.html, longest first."""
    path, hash_, fragment = link.partition("#")
    segments = path.split("/")
    while segments and segments[0] in ("..", ".", ""):
        segments.pop(0)
    tails = []
    for start in range(len(segments)):
        if not any(s not in ("", "index.html") for s in segments[start:]):
            break
        tails.append("/".join(segments[start:]) + hash_ + fragment)
    return tails


@functools.lru_cache(maxsize=256)
def _as_link(needle: str) -> re.Pattern[str]:
    """`needle` as a whole link or the end of one, also HTML-escaped (`&amp;`)."""
    forms = "|".join(re.escape(n) for n in dict.fromkeys((needle, needle.replace("&", "&amp;"))))
    return re.compile(rf"(?:^|(?<=[\s(<\"'/=:]))(?:{forms})(?=[\s)>\"']|$)")


def report(found: Iterable[BadLink]) -> list[Problem]:
    """One problem per link and place it is made: a broken link in a template breaks it on
    every page that uses the template, and is counted rather than repeated."""
    groups: dict[tuple[str, int | None, str, str, str], list[BadLink]] = {}
    for bad in found:
        groups.setdefault((bad.path, bad.line, bad.message, bad.hint, bad.target), []).append(bad)
    problems = []
    for (path, line, message, hint, _), links in groups.items():
        first = min(links, key=lambda b: b.page)
        where = first.page if len(links) == 1 else f"{len(links)} pages, e.g. {first.page}"
        text = message.format(link=json.dumps(first.link, ensure_ascii=False))
        seen = f" (the link is at {first.seen_at})" if first.seen_at else ""
        problems.append(Problem(path, f"{text} (in {where})", line, hint + seen))
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
