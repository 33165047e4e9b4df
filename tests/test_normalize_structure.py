# ruff: noqa: E501  (dump literals keep their real, long lines)
"""Structure-keyed repairs, each on invented text: joins, kickers, chrome, lists, casing, truncation."""

from __future__ import annotations

from digest.model import ArticleDocument
from digest.normalize import parse_dump
from digest.normalize.casing import recase
from digest.normalize.common import detect_language, language_code, split_kicker
from digest.normalize.mailbody import byline, clean, publication
from digest.normalize.textfix import join_broken_lines, to_markdown

LONG = "The ferry runs twice a day across the sound, and the islanders have timed their lives around it for decades."


def parse(text: str, name: str = "inbox/dump.txt") -> ArticleDocument:
    return parse_dump(text.encode("utf-8"), name)


# --- 1. a sentence broken by a stray period ------------------------------------------------

def test_stray_period_before_a_number_is_joined_after_a_word_that_needs_more() -> None:
    lines, guessed = join_broken_lines([f"{LONG} The new boats arrive by early.", "2031 if the yard keeps its promise."])
    assert lines == [f"{LONG} The new boats arrive by early 2031 if the yard keeps its promise."]
    assert guessed == 1


def test_a_real_sentence_end_before_a_number_is_kept() -> None:
    lines, _ = join_broken_lines(["The last boat sailed in 2029.", "2030 brought a new timetable."])
    assert lines == ["The last boat sailed in 2029.", "2030 brought a new timetable."]
    lines, _ = join_broken_lines(["The crossing was calm.", "2030 brought a new timetable."])
    assert len(lines) == 2  # `calm` can end a sentence
    lines, _ = join_broken_lines(["Boats arrive by late.", "2031. Then 2032. Then more."])
    assert len(lines) == 2  # the next line is more than one sentence


def test_join_adds_a_review_note() -> None:
    doc = parse(f"Ferries for the sound\n\n{LONG}\nThe new boats arrive by the.\n2031 season at the latest.\n")
    assert "arrive by the 2031 season" in doc.body
    assert any("stray period" in note for note in doc.meta.review)


# --- 2. quoted kickers with apostrophes ------------------------------------------------------

def test_kicker_quotes_of_every_kind_with_apostrophes_inside() -> None:
    cases = {
        "'We've waited long enough' Islanders vote for a bridge": "We've waited long enough",
        "‘Don’t call it a comeback’ Old ferry returns": "Don’t call it a comeback",
        '"It\'s a small miracle" Harbour reopens': "It's a small miracle",
        "“Nobody’s listening” Fishers march on the capital": "Nobody’s listening",
        "«C’est notre port» Les pêcheurs manifestent": "C’est notre port",
        "« On n’a pas le choix » Le maire signe": "On n’a pas le choix",
        "„Wir sind’s leid“ Fischer protestieren": "Wir sind’s leid",
    }
    for headline, kicker in cases.items():
        found, rest = split_kicker(headline)
        assert found == kicker, headline
        assert rest and rest[0].isupper()


def test_quote_that_is_part_of_the_sentence_is_not_a_kicker() -> None:
    assert split_kicker("'Slow boat' trend grows on the islands") == (None, "'Slow boat' trend grows on the islands")
    assert split_kicker("'Tis the season for herring")[0] is None


# --- 3 and 4. newsletter chrome, bylines, lists -----------------------------------------------

LETTER = """From: Der Hafenbrief der Küstenzeitung <brief@kuestenzeitung.example.de>
Subject: Die Fähre fährt wieder nach Plan
Date: 3 Nov 2025 06:00:00 +0100
To: leser@example.net

Probleme mit der Darstellung? Im Browser öffnen.

DER HAFENBRIEF – Montag, 3. November

Die Fähre fährt wieder nach Plan

Von Jonas Feldmann

Nach drei Wochen Ausfall fährt die Inselfähre seit Sonntag wieder nach dem regulären Fahrplan. Die Werft hat das defekte Getriebe schneller ersetzt als angekündigt, und die Reederei verzichtet für den Rest des Monats auf den Zuschlag für Fahrräder.

Was sich ändert:
- Erste Abfahrt um 6.10 Uhr statt 6.40 Uhr
- Zusätzliche Fahrt am Freitagabend
- Fahrräder bis Monatsende ohne Zuschlag

Die Inselschule hatte während des Ausfalls auf Unterricht per Video umgestellt. Ab Montag sind alle Klassen wieder vor Ort.

* * *
Sie erhalten diesen Brief, weil Sie den Hafenbrief abonniert haben.
Abmelden | Einstellungen
Küstenzeitung, 4 Am Kai, 25999 Inselstadt
"""


def test_newsletter_chrome_byline_list_and_publication() -> None:
    doc = parse(LETTER)
    meta = doc.meta
    assert meta.title == "Die Fähre fährt wieder nach Plan"
    assert meta.author == "Jonas Feldmann"
    assert meta.publication == "Küstenzeitung"  # the footer's postal address names it
    assert doc.body.startswith("Nach drei Wochen Ausfall")
    for chrome in ("Browser", "HAFENBRIEF", "Von Jonas", "* * *", "abonniert", "Abmelden", "Am Kai"):
        assert chrome not in doc.body
    assert doc.body.count("Die Fähre fährt wieder nach Plan") == 0
    assert "\n- Erste Abfahrt um 6.10 Uhr statt 6.40 Uhr\n- Zusätzliche Fahrt" in doc.body
    assert doc.body.endswith("Ab Montag sind alle Klassen wieder vor Ort.")


def test_sender_name_kept_whole_without_an_address_line() -> None:
    assert publication("Le Journal du Lac", []) == "Le Journal du Lac"
    assert publication("La Lettre verte du Journal du Lac", ["Le Journal du Lac, 3 rue Neuve"]) == "Le Journal du Lac"
    assert publication("Harbour Notes", ["Somebody Else Ltd, 9 Dock Road"]) == "Harbour Notes"


def test_byline_shapes() -> None:
    assert byline("By Ana Ruiz") == "Ana Ruiz"
    assert byline("Por Ana Ruiz, corresponsal") == "Ana Ruiz"
    assert byline("Door Pieter van Dam") == "Pieter van Dam"
    assert byline("Av Kari Nordmann") == "Kari Nordmann"
    assert byline("By the harbour wall") is None
    assert byline("The Results Are In") is None


def test_footer_only_cut_at_the_end() -> None:
    body = clean(["Intro paragraph with enough words to count as prose here.", "—", "Unsubscribe here"], None)
    assert body.paragraphs == ["Intro paragraph with enough words to count as prose here."]
    keep = clean(["We subscribe to the idea that ferries matter, said the mayor, at length, again.", "Final words."], None)
    assert keep.paragraphs[-1] == "Final words."


def test_lists_stay_lists_and_prose_stays_escaped() -> None:
    md = to_markdown(["Watch for:", "- *Tuesday*: tides", "- Friday: storm", "- a lone dash line", "Done."])
    assert md == "Watch for:\n\n- \\*Tuesday\\*: tides\n- Friday: storm\n- a lone dash line\n\nDone."
    assert to_markdown(["- only one item"]) == "\\- only one item"
    assert to_markdown(["1. first", "2. second", "4. fourth"]) == "1. first\n2. second\n\n4\\. fourth"


# --- 5. saved web pages: kicker, repeated title, lead -------------------------------------------

PAGE = """<!doctype html><html lang="nl"><head><title>Veerboot vaart weer | De Kustkrant</title>
<meta property="og:site_name" content="De Kustkrant">
<meta property="og:title" content="Veerboot vaart weer">
<meta property="og:description" content="Na drie weken stilstand vaart de veerboot weer.">
<meta property="article:published_time" content="2025-11-03T08:00:00+01:00">
</head><body><nav><a href="/">Home</a></nav><main><article>
<div class="article-eyebrow">Scheepvaart</div>
<h1>Veerboot vaart weer</h1>
<p class="intro-text">Na drie weken stilstand vaart de veerboot weer, en de rederij schrapt de toeslag voor fietsen tot het einde van de maand.</p>
<p>De werf heeft de kapotte versnellingsbak sneller vervangen dan verwacht. Volgens de rederij waren er geen extra kosten voor de reizigers, en de dienstregeling is vanaf zondag weer volledig.</p>
<p>De eilandschool gaf tijdens de stilstand les via video. Vanaf maandag zitten alle klassen weer gewoon in het lokaal, tot opluchting van ouders en leraren.</p>
</article></main><footer>© De Kustkrant</footer></body></html>"""


def test_html_kicker_lead_and_no_repeats() -> None:
    doc = parse(PAGE, "inbox/page.html")
    meta = doc.meta
    assert meta.kicker == "Scheepvaart"
    assert meta.title == "Veerboot vaart weer"
    assert meta.standfirst is not None and meta.standfirst.startswith("Na drie weken stilstand vaart de veerboot weer, en")
    assert doc.body.startswith("De werf heeft")
    assert "Scheepvaart" not in doc.body and "Veerboot vaart weer" not in doc.body


# --- 6. shouted titles, truncation on evidence ----------------------------------------------------

def test_shouted_title_is_recased_from_the_body() -> None:
    body = ["The EU and NASA signed the deal in Lisbon. Officials in Lisbon said the EU would pay."]
    assert recase("NASA AND THE EU MEET IN LISBON", body) == "NASA and the EU meet in Lisbon"
    assert recase("A QUIET HARBOUR", ["Nothing here."]) == "A quiet harbour"
    assert recase("A QUIET HARBOUR", ["He called it a quiet harbour once."]) == "a quiet harbour"


def _web_copy(body: list[str], tail: str = "", signed_in: bool = True) -> str:
    return "\n".join([
        "THE LONG WAY ROUND THE CAPE", "Sea & Sky|March 2025",
        "A standfirst sentence that sets up the story.", "MARTA OLIVEIRA",
        "THE LONG WAY ROUND THE CAPE",
        *body, "This story is from the March 2025 edition of Sea & Sky.",
        "Start your 7-day Magzter GOLD free trial to access thousands of curated premium stories.",
        tail, "" if signed_in else "Already a subscriber ? Sign In",
    ])


def test_magzter_truncated_only_on_evidence() -> None:
    full = [LONG] * 3 + ["And so the boat came home, late but whole."]
    doc = parse(_web_copy(full))
    assert doc.meta.truncated is False
    # A sign-in prompt is only offered to a reader who was shown a preview.
    assert parse(_web_copy(full, signed_in=False)).meta.truncated is True
    assert doc.meta.title == "The long way round the cape"
    assert "title case guessed from capitals" in doc.meta.review
    assert doc.meta.author == "Marta Oliveira"
    cut = [LONG] * 3 + ["And so the boat came home, late but whole, and the crew walked up the hill to the"]
    assert parse(_web_copy(cut)).meta.truncated is True
    ellipsis = [LONG] * 3 + ["And so the boat came home…"]
    assert parse(_web_copy(ellipsis)).meta.truncated is True
    notice = parse(_web_copy(full, "To continue reading, subscribe today."))
    assert notice.meta.truncated is True


def test_magzter_truncated_when_far_shorter_than_the_stated_read_time() -> None:
    app = "\n".join([
        "Try GOLD - Free", "Harbour pilots train on simulators", "Port Weekly", "|March 03, 2025", "6 mins",
        LONG, "Pilots now spend a week in the simulator each year.",
        "This story is from the March 03, 2025 edition of Port Weekly.",
    ])
    assert parse(app).meta.truncated is True  # about 30 words for a 6-minute read


# --- 7. Norwegian is written nb ---------------------------------------------------------------------

def test_norwegian_is_nb() -> None:
    assert language_code("no") == "nb"
    text = "Fergen går igjen etter tre uker, og rederiet dropper tillegget for sykler ut måneden. Skolen på øya har hatt undervisning på video hele tiden."
    assert detect_language(text) == "nb"
