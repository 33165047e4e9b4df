"""Which layout a dump has, decided by its content, never by its file name."""

from __future__ import annotations

from typing import Literal

from digest.normalize import html, magzter, markdown, newsletter, pressreader, zinio

# The layouts told apart; more than the source formats an article records.
Layout = Literal["magzter", "html", "email", "pressreader", "markdown", "zinio", "text"]


def sniff(text: str, lines: list[str]) -> Layout:
    """`text` is the decoded dump (line ends fixed), `lines` its repaired lines.

    Order matters: front matter and mail headers sit at the very top and are
    unambiguous; an e-mail may carry HTML; a Magzter copy may quote a byline.
    """
    if markdown.sniff(text):
        return "markdown"
    if newsletter.sniff(text.split("\n", 60)[:60]):
        return "email"
    if html.sniff(text):
        return "html"
    if magzter.sniff(lines, text):
        return "magzter"
    if pressreader.sniff(lines):
        return "pressreader"
    if zinio.sniff(lines):
        return "zinio"
    return "text"
