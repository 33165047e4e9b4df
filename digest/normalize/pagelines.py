"""What each line of a web page's copied text is, by its shape and, where the shape alone
cannot tell, the lexicon's words: prose, a short line (a headline, a subheading, a name),
the page's chrome, a row of buttons, a block header or the footer, a paywall notice."""

from __future__ import annotations

import re

from digest.normalize import chrome, lexicon

_SENTENCE_END = re.compile(r"[.!?;:…,]$")
PROSE_END = re.compile(r"[.!?…:][\"'”’»)\]]*$")
_LIST = re.compile(r"^([-*•▪‣]|\d{1,3}[.)])\s")
COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b", re.IGNORECASE)
_COUNT = re.compile(rf"^\(?\d[\d.,k]*\)?(\s+{lexicon.alternation('comments')})?$", re.IGNORECASE)
_MIN_TITLE, _MAX_TITLE = 4, 20


def is_short(line: str) -> bool:
    """A UI label: 1-3 words, no sentence punctuation, no list marker."""
    words = line.split()
    return (
        0 < len(words) <= 3 and len(line) <= 40 and not _SENTENCE_END.search(line)
        and not _LIST.match(line) and not line.endswith(".")
    )


def is_headline(line: str) -> bool:
    words = line.split()
    return (
        _MIN_TITLE <= len(words) <= _MAX_TITLE
        and not re.search(r"[.…:;,]$", line)
        and not lexicon.mentions("cookie", line)
        and not chrome.is_paywall(line)
        and "|" not in line
    )


def title_like(line: str) -> bool:
    """A headline of 3 words or more (a 3-word one only when nothing longer stands there)."""
    words = line.split()
    return 3 <= len(words) <= 30 and not re.search(r"[.…:;,]$", line) and "|" not in line


def is_prose(line: str, words: int) -> bool:
    """A sentence: headlines (up to 20 words or more) end without a period."""
    return words >= 25 or (words >= 5 and PROSE_END.search(line) is not None)


def kind_of(line: str) -> str:
    """prose | chrome (a line a page adds: may stand inside the body) | block (buttons and
    menus: a row of them ends the body) | stop (a block header, the footer) | paywall |
    short."""
    words = len(line.split())
    if chrome.is_paywall(line) or (words <= 12 and _is_subscriber_notice(line)):
        return "paywall"
    if _is_block_header(line) or (COPYRIGHT.search(line) and words <= 20):
        return "stop"
    if lexicon.mentions("rights", line) and words <= 20:
        return "stop"
    if any(lexicon.is_line(c, line)
           for c in ("share", "consent_button", "skip", "trailing_ui", "nav")) or _is_button(line):
        return "block"
    if (
        lexicon.is_line("ad", line) or _COUNT.match(line) or is_read_more(line)
        or (words <= 25 and lexicon.mentions("newsletter_box", line))
        or (words <= 30 and _is_credit(line))
        or (lexicon.mentions("cookie", line) and 6 <= words <= 80)
    ):
        return "chrome"
    return "prose" if is_prose(line, words) else "short"


def _is_button(line: str) -> bool:
    """`Listen to this article · 6:12 min`, `Share full article`: a button with a word or
    two, or a separator, after it (a headline that starts with `Share` goes on longer)."""
    rest = lexicon.leads("share", line)
    if rest is None or len(line.split()) > 10:
        return False
    return not rest or rest[:1] in "·•|" or (len(rest.split()) <= 2 and not rest[:1].isdigit())


def is_chrome(line: str) -> bool:
    """A line a page adds around its article: an ad marker, buttons, a block header, a
    link to another story, a credit, a sign-up box."""
    return kind_of(line) in ("chrome", "block", "stop")


def _is_credit(line: str) -> bool:
    """`Photo: Jane Roe/Reuters`, or a caption ending with its credit: `... (Foto: X)`,
    `... / Reuters`, `... 2024. JAVIER SÁNCHEZ` (a photographer's name in capitals)."""
    if lexicon.leads("credit", line) is not None and ":" in line[:40]:
        return True
    if re.search(rf"(?:^|[\s(.])(?i:{lexicon.alternation('credit')})\s?:\s*[^.:]+\)?$", line):
        return True
    if re.search(rf"[/|(]\s*(?i:{lexicon.alternation('credit')})[\w\s/.-]{{0,30}}\)?$", line):
        return True
    tail = re.search(r"[.)]\s+((?:[^\W\d_]{2,}[\s-]?){1,4})$", line)
    return tail is not None and tail[1].isupper() and len(tail[1].split()) >= 2


def _is_block_header(line: str) -> bool:
    """`Most read`, `More from Science`, `WEITERE GESCHICHTEN VON The Guardian`."""
    if lexicon.is_line("more_stories", line):
        return True
    rest = lexicon.leads("more_stories", line)
    return rest is not None and len(rest.split()) <= 5 and not _SENTENCE_END.search(rest)


def _is_subscriber_notice(line: str) -> bool:
    """`Este conteúdo é exclusivo para assinantes.`: a short line naming a subscriber (a
    one-word `Subscribe` is a button)."""
    words = len(line.split())
    return words >= 3 and lexicon.has_stem("subscriber", line) and not is_prose(line, words * 3)


def is_read_more(line: str) -> bool:
    """`Read more: ...`, `Leggi anche Il sindaco lascia`: a link to another story, not a
    sentence that happens to start with the same words."""
    rest = lexicon.leads("read_more", line)
    if rest is None:
        return False
    opened = line.lstrip()[len(line.lstrip()) - len(rest) - 1:][:1]
    return not rest or opened in ":|»›>–—-" or not PROSE_END.search(rest)
