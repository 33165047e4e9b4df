"""Shared text repair: bytes -> clean text, lines -> Markdown paragraphs.

Dumps arrive in any encoding and with copy-paste damage; everything here is
deterministic and independent of the dump's language.
"""

from __future__ import annotations

import codecs
import functools
import math
import re
import unicodedata

from digest.errors import DigestError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_ESCAPED_QUOTE = re.compile(r"\\([\"'])")
# UTF-8 read as Windows-1252: a lead byte (Ã, Â, â, Å, Ä...) then a continuation character.
_MOJIBAKE_HINT = re.compile(
    r"[ÃÂâÅÄÐÑÎÏ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    r"\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


def decode(data: bytes, name: str) -> str:
    """Decode raw bytes; empty, binary or undecodable input is a DigestError."""
    if not data.strip():
        raise DigestError.at(
            name, "the file is empty", hint="delete it or paste the article into it"
        )
    text = _decode_bytes(data, name)
    if _looks_binary(text):
        raise DigestError.at(
            name, "this looks like a binary file, not a text dump",
            hint="save the article as text, HTML, e-mail (.eml) or Markdown",
        )
    return text


def _decode_bytes(data: bytes, name: str) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    try:  # the common case, and far faster than detection
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096] and data.count(b"\x00") > len(data) // 4:
        # UTF-16 without a byte-order mark: every other byte of Latin text is NUL.
        even_nuls = data[0:4096:2].count(0)
        for encoding in ("utf-16-be", "utf-16-le") if even_nuls > 0 else ("utf-16-le",):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        if b"\x00" not in data:  # plain 8-bit text that no detector is sure about
            return data.decode("cp1252", errors="replace")
        raise DigestError.at(
            name, "cannot tell the text encoding of this file",
            hint="save it again as UTF-8",
        )
    return str(best)


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    return len(_BINARY.findall(sample)) > max(8, len(sample) // 20)


def repair(text: str) -> str:
    """Fix mojibake, line ends, escaped quotes, odd spaces and control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _MOJIBAKE_HINT.search(text):
        import ftfy

        # Only mojibake repair: ftfy must not touch quotes, HTML entities or line ends.
        text = ftfy.fix_text(
            text, unescape_html=False, uncurl_quotes=False, fix_line_breaks=False,
            fix_latin_ligatures=False, fix_character_width=False, normalization=None,
        )
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    text = _ESCAPED_QUOTE.sub(r"\1", text)
    # Only a double space or another kind of space needs _SPACES (most text has neither:
    # the substitution would rewrite every single space as itself); it never spans lines.
    if "  " in text or _ODD_SPACE.search(text):
        text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def fingerprint_text(text: str) -> str:
    """Text with whitespace collapsed: two dumps that differ only in spacing match."""
    return " ".join(text.split())


_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def reading_minutes(text: str) -> int | None:
    words = word_count(text)
    return math.ceil(words / 230) if words else None


# --- joining lines ----------------------------------------------------------------------

_OPEN_END = re.compile(r"[\w,;:\-–(]$")
_STRAY_PERIOD = re.compile(r"^\w.*(?<![\w.])[^\W\d_]+\.$")


def join_broken_lines(lines: list[str]) -> tuple[list[str], int]:
    """Join a sentence split over two lines; returns the lines and how many guessed joins.

    Certain: a line ending mid-sentence (no closing punctuation) followed by a
    line starting in lower case. Guessed (a stray period from a copy artefact):
    a line ending in `word.` followed by a line starting in lower case, or by a
    one-sentence line starting with a number when `word` cannot end a sentence
    (`by late.` / `2030 if ...`; never after a number: `It was 2029.` / `2030 ...`),
    or a short line between two long paragraphs whose last word is lower case.
    Guesses are counted so the article is flagged for review.
    """
    out: list[str] = []
    guessed = 0
    for line in lines:
        if out and line and out[-1]:
            prev = out[-1]
            starts_lower = line[0].islower()
            if starts_lower and _OPEN_END.search(prev) and not prev.endswith("-"):
                out[-1] = f"{prev} {line}"
                continue
            if _stray_period(out, line):
                out[-1] = f"{prev[:-1]} {line}"
                guessed += 1
                continue
        out.append(line)
    return out, guessed


# Words that cannot end a sentence (articles, prepositions, "late"/"early" before a year):
# a period after one is a copy artefact.
@functools.cache
def _open_words() -> frozenset[str]:
    from digest.normalize import lexicon

    return lexicon.word_set("open_words")


def _stray_period(out: list[str], line: str) -> bool:
    prev = out[-1]
    if not _STRAY_PERIOD.match(prev):
        return False  # `It was 2029.` or `U.S.` end a sentence
    words = prev.split()
    last = words[-1].rstrip(".")
    if line[0].islower():  # a lower-case continuation after a period is certain enough
        return (len(last) > 3 and last.islower()) or last.casefold() in _open_words()
    if line[0].isdigit():  # `by late.` / `2030 if ...`: only after a word that needs more,
        # and only when the rest is one sentence (a fragment, not a paragraph of its own)
        one_sentence = len(re.findall(r"[.!?…](\s|$)", line)) <= 1
        return last.islower() and last.casefold() in _open_words() and one_sentence
    before = out[-2] if len(out) >= 2 else ""
    return (
        prev.count(".") == 1
        and 4 <= len(words) <= 8
        and last.islower()
        and not any(ch in prev for ch in "\"“”«»„?!:;,")
        and len(before) >= 100
        and len(line) >= 100
        and line[0].isupper()
    )


# --- Markdown safety ----------------------------------------------------------------------

# Line starts that Markdown reads as a heading, quote, list, rule, fence or table.
_LEADING_BLOCK = re.compile(
    r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|=+$|-+$|_{3,}|\*{3,}|~{3,}|`{3,}|\||\d{1,9}[.)](?=\s|$))"
)
# Template delimiters ({{ }}, {% %}, {# #}) are broken up so no text can reach a template engine.
_INLINE = re.compile(
    r"[\\`*_\[\]<>|~]|&(?=#?\w+;)|\{(?=[{%#])|(?<=\{)[{%#]|[%#](?=\})|\}(?=\})|(?<=[}%#])\}"
)


class Markup(str):
    """A paragraph already written as Markdown by normalize itself (a saved page's bold
    text, its figures, lists and subheadings), its text escaped: kept as it is. `plain`
    is its text without the markup, for comparing it with other text."""

    plain: str

    def __new__(cls, markdown: str, plain: str) -> Markup:
        self = super().__new__(cls, markdown)
        self.plain = plain
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return str(self), self.plain


def escape_inline(text: str) -> str:
    """`escape_markdown` for text inside a paragraph: its start is not a line's start."""
    return _INLINE.sub(lambda m: "\\" + m.group(0), text)


def escape_markdown(paragraph: str) -> str:
    """Make dump text literal in Markdown: no HTML, links, emphasis or template tags."""
    escaped = escape_inline(paragraph)
    match = _LEADING_BLOCK.match(escaped)
    if match:
        lead = match.group(0)
        if lead[0].isdigit():
            escaped = lead[:-1] + "\\" + lead[-1] + escaped[len(lead):]
        else:
            escaped = "\\" + escaped
    return escaped


def plain_text(markdown: str) -> str:
    """Markdown with its punctuation blanked out: what language detection should read."""
    return _MARKUP.sub(" ", markdown)


_MARKUP = re.compile(r"[\\#>*_`\[\]()!|{}%<&~-]+")


# A list item as dumps print it: `- `, `* `, `• ` or `1. ` / `1) ` and some text.
_BULLET = re.compile(r"^[-*•▪‣]\s+(?=\S)")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")


def _list_item(paragraph: str, number: int | None) -> str | None:
    """The item as Markdown, or None; `number` is the expected number of an ordered item."""
    if isinstance(paragraph, Markup):
        return None
    if number is None and (match := _BULLET.match(paragraph)):
        return "- " + escape_markdown(paragraph[match.end():])
    if number is not None and (match := _NUMBERED.match(paragraph)) and int(match[1]) == number:
        return f"{number}. " + escape_markdown(paragraph[match.end():])
    return None


def _take_list(paragraphs: list[str], start: int) -> tuple[list[str], int]:
    """Consecutive items from `start` (two or more, numbered ones in order), or none."""
    first = _NUMBERED.match(paragraphs[start])
    number = int(first[1]) if first else None
    items: list[str] = []
    index = start
    while index < len(paragraphs):
        item = _list_item(paragraphs[index], number)
        if item is None:
            break
        items.append(item)
        index += 1
        number = number + 1 if number is not None else None
    return (items, index) if len(items) >= 2 else ([], start)


def to_markdown(paragraphs: list[str]) -> str:
    """Paragraphs as literal Markdown; runs of list items stay a real list."""
    paragraphs = [p for p in paragraphs if p]
    blocks: list[str] = []
    index = 0
    while index < len(paragraphs):
        if isinstance(paragraphs[index], Markup):
            blocks.append(str(paragraphs[index]))
            index += 1
            continue
        items, after = _take_list(paragraphs, index)
        if items:
            blocks.append("\n".join(items))
            index = after
        else:
            blocks.append(escape_markdown(paragraphs[index]))
            index += 1
    return "\n\n".join(blocks)


_RULE = re.compile(r"^[\s\-–—_=*~•·.#+]+$")


def is_list_item(line: str) -> bool:
    return bool(_BULLET.match(line) or _NUMBERED.match(line))


def unwrap_blocks(lines: list[str]) -> list[str]:
    """Blank-line separated blocks of hard-wrapped lines (e-mail) -> one line per paragraph."""
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line and block and (is_list_item(line) or _RULE.match(line) or _RULE.match(block[-1])):
            # a list item starts its own paragraph; a rule (`* * *`, `—`) stands alone
            paragraphs.append(" ".join(block))
            block = [line]
        elif line:
            block.append(line)
        elif block:
            paragraphs.append(" ".join(block))
            block = []
    return paragraphs


def is_hard_wrapped(lines: list[str]) -> bool:
    """True for blank-line separated blocks of lines wrapped at a fixed width (e-mail).

    One block alone is never unwrapped: without blank lines, each line is a paragraph.
    """
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if len(blocks) < 2 or max(len(b) for b in blocks) < 2:
        return False
    widths = sorted(len(line) for block in blocks for line in block)
    return widths[int(len(widths) * 0.9) - 1] <= 80
