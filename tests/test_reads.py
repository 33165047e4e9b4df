"""Pages record what they read; the cache's key follows the code."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_build_support import SITES, build_site

from digest.build_state import BuildState
from digest.cache import BuildCache, code_key
from digest.config import load_config
from digest.reads import record, recording


def test_recording_nests_and_adds_to_the_outer_record() -> None:
    record(("string", "outside"))  # no page is rendering: nothing to note
    with recording() as outer:
        record(("template", "a.html"))
        with recording() as inner:
            record(("body", "x.md"))
        assert inner == {("body", "x.md")}
    assert outer == {("template", "a.html"), ("body", "x.md")}


def _site(tmp_path: Path, card: str | None = None) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("theme: plain", "theme: default"))
    if card is not None:
        path = site / "templates/partials/article_card.html"
        path.parent.mkdir(parents=True)
        path.write_text(card)
    return site


def _reads(site: Path) -> dict[str, set[tuple[str, str]]]:
    """What each page of the last build read, from the build cache."""
    BuildState.forget_all()
    state = BuildState.of(load_config(site))
    names = {n: item for item, (n, _) in state.items().items()}
    from array import array

    out = {}
    for url, (_, data) in state.pages.items():
        numbers = array("I")
        numbers.frombytes(data)
        out[url] = {names[n] for n in numbers}
    BuildState.forget_all()
    return out


def test_pages_record_templates_strings_articles_and_bodies(tmp_path: Path) -> None:
    site = _site(tmp_path)
    build_site(site, jobs=2)
    reads = _reads(site)
    article = reads["/the-guardian/2025-10-01-energy-prices/"]
    assert {("template", "article.html"), ("template", "base.html"),
            ("summary", "content/articles/guardian/2025-10-01-energy-prices.md"),
            ("body", "content/articles/guardian/2025-10-01-energy-prices.md"),
            ("indexes", "")} <= article
    assert any(kind == "string" for kind, _ in article)
    edition = reads["/2025/10/01/"]
    assert ("edition", "2025-10-01") in edition
    assert ("template", "partials/article_card.html") in edition  # through an import
    assert ("summary", "content/articles/guardian/2025-10-01-energy-prices.md") in edition
    assert not any(kind == "body" for kind, _ in edition)  # the card shows no body
    assert ("publications", "") in reads["/publications/"]


def test_kept_macro_results_replay_their_reads(tmp_path: Path) -> None:
    # A card showing the body, kept between the pages of one build: every page showing the
    # card records the body, not only the first one rendered.
    from digest.theme_files import bundled_themes

    card = (bundled_themes() / "default/templates/partials/article_card.html").read_text()
    site = _site(tmp_path, card.replace("</article>", "{{ article.body }}</article>", 1))
    build_site(site, jobs=1)
    reads = _reads(site)
    source = "content/articles/economist/2025-10-02-chips.md"
    text = (site / source).read_text().rpartition("\n---\n")[2].split()[:3]
    showing = [p for p in (site / "_site").rglob("*.html") if " ".join(text) in p.read_text()]
    assert len(showing) >= 3  # the card on lists, and the article's own page
    for path in showing:
        url = "/" + path.relative_to(site / "_site").as_posix().removesuffix("index.html")
        assert ("body", source) in reads[url], url


def test_the_cache_key_follows_the_code(tmp_path: Path) -> None:
    import digest

    package = tmp_path / "digest"
    shutil.copytree(Path(digest.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__", "normalize", "skeleton"))
    before = code_key(package)
    assert before == code_key(Path(digest.__file__).parent)
    plan = package / "plan.py"
    plan.write_text(plan.read_text().replace("    more: tuple[EntryIx, ...]\n",
                                             "    more: tuple[EntryIx, ...]\n    extra: int = 0\n"))
    assert code_key(package) != before


def test_a_cache_with_another_key_is_dropped_not_read(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "one")
    cache.set_items([(1, "summary", "a.md", "v1")])
    assert cache.items() == {("summary", "a.md"): (1, "v1")}
    cache.close()
    other = BuildCache(tmp_path, "two")
    assert other.items() == {}
    other.close()


def test_forked_workers_send_back_what_their_pages_read(tmp_path: Path) -> None:
    from unittest import mock

    from digest import render

    serial = _site(tmp_path / "serial")
    build_site(serial, jobs=1)
    expected = _reads(serial)
    forked = _site(tmp_path / "forked")
    with mock.patch.object(render, "_PARALLEL_MIN", 1):
        build_site(forked, jobs=2)
        assert _reads(forked) == expected
        # An incremental build in workers too: what its pages read is kept as well.
        for site in (serial, forked):
            path = site / "content/articles/economist/2025-10-02-chips.md"
            path.write_text(path.read_text().replace("The chip war widens", "Chips"))
        build_site(serial, jobs=1)
        report = build_site(forked, jobs=2)
        assert "replan" in report.timings and "plan" not in report.timings
        assert _reads(forked) == _reads(serial)
    from test_build_support import tree

    assert tree(forked / "_site") == tree(serial / "_site")
