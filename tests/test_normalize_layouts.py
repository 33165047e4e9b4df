"""Zinio copies and browser-copied web pages, on invented text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from digest.normalize import parse_dump
from digest.normalize.casing import is_lowered, sentence_case
from digest.normalize.pagelines import is_headline, is_short


def _parse(text: str):  # type: ignore[no-untyped-def]
    return parse_dump(text.encode("utf-8"), "inbox/dump.txt")


ZINIO_ISSUE = """Der Bergbote
Mai 2024
4 Min.
hütten ohne strom: ein sommer am gletscher
Drei Wirtsleute erzählen, wie man ohne Leitung kocht, wäscht und Gäste wärmt…
7 Min.
die letzte seilbahn im tal
Warum eine Gemeinde ihre alte Bahn nicht aufgeben will…
"""

ZINIO_ARTICLE = """6 min.
the quiet return of the river otter
After decades of absence, otters are back in the canals of the old mill towns…
By Priya Nandakumar
Early on a weekday the towpath below the old dye works is empty except for a man with a flask.
He has been counting otter tracks here since 2019 and says the numbers have doubled.
"""


def test_zinio_issue_page_becomes_one_article_listing_the_stories() -> None:
    doc = _parse(ZINIO_ISSUE)
    meta = doc.meta
    assert meta.title == "Der Bergbote – Mai 2024"
    assert meta.publication == "Der Bergbote"
    assert meta.date is not None and meta.date.iso == "2024-05"
    assert "issue page: several stories, no article body" in meta.review
    first = doc.body.splitlines()[0]
    assert first.startswith("- Hütten ohne strom: ein sommer am gletscher — Drei")
    assert "(7 Min)" not in doc.body and "(7 min)" in doc.body


def test_zinio_single_article() -> None:
    doc = _parse(ZINIO_ARTICLE)
    meta = doc.meta
    assert meta.title == "The quiet return of the river otter"
    assert meta.author == "Priya Nandakumar"
    assert meta.standfirst is not None and meta.standfirst.endswith("…")
    assert meta.reading_time == 6
    assert "title case guessed from lower case" in meta.review
    assert doc.body.startswith("Early on a weekday")
    assert "issue page" not in " ".join(meta.review)


def test_zinio_related_entries_after_an_article() -> None:
    doc = _parse(ZINIO_ARTICLE + "3 min.\nnew bridges for old canals\nThe towpath reopens…\n")
    assert [s.title for s in doc.meta.related] == ["New bridges for old canals"]
    assert doc.meta.related[0].reading_time == 3


def test_read_time_after_the_teaser_is_not_zinio() -> None:
    text = "A headline of some length here\nA teaser sentence that ends here.\n3 min.\nBody text.\n"
    assert _parse(text).meta.source is not None
    assert _parse(text).meta.source.format == "text"  # type: ignore[union-attr]
    assert "issue page: several stories, no article body" not in _parse(text).meta.review


def test_casing_helpers() -> None:
    assert is_lowered("the quiet return of the otter")
    assert not is_lowered("The quiet return")
    assert sentence_case("die letzte seilbahn", ["Die Seilbahn fährt."]) == "Die letzte Seilbahn"
    assert sentence_case("Mixed Case Title Here", []) == "Mixed Case Title Here"


WEB_FR = """Accueil
Actualités
Sport
Rechercher
S'abonner
Nous utilisons des cookies pour mesurer l'audience et personnaliser les contenus.
Accepter
Refuser
Les apiculteurs du Jura misent sur les ruches connectées
Par Lucie Vernay
14 juin 2024
Partager
Facebook
Copier le lien
Dans la vallée de la Loue, vingt apiculteurs ont équipé leurs ruches de balances connectées.
Les données disent quand la miellée commence, sans ouvrir les ruches ni déranger les colonies.
Cet article est réservé aux abonnés.
Mentions légales
Contact
© 2024 L'Écho des Monts. Tous droits réservés.
"""


def test_web_page_text_in_french() -> None:
    doc = _parse(WEB_FR)
    meta = doc.meta
    assert meta.title == "Les apiculteurs du Jura misent sur les ruches connectées"
    assert meta.author == "Lucie Vernay"
    assert meta.date is not None and meta.date.iso == "2024-06-14"
    assert meta.publication == "L'Écho des Monts"
    assert meta.truncated
    assert doc.body.startswith("Dans la vallée")
    assert doc.body.rstrip().endswith("les colonies.")
    for chrome_word in ("Accueil", "Partager", "Facebook", "cookies", "Mentions", "©", "abonnés"):
        assert chrome_word not in doc.body


def test_web_page_with_pipe_byline_and_no_paywall() -> None:
    text = (
        "Inicio\nMundo\nCiencia\nTecnología\n"
        "Un satélite universitario mide el hielo de los Andes\n"
        "Tomás Ibarra | Santiago | 2 de febrero de 2024\n"
        "Un equipo de estudiantes lanzó un satélite que fotografía los glaciares cada semana.\n"
        "Los primeros datos muestran una pérdida de hielo mayor de la prevista en la cordillera.\n"
        "Términos de uso\nPrivacidad\n© Gaceta Austral 2024\n"
    )
    meta = _parse(text).meta
    assert meta.title.startswith("Un satélite universitario")
    assert meta.author == "Tomás Ibarra"
    assert meta.date is not None and meta.date.iso == "2024-02-02"
    assert meta.publication == "Gaceta Austral"
    assert not meta.truncated


def test_plain_text_without_page_chrome_is_left_alone() -> None:
    text = "Minutes of the allotment committee\n\nWe met on Tuesday.\nTea\nBiscuits\n"
    doc = _parse(text)
    assert "format not recognised" in doc.meta.review
    assert "Tea" in doc.body and "Biscuits" in doc.body


def test_shapes() -> None:
    assert is_short("Iniciar sesión") and is_short("X") and not is_short("Fin.")
    assert not is_short("- item")
    assert is_headline("Rain returns to the valley at last")
    assert not is_headline("Rain returns to the valley at last.")
    assert not is_headline("Two words")


def test_a_rerun_does_not_import_the_parsers(tmp_path: Path) -> None:
    code = (
        "import sys, digest.normalize\n"
        "heavy = {'digest.normalize.core', 'py3langid', 'charset_normalizer', 'ftfy',"
        " 'trafilatura', 'dateparser', 'babel', 'rich', 'slugify'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
