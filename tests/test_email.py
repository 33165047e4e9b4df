"""`digest email`: an edition as a message for mail clients, written to _email/<edition>/.

The fixture site (fixtures/sites/email) has one edition of each kind of article: a
featured full-text one with an image and links, an excerpt, a headline-only one, a
hostile one and a draft, plus an older edition.
"""

from __future__ import annotations

import datetime
import email
import os
import re
from email.message import EmailMessage
from email.policy import default as default_policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from golden import rewritten, updating_golden
from test_build_support import copy_site

from digest.cli import main
from digest.config import load_config
from digest.email import EmailEdition, make_email, write_email

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden" / "email"
NOW = datetime.datetime(2025, 10, 11, 6, 30, tzinfo=datetime.UTC)
SECRET = "SECRET-BEYOND-THE-EXCERPT"


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--site", str(site)], prog_name="digest")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site("email", tmp_path)


@pytest.fixture
def made(site: Path) -> EmailEdition:
    return make_email(load_config(site))


def written(site: Path, made: EmailEdition) -> dict[str, bytes]:
    folder = write_email(load_config(site), made, NOW)
    assert folder == (site / "_email" / "2025-10-11").resolve()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def parsed(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: EmailMessage) -> dict[str, str]:
    return {part.get_content_type(): str(part.get_content()).replace("\r\n", "\n")
            for part in msg.iter_parts()}


def test_the_three_files_match_their_golden_copies(site: Path, made: EmailEdition) -> None:
    files = written(site, made)
    assert sorted(files) == ["email.html", "email.txt", "message.eml"]
    if updating_golden():
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (GOLDEN / name).write_bytes(data)
        rewritten("email/")
    for name, data in files.items():
        assert data == (GOLDEN / name).read_bytes(), f"{name} differs from its golden copy"


def test_the_message_is_multipart_alternative_in_utf8(site: Path, made: EmailEdition) -> None:
    data = written(site, made)["message.eml"]
    assert b"\r\n" in data and max(len(line) for line in data.split(b"\r\n")) <= 998
    msg = parsed(data)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in msg.iter_parts())
    assert msg["Subject"] == "Le Résumé: October 11, 2025"
    assert msg["From"] == "Le Résumé <digest@example.org>"
    assert msg["Date"] == "Sat, 11 Oct 2025 06:30:00 +0000"
    assert re.fullmatch(r"<digest\.2025-10-11\.[0-9a-f]{16}@example\.org>", msg["Message-ID"])
    assert msg["List-Unsubscribe"] == "<https://digest.example.org/unsubscribe>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Content-Language"] == "en"
    assert msg["To"] is None  # the file names nobody: sending adds one recipient a message
    content = parts(msg)
    assert content["text/plain"] == made.text
    assert content["text/html"].rstrip("\n") == made.html.rstrip("\n")


def test_the_html_is_made_for_mail_clients(made: EmailEdition) -> None:
    page = _Elements()
    page.feed(made.html)
    tags = [tag for tag, _ in page.elements]
    assert "script" not in tags and "link" not in tags
    assert "@font-face" not in made.html and "@import" not in made.html
    # Every rule is inlined: what stays in <style> is the dark-mode media query alone.
    for style in re.findall(r"<style>(.*?)</style>", made.html, re.S):
        assert style.strip().startswith("@media (prefers-color-scheme: dark)")
    for tag, attrs in page.elements:
        if attrs.get("class") and tag not in ("html", "body"):
            assert attrs.get("style"), (tag, attrs)  # styled by the theme: inline
        for name in ("href", "src"):
            if name in attrs:
                assert re.match(r"https://|mailto:", attrs[name] or ""), (tag, attrs)
        if tag == "img":
            assert attrs.get("alt"), attrs
        widths = re.findall(r"(?<![-\w])width:\s*(\d+)px", attrs.get("style") or "")
        if attrs.get("width", "").isdigit():
            widths.append(attrs["width"])
        assert all(int(w) <= 600 for w in widths), (tag, attrs)
    assert "max-width: 600px" in made.html
    assert len(made.html.encode()) < 100_000 and not made.compact


def test_links_go_to_the_web_pages_the_originals_and_the_edition(made: EmailEdition) -> None:
    base = "https://digest.example.org"
    for link in (f"{base}/2025/10/11/", f"{base}/northgate-herald/2025-10-11-chess-final/",
                 "https://northgate.example.com/chess", f"{base}/archive/",
                 f"{base}/articles/harbour-gazette/images/ferry.png"):
        assert f'="{link}"' in made.html, link
    assert "View this edition in your browser" in made.html
    assert f"View this edition in your browser:\n{base}/2025/10/11/" in made.text


def test_content_follows_the_edition(made: EmailEdition) -> None:
    # The featured article leads, then the others by publication.
    titles = ["The night ferry returns", "Estate girl reaches", "Rhine levels fall",
              "Tom &amp; Jerry"]
    where = [made.html.index(t) for t in titles]
    assert where == sorted(where)
    where = [made.text.index(t.replace("&amp;", "&")) for t in titles]
    assert where == sorted(where)
    assert made.text.index("== Featured ==") < where[0]
    for shown in ("TRANSPORT", "By Mari Olsen", "Curator’s note: A small story with a big map.",
                  "Harbour Gazette", "Read the original at Northgate Herald"):
        assert shown in made.text, shown
    # The curator's intro for this edition, as Markdown in HTML and as text.
    assert "A <strong>busy</strong> Saturday" in made.html
    assert "A busy Saturday: ferries, fjords and a chess final [1]." in made.text
    assert "DRAFT-ARTICLE" not in made.html + made.text
    assert made.articles == 4


def test_another_edition_gets_the_default_intro(site: Path) -> None:
    made = make_email(load_config(site), "2025-10-10")
    assert made.key == "2025-10-10" and made.articles == 1
    assert "Good morning. Here is what I read." in made.text
    assert "Council votes" in made.html and "ferry" not in made.html


def test_the_rights_are_respected_in_all_three_files(site: Path, made: EmailEdition) -> None:
    files = written(site, made)
    msg = parsed(files["message.eml"])
    texts = [files["email.html"].decode(), files["email.txt"].decode(), *parts(msg).values()]
    for text in texts:
        assert SECRET not in text and "community centre" not in text
        assert "HEADLINE-ONLY-BODY" not in text and "Pegel" not in text
    # What excerpt mode allows: a quoted, attributed first sentence.
    assert "“Amara Diallo won five games and drew two.”" in made.text
    # Full mode: the whole text.
    assert "Tickets are sold at the quay" in made.text


def test_a_hostile_title_or_note_never_becomes_markup(made: EmailEdition) -> None:
    page = _Elements()
    page.feed(made.html)
    assert [tag for tag, _ in page.elements if tag in ("script", "b")] == []
    assert not [a for _, a in page.elements if any(k.startswith("on") for k in a)]
    assert "&lt;script&gt;alert('title')&lt;/script&gt; Tom &amp; Jerry's" in made.html
    assert "&lt;img src=x onerror=alert('note')&gt; read this &amp; weep" in made.html
    assert "&lt;b&gt;kick&lt;/b&gt;" in made.html
    # Plain text is not markup: the words are shown as they were written.
    assert "<script>alert('title')</script> Tom & Jerry's \"war\"" in made.text


def test_the_text_part_wraps_at_72_columns(made: EmailEdition) -> None:
    long = [line for line in made.text.splitlines() if len(line) > 72]
    # Only a footnote whose address alone is longer has nowhere to break.
    assert all(re.fullmatch(r"\[\d+\] \S+", line) for line in long), long
    assert "islands sails again from Monday, the harbour\nboard said." in made.text
    marks = set(re.findall(r"\[(\d+)\](?! http)", made.text))
    notes = dict(re.findall(r"^\[(\d+)\] (\S+)$", made.text, re.M))
    assert marks == set(notes) and len(notes) >= 8
    assert "https://harbour.example.com/tickets" in notes.values()


def test_a_long_edition_shows_excerpts_to_stay_unclipped(site: Path) -> None:
    article = site / "content/articles/harbour-gazette/2025-10-11-ferry-returns.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\n" + ("A sentence of the long report. " * 20 + "\n\n") * 250,
                       encoding="utf-8")
    made = make_email(load_config(site))
    assert made.compact and len(made.html.encode()) < 100_000
    assert made.html.count("A sentence of the long report") < 10  # of 5,000: the excerpt
    assert "This edition is long" in made.html and "This edition is long" in made.text


def test_the_command_writes_beside_the_site_and_prints(site: Path) -> None:
    result = run(site, "email")
    assert result.exit_code == 0, result.output
    assert "wrote _email/2025-10-11/: email.html" in result.output
    assert "(4 articles)" in result.output
    assert sorted(p.name for p in (site / "_email/2025-10-11").iterdir()) == [
        "email.html", "email.txt", "message.eml"]
    assert not (site / "_site").exists()
    printed = run(site, "email", "2025-10-10", "--stdout")
    assert printed.exit_code == 0, printed.output
    msg = parsed(printed.stdout_bytes)
    assert msg["Subject"] == "Le Résumé: October 10, 2025"
    assert not (site / "_email/2025-10-10").exists()


def test_an_unknown_edition_names_the_ones_there_are(site: Path) -> None:
    result = run(site, "email", "2025-10-12")
    assert result.exit_code == 1
    assert "EDITION: no edition '2025-10-12' with published articles" in result.output
    assert "did you mean '2025-10-11'?" in result.output
    assert "the latest are 2025-10-11, 2025-10-10" in result.output


def test_an_edition_with_nothing_published_is_neither_written_nor_sent(site: Path) -> None:
    article = site / "content/articles/northgate-herald/2025-10-10-council-vote.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "author: Tom Reid", "author: Tom Reid\nstatus: draft"), encoding="utf-8")
    for args in (("2025-10-10",), ("2025-10-10", "--send", "--to", "a@example.org")):
        result = run(site, "email", *args)
        assert result.exit_code == 1
        assert "no edition '2025-10-10' with published articles" in result.output
    assert not (site / "_email").exists() and not (site / "sent-log.jsonl").exists()


def test_base_url_must_be_a_full_address(site: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "base_url: https://digest.example.org/", "base_url: /digest/"), encoding="utf-8")
    result = run(site, "email")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("site.yaml:3: base_url '/digest/' is not a full address, and every link in an "
            "e-mail must be one") in result.output
    assert not (site / "_email").exists()
    result = run(site, "email", "--base-url", "https://news.example.net/d")
    assert result.exit_code == 0, result.output
    html = (site / "_email/2025-10-11/email.html").read_text(encoding="utf-8")
    assert 'href="https://news.example.net/d/2025/10/11/"' in html


def test_the_output_folder_cannot_be_the_email_folder(site: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "output: _email\n", encoding="utf-8")
    result = run(site, "email")
    assert result.exit_code == 1
    assert "output '_email' overlaps _email/" in result.output


def test_a_theme_without_email_templates_uses_the_default_ones(site: Path) -> None:
    theme = site / "themes/bare"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: bare\n", encoding="utf-8")
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: bare\n", encoding="utf-8")
    made = make_email(load_config(site))
    assert "View this edition in your browser" in made.html and made.text


def test_a_broken_email_template_is_reported_at_its_line(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates/email.txt").write_text("{{ edition.label }}\n{{ nope() }}\n",
                                              encoding="utf-8")
    result = run(site, "email")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "templates/email.txt:2: 'nope' is undefined" in result.output


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def test_mail_settings_are_checked_at_their_lines(site: Path) -> None:
    bad = {
        "mail:\n  tos: [a@example.org]\n": "site.yaml:{n}: unknown key 'mail.tos'\n  did you "
        "mean 'to'?",
        "mail:\n  to: [not-an-address]\n": "site.yaml:{n}: mail.to: 'not-an-address' is not "
        "an e-mail address",
        "mail:\n  smtp: {host: smtp.example.org, password: hunter2}\n": "site.yaml:{n}: "
        "mail.smtp.password: credentials never go in site.yaml",
        "mail:\n  smtp: {host: smtp.example.org, port: 99999}\n": "site.yaml:{n}: "
        "mail.smtp.port must be a port number",
        "mail:\n  smtp: {hots: smtp.example.org}\n": "site.yaml:{n}: unknown key "
        "'mail.smtp.hots'\n  did you mean 'host'?",
        "mail:\n  smtp: {host: h.example.org, password_env: my-secret}\n": "site.yaml:{n}: "
        "mail.smtp.password_env: 'my-secret' is not the name of an environment variable",
        "mail:\n  unsubscribe: example.org/u\n": "site.yaml:{n}: mail.unsubscribe must be an "
        "https: or mailto: address",
        "mail:\n  subject: '{title} {issue}'\n": "site.yaml:{n}: mail.subject: unknown "
        "placeholder {{issue}}",
        "mail:\n  to: [a@example.org]\n  to_file: list.txt\n": "site.yaml:{m}: mail: give `to` "
        "or `to_file`, not both",
        "mail: yes\n": "site.yaml:{n0}: mail must be a mapping",
        "mial:\n  to: [a@example.org]\n": "site.yaml:{n0}: unknown key 'mial'\n  did you mean "
        "'mail'?",
        "intro:\n  defualt: Hello\n": "site.yaml:{n}: intro.defualt: not an edition key\n  "
        "did you mean 'default'?",
        "intro: [a, b]\n": "site.yaml:{n0}: intro must be text, or a mapping",
        "feeds:\n  editions: -1\n": "site.yaml:{n}: feeds.editions must be a whole number",
    }
    base = "title: T\nbase_url: https://example.org/\n"
    n0 = base.count("\n") + 1
    for text, expected in bad.items():
        (site / "site.yaml").write_text(base + text, encoding="utf-8")
        result = run(site, "email")
        want = expected.format(n0=n0, n=n0 + 1, m=n0 + 2)
        assert result.exit_code == 1 and want in result.output, (text, result.output)
        assert "Traceback" not in result.output


def test_mail_settings_are_read(site: Path) -> None:
    (site / "site.yaml").write_text(
        "title: T\nmail:\n  from: T <t@example.org>\n  to: one@example.org\n"
        "  smtp: {host: smtp.example.org, ssl: true, user_env: U, password_env: P}\n"
        "  subject: '{edition} from {title}'\nintro: Hello\n", encoding="utf-8")
    config = load_config(site)
    assert config.mail.to == ("one@example.org",) and config.mail.sender == "T <t@example.org>"
    assert config.mail.smtp is not None
    assert (config.mail.smtp.port, config.mail.smtp.ssl, config.mail.smtp.starttls) == (
        465, True, False)
    assert config.intro.of("2025-10-11") == "Hello"
    assert os.environ.get("U") is None  # names only: nothing is read from the environment
