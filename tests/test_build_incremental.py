"""Incremental builds equal clean builds, and rebuild only what an edit touches."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_build_support import SITES, build_site, copy_site, equals_clean_build, tree

from digest import incremental, search
from digest.theme_files import bundled_themes

ARTICLES = [
    "guardian/2025-10-01-belarus-border.md",
    "guardian/2025-10-01-energy-prices.md",
    "economist/2025-10-02-chips.md",
    "monocle/2025-10-issue.md",
]

# DIGEST_STRESS=1 runs the heavier version of the property test.
STRESS = os.environ.get("DIGEST_STRESS", "") not in ("", "0")
EXAMPLES = 250 if STRESS else 25

Edit = tuple[str, int, int]
edits = st.tuples(
    st.sampled_from(["title", "body", "excerpt", "add", "delete", "featured", "date", "tags",
                     "draft", "template", "broken", "touch", "config", "override", "strings"]),
    st.integers(0, len(ARTICLES) - 1),
    st.integers(0, 999),
)

# The fixture theme's list item, showing what lists of the default theme show too: the
# excerpt, the reading time and the tags, so edits to those must re-render the lists.
PLAIN_ITEM = (
    "<li class=\"item{% if a.featured %} featured{% endif %}\"><a href=\"{{ url(a.url) }}\">"
    "{{ a.title }}</a>{% if a.draft and serving %} <span class=\"draft\">{{ t('draft') }}</span>"
    "{% endif %} <small>{{ a.publication.name }}{% if a.date %}, "
    "{{ format_date(a.date, 'short') }}{% endif %}</small>"
    "{% if a.excerpt %}<p>{{ a.excerpt }}</p>{% endif %}"
    "{% if a.reading_time %}<span>{{ t('minutes', count=a.reading_time) }}</span>{% endif %}"
    "{% for tag in a.tags %} <a href=\"{{ url(tag.url) }}\">{{ tag.name }}</a>{% endfor %}</li>\n"
)
# The list item of each theme, as a site overrides it in its own templates/ folder.
ITEM_TEMPLATE = {"plain": "_item.html", "default": "partials/article_card.html"}
BODY_IN_ITEM = {  # an override that shows the whole article body in lists
    "plain": ("</li>", "<div class=\"body\">{{ a.body_html }}</div></li>"),
    "default": ("</article>", "<div class=\"card__body\">{{ article.body_html }}</div></article>"),
}
CONFIG_VALUES = [
    ("title", lambda n: f"Digest {n}"),
    ("description", lambda n: f"Read {n} times"),
    ("language", lambda n: ["en", "fr", "de"][n % 3]),
    ("page_size", lambda n: str(1 + n % 3)),
    ("edition_period", lambda n: ["daily", "weekly", "monthly"][n % 3]),
    ("feeds", lambda n: f"{{atom: true, json: true, items: {1 + n % 4}}}"),
]


def set_config(site: Path, key: str, value: str) -> Path:
    config = site / "site.yaml"
    lines = [line for line in config.read_text().splitlines() if not line.startswith(f"{key}:")]
    config.write_text("\n".join([*lines, f"{key}: {value}"]) + "\n")
    return config


def theme_of(site: Path) -> str:
    return "default" if "theme: default" in (site / "site.yaml").read_text() else "plain"


def theme_item(theme: str) -> str:
    if theme == "plain":
        return PLAIN_ITEM
    return (bundled_themes() / "default/templates" / ITEM_TEMPLATE[theme]).read_text()


def apply(site: Path, edit: Edit) -> Path:
    kind, which, n = edit
    articles = site / "content/articles"
    path = articles / ARTICLES[which]
    theme = theme_of(site)
    if kind == "template":  # the theme's own list item (a site copy for the bundled theme)
        template = (site / "themes/plain/templates/_item.html" if theme == "plain"
                    else site / "templates" / ITEM_TEMPLATE[theme])
        if not template.exists():
            template.parent.mkdir(parents=True, exist_ok=True)
            template.write_text(theme_item(theme))
        text = template.read_text()
        tag = "<small>" if theme == "plain" else "<p class=\"meta\">"
        template.write_text(text.replace(tag, f"{tag[:-1]} data-n='{n}'>", 1)
                            if "data-n" not in text else text.replace("data-n='", "data-n='1", 1))
        return template
    if kind == "config":
        key, value = CONFIG_VALUES[(which + n) % len(CONFIG_VALUES)]
        return set_config(site, key, value(n))
    if kind == "override":  # a site template overriding the list item: add, change, remove
        override = site / "templates" / ITEM_TEMPLATE[theme]
        if n % 3 == 2:
            override.unlink(missing_ok=True)
        elif n % 3 == 1 and override.exists():
            override.write_text(override.read_text().replace("<div", f"<div data-v='{n}'", 1))
        else:
            override.parent.mkdir(parents=True, exist_ok=True)
            end, with_body = BODY_IN_ITEM[theme]
            override.write_text(theme_item(theme).replace(end, with_body))
        return override
    if kind == "strings":  # the site's own UI strings, over the theme's
        folder = site / "i18n"
        if n % 2:
            shutil.rmtree(folder, ignore_errors=True)
            return folder / "en.yaml"
        folder.mkdir(exist_ok=True)
        strings = (f"nav_archive: Archive {n}\ndraft: Draft {n}\n"
                   f"minutes: '{{count}} min {n}'\nreading_time: '{{count}} min {n}'\n")
        for language in ("en", "fr", "de"):
            (folder / f"{language}.yaml").write_text(strings)
        return folder / "en.yaml"
    if kind == "add":
        new = articles / f"guardian/2025-10-0{n % 3 + 1}-added-{n}.md"
        new.write_text(f"---\ntitle: Added {n}\npublication: The Guardian\n"
                       f"date: 2025-10-0{n % 3 + 1}\ntags: [{'tT'[n // 2 % 2]}{n % 2}]\n"
                       f"---\n\nNew *{n}*.\n")  # now and then a tag spelt anew
        return new
    if not path.exists():
        shutil.copy(SITES / "basic/content/articles" / ARTICLES[which], path)
        return path
    text = path.read_text()
    if kind == "delete":
        path.unlink()
        return path
    if kind == "touch":
        path.write_text(text)
        return path
    if kind == "broken":
        path.write_text(text.replace("title: ", "title: [", 1))
        return path
    head, _, body = text.partition("\n---\n")
    if kind == "title":
        head = head.replace("title: ", f"title: {n} ", 1)
    elif kind == "body":
        body += f"\nMore text {n}.\n"
    elif kind == "excerpt":  # the first paragraph: lists show it
        body = f"\nA new opening {n}.\n\n" + body
    elif kind == "featured":
        head = head.replace("featured: true", "") if "featured: true" in head else head + (
            "\nfeatured: true")
    elif kind == "date":  # across years, months and ISO weeks; now and then a month alone
        year, month, day = 2019 + n % 8, 1 + n // 8 % 12, 1 + n // 96 % 28
        date = f"{year}-{month:02d}" if n % 10 == 0 else f"{year}-{month:02d}-{day:02d}"
        head = "\n".join(
            f"date: {date}" if line.startswith("date:") else line
            for line in head.splitlines())
    elif kind == "tags":
        head = "\n".join(line for line in head.splitlines() if not line.startswith("tags:"))
        head += f"\ntags: [t{n % 3}, economy]"
    elif kind == "draft":
        head = head.replace("\nstatus: draft", "") if "status: draft" in head else head + (
            "\nstatus: draft")
    path.write_text(head + "\n---\n" + body)
    return path


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(["plain", "default"]), st.booleans(),
       st.lists(st.tuples(edits, st.booleans()), min_size=1, max_size=5))
# Always tried first: each new kind of edit, in the dev server and in a new process.
@example("default", True, [(("body", 2, 5), False), (("strings", 0, 4), True),
                           (("config", 0, 4), False), (("override", 0, 1), True)])
@example("plain", False, [(("override", 0, 0), False), (("body", 2, 5), False),
                          (("strings", 0, 2), False), (("date", 1, 517), True),
                          (("config", 1, 1), True), (("override", 0, 2), False)])
def test_incremental_equals_clean(
    tmp_path_factory: object, theme: str, bodies_in_lists: bool,
    sequence: list[tuple[Edit, bool]],
) -> None:
    # Each step builds in the same session (the dev server) or in a new one (a new
    # `digest build`, which reads the cache and its snapshot).
    work = tmp_path_factory.mktemp("inc")  # type: ignore[attr-defined]
    site = copy_site("basic", work)
    config = site / "site.yaml"  # with a search index in several chunks
    config.write_text(config.read_text().replace("search: false", "search: true"))
    (site / "themes/plain/templates/_item.html").write_text(PLAIN_ITEM)
    if theme != "plain":
        set_config(site, "theme", theme)
    if bodies_in_lists:  # the site starts with lists that show whole articles
        apply(site, ("override", 0, 0))
    # Chunks of two articles on average; no base of every chunk's terms, which edits leave
    # as it was until a complete build writes it again (test_search covers it).
    with mock.patch.object(search, "CHUNK", 2), mock.patch.object(search, "OVERLAY", 10**6):
        _edit_and_compare(site, work, sequence)


def _edit_and_compare(site: Path, work: Path, sequence: list[tuple[Edit, bool]]) -> None:
    build_site(site)
    for step, (edit, new_process) in enumerate(sequence):
        changed = apply(site, edit)
        if new_process:
            _new_process()
        # A new process builds as `digest build` does on two cores: a complete build forks
        # to find what changed and write the search index (digest.aside).
        report = (build_site(site, changed=frozenset({changed})) if not new_process
                  else build_site(site, jobs=2))
        clean = work / f"clean{step}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns(
            "_site", ".digest-cache", ".digest-output-*"))
        clean_report = build_site(clean)
        assert report.problems == clean_report.problems
        assert tree(site / "_site") == tree(clean / "_site"), (edit, sequence)


def test_a_body_edit_rerenders_only_that_article_and_feeds(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text() + "\nOne more line.\n")
    report = build_site(site)
    assert report.changed_urls == {
        "/the-economist/2025-10-02-chips/", "/feed.xml", "/feed.json",
        "/publications/the-economist/feed.xml", "/editions.xml",  # its edition's entry
    }


def test_a_title_edit_rerenders_the_pages_that_show_it(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text().replace("title: The chip war widens", "title: Chips"))
    report = build_site(site)
    assert "/the-economist/2025-10-02-chips/" in report.changed_urls
    assert {"/2025/10/02/", "/publications/the-economist/", "/tags/technology/"} <= (
        report.changed_urls)
    assert "/the-guardian/2025-10-01-belarus-border/" not in report.changed_urls


def test_edits_that_keep_the_structure_skip_collecting_and_planning(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    _new_process()
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text().replace("title: The chip war widens", "title: Zinc"))
    title = build_site(site)
    path.write_text(path.read_text() + "\nOne more line.\n")
    body = build_site(site)
    for report in (title, body):
        assert report.problems == () and "replan" in report.timings
        assert "plan" not in report.timings and "collect" not in report.timings
    assert len(body.changed_urls) < len(title.changed_urls)
    assert "Zinc" in (site / "_site/2025/10/02/index.html").read_text()
    assert _equals_clean_build(site, tmp_path)


def test_a_build_stopped_before_its_output_is_finished_leaves_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On two cores the snapshot is saved while the child ends the search index: it must
    # not count before the output folder is finished, or the next edit would build on it.
    from digest import build as build_module

    site = copy_site("basic", tmp_path)
    build_site(site)
    (site / "content/articles/economist/2025-10-03-budget.md").write_text(
        "---\ntitle: Budget\npublication: The Economist\ndate: 2025-10-03\n---\n\nText.\n")
    _new_process()

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "finish_output", stopped)
        with pytest.raises(KeyboardInterrupt):
            build_site(site, jobs=2)
    _new_process()
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text() + "\nOne more line.\n")
    report = build_site(site, jobs=2)
    assert "collect" in report.timings  # a complete build: no snapshot to start from
    assert _equals_clean_build(site, tmp_path)
    # That build finished: its snapshot counts, and the next edit starts from it.
    path.write_text(path.read_text() + "\nAnd another.\n")
    assert "collect" not in build_site(site, jobs=2).timings


def test_a_search_index_that_failed_beside_the_pages_is_written_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_site("basic", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("search: false", "search: true"))
    build_site(site)
    (site / "content/articles/economist/2025-10-03-budget.md").write_text(
        "---\ntitle: Budget\npublication: The Economist\ndate: 2025-10-03\n---\n\nText.\n")
    _new_process()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:  # in the forked child too
        patch.setattr(search, "write_chunks", full_disk)
        failed = build_site(site, jobs=2)
    assert [p.message for p in failed.problems] == [
        "search: cannot write the index: No space left on device"]
    _new_process()
    again = build_site(site, jobs=2)  # nothing edited: the build is not skipped
    assert again.problems == () and "collect" in again.timings
    assert _equals_clean_build(site, tmp_path)


def _use_default_theme(site: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("theme: plain", "theme: default"))


def _set_key(path: Path, key: str, value: str | None) -> None:
    head, _, body = path.read_text().partition("\n---\n")
    head = "\n".join(line for line in head.splitlines() if not line.startswith(f"{key}:"))
    path.write_text(head + (f"\n{key}: {value}" if value is not None else "") + "\n---\n" + body)


@pytest.mark.parametrize("new_process", [False, True], ids=["same-session", "new-process"])
def test_reordering_an_edition_renders_its_pages_without_planning_the_site(
    tmp_path: Path, new_process: bool
) -> None:
    site = copy_site("basic", tmp_path)
    energy = site / "content/articles" / ARTICLES[1]
    belarus = site / "content/articles" / ARTICLES[0]
    banks = site / "content/articles/economist/2025-10-01-central-banks.md"
    build_site(site, serving=True, drafts=True)
    edition = site / "_site/2025/10/01/index.html"
    steps = [(energy, "featured", None), (belarus, "order", "2"), (energy, "order", "1"),
             (energy, "featured", "true"), (belarus, "status", "held"), (banks, "featured", "true"),
             (belarus, "status", None), (energy, "featured", None), (banks, "order", "3")]
    orders = []
    for step, (path, key, value) in enumerate(steps):
        _set_key(path, key, value)
        if new_process:
            _new_process()
        changed = None if new_process else frozenset({path})
        report = build_site(site, changed=changed, serving=True, drafts=True)
        assert report.problems == () and "replan" in report.timings, (key, value)
        assert "plan" not in report.timings and "collect" not in report.timings, (key, value)
        clean = tmp_path / f"clean{step}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
        build_site(clean, serving=True, drafts=True)
        assert tree(site / "_site") == tree(clean / "_site"), (path.name, key, value)
        text = edition.read_text()
        orders.append("".join(sorted("BEC", key=lambda t: text.index(
            {"B": "Belarus closes", "E": "Energy prices", "C": "Central banks hold"}[t]))))
    # A featured article leads its publication, and its publication the edition; then the
    # curator's order; publications by name when none or each has a featured article.
    assert orders == ["CBE", "CBE", "CEB", "EBC", "EBC", "CEB", "CEB", "CEB", "CEB"]


def test_a_reorder_taken_back_along_with_an_added_article_is_shown(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    energy = site / "content/articles" / ARTICLES[1]
    build_site(site)
    _set_key(energy, "featured", None)
    assert "plan" not in build_site(site).timings
    # Taken back with an article added elsewhere: the complete build compares the order
    # the edition's pages showed last with the order now.
    _set_key(energy, "featured", "true")
    extra = site / "content/articles/economist/2025-09-30-extra.md"
    extra.write_text("---\ntitle: Extra\npublication: The Economist\ndate: 2025-09-30\n"
                     "---\n\nText.\n")
    assert "plan" in build_site(site).timings
    assert _equals_clean_build(site, tmp_path)


def test_a_move_to_another_day_plans_the_site_again(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text().replace("date: 2025-10-02", "date: 2025-10-01"))
    report = build_site(site)
    assert "plan" in report.timings and "/2025/10/02/" in report.changed_urls


def test_a_template_edit_rerenders_only_pages_using_it(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    template = site / "themes/plain/templates/tags.html"
    template.write_text(template.read_text().replace("<h1>", "<h1 class='x'>"))
    report = build_site(site)
    assert report.pages_written == 1 and report.changed_urls == {"/tags/"}


def test_session_picks_up_theme_edits_between_calls(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site, serving=True)
    template = site / "themes/plain/templates/404.html"
    template.write_text(template.read_text().replace("<h1>", "<h1 class='gone'>"))
    report = build_site(site, serving=True)
    assert report.changed_urls == {"/404.html"}
    assert "class='gone'" in (site / "_site/404.html").read_text()
    assert tree(site / "_site") != {}


def _new_process() -> None:
    from digest import build as build_module

    build_module.BuildState.forget_all()


def test_a_new_process_renders_bodies_from_the_cache(tmp_path: Path) -> None:
    # Article rows are read back without their bodies; pages that show one read it then.
    site = copy_site("basic", tmp_path)
    build_site(site)
    _new_process()
    template = site / "themes/plain/templates/article.html"
    template.write_text(template.read_text() + "\n")
    (site / "content/articles" / ARTICLES[2]).touch()
    report = build_site(site, jobs=2)
    assert report.problems == ()
    assert _equals_clean_build(site, tmp_path)


def test_a_group_count_change_rerenders_its_other_pages(tmp_path: Path) -> None:
    # Page 1 of a publication shows how many articles it has, even when the article that
    # went away was listed on page 2.
    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    folder = site / "content/articles/guardian"
    for day in (1, 2, 3):
        (folder / f"2025-09-0{day}-old-{day}.md").write_text(
            f"---\ntitle: Old {day}\npublication: The Guardian\ndate: 2025-09-0{day}\n"
            "---\n\nOld.\n")
    build_site(site)  # The Guardian: 8 articles on 4 pages of 2
    _new_process()
    (folder / "2025-09-01-old-1.md").unlink()  # from the last page: 7 on 4 pages
    build_site(site)
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
    build_site(clean)
    assert tree(site / "_site") == tree(clean / "_site")


@pytest.mark.parametrize("counts_shown", [False, True], ids=["default", "counts-shown"])
def test_an_article_added_under_a_tag_renders_what_shows_the_tag_count_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counts_shown: bool
) -> None:
    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    if counts_shown:  # a site's card that shows each tag's count
        card = site / "templates/partials/article_card.html"
        card.parent.mkdir(parents=True, exist_ok=True)
        card.write_text((bundled_themes() / "default/templates/partials/article_card.html")
                        .read_text().replace("</article>", "{% for tag in article.tags %}"
                                             "<i>{{ tag.name }} {{ tag.count }}</i>"
                                             "{% endfor %}</article>"))
    build_site(site)
    from digest import render

    rendered: list[str] = []
    real = render.render_all

    def spy(specs: list[render.PageSpec], *args: object, **kwargs: object
            ) -> Iterator[render.Outcome]:
        rendered.extend(s.url for s in specs)
        return real(specs, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render_all", spy)
    (site / "content/articles/economist/2025-09-29-tariffs.md").write_text(
        "---\ntitle: Tariffs\npublication: The Economist\ndate: 2025-09-29\n"
        "tags: [economy]\n---\n\nText.\n")
    build_site(site)
    monkeypatch.setattr(render, "render_all", real)
    assert _equals_clean_build(site, tmp_path)
    # Another day's edition shows cards of articles under the same tag: it shows the
    # tag's count only when the card does.
    assert ("/2025/10/01/" in rendered) == counts_shown, " ".join(rendered)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_article_that_spells_a_tag_anew_renames_it_on_the_older_articles_pages(
    tmp_path: Path, jobs: int
) -> None:
    # The newest spelling of a tag names it: the older articles' own pages and lists
    # show the tag under its new name, though none of them changed.
    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    build_site(site)
    _economist_article(site, "2025-10-03-budget", "Budget", tags="Economy")
    _new_process()
    build_site(site, jobs=jobs)
    page = (site / "_site/the-economist/2025-10-02-chips/index.html").read_text()
    assert ">Economy<" in page and ">economy<" not in page
    assert _equals_clean_build(site, tmp_path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_added_and_deleted_group_the_site_from_the_cached_placements(
    tmp_path: Path, jobs: int
) -> None:
    # A new process after files were added and deleted reads those files and the others'
    # placements: no cached article is unpickled for it, and the site is a clean build's.
    from digest.cache import BuildCache

    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    build_site(site)
    _economist_article(site, "2025-10-04-ports", "Ports", tags="trade", body="Ships wait.")
    (site / "content/articles" / ARTICLES[1]).unlink()
    _new_process()
    with mock.patch.object(BuildCache, "articles", side_effect=AssertionError("unpickled")):
        report = build_site(site, jobs=jobs)
    assert report.problems == ()
    assert "/the-economist/2025-10-04-ports/" in report.changed_urls
    assert (site / "_site/the-economist/2025-10-04-ports/index.html").is_file()
    assert _equals_clean_build(site, tmp_path)


def test_an_added_article_edited_by_the_next_build_shows_the_edit(tmp_path: Path) -> None:
    # A complete build on two cores saves the snapshot beside its pages, from what each
    # page read before; the pages it renders (the added article's among them) add what
    # they read after, or the next edit would leave them as they were.
    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    build_site(site, jobs=2)
    added = _economist_article(site, "2025-10-04-ports", "Ports", body="Ships wait.")
    _new_process()
    build_site(site, jobs=2)
    added.write_text(added.read_text().replace("Ships wait.", "Ships sail at dawn."))
    _new_process()
    report = build_site(site, jobs=2)
    assert "plan" not in report.timings  # the edit took the incremental path
    assert "Ships sail at dawn." in (site / "_site/the-economist/2025-10-04-ports/index.html"
                                     ).read_text()
    assert _equals_clean_build(site, tmp_path)


def test_a_damaged_placement_row_loads_every_article(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    _damage_cache(site, "UPDATE articles SET place = x'00'")
    _economist_article(site, "2025-10-04-ports", "Ports")
    report = build_site(site)
    assert report.problems == ()
    assert _equals_clean_build(site, tmp_path)


def _economist_article(site: Path, name: str, title: str, *, tags: str = "",
                       body: str = "Text.") -> Path:
    """A new article of The Economist, dated as its file `name` says."""
    path = site / f"content/articles/economist/{name}.md"
    lines = ["---", f"title: {title}", "publication: The Economist", f"date: {name[:10]}"]
    if tags:
        lines.append(f"tags: [{tags}]")
    path.write_text("\n".join([*lines, "---", "", body, ""]))
    return path


def _damage_cache(site: Path, sql: str) -> None:
    import sqlite3

    _new_process()
    db = sqlite3.connect(site / ".digest-cache/cache.sqlite")
    with db:
        db.execute(sql)
    db.close()


def _equals_clean_build(site: Path, tmp_path: Path, **options: object) -> bool:
    return equals_clean_build(site, tmp_path / "clean", **options)


def test_an_article_missing_from_the_cache_makes_a_complete_build(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    # The neighbour shown on the edited article's page is gone from the cache.
    _damage_cache(site, f"DELETE FROM articles WHERE source LIKE '%{ARTICLES[0]}'")
    path = site / "content/articles" / ARTICLES[1]
    path.write_text(path.read_text().replace("title: ", "title: Now ", 1))
    report = build_site(site)
    assert report.problems == () and "plan" in report.timings
    assert _equals_clean_build(site, tmp_path)


def test_a_damaged_snapshot_makes_a_complete_build(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    _damage_cache(site, "UPDATE readers SET data = x'00ff'")
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text() + "\nOne more line.\n")
    report = build_site(site)
    assert report.problems == () and "plan" in report.timings
    assert _equals_clean_build(site, tmp_path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_page_file_gone_from_the_output_is_rendered_by_the_next_complete_build(
    tmp_path: Path, jobs: int
) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    _new_process()
    page = site / "_site/the-guardian/2025-10-01-belarus-border/index.html"  # not changed
    page.unlink()
    (site / "content/articles/economist/2025-10-03-added.md").write_text(
        "---\ntitle: Added\ndate: 2025-10-03\npublication: The Economist\n---\n\nNew.\n")
    report = build_site(site, jobs=jobs)
    assert report.problems == () and "plan" in report.timings
    assert page.exists()
    assert _equals_clean_build(site, tmp_path)


def test_an_incremental_build_renders_in_forked_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers read the entries they need from the cache on their own connection.
    from digest import render

    site = copy_site("basic", tmp_path)
    build_site(site)
    _new_process()
    monkeypatch.setattr(render, "_PARALLEL_MIN", 1)
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text().replace("title: The chip war widens", "title: Zinc"))
    report = build_site(site, jobs=2)
    assert report.problems == () and "plan" not in report.timings
    assert len(report.changed_urls) > 3
    assert _equals_clean_build(site, tmp_path)


def test_an_edit_in_a_new_process_reuses_the_date_labels_of_earlier_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Labels made by the render workers of a complete build are kept in the cache, so a
    # one-shot edit that shows known dates does not load Babel's locale data again.
    import babel.dates

    from digest import dates, render

    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    with monkeypatch.context() as workers:
        workers.setattr(render, "_PARALLEL_MIN", 1)  # the labels come from forked workers
        workers.setattr(dates, "_known", {})
        workers.setattr(dates, "_new", {})
        build_site(site, jobs=2)
    _new_process()
    monkeypatch.setattr(dates, "_known", {})
    monkeypatch.setattr(dates, "_new", {})

    def no_babel(*args: object, **kwargs: object) -> str:
        raise AssertionError("Babel asked again for a date it formatted before")

    monkeypatch.setattr(babel.dates, "format_skeleton", no_babel)
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text() + "\nOne more line.\n")
    report = build_site(site)
    assert report.problems == () and "replan" in report.timings
    monkeypatch.undo()
    assert _equals_clean_build(site, tmp_path)


def test_date_labels_from_another_babel_or_a_damaged_cache_are_not_used(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime
    import pickle

    from digest import dates

    monkeypatch.setattr(dates, "_known", {})
    day = datetime.date(2025, 10, 2)
    dates.remember(b"not a pickle")
    dates.remember(pickle.dumps(("another babel", {(day, "long", "en"): "Wrong"})))
    assert dates.format_style(day, "long", "en") == "October 2, 2025"
    blob = dates.saved()
    assert blob is not None and dates.saved() is None  # nothing new since
    monkeypatch.setattr(dates, "_known", {})
    dates.remember(blob)
    assert dates._known == {(day, "long", "en"): "October 2, 2025"}


@pytest.mark.parametrize("new_process", [False, True], ids=["same-session", "new-process"])
def test_a_site_yaml_change_builds_the_same_site_as_a_clean_build(
    tmp_path: Path, new_process: bool
) -> None:
    # Nothing in the articles changed: only the configuration says the pages are stale.
    site = copy_site("basic", tmp_path)
    build_site(site)
    config = site / "site.yaml"
    config.write_text(config.read_text()
                      .replace("title: Fixture Digest", "title: Renamed Digest")
                      .replace("description: A small site", "description: Another small site")
                      .replace("author: The Curator", "author: Someone Else")
                      .replace("page_size: 2", "page_size: 3"))
    if new_process:
        _new_process()
    report = build_site(site)
    assert report.problems == () and report.pages_written > 0
    assert "Renamed Digest" in (site / "_site/index.html").read_text()
    assert _equals_clean_build(site, tmp_path)


_CONFIG_EDITS = [
    ("description: A small site for golden tests", "description: Changed"),
    ("author: The Curator", "author: Someone Else"),
    ("language: en", "language: fr"),
    ("base_url: https://digest.example.org/", "base_url: https://other.example.org/sub/"),
    ("page_size: 2", "page_size: 1"),
    ("title: Fixture Digest", "title: Changed"),
    ("search: false", "search: false\npermalinks: {article: '/read/{publication}/{date}/{slug}/'}"),
    ("search: false", "search: false\nedition_period: weekly"),
    ("search: false", "search: false\nfeeds: {atom: true, json: false, items: 1}"),
    ("search: false", "search: false\nrights: {default: excerpt, excerpt_words: 5}"),
]


@pytest.mark.parametrize("theme", ["plain", "default"])
@pytest.mark.parametrize(("old", "new"), _CONFIG_EDITS,
                         ids=[new.split(":")[-2].split()[-1] for _, new in _CONFIG_EDITS])
def test_each_site_yaml_key_alone_builds_the_same_site_as_a_clean_build(
    tmp_path: Path, theme: str, old: str, new: str,
) -> None:
    # One key at a time: pages record which keys they read, and only those pages change.
    site = copy_site("basic", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("theme: plain", f"theme: {theme}")
                      .replace("search: false", "search: true"))
    old = old.replace("search: false", "search: true")
    new = new.replace("search: false", "search: true")
    build_site(site)
    assert old in config.read_text()
    config.write_text(config.read_text().replace(old, new))
    report = build_site(site)
    assert report.problems == ()
    assert _equals_clean_build(site, tmp_path)


@pytest.mark.parametrize("new_process", [False, True], ids=["same-session", "new-process"])
def test_publishing_and_unpublishing_a_draft_equals_a_clean_build(
    tmp_path: Path, new_process: bool
) -> None:
    site = copy_site("basic", tmp_path)
    draft = site / "content/articles/guardian/2025-10-02-draft-story.md"
    chips = site / "content/articles" / ARTICLES[2]
    build_site(site)
    for step, (path, status) in enumerate(
            [(draft, "published"), (draft, "draft"), (chips, "draft"), (chips, None)]):
        _set_key(path, "status", status)
        if new_process:
            _new_process()
        changed = None if new_process else frozenset({path})
        assert build_site(site, changed=changed).problems == ()
        clean = tmp_path / f"clean{step}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
        build_site(clean)
        assert tree(site / "_site") == tree(clean / "_site"), (path.name, status)
    assert "Unfinished draft story" not in (site / "_site/2025/10/02/index.html").read_text()


def test_an_excerpt_edit_rerenders_the_lists_that_show_it(tmp_path: Path) -> None:
    # The first paragraph is the excerpt the lists show; the new one has as many words,
    # so the reading time, the title and the placement are all unchanged.
    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    build_site(site)
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text().replace("Export controls now cover more tools.",
                                             "Export quotas now cover fewer tools."))
    report = build_site(site)
    assert report.problems == ()
    assert {"/2025/10/02/", "/publications/the-economist/", "/tags/technology/"} <= (
        report.changed_urls)
    for page in ("2025/10/02", "publications/the-economist", "tags/technology"):
        text = (site / "_site" / page / "index.html").read_text()
        assert "Export quotas now cover fewer tools." in text, page
        assert "Export controls" not in text, page
    assert _equals_clean_build(site, tmp_path)


def test_a_serving_build_leaves_the_index_and_the_records_for_after_the_reload(
    tmp_path: Path,
) -> None:
    # The dev server reloads the browser as soon as the pages are written; the search
    # index and the cache's records follow in `pending`, before the next build.
    from digest.build import build
    from digest.config import load_config

    site = copy_site("basic", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("search: false", "search: true"))
    build_site(site, serving=True, drafts=True)
    index = {n: d for n, d in tree(site / "_site").items() if n.startswith("search/")}
    assert index
    article = site / "content/articles" / ARTICLES[0]
    article.write_text(article.read_text().replace("date: 2025-10-0", "date: 2025-09-0", 1))
    report = build(load_config(site), serving=True, drafts=True, jobs=1)
    assert report.pending is not None and report.pages_written > 0
    # the last index stays in place until then: never pruned with the stale pages
    assert {n: d for n, d in tree(site / "_site").items() if n.startswith("search/")} == index
    assert report.pending() == ()
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
    build_site(clean, serving=True, drafts=True)
    assert tree(site / "_site") == tree(clean / "_site")
    # and the records were kept: the next build knows at once it has nothing to do
    assert "render" not in build_site(site, serving=True, drafts=True).timings


@pytest.mark.parametrize("new_process", [False, True], ids=["same-session", "new-process"])
def test_an_article_that_became_a_neighbour_by_a_reorder_shows_its_later_edits(
    tmp_path: Path, new_process: bool
) -> None:
    # The edition of 2025-10-01 reads Energy, Belarus, Central banks; featuring Central
    # banks puts it first, before Energy, whose page links to it only from then on.
    site = copy_site("basic", tmp_path)
    banks = site / "content/articles/economist/2025-10-01-central-banks.md"
    energy_page = site / "_site/the-guardian/2025-10-01-energy-prices/index.html"
    build_site(site)
    assert "Central banks" not in energy_page.read_text()
    for key, value in (("featured", "true"), ("title", "Banks blink")):
        _set_key(banks, key, value)
        if new_process:
            _new_process()
        report = build_site(site, changed=None if new_process else frozenset({banks}))
        assert report.problems == () and "plan" not in report.timings, key
    assert '<a rel="prev" href="../../the-economist/2025-10-01-central-banks/index.html">' \
        'Banks blink</a>' in energy_page.read_text()
    assert _equals_clean_build(site, tmp_path)


def test_a_body_edit_in_a_new_process_rerenders_the_lists_that_show_whole_bodies(
    tmp_path: Path,
) -> None:
    site = copy_site("basic", tmp_path)
    apply(site, ("override", 0, 0))  # lists of the plain theme show each article's body
    build_site(site)
    _new_process()
    path = site / "content/articles" / ARTICLES[1]  # its standfirst is its excerpt
    path.write_text(path.read_text() + "\nA last paragraph.\n")
    report = build_site(site)
    assert report.problems == () and "plan" not in report.timings
    assert "A last paragraph." in (site / "_site/2025/10/01/index.html").read_text()
    assert _equals_clean_build(site, tmp_path)


def test_a_body_that_lists_show_only_since_a_reorder_is_shown_after_its_edit(
    tmp_path: Path,
) -> None:
    # Lists show a featured article's whole body: featuring one makes them read it.
    site = copy_site("basic", tmp_path)
    item = site / "templates/_item.html"
    item.parent.mkdir()
    item.write_text(PLAIN_ITEM.replace(
        "</li>", "{% if a.featured %}<div>{{ a.body_html }}</div>{% endif %}</li>"))
    banks = site / "content/articles/economist/2025-10-01-central-banks.md"
    _set_key(banks, "standfirst", "Rates stay put.")  # its excerpt: lists show no more
    build_site(site)
    for step in ("featured", "body"):
        if step == "featured":
            _set_key(banks, "featured", "true")
        else:
            banks.write_text(banks.read_text() + "\nA last paragraph.\n")
        report = build_site(site)
        assert report.problems == () and "plan" not in report.timings, step
    assert "A last paragraph." in (site / "_site/2025/10/01/index.html").read_text()
    assert _equals_clean_build(site, tmp_path)


def test_a_touched_article_leaves_the_next_edit_incremental(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    path = site / "content/articles" / ARTICLES[2]
    path.write_text(path.read_text())
    assert build_site(site).changed_urls == set()
    path.write_text(path.read_text().replace("title: The chip war widens", "title: Chips"))
    report = build_site(site)
    assert report.problems == () and "plan" not in report.timings
    assert _equals_clean_build(site, tmp_path)


def test_a_reorder_renders_again_the_archive_that_names_the_editions_publications(
    tmp_path: Path,
) -> None:
    # The archive shows each edition's publications in its order, not its articles.
    site = copy_site("basic", tmp_path)
    _use_default_theme(site)
    build_site(site)
    archive = site / "_site/archive/index.html"
    assert "The Guardian · The Economist</span>" in archive.read_text()
    # Both featured: publications by name.
    _set_key(site / "content/articles/economist/2025-10-01-central-banks.md", "featured", "true")
    report = build_site(site)
    assert report.problems == () and "plan" not in report.timings
    assert "/archive/" in report.changed_urls
    assert "The Economist · The Guardian</span>" in archive.read_text()
    assert _equals_clean_build(site, tmp_path)


@pytest.mark.parametrize("new_process", [False, True], ids=["same-session", "new-process"])
def test_a_snapshot_in_many_chunks_gives_the_clean_builds_pages(
    tmp_path: Path, new_process: bool
) -> None:
    # A real site's snapshot holds its pages and entries in chunks of 64: here of 3, so
    # that edits, reorders and the readers they add fall in every chunk but the first.
    site = copy_site("basic", tmp_path)
    steps: list[Edit] = [("title", 0, 1), ("featured", 0, 0), ("title", 2, 3), ("body", 1, 4),
                         ("title", 3, 5), ("featured", 1, 0), ("title", 0, 6), ("excerpt", 2, 7)]
    with mock.patch.object(incremental, "_CHUNK", 3):
        build_site(site)
        for step, edit in enumerate(steps):
            changed = apply(site, edit)
            if new_process:
                _new_process()
            report = build_site(site, changed=None if new_process else frozenset({changed}))
            assert report.problems == () and "plan" not in report.timings, edit
            assert _equals_clean_build(site, tmp_path / str(step)), edit


@pytest.mark.parametrize("rejected", [0, 1])
def test_a_status_edit_between_statuses_not_published_counts_them_anew(
    tmp_path: Path, rejected: int
) -> None:
    # From one status that is not published to another: the site's pages stay the same,
    # and the build's summary counts them anew.
    site = copy_site("basic", tmp_path)
    draft = site / "content/articles/guardian/2025-10-02-draft-story.md"
    if rejected:
        _set_key(site / "content/articles" / ARTICLES[2], "status", "rejected")
    assert f"not published: 1 draft{', 1 rejected' * rejected} (" in build_site(site).summary()
    _set_key(draft, "status", "rejected")
    report = build_site(site, changed=frozenset({draft}))
    assert "plan" not in report.timings
    assert f"not published: {1 + rejected} rejected (" in report.summary()
    assert _equals_clean_build(site, tmp_path)
    assert build_site(tmp_path / "clean").withheld == report.withheld


@pytest.mark.parametrize("new_process", [False, True], ids=["same-session", "new-process"])
def test_counts_of_articles_not_published_last_after_their_status_edits(
    tmp_path: Path, new_process: bool
) -> None:
    site = copy_site("basic", tmp_path)
    draft = site / "content/articles/guardian/2025-10-02-draft-story.md"
    chips = site / "content/articles" / ARTICLES[2]
    build_site(site)
    for path, key, value, shown in (
            (draft, "status", "rejected", "1 rejected"), (chips, "title", "Chips", "1 rejected"),
            (draft, "status", "draft", "1 draft")):
        _set_key(path, key, value)
        if new_process:
            _new_process()
        report = build_site(site, changed=None if new_process else frozenset({path}))
        assert "plan" not in report.timings
        assert f"not published: {shown} (" in report.summary(), (key, value)


def test_an_edit_that_breaks_an_article_is_reported_as_a_clean_build_reports_it(
    tmp_path: Path,
) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    changed = apply(site, ("broken", 2, 0))
    report = build_site(site, changed=frozenset({changed}))
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
    assert report.problems == build_site(clean).problems != ()


def test_featuring_a_draft_changes_no_page(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    draft = site / "content/articles/guardian/2025-10-02-draft-story.md"
    build_site(site)
    _set_key(draft, "featured", "true")
    report = build_site(site, changed=frozenset({draft}))
    assert report.problems == () and "plan" not in report.timings
    assert report.changed_urls == set()


def test_featured_and_order_edited_together_reorder_the_edition(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    banks = site / "content/articles/economist/2025-10-01-central-banks.md"
    edition = site / "_site/2025/10/01/index.html"
    build_site(site)
    assert edition.read_text().index("Energy prices") < edition.read_text().index("Central banks")
    text = banks.read_text().replace("kicker: Finance", "kicker: Finance\nfeatured: true\norder: 1")
    banks.write_text(text)
    report = build_site(site, changed=frozenset({banks}))
    assert report.problems == () and "plan" not in report.timings
    assert edition.read_text().index("Central banks") < edition.read_text().index("Energy prices")
    assert _equals_clean_build(site, tmp_path)


def test_only_edited_articles_count_towards_the_limit_of_an_incremental_build(
    tmp_path: Path,
) -> None:
    # Beyond _MAX_CHANGED edited files the complete build runs: the site's other articles,
    # unchanged, do not count.
    site = copy_site("basic", tmp_path)
    build_site(site)
    articles = site / "content/articles"
    with mock.patch.object(incremental, "_MAX_CHANGED", 1):
        apply(site, ("title", 2, 1))
        assert "plan" not in build_site(site).timings
        apply(site, ("title", 0, 2))
        apply(site, ("title", 1, 3))
        assert "plan" in build_site(site).timings
    assert (articles / ARTICLES[0]).exists() and _equals_clean_build(site, tmp_path)


def test_the_stamps_key_tells_any_file_change_apart() -> None:
    from digest.build_inputs import stamps_key
    from digest.scan import Stamp

    stamps = {"articles/a.md": Stamp(1_700_000_000_000_000_000, 120),
              "articles/b.md": Stamp(1_700_000_000_000_000_001, 64)}
    key = stamps_key(stamps)
    assert stamps_key(dict(stamps)) == key
    others = [
        {**stamps, "articles/a.md": Stamp(1_700_000_000_000_000_001, 120)},  # touched
        {**stamps, "articles/b.md": Stamp(1_700_000_000_000_000_001, 65)},  # same mtime
        {"articles/a.md": stamps["articles/a.md"]},  # deleted
        {"articles/a.md": stamps["articles/a.md"], "articles/c.md": stamps["articles/b.md"]},
    ]
    assert len({key, *map(stamps_key, others)}) == 1 + len(others)
