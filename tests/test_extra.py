"""`extra:`: a theme's own front-matter fields, shown escaped and rebuilt when edited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_build_support import build_site, copy_site, tree

from digest.errors import DigestError
from digest.frontmatter import parse_document
from digest.frontmatter_dump import dump_document

CHIPS = "content/articles/economist/2025-10-02-chips.md"
CHIPS_PAGE = "_site/the-economist/2025-10-02-chips/index.html"


def with_extra(site: Path, extra: str) -> None:
    path = site / CHIPS
    lines = [x for x in path.read_text(encoding="utf-8").split("\n")
             if not x.startswith("extra:")]
    lines.insert(1, f"extra: {extra}")  # after the opening `---`
    path.write_text("\n".join(lines), encoding="utf-8")


def theme_shows_extra(site: Path) -> None:
    template = site / "themes/plain/templates/article.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "<h1>{{ article.title }}</h1>",
        "<h1>{{ article.title }}</h1>{% if article.extra.mood is defined %}"
        "<p class=\"mood\">{{ article.extra.mood }}</p>{% endif %}"), encoding="utf-8")


def test_extra_takes_any_keys_and_values() -> None:
    text = ("---\ntitle: x\nextra:\n  cover: images/cover.jpg\n  rating: 4\n"
            "  credits: [Jo, Al]\n  place: {city: Oslo}\n  seen: 2025-10-01\n---\n\nBody\n")
    meta = parse_document(text, "a.md").meta
    assert meta.extra == {"cover": "images/cover.jpg", "rating": 4, "credits": ["Jo", "Al"],
                          "place": {"city": "Oslo"}, "seen": "2025-10-01"}
    # The careful parser (taken for `&`) reads the same, and dumping keeps the fields.
    careful = parse_document(text.replace("images/", "images & "), "a.md").meta
    assert careful.extra is not None and careful.extra["cover"] == "images & cover.jpg"
    again = parse_document(dump_document(parse_document(text, "a.md")), "a.md")
    assert again.meta == meta


def test_a_top_level_typo_is_still_an_error_with_a_suggestion() -> None:
    with pytest.raises(DigestError) as caught:
        parse_document("---\ntitle: x\nextar: {a: 1}\n---\n", "a.md")
    assert str(caught.value) == "a.md:3: unknown front-matter key 'extar'\n  did you mean 'extra'?"
    with pytest.raises(DigestError) as caught:
        parse_document("---\ntitle: x\ncover: a.jpg\n---\n", "a.md")
    assert "extra: {cover: ...}" in (caught.value.problems[0].hint or "")


@pytest.mark.parametrize("value", ["[a, b]", "text", "{1: one}"])
def test_extra_must_be_a_mapping_of_names(value: str) -> None:
    with pytest.raises(DigestError) as caught:
        parse_document(f"---\ntitle: x\n\nextra: {value}\n---\n", "a.md")
    assert str(caught.value).startswith("a.md:4: `extra` must be a mapping")


def test_a_template_shows_extra_escaped(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    theme_shows_extra(site)
    with_extra(site, "{mood: '<script>alert(1)</script> & calm'}")
    assert build_site(site).problems == ()
    html = (site / CHIPS_PAGE).read_text(encoding="utf-8")
    assert '<p class="mood">&lt;script&gt;alert(1)&lt;/script&gt; &amp; calm</p>' in html


def test_editing_extra_rebuilds_like_a_clean_build(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    theme_shows_extra(site)
    with_extra(site, "{mood: calm}")
    build_site(site)
    with_extra(site, "{mood: stormy}")
    report = build_site(site, changed=frozenset({site / CHIPS}))
    assert report.problems == () and "replan" in report.timings  # the incremental path
    assert "/the-economist/2025-10-02-chips/" in report.changed_urls
    assert '<p class="mood">stormy</p>' in (site / CHIPS_PAGE).read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
    build_site(clean)
    assert tree(site / "_site") == tree(clean / "_site")
