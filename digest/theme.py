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
import importlib.resources
import json
import os
import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.runtime
import yaml
from markupsafe import Markup

from digest import __version__
from digest.config import SiteConfig
from digest.errors import DigestError
from digest.model import PartialDate
from digest.urls import absolute, output_file, relative

_DATE_SKELETONS = {"long": "yMMMMd", "short": "yMMMd", "month": "yMMMM", "year": "y"}


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


def theme_chain(config: SiteConfig) -> tuple[Path, ...]:
    """The site folder, then the theme folder and its parents (theme.yaml `extends:`)."""
    chain: list[Path] = [config.root]
    name: str | None = config.theme
    seen: set[str] = set()
    while name:
        if name in seen:
            raise DigestError.at(
                "site.yaml", f"theme {name!r} extends itself (through {' -> '.join(seen)})"
            )
        seen.add(name)
        folder = _find_theme(config.root, name)
        chain.append(folder)
        name = _parent(folder)
    return tuple(chain)


def bundled_themes() -> Path:
    try:
        return Path(str(importlib.resources.files("digest._themes")))
    except ModuleNotFoundError:  # a checkout that was not (re)installed
        return Path(__file__).resolve().parent.parent / "themes"


def _find_theme(root: Path, name: str) -> Path:
    for base in (root / "themes", bundled_themes()):
        if (base / name / "templates").is_dir():
            return base / name
    raise DigestError.at(
        "site.yaml", f"theme {name!r} not found",
        hint=f"looked in {root / 'themes' / name} and the bundled themes "
        f"({', '.join(sorted(p.name for p in bundled_themes().glob('*/templates/..'))) or 'none'})",
    )


def _parent(folder: Path) -> str | None:
    path = folder / "theme.yaml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DigestError.at(path, f"cannot read theme.yaml: {exc}") from None
    parent = data.get("extends") if isinstance(data, dict) else None
    if parent is not None and not isinstance(parent, str):
        raise DigestError.at(path, "`extends` must be a theme name")
    return parent


def theme_stamp(chain: tuple[Path, ...]) -> tuple[tuple[str, int, int], ...]:
    return tuple(sorted(_stamps(chain)))


def _stamps(chain: tuple[Path, ...]) -> Iterator[tuple[str, int, int]]:
    for folder in chain:
        for sub in ("templates", "static", "i18n"):
            for path in _files(folder / sub):
                st = path.stat()
                yield str(path), st.st_mtime_ns, st.st_size
        if (folder / "theme.yaml").is_file() and folder != chain[0]:
            st = (folder / "theme.yaml").stat()
            yield str(folder / "theme.yaml"), st.st_mtime_ns, st.st_size


def _files(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def load_theme(config: SiteConfig, *, serving: bool) -> Theme:
    """Build the environment; a missing theme or unreadable strings stop the build."""
    chain = theme_chain(config)
    stamp = theme_stamp(chain)
    strings = _strings(chain, config.language)
    assets = _assets(chain)
    env = _Environment(
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
        url=_url,
        asset=_asset_linker(assets),
        format_date=_date_formatter(config.language),
    )
    env.globals["_base_path"] = _base_path(config.base_url)
    shared = hashlib.sha1(repr((sorted(strings.items()), sorted(
        (k, v[1]) for k, v in assets.items()))).encode()).hexdigest()
    hashes, body = _template_hashes(env, shared, _refs_file(config))
    return Theme(config.theme, env, chain, assets, hashes, body, stamp)


class _Context(jinja2.runtime.Context):
    """Jinja's context with a shorter path for calling plain functions and macros.

    Every `url()`, `t()` and macro call in a template goes through `Context.call`, which
    inspects the callable each time; a page makes 60 or more of them. Plain functions and
    macros are recognised by their type, and only functions that ask for the context get
    the (derived) context, exactly as Jinja does.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        if kind is _FUNCTION or kind is jinja2.runtime.Macro:
            wants = getattr(__obj, "jinja_pass_arg", None) if kind is _FUNCTION else None
            if kwargs:
                if wants is not None and (kwargs.get("_loop_vars") or kwargs.get("_block_vars")):
                    reads = getattr(__obj, "_reads", None)
                    # url() and asset() read only `page`: a loop or block that does not
                    # set it leaves them nothing to see in a derived context.
                    if reads is None or any(
                            name in kwargs.get("_loop_vars", ()) or
                            name in kwargs.get("_block_vars", ()) for name in reads):
                        return super().call(__obj, *args, **kwargs)
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                if kind is not _FUNCTION and _MEMO.table is not None:
                    return _MEMO.call(__obj, args, kwargs)
                if wants is None:
                    return __obj(*args, **kwargs)
                if wants is _PASS_CONTEXT:
                    return __obj(__self, *args, **kwargs)
            except StopIteration:  # as Jinja does: it would end the render's generator
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


_FUNCTION = types.FunctionType
_SIMPLE = frozenset({str, int, bool, float, type(None), Markup, PartialDate, datetime.date})


class _MacroMemo:
    """Macro results kept for one build's pages (an article's card is shown on its
    edition, publication, tag and archive pages; `time()` and friends repeat a lot).

    Only macros of a *pure* template are kept: one whose free names are all
    environment globals that stay the same for the whole build. A macro that reads
    `page` or any render variable, or that calls such a macro, is never kept. Links are
    the one thing that depends on the page: while a kept macro runs, `url()` writes
    `_ROOT` where the page's climb to the site root (`../../`) goes, and each page puts
    its own climb there. A result is kept only if it holds exactly one `_ROOT` per link
    (a template that transformed a link, say with `urlencode`, is rendered again the
    plain way). Arguments must be plain values or the views the build made once
    (compared by identity, see `begin`).
    """

    def __init__(self) -> None:
        self.table: dict[Any, Any] | None = None  # None: not memoising (default)
        self.kept: dict[Any, Any] = {}
        self.size = 0  # characters kept
        self.env: jinja2.Environment | None = None
        self.stable: dict[int, object] = {}
        self.prefix = ""  # the current page's climb to the root
        self.marking = 0  # > 0 while a kept macro runs: url() writes _ROOT
        self.links = 0  # links written since the innermost kept call began
        self.tainted = False  # something page-dependent ran since then
        self.pure: dict[str, bool] = {}

    def begin(self, env: jinja2.Environment, stable: dict[int, object], prefix: str) -> None:
        """Memoise from now on; `stable` maps id -> object for views alive all build."""
        if self.env is not env or self.stable is not stable:
            self.kept = {}
            self.size = 0
            self.pure = {}
            self.env = env
            self.stable = stable
        self.table = self.kept
        self.prefix = prefix
        self.marking = self.links = 0
        self.tainted = False

    def end(self) -> None:
        """Stop memoising (results stay for the next page of the same build)."""
        self.table = None
        self.marking = 0

    def call(self, macro: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        table = self.table
        assert table is not None
        key = self._key(macro._func.__code__, args, kwargs)
        if key is None:
            if self.marking:
                self.tainted = True
            return macro(*args, **kwargs)
        hit = table.get(key)
        if hit is not None:
            result, links = hit
            if not links:
                return result
            if self.marking:
                self.links += links
                return result
            return Markup(str.replace(result, _ROOT, self.prefix))
        outer = (self.links, self.tainted)
        self.links, self.tainted = 0, False
        self.marking += 1
        try:
            result = macro(*args, **kwargs)
        finally:
            self.marking -= 1
            links, tainted = self.links, self.tainted
            self.links, self.tainted = outer[0] + links, outer[1] or tainted
        exact = not links or (type(result) is Markup and result.count(_ROOT) == links)
        if exact and not tainted and self.size < _KEEP_CHARS:
            table[key] = (result, links)
            self.size += len(result)
        if not links or self.marking:
            if not exact:
                self.tainted = True  # the caller cannot be kept either
            return result
        if exact:
            return Markup(str.replace(result, _ROOT, self.prefix))
        # A link was transformed: render it again with the page's own links.
        marking, self.marking = self.marking, 0
        try:
            return macro(*args, **kwargs)
        finally:
            self.marking = marking

    def _key(self, code: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        pure = self.pure.get(code.co_filename)
        if pure is None:
            pure = self.pure[code.co_filename] = self._is_pure(code.co_filename)
        if not pure:
            return None
        parts: list[Any] = [code]
        stable = self.stable
        for value in (*args, *kwargs.values()):
            kind = type(value)
            if kind in _SIMPLE:
                parts.append((kind, value))
            elif stable.get(id(value)) is value:
                parts.append(id(value))
            else:
                return None
        if kwargs:
            parts.append(tuple(kwargs))
        return tuple(parts)

    def _is_pure(self, filename: str) -> bool:
        assert self.env is not None
        try:
            with open(filename, encoding="utf-8") as handle:
                source = handle.read()
            free = jinja2.meta.find_undeclared_variables(self.env.parse(source))
        except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
            return False
        fixed = set(self.env.globals) - {"_base_path"}  # what a 404 page's url() reads
        return free <= fixed


_MEMO = _MacroMemo()
# Stands for the page's climb to the root. ASCII, so a kept card stays one byte per
# character; NUL cannot come from front matter, and a result that holds more of these
# than it made links (text that had one) is not kept, so any text is safe.
_ROOT = "\x00^\x00"
# Kept results are bounded (~40 MB at most; a 10,000-article site keeps ~30 MB of cards).
_KEEP_CHARS = 40_000_000


def memoise_macros(env: jinja2.Environment, stable: dict[int, object], page_url: str) -> None:
    """Keep pure macros' results from now on (until `stop_memoising`)."""
    _MEMO.begin(env, stable, _up(page_url))


def stop_memoising() -> None:
    _MEMO.end()


def forget_macros() -> None:
    """Drop the kept results (at the end of a build: they hold the build's views)."""
    _MEMO.end()
    _MEMO.kept = {}
    _MEMO.size = 0
    _MEMO.env = None
    _MEMO.stable = {}
_PASS_CONTEXT = getattr(jinja2.pass_context(lambda: None), "jinja_pass_arg")  # noqa: B009


class _Environment(jinja2.Environment):
    context_class = _Context


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


@jinja2.pass_context
def _url(context: Any, path: str) -> str:
    page = context["page"]
    if page.kind == "404":
        # Servers show 404.html at any depth, so its links start from the site's base path.
        if not path.startswith("/"):
            return path
        base: str = context["_base_path"]
        return base + output_file(path.partition("#")[0]) + "".join(path.partition("#")[1:])
    if not path or path[0] != "/":
        return path
    if _MEMO.marking:
        _MEMO.links += 1
        return _ROOT + _target(path)
    return _up(page.url) + _target(path)


_url._reads = ("page", "_base_path")  # type: ignore[attr-defined]


@lru_cache(maxsize=65536)
def _up(page_url: str) -> str:
    return relative(page_url, "/")[: -len("index.html")]


@lru_cache(maxsize=65536)
def _target(path: str) -> str:
    """`relative()` minus the climb to the root, for a site path (`/x/` or `/x/#y`)."""
    return relative("/", path)


def _asset_linker(assets: dict[str, tuple[Path, str]]) -> Any:
    @jinja2.pass_context
    def asset(context: Any, name: str) -> str:
        if name not in assets:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): no such file in static/")
        return str(_url(context, assets[name][1]))

    asset._reads = _url._reads  # type: ignore[attr-defined]
    return asset


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
        if style not in _DATE_SKELETONS:
            raise jinja2.TemplateRuntimeError(
                f"format_date: unknown style {style!r} (use {', '.join(_DATE_SKELETONS)})"
            )
        if isinstance(value, PartialDate):
            if value.day is None and style in ("long", "short"):
                style = "month"
            value = datetime.date(value.year, value.month, value.day or 1)
        return format_style(value, style, language)

    return format_date


@lru_cache(maxsize=65536)
def format_style(value: datetime.date, style: str, language: str) -> str:
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_skeleton

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    return str(format_skeleton(_DATE_SKELETONS[style], value, locale=locale))


@lru_cache(maxsize=1024)
def format_week(start: datetime.date, end: datetime.date, language: str) -> str:
    """A weekly edition's label: a date range in the site language."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_interval

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    return str(format_interval(start, end, "yMMMd", locale=locale))


def _strings(chain: tuple[Path, ...], language: str) -> dict[str, str]:
    languages = ["en"]
    base = language.split("-")[0].split("_")[0]
    for lang in (base, language):
        if lang not in languages:
            languages.append(lang)
    merged: dict[str, str] = {}
    # Least specific first, so the site language in the nearest folder wins.
    for lang in languages:
        for folder in reversed(chain):
            path = folder / "i18n" / f"{lang}.yaml"
            if path.is_file():
                merged.update(_read_strings(path))
    return merged


def _read_strings(path: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DigestError.at(path, f"cannot read UI strings: {exc}") from None
    if not isinstance(data, dict):
        raise DigestError.at(path, "UI strings must be a mapping of `key: text`")
    return {str(k): str(v) for k, v in data.items()}


def _assets(chain: tuple[Path, ...]) -> dict[str, tuple[Path, str]]:
    assets: dict[str, tuple[Path, str]] = {}
    for folder in chain:
        static = folder / "static"
        for path in _files(static):
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
