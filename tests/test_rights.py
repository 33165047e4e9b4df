"""What leaves the machine: each article's rights mode and status, across every output file."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from digest.build import build
from digest.check import check, notes
from digest.config import load_config, parse_config
from digest.errors import DigestError
from digest.model import ArticleMeta
from digest.rights import extract, publishable

ATOM = "{http://www.w3.org/2005/Atom}"
POLICY = """title: Rights test
base_url: https://digest.example.org/
rights:
  default: excerpt
  excerpt_words: 14
  publications:
    Open Paper: full
    Closed Paper: headline
"""


def story(publication: str, words: tuple[str, ...], *, url: bool = True, extra: str = "") -> str:
    """An article whose sentences each carry one marker word, five words a sentence."""
    body = " ".join(f"The {w} sentence is here." for w in words)
    name = publication.lower().replace(" ", "")
    link = f"url: https://{name}.example/story-{len(words)}\n" if url else ""
    return (f"---\ntitle: A story of {len(words)}\npublication: {publication}\n"
            "author: Ana Roth\n"
            f"date: 2025-10-0{len(words) % 9 + 1}\n{link}{extra}"
            f"related:\n  - title: Other story\n    summary: relatedsummary{words[0]}\n"
            f"---\n\n{body}\n\nA second paragraph with {words[0]}tail in it.\n")


EXCERPTED = ("exone", "extwo", "exthree", "exfour")
HEADLINED = ("hdone", "hdtwo")
FULL = ("fuone", "futwo")


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(config=POLICY, articles={
        "a/excerpted.md": story("Middle Paper", EXCERPTED,
                                extra="standfirst: The standfirst standword sets it up.\n"),
        "b/headlined.md": story("Closed Paper", HEADLINED),
        "c/full.md": story("Open Paper", FULL),
    })


def every_output(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*") if p.is_file()}


def test_each_mode_publishes_only_what_it_allows_in_every_output_file(site: Path) -> None:
    assert build(load_config(site), jobs=1).problems == ()
    files = every_output(site / "_site")
    assert any(name.startswith("search/") for name in files)  # the index is among them
    everything = "\n".join(files.values()).lower()
    # excerpt (14 words): the first two five-word sentences and the standfirst before them
    # fit, nothing after them does
    assert "standword" in everything and "exone" in everything
    for hidden in ("extwo", "exthree", "exfour", "exonetail", "relatedsummaryexone"):
        assert hidden not in everything, hidden
    # headline: no body text at all, nor the related stories' summaries
    for hidden in ("hdone", "hdtwo", "relatedsummaryhdone"):
        assert hidden not in everything, hidden
    # full: everything
    for shown in ("fuone", "futwo", "fuonetail", "relatedsummaryfuone"):
        assert shown in everything, shown


def test_attribution_and_the_link_to_the_original_in_every_mode(site: Path) -> None:
    assert build(load_config(site), jobs=1).problems == ()
    out = site / "_site"
    for slug, paper, marker in (("middle-paper", "Middle Paper", len(EXCERPTED)),
                                ("closed-paper", "Closed Paper", len(HEADLINED)),
                                ("open-paper", "Open Paper", len(FULL))):
        [page] = (out / slug).glob("*/index.html")
        html = page.read_text(encoding="utf-8")
        original = f"https://{paper.lower().replace(' ', '')}.example/story-{marker}"
        assert f'href="{original}"' in html, slug
        assert paper in html and "Ana Roth" in html and "2025-10-0" in html
    excerpt_page = next((out / "middle-paper").glob("*/index.html")).read_text(encoding="utf-8")
    # quoted, as a quotation: the standfirst and one sentence make 11 of the 14 words
    assert "“The standfirst standword sets it up. The exone sentence is here.”" in excerpt_page
    assert "— Ana Roth, Middle Paper" in excerpt_page
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        content = entry.findtext(f"{ATOM}content") or ""
        related = entry.find(f"{ATOM}link[@rel='related']")
        assert related is not None and related.get("href", "") in content
        assert "Paper</cite> · Ana Roth · 2025-10-0" in content
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ana Roth"
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert {i["_digest"]["rights"] for i in items} == {"full", "excerpt", "headline"}
    assert all(i["external_url"] in i["content_html"] for i in items)


def test_a_theme_cannot_reach_the_text_its_rights_withhold(
    site: Path, make_site: Callable[..., Path],
) -> None:
    # A site template that asks for everything an article view has.
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text(
        "{{ article.body }}|{{ article.body_html }}|{{ article.excerpt }}|"
        "{{ article.standfirst }}|{{ article.related }}", encoding="utf-8")
    assert build(load_config(site), jobs=1).problems == ()
    text = "\n".join(every_output(site / "_site").values()).lower()
    assert "hdone" not in text and "exthree" not in text and "standword" in text


def test_the_article_front_matter_overrides_its_publication(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(config=POLICY, articles={
        "b/licensed.md": story("Closed Paper", HEADLINED, extra="rights: full\n")})
    assert build(load_config(site), jobs=1).problems == ()
    assert "hdtwo" in "\n".join(every_output(site / "_site").values())


def test_a_policy_change_rebuilds_what_it_changes(site: Path) -> None:
    config = load_config(site)
    build(config, jobs=1)
    before = every_output(site / "_site")
    assert "fuone" in before["feed.xml"]
    (site / "site.yaml").write_text(POLICY.replace("Open Paper: full", "Open Paper: headline"),
                                    encoding="utf-8")
    build(load_config(site), jobs=1)
    after = every_output(site / "_site")
    assert "fuone" not in "\n".join(after.values())
    # the same as a clean build
    clean = site.parent / "clean"
    import shutil

    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
    build(load_config(clean), jobs=1)
    assert every_output(clean / "_site") == after


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("rights:\n  default: exerpt\n", "site.yaml:2: rights.default must be one of full, "
     "excerpt, headline, not 'exerpt'\n  did you mean 'excerpt'?"),
    ("rights:\n  publications:\n    Rheinpost: headlines\n",
     "site.yaml:3: rights.publications.Rheinpost must be one of full, excerpt, headline, "
     "not 'headlines'\n  did you mean 'headline'?"),
    ("rights:\n  excerpt_word: 40\n", "site.yaml:2: unknown key 'rights.excerpt_word'\n"
     "  did you mean 'excerpt_words'?"),
    ("rights:\n  excerpt_words: 0\n", "site.yaml:2: rights.excerpt_words must be a whole "
     "number of words above 0"),
    ("rights: excerpt\n", "site.yaml:1: rights must be a mapping"),
])
def test_a_wrong_policy_is_a_config_error_at_its_line(yaml_text: str, message: str) -> None:
    with pytest.raises(DigestError) as caught:
        parse_config(yaml_text, Path("."))
    assert str(caught.value.problems[0]).startswith(message)


def test_check_warns_about_risky_policies_and_lists_what_is_kept_back(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(
        config=POLICY.replace("excerpt_words: 14", "excerpt_words: 150")
        + "    Rhinepost: headline\n",
        articles={
            "a/nolink.md": story("Middle Paper", EXCERPTED, url=False),
            "a/draft.md": story("Middle Paper", ("drone",), extra="status: draft\n"),
            "a/draftnolink.md": story("Middle Paper", ("drtwo", "drthree"), url=False,
                                      extra="status: draft\n"),
            "a/gone.md": story("Middle Paper", ("rejone",), extra="status: rejected\n"),
            "a/held.md": story("Middle Paper", ("heldone",),
                               extra="status: held\nreview: [no date found]\n"),
        })
    build(load_config(site), jobs=1)
    said = [str(n) for n in notes(load_config(site))]
    assert any(s.startswith("site.yaml:3: warning: rights.excerpt_words is 150") for s in said)
    assert any("'Rhinepost', which no article has" in s for s in said)
    assert any(s.startswith("content/articles/a/nolink.md: warning: published as an excerpt "
                            "with no `url`") for s in said)
    assert any(s.startswith("content/articles/a/draft.md: note: draft, not published")
               for s in said)
    # Not published yet: the warning says so.
    assert any(s.startswith("content/articles/a/draftnolink.md: warning: to be published as an "
                            "excerpt with no `url`") for s in said)
    assert any(s.startswith("content/articles/a/gone.md: note: rejected, not published")
               for s in said)
    problems = [str(p) for p in check(load_config(site))]
    assert any(p.startswith("content/articles/a/held.md: held, not published: needs review: "
                            "no date found") for p in problems)


def test_no_policy_is_full_text_and_check_says_so(make_site: Callable[..., Path]) -> None:
    site = make_site(articles={"a/x.md": story("Middle Paper", FULL)})
    build(load_config(site), jobs=1)
    assert "futwo" in (site / "_site/feed.xml").read_text(encoding="utf-8")
    assert any("no `rights:` policy" in n.message for n in notes(load_config(site)))


# --- the excerpt itself ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("One two three. Four five six. Seven.", 6, "One two three. Four five six."),
    ("One two three. Four five six. Seven.", 5, "One two three."),
    ("One two three four five six seven.", 3, "One two three …"),
    ("Dr. Meier kam am 9. Mai. Dann ging er. Ende.", 9, "Dr. Meier kam am 9. Mai. Dann ging er."),
    ("Dr. Meier kam am 9. Mai. Dann ging er.", 4, "Dr. Meier kam am …"),
    ("J. Smith said so! Did he? Yes.", 6, "J. Smith said so! Did he?"),
    ("J. Smith said so! Did he? Yes.", 5, "J. Smith said so!"),
    ("«Wir bleiben.» Sagte sie. Dann nichts.", 4, "«Wir bleiben.» Sagte sie."),
    ("Short text without end", 10, "Short text without end"),
    ("", 10, ""),
])
def test_excerpts_are_whole_sentences_within_the_limit(text: str, limit: int,
                                                       expected: str) -> None:
    assert extract(text, limit) == expected


def test_the_excerpt_is_quoted_in_the_article_language_and_escaped() -> None:
    meta = ArticleMeta(title="T", publication="Zeit & <Raum>", author="A", lang="de",
                       standfirst="Vorspann <b>.")
    shown = publishable(meta, "<p>Das ist <em>gut</em>. Und mehr &amp; mehr.</p>", "",
                        "excerpt", 60)
    assert shown.excerpt == "„Vorspann <b>. Das ist gut. Und mehr & mehr.“"
    assert "<b>" not in shown.body_html and "&lt;b&gt;" in shown.body_html
    assert "Zeit &amp; &lt;Raum&gt;" in shown.body_html
    assert shown.meta.standfirst is None
    headline = publishable(meta, "<p>Text.</p>", "Text.", "headline", 60)
    assert (headline.body_html, headline.excerpt, headline.meta.standfirst) == ("", "", None)


# --- statuses: what the curator has released --------------------------------------------

def test_normalize_holds_what_it_flagged_until_the_review_is_cleared(
    make_site: Callable[..., Path],
) -> None:
    from digest.normalize import normalize

    site = make_site(inbox={"pasted.txt": "Something I copied\n\nA heldword paragraph of "
                            "pasted text that no reading app wrote, long enough to keep.\n"})
    config = load_config(site)
    report = normalize(config, None, force=False, dry_run=False, stdout=None, progress=False,
                       jobs=1)
    [written] = report.written
    article = site / "content" / written
    text = article.read_text(encoding="utf-8")
    assert "\nstatus: held\n" in text and "\nreview:" in text
    built = build(config, jobs=1)
    assert "heldword" not in "\n".join(every_output(site / "_site").values())
    assert "not published: 1 held (digest check lists them)" in built.summary()
    # the dev server's preview shows it, marked
    preview = build(config, jobs=1, serving=True, drafts=True)
    assert preview.withheld == ()
    page = next(p for p in (site / "_site").rglob("index.html") if "heldword" in p.read_text())
    assert 'class="badge badge--held"' in page.read_text(encoding="utf-8")
    # clearing the review notes releases it; `status: held` may stay as it was
    cleared = re.sub(r"^review:.*\n(?:(?:  |- ).*\n)*", "", text, flags=re.M)
    assert "review" not in cleared and "status: held" in cleared
    article.write_text(cleared, encoding="utf-8")
    released = build(config, jobs=1)
    assert released.withheld == ()
    page = next(p for p in (site / "_site").rglob("index.html") if "heldword" in p.read_text())
    assert "badge" not in page.read_text(encoding="utf-8")


def test_rejected_articles_are_shown_nowhere_and_drafts_only_when_asked(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(config=POLICY, articles={
        "a/out.md": story("Open Paper", ("rejword",), extra="status: rejected\n"),
        "a/draft.md": story("Open Paper", ("draftword", "x"), extra="status: draft\n"),
        "a/in.md": story("Open Paper", FULL),
    })
    config = load_config(site)
    report = build(config, jobs=1)
    assert report.withheld == (("draft", 1), ("rejected", 1))
    text = "\n".join(every_output(site / "_site").values())
    assert "fuone" in text and "draftword" not in text and "rejword" not in text
    for drafts, serving in ((True, False), (True, True)):
        report = build(config, jobs=1, drafts=drafts, serving=serving)
        text = "\n".join(every_output(site / "_site").values())
        assert "draftword" in text and "rejword" not in text
        assert report.withheld == (("rejected", 1),)
