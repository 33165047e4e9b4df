"""Reading-app copies in the variants curators paste: Magzter's promotion and call above the
headline with the date only in the edition footer, PressReader's date only in its address."""

from __future__ import annotations

from pathlib import Path

from digest.model import ArticleDocument, PartialDate
from digest.normalize import parse_dump

DUMPS = Path(__file__).parent / "fixtures" / "dumps"


def doc(name: str) -> ArticleDocument:
    return parse_dump((DUMPS / name).read_bytes(), f"inbox/{name}")


def test_magzter_promotion_and_call_above_the_headline() -> None:
    document = doc("magzter_app_de_promo_top.txt")
    meta = document.meta
    assert meta.source is not None and meta.source.format == "magzter"
    assert meta.title == "The night trains are back, and this time they are full"
    assert (meta.publication, meta.date, meta.edition) == (
        "The Continental", PartialDate(2024, 8, 17), "August 17, 2024")
    assert meta.source.ui_language == "de"
    assert [r.title for r in meta.related] == ["A border town learns two languages at once"]
    assert document.body.startswith("Sleeper services")
    for chrome in ("GOLD", "Abonnent", "Ausgabe", "WEITERE", "border town", "Listen"):
        assert chrome not in document.body
    assert not meta.review


def test_magzter_footer_with_the_publication_inside_the_sentence() -> None:
    meta = doc("magzter_web_tr_footer_only.txt").meta
    assert meta.title == "Zeytin hasadında genç çiftçilerin dönüşü"
    assert (meta.publication, meta.date, meta.edition) == (
        "Ege Mevsimleri", PartialDate(2023, 11), "Kasım 2023")


def test_a_web_page_byline_with_a_date_is_not_a_magzter_copy() -> None:
    text = (
        "Home\nNews\nSport\nBridge repairs close the river path for a month\n"
        "Hamish Tull | 7 May 2024\n"
        "The footpath under the old bridge will close on Monday while engineers replace the "
        "bearings that carry the deck.\nWalkers will be sent through the park instead, a "
        "detour of about ten minutes.\n© 2024 The Dale Gazette\n"
    )
    meta = parse_dump(text.encode(), "inbox/x.txt").meta
    assert meta.source is not None and meta.source.format == "web"
    assert (meta.author, meta.date, meta.publication) == (
        "Hamish Tull", PartialDate(2024, 5, 7), "The Dale Gazette")


def test_pressreader_address_pasted_first_gives_the_date() -> None:
    document = doc("pressreader_url_top.txt")
    meta = document.meta
    assert (meta.publication, meta.title, meta.author, meta.date) == (
        "The Western Herald", "Oyster beds reopen after two lean years", "Niamh Walsh",
        PartialDate(2024, 9, 17))
    assert "pressreader" not in document.body and "- -" not in document.body


def test_pressreader_address_pasted_last_gives_the_date() -> None:
    meta = doc("pressreader_fr_url.txt").meta
    assert (meta.publication, meta.author, meta.date) == (
        "Le Courrier de l'Ouest", "Hélène Morvan", PartialDate(2024, 11, 2))
