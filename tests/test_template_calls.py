"""Calls from templates (digest.template_calls): what templates may read, calls that see the
variables of their loop or block, links relative to the page, and macro results kept for a
build that equal what rendering afresh gives."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from test_build_support import build_site, copy_site, tree

from digest import render, template_calls
from digest.reads import recording
from digest.template_calls import (
    TemplateEnvironment,
    asset_linker,
    link,
    memoise_macros,
    stop_memoising,
)


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a new process; and kept results do not outlive the test.
    monkeypatch.setattr(template_calls, "_MEMO", template_calls._MacroMemo())


class Thing:
    title = "<b>T</b>"
    _secret = "hidden"

    def method(self, a: int, k: int = 0) -> str:
        return f"{a}+{k}"


def page(url: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(kind="article", url=url)


def environment(files: dict[str, str] | None = None,
                tmp_path: Path | None = None) -> TemplateEnvironment:
    loader = None
    if files is not None:
        assert tmp_path is not None
        for name, text in files.items():
            (tmp_path / name).write_text(text)
        loader = jinja2.FileSystemLoader(str(tmp_path))
    env = TemplateEnvironment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals["url"] = link
    return env


def render_pages(template: jinja2.Template, urls: list[str],
                 stable: dict[int, object] | None = None, **values: Any) -> Iterator[str]:
    """Render `template` for a page at each of `urls` in turn, keeping macro results from
    one page to the next as a build does (`stable`: the views made once for the build)."""
    stable = {} if stable is None else stable
    for url in urls:
        memoise_macros(template.environment, stable, url)
        try:
            yield template.render(page=page(url), **values)
        finally:
            stop_memoising()


def test_templates_read_public_names_escaped_and_never_private_ones() -> None:
    env = environment()
    values: dict[str, Any] = {"t": Thing(), "d": {"title": "<i>", "_secret": 1},
                              "l": ["<u>"], "page": page("/")}
    text = env.from_string(
        "{{ t|attr('title') }} {{ d['title'] }} {{ l[0] }} "
        "{{ [t]|map(attribute='title')|first }}").render(values)
    assert text == "&lt;b&gt;T&lt;/b&gt; &lt;i&gt; &lt;u&gt; &lt;b&gt;T&lt;/b&gt;"
    for source, owner in (("{{ t|attr('_secret') }}", "Thing object"),
                          ("{{ d['_secret'] }}", "dict object"),
                          ("{{ [t]|map(attribute='_secret')|first }}", "Thing object")):
        with pytest.raises(jinja2.UndefinedError, match=f"{owner}' has no attribute '_secret'"):
            env.from_string(source).render(values)
    with pytest.raises(jinja2.TemplateSyntaxError, match="private to digest"):
        env.from_string("{{ t._secret }}")


def test_calls_get_their_arguments_and_see_their_loop_and_block() -> None:
    env = environment()

    @jinja2.pass_context
    def who(context: Any) -> str:
        return str(context["name"])

    def stop() -> str:
        raise StopIteration

    @jinja2.pass_environment
    def where(environment: Any) -> str:
        return type(environment).__name__

    env.globals.update(who=who, stop=stop, where=where)
    template = env.from_string(
        "{% macro m(x) %}{{ x }}{% endmacro %}{% set name = 'page' %}"
        "{{ m(x='<') }} {{ url(path='/x/') }} {{ who() }}|"
        "{% for i in [1] %}{% set other_name = 1 %}{{ url('/x/') }}{% endfor %}|"
        "{% for i in [1] %}{% set page = other %}{{ url('/x/') }}{% endfor %}|"
        "{% for i in [1] %}{% set name = 'loop' %}{{ who() }}{% endfor %}|"
        "{% block b %}{% set page = other %}{{ url('/x/') }}{% endblock %}|"
        "{{ range(2)|list }} {{ t.method(1, k=2) }} {{ dict(a='<')['a'] }} {{ where() }}")
    values: dict[str, Any] = {"other": page("/"), "t": Thing()}
    expected = ("&lt; ../../x/index.html page|../../x/index.html|x/index.html|loop|x/index.html|"
                "[0, 1] 1+2 &lt; TemplateEnvironment")
    assert template.render(page=page("/a/b/"), **values) == expected
    # The same with macro results being kept, as when a build renders its pages.
    assert list(render_pages(template, ["/a/b/"], **values)) == [expected]
    with pytest.raises(jinja2.UndefinedError) as raised:
        env.from_string("{{ stop() }}").render()
    assert str(raised.value) == (
        "value was undefined because a callable raised a StopIteration exception")


def test_asset_names_its_file_and_is_recorded_as_read(tmp_path: Path) -> None:
    env = environment()
    env.globals["asset"] = asset_linker({"style.css": (tmp_path / "style.css",
                                                       "/static/style.abc.css")})
    with recording() as reads:
        text = env.from_string("{{ asset('style.css') }}").render(page=page("/a/"))
    assert text == "../static/style.abc.css" and reads == {("asset", "style.css")}
    with pytest.raises(jinja2.TemplateRuntimeError, match="no such file in static/"):
        env.from_string("{{ asset('gone.css') }}").render(page=page("/a/"))


MACROS = """\
{% import 'impure.html' as imp with context %}
{% macro link_to(path, text='') %}<a href="{{ url(path) }}">{{ text }}</a>{% endmacro %}
{% macro pair(x='', y='') %}{{ x }}|{{ y }}{% endmacro %}
{% macro show(item) %}{{ item['title'] }}{% endmacro %}
{% macro encoded(text='') %}{{ text }}{{ url('/x/')|urlencode }}{% endmacro %}
{% macro outer() %}{{ imp.where(sep='@') }}{{ pair('i') }}{% endmacro %}
{% macro twice() %}{% set u = url('/y/') %}{{ u }} {{ u }} {{ encoded() }}{% endmacro %}
{% macro mixed() %}{{ url('/y/')|urlencode }} {{ link_to('/x/', text='<X>') }}{% endmacro %}
"""
IMPURE = "{% macro where(sep='') %}{{ sep }}{{ page.url }}{% endmacro %}"
PAGE = """\
{% import 'macros.html' as m with context %}
{{ m.link_to('/x/', text='<X>') }} {{ m.link_to('/x/', text='<X>') }}
{{ m.pair(x='1') }} {{ m.pair(y='1') }} {{ m.show(item) }}
{{ m.encoded(text='e') }} {{ m.outer() }}
{{ m.twice() }} {{ m.mixed() }}"""


def test_kept_macro_results_equal_rendering_afresh(tmp_path: Path) -> None:
    env = environment({"macros.html": MACROS, "impure.html": IMPURE, "page.html": PAGE},
                      tmp_path)
    template = env.get_template("page.html")
    item = {"title": "first"}

    def expected(url: str) -> str:
        up = "../" * (url.count("/") - 1)
        return (f'\n<a href="{up}x/index.html">&lt;X&gt;</a> <a href="{up}x/index.html">&lt;X&gt;'
                f"</a>\n1| |1 {item['title']}\n"
                f"e{up}x/index.html @{url}i|\n{up}y/index.html {up}y/index.html {up}x/index.html "
                f'{up}y/index.html <a href="{up}x/index.html">&lt;X&gt;</a>')

    pages = render_pages(template, ["/a/b/", "/c/", "/"], item=item)
    assert next(pages) == expected("/a/b/")
    item["title"] = "second"  # the same object, another value: not a value to key on
    assert list(pages) == [expected("/c/"), expected("/")]
    # A page rendered without kept results afterwards (a 404 page, a small rebuild).
    assert template.render(page=page("/d/e/"), item=item) == expected("/d/e/")
    # A template from a string has no file to tell whether it is pure: never kept.
    text = env.from_string("{% macro m() %}{{ page.url }}{% endmacro %}{{ m() }}")
    assert list(render_pages(text, ["/a/", "/b/"])) == ["/a/", "/b/"]
    # Nor when another one, with no free name, was rendered first in the same build.
    plain = env.from_string("{% macro m() %}plain{% endmacro %}{{ m() }}")
    stable: dict[int, object] = {}
    assert list(render_pages(plain, ["/a/"], stable)) == ["plain"]
    assert list(render_pages(text, ["/a/", "/b/"], stable)) == ["/a/", "/b/"]


CARDS = """\
{% macro card(x) %}{{ tick(x) }}<a href="{{ url('/x/') }}">{{ x }}</a>{% endmacro %}
{% macro named(item) %}{{ tick(item.title) }}{{ item.title }}{% endmacro %}
{% macro plain(x) %}{{ tick(x) }}{{ x }}{% endmacro %}
"""


def _counting(tmp_path: Path, page_source: str) -> tuple[jinja2.Template, list[str]]:
    """A page template importing CARDS, whose macros note each time they are rendered (CARDS
    names environment globals only, so its macros' results are kept)."""
    env = environment({"cards.html": CARDS, "page.html": page_source}, tmp_path)
    rendered: list[str] = []

    def tick(x: str) -> str:
        rendered.append(x)
        return ""

    env.globals["tick"] = tick
    return env.get_template("page.html"), rendered


def test_a_kept_macro_is_rendered_once_for_the_pages_of_a_build(tmp_path: Path) -> None:
    template, rendered = _counting(tmp_path, (
        "{% import 'cards.html' as c with context %}{{ c.card('a') }} {{ c.named(item) }}|"
        "{% for i in [1, 2] %}{% set v = i %}{{ c.card('a') }}{% endfor %}|"
        "{% block b %}{% set v = 1 %}{{ c.named(item) }}{% endblock %}"))
    item = Thing()
    stable: dict[int, object] = {id(item): item}
    pages = list(render_pages(template, ["/a/", "/b/c/"], stable, item=item))
    card = '<a href="{}x/index.html">a</a>'
    assert pages == [f"{card.format(up)} &lt;b&gt;T&lt;/b&gt;|{card.format(up) * 2}|"
                     "&lt;b&gt;T&lt;/b&gt;" for up in ("../", "../../")]
    assert rendered == ["a", "<b>T</b>"]
    # The next build makes its views again: nothing kept from the last one is shown.
    item.title = "new"
    assert list(render_pages(template, ["/a/"], {id(item): item}, item=item)) == [
        f"{card.format('../')} new|{card.format('../') * 2}|new"]
    assert rendered == ["a", "<b>T</b>", "a", "new"]


def test_templates_from_the_bytecode_cache_know_their_free_names(tmp_path: Path) -> None:
    # A new process loads compiled templates from the cache: their macros are still kept,
    # and a template compiled by another version of the compiler is compiled again.
    cache = tmp_path / "bytecode"
    cache.mkdir()
    for _process in range(2):
        template, rendered = _counting(tmp_path, (
            "{% import 'cards.html' as c with context %}{{ c.plain('x') }}"))
        env = template.environment
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(
            str(cache), f"t-{template_calls.compiler_key()}-%s.cache")
        env.cache = None  # a new process: no template in memory
        template = env.get_template("page.html")
        assert list(render_pages(template, ["/a/", "/b/"])) == ["x", "x"]
        assert rendered == ["x"]
    assert len(list(cache.iterdir())) == 2  # page.html and cards.html, compiled once


def test_kept_results_stop_at_their_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template_calls, "_KEEP_CHARS", 10)
    template, rendered = _counting(tmp_path, (
        "{% import 'cards.html' as c with context %}"
        "{{ c.plain('12345') }}{{ c.plain('abcde') }}{{ c.plain('ABCDE') }}"))
    assert list(render_pages(template, ["/a/", "/b/"])) == ["12345abcdeABCDE"] * 2
    # 10 characters kept after the first two: the third is rendered on each page.
    assert rendered == ["12345", "abcde", "ABCDE", "ABCDE"]


def _default_site(tmp_path: Path, name: str) -> Path:
    site = copy_site("basic", tmp_path / name)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("theme: plain", "theme: default"))
    return site


def test_kept_macro_results_give_the_pages_rendering_afresh_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _default_site(tmp_path, "kept")
    assert build_site(kept).problems == ()
    fresh = _default_site(tmp_path, "fresh")
    with monkeypatch.context() as patch:
        patch.setattr(render, "memoise_macros", lambda *args: None)
        assert build_site(fresh).problems == ()
    assert tree(kept / "_site") == tree(fresh / "_site")
