"""Newsletters by e-mail: the HTML part over a stub, what a reader never sees left out,
forwarded newsletters and issue-line subjects."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from digest.model import ArticleDocument, PartialDate
from digest.normalize import parse_dump
from digest.normalize.formats.newsletter import STUB_NOTE

DUMPS = Path(__file__).parent / "fixtures" / "dumps"


def doc(name: str) -> ArticleDocument:
    return parse_dump((DUMPS / name).read_bytes(), f"inbox/{name}")


def test_the_html_part_is_read_when_the_text_part_is_a_stub() -> None:
    document = doc("newsletter_fr_stub.eml")
    meta = document.meta
    assert meta.title == "Les phoques de la baie de Somme n'ont jamais été aussi nombreux"
    assert (meta.publication, meta.date) == ("La Lettre du Littoral", PartialDate(2024, 9, 5))
    assert not meta.review and meta.status == "published"
    body = document.body
    assert body.startswith("Le dernier comptage")
    assert "**baie plus calme**" in body
    assert "![Des phoques sur un banc de sable](https://lettre.example/img/phoques-banc.jpg)" \
        in body
    for hidden in ("Cette semaine", "navigateur", "track.lettre", "logo.png", "désinscrire",
                   "préférences", "Vous recevez", "quai Jeanne"):
        assert hidden not in body, hidden


def test_an_issue_line_subject_gives_way_to_the_body_headline() -> None:
    document = doc("newsletter_de_issue.eml")  # HTML only, quoted-printable, nested parts
    meta = document.meta
    assert meta.title == "Warum die Hafenkräne nachts leuchten"
    assert meta.edition == "Der Wochenbrief Nr. 48"
    assert (meta.publication, meta.date) == ("Der Wochenbrief", PartialDate(2024, 11, 8))
    assert document.body.startswith("Seit dem Frühjahr")
    for hidden in ("Kräne, Krabben", "Im Browser", "Abmelden", "Hafenstraße", "pixel"):
        assert hidden not in document.body
    assert "*wenn die Anwohner mitspielen*" in document.body


def test_an_issue_line_subject_without_a_headline_keeps_its_topic() -> None:
    text = (
        "From: The Weekly Letter <hello@weekly.example>\nSubject: The Weekly Letter no. 48 - "
        "Harbour cranes at night\nDate: Fri, 08 Nov 2024 06:30:00 +0000\n\n"
        "The six container cranes at the west quay now light up at night in changing colours, "
        "and the reason is a practical one.\n\nThe pilots can see which crane is working.\n"
    )
    meta = parse_dump(text.encode(), "inbox/x.txt").meta
    assert (meta.title, meta.edition) == ("Harbour cranes at night", "The Weekly Letter no. 48")


def test_a_forwarded_newsletter_keeps_the_note_and_the_original_sender_and_date() -> None:
    for name, publication, date, note in (
        ("newsletter_nl_forwarded.txt", "De Dijkpost", PartialDate(2024, 5, 6),
         "Leuk stuk over de dijk bij Petten, misschien iets voor de volgende editie?"),
        ("newsletter_es_forwarded.eml", "Boletín Atlántico", PartialDate(2024, 6, 10),
         "Te reenvío esto, creo que encaja con el número sobre Canarias. Lucía"),
    ):
        document = doc(name)
        meta = document.meta
        assert (meta.publication, meta.date, meta.note) == (publication, date, note), name
        assert "Fwd" not in meta.title and "RV:" not in meta.title
        for chrome in ("reenviado", "Doorgestuurd", "Afmelden", "baja", "anna@", "Van:", "De:"):
            assert chrome not in document.body, (name, chrome)


def test_a_stub_with_no_html_part_is_held_for_review() -> None:
    message = EmailMessage()
    message["From"] = "Quay Notes <notes@quay.example>"
    message["Subject"] = "Tides this week"
    message["Date"] = "Mon, 6 May 2024 08:00:00 +0000"
    message.set_content("View this email in your browser: https://quay.example/w/9\n")
    meta = parse_dump(message.as_bytes(policy=SMTP), "inbox/x.eml").meta
    assert STUB_NOTE in meta.review and meta.status == "held"


def test_a_text_part_with_the_whole_letter_is_kept_over_its_html() -> None:
    message = EmailMessage()
    message["From"] = "Quay Notes <notes@quay.example>"
    message["Subject"] = "Tides this week"
    message["Date"] = "Mon, 6 May 2024 08:00:00 +0000"
    message.set_content("The spring tides arrive on Wednesday and will cover the causeway for "
                        "three hours either side of high water, so the island bus runs early. "
                        "Walkers should check the boards at the slipway before they set off, "
                        "and the cafe on the island will stay open until the last crossing.\n")
    message.add_alternative("<p>Another text entirely, only in the HTML part.</p>",
                            subtype="html")
    body = parse_dump(message.as_bytes(policy=SMTP), "inbox/x.eml").body
    assert body.startswith("The spring tides") and "Another text" not in body
