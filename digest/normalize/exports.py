"""Read-later exports (Pocket, Instapaper, Readwise Reader, Wallabag, Raindrop, Omnivore,
browser bookmarks): one file, many articles. Each format module reads its file into
`Item`s; here they become drafts, one per item, keyed on the item's canonical address.

An item with its text (Wallabag's content) is an article; one with an excerpt or
highlights is an article marked `truncated`; one with nothing but its address is a link
article, held until the curator decides. The day an item was saved is `saved`,
never its date: `date` is the publication's, when the export has it.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digest.errors import DigestError
from digest.model import PartialDate, SourceFormat
from digest.normalize.common import Draft, Dump, Extract, draft
from digest.normalize.duplicates import canonical_url
from digest.normalize.formats.link import LINK_NOTE, title_from
from digest.normalize.textfix import Markup, escape_inline

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Item:
    url: str
    title: str | None = None
    saved: PartialDate | None = None
    published: PartialDate | None = None
    tags: tuple[str, ...] = ()
    text: tuple[str, ...] = ()  # the article's paragraphs (plain text, or Markup)
    excerpt: str | None = None
    highlights: tuple[str, ...] = ()
    note: str | None = None
    author: str | None = None
    publication: str | None = None


def day(value: object) -> PartialDate | None:
    """A saved or published day from a Unix time (seconds or milliseconds) or an ISO
    date and time (`2024-05-02T09:00:00Z`, `2024-05-02 09:00:00+00:00`)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{9,13}", text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        try:
            moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
        except (ValueError, OverflowError, OSError):  # beyond the years a date can hold
            return None
        return PartialDate(moment.year, moment.month, moment.day)
    match = _ISO.match(text)
    return PartialDate.parse(match.group(0)) if match else None


def tags(value: object, separator: str = ",") -> tuple[str, ...]:
    """Tags as exports write them: a list, `a,b`, `a|b`, `["a", "b"]` or `['a', 'b']`."""
    if isinstance(value, list):
        names = [v.get("name") or v.get("label") if isinstance(v, dict) else v for v in value]
        return tuple(dict.fromkeys(str(n).strip() for n in names if n and str(n).strip()))
    text = str(value or "").strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            return tags(json.loads(text.replace("'", '"')), separator)
        except ValueError:
            text = text[1:-1]
    parts = re.split(rf"[{re.escape(separator)}]", text)
    return tuple(dict.fromkeys(p.strip(" \"'") for p in parts if p.strip(" \"'")))


def read_csv(text: str, name: str) -> list[dict[str, str]]:
    """Rows of a CSV export as dictionaries, keyed on the header row."""
    try:
        return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:
        raise DigestError.at(name, f"cannot read this CSV export: {exc}",
                             hint="export it again from the app") from None


def csv_header(dump: Dump) -> list[str]:
    """The header row of a CSV file, or an empty list."""
    first = dump.text.lstrip("\ufeff").split("\n", 1)[0]
    if "," not in first or len(first) > 1000:
        return []
    try:
        return [cell.strip() for cell in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return []


@functools.lru_cache(maxsize=2)  # each JSON format's sniff, then its parse, reads it
def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def json_list(dump: Dump, *keys: str) -> list[dict[str, object]] | None:
    """The items of a JSON export whose objects carry all of `keys`; None otherwise."""
    text = dump.text.lstrip("\ufeff").lstrip()
    if not text.startswith(("[", "{")):
        return None
    data = _json(text)
    if isinstance(data, dict):  # some exports wrap the list: {"items": [...]}
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    return data if all(k in data[0] for k in keys) else None


def _item_sha(item: Item) -> str:
    values = json.dumps([repr(v) for v in item.__dict__.values()], ensure_ascii=False)
    return hashlib.sha256(values.encode("utf-8")).hexdigest()


def _paragraphs(item: Item) -> tuple[list[str], bool]:
    """The item's body, and whether it is only part of the article."""
    if item.text:
        return list(item.text), False
    body: list[str] = []
    if item.excerpt:
        body.append(" ".join(item.excerpt.split()))
    for highlight in item.highlights:
        text = " ".join(highlight.split())
        if text:
            body.append(Markup(f"> {escape_inline(text)}", text))
    return body, bool(body)


def drafts(items: Iterable[Item], dump: Dump, format: SourceFormat) -> tuple[Draft, ...]:
    """One draft per item; an item whose address came earlier in the file is skipped."""
    seen: set[str] = set()
    out: list[Draft] = []
    for number, item in enumerate(items, 1):
        key = canonical_url(item.url) or f"item-{number}"
        if key in seen:
            continue
        seen.add(key)
        body, partial = _paragraphs(item)
        review: Sequence[str] = () if body else (LINK_NOTE,)
        extract = Extract(
            format=format, title=item.title or title_from(item.url), paragraphs=tuple(body),
            publication=item.publication, date=item.published, author=item.author,
            url=item.url, truncated=partial, review=tuple(review), note=item.note,
            tags=item.tags, saved=item.saved, item=key,
        )
        out.append(draft(extract, dump.name, _item_sha(item)))
    if not out:
        raise DigestError.at(dump.name, "this export holds no items",
                             hint="export your list again, or delete the file")
    return tuple(out)
