"""Site paths, permalinks, slugs, and relative links between pages.

Every link digest writes is relative and names `index.html` explicitly, so a
built site works from `file://` and under any subpath of a web server.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from digest.hashing import sha1_hex
from digest.model import PartialDate

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?[-_ ]+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_PLAIN = re.compile(r"[A-Za-z0-9 -]*")  # slugged alike by python-slugify and by hand
_MAX_SLUG = 80


@lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """A lowercase ASCII slug; cached because publication and tag names repeat a lot."""
    if _PLAIN.fullmatch(text):
        # Plain words (most names, and file names normalize wrote): python-slugify would
        # lowercase and join them with hyphens; importing it costs a one-shot build 25 ms.
        slug = "-".join(_NON_SLUG.split(text.lower())).strip("-")
    else:
        from slugify import slugify as _slugify

        slug = _slugify(text)
    slug = slug or _NON_SLUG.sub("-", text.lower()).strip("-") or "x"
    if len(slug) > _MAX_SLUG:
        # File names stop at 255 bytes; a hash of the full text keeps long names apart.
        digest = sha1_hex(text.encode("utf-8", "surrogatepass"))[:8]
        slug = f"{slug[: _MAX_SLUG - 9].rstrip('-')}-{digest}"
    return slug


def article_slug(stem: str) -> str:
    """The file name without a leading date: `2025-10-01-big-story` -> `big-story`."""
    return slugify(_DATE_PREFIX.sub("", stem) or stem)


def fill(pattern: str, **values: str) -> str:
    """Fill a permalink pattern; collapses the `//` an empty value would leave."""
    path = pattern.format(**values)
    return re.sub(r"/{2,}", "/", path) if "//" in path else path


def article_url(pattern: str, publication: str, date: PartialDate | None, slug: str) -> str:
    return fill(pattern, publication=publication, slug=slug, **_date_parts(date))


@lru_cache(maxsize=8192)
def _date_parts(date: PartialDate | None) -> dict[str, str]:
    # Cached: thousands of articles share a few hundred dates.
    if date is None:
        return {"date": "undated", "year": "undated", "month": "", "day": ""}
    return {
        "date": date.iso, "year": f"{date.year:04d}", "month": f"{date.month:02d}",
        "day": f"{date.day:02d}" if date.day is not None else "",
    }


def iso_week(date: PartialDate) -> tuple[int, int]:
    assert date.day is not None
    year, week, _ = datetime.date(date.year, date.month, date.day).isocalendar()
    return year, week


def output_file(url: str) -> str:
    """The file (relative to the output folder) that serves a site path."""
    rel = url.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    return rel


def relative(from_url: str, to_path: str) -> str:
    """A link from the page at `from_url` to the site path `to_path`.

    `relative("/2025/10/01/", "/publications/")` == `"../../../publications/index.html"`.
    Climbing to the root and back down (rather than a minimal relpath) is valid from
    anywhere and is cheap enough to call for every link of every page.
    """
    if not to_path.startswith("/"):
        return to_path  # already relative, or an absolute URL
    path, sep, fragment = to_path.partition("#")
    depth = output_file(from_url).count("/")
    target = output_file(path) if path else output_file(from_url).rpartition("/")[2]
    return "../" * depth + target + sep + fragment


def absolute(base_url: str, path: str) -> str:
    """The canonical URL of a site path (the path itself when base_url is `/`)."""
    if base_url.startswith(("http://", "https://")):
        return base_url.rstrip("/") + path
    return base_url.rstrip("/") + path if base_url not in ("", "/") else path
