"""The plain-text part of an e-mail: article HTML as text, links as numbered footnotes,
every line wrapped at 72 columns.

The theme's `email.txt` writes the text; these are the functions it calls (`note`,
`text`, `footnotes`) and the wrapping applied to what it writes.
"""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser

WIDTH = 72

_BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "table", "tr", "figure", "figcaption", "hr", "footer", "header", "section", "article",
    "aside", "dl", "dt", "dd", "br",
})
_SKIPPED = frozenset({"script", "style", "head", "title", "template"})
_LINKABLE = ("http://", "https://", "mailto:")


class Footnotes:
    """The links of one text, numbered in the order they first appear."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def note(self, url: str | None) -> str:
        """`[n]` for a link a reader can follow, else nothing."""
        if not url or not url.startswith(_LINKABLE):
            return ""
        n = self._numbers.setdefault(url, len(self._numbers) + 1)
        return f"[{n}]"

    def items(self) -> list[tuple[int, str]]:
        return [(n, url) for url, n in self._numbers.items()]


class _Text(HTMLParser):
    def __init__(self, notes: Footnotes) -> None:
        super().__init__(convert_charrefs=True)
        self.notes = notes
        self.paragraphs: list[tuple[str, bool]] = []  # (text, whether a list item)
        self.words: list[str] = []
        self.quote = 0
        self.skip = 0
        self.item = False
        self.links: list[str | None] = []

    def flush(self) -> None:
        text = " ".join("".join(self.words).split())
        self.words = []
        if text:
            bullet = "- " if self.item else ""
            self.paragraphs.append(("> " * self.quote + bullet + text, self.item))
        self.item = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag in _BLOCKS:
            self.flush()
            self.quote += tag == "blockquote"
            self.item = tag == "li"
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.words.append(f" [{alt}] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.flush()
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
        elif tag == "a" and self.links:
            mark = self.notes.note(self.links.pop())
            if mark:
                self.words.append(f" {mark}")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.words.append(data)


def html_to_text(html: str, notes: Footnotes) -> str:
    """Paragraphs of text; links become `[n]` marks whose addresses `notes` keeps."""
    parser = _Text(notes)
    parser.feed(html)
    parser.close()
    parser.flush()
    out: list[str] = []
    for n, (text, item) in enumerate(parser.paragraphs):
        if n:
            before, listed = parser.paragraphs[n - 1]
            if item and listed:
                out.append("\n")
            elif text.startswith(">") and before.startswith(">"):
                out.append("\n>\n")  # one quotation, several paragraphs
            else:
                out.append("\n\n")
        out.append(text)
    return "".join(out)


# Kept at the start of each wrapped line: indentation and quote marks; a bullet or a
# footnote number on the first line only, its width in spaces on the others.
_PREFIX = re.compile(r"^([ \t]*(?:> ?)*)((?:[-*•] |\[\d+\] |\d+\. )?)")


def wrap(text: str, width: int = WIDTH) -> str:
    """Every line at most `width` columns (a word longer than that, such as a long
    address, keeps a line of its own); at most one empty line in a row."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.rstrip()
        if len(line) <= width:
            out.append(line)
            continue
        match = _PREFIX.match(line)
        assert match is not None  # both groups may be empty
        lead, bullet = match[1], match[2]
        out.extend(textwrap.wrap(
            line[match.end():], width, initial_indent=lead + bullet,
            subsequent_indent=lead + " " * len(bullet), break_long_words=False,
            break_on_hyphens=False) or [line])
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return joined.strip("\n") + "\n"
