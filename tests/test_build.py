"""Building the fixture site: golden output, page kinds as a reader sees them, safety."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from golden import rewritten, updating_golden
from test_build_support import build_site, copy_site, tree

from digest.build import NOT_FOUND_PAGE, build, output_folder
from digest.config import load_config
from digest.errors import DigestError
from digest.write import made_by_digest, read_manifest, state_file

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden" / "build" / "basic"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site("basic", tmp_path)


def page(root: Path, rel: str) -> str:
    return (root / "_site" / rel).read_text(encoding="utf-8")


def titles(html: str) -> list[str]:
    return re.findall(r'<li class="item[^"]*"><a href="[^"]*">([^<]*)</a>', html)


def test_golden_output(site: Path) -> None:
    report = build_site(site)
    assert report.problems == ()
    built = tree(site / "_site")
    if updating_golden() and (not GOLDEN.is_dir() or built != tree(GOLDEN)):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(site / "_site", GOLDEN)
        rewritten("tests/fixtures/golden/build/basic/")
    assert built == tree(GOLDEN), "output changed: rerun with UPDATE_GOLDEN=1 if intended"


def test_every_link_resolves_through_check(site: Path) -> None:
    from digest.check import check

    build_site(site)
    assert [str(p) for p in check(load_config(site))] == []


def test_edition_groups_by_publication_with_featured_first(site: Path) -> None:
    build_site(site)
    html = page(site, "2025/10/01/index.html")
    groups = re.findall(r"<h3><a [^>]*>([^<]*)</a></h3>", html)
    assert groups == ["The Guardian", "The Economist"]  # the featured story's group leads
    assert titles(html) == [
        "Energy prices fall &lt;again&gt;", "Belarus closes border crossings",
        "Central banks hold their nerve",
    ]


def test_the_curators_order_ranks_articles_within_their_publication(site: Path) -> None:
    guardian = site / "content/articles/guardian"
    energy = guardian / "2025-10-01-energy-prices.md"
    belarus = guardian / "2025-10-01-belarus-border.md"
    original = energy.read_text()
    # Against the catalog's own order (by file: belarus before energy).
    energy.write_text(original.replace("featured: true\n", "order: 1\n"))
    belarus.write_text(belarus.read_text().replace("title:", "order: 2\ntitle:", 1))
    build_site(site)
    assert titles(page(site, "2025/10/01/index.html")) == [
        "Central banks hold their nerve",  # The Economist's group, first by name
        "Energy prices fall &lt;again&gt;", "Belarus closes border crossings"]
    # ordered articles come before the others
    energy.write_text(original.replace("featured: true\n", ""))
    build_site(site)
    assert titles(page(site, "2025/10/01/index.html"))[1:] == [
        "Belarus closes border crossings", "Energy prices fall &lt;again&gt;"]
    belarus.write_text(belarus.read_text().replace("order: 2\n", ""))
    energy.write_text(original.replace("featured: true\n", "order: 5\n"))
    build_site(site)
    assert titles(page(site, "2025/10/01/index.html"))[1:] == [
        "Energy prices fall &lt;again&gt;", "Belarus closes border crossings"]
    # featured leads whatever the order says
    belarus.write_text(belarus.read_text().replace("title:", "featured: true\ntitle:", 1))
    build_site(site)
    assert titles(page(site, "2025/10/01/index.html"))[:2] == [
        "Belarus closes border crossings", "Energy prices fall &lt;again&gt;"]


def test_month_only_issue_is_on_its_month_page_not_a_day(site: Path) -> None:
    build_site(site)
    assert "The October issue" in page(site, "2025/10/index.html")
    for day in ("2025/10/01", "2025/10/02"):
        assert "The October issue" not in page(site, f"{day}/index.html")
    assert not (site / "_site" / "2025/10/00").exists()
    assert "The October issue" in page(site, "index.html")  # the latest month's issues


def test_drafts_left_out_unless_asked(site: Path) -> None:
    build_site(site)
    assert "Unfinished draft" not in page(site, "2025/10/02/index.html")
    assert not (site / "_site/the-guardian/2025-10-02-draft-story").exists()
    build_site(site, drafts=True, serving=True)
    assert "Unfinished draft" in page(site, "2025/10/02/index.html")
    assert '<span class="draft">' in page(site, "2025/10/02/index.html")
    build_site(site)
    assert not (site / "_site/the-guardian/2025-10-02-draft-story").exists()  # pruned


def test_pagination(site: Path) -> None:
    build_site(site)
    first = page(site, "publications/the-guardian/index.html")
    second = page(site, "publications/the-guardian/page/2/index.html")
    assert titles(first) == ["Rail strike called off", "Belarus closes border crossings"]
    assert titles(second) == ["Energy prices fall &lt;again&gt;"]
    assert 'rel="next" href="../../publications/the-guardian/page/2/index.html"' in first
    assert 'rel="prev" href="../../../../publications/the-guardian/index.html"' in second
    assert "Page 2 of 2" in second


def test_tags_pages(site: Path) -> None:
    build_site(site)
    tags = page(site, "tags/index.html")
    assert 'href="../tags/economy/index.html">economy</a> (3)' in tags
    assert titles(page(site, "tags/politics/index.html")) == [
        "Rail strike called off", "Belarus closes border crossings",
    ]


def test_article_prev_next_more_and_source(site: Path) -> None:
    build_site(site)
    html = page(site, "the-economist/2025-10-01-central-banks/index.html")
    assert 'rel="prev" href="../../the-guardian/2025-10-01-belarus-border/index.html"' in html
    assert 'rel="next"' not in html  # last in its edition
    assert "This is an excerpt." in html
    assert 'href="https://www.economist.com/finance/central-banks"' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Why inflation is sticky" in html


def test_links_are_relative_and_name_index_html(site: Path) -> None:
    build_site(site)
    html = page(site, "2025/10/01/index.html")
    assert 'href="../../../publications/index.html"' in html
    assert re.search(r'href="/[^/]', html) is None
    assert 'href="../../../static/style.' in html
    body = page(site, "the-guardian/2025-10-01-belarus-border/index.html")
    assert 'href="../../archive/index.html">our archive' in body  # site link in Markdown
    assert 'href="https://example.com/map" rel="noopener"' in body


def test_special_files(site: Path) -> None:
    build_site(site)
    out = site / "_site"
    assert (out / NOT_FOUND_PAGE).is_file()
    assert output_folder(load_config(site)) == out
    assert "Sitemap: https://digest.example.org/sitemap.xml" in (out / "robots.txt").read_text()
    assert "<loc>https://digest.example.org/2025/10/01/</loc>" in (out / "sitemap.xml").read_text()


def test_the_output_folder_holds_the_site_alone(site: Path) -> None:
    """digest's own records are kept beside the folder, so deploying it deploys the site."""
    build_site(site)
    out = site / "_site"
    assert [p.name for p in out.rglob(".*")] == []
    assert made_by_digest(out) and state_file(out).parent == site
    assert "index.html" in read_manifest(out)


def test_a_deleted_output_folder_is_built_whole_again(site: Path) -> None:
    build_site(site)
    before = tree(site / "_site")
    shutil.rmtree(site / "_site")  # the records beside it and the cache stay
    build_site(site)
    assert tree(site / "_site") == before


def test_an_output_folder_an_earlier_version_made_is_taken_over(site: Path) -> None:
    out = site / "_site"
    (out / "gone").mkdir(parents=True)
    (out / "gone" / "index.html").write_text("a page of an older build", encoding="utf-8")
    (out / ".digest-output").write_text("written by digest\n", encoding="utf-8")
    (out / ".digest-manifest.json").write_text('["gone/index.html"]\n', encoding="utf-8")
    report = build_site(site)
    assert report.problems == ()
    assert not (out / ".digest-output").exists() and not (out / ".digest-manifest.json").exists()
    assert not (out / "gone").exists()  # listed by the old manifest, so pruned
    assert made_by_digest(out) and "gone/index.html" not in read_manifest(out)
    assert [p.name for p in out.rglob(".*")] == []


def test_two_builds_are_identical_and_the_second_writes_nothing(site: Path, tmp_path: Path) -> None:
    first = build_site(site)
    before = tree(site / "_site")
    second = build_site(site)
    assert second.pages_written == 0 and second.changed_urls == frozenset()
    assert tree(site / "_site") == before
    shutil.rmtree(site / "_site")
    shutil.rmtree(site / ".digest-cache")
    third = build_site(site, jobs=2)
    assert tree(site / "_site") == before
    assert first.pages_total == third.pages_total
    # The nothing-to-do build still says what the site keeps back (the fixture's draft).
    assert re.fullmatch(r"built \d+ pages \(0 written, \d+ unchanged\) in \d+\.\d\d s; "
                        r"not published: 1 draft \(digest check lists them\)",
                        second.summary())


def test_parallel_build_equals_serial(site: Path, tmp_path: Path) -> None:
    other = copy_site("basic", tmp_path / "b")
    build_site(site, jobs=1)
    # Enough articles to cross the fork thresholds.
    for root in (site, other):
        for n in range(70):
            (root / f"content/articles/guardian/2025-08-{n % 28 + 1:02d}-bulk-{n}.md").write_text(
                f"---\ntitle: Bulk {n}\npublication: The Guardian\ndate: 2025-08-{n % 28 + 1:02d}\n"
                f"---\n\nText *{n}*.\n", encoding="utf-8")
    build_site(site, jobs=1)
    build_site(other, jobs=2)
    assert tree(site / "_site") == tree(other / "_site")


def test_bad_front_matter_names_file_and_line_and_the_rest_builds(site: Path) -> None:
    bad = site / "content/articles/guardian/bad.md"
    bad.write_text("---\ntitle: Broken\ndate: 2025-13-45\n---\n\nx\n", encoding="utf-8")
    report = build_site(site)
    assert [str(p).split("\n")[0] for p in report.problems] == [
        "content/articles/guardian/bad.md:3: `date` 2025-13-45 is not a date"
    ]
    assert (site / "_site/2025/10/01/index.html").is_file()


def test_bad_template_names_template_line_and_page(site: Path) -> None:
    template = site / "themes/plain/templates/tag.html"
    template.write_text(template.read_text().replace("{{ tag.name }}", "{{ tag.nmae }}"))
    report = build_site(site)
    problem = report.problems[0]
    assert problem.path == "themes/plain/templates/tag.html" and problem.line == 3
    assert "nmae" in problem.message and "/tags/design/" in problem.message
    assert (site / "_site/2025/10/01/index.html").is_file()
    assert not (site / "_site/tags/design/index.html").exists()


def test_syntax_error_in_template(site: Path) -> None:
    template = site / "themes/plain/templates/tags.html"
    template.write_text("{% extends 'base.html' %}\n{% block content %}{% for %}{% endblock %}\n")
    report = build_site(site)
    assert {(p.path, p.line) for p in report.problems} == {("themes/plain/templates/tags.html", 2)}


def test_two_pages_on_one_path(site: Path) -> None:
    (site / "content/articles/economist/2025-10-01-belarus-border.md").write_text(
        "---\ntitle: Same slug\npublication: The Guardian\ndate: 2025-10-01\n---\n\nx\n")
    report = build_site(site)
    [problem] = report.problems
    assert "/the-guardian/2025-10-01-belarus-border/" in problem.message
    assert {problem.path, problem.message.rsplit(" ", 1)[-1]} == {
        "content/articles/economist/2025-10-01-belarus-border.md",
        "content/articles/guardian/2025-10-01-belarus-border.md",
    }


@pytest.mark.parametrize("output", [".", "content", "content/x", "themes/plain"])
def test_refuses_dangerous_output(site: Path, output: str) -> None:
    config = load_config(site)
    config = type(config)(**{**config.__dict__, "output": output})
    with pytest.raises(DigestError):
        build(config, jobs=1)


def test_refuses_a_folder_digest_did_not_make(site: Path) -> None:
    (site / "_site").mkdir()
    (site / "_site" / "precious.txt").write_text("mine")
    with pytest.raises(DigestError, match="did not write"):
        build_site(site)
    assert (site / "_site" / "precious.txt").read_text() == "mine"


def test_failed_build_leaves_previous_site(site: Path) -> None:
    build_site(site)
    before = tree(site / "_site")
    (site / "site.yaml").write_text("title: x\ntheme: nonexistent\n")
    with pytest.raises(DigestError, match="nonexistent"):
        build_site(site)
    assert tree(site / "_site") == before


def test_stale_files_are_pruned_but_foreign_files_kept(site: Path) -> None:
    build_site(site)
    (site / "_site" / "CNAME").write_text("digest.example.org")
    (site / "content/articles/monocle/2025-09-issue.md").unlink()
    build_site(site)
    assert not (site / "_site/monocle/2025-09-issue").exists()
    assert (site / "_site/CNAME").is_file()


def test_corrupt_cache_means_a_clean_build(site: Path) -> None:
    build_site(site)
    before = tree(site / "_site")
    for path in (site / ".digest-cache").iterdir():
        path.write_bytes(b"not a database")
    from digest import build as build_module

    build_module.BuildState.forget_all()
    report = build_site(site)
    assert report.problems == () and tree(site / "_site") == before


def test_real_default_theme_renders(site: Path) -> None:
    shutil.rmtree(site / "themes")
    (site / "site.yaml").write_text((site / "site.yaml").read_text().replace(
        "theme: plain", "theme: default"))
    report = build_site(site)
    assert report.problems == ()
    from digest.check import check

    assert [str(p) for p in check(load_config(site))] == []


def test_the_archive_names_each_editions_publications_in_edition_order(site: Path) -> None:
    # The archive lists hundreds of editions: their publications come from the catalog,
    # in the order the edition shows its groups (the featured story's first).
    (site / "site.yaml").write_text((site / "site.yaml").read_text().replace(
        "theme: plain", "theme: default"))
    assert build_site(site).problems == ()
    archive = page(site, "archive/index.html")
    assert '<span class="edition-list__pubs">The Guardian · The Economist</span>' in archive
    edition = page(site, "2025/10/01/index.html")
    assert "2 publications" in edition


def test_a_build_clears_what_a_killed_build_left_mid_write(site: Path) -> None:
    # write_file writes `<file>.<pid>.tmp` then renames it: a build killed between the
    # two leaves the temporary file, and its note that it was writing.
    build_site(site)
    out = site / "_site"
    left = [out / "index.html.4242.tmp", out / "search" / "stray.7.tmp"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a page")
    keep = out / "notes.tmp.txt"  # not a name write_file makes: not digest's to delete
    keep.write_bytes(b"x")
    (site / ".digest-writing-_site").write_bytes(b"")
    build_site(site)
    assert not any(p.exists() for p in left)
    assert keep.exists()
    assert not (site / ".digest-writing-_site").exists()  # a build that ends removes its note


def test_an_article_pages_fingerprint_resolves_its_data_as_any_pages_does(site: Path) -> None:
    # Article pages take a shorter way to their resolved data: it is the dict every other
    # page's data gives, field by field, so the fingerprint still covers all of it.
    import dataclasses

    from digest.collect import collect, shown_statuses
    from digest.load import ReadOptions, load
    from digest.plan import ArticlePage, plan, resolved

    config = load_config(site)
    loaded = load(config.articles_dir, config.root, {}, options=ReadOptions.of(config), jobs=1)
    catalog = collect(loaded.articles, config, shown=shown_statuses(drafts=False, serving=False))
    names = catalog.sources
    pages = [s.data for s in plan(catalog, config, "salt").pages
             if isinstance(s.data, ArticlePage)]
    assert pages and any(p.previous is None for p in pages) and any(p.more for p in pages)
    for data in pages:
        fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
        assert resolved(data, catalog) == {
            name: None if value is None else names[value] if isinstance(value, int)
            else tuple(names[i] for i in value) for name, value in fields.items()}
        assert list(resolved(data, catalog)) == list(fields)  # the same order in its repr
