"""The Jinja2 environment of a theme: site overrides -> theme -> parent themes.

Also what the build needs to know about the theme before rendering: the hashed URL of
every static file, and the value of each template, UI string and asset a page can read
(`Theme.value`), so that a template edit re-renders only the pages that read it.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.runtime
import yaml

from digest import __version__
from digest.config import SiteConfig
from digest.dates import SKELETONS, format_style
from digest.errors import DigestError
from digest.frontmatter import SafeLoader
from digest.model import PartialDate
from digest.reads import record
from digest.template_calls import TemplateEnvironment, asset_linker, compiler_key, link
from digest.theme_files import files_below, theme_chain, theme_stamp, ui_languages
from digest.urls import absolute


@dataclass(frozen=True)
class FeedLinks:
    atom: str | None
    json: str | None
    editions: str | None = None  # one entry per edition (digest.edition_feed)


@dataclass(frozen=True)
class SiteView:
    """`site` in templates. Each field is the config key of the same name, and reading it
    is recorded as reading that key (digest.reads)."""

    title: str
    description: str
    language: str
    base_url: str
    author: str
    search: bool
    feeds: FeedLinks

    def __getattribute__(self, name: str) -> Any:
        if name in _SITE_FIELDS:
            record(("config", name))
        return object.__getattribute__(self, name)


_SITE_FIELDS = frozenset(f.name for f in dataclasses.fields(SiteView))


@dataclass(frozen=True)
class Theme:
    name: str
    env: jinja2.Environment
    folders: tuple[Path, ...]  # where to look, in order: the site itself, theme, parents
    assets: dict[str, tuple[Path, str]]  # static name -> (file, hashed site path)
    strings: dict[str, str]
    stamp: tuple[tuple[str, int, int], ...]  # every file, to notice edits between builds
    config: str  # the fingerprint of the site.yaml it was made for (strings, `site`)
    _values: dict[tuple[str, str], str | None] = field(default_factory=dict, compare=False,
                                                       repr=False)

    def value(self, item: tuple[str, str]) -> str | None:
        """A digest of the template, UI string or asset `item` names (digest.reads), as
        the theme resolves it now; None for any other item."""
        if item in self._values:
            return self._values[item]
        kind, name = item
        found: str | None = None
        if kind == "template":
            assert self.env.loader is not None
            try:
                # The source alone: which folder it came from does not change a page.
                source, _, _ = self.env.loader.get_source(self.env, name)
                found = hashlib.sha1(source.encode()).hexdigest()
            except jinja2.TemplateNotFound:
                found = "missing"
        elif kind == "string":
            found = hashlib.sha1(repr(self.strings.get(name)).encode()).hexdigest()
        elif kind == "asset":
            found = repr(self.assets[name][1] if name in self.assets else None)
        self._values[item] = found
        return found


def load_theme(config: SiteConfig, *, serving: bool) -> Theme:
    """Build the environment; a missing theme or unreadable strings stop the build."""
    chain = theme_chain(config)
    stamp = theme_stamp(chain)
    strings = _strings(chain, config.language)
    assets = _assets(chain)
    env = TemplateEnvironment(
        loader=jinja2.FileSystemLoader([str(f / "templates") for f in chain
                                        if (f / "templates").is_dir()]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # staleness is decided by the theme stamp, once per build
        cache_size=-1,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(config),
    )
    env.globals.update(
        site=_site_view(config),
        serving=serving,
        digest_version=__version__,
        t=_translator(strings),
        url=link,
        asset=asset_linker(assets),
        format_date=_date_formatter(config.language),
    )
    env.globals["_base_path"] = _base_path(config.base_url)
    return Theme(config.theme, env, chain, assets, strings, stamp, config.fingerprint)


def _bytecode_cache(config: SiteConfig) -> jinja2.BytecodeCache | None:
    """Compiled templates kept next to the build cache: a new process does not compile
    them again. Jinja keys each entry on the template's source, so an edit is never stale."""
    from digest.cache import CACHE_DIR

    folder = config.output_dir.resolve().parent / CACHE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # Keyed on the compiler too (template_calls): it refuses private names, and notes
    # each template's free names in the compiled code.
    return jinja2.FileSystemBytecodeCache(
        str(folder), f"jinja-{__version__}-{compiler_key()}-%s.cache")


def _site_view(config: SiteConfig) -> SiteView:
    return SiteView(
        title=config.title, description=config.description, language=config.language,
        base_url=config.base_url, author=config.author, search=config.search,
        feeds=FeedLinks(
            "/feed.xml" if config.feeds.atom else None,
            "/feed.json" if config.feeds.json else None,
            "/editions.xml" if config.feeds.editions else None,
        ),
    )


def _base_path(base_url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(absolute(base_url, "/")).path.rstrip("/") + "/"


def _translator(strings: dict[str, str]) -> Any:
    items: dict[str, tuple[str, str]] = {}  # made once each (see digest.reads)

    def t(key: str, **values: Any) -> str:
        item = items.get(key)
        if item is None:
            item = items[key] = ("string", key)
        record(item)
        if key not in strings:
            raise jinja2.TemplateRuntimeError(f"t({key!r}): no such UI string in i18n/")
        text = strings[key]
        return text.format_map(values) if values else text

    return t


def _date_formatter(language: str) -> Any:
    def format_date(value: PartialDate | datetime.date | None, style: str = "long") -> str:
        record(("config", "language"))
        if value is None:
            return ""
        if style not in SKELETONS:
            raise jinja2.TemplateRuntimeError(
                f"format_date: unknown style {style!r} (use {', '.join(SKELETONS)})"
            )
        if isinstance(value, PartialDate):
            if value.day is None and style in ("long", "short"):
                style = "month"
            value = datetime.date(value.year, value.month, value.day or 1)
        return format_style(value, style, language)

    return format_date


def _strings(chain: tuple[Path, ...], language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    # Least specific first, so the site language in the nearest folder wins.
    for lang in ui_languages(language):
        for folder in reversed(chain):
            path = folder / "i18n" / f"{lang}.yaml"
            if path.is_file():
                merged.update(_read_strings(path))
    return merged


def _read_strings(path: Path) -> dict[str, str]:
    try:
        # libyaml when present: a theme's strings file took 30 ms with the Python loader.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DigestError.at(path, f"cannot read UI strings: {exc}") from None
    if not isinstance(data, dict):
        raise DigestError.at(path, "UI strings must be a mapping of `key: text`")
    return {str(k): str(v) for k, v in data.items()}


def _assets(chain: tuple[Path, ...]) -> dict[str, tuple[Path, str]]:
    assets: dict[str, tuple[Path, str]] = {}
    for folder in chain:
        static = folder / "static"
        for path in files_below(static):
            name = path.relative_to(static).as_posix()
            if name in assets:
                continue  # a nearer folder already provides it
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
            stem, dot, ext = name.rpartition(".")
            hashed = f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{name}.{digest}"
            assets[name] = (path, "/static/" + hashed)
    return assets

