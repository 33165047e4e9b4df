"""check(config) -> problems: content, configuration, and every internal link of the
built site, each reported as `path:line: message` where the link was made: the article
whose Markdown holds it, or the template that wrote it, with the page as context.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from digest.build_state import BuildState
from digest.collect import collect
from digest.config import SiteConfig, is_absolute_url
from digest.errors import DigestError, Problem, display_path
from digest.files import article_files
from digest.link_sources import BadLink, LinkSources, PageSource, page_sources, report
from digest.load import Loaded, ReadOptions, load
from digest.plan import plan
from digest.rights import publishing_notes
from digest.search import SUBDIR as SEARCH_DATA
from digest.theme_files import theme_chain
from digest.write import check_output

_LINK_ATTRS = {"href", "src"}


def check(config: SiteConfig, *, publish: bool = False) -> list[Problem]:
    """Everything wrong that a reader or curator would notice, in file order; with
    `publish`, also what stops the output folder from being deployed (digest.publish)."""
    problems: list[Problem] = []
    chain: tuple[Path, ...] = (config.root,)
    try:
        chain = theme_chain(config)
        check_output(config.root, config.output_dir, chain[1:])
    except DigestError as exc:
        problems += exc.problems
    content, pages = _content(config)
    problems += content
    problems += _links(config, LinkSources(config.root, config.output_dir, chain, pages))
    if publish:
        from digest.publish import publish_problems

        problems += publish_problems(config, _load(config).articles)
    return problems


def _load(config: SiteConfig) -> Loaded:
    # The second call in a process reads nothing again: the state keeps the articles.
    return load(config.articles_dir, config.root, BuildState.of(config).articles,
                options=ReadOptions.of(config), jobs=os.cpu_count() or 1)


def _content(config: SiteConfig) -> tuple[list[Problem], dict[str, PageSource]]:
    loaded = _load(config)
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
        held = meta.effective_status == "held"
        for flag in meta.review:
            problems.append(Problem(
                article.source, ("held, not published: " if held else "") + f"needs review: {flag}",
                hint="fix it, then remove the entry from `review`"
                + (" (with no entry left, the article is published)" if held else "")))
    catalog = collect(loaded.articles, config, shown=frozenset({"published"}))
    site_plan = plan(catalog, config, "")
    problems += site_plan.problems
    return problems, page_sources(site_plan.pages, catalog)


def notes(config: SiteConfig, *, publish: bool = False) -> list[Problem]:
    """What is worth knowing about the site but does not stop it from being published
    (printed, not counted): what is kept off the site, and what its rights policy risks."""
    found: list[Problem] = []
    if not is_absolute_url(config.base_url) and not publish:  # else it is a problem
        found.append(Problem(
            "site.yaml", f"note: base_url {config.base_url!r} is a path, so pages have no "
            "canonical link and no sitemap.xml is written (a sitemap lists full addresses)",
            line=config.key_lines.get("base_url"),
            hint="set `base_url:` to the site's full address, such as https://example.org/digest/",
        ))
    articles = _load(config).articles
    found += publishing_notes(config, articles)
    linked = {f for a in articles if a.meta.effective_status == "published" for f in a.files}
    for rel, path in sorted(article_files(config.articles_dir).items()):
        if rel not in linked:
            found.append(Problem(
                display_path(path, config.root), "note: not published: no published article "
                "links to it (in the text its rights let the site show)",
                hint="link to it from an article (`![](name.png)`), or put it in static/ to "
                "publish it on its own"))
    return found


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


def _links(config: SiteConfig, sources: LinkSources) -> list[Problem]:
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
    found: list[BadLink] = []
    for rel, parser in sorted(pages.items()):
        for line, link in parser.links:
            broken = _broken(rel, link, out, pages)
            if broken:
                found.append(sources.locate(rel, line, link, *broken))
    return report(found)


def _broken(
    rel: str, link: str, out: Path, pages: dict[str, _Links]
) -> tuple[str, str, str] | None:
    """(what is wrong, why, the target it names) for a link that does not work."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:", "javascript:")):
        return None
    if rel == "404.html" and parts.path.startswith("/"):
        return None  # the 404 page links from the server's root (it is shown at any depth)
    if parts.path.startswith("/"):
        return ("absolute link {link}", "it breaks under file:// and subpaths: make it relative",
                link)
    target = os.path.normpath(os.path.join(os.path.dirname(rel), unquote(parts.path)))
    if parts.path == "":
        target = rel
    if target.startswith(".."):
        return "link {link} leaves the site", f"it names {target}, outside the site", target
    path = out / target
    if path.is_dir():
        return ("link {link} names a folder",
                f"link to {target}/index.html instead (file:// needs it)", target)
    if not path.is_file():
        return "broken link to {link}", f"{target} does not exist", target
    if parts.fragment and target.endswith(".html"):
        page = pages.get(Path(target).as_posix())
        if page is not None and unquote(parts.fragment) not in page.ids:
            return ("broken anchor {link}", f"no id {parts.fragment!r} in {target}",
                    f"{target}#{parts.fragment}")
    return None
