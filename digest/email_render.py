"""An edition as e-mail: the theme's `email.html` and `email.txt`, rendered from the views.

Both templates get the edition, its featured articles and its other articles by
publication, the curator's intro, and absolute links (`url()` gives full addresses here,
since a message has no page to be relative to). The HTML's stylesheet is then inlined
into `style` attributes (css-inline), which is what mail clients read. A theme without
e-mail templates gets the default theme's, with its UI strings for the keys it lacks.

What the templates read is recorded like any page's (digest.reads): the edition feed
is rendered by this module during a build.
"""

from __future__ import annotations

import contextlib
import html
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import jinja2
import jinja2.bccache
from markupsafe import Markup

from digest import __version__
from digest.config import SiteConfig
from digest.email_text import Footnotes, html_to_text, wrap
from digest.errors import display_path
from digest.files import LINK_START, link_files_from_page, may_link
from digest.reads import record
from digest.template_calls import compiler_key
from digest.theme import Theme
from digest.urls import absolute
from digest.views import ArticleView, EditionView, PublicationRef, Views

# Gmail cuts a message's HTML at about 102 KB ("[Message clipped]"): past this, the
# articles show their excerpts and link to the web edition for the rest.
CLIP_BYTES = 100_000


@dataclass(frozen=True)
class EmailGroup:
    publication: PublicationRef
    articles: tuple[ArticleView, ...]


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str  # the whole document, its CSS inlined
    compact: bool  # excerpts only, to stay under CLIP_BYTES


def render_html(theme: Theme, views: Views, config: SiteConfig, index: int, *,
                channel: str = "email", unsubscribe: str | None = None) -> Rendered:
    """The edition `index` of the catalog as the HTML of a message (`channel="email"`) or
    of an edition feed's entry (`"feed"`: no preheader and no unsubscribe link)."""
    env = _environment(theme, config)
    context = _context(views, config, index, channel, unsubscribe)
    template = env.get_template("email.html")
    full = template.render(context, compact=False)
    compact = _depth(full) > MAX_DEPTH
    if not compact:
        html = _inline(full)
        compact = len(html.encode()) > CLIP_BYTES
    if compact:
        html = _inline(template.render(context, compact=True))
    return Rendered(context["subject"], html, compact)


# The CSS inliner (Rust) overflows its stack on elements nested thousands deep, which
# kills the process: such articles are shown by their excerpts, as oversized ones are.
MAX_DEPTH = 256
_TAG_EVENT = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "source", "track", "wbr"})


def _depth(html: str) -> int:
    """How deep the document's elements nest (closing tags trusted, as the HTML is ours)."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG_EVENT.findall(html):
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def render_text(theme: Theme, views: Views, config: SiteConfig, index: int, *,
                compact: bool = False, unsubscribe: str | None = None) -> str:
    """The plain-text part: the same edition, links as footnotes, wrapped at 72 columns."""
    env = _environment(theme, config)
    notes = Footnotes()
    context = _context(views, config, index, "email", unsubscribe)
    intro = context["intro"]
    text = env.get_template("email.txt").render(
        context, compact=compact, note=notes.note, footnotes=notes.items,
        text=lambda html: html_to_text(str(html), notes),
        intro=html_to_text(intro, notes) if intro else None)
    return wrap(text)


def _context(views: Views, config: SiteConfig, index: int, channel: str,
             unsubscribe: str | None) -> dict[str, Any]:
    edition = views.edition(index)
    assert edition is not None, index
    featured: list[ArticleView] = []
    groups: list[EmailGroup] = []
    for group in edition.groups:
        featured += [a for a in group.articles if a.featured]
        rest = tuple(a for a in group.articles if not a.featured)
        if rest:
            groups.append(EmailGroup(group.publication, rest))
    intro = config.intro.of(edition.key)
    intro_html = _intro_html(intro, config.raw_html) if intro else None
    return {
        "edition": edition, "featured": tuple(featured), "groups": tuple(groups),
        "intro": Markup(intro_html) if intro_html else None,
        # the intro's words alone, for the line a mail client previews
        "intro_text": " ".join(html.unescape(_TAG.sub(" ", intro_html)).split())
        if intro_html else None,
        "channel": channel, "lang": config.language,
        "subject": subject(config, edition), "unsubscribe_url": unsubscribe,
        "browser_url": absolute(config.base_url, edition.url),
    }


def ui_string(theme: Theme, config: SiteConfig, key: str) -> str:
    """A UI string as the e-mail templates see it (the default theme's when it lacks one)."""
    translate = typing.cast(Callable[[str], str], _environment(theme, config).globals["t"])
    return translate(key)


def subject(config: SiteConfig, edition: EditionView) -> str:
    text = config.mail.subject.format(title=config.title, edition=edition.label)
    return " ".join(text.split())  # a line break in a header would end it


def _intro_html(text: str, raw_html: bool) -> str:
    from digest.markdown import render_markdown

    return render_markdown(text, raw_html=raw_html)


class _Environments:
    """One e-mail environment per theme and config object (a build keeps both). What it
    does with the config is done at each call, so a page records the keys it reads."""

    def __init__(self) -> None:
        self.made: tuple[Theme, SiteConfig, jinja2.Environment] | None = None

    def get(self, theme: Theme, config: SiteConfig) -> jinja2.Environment:
        if self.made is not None and self.made[0] is theme and self.made[1] is config:
            return self.made[2]
        env = _make_environment(theme, config)
        self.made = (theme, config, env)
        return env


_ENVIRONMENTS = _Environments()


def _environment(theme: Theme, config: SiteConfig) -> jinja2.Environment:
    return _ENVIRONMENTS.get(theme, config)


def _make_environment(theme: Theme, config: SiteConfig) -> jinja2.Environment:
    from digest.theme_files import bundled_themes

    assert theme.env.loader is not None
    default = bundled_themes() / "default"
    loader = jinja2.ChoiceLoader([
        theme.env.loader, jinja2.FileSystemLoader(str(default / "templates"))])
    # A cache of its own: templates the theme's environment compiled hold its globals.
    # Compiled templates are kept apart from the theme's: email.txt has no autoescaping.
    folder = getattr(theme.env.bytecode_cache, "directory", None)
    bytecode = None if folder is None else _BytecodeCache(
        folder, f"jinja-{__version__}-{compiler_key()}-email-%s.cache")
    env = theme.env.overlay(loader=loader, autoescape=_autoescape, cache_size=64,
                            bytecode_cache=bytecode)
    env.globals = dict(theme.env.globals)  # an overlay shares the dict it would change
    strings = {**_default_strings(str(default), config.language), **theme.strings}
    env.globals.update(
        t=_translator(strings), url=_linker(config), asset=_asset_linker(theme, config),
        body=_body_reader(config),
    )
    return env


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept when the cache folder is there: the folder is disposable,
    and deleting it between two builds of a process must cost a compilation, no more."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _autoescape(name: str | None) -> bool:
    return name is None or not name.endswith(".txt")


@lru_cache(maxsize=8)
def _default_strings(folder: str, language: str) -> dict[str, str]:
    from pathlib import Path

    from digest.theme import _strings

    return _strings((Path(folder),), language)


def _translator(strings: dict[str, str]) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        record(("string", key))
        if key not in strings:
            raise jinja2.TemplateRuntimeError(f"t({key!r}): no such UI string in i18n/")
        text = strings[key]
        return text.format_map(values) if values else text

    return t


def _linker(config: SiteConfig) -> Callable[[str], str]:
    def url(path: str) -> str:
        return absolute(config.base_url, path) if path.startswith("/") else path

    return url


def _asset_linker(theme: Theme, config: SiteConfig) -> Callable[[str], str]:
    def asset(name: str) -> str:
        record(("asset", name))
        if name not in theme.assets:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): no such file in static/")
        return absolute(config.base_url, theme.assets[name][1])

    return asset


_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(LINK_START + r'([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")


def _body_reader(config: SiteConfig) -> Callable[[ArticleView], Markup]:
    prefix = display_path(config.articles_dir, config.root)

    def body(article: ArticleView) -> Markup:
        """The article's text as its rights allow (the view holds no more), every link
        and image made absolute: relative to the article's web page, as on the site."""
        text = article.body  # recorded as read
        if not text:
            return Markup("")
        source = article._body_item[1]
        text = link_files_from_page(text, source, prefix, article.url)
        page = absolute(config.base_url, article.url)
        if may_link(text):
            text = _LINK.sub(lambda m: m[0] if _SCHEME.match(m[2]) else
                             f'{m[1]}="{urljoin(page, m[2])}"', text)
        return Markup(_IMG_WITHOUT_ALT.sub('<img alt=""', text) if "<img" in text else text)

    return body


def _inline(html: str) -> str:
    import css_inline

    # Never fetches a stylesheet: a message's look comes from the theme alone. At-rules
    # (dark mode) stay in a <style> for the clients that read one.
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False,
                                    keep_link_tags=False)
    return str(inliner.inline(html))
