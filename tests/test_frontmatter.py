"""Front matter: split, parse, validate and dump article files, with exact messages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.errors import DigestError
from digest.frontmatter import parse_document, split
from digest.frontmatter_dump import dump_document
from digest.model import ArticleDocument, ArticleMeta, PartialDate, RelatedStory, SourceInfo

FULL = ArticleMeta(
    title="Ferry gets a reading room",
    kicker="Like a floating library",
    publication="The Harbour Courier",
    date=PartialDate(2025, 10, 6),
    edition="October 06, 2025",
    lang="en",
    author="Mara Quill",
    standfirst="Islanders asked for books: they got three shelves.",
    url="https://example.org/ferry",
    reading_time=3,
    truncated=True,
    tags=("islands", "books"),
    note="Read this one: it is lovely.\nSecond line of the note.",
    featured=True,
    status="draft",
    related=(
        RelatedStory(title="Lifeboat record", summary='A \"busy\" year', date="2025-10-09",
                     publication="The Harbour Courier", reading_time=2),
        RelatedStory(title="Fish market"),
    ),
    source=SourceInfo(file="content/inbox/ferry.txt", format="magzter", sha256="ab" * 32,
                      ui_language="en"),
    review=("date guessed",),
    duplicate_of=None,
)


def messages(exc: pytest.ExceptionInfo[DigestError]) -> list[str]:
    return [str(problem) for problem in exc.value.problems]


def parse_error(text: str) -> list[str]:
    with pytest.raises(DigestError) as exc:
        parse_document(text, "a.md")
    return messages(exc)


# --- round trip -----------------------------------------------------------------------


def test_dump_then_parse_gives_back_every_field() -> None:
    document = ArticleDocument(FULL, "First paragraph.\n\nSecond paragraph.")
    text = dump_document(document)
    assert parse_document(text, "a.md") == document
    # Deterministic: dumping the parsed document again changes no byte.
    assert dump_document(parse_document(text, "a.md")) == text


def test_dump_puts_the_fields_in_a_fixed_order_and_leaves_out_empty_ones() -> None:
    meta = ArticleMeta(title="A title", publication="Rheinpost", date=PartialDate(2025, 10),
                       lang="de")
    assert dump_document(ArticleDocument(meta, "Body.")) == (
        "---\ntitle: A title\npublication: Rheinpost\ndate: 2025-10\nlang: de\ntags: []\n"
        "---\n\nBody.\n"
    )


def test_month_only_date_round_trips() -> None:
    meta = ArticleMeta(title="Issue story", date=PartialDate(2025, 10))
    back = parse_document(dump_document(ArticleDocument(meta, "x")), "a.md")
    assert back.meta.date == PartialDate(2025, 10, None)
    assert back.meta.date is not None and back.meta.date.iso == "2025-10"


@pytest.mark.parametrize("title", [
    "2025-10-03", "yes", "null", "123", "'Quoted' kicker", "a: b # c", "- dash", "@at",
    "Ã© mojibake", "«Guillemets» et l’apostrophe", "\\\"escaped\\\"", "  padded  ",
])
def test_titles_that_look_like_other_yaml_stay_text(title: str) -> None:
    meta = ArticleMeta(title=title)
    assert parse_document(dump_document(ArticleDocument(meta, "")), "a.md").meta.title == title


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), whitelist_characters="\n\t"),
    min_size=1,
)


@settings(max_examples=200, deadline=None)
@given(title=_TEXT, note=st.none() | _TEXT, tags=st.lists(_TEXT, max_size=3))
def test_round_trip_any_text(title: str, note: str | None, tags: list[str]) -> None:
    meta = ArticleMeta(title=title, note=note, tags=tuple(tags))
    assert parse_document(dump_document(ArticleDocument(meta, "Body")), "a.md").meta == meta


def test_body_that_contains_a_fence_line_is_kept() -> None:
    document = ArticleDocument(ArticleMeta(title="t"), "Before\n\n---\n\nAfter")
    assert parse_document(dump_document(document), "a.md").body == "Before\n\n---\n\nAfter"


def test_windows_line_ends_and_byte_order_mark_are_accepted() -> None:
    document = parse_document("\ufeff---\r\ntitle: x\r\n---\r\n\r\nBody\r\nmore\r\n", "a.md")
    assert document.meta.title == "x"
    assert document.body == "Body\nmore"
    assert document.body_line == 5


# --- split and line numbers -----------------------------------------------------------


def test_split_reports_the_line_the_body_starts_on() -> None:
    assert split("---\ntitle: x\nlang: en\n---\n\n\nBody") == ("title: x\nlang: en\n", "Body", 7)
    assert split("---\ntitle: x\n---\nBody") == ("title: x\n", "Body", 4)


def test_split_without_front_matter() -> None:
    assert split("Just text") == (None, "Just text", 1)
    assert split("---\nno closing fence") == (None, "---\nno closing fence", 1)
    assert split("----\ntitle: x\n---\n") == (None, "----\ntitle: x\n---\n", 1)


def test_no_front_matter() -> None:
    assert parse_error("Just a body") == [
        "a.md:1: no front matter\n"
        "  start the file with a `---` line, `title: ...`, and a closing `---` line"
    ]


def test_empty_front_matter() -> None:
    assert parse_error("---\n---\nBody") == [
        "a.md:2: front matter is empty\n  add at least `title: ...`"
    ]


def test_missing_title() -> None:
    assert parse_error("---\nlang: en\n---\nBody") == [
        "a.md:2: missing `title`\n  add `title: ...`"
    ]


def test_invalid_yaml_names_the_line_of_the_file() -> None:
    assert parse_error("---\ntitle: x\nlang: en\n  bad: indent\n---\n") == [
        "a.md:4: invalid YAML: mapping values are not allowed in this context\n"
        "  check indentation and quote values that contain ':' or '#'"
    ]


def test_front_matter_that_is_not_a_mapping() -> None:
    assert parse_error("---\n- a\n- b\n---\n") == [
        "a.md:2: front matter must be a mapping of `key: value` lines"
    ]


# --- refused YAML ---------------------------------------------------------------------


def test_anchors_and_aliases_are_refused() -> None:
    laughs = "\n".join(
        ['---', 'title: x', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [f'{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]'
           for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
        + ['---', 'Body']
    )
    assert parse_error(laughs) == [
        "a.md:3: YAML anchors and aliases (&, *) are not allowed\n  write the value out in full"
    ]


def test_an_alias_alone_is_refused_on_its_line() -> None:
    assert parse_error("---\ntitle: x\nnote: *missing\n---\n")[0].startswith("a.md:")
    assert parse_error("---\ntitle: &t x\nnote: y\n---\n") == [
        "a.md:2: YAML anchors and aliases (&, *) are not allowed\n  write the value out in full"
    ]


def test_python_object_tags_are_refused() -> None:
    assert parse_error("---\ntitle: x\nnote: !!python/object/apply:os.system [echo hi]\n---\n") == [
        "a.md:3: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed\n"
        "  remove the tag: front matter holds plain text, numbers, lists and mappings"
    ]


def test_custom_tags_are_refused() -> None:
    assert parse_error("---\ntitle: !shout x\n---\n") == [
        "a.md:2: YAML tag '!shout' is not allowed\n"
        "  remove the tag: front matter holds plain text, numbers, lists and mappings"
    ]


def test_non_string_keys_are_refused() -> None:
    assert parse_error("---\ntitle: x\n1: one\n---\n") == [
        "a.md:3: key '1' must be text\n  quote it: '1'"
    ]
    assert parse_error("---\ntitle: x\ntrue: yes\n---\n") == [
        "a.md:3: key 'true' must be text\n  quote it: 'true'"
    ]


def test_repeated_keys_are_refused() -> None:
    assert parse_error("---\ntitle: x\nlang: en\ntitle: y\n---\n") == [
        "a.md:4: key 'title' appears twice"
    ]


# --- field validation -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13", "October 2025", "03.10.2025", "2025"])
def test_invalid_dates(value: str) -> None:
    assert parse_error(f"---\ntitle: x\ndate: {value}\n---\n") == [
        f"a.md:3: `date` {value} is not a date\n  write YYYY-MM-DD, or YYYY-MM for a monthly issue"
    ]


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-10-03", PartialDate(2025, 10, 3)),
    ("'2025-10-03'", PartialDate(2025, 10, 3)),
    ("2025-10", PartialDate(2025, 10)),
    ("2024-02-29", PartialDate(2024, 2, 29)),
])
def test_valid_dates(value: str, expected: PartialDate) -> None:
    assert parse_document(f"---\ntitle: x\ndate: {value}\n---\n", "a.md").meta.date == expected


def test_unknown_keys_get_a_suggestion() -> None:
    assert parse_error("---\ntitle: x\nfeatued: true\npublicaton: X\n---\n") == [
        "a.md:3: unknown front-matter key 'featued'\n  did you mean 'featured'?",
        "a.md:4: unknown front-matter key 'publicaton'\n  did you mean 'publication'?",
    ]


def test_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    (message,) = parse_error("---\ntitle: x\nzzz: 1\n---\n")
    assert message.startswith("a.md:3: unknown front-matter key 'zzz'\n  known keys: author, ")
    assert "featured" in message and "title" in message


def test_every_wrong_type_is_reported_at_once() -> None:
    text = (
        "---\n"
        "title: [a, list]\n"        # 2
        "featured: yes please\n"    # 3
        "truncated: 1\n"            # 4
        "tags: climate\n"           # 5
        "reading_time: -1\n"        # 6
        "status: hidden\n"          # 7
        "related: a story\n"        # 8
        "source: inbox.txt\n"       # 9
        "review: {a: b}\n"          # 10
        "---\n"
    )
    assert parse_error(text) == [
        "a.md:2: `title` must be text",
        "a.md:3: `featured` must be true or false",
        "a.md:4: `truncated` must be true or false",
        "a.md:5: `tags` must be a list of text\n  e.g. tags: [one, two]",
        "a.md:6: `reading_time` must be a whole number of minutes",
        "a.md:7: `status` must be `published`, `draft`, `held`, `rejected`",
        "a.md:8: `related` must be a list of stories",
        "a.md:9: `source` needs `file`, `format` "
        "(magzter|zinio|html|mhtml|web|email|pressreader|markdown|text|link|pocket|instapaper|"
        "readwise|wallabag|raindrop|omnivore|bookmarks) and `sha256`",
        "a.md:10: `review` must be a list of text\n  e.g. review: [one, two]",
    ]


def test_related_stories_are_checked() -> None:
    assert parse_error("---\ntitle: x\nrelated:\n- summary: no title\n---\n") == [
        "a.md:3: each `related` story needs a `title`"
    ]
    assert parse_error("---\ntitle: x\nrelated:\n- {title: t, minutes: 2}\n---\n") == [
        "a.md:3: unknown key 'minutes' in `related`"
    ]
    assert parse_error("---\ntitle: x\nrelated:\n- {title: t, reading_time: two}\n---\n") == [
        "a.md:3: `related` reading_time must be a whole number"
    ]


def test_source_unknown_key() -> None:
    text = "---\ntitle: x\nsource: {file: a, format: text, sha256: b, app: magzter}\n---\n"
    assert parse_error(text) == ["a.md:3: unknown key 'app' in `source`"]


def test_numbers_in_text_fields_become_text_and_empty_values_are_none() -> None:
    meta = parse_document("---\ntitle: 1984\nnote:\ntags:\nreading_time:\n---\n", "a.md").meta
    assert meta.title == "1984"
    assert meta.note is None and meta.tags == () and meta.reading_time is None


def test_curator_fields() -> None:
    meta = parse_document(
        "---\ntitle: x\nnote: Keep.\nfeatured: true\nstatus: draft\ntags: [a, 2]\n---\n", "a.md"
    ).meta
    assert (meta.note, meta.featured, meta.status) == ("Keep.", True, "draft")
    assert meta.tags == ("a", "2")
