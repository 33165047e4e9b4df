"""The Jinja2 environment of a theme: site overrides -> theme -> parent themes.

Also what the build needs to know about the theme before rendering: the hashed URL of
every static file, and per template a fingerprint of every template it pulls in
(transitively), its UI strings and its assets, so that a template edit re-renders only
the pages that use it.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.runtime
import yaml
from markupsafe import Markup

from digest import __version__
from digest.config import SiteConfig
from digest.dates import SKELETONS, format_style
from digest.errors import DigestError
from digest.frontmatter import SafeLoader
from digest.model import PartialDate
from digest.template_calls import TemplateEnvironment, asset_linker, link
from digest.theme_files import files_below, theme_chain, theme_stamp, ui_languages
from digest.urls import absolute


@dataclass(frozen=True)
class FeedLinks:
    atom: str | None
    json: str | None


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    language: str
    base_url: str
    author: str
    search: bool
    feeds: FeedLinks


@dataclass(frozen=True)
class Theme:
    name: str
    env: jinja2.Environment
    folders: tuple[Path, ...]  # where to look, in order: the site itself, theme, parents
    assets: dict[str, tuple[Path, str]]  # static name -> (file, hashed site path)
    template_hashes: dict[str, str]
    body_templates: frozenset[str]  # templates that (transitively) show article bodies
    stamp: tuple[tuple[str, int, int], ...]  # every file, to notice edits between builds

    def template_hash(self, name: str) -> str:
        # An unknown template gets a fresh value: it fails to render and is retried.
        return self.template_hashes.get(name) or os.urandom(8).hex()


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
    shared = hashlib.sha1(repr((sorted(strings.items()), sorted(
        (k, v[1]) for k, v in assets.items()))).encode()).hexdigest()
    hashes, body = _template_hashes(env, shared, _refs_file(config))
    return Theme(config.theme, env, chain, assets, hashes, body, stamp)


def _bytecode_cache(config: SiteConfig) -> jinja2.BytecodeCache | None:
    """Compiled templates kept next to the build cache: a new process does not compile
    them again. Jinja keys each entry on the template's source, so an edit is never stale."""
    from digest.cache import CACHE_DIR

    folder = config.output_dir.resolve().parent / CACHE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder), f"jinja-{__version__}-%s.cache")


def _site_view(config: SiteConfig) -> SiteView:
    return SiteView(
        title=config.title, description=config.description, language=config.language,
        base_url=config.base_url, author=config.author, search=config.search,
        feeds=FeedLinks(
            "/feed.xml" if config.feeds.atom else None,
            "/feed.json" if config.feeds.json else None,
        ),
    )


def _base_path(base_url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(absolute(base_url, "/")).path.rstrip("/") + "/"


def _translator(strings: dict[str, str]) -> Any:
    def t(key: str, **values: Any) -> str:
        if key not in strings:
            raise jinja2.TemplateRuntimeError(f"t({key!r}): no such UI string in i18n/")
        text = strings[key]
        return text.format_map(values) if values else text

    return t


def _date_formatter(language: str) -> Any:
    def format_date(value: PartialDate | datetime.date | None, style: str = "long") -> str:
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


def _refs_file(config: SiteConfig) -> Path:
    from digest.cache import CACHE_DIR

    return config.output_dir.resolve().parent / CACHE_DIR / f"template-refs-{__version__}.json"


def _template_hashes(
    env: jinja2.Environment, shared: str, memo_file: Path | None = None
) -> tuple[dict[str, str], frozenset[str]]:
    assert env.loader is not None
    sources: dict[str, str] = {}
    refs: dict[str, set[str] | None] = {}
    # What each template references depends on its source only: parsing every template
    # again in each new process cost more than the rest of a nothing-to-do build.
    memo: dict[str, list[str] | None] = {}
    if memo_file is not None:
        try:
            loaded = json.loads(memo_file.read_text(encoding="utf-8"))
            memo = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            memo = {}
    added = False
    for name in env.loader.list_templates():
        try:
            source, _, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        sources[name] = source
        key = hashlib.sha1(source.encode()).hexdigest()
        known = memo.get(key, False)
        if known is None or (isinstance(known, list) and all(isinstance(k, str) for k in known)):
            refs[name] = None if known is None else set(known)
            continue
        try:
            found = set(jinja2.meta.find_referenced_templates(env.parse(source)))
            refs[name] = None if None in found else {str(f) for f in found}
        except jinja2.TemplateSyntaxError:
            refs[name] = set()  # rendering reports it; the hash still follows the source
        found_refs = refs[name]
        memo[key] = None if found_refs is None else sorted(found_refs)
        added = True
    if added and len(memo) > 1000:  # edits pile up: keep what the theme has now
        current = {hashlib.sha1(src.encode()).hexdigest() for src in sources.values()}
        memo = {k: v for k, v in memo.items() if k in current}
    if added and memo_file is not None:
        with contextlib.suppress(OSError):
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            temp = memo_file.with_name(f"{memo_file.name}.{os.getpid()}.tmp")
            temp.write_text(json.dumps(memo), encoding="utf-8")
            os.replace(temp, memo_file)
    hashes: dict[str, str] = {}
    body: set[str] = set()
    for name in sources:
        closure = _closure(name, refs, set(sources))
        text = "".join(f"{n}\0{sources.get(n, '')}\0" for n in sorted(closure))
        hashes[name] = hashlib.sha1((shared + text).encode()).hexdigest()
        if "body_html" in text:
            body.add(name)
    return hashes, frozenset(body)


def _closure(name: str, refs: dict[str, set[str] | None], every: set[str]) -> set[str]:
    seen = {name}
    stack = [name]
    while stack:
        found = refs.get(stack.pop(), set())
        # A computed template name could be anything: depend on every template.
        for ref in every if found is None else found:
            if ref not in seen:
                seen.add(ref)
                stack.append(ref)
    return seen


def safe(html: str) -> Markup:
    return Markup(html)
