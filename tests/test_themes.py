"""The bundled themes on their own, without the build engine.

Templates parse and render against a context shaped like docs/theming.md, every UI string
exists in every language, nothing loads from another host, and the colour pairs of the
stylesheets meet WCAG AA in light and dark mode.
"""

from __future__ import annotations

import datetime
import itertools
import re
import string
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import jinja2
import pytest
import yaml
from markupsafe import Markup

from digest.model import PartialDate
from digest.views import RelatedView

THEMES = Path(__file__).resolve().parent.parent / "themes"
DEFAULT = THEMES / "default"
BROADSHEET = THEMES / "broadsheet"
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")
CONTRACT_TEMPLATES = (
    "base.html", "home.html", "edition.html", "archive.html", "publications.html",
    "publication.html", "article.html", "tags.html", "tag.html", "search.html", "404.html",
)
PAGE_TEMPLATES = CONTRACT_TEMPLATES[1:]
T_CALL = re.compile(r"""\bt\(\s*["']([^"']+)["']""")


def templates(theme: Path) -> list[Path]:
    folder = theme / "templates"
    return sorted([*folder.rglob("*.html"), *folder.rglob("*.txt")])  # .txt: e-mail


def all_templates() -> list[Path]:
    return templates(DEFAULT) + templates(BROADSHEET)


def template_id(path: Path) -> str:
    return path.relative_to(THEMES).as_posix()


def strings(lang: str) -> dict[str, str]:
    data = yaml.safe_load((DEFAULT / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return {str(k): str(v) for k, v in data.items()}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---- structure -------------------------------------------------------------------------

def test_default_theme_has_every_contract_template() -> None:
    missing = [n for n in CONTRACT_TEMPLATES if not (DEFAULT / "templates" / n).is_file()]
    assert not missing
    assert yaml.safe_load((DEFAULT / "theme.yaml").read_text())["name"] == "default"


def test_broadsheet_extends_default() -> None:
    meta = yaml.safe_load((BROADSHEET / "theme.yaml").read_text())
    assert meta == {**meta, "name": "broadsheet", "extends": "default"}
    # It overrides only some templates; the rest must come from the parent.
    own = {p.relative_to(BROADSHEET / "templates").as_posix() for p in templates(BROADSHEET)}
    parent = {p.relative_to(DEFAULT / "templates").as_posix() for p in templates(DEFAULT)}
    assert own and own <= parent


@pytest.mark.parametrize("path", all_templates(), ids=template_id)
def test_template_parses(path: Path) -> None:
    env = jinja2.Environment(autoescape=True)
    env.parse(path.read_text(encoding="utf-8"), name=path.name)


@pytest.mark.parametrize("path", all_templates(), ids=template_id)
def test_only_the_article_body_is_marked_safe(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for match in re.finditer(r"([\w.]+)\s*\|\s*safe\b", source):
        assert match[1] == "article.body_html", f"{path.name}: |safe on {match[1]}"
    assert "autoescape false" not in source


# ---- UI strings ------------------------------------------------------------------------

def test_every_string_a_template_uses_exists_in_every_language() -> None:
    used = {key for path in all_templates() for key in T_CALL.findall(path.read_text())}
    assert used
    for lang in LANGUAGES:
        missing = used - strings(lang).keys()
        assert not missing, f"{lang}.yaml lacks {sorted(missing)}"


def test_no_unused_strings() -> None:
    used = {key for path in all_templates() for key in T_CALL.findall(path.read_text())}
    assert set(strings("en")) - used == set()


def test_languages_have_the_same_keys_and_placeholders() -> None:
    files = sorted(p.stem for p in (DEFAULT / "i18n").glob("*.yaml"))
    assert files == sorted(LANGUAGES)
    english = strings("en")
    for lang in LANGUAGES:
        other = strings(lang)
        assert other.keys() == english.keys(), lang
        for key, text in english.items():
            assert placeholders(other[key]) == placeholders(text), f"{lang}: {key}"
            assert other[key].strip(), f"{lang}: {key} is empty"


# ---- no other hosts --------------------------------------------------------------------

THEME_FILES = [
    p for theme in (DEFAULT, BROADSHEET) for p in sorted(theme.rglob("*"))
    if p.suffix in {".html", ".css", ".js", ".svg"}
]
# An SVG namespace is a name, never fetched.
ALLOWED = re.compile(r"http://www\.w3\.org/\d{4}/svg")


@pytest.mark.parametrize("path", THEME_FILES, ids=lambda p: p.relative_to(THEMES).as_posix())
def test_no_external_urls(path: Path) -> None:
    text = ALLOWED.sub("", path.read_text(encoding="utf-8"))
    assert not re.search(r"https?://", text, re.IGNORECASE), "an absolute URL"
    protocol_relative = r"""(?:src|href)\s*=\s*["']?//|url\(\s*["']?//"""
    assert not re.search(protocol_relative, text), "a protocol-relative URL"
    assert "@import" not in text
    assert "@font-face" not in text, "system fonts only"


# ---- colour contrast -------------------------------------------------------------------

# (foreground, background, minimum): body text 4.5:1; focus rings and rules around
# controls are not text, 3:1 (WCAG 1.4.11).
PAIRS = [
    ("text", "bg", 4.5), ("text", "surface", 4.5),
    ("muted", "bg", 4.5), ("muted", "surface", 4.5),
    ("accent", "bg", 4.5), ("accent", "surface", 4.5),
    ("link", "bg", 4.5), ("link", "surface", 4.5),
    ("note-text", "note-bg", 4.5), ("badge-text", "badge-bg", 4.5),
    ("focus", "bg", 3.0), ("focus", "surface", 3.0),
]
DARK = re.compile(r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)")


def css_rules(css: str) -> list[tuple[tuple[str, ...], str]]:
    """(enclosing at-rule preludes + selector, declarations) for every plain rule."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    rules: list[tuple[tuple[str, ...], str]] = []
    stack: list[str] = []
    prelude_start = 0
    i = 0
    while i < len(css):
        char = css[i]
        if char == "{":
            prelude = css[prelude_start:i].strip()
            if prelude.startswith("@"):
                stack.append(prelude)
                prelude_start = i + 1
            else:
                end = css.index("}", i)
                rules.append(((*stack, prelude), css[i + 1 : end]))
                i = end
                prelude_start = end + 1
        elif char == "}":
            stack.pop()
            prelude_start = i + 1
        i += 1
    return rules


def palette(*sheets: Path) -> dict[str, dict[str, str]]:
    """The custom properties of `:root` in light and dark mode, in cascade order."""
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for sheet in sheets:
        for context, body in css_rules(sheet.read_text(encoding="utf-8")):
            *media, selector = context
            if selector != ":root":
                continue
            values = dict(re.findall(r"--([\w-]+)\s*:\s*([^;]+?)\s*(?:;|$)", body))
            if not media:
                light.update(values)
                dark.update(values)
            elif len(media) == 1 and DARK.match(media[0]):
                dark.update(values)
    return {"light": light, "dark": dark}


def luminance(colour: str) -> float:
    value = colour.strip().lower()
    assert re.fullmatch(r"#[0-9a-f]{6}", value), f"{colour!r}: write palette colours as #rrggbb"
    channels = [int(value[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("theme", ["default", "broadsheet"])
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_colour_contrast_meets_wcag_aa(theme: str, mode: str) -> None:
    sheets = [DEFAULT / "static" / "style.css"]
    if theme == "broadsheet":
        sheets.append(BROADSHEET / "static" / "broadsheet.css")
    colours = palette(*sheets)[mode]
    failures = []
    for fg, bg, minimum in PAIRS:
        ratio = contrast(colours[fg], colours[bg])
        if ratio < minimum:
            failures.append(f"--{fg} on --{bg}: {ratio:.2f} < {minimum}")
    assert not failures


def test_dark_mode_changes_the_palette() -> None:
    colours = palette(DEFAULT / "static" / "style.css")
    assert colours["dark"]["bg"] != colours["light"]["bg"]
    assert luminance(colours["dark"]["bg"]) < luminance(colours["light"]["bg"])


def test_print_stylesheet_hides_navigation_and_shows_link_targets() -> None:
    css = (DEFAULT / "static" / "print.css").read_text()
    assert re.search(r"\.site-header[^{]*\{[^}]*display:\s*none", css) or ".site-header," in css
    assert 'attr(href)' in css


# ---- rendering against a contract-shaped context ---------------------------------------

def fake_context(lang: str) -> dict[str, dict[str, Any]]:
    """One context per template, with the names and shapes docs/theming.md promises."""
    day = PartialDate(2025, 10, 6)
    pub = NS(name="The Harbour <Courier>", slug="the-harbour-courier",
             url="/publications/the-harbour-courier/")
    tag = NS(name="cities", slug="cities", url="/tags/cities/", count=2)

    def article(title: str, **extra: Any) -> NS:
        values: dict[str, Any] = dict(
            url="/2025/10/06/" + title.lower().replace(" ", "-") + "/", title=title,
            kicker="Transport",
            publication=pub, date=day, edition=None, lang="en", author="Maria <b>Lopes</b>",
            standfirst="A forty-year-old cooperative keeps the crossing alive.",
            excerpt="A forty-year-old cooperative keeps the crossing alive.", reading_time=6,
            truncated=True, source_url="https://example.org/story", tags=(tag,),
            related=(RelatedView("Bridge repairs", "Delayed again.", "Courier",
                                 PartialDate(2025, 10, 5), 3),
                     RelatedView("Letters", None, None, "Spring", None)),
            note="Worth it.", featured=False, status="draft", rights="full", draft=True,
            edition_label=None,
            extra={"mood": "<calm>"},
            body_html=Markup("<p>When the last ferry leaves…</p>"),
        )
        values.update(extra)
        return NS(**values)

    first = article("The last ferry", featured=True)
    second = article("Bridge closing", kicker=None, note=None, author=None, reading_time=None,
                     date=PartialDate(2025, 10), standfirst=None, truncated=False, source_url=None,
                     tags=(), related=(), status="published", rights="headline", draft=False,
                     body_html=Markup(""), edition="Autumn issue",
                     edition_label="Autumn issue")
    edition = NS(key="2025-w41", period="weekly", label="6–12 Oct 2025", url="/2025/w41/", count=2,
                 groups=(NS(publication=pub, articles=(first, second)),), publications=(pub,))
    daily = NS(key="2025-10-05", period="daily", label="5 October 2025", url="/2025/10/05/",
               count=1,
               groups=(NS(publication=pub, articles=(second,)),), publications=(pub,))
    summary = NS(name=pub.name, slug=pub.slug, url=pub.url, count=1, latest=day,
                 feed_url=pub.url + "feed.xml")
    pagination = NS(page=2, pages=3, prev_url=pub.url, next_url=pub.url + "page/3/",
                    first_url=pub.url, last_url=pub.url + "page/3/")
    return {
        "home.html": dict(edition=edition, issues=[second], earlier=[daily]),
        "edition.html": dict(edition=edition, previous=daily, next=None),
        "archive.html": dict(level="year", label="2025", editions=[edition, daily], issues=[second],
                             children=[NS(label="October 2025", url="/2025/10/", count=3)]),
        "publications.html": dict(publications=[summary]),
        "publication.html": dict(publication=summary, articles=[first, second],
                                 pagination=pagination),
        "article.html": dict(article=first, previous=second, next=None, more=[second]),
        "tags.html": dict(tags=[tag]),
        "tag.html": dict(tag=tag, articles=[first], pagination=pagination),
        "search.html": {},
        "404.html": {},
    }


def render(theme: str, name: str, lang: str, **extra: Any) -> str:
    chain = [THEMES / theme] + ([DEFAULT] if theme != "default" else [])
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p / "templates") for p in chain]),
        autoescape=True, undefined=jinja2.StrictUndefined,
    )
    texts = strings(lang)
    statics = {f.relative_to(p / "static").as_posix() for p in chain
               for f in (p / "static").rglob("*") if f.is_file()}

    def t(key: str, **values: Any) -> str:
        return texts[key].format_map(values) if values else texts[key]

    def asset(file: str) -> str:
        assert file in statics, f"asset({file!r}) is in no static/ folder"
        return "static/" + file

    def format_date(value: PartialDate | datetime.date | None, style: str = "long") -> str:
        assert style in {"long", "short", "month", "year"}
        return "" if value is None else str(value)

    context = fake_context(lang)[name]
    site = NS(title="The <Morning> Stack", description="Stories worth keeping.", language=lang,
              base_url="/", author="The curator", search=extra.pop("search", True),
              feeds=NS(atom="/feed.xml", json=None, editions="/editions.xml"))
    page = NS(url="/x/", kind=name.removesuffix(".html"), title="A page", lang=lang,
              canonical="https://digest.example.org/x/", locale="en_US")
    return env.get_template(name).render(
        site=site, page=page, indexes=NS(tags=extra.pop("tags_index", True)), t=t,
        url=lambda path: "rel:" + path, asset=asset, format_date=format_date,
        serving=extra.pop("serving", True), digest_version="0.1.0",
        **context, **extra,
    )


@pytest.mark.parametrize("theme", ["default", "broadsheet"])
@pytest.mark.parametrize("name", PAGE_TEMPLATES)
def test_template_renders_with_the_contract_context(theme: str, name: str) -> None:
    html = render(theme, name, "en")
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html
    assert '<main id="main"' in html and 'href="#main"' in html
    assert '<meta name="generator" content="digest 0.1.0">' in html
    assert '<link rel="canonical" href="https://digest.example.org/x/">' in html
    assert "static/style.css" in html
    assert "<Morning>" not in html and "&lt;Morning&gt;" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    if theme == "broadsheet":
        assert "static/broadsheet.css" in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_renders(lang: str) -> None:
    for name in PAGE_TEMPLATES:
        assert t_missing_free(render("default", name, lang))


def t_missing_free(html: str) -> bool:
    return "{" not in re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.DOTALL)


def test_article_page_shows_what_the_brief_asks_for() -> None:
    html = render("default", "article.html", "en")
    assert 'class="badge badge--draft"' in html  # serving and draft
    assert 'href="https://example.org/story"' in html  # truncated notice links the source
    assert "<p>When the last ferry leaves…</p>" in html  # the body is not escaped
    assert "Maria &lt;b&gt;Lopes&lt;/b&gt;" in html  # everything else is
    assert '<time datetime="2025-10-06">' in html
    assert "More from this issue" in html and "Bridge repairs" in html
    assert 'rel="tag"' in html and 'rel="next"' not in html and 'rel="prev"' in html
    assert "pagefind" not in html  # search reads the index the build writes, not the page
    assert "Curator’s note" in html


def test_no_draft_badge_in_a_build() -> None:
    assert 'class="badge' not in render("default", "article.html", "en", serving=False)


def test_headings_do_not_skip_levels() -> None:
    for name in PAGE_TEMPLATES:
        html = render("default", name, "en")
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{name}: h{before} then h{after}"


def test_search_page_loads_search_js_and_says_when_javascript_is_off() -> None:
    html = render("default", "search.html", "en")
    assert "pagefind" not in html.lower()
    assert '<script src="static/search.js" defer></script>' in html
    # Where the index and the site root are: relative, so the site works from any subpath.
    assert 'data-index="rel:/search/data/"' in html and 'data-root="rel:/"' in html
    assert 'data-placeholder="Search the stories"' in html
    assert 'data-results-one="[COUNT] story found"' in html
    assert 'data-results-other="[COUNT] stories found"' in html
    assert 'data-zero-results="No stories match [SEARCH_TERM]"' in html
    for name in ("label", "publication", "all-publications", "loading", "failed",
                 "needs-server", "clear", "load-more"):
        assert re.search(rf'data-{name}="[^"]+"', html), name
    assert "<noscript>" in html and 'id="search"' in html
    off = render("default", "search.html", "en", search=False)
    assert "search.js" not in off and "data-index" not in off and "Search is turned off" in off
    assert 'href="rel:/search/"' not in off  # nor in the navigation


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_strings_keep_the_markers_search_js_fills(lang: str) -> None:
    html = render("default", "search.html", lang)
    for name in ("results-one", "results-other"):
        found = re.search(rf'data-{name}="([^"]*)"', html)
        assert found and "[COUNT]" in found[1], f"{lang}: data-{name}"
    found = re.search(r'data-zero-results="([^"]*)"', html)
    assert found and "[SEARCH_TERM]" in found[1], f"{lang}: data-zero-results"


def test_weekly_edition_key_is_a_valid_datetime() -> None:
    html = render("default", "edition.html", "en")
    assert '<time datetime="2025-W41">' in html
