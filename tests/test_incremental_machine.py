"""Random sequences of edits, each built incrementally and compared with a clean build.

A hypothesis state machine edits a site as a curator and a theme author would (bodies,
titles, dates, tags, status, review notes, rights, order, featured flags, notes; articles
added, deleted, renamed; site.yaml; a site override of the article card, some showing
whole bodies in lists; the site's UI strings) and after every step builds it again, in
the same process (the dev server, sometimes told which file changed) or in a new one
(`digest build`, which reads the cache). The output must equal a clean build of the same
files, byte for byte.

DIGEST_STRESS=1 runs many more and longer sequences.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from test_build_support import SITES, build_site, tree

from digest.build_state import BuildState
from digest.theme_files import bundled_themes

STRESS = os.environ.get("DIGEST_STRESS", "") not in ("", "0")

CARD = "partials/article_card.html"
# Overrides of the default theme's article card: what lists show of each article.
CARD_VARIANTS = [
    ("</article>", "<div class=\"card__body\">{{ article.body }}</div></article>"),
    ("</article>", "<div>{{ article.body_html }}</div></article>"),
    ("</article>", "{% if article.featured %}<div>{{ article.body }}</div>{% endif %}</article>"),
    ("<p class=\"meta\">", "<p class=\"meta\" data-card=\"1\">"),
    ("</article>", "<p>{{ t('nav_archive') }}</p></article>"),
]
CONFIG = [
    ("title", ["Digest A", "Digest B"]),
    ("page_size", ["1", "2", "3"]),
    ("edition_period", ["daily", "weekly", "monthly"]),
    ("language", ["en", "fr"]),
    ("feeds", ["{atom: true, json: true, items: 2}", "{atom: true, json: false, items: 5}"]),
    ("rights", ["{default: full}", "{default: excerpt, excerpt_words: 8}",
                "{default: full, publications: {The Guardian: headline}}"]),
]


def _articles(site: Path) -> list[Path]:
    return sorted((site / "content/articles").rglob("*.md"))


def _set(site: Path, key: str, value: str) -> Path:
    config = site / "site.yaml"
    lines = [line for line in config.read_text().splitlines() if not line.startswith(f"{key}:")]
    config.write_text("\n".join([*lines, f"{key}: {value}"]) + "\n")
    return config


def _front(path: Path, key: str, value: str | None) -> None:
    """Set (or with None, remove) one front-matter line."""
    head, _, body = path.read_text().partition("\n---\n")
    lines = [line for line in head.splitlines() if not line.startswith(f"{key}:")]
    if value is not None:
        lines.append(f"{key}: {value}")
    path.write_text("\n".join(lines) + "\n---\n" + body)


class IncrementalBuilds(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="digest-machine-"))
        self.site = self.work / "site"
        shutil.copytree(SITES / "basic", self.site)
        _set(self.site, "theme", "default")
        self.steps = 0
        self.changed: Path | None = None

    def teardown(self) -> None:
        BuildState.forget_all()
        shutil.rmtree(self.work, ignore_errors=True)

    @initialize(bodies_in_lists=st.booleans())
    def first_build(self, bodies_in_lists: bool) -> None:
        if bodies_in_lists:
            self._card(0)
        BuildState.forget_all()
        build_site(self.site)

    def _pick(self, n: int) -> Path | None:
        articles = _articles(self.site)
        return articles[n % len(articles)] if articles else None

    def _card(self, variant: int) -> Path:
        old, new = CARD_VARIANTS[variant % len(CARD_VARIANTS)]
        card = self.site / "templates" / CARD
        card.parent.mkdir(parents=True, exist_ok=True)
        text = (bundled_themes() / "default/templates" / CARD).read_text()
        card.write_text(text.replace(old, new, 1))
        return card

    # Articles

    @rule(n=st.integers(0, 99), words=st.integers(1, 60))
    def body(self, n: int, words: int) -> None:
        if (path := self._pick(n)) is not None:
            path.write_text(path.read_text() + "\n" + " ".join(["more"] * words) + f" {n}.\n")
            self.changed = path

    @rule(n=st.integers(0, 99))
    def title(self, n: int) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "title", f"Retitled {n}")
            self.changed = path

    @rule(n=st.integers(0, 99), day=st.sampled_from(
        ["2025-10-01", "2025-10-02", "2025-09-30", "2025-11-03", "2024-12-31", "2025-10"]))
    def date(self, n: int, day: str) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "date", day)
            self.changed = path

    @rule(n=st.integers(0, 99), tags=st.lists(st.sampled_from(["economy", "energy", "t1"]),
                                              max_size=2, unique=True))
    def tag(self, n: int, tags: list[str]) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "tags", "[" + ", ".join(tags) + "]")
            self.changed = path

    @rule(n=st.integers(0, 99), status=st.sampled_from([None, "draft", "held", "rejected"]))
    def status(self, n: int, status: str | None) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "status", status)
            self.changed = path

    @rule(n=st.integers(0, 99), order=st.sampled_from([None, "1", "2", "3"]))
    def order(self, n: int, order: str | None) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "order", order)
            self.changed = path

    @rule(n=st.integers(0, 99), review=st.booleans())
    def review(self, n: int, review: bool) -> None:
        # Held articles are released when their review notes are cleared.
        if (path := self._pick(n)) is not None:
            _front(path, "review", "[check the date]" if review else None)
            self.changed = path

    @rule(n=st.integers(0, 99), mode=st.sampled_from([None, "full", "excerpt", "headline"]))
    def rights(self, n: int, mode: str | None) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "rights", mode)
            self.changed = path

    @rule(n=st.integers(0, 99), featured=st.booleans())
    def featured(self, n: int, featured: bool) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "featured", "true" if featured else None)
            self.changed = path

    @rule(n=st.integers(0, 99), note=st.sampled_from([None, "Worth a read", "Compare <this>"]))
    def note(self, n: int, note: str | None) -> None:
        if (path := self._pick(n)) is not None:
            _front(path, "note", note)
            self.changed = path

    @rule(n=st.integers(0, 99), day=st.sampled_from(["2025-10-01", "2025-10-03", "2025-09"]))
    def add(self, n: int, day: str) -> None:
        path = self.site / f"content/articles/guardian/{day}-added-{n}.md"
        path.write_text(f"---\ntitle: Added {n}\npublication: The Guardian\ndate: {day}\n"
                        f"tags: [t1]\n---\n\nNew *{n}*.\n")
        self.changed = path

    @rule(n=st.integers(0, 99), image=st.sampled_from(["map.png", "../map.png", None]),
          exists=st.booleans())
    def image(self, n: int, image: str | None, exists: bool) -> None:
        # Files beside the articles are published with the articles that link to them.
        for folder in ("content/articles/guardian", "content/articles"):
            picture = self.site / folder / "map.png"
            if exists:
                picture.write_bytes(b"\x89PNG " + folder.encode())
            else:
                picture.unlink(missing_ok=True)
        if (path := self._pick(n)) is not None:
            head, _, body = path.read_text().partition("\n---\n")
            body = "\n".join(line for line in body.splitlines() if "![Map]" not in line)
            if image is not None:
                body += f"\n\n![Map]({image})\n"
            path.write_text(head + "\n---\n" + body)
            self.changed = None  # the pictures changed too: the server would rescan

    @rule(n=st.integers(0, 99))
    def delete(self, n: int) -> None:
        if len(_articles(self.site)) > 2 and (path := self._pick(n)) is not None:
            path.unlink()
            self.changed = path

    @rule(n=st.integers(0, 99))
    def rename(self, n: int) -> None:
        if (path := self._pick(n)) is not None:
            new = path.with_name(path.stem + f"-{n}.md")
            if not new.exists():
                path.rename(new)
                self.changed = None  # two files changed: the server would rescan

    # The site and its theme

    @rule(key=st.integers(0, len(CONFIG) - 1), n=st.integers(0, 2))
    def config(self, key: int, n: int) -> None:
        name, values = CONFIG[key]
        self.changed = _set(self.site, name, values[n % len(values)])

    @rule(variant=st.integers(0, len(CARD_VARIANTS) - 1), remove=st.booleans())
    def override(self, variant: int, remove: bool) -> None:
        card = self.site / "templates" / CARD
        if remove:
            card.unlink(missing_ok=True)
            self.changed = card
        else:
            self.changed = self._card(variant)

    @rule(n=st.integers(0, 9), remove=st.booleans())
    def strings(self, n: int, remove: bool) -> None:
        folder = self.site / "i18n"
        if remove:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.mkdir(exist_ok=True)
            for language in ("en", "fr"):
                (folder / f"{language}.yaml").write_text(
                    f"nav_archive: Archive {n}\ncurator_note: Note {n}\n")
        self.changed = folder / "en.yaml"

    # After every step

    @invariant()
    def equals_a_clean_build(self) -> None:
        if self.steps == 0:  # before the first rule, the first build is the clean one
            self.steps += 1
            return
        self.steps += 1
        new_process = self.steps % 3 == 0
        if new_process:
            BuildState.forget_all()
        hint = frozenset({self.changed}) if self.changed and self.steps % 2 == 0 else None
        # A new `digest build` on two cores: a complete build forks (digest.aside).
        report = build_site(self.site, changed=hint) if not new_process else build_site(
            self.site, jobs=2)
        clean = self.work / f"clean{self.steps}"
        shutil.copytree(self.site, clean, ignore=shutil.ignore_patterns(
            "_site", ".digest-cache", ".digest-output-*"))
        clean_report = build_site(clean)
        assert report.problems == clean_report.problems
        assert tree(self.site / "_site") == tree(clean / "_site")
        shutil.rmtree(clean)
        self.changed = None


IncrementalBuilds.TestCase.settings = settings(
    max_examples=200 if STRESS else 6,
    stateful_step_count=25 if STRESS else 6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_incremental_builds_equal_clean_builds = IncrementalBuilds.TestCase


def _site_with_card(tmp_path: Path) -> tuple[Path, Path, str]:
    """The fixture site on the default theme, with a site override of the list card:
    (site, the override's path, the default card's text)."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    _set(site, "theme", "default")
    card = site / "templates" / CARD
    card.parent.mkdir(parents=True)
    return site, card, (bundled_themes() / "default/templates" / CARD).read_text()


def test_bodies_shown_in_lists_through_article_body(tmp_path: Path) -> None:
    """A site card showing `{{ article.body }}` (no `body_html` in its text): a body edit
    that leaves the summary as it was (the excerpt is the standfirst) re-renders every list
    that shows the body, as a clean build would. Found by what the card read, not by
    searching template text."""
    site, card, text = _site_with_card(tmp_path)
    card.write_text(text.replace("</article>", "<div>{{ article.body }}</div></article>", 1))
    BuildState.forget_all()
    build_site(site)
    path = site / "content/articles/guardian/2025-10-01-energy-prices.md"
    path.write_text(path.read_text() + "\nA paragraph appended.\n")
    BuildState.forget_all()  # a new `digest build`
    report = build_site(site)
    assert {"/2025/10/01/", "/publications/the-guardian/page/2/",
            "/tags/economy/page/2/"} <= report.changed_urls
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-*"))
    build_site(clean)
    assert tree(site / "_site") == tree(clean / "_site")
    assert "A paragraph appended." in (site / "_site/2025/10/01/index.html").read_text()


def test_templates_cannot_reach_private_fields(tmp_path: Path) -> None:
    """Views' private fields (the catalog behind an edition, an article's body loader) are
    out of a template's reach: data reaches templates only through recorded views."""
    site, card, text = _site_with_card(tmp_path)
    for reach in ("article._load_body()", "article['_load_body']()",
                  "(article|attr('_load_body'))()", "article.__class__",
                  "[article]|map(attribute='_body_item')|first"):
        card.write_text(text.replace("</article>", "{{ " + reach + " }}</article>", 1))
        BuildState.forget_all()
        report = build_site(site)
        assert report.problems, reach
        assert any(name in report.problems[0].message
                   for name in ("_load_body", "_body_item", "__class__")), reach
