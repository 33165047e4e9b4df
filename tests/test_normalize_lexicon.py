"""The lexicon of page chrome: every category in every language, matched the same way."""

from __future__ import annotations

import pytest

from digest.normalize import lexicon
from digest.normalize.lexicon import LANGUAGES, LEXICON, guess_language, is_line, leads


def test_every_category_speaks_every_language() -> None:
    for category, table in LEXICON.items():
        missing = [code for code in LANGUAGES if not table.get(code)]
        assert not missing, f"{category} lacks {missing}"


@pytest.mark.parametrize(("category", "line"), [
    ("ad", "Advertisement"), ("ad", "ANZEIGE"), ("ad", "Publicité"), ("ad", "Publicidad"),
    ("ad", "Pubblicità"), ("ad", "Advertentie"), ("ad", "Publicidade"), ("ad", "Annonse"),
    ("ad", "Reklam"), ("skip", "Skip to main content"), ("skip", "Zum Inhalt springen"),
    ("skip", "İçeriğe geç"), ("consent_button", "Alle akzeptieren"), ("share", "Paylaş"),
    ("more_stories", "Les plus lus"), ("more_stories", "En çok okunanlar"),
    ("paywall", "Cet article est réservé aux abonnés."), ("trailing_ui", "Lytt"),
])
def test_whole_lines(category: str, line: str) -> None:
    assert is_line(category, line)


def test_a_phrase_inside_a_longer_line_is_not_the_whole_line() -> None:
    assert not is_line("ad", "Advertisement revenue fell by a third last year")
    assert not is_line("share", "Share prices rose")


@pytest.mark.parametrize(("line", "rest"), [
    ("Leggi anche: Il sindaco lascia", "Il sindaco lascia"),
    ("Read more: Rain returns", "Rain returns"),
    ("LEES OOK | De dijk houdt", "De dijk houdt"),
    ("Published 14 March 2025, 08:12 GMT", "14 March 2025, 08:12 GMT"),
    ("Veröffentlicht am 14. März 2025", "14. März 2025"),
])
def test_leads(line: str, rest: str) -> None:
    category = "read_more" if "2025" not in line else "published"
    assert leads(category, line) == rest


def test_a_word_that_only_starts_like_a_phrase_does_not_lead() -> None:
    assert leads("read_more", "Readiness drills begin") is None
    assert leads("byline", "Bystanders watched") is None


@pytest.mark.parametrize(("code", "text"), [
    ("en", "The river was high and the bridge that was built in the spring is closed for it"),
    ("de", "Der Fluss ist hoch und die Brücke ist nicht offen, weil sich das Wasser auf der"),
    ("fr", "Le fleuve est haut et les ponts sont fermés dans une ville qui ne dort pas"),
    ("es", "El río está alto y los puentes que cruzan la ciudad están cerrados por el agua"),
    ("it", "Il fiume è alto e il ponte che porta in città non è aperto per gli abitanti"),
    ("nl", "De rivier staat hoog en het is niet veilig om met de auto over de brug te gaan"),
    ("pt", "O rio está alto e os moradores que vivem perto não podem sair com o carro para"),
    ("nb", "Elva er høy og det er ikke trygt å kjøre over brua med bil til byen som før"),
    ("tr", "Nehir çok yükseldi ve bu yüzden köprü bir süre için kapalı olan yollar gibi"),
])
def test_guess_language(code: str, text: str) -> None:
    assert guess_language(text) == code


def test_too_little_text_gives_no_guess() -> None:
    assert guess_language("Hello") is None
    assert lexicon.mentions("cookie", "We use cookies to improve this site")
