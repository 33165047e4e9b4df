"""Calls from templates: a faster path through Jinja's context, links relative to the
page, and macro results kept for a whole build.

A macro call whose template is *pure* (every free name is an environment global that is
fixed for the build) and whose arguments are plain values or views the build made once is
rendered once per build: an article's card is rendered once and reused on its edition,
publication, tag and archive pages. Links are the only page-dependent part: while a kept
macro runs, `url()`/`asset()` write a placeholder for the page's climb to the root, and
each page substitutes its own.
"""

from __future__ import annotations

import datetime
import types
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.meta
import jinja2.nodes
import jinja2.runtime
from markupsafe import Markup

from digest.model import PartialDate
from digest.reads import record, record_all, start_recording, stop_recording
from digest.urls import output_file, relative


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
        func = macro._func
        key = self._key(func.__code__, args, kwargs, func.__globals__)
        if key is None:
            if self.marking:
                self.tainted = True
            return macro(*args, **kwargs)
        hit = table.get(key)
        if hit is not None:
            result, links, reads = hit
            record_all(reads)  # a kept result read what it read when it was made
            if not links:
                return result
            if self.marking:
                self.links += links
                return result
            return Markup(str.replace(result, _ROOT, self.prefix))
        outer = (self.links, self.tainted)
        self.links, self.tainted = 0, False
        self.marking += 1
        reads, page = start_recording()
        try:
            result = macro(*args, **kwargs)
        finally:
            stop_recording(reads, page)
            self.marking -= 1
            links, tainted = self.links, self.tainted
            self.links, self.tainted = outer[0] + links, outer[1] or tainted
        exact = not links or (type(result) is Markup and result.count(_ROOT) == links)
        if exact and not tainted and self.size < _KEEP_CHARS:
            table[key] = (result, links, tuple(reads))  # a tuple: a third of a set's size
            self.size += len(result)
        if not links or self.marking:
            if exact:
                return result
            # The caller cannot be kept either, and may hold exactly as many _ROOTs as it
            # counted links (one of its own written twice): this part gets plain links.
            self.tainted = True
        elif exact:
            return Markup(str.replace(result, _ROOT, self.prefix))
        # A link was transformed: render it again with the page's own links.
        marking, self.marking = self.marking, 0
        try:
            return macro(*args, **kwargs)
        finally:
            self.marking = marking

    def _key(self, code: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
             names: dict[str, Any]) -> Any:
        pure = self.pure.get(code.co_filename)
        if pure is None:
            # A template made from a string ("<template>") is not told apart from another.
            pure = self.pure[code.co_filename] = (
                not code.co_filename.startswith("<") and self._is_pure(names.get(_FREE_NAMES)))
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

    def _is_pure(self, free: tuple[str, ...] | None) -> bool:
        """Whether a template with these free names (None: not known) is pure."""
        assert self.env is not None
        if free is None:
            return False
        fixed = set(self.env.globals) - {"_base_path"}  # what a 404 page's url() reads
        return fixed.issuperset(free)


_MEMO = _MacroMemo()
# The name under which a compiled template's module holds its free names (_CodeGenerator).
_FREE_NAMES = "_digest_free_names"
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


def compiler_key() -> str:
    """A digest of this module, which compiles templates: a bytecode cache keyed on it
    never hands a template compiled by another version of `_CodeGenerator`."""
    from digest.hashing import sha1_hex

    return sha1_hex(Path(__file__).read_bytes())[:12]


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's compiler, refusing `x._name` (and so `x.__class__`...): checked once, when
    a template is compiled, rather than at each of the millions of attribute reads. The
    compiled module also names the template's free names (`_FREE_NAMES`), for
    `_MacroMemo`: kept with the compiled code, they need no parse of its source later."""

    def visit_Template(self, node: jinja2.nodes.Template,
                       frame: jinja2.compiler.Frame | None = None) -> None:
        free = sorted(jinja2.meta.find_undeclared_variables(node))  # before any folding
        super().visit_Template(node, frame)
        self.writeline(f"{_FREE_NAMES} = {tuple(free)!r}")

    def visit_Getattr(self, node: jinja2.nodes.Getattr, frame: jinja2.compiler.Frame) -> None:
        if node.attr[:1] == "_":
            self.fail(f"{node.attr!r}: names starting with `_` are private to digest",
                      node.lineno)
        super().visit_Getattr(node, frame)


class TemplateEnvironment(jinja2.Environment):
    """The theme's environment: every template it loads for a page is recorded as read by
    that page (includes, imports and macros too, even when compiled templates are kept),
    and names starting with `_` are out of templates' reach (`x._name` does not compile;
    `x["_name"]`, `attr` and the filters that take an attribute give undefined), so that
    data reaches templates only through the recording views (digest.reads)."""

    context_class = _Context
    code_generator_class = _CodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters["attr"] = self._attr
        self._items: dict[str, tuple[str, str]] = {}

    def _load_template(
        self, name: str, globals: Any
    ) -> jinja2.Template:
        item = self._items.get(name)
        if item is None:
            item = self._items[name] = ("template", name)
        record(item)
        return super()._load_template(name, globals)

    def _attr(self, obj: Any, name: str) -> Any:
        if name[:1] == "_":
            return self.undefined(obj=obj, name=name)
        return self.getattr(obj, name)

    def getitem(self, obj: Any, argument: Any) -> Any:
        # Also what `map(attribute=...)`, `sort(attribute=...)` and friends read through.
        if type(argument) is str and argument[:1] == "_":
            return self.undefined(obj=obj, name=argument)
        return super().getitem(obj, argument)


@jinja2.pass_context
def link(context: Any, path: str) -> str:
    page = context["page"]
    if page.kind == "404":
        # Servers show 404.html at any depth, so its links start from the site's base path.
        if not path.startswith("/"):
            return path
        record(("config", "base_url"))  # the base path is made from it
        base: str = context["_base_path"]
        return base + output_file(path.partition("#")[0]) + "".join(path.partition("#")[1:])
    if not path or path[0] != "/":
        return path
    if _MEMO.marking:
        _MEMO.links += 1
        return _ROOT + _target(path)
    return _up(page.url) + _target(path)


link._reads = ("page", "_base_path")  # type: ignore[attr-defined]


@lru_cache(maxsize=65536)
def _up(page_url: str) -> str:
    return relative(page_url, "/")[: -len("index.html")]


@lru_cache(maxsize=65536)
def _target(path: str) -> str:
    """`relative()` minus the climb to the root, for a site path (`/x/` or `/x/#y`)."""
    return relative("/", path)


def asset_linker(assets: dict[str, tuple[Path, str]]) -> Any:
    items = {name: ("asset", name) for name in assets}

    @jinja2.pass_context
    def asset(context: Any, name: str) -> str:
        record(items.get(name) or ("asset", name))
        if name not in assets:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): no such file in static/")
        return str(link(context, assets[name][1]))

    asset._reads = link._reads  # type: ignore[attr-defined]
    return asset

