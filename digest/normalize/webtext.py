"""A web page's text copied from a browser, whole or from its reader view: the article
inside the site's chrome, found by structure in any language.

- The body is the longest run of prose lines. Short lines may stand inside it
  (subheadings, an ad marker, a photo credit), a block header (`Most read`), a row of
  buttons, a paywall notice or the footer ends it, and a tail of headline/teaser pairs
  (other stories without a header) is cut off.
- The headline is the title-like line above the body and its header block (byline,
  date, read time, share buttons); one that the page repeats (`Headline | Site`) wins.
  Two title-like lines stacked right above the header block are headline and standfirst.
- Byline and dates in the header block in their local forms (the published date, never
  the updated one); the publication from the title suffix, the site name the page opens
  with and repeats, or the `©` line.
The words that confirm what a line is (ad markers, share buttons, block headers) come
from the lexicon (what each line is: pagelines.py); nothing here is one language's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.model import PartialDate
from digest.normalize import chrome, lexicon, mailbody
from digest.normalize.dates import date_in
from digest.normalize.pagelines import (
    COPYRIGHT,
    kind_of,
    title_like,
)

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_COMPANY = re.compile(
    r"[\s,]+(Ltd|Limited|Inc|LLC|plc|PLC|GmbH|AG|S\.?A|S\.?L|Lda|S\.?r\.?l|SpA|B\.?V|N\.?V)\.?$"
)
_DOMAIN = re.compile(r"^(https?://)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+/?$", re.IGNORECASE)
_READ_RANGE = re.compile(rf"^\d{{1,3}}\s*[–-]\s*\d{{1,3}}\s*{lexicon.alternation('minutes')}\.?$",
                         re.IGNORECASE)
_READ_LABEL = re.compile(
    rf"^{lexicon.alternation('read_time')}\s*:?\s*\d{{1,3}}\s*{lexicon.alternation('minutes')}\.?$",
    re.IGNORECASE,
)
_SEPARATORS = r"\s+[|\-–—·•:]\s+"
_MIN_TITLE = 4
_MAX_GAP = 3  # short lines in a row inside the body (subheadings, captions)
_MAX_CHROME_GAP = 8  # recognised chrome lines in a row inside the body (an ad block)
_HEAD_SCAN = 15


@dataclass(frozen=True)
class Page:
    title: str
    paragraphs: list[str]
    author: str | None
    date: PartialDate | None
    publication: str | None
    standfirst: str | None
    truncated: bool
    evidence: int  # lines only a page has (menus, banners, buttons, a footer)
    reader: bool  # a reader view's header: the site's address or a read-time range
    updated: bool = False  # the date is the last update's: the page shows no other


def _runs(kinds: list[str], words: list[int]) -> list[tuple[int, int, int]]:
    """(first, last, prose words) of every run of prose lines."""
    runs = []
    index = 0
    while index < len(kinds):
        if kinds[index] != "prose":
            index += 1
            continue
        first = last = index
        score = words[index]
        short = chromed = blocks = 0
        at = index + 1
        while at < len(kinds):
            kind = kinds[at]
            if kind == "prose":
                last, score = at, score + words[at]
                short = chromed = blocks = 0
            elif kind in ("stop", "paywall"):
                break
            elif kind == "block":
                blocks += 1
                if blocks >= 2:  # a row of buttons
                    break
            elif kind == "chrome":
                chromed += 1
            else:
                short += 1
            if short > _MAX_GAP or short + chromed + blocks > _MAX_CHROME_GAP:
                break
            at += 1
        runs.append((first, last, score))
        index = last + 1
    return runs


def _cut_teasers(lines: list[str], kinds: list[str], first: int, last: int) -> int:
    """A run ending in two or more headline/teaser pairs ends before them."""
    end = last
    pairs = 0
    while end - 1 > first and kinds[end] == "prose" and title_like(lines[end - 1]) and (
        kinds[end - 1] == "short" and len(lines[end].split()) <= 40
    ):
        end -= 2
        pairs += 1
    return end if pairs >= 2 else last


@dataclass(frozen=True)
class _Meta:
    author: str | None = None
    date: PartialDate | None = None
    reader: bool = False  # a read-time range or the site's address
    update: PartialDate | None = None  # the date of a later update (`Updated`, `Stand:`)


def _meta(line: str, lang: str | None) -> _Meta | None:
    """A line of the header block, or None: byline, dateline, read time, address."""
    if _READ_RANGE.match(line) or _READ_LABEL.match(line) or chrome.is_read_time(line, True):
        return _Meta(reader=bool(_READ_RANGE.match(line)))
    if _DOMAIN.match(line):
        return _Meta(reader=True)
    if len(line.split()) > 16:
        return None
    # `Publié le 14 mars 2025 à 08h12, modifié le 15 mars ...`: the update cut off.
    updated_at = lexicon.search_pattern("updated").search(line)
    if updated_at is not None and updated_at.start() > 0:
        line = line[:updated_at.start()].rstrip(" ,;–—-")
    parts = [p.strip() for p in re.split(r"\s[|·•∙]\s|\s{2,}", line) if p.strip()]
    author = date = update = None
    for part in parts:
        later = lexicon.leads("updated", part)
        if later is not None and (update := date_in(later, lang) or update) is not None:
            continue  # a later update: the article's date only when it has no other
        label = lexicon.leads("published", part)
        text = label if label is not None else part
        # a dateline, not a sentence that names a day
        words = sum(1 for word in text.split() if any(ch.isalnum() for ch in word))
        if date is None and words <= 8 and (found := date_in(text, lang)):
            date = found
            continue
        if author is None:
            author = mailbody.byline(part) or (
                part if part is parts[0] and len(parts) > 1 and _looks_like_name(part) else None)
    if author is None and date is None and update is None:
        return None
    return _Meta(author, date, update=update)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[0].isupper() for w in words if w[0].isalpha()) and (
        not _YEAR.search(text) and not re.search(r"[.!?:;,]$", text)
        and sum(w[0].isalpha() for w in words) == len(words)
    )


def _from_copyright(line: str) -> str | None:
    """`© 2025 Gazzetta del Lario - Tutti i diritti riservati` -> `Gazzetta del Lario`."""
    text = re.sub(r"©|\(c\)|copyright", " ", line, flags=re.IGNORECASE)
    text = lexicon.search_pattern("rights").sub(" ", _YEAR.sub(" ", text))
    chunks = re.split(r"(?<=[^\W\d_]{2})\.(?:\s|$)|[|]|\s[-–—]\s|\s[-–—]$", text)
    names = [" ".join(c.split()).strip(" .,-–—") for c in chunks]
    name = next((n for n in names if n), "")
    name = _COMPANY.sub("", name).strip(" .,")
    return name if name and len(name.split()) <= 6 else None


def _title_suffix(lines: list[str], title: str) -> str | None:
    """`Headline | The Example Times` (or `Site - Headline`) anywhere in the page."""
    escaped = re.escape(title)
    for line in lines:
        if len(line) <= len(title) or title not in line:
            continue
        for pattern in (rf"^{escaped}{_SEPARATORS}(.+)$", rf"^(.+?){_SEPARATORS}{escaped}$"):
            match = re.match(pattern, line)
            if match and 1 <= len(match[1].split()) <= 6 and not _YEAR.search(match[1]):
                return match[1].strip()
    return None


def _site_name(lines: list[str], kinds: list[str], top: int, repeated: bool = True) -> str | None:
    """The page's first plain line (its logo's name, above the menu) when the page repeats
    it further down, in its footer or a `Thanks for reading ...` box; with `repeated`
    False, a name of two words or more in title case, repeated or not."""
    for at in range(min(top, 6)):
        line, kind = lines[at], kinds[at]
        if kind in ("block", "chrome", "stop", "paywall") or _DOMAIN.match(line):
            continue
        if kind != "short" or not 1 <= len(line.split()) <= 6:
            return None
        if not repeated:
            words = line.split()
            return line if len(words) >= 2 and words[0][:1].isupper() and not line.isupper() \
                else None
        name = re.compile(rf"(?<!\w){re.escape(line)}(?!\w)", re.IGNORECASE)
        return line if any(name.search(other) for other in lines[top + 1:]) else None
    return None

def _headline(lines: list[str], kinds: list[str], top: int) -> tuple[int, int | None] | None:
    """(headline, standfirst stacked under it) above line `top`."""
    low = max(0, top - _HEAD_SCAN)
    candidates: list[int] = []
    for j in range(top - 1, low - 1, -1):
        if kinds[j] != "short" and candidates:
            break  # the page's chrome above the headline: nothing there is the title
        if kinds[j] == "short" and title_like(lines[j]) and _meta(lines[j], None) is None:
            candidates.append(j)
    if not candidates:
        return None
    page = [x.casefold() for x in lines]
    repeated = [j for j in candidates if _repeated(page, lines[j].casefold(), j)]
    long = [j for j in candidates if len(lines[j].split()) >= _MIN_TITLE]
    at = (repeated or long or candidates)[0]
    above = at - 1
    if (
        not repeated and above >= low and above in long and at in long
        and not (above - 1 >= 0 and kinds[above - 1] == "short" and title_like(lines[above - 1]))
    ):
        return above, at  # a headline with its standfirst (a subtitle) under it
    return at, None


def _repeated(page: list[str], folded: str, at: int) -> bool:
    return any(i != at and (x == folded or (len(x) > len(folded) and folded in x))
               for i, x in enumerate(page))


def parse(lines: list[str]) -> Page | None:
    """The article in a page's text; None when the text has no body of prose."""
    filled = [x for x in lines if x]
    kinds = [kind_of(x) for x in filled]
    words = [len(x.split()) for x in filled]
    runs = _runs(kinds, words)
    if not runs:
        return None
    first, last, _ = max(runs, key=lambda r: r[2])
    last = _cut_teasers(filled, kinds, first, last)
    lang = lexicon.guess_language(" ".join(filled[first:last + 1]))
    # The header block: byline, dates, read time, standfirst, between headline and body.
    header: list[tuple[int, _Meta]] = []
    scan = first
    while scan > 0 and first - scan < _HEAD_SCAN:
        meta = _meta(filled[scan - 1], lang)
        if meta is not None:
            header.append((scan - 1, meta))
        elif kinds[scan - 1] in ("short", "prose") and title_like(filled[scan - 1]):
            break
        scan -= 1
    for at in range(first, min(first + 6, last + 1)):  # a standfirst above the byline
        meta = _meta(filled[at], lang)
        if meta is not None and (kinds[at] != "prose" or words[at] <= 16):
            header.append((at, meta))
    body_from = max([first, *[at + 1 for at, _ in header if at >= first]])
    top = min([first, *[at for at, _ in header]])
    found = _headline(filled, kinds, top)
    if found is None:
        return None
    title_at, stacked = found
    standfirst = filled[stacked] if stacked is not None else None
    metas = {at for at, _ in header}
    lead = [filled[i] for i in range(title_at + 1, body_from) if kinds[i] == "prose"
            and i not in metas and i != stacked]
    if lead and standfirst is None:
        standfirst = " ".join(lead)
    # A reader view prints the site's name between headline and byline.
    named = next((filled[i] for i in range(title_at + 1, min(body_from, title_at + 4))
                  if kinds[i] == "short" and i not in metas and i != stacked
                  and 1 <= len(filled[i].split()) <= 5 and filled[i][:1].isupper()
                  and not _looks_like_name(filled[i])), None)
    author = next((m.author for _, m in sorted(header) if m.author), None)
    date = next((m.date for _, m in sorted(header) if m.date), None)
    updated = None if date else next((m.update for _, m in sorted(header) if m.update), None)
    if author is None:  # a name alone between headline and body (reader view)
        author = next((filled[i] for i in range(title_at + 1, body_from)
                       if kinds[i] == "short" and _looks_like_name(filled[i])), None)
    body, truncated = _body(filled[body_from:last + 1], kinds[body_from:last + 1])
    after = filled[last + 1: last + 4]
    truncated = truncated or any(kinds[last + 1 + i] == "paywall" for i in range(len(after)))
    title = filled[title_at]
    publication = _title_suffix(filled, title) or _site_name(filled, kinds, title_at) or named
    if publication is None:
        owner = next((x for x in reversed(filled[last + 1:]) if COPYRIGHT.search(x)), None)
        publication = _from_copyright(owner) if owner else None
        if publication is None or publication.isupper() or _COMPANY.search(owner or ""):
            # `© EDICIONES DEL NORTE S.L.` names the company: the site's name, when it
            # stands at the top, is the publication's
            publication = _site_name(filled, kinds, title_at, repeated=False) or publication
    evidence = sum(k in ("block", "chrome", "stop", "paywall") for k in kinds)
    evidence += _nav_run(kinds[:title_at])
    # A reader view: the site's address or a read-time range, or a byline or a date under
    # the headline with no menu above it.
    reader = any(m.reader or m.author or m.date for _, m in header)
    return Page(title, body, author, date or updated, publication, standfirst, truncated,
                evidence, reader, updated is not None)


def _nav_run(kinds: list[str]) -> int:
    """1 for a menu (three or more short lines in a row) above the headline."""
    run = best = 0
    for kind in kinds:
        run = run + 1 if kind in ("short", "block") else 0
        best = max(best, run)
    return 1 if best >= 3 else 0


def _body(lines: list[str], kinds: list[str]) -> tuple[list[str], bool]:
    """The body without the chrome inside it; a paywall notice means it was cut."""
    out: list[str] = []
    truncated = False
    skip_to = -1
    for at, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if at <= skip_to:
            continue
        if kind == "paywall":
            truncated = True
        elif kind == "chrome" and lexicon.leads("read_more", line) == "":
            # `Más información` over the linked story's headline: the headline goes too
            if at + 1 < len(lines) and kinds[at + 1] == "short":
                skip_to = at + 1
        elif kind == "chrome" and lexicon.mentions("newsletter_box", line):
            # A sign-up box: its name and pitch up to its button go with it.
            button = next((i for i in range(at + 1, min(at + 5, len(lines)))
                           if kinds[i] in ("chrome", "block")), None)
            skip_to = button if button is not None else at
        elif kind == "prose" or (kind == "short" and not _is_label(line)):
            out.append(line)
    return out, truncated


def _is_label(line: str) -> bool:
    """A short line that is no subheading: one word, or a number."""
    return len(line.split()) <= 1 or line.replace(" ", "").isdigit()
