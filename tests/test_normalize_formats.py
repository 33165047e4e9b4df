# ruff: noqa: E501  (dump literals keep their real, long lines)
"""parse_dump on string literals: one layout at a time, as a reader would check it."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from digest.errors import DigestError
from digest.model import ArticleDocument, PartialDate
from digest.normalize import parse_dump

APP_DE = """Versuchen GOLD - Frei
'Frozen out' Ice fishermen wait for a winter that never comes
The Lake Courier
|February 14, 2024
The huts stand in a row on the shore, their doors padlocked and their stoves cold for the third winter running.
Inside one sat a pile of folded.
Canvas windbreaks - bought in a good year, when the ice reached forty centimetres by Christmas and the lake filled with tents.
Fishermen now drive north to find safe ice, some of them as far as the…
Diese Geschichte stammt aus der February 14, 2024-Ausgabe von The Lake Courier.
Abonnieren Sie Magzter GOLD, um auf Tausende kuratierter Premium-Geschichten zuzugreifen.
Sie sind bereits Abonnent? Anmelden
WEITERE GESCHICHTEN VON The Lake Courier
The Lake Courier
Ferry fares frozen for another year
The council said the decision would be reviewed in \\"the spring\\".
2 mins
March 01, 2024
The Lake Courier
Skating club rents out the old boathouse
Members voted to open it to walkers on Sundays.
3 mins
March 02, 2024
Listen
Translate
Change font size
"""


def parse(text: str, name: str = "inbox/dump.txt") -> ArticleDocument:
    return parse_dump(text.encode("utf-8"), name)


def test_magzter_app_copy_fields() -> None:
    doc = parse_dump(APP_DE.encode(), "inbox/ice.txt")
    meta = doc.meta
    assert meta.title == "Ice fishermen wait for a winter that never comes"
    assert meta.kicker == "Frozen out"
    assert meta.publication == "The Lake Courier"
    assert meta.date == PartialDate(2024, 2, 14)  # the |date line, not a related story's
    assert meta.edition == "February 14, 2024"
    assert meta.truncated is True
    assert meta.lang == "en"
    assert meta.source is not None
    assert meta.source.format == "magzter" and meta.source.ui_language == "de"
    assert meta.source.file == "inbox/ice.txt"
    assert [r.title for r in meta.related] == [
        "Ferry fares frozen for another year", "Skating club rents out the old boathouse",
    ]
    first = meta.related[0]
    assert first.summary == 'The council said the decision would be reviewed in "the spring".'
    assert (first.publication, first.date, first.reading_time) == ("The Lake Courier", "2024-03-01", 2)


def test_magzter_body_has_no_chrome_and_joins_the_broken_sentence() -> None:
    body = parse_dump(APP_DE.encode(), "x").body
    for chrome in ("GOLD", "Magzter", "Anmelden", "Ausgabe", "WEITERE", "Listen", "mins",
                   "Frozen out", "|February", "Ferry fares"):
        assert chrome not in body
    assert "a pile of folded Canvas windbreaks - bought" in body
    assert body.startswith("The huts stand")
    assert body.endswith("Fishermen now drive north to find safe ice, some of them as far as the…")
    assert body.count("\n\n") == 2


def test_magzter_polish_ui_is_detected_by_structure() -> None:
    text = """Wypróbuj GOLD - Za darmo
Harbour seals return to the old timber pier
Coastline Weekly
|May 03, 2024
Seals have hauled out on the timber pier every afternoon since the fishing fleet moved to the new harbour.
Volunteers count them from the promenade and post the numbers on a board outside the café.
Ta historia pochodzi z wydania May 03, 2024 czasopisma Coastline Weekly.
Zasubskrybuj Magzter GOLD, aby uzyskać dostęp do tysięcy wyselekcjonowanych historii premium.
Jesteś już subskrybentem? Zaloguj się
"""
    meta = parse(text).meta
    assert meta.title == "Harbour seals return to the old timber pier"
    assert meta.date == PartialDate(2024, 5, 3)
    assert meta.source is not None and meta.source.ui_language == "pl"
    assert "Zaloguj" not in parse(text).body


def test_magzter_web_copy_month_edition_and_doubled_footer() -> None:
    text = """Winter gardens under glass
Green Rooms|March 2022
How three families grow tomatoes through a northern winter.
ANNA BERG
Winter gardens under glass
The greenhouse was built from old windows collected over two summers.
Heat comes from a compost bed that reaches sixty degrees in January.
This story is from the March 2022 edition of Green Rooms.
Start your 7-day Magzter GOLD free trial to access thousands of curated premium stories.
Already a subscriber? Sign In
This story is from the March 2022 edition of Green Rooms.
Start your 7-day Magzter GOLD free trial to access thousands of curated premium stories.
Already a subscriber? Sign In
MORE STORIES FROM Green Rooms
Seeds that travel by post
A swap club mails packets across the country.
"""
    doc = parse(text)
    meta = doc.meta
    assert meta.date == PartialDate(2022, 3) and meta.date.iso == "2022-03"
    assert meta.edition == "March 2022"
    assert meta.publication == "Green Rooms"
    assert meta.author == "Anna Berg"
    assert meta.standfirst == "How three families grow tomatoes through a northern winter."
    assert [(r.title, r.summary) for r in meta.related] == [
        ("Seeds that travel by post", "A swap club mails packets across the country.")
    ]
    body = doc.body
    assert "edition" not in body and "Sign In" not in body and "Winter gardens" not in body
    assert body.count("\n\n") == 1


def test_html_saved_as_txt_is_still_html() -> None:
    page = """<!doctype html><html lang="de"><head>
<meta property="og:title" content="Der Hafen schläft nie">
<meta property="og:site_name" content="Nordblatt">
<script type="application/ld+json">{"@type": "NewsArticle",
"datePublished": "2023-07-02T10:00:00+02:00", "author": {"name": "Lena Voss"}}</script>
</head><body><nav><a href="/">Startseite</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">Wir verwenden Cookies. Alle akzeptieren</div>
<article><h1>Der Hafen schläft nie</h1>
<p>Um drei Uhr morgens laufen die ersten Kutter ein, und die Halle füllt sich mit dem Lärm der Gabelstapler und Eismaschinen.</p>
<p>Die Händler prüfen den Fang im Licht der Taschenlampen, bevor die Versteigerung beginnt und die Preise an der Tafel erscheinen.</p>
<div class="share">Teilen auf Facebook Teilen auf X</div>
</article><footer>Impressum Datenschutz</footer></body></html>"""
    doc = parse(page, "inbox/hafen.txt")
    meta = doc.meta
    assert meta.source is not None and meta.source.format == "html"
    assert meta.title == "Der Hafen schläft nie"
    assert (meta.publication, meta.author) == ("Nordblatt", "Lena Voss")
    assert meta.date == PartialDate(2023, 7, 2)
    assert meta.lang == "de"
    body = doc.body
    assert body.startswith("Um drei Uhr morgens")
    for junk in ("Cookies", "Startseite", "Teilen", "Impressum", "Der Hafen schläft nie"):
        assert junk not in body


def test_pasted_newsletter_headers() -> None:
    text = """From: Fieldnotes <notes@fieldnotes.example>
Subject: Re: Hedgehogs crossing the bypass
Date: Mon, 6 May 2024 08:00:00 +0100

A tunnel under the bypass has cut the number of hedgehogs found on the road by half, a
survey by volunteers suggests.

The tunnel cost less than a set of traffic lights and took a week to build.
"""
    meta = parse(text).meta
    assert (meta.title, meta.publication, meta.date) == (
        "Hedgehogs crossing the bypass", "Fieldnotes", PartialDate(2024, 5, 6)
    )
    assert meta.source is not None and meta.source.format == "email"
    assert "on the road by half, a survey" in parse(text).body


def test_pressreader_date_from_address() -> None:
    text = """Evening Star


Market hall roof to be replaced
- - By Sam Hale
The glass roof of the market hall will be replaced after a survey found rusted fixings.
https://www.pressreader.com/uk/evening-star/20231104/282041912345678
"""
    meta = parse(text).meta
    assert (meta.publication, meta.title, meta.author) == (
        "Evening Star", "Market hall roof to be replaced", "Sam Hale"
    )
    assert meta.date == PartialDate(2023, 11, 4)
    assert meta.source is not None and meta.source.format == "pressreader"


def test_plain_text_is_still_an_article_with_review_notes() -> None:
    meta = parse("A note I kept\nSomething worth reading later about tides.\n").meta
    assert meta.title == "A note I kept"
    assert meta.date is None  # never invented
    assert {"format not recognised", "title guessed from first line", "no date found"} <= set(meta.review)


def test_markdown_front_matter_errors_name_the_line() -> None:
    with pytest.raises(DigestError) as caught:
        parse("---\ntitle: Fine\ndate: someday\n---\nBody\n", "inbox/bad.md")
    problem = caught.value.problems[0]
    assert (problem.path, problem.line) == ("inbox/bad.md", 3)


def test_markdown_is_completed_not_rewritten() -> None:
    doc = parse("---\ntitle: Kept as written\n---\n\n# My own heading\n\nText *with* emphasis.\n")
    assert doc.body == "# My own heading\n\nText *with* emphasis."
    assert doc.meta.source is not None and doc.meta.source.format == "markdown"


@pytest.mark.parametrize("data", [b"", b"   \n\n", bytes(range(256)) * 20])
def test_empty_or_binary_input_is_a_user_error(data: bytes) -> None:
    with pytest.raises(DigestError):
        parse_dump(data, "inbox/bad.bin")


def test_dump_text_is_never_markup() -> None:
    text = (
        "Title line\n# not a heading\n> not a quote\n1. not a list\n"
        "<b>bold</b> &amp; {{ x }} {% y %} [a](b)\n"
    )
    body = parse(text).body
    assert "\\# not a heading" in body and "\\> not a quote" in body and "1\\. not a list" in body
    assert "{{" not in body and "{%" not in body
    # Rendered even with raw HTML on, the dump's text shows as text.
    html = MarkdownIt("commonmark", {"html": True}).render(body)
    for tag in ("<h1", "<blockquote", "<ol", "<b>", "<a "):
        assert tag not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;amp;" in html


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings_and_crlf(encoding: str) -> None:
    text = APP_DE.replace("The huts", "The café huts").replace("\n", "\r\n")
    doc = parse_dump(text.encode(encoding, errors="replace"), "x")
    assert doc.meta.title == "Ice fishermen wait for a winter that never comes"
    assert "The café huts" in doc.body and "\r" not in doc.body


def test_mojibake_is_repaired() -> None:
    broken = "Café owners meet\nThe café on the quay stays open late for the night shift.\n"
    mangled = broken.encode("utf-8").decode("cp1252").encode("utf-8")
    doc = parse_dump(mangled, "x")
    assert doc.meta.title == "Café owners meet"
    assert "The café on the quay" in doc.body


def _zip(first_entry: bytes, body: bytes = b"") -> bytes:
    """The start of a zip file: a local file header naming its first entry."""
    return (b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + bytes(16)
            + len(first_entry).to_bytes(2, "little") + b"\x00\x00" + first_entry + body)


@pytest.mark.parametrize(("data", "what", "advice"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "a PDF document",
     "copy its text into a .txt file (or save the page as HTML)"),
    (_zip(b"[Content_Types].xml", b"<Types/>PK\x03\x04" + bytes(26) + b"word/document.xml"),
     "a Word document (.docx)", "copy its text into a .txt file"),
    (_zip(b"mimetype", b"application/epub+zip"), "an EPUB e-book", "copy its text"),
    (_zip(b"notes/today.txt", b"Hello"), "a zip archive", "unpack it"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "an old Word or Office document",
     "copy its text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "a PNG image", "copy the article's"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "a JPEG image", "copy the article's text"),
    (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "a GIF image", "copy the article's text"),
    (b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00", "a WebP image", "copy the article's"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "a gzip archive", "unpack it"),
])
def test_documents_images_and_archives_are_named_with_what_to_do(
    data: bytes, what: str, advice: str
) -> None:
    with pytest.raises(DigestError) as exc:
        parse_dump(data, "inbox/a.bin")
    [problem] = exc.value.problems
    assert problem.path == "inbox/a.bin"
    assert problem.message.startswith(f"{what}, not text: {advice}")


@pytest.mark.parametrize("text", ["RIFF raff on the quay", "PK at the wicket", "GIF files"])
def test_text_that_starts_like_a_signature_is_still_text(text: str) -> None:
    assert parse(text + "\n\nA second paragraph of the article.\n").body
