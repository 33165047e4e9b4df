"""Web pages copied from the browser (whole, reader view, a newsletter's post): the
article found by structure, in any language, with nothing of the page's chrome left."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from digest.config import load_config
from digest.model import ArticleDocument, PartialDate
from digest.normalize import normalize, parse_dump
from digest.normalize.formats.web import UPDATED_NOTE

DUMPS = Path(__file__).parent / "fixtures" / "dumps"


def doc(name: str) -> ArticleDocument:
    return parse_dump((DUMPS / name).read_bytes(), f"inbox/{name}")


# (fixture, title, publication, date, author, standfirst start)
EXPECTED = [
    ("web_en_news.txt", "Tidal lagoon plan for the Severn estuary wins first backing from "
     "ministers", "The Example Times", PartialDate(2025, 3, 14), "Gwen Pritchard", "Engineers"),
    ("web_de_news.txt", "Mainz baut die erste schwimmende Siedlung am Rhein", "Rheinblatt",
     PartialDate(2025, 3, 14), "Jana Keller", "Im alten Zollhafen"),
    ("web_it_news.txt", "Sul lago di Como tornano le barche a vela per il trasporto delle "
     "merci", "Gazzetta del Lario", PartialDate(2025, 4, 3), "Marco Bellini", None),
    ("web_nl_news.txt", "De dijk bij Westkapelle krijgt een verhoging van anderhalve meter",
     "Zeeuwse Koerier", PartialDate(2025, 4, 3), "Pieter de Wolf", "Het waterschap begint"),
    ("web_tr_news.txt", "İzmir'in eski tütün depoları kütüphaneye dönüşüyor", "Ege Postası",
     PartialDate(2025, 3, 14), "Elif Aydın", None),
    ("web_fr_reader.txt", "Dans le Jura, les fromagers testent des caves creusées dans la "
     "roche", None, None, "Lucie Vernay", None),
    ("web_es_reader.txt", "Los pescadores de Cádiz recuperan la almadraba de Conil",
     "Diario del Estrecho", PartialDate(2025, 5, 6), "Ana Ruiz", None),
    ("web_nb_newsletter.txt", "Hvorfor fergene på Vestlandet blir elektriske før bussene",
     "Fjordbrevet", PartialDate(2025, 3, 14), "Kari Nordmann", "Et blikk på pengene"),
    ("web_en_listen.txt", "A Tiny Fish Is Rewriting What We Know About Sleep",
     "The Riverside Chronicle", PartialDate(2025, 3, 14), "Maria Lopez and Tom Becker",
     "Researchers found"),
    ("web_fr_dateline.txt", "Sécheresse : dans les Pyrénées-Orientales, les vignerons "
     "arrachent leurs vignes", "Le Quotidien du Sud", PartialDate(2025, 3, 14), "Jeanne Roux",
     "Faute d’eau"),
    ("web_es_caption.txt", "Los glaciares del Pirineo pierden un tercio de su superficie en una "
     "década", "Diario del Norte", PartialDate(2025, 3, 14), "Lucía Fernández", "Un estudio"),
    ("web_en_reader.txt", "The last ferryman of the Fal keeps a 400-year-old crossing alive",
     None, None, "Jenny Trewin", None),
    ("web_de_reader.txt", "Der letzte Fährmann von Caputh", "Havelblatt",
     PartialDate(2024, 8, 13), "Ines Brandt", None),
    ("web_en_newsletter.txt", "Why the river never froze last winter", "The Slow Tide",
     PartialDate(2025, 2, 3), "Ruth Aldous", "And what that means"),
    ("web_es_newsletter.txt", "Por qué el delta se queda sin arena", "La Bitácora del Ebro",
     PartialDate(2025, 3, 12), "Marta Puig", "Las presas retienen"),
    ("web_de_stand.txt", "Elbvertiefung: Baggerarbeiten gehen in die nächste Runde", None,
     PartialDate(2025, 3, 14), "Jana Keller und Tim Berg", "Die Hafenbehörde"),
    ("web_nb_news.txt", "Ny bru over Sognefjorden kan stå ferdig i 2032", "Vestlandsposten",
     PartialDate(2025, 3, 14), "Kari Holm", "Statens vegvesen"),
    ("web_pt_news.txt", "Pastores da Estrela voltam a levar rebanhos para a serra",
     "Diário da Beira", PartialDate(2025, 3, 13), "Rui Almeida", None),
]


@pytest.mark.parametrize(("name", "title", "publication", "date", "author", "standfirst"),
                         EXPECTED, ids=[e[0] for e in EXPECTED])
def test_fields_of_a_browser_copy(
    name: str, title: str, publication: str | None, date: PartialDate | None, author: str,
    standfirst: str | None,
) -> None:
    meta = doc(name).meta
    assert meta.source is not None and meta.source.format == "web"
    assert (meta.title, meta.publication, meta.date, meta.author) == (
        title, publication, date, author)
    if standfirst is None:
        assert meta.standfirst is None
    else:
        assert meta.standfirst is not None and meta.standfirst.startswith(standfirst)


# Lines of page chrome in the fixtures: none may be left in a body.
CHROME = [
    "Skip to", "Menu", "cookies", "Accept all", "Share", "Copy link", "comments", "Photo:",
    "Advertisement", "Read more", "Sign up", "inbox every Friday", "Most read", "Ferry fares",
    "About us", "©", "Zum Inhalt", "Startseite", "Cookies", "akzeptieren", "Teilen", "Drucken",
    "Anzeige", "Lesen Sie auch", "Foto:", "Meistgelesen", "Rheinbrücke", "Impressum",
    "Vai al contenuto", "cookie", "Condividi", "Leggi anche", "Pubblicità", "commenti",
    "I più letti", "Frana", "Naar de hoofdinhoud", "Advertentie", "Lees ook", "Meest gelezen",
    "Veerboot", "Adverteren", "İçeriğe geç", "çerez", "Paylaş", "Reklam", "En çok okunanlar",
    "yunus", "Künye", "Güncelleme", "minutes", "Abonner", "Takk for at du leser", "Lik",
    "Kommenter", "Personvern", "Diario del Estrecho", "Yazan", "Von Jana", "di Marco",
    "Listen to this", "SKIP", "Related Content", "Octopuses", "Birds Sleep", "print on",
    "Publié", "Lecture", "Offrir", "Lire plus tard", "Lire aussi", "Quotidienne",
    "Chaque matin", "inscrire", "Contribuer", "plus lus", "prix de l’électricité",
    "JAVIER", "Huesca", "Actualizado", "Compartir", "comentarios", "Más información",
    "deshielo", "Sobre la firma", "Periodista", "Archivado", "Trust", "ola de frío", "EDICIONES",
    "harbourtimes", "Havelblatt", "Thanks for reading", "Restack", "Start writing", "Gracias",
    "Suscribirse", "Me gusta", "Privacidad", "Stand:", "Mehr zum Thema", "Burchardkai",
    "Programm", "NDR Info", "Datenschutz", "Journalist", "Oppdatert", "Annonse", "Les også",
    "Mest lest", "Snøras", "Publicidade", "Leia também", "Mais lidas", "Comboio", "Ficha",
]


@pytest.mark.parametrize("name", [e[0] for e in EXPECTED])
def test_no_chrome_is_left_in_the_body(name: str) -> None:
    body = doc(name).body
    left = [word for word in CHROME if word in body]
    assert not left
    assert len(body.split("\n\n")) >= 3


def test_the_published_date_is_taken_over_the_updated_one() -> None:
    assert doc("web_en_news.txt").meta.date == PartialDate(2025, 3, 14)  # not the 15th
    text = (DUMPS / "web_en_news.txt").read_text().replace(
        "Published 14 March 2025, 08:12 GMT | ", "")
    meta = parse_dump(text.encode(), "inbox/x.txt").meta
    assert meta.date == PartialDate(2025, 3, 15)  # the update's, when there is no other
    assert UPDATED_NOTE in meta.review and meta.status == "held"


def test_title_suffix_names_the_publication() -> None:
    text = (
        "Rain returns to the valley at last | The Dale Gazette\nHome\nNews\nWeather\n"
        "Rain returns to the valley at last\nBy Tom Fell\n2 June 2024\n"
        "After eleven weeks without a drop, the reservoirs above the town began to fill again "
        "on Sunday night.\nFarmers said the grass would recover within a fortnight if the "
        "showers continued.\nThe water company lifted its hosepipe ban on Monday morning.\n"
    )
    meta = parse_dump(text.encode(), "inbox/x.txt").meta
    assert (meta.title, meta.publication) == ("Rain returns to the valley at last",
                                              "The Dale Gazette")


def test_headline_and_teaser_pairs_after_the_body_are_cut() -> None:
    text = (
        "Home\nNews\nSport\nHarbour wall repairs begin after the winter storms\n"
        "By Ann Lee\n3 March 2024\n"
        "Contractors arrived on Monday to rebuild the section of wall that collapsed in January.\n"
        "The work will close the north pier to walkers until the end of April.\n"
        "Fishing boats will use the south quay while the cranes are in place.\n"
        "Lifeboat crew rescue two kayakers off the point\nBoth were wearing life jackets.\n"
        "New bus timetable starts in May\nThe evening service will run every half hour.\n"
        "© 2024 Coast News\n"
    )
    body = parse_dump(text.encode(), "inbox/x.txt").body
    assert body.endswith("Fishing boats will use the south quay while the cranes are in place.")


def test_a_sentence_that_names_a_day_stays_in_the_body() -> None:
    text = (DUMPS / "web_de_news.txt").read_text().replace(
        "Der Stadtrat hatte", "Am 3. März 2025 hatte der Stadtrat")
    document = parse_dump(text.encode(), "inbox/x.txt")
    assert "Am 3. März 2025 hatte der Stadtrat" in document.body
    assert document.meta.date == PartialDate(2025, 3, 14)


def test_plain_text_with_a_title_is_still_text() -> None:
    meta = parse_dump(b"Notes from the meeting\nWe agreed to meet again in May.\n", "x").meta
    assert meta.source is not None and meta.source.format == "text"


def test_the_same_article_copied_whole_and_from_reader_view_is_one_article(
    make_site: Callable[..., Path],
) -> None:
    page = (DUMPS / "web_de_news.txt").read_text()
    start = page.index("Mainz baut")
    end = page.index("Meistgelesen")
    reader = "rheinblatt.example\n" + "\n".join(
        line for line in page[start:end].split("\n")
        if line not in ("Teilen", "Link kopieren", "Drucken", "Anzeige")
    ) + "\n"
    root = make_site(inbox={"a-page.txt": page, "b-reader.txt": reader})
    report = normalize(load_config(root), None, force=False, dry_run=False, stdout=None,
                       progress=False)
    assert report.duplicates == ("inbox/b-reader.txt: duplicate of inbox/a-page.txt",)
    assert len(report.written) == 1


def test_a_newsletter_and_its_post_copied_from_the_web_are_one_article(
    make_site: Callable[..., Path],
) -> None:
    post = (DUMPS / "web_nb_newsletter.txt").read_text()
    start = post.index("Den første batteriferja")
    end = post.index("Takk for at du leser")
    mail = (
        "From: Fjordbrevet <kari@fjordbrevet.example>\n"
        "Subject: Hvorfor fergene på Vestlandet blir elektriske før bussene\n"
        "Date: Fri, 14 Mar 2025 07:00:00 +0100\n\n"
        + post[start:end].replace("\n", "\n\n") + "Meld deg av nyhetsbrevet\n"
    )
    root = make_site(inbox={"a-mail.txt": mail, "b-post.txt": post})
    report = normalize(load_config(root), None, force=False, dry_run=False, stdout=None,
                       progress=False)
    assert report.duplicates == ("inbox/b-post.txt: duplicate of inbox/a-mail.txt",)
