"""Saved web pages (.html, Chrome's .mhtml): the article with its figures and emphasis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from digest.errors import DigestError
from digest.model import ArticleDocument, PartialDate
from digest.normalize import parse_dump

DUMPS = Path(__file__).parent / "fixtures" / "dumps"


def doc(name: str) -> ArticleDocument:
    return parse_dump((DUMPS / name).read_bytes(), f"inbox/{name}")


def page(body: str, head: str = "") -> str:
    return (f"<!doctype html><html><head><meta property='og:title' content='Tide tables'>{head}"
            f"</head><body><article><h1>Tide tables</h1>{body}</article></body></html>")


PROSE = ("<p>The harbour master publishes the tide tables for the coming year every December, "
         "and fishermen queue at the office door to collect a printed copy of them.</p>"
         "<p>This year the tables were late because the printer on the quay closed for good in "
         "the autumn, and the council had to find another one further inland.</p>")


def test_figures_are_images_with_absolute_addresses_and_captions() -> None:
    body = doc("saved_page_it_figures.html").body
    assert ("![Le arnie sul tetto della biblioteca](https://vocedelpo.example/media/2024/05/"
            "arnie-biblioteca.jpg)\n*Le arnie sul tetto della biblioteca civica. Foto di Luca "
            "Martini*") in body
    assert "![Un favo](https://cdn.vocedelpo.example/img/favo.jpg)" in body
    html = MarkdownIt("commonmark").render(body)
    assert html.count("<img ") == 2 and "<em>Un favo appena estratto" in html


def test_bold_text_stays_bold_and_a_read_also_line_goes() -> None:
    body = doc("saved_page_it_figures.html").body
    assert "con **dodicimila euro**, serve" in body
    for chrome in ("Leggi anche", "Condividi", "cookie", "correlati", "©", "Le api tornano"):
        assert chrome not in body


def test_an_image_without_an_absolute_address_is_left_out() -> None:
    body = parse_dump(page(PROSE[:200] + "<figure><img src='/img/a.jpg' alt='A'></figure>"
                           + PROSE[200:]).encode(), "x.html").body
    assert "![" not in body and "img/a.jpg" not in body


def test_page_text_in_figures_stays_text() -> None:
    hostile = ("<figure><img src='https://x.example/a).jpg\" onerror=\"alert(1)' "
               "alt='[link](javascript:alert(1)) {{ secret }}'>"
               "<figcaption><b>x</b> &lt;script&gt;alert(1)&lt;/script&gt; {% raw %}"
               "</figcaption></figure>")
    document = parse_dump(page(PROSE + hostile).encode(), "x.html")
    html = MarkdownIt("commonmark", {"html": True}).render(document.body)
    assert "<script" not in html and "<a " not in html and 'onerror="' not in html
    assert "{{" not in document.body and "{%" not in document.body
    assert html.count("<img ") == 1
    assert 'src="https://x.example/a%29.jpg%22%20onerror=%22alert%281%29"' in html
    assert document.body.count("alert(1)\\</script\\>") == 1  # the caption once, not twice


def test_a_tracking_pixel_and_hidden_text_are_left_out() -> None:
    extra = ("<img src='https://track.example/open.gif?u=1' width='1' height='1'>"
             "<div style='display:none;max-height:0'>Hidden preview text of the mail</div>")
    body = parse_dump(page(PROSE + extra, "<meta property='og:url' "
                           "content='https://x.example/a'>").encode(), "x.html").body
    assert "track.example" not in body and "Hidden preview" not in body


def test_chrome_save_is_read_as_its_page() -> None:
    document = doc("chrome_save_de.mhtml")
    meta = document.meta
    assert meta.source is not None and meta.source.format == "mhtml"
    assert (meta.title, meta.publication, meta.author) == (
        "Wie Leipzig seine alten Kanäle wiederentdeckt", "Sachsenbote", "Tobias Lenz")
    assert meta.date == PartialDate(2024, 8, 9)
    assert meta.url == "https://sachsenbote.example/leipzig/kanaele-wiederentdeckt"
    assert "![Paddelboote auf dem Kanal](https://sachsenbote.example/bilder/kanal-sommer.jpg)" \
        in document.body
    assert "**Elster-Saale-Kanal**" in document.body and "Anzeige" not in document.body


@pytest.mark.parametrize(("name", "date", "image"), [
    ("chrome_save_fr.mhtml", PartialDate(2024, 7, 22),
     "https://courrier-alpin.example/medias/bache-glacier.jpg"),
    ("chrome_save_en.mhtml", PartialDate(2024, 10, 5), "https://cdn.dales-post.example/img/wall.jpg"),
    ("chrome_save_es.mhtml", PartialDate(2024, 5, 14),
     "https://www.eco-levante.example/fotos/albufera-campos.jpg"),
])
def test_chrome_saves_in_other_languages(name: str, date: PartialDate, image: str) -> None:
    document = doc(name)
    assert document.meta.date == date and not document.meta.review
    assert f"]({image})\n*" in document.body  # the figure, with its caption


def test_the_day_a_page_was_saved_is_never_its_date() -> None:
    data = (DUMPS / "chrome_save_de.mhtml").read_bytes()
    data = re.sub(rb'"datePublished":"[^"]+",', b"", data)
    meta = parse_dump(data, "inbox/x.mhtml").meta
    assert meta.date is None and "no date found" in meta.review  # not the Date: header's day


def test_a_save_without_a_page_says_so() -> None:
    data = (b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://x.example/\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
            b"--b\r\nContent-Type: image/png\r\n\r\nabc\r\n--b--\r\n")
    with pytest.raises(DigestError) as caught:
        parse_dump(data, "inbox/x.mhtml")
    assert "holds no web page" in str(caught.value)
