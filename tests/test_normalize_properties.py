"""Property tests: any bytes give a document or a DigestError; normalising is idempotent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markup_text import markup_text

from digest.errors import DigestError
from digest.frontmatter import parse_document
from digest.frontmatter_dump import dump_document
from digest.normalize import parse_dump
from digest.normalize.textfix import escape_markdown

LINES = st.lists(
    st.one_of(
        st.text(max_size=120),
        st.sampled_from([
            "|October 01, 2025", "The Guardian", "2 mins", "January 10, 2026", "Listen",
            "Publication|April 2023", "- - Author", "From: A <a@b.example>", "Subject: Hi",
            "---", "title: x", "<html>", "# heading", "Diese Geschichte stammt aus der", "",
        ]),
    ),
    max_size=25,
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_document_or_a_user_error(data: bytes) -> None:
    try:
        document = parse_dump(data, "inbox/x")
    except DigestError:
        return
    parse_document(dump_document(document), "x.md")


@FAST
@given(LINES)
def test_dump_shaped_text_is_idempotent(lines: list[str]) -> None:
    try:
        first = dump_document(parse_dump("\n".join(lines).encode("utf-8"), "inbox/x"))
    except DigestError:
        return
    second = dump_document(parse_dump(first.encode("utf-8"), "inbox/x"))
    assert second == first


@settings(max_examples=300, deadline=None)
@given(markup_text | st.text(max_size=80))
def test_escaped_text_has_no_template_delimiters(text: str) -> None:
    escaped = escape_markdown(text)
    # An escaped `<` stays between its neighbours: taking it out could join `{` and `#`.
    for delimiter in ("{{", "}}", "{%", "%}", "{#", "#}", "<"):
        assert delimiter not in escaped.replace("\\<", "\0")
