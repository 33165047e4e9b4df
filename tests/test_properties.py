"""Property tests: thousands of generated inputs for the front-matter parser and writer,
the dump normaliser and the sluggers.

- any text given to the front-matter parser gives a document or a DigestError, nothing else;
- any ArticleMeta written by dump_document reads back equal (and rewriting changes no byte);
- any bytes given to parse_dump give a document that writes and reads back, or a DigestError;
- every slug and article path is safe: ASCII lowercase words, no `..`, no separators,
  never empty, at most 80 characters.
"""

from __future__ import annotations

import os
import re
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markup_text import markup_text

from digest.errors import DigestError
from digest.frontmatter import is_web_address, parse_document
from digest.frontmatter_dump import dump_document
from digest.model import ArticleDocument, ArticleMeta, PartialDate, RelatedStory, SourceInfo

# 2,400 generated inputs in all (about 25 s on two idle cores); DIGEST_STRESS=1 runs five
# times as many (12,000).
STRESS = 5 if os.environ.get("DIGEST_STRESS", "") not in ("", "0") else 1


def examples(count: int) -> int:
    return count * STRESS


SETTINGS = settings(max_examples=examples(100), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text as a curator or an app could produce it: any code point but lone surrogates.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
hostile_text = st.one_of(
    any_text,
    markup_text,  # quotes of both kinds, braces, template delimiters, `<`, `&`, `]]>`
    st.sampled_from([
        "", " ", "---", "...", "- a", "? x", "key: value", "#", "&anchor", "*alias", "!!python/x",
        "{{ 7*7 }}", "{% raw %}", "'", '"', "\\", "\t", "\n", "\r\n", "\x00", "\x1b[31m",
        "\u202e", "\ufeff", "\u2028", "\u0085", "yes", "no", "null", "~", "1e3", "0x1F",
        "2025-10-01", "12:30", "| x", "> x", "%YAML 1.1", "@", "`",
    ]),
    st.lists(st.sampled_from(["a", " ", ":", "-", "#", "\n", "'", '"', "\\", "|", ">", "{",
                              "}", "[", "]", ",", "&", "*", "!", "%", "@", "\t", "é", "🙂"]),
             max_size=30).map("".join),
)
optional_text = st.none() | hostile_text.filter(lambda s: s != "")

dates = st.builds(
    lambda y, m, d, monthly: PartialDate(y, m, None if monthly else d),
    st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 28), st.booleans(),
)
related = st.builds(
    RelatedStory, title=hostile_text.filter(bool), summary=optional_text,
    publication=optional_text, date=optional_text,
    reading_time=st.none() | st.integers(0, 10_000),
)
sources = st.builds(
    SourceInfo, file=hostile_text, format=st.sampled_from(
        ["magzter", "html", "email", "pressreader", "markdown", "text"]),
    sha256=st.text(string.hexdigits.lower(), min_size=64, max_size=64),
    ui_language=st.none() | st.sampled_from(["en", "de", "nb", "tr"]),
)
# Source links: web addresses with hostile text in them, and hostile text that is not one
# (which must be refused with the line of `url:`).
urls = st.one_of(
    st.none(),
    st.builds(lambda scheme, host, rest: f"{scheme}://{host}/{rest}",
              st.sampled_from(["http", "https", "HTTPS"]),
              st.sampled_from(["example.com", "xn--e1afmkfd.org", "[::1]", "a"]), hostile_text),
    optional_text,
)
metas = st.builds(
    ArticleMeta,
    title=hostile_text.filter(lambda s: s.strip() != ""),
    publication=optional_text, date=st.none() | dates, kicker=optional_text,
    edition=optional_text, lang=optional_text, author=optional_text, standfirst=optional_text,
    url=urls, reading_time=st.none() | st.integers(0, 100_000),
    truncated=st.booleans(), tags=st.lists(hostile_text, max_size=4).map(tuple),
    related=st.lists(related, max_size=3).map(tuple), source=st.none() | sources,
    review=st.lists(hostile_text, max_size=3).map(tuple), duplicate_of=optional_text,
    note=optional_text, featured=st.booleans(),
    status=st.sampled_from(["published", "draft"]),
)
# A lone CR is a line end (files saved on Windows are read with CRLF folded to LF).
bodies = st.one_of(
    any_text,
    st.lists(st.sampled_from(["---", "# Title", "text", "", "- item", "> quote", "```",
                              "{{ x }}", "<script>", "\t", "  ", "é"]), max_size=12)
    .map("\n".join),
).map(lambda body: body.replace("\r", ""))


@settings(SETTINGS, max_examples=examples(300))
@given(meta=metas, body=bodies)
def test_front_matter_round_trips(meta: ArticleMeta, body: str) -> None:
    document = ArticleDocument(meta=meta, body=body)
    text = dump_document(document)
    if meta.url is not None and not is_web_address(meta.url):
        try:
            parse_document(text, "a.md")
        except DigestError as exc:
            [problem] = exc.problems
            assert problem.path == "a.md" and "`url` must be a web address" in problem.message
            assert text.split("\n")[problem.line - 1].startswith("url:"), (problem, text)
            return
        raise AssertionError(f"a source link that is not a web address was accepted: "
                             f"{meta.url!r}")
    parsed = parse_document(text, "a.md")
    assert parsed.meta == meta
    assert parsed.body == body.strip("\n").rstrip("\n")
    assert dump_document(parsed) == text  # rewriting an unchanged article changes no byte


front_matter_lines = st.lists(
    st.one_of(
        st.sampled_from([
            "title: x", "title:", "title: [a]", "date: 2025-02-30", "date: 2025-10",
            "tags: [a, b]", "tags: 5", "a: &x 1", "b: *x", "<<: *x", "!!python/name:os.system",
            "key: !!binary aGk=", "  indented: 1", "- item", "? complex", ": value", "'q",
            '"unterminated', "reading_time: -1", "featured: maybe", "status: draft",
            "related: [{title: t}]", "source: {file: f, format: text, sha256: s}",
            "related: [1]", "1: x", "null: y", "%TAG ! tag:x,2000:", "...", "---",
        ]),
        hostile_text,
    ),
    max_size=10,
)


@settings(SETTINGS, max_examples=examples(600))
@given(lines=front_matter_lines, body=bodies, fence=st.sampled_from(["---", "--- ", "---\t"]))
def test_front_matter_parser_only_raises_user_errors(
    lines: list[str], body: str, fence: str
) -> None:
    text = f"---\n{chr(10).join(lines)}\n{fence}\n{body}"
    try:
        document = parse_document(text, "content/articles/x.md")
    except DigestError as exc:
        for problem in exc.problems:
            assert problem.path == "content/articles/x.md"
            assert problem.line is None or problem.line >= 1
        return
    assert document.meta.title.strip()


dump_lines = st.one_of(
    st.sampled_from([
        "Try GOLD - Free", "Versuchen GOLD - Frei", "|October 01, 2025", "|1. Oktober 2025",
        "The Guardian", "Publication|April 2023", "This story is from the October 01, 2025 "
        "edition of The Guardian.", "Diese Geschichte stammt aus der October 01, 2025-Ausgabe "
        "von The Guardian.", "Subscribe to Magzter GOLD to access thousands of curated "
        "premium stories.", "Already a subscriber? Sign In", "MORE STORIES FROM The Guardian",
        "2 mins", "Listen", "Translate", "Change font size", "From: A <a@b.c>",
        "Subject: Hello", "Date: Wed, 01 Oct 2025 10:00:00 +0000", "<html>", "<title>T</title>",
        "<meta property=\"og:title\" content=\"x\">", "---", "title: x", "- - Author",
        "Ã©tÃ©", "\ufeff", "", "   ", "\t", "<script>alert(1)</script>", "{{ 7*7 }}",
    ]),
    hostile_text,
)
dumps = st.one_of(
    st.lists(dump_lines, max_size=25).map("\n".join).flatmap(
        lambda text: st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]).map(
            lambda enc: text.encode(enc, errors="replace"))),
    st.binary(max_size=400),
)
dump_names = st.sampled_from(["dump.txt", "page.html", "mail.eml", "note.md", "noext",
                              "x.htm", "y.markdown"])


@settings(max_examples=examples(250), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=dumps, name=dump_names)
def test_parse_dump_gives_a_valid_article_or_a_user_error(data: bytes, name: str) -> None:
    from digest.normalize import parse_dump

    try:
        document = parse_dump(data, name)
    except DigestError as exc:
        assert exc.problems and all(p.path for p in exc.problems)
        return
    assert document.meta.title.strip()
    assert "\x00" not in document.meta.title
    text = dump_document(document)
    again = parse_document(text, "content/articles/x.md")
    assert again.meta == document.meta
    assert dump_document(again) == text


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@settings(max_examples=examples(600), deadline=None)
@given(text=st.one_of(hostile_text, st.text(max_size=400)))
def test_slugs_are_safe(text: str) -> None:
    from digest.normalize.paths import slug as file_slug
    from digest.urls import article_slug, slugify

    for value in (slugify(text), article_slug(text)):
        assert value and (SLUG.match(value) or value == "x"), (text, value)
        assert len(value) <= 80, (text, value)  # a path segment, whatever the name's length
    made = file_slug(text, "fallback")
    assert made == "fallback" or (SLUG.match(made) and len(made) <= 80), (text, made)


@settings(max_examples=examples(300), deadline=None)
@given(text=st.text(alphabet="aZ09 -", max_size=120) | st.text(
    alphabet=st.characters(codec="ascii"), max_size=60))
def test_plain_names_are_slugged_as_python_slugify_does(text: str) -> None:
    # Plain names skip the python-slugify import; the address must not change for it.
    from slugify import slugify as reference

    from digest.urls import slugify

    expected = reference(text)
    if expected and len(expected) <= 80:  # else digest's own fallback or hash suffix
        assert slugify(text) == expected, text


path_metas = st.builds(
    ArticleMeta, title=st.one_of(hostile_text, st.text(max_size=400)).filter(str.strip),
    publication=st.none() | hostile_text | st.text(max_size=400), date=st.none() | dates,
)


@settings(SETTINGS, max_examples=examples(300))
@given(meta=path_metas, suffix=st.sampled_from(["", "1a2b3c4d", "0123456789abcdef"]))
def test_article_paths_stay_inside_articles(meta: ArticleMeta, suffix: str) -> None:
    from digest.normalize.paths import article_path

    rel = article_path(meta, suffix)
    parts = rel.split("/")
    assert parts[0] == "articles" and len(parts) == 3, rel
    assert all(p not in ("", ".", "..") and not p.startswith(".") for p in parts), rel
    assert all(len(p.encode()) <= 255 for p in parts), rel
    assert re.fullmatch(r"[a-z0-9.-]+", parts[1] + parts[2]), rel
    assert rel.endswith(".md")


@settings(max_examples=examples(350), deadline=None)
@given(text=hostile_text | st.text(max_size=30))
def test_partial_date_parse_never_raises(text: str) -> None:
    parsed = PartialDate.parse(text)
    if parsed is not None:
        assert PartialDate.parse(parsed.iso) == parsed
