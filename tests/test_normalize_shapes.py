"""Property tests over every shape normalize reads: whatever the content of an export, a
page, an e-mail or a link, the result is articles that dump and read back, or a
DigestError; never another exception. And the three-way merge never loses an edit."""

from __future__ import annotations

import csv
import io
import json
from email.message import EmailMessage
from email.policy import SMTP

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markup_text import markup_text

from digest.errors import DigestError
from digest.frontmatter import parse_document
from digest.frontmatter_dump import dump_document
from digest.model import ArticleDocument, ArticleMeta, PartialDate
from digest.normalize import parse_dump_all
from digest.normalize.duplicates import canonical_url
from digest.normalize.merge import field_hashes, merge

SOME = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell = st.one_of(markup_text, st.text(max_size=40), st.sampled_from([
    "https://a.example/x", "http://www.a.example/x?utm_source=y", "1710403200", "",
    "2024-05-02T09:00:00Z", "['a', 'b']", "a|b", "[broken", "javascript:alert(1)",
]))
HEADERS = [
    ["title", "url", "time_added", "tags", "status"],
    ["URL", "Title", "Selection", "Folder", "Timestamp", "Tags"],
    ["Title", "URL", "ID", "Document tags", "Saved date", "Reading progress", "Location", "Seen"],
    ["id", "title", "note", "excerpt", "url", "folder", "tags", "created", "cover", "highlights",
     "favorite"],
]
CHROME = [
    "Skip to main content", "Advertisement", "Anzeige", "Most read", "Leggi anche: x",
    "Published 14 March 2025, 08:12 GMT | Updated 15 March 2025", "© 2025 The Times",
    "Share", "Facebook", "Accept all", "By Jane Roe", "Photo: X/Reuters", "12 comments",
    "---------- Forwarded message ---------", "From: A <a@b.example>", "Date: 1 May 2024",
    "Subject: The Letter no. 4 - Tides", "https://n.example/a", "Versuchen GOLD - Frei",
    "Diese Geschichte stammt aus der May 1, 2024-Ausgabe von X.", "", "- - By Sam",
]


def readable(data: bytes) -> None:
    """Articles that dump and read back, or a DigestError."""
    try:
        documents = parse_dump_all(data, "inbox/x")
    except DigestError:
        return
    assert documents
    for document in documents:
        parse_document(dump_document(document), "x.md")


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@SOME
@given(st.sampled_from(HEADERS), st.lists(st.lists(cell, min_size=1, max_size=12), max_size=6))
def test_any_csv_export(header: list[str], rows: list[list[str]]) -> None:
    readable(_csv([header, *rows]))


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), cell),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=6,
)


@SOME
@given(st.lists(st.fixed_dictionaries(
    {k: json_value for k in ("url", "title", "content", "created_at")},
    optional={k: json_value for k in ("tags", "published_at", "published_by", "slug", "savedAt",
                                      "labels", "description")},
), max_size=4))
def test_any_json_export(entries: list[dict[str, object]]) -> None:
    readable(json.dumps(entries).encode("utf-8"))
    for entry in entries:  # Omnivore's keys too
        entry.update(slug="s", savedAt="2024-05-02T09:00:00Z")
    readable(json.dumps(entries).encode("utf-8"))


html_piece = st.one_of(
    markup_text,
    st.sampled_from([
        "<p>", "</p>", "<b>", "</b>", "<h1>", "</h1>", "<li>", "<figure>", "<figcaption>",
        "<img src='https://a.example/i.jpg' alt='x'>", "<img src='/r.jpg'>",
        "<img src='https://t.example/p.gif' width='1' height='1'>", "<br>", "<table><tr><td>",
        "<div style='display:none'>hidden</div>", "<script>x</script>", "<a href='x'>",
    ]),
)


@SOME
@given(st.lists(html_piece, max_size=30).map("".join), st.booleans(), markup_text)
def test_any_email(html: str, with_text: bool, subject: str) -> None:
    message = EmailMessage()
    message["From"] = "Letter <a@b.example>"
    message["Subject"] = subject.replace("\n", " ")[:60] or "x"
    message["Date"] = "Mon, 6 May 2024 08:00:00 +0000"
    if with_text:
        message.set_content("View this email in your browser: https://b.example/w\n")
        message.add_alternative(html or "<p></p>", subtype="html")
    else:
        message.set_content(html or "<p></p>", subtype="html")
    readable(message.as_bytes(policy=SMTP))


@SOME
@given(st.lists(html_piece, max_size=30).map("".join))
def test_any_saved_page_and_its_mhtml(body: str) -> None:
    page = f"<!doctype html><html><head><title>T</title></head><body>{body}</body></html>"
    readable(page.encode("utf-8"))
    mhtml = (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://a.example/p\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
        f"Content-Type: text/html\r\n\r\n{page}\r\n--b--\r\n"
    )
    readable(mhtml.encode("utf-8"))


@SOME
@given(st.lists(st.one_of(st.sampled_from(CHROME), markup_text, st.text(max_size=80)),
                max_size=30))
def test_any_page_copy_link_or_app_text(lines: list[str]) -> None:
    readable("\n".join(lines).encode("utf-8"))


@SOME
@given(st.text(max_size=60))
def test_canonical_addresses_ignore_tracking_scheme_and_www(path: str) -> None:
    url = "https://news.example/" + "".join(ch for ch in path if ch.isalnum() or ch in "/-_")
    tracked = url.replace("https://", "http://www.") + "?utm_source=x&fbclid=y"
    assert canonical_url(tracked) == canonical_url(url)


# --- the merge -----------------------------------------------------------------------

TITLES = st.sampled_from(["Old title", "New title", "Curator title"])
DATES = st.sampled_from([None, PartialDate(2024, 5, 1), PartialDate(2024, 5, 2)])
TAGS = st.sampled_from([(), ("a",), ("a", "b")])
NOTES = st.sampled_from([None, "mine", "theirs"])


def _doc(title: str, date: PartialDate | None, tags: tuple[str, ...], note: str | None,
         body: str) -> ArticleDocument:
    return ArticleDocument(ArticleMeta(title=title, date=date, tags=tags, note=note), body)


@settings(max_examples=300, deadline=None)
@given(TITLES, DATES, TAGS, NOTES, TITLES, DATES, TAGS, NOTES, TITLES, DATES, TAGS, NOTES)
def test_the_merge_keeps_every_edit_and_reports_each_clash(
    t0: str, d0: PartialDate | None, g0: tuple[str, ...], n0: str | None,
    t1: str, d1: PartialDate | None, g1: tuple[str, ...], n1: str | None,
    t2: str, d2: PartialDate | None, g2: tuple[str, ...], n2: str | None,
) -> None:
    base = _doc(t0, d0, g0, n0, "old body")
    curator = _doc(t1, d1, g1, n1, "the curator's body")
    new = _doc(t2, d2, g2, n2, "new body")
    merged = merge(field_hashes(dump_document(base)), curator, new)
    conflicts = dict(merged.conflicts)
    for name in ("title", "date", "tags", "note"):
        was, mine, now = (getattr(d.meta, name) for d in (base, curator, new))
        got = getattr(merged.document.meta, name)
        assert got == (now if mine == was else mine), name  # an edit is never lost
        assert (name in conflicts) == (mine != was and now != was and now != mine), name
    assert merged.document.body == "new body"
