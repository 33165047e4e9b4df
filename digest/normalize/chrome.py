"""Lines that belong to a reading app or a paywall, not to the article.

Recognised by shape wherever possible (a read-time line is a number and a
short word in any language); the words (lexicon.py) are a fallback for lines
whose only shape is "a short UI label".
"""

from __future__ import annotations

import re

from digest.normalize import lexicon

# `2 mins`, `3 Min.`, `5 dk`, `4 perc`: a number and one short word.
READ_TIME = re.compile(r"^(\d{1,3}) ?[^\W\d_]{1,10}\.?$")
READ_TIME_STRICT = re.compile(
    rf"^(\d{{1,3}}) ?{lexicon.alternation('minutes')}\.?( \w+)?$", re.IGNORECASE
)
SIGN_IN = re.compile(r"^[^?]{4,60}\?\s?[^?.!]{2,30}$")
MAGZTER = re.compile(r"(?i:magzter)|\bGOLD\b")

# Paywall notices of other sites (the article stops here), and sign-in prompts.
PAYWALL = re.compile(lexicon.alternation("paywall"), re.IGNORECASE)
ALREADY_SUBSCRIBER = re.compile(lexicon.alternation("already_subscriber"), re.IGNORECASE)


def is_read_time(line: str, strict: bool = False) -> int | None:
    match = (READ_TIME_STRICT if strict else READ_TIME).match(line)
    return int(match[1]) if match else None


def is_paywall(line: str) -> bool:
    """A paywall notice or a sign-in prompt: the text above it may be cut."""
    return len(line) < 200 and (
        PAYWALL.fullmatch(line) is not None or ALREADY_SUBSCRIBER.fullmatch(line) is not None
    )


def cuts_text(line: str) -> bool:
    """A notice that the story stops here (`to continue reading ...`), not a mere sign-in."""
    return len(line) < 200 and PAYWALL.fullmatch(line) is not None


_ENDS_SENTENCE = re.compile(r"[.!?。！？:][\s\"'”’»)\]]*$")


def looks_cut_off(paragraphs: list[str]) -> bool:
    """The last paragraph stops mid-sentence (`…`, or a long line with no closing mark)."""
    last = paragraphs[-1].rstrip() if paragraphs else ""
    if not last:
        return False
    if last.endswith(("…", "...", "…\"", "...\"")):
        return True
    return len(last.split()) >= 8 and _ENDS_SENTENCE.search(last) is None


def is_trailing_ui(line: str) -> bool:
    """Buttons copied from the end of an app screen (seen in English even in other UIs)."""
    return lexicon.is_line("trailing_ui", line)


def is_upper_label(text: str) -> bool:
    """`WEITERE GESCHICHTEN VON`: a shouted label, letters only, a few words."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and len(text.split()) <= 8
