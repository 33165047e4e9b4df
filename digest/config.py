"""site.yaml -> SiteConfig, with every problem reported at once.

Unknown keys and wrong types are errors that name the key and its line and
suggest the closest valid key: a typo in configuration should never be
silently ignored.
"""

from __future__ import annotations

import dataclasses
import string
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digest.errors import DigestError, Problem
from digest.frontmatter import compose, mapping_items, suggest, to_python
from digest.hashing import sha1_hex, sha256_hex
from digest.mail_config import Intro, MailConfig, parse_intro, parse_mail
from digest.model import EditionPeriod
from digest.reads import record
from digest.rights import RightsPolicy, parse_policy
from digest.scan import ARTICLES
from digest.theme_files import THEME_HINT as _THEME_HINT
from digest.theme_files import unknown_theme

CONFIG_FILE = "site.yaml"

DEFAULT_PERMALINKS = {
    "article": "/{publication}/{date}-{slug}/",
    "day": "/{year}/{month}/{day}/",
    "week": "/{year}/w{week}/",
    "month": "/{year}/{month}/",
    "year": "/{year}/",
    "publication": "/publications/{publication}/",
    "tag": "/tags/{tag}/",
}
_PERMALINK_FIELDS = {
    "article": {"publication", "date", "slug", "year", "month", "day"},
    "day": {"year", "month", "day"},
    "week": {"year", "week"},
    "month": {"year", "month"},
    "year": {"year"},
    "publication": {"publication"},
    "tag": {"tag"},
}


@dataclass(frozen=True)
class FeedsConfig:
    atom: bool = True
    json: bool = True
    items: int = 50
    editions: int = 10  # entries of /editions.xml, one per edition; 0: no edition feed


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.yaml says, with defaults filled in."""

    root: Path
    title: str = "My digest"
    description: str = ""
    base_url: str = "/"
    language: str = "en"
    theme: str = "default"
    output: str = "_site"
    edition_period: EditionPeriod = "daily"
    page_size: int = 20
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    permalinks: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PERMALINKS))
    search: bool = True
    raw_html: bool = False
    author: str = ""
    rights: RightsPolicy = field(default_factory=RightsPolicy)
    mail: MailConfig = field(default_factory=MailConfig)
    intro: Intro = field(default_factory=Intro)
    # sha256 of the config file's bytes: part of every cache key.
    fingerprint: str = ""
    # The line of each key in site.yaml, for problems found after reading it.
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def recorded(self) -> SiteConfig:
        """This config as pages read it while they render: every key read is recorded as
        the item ("config", key) (digest.reads), so a site.yaml change re-renders only
        the pages that read what changed."""
        return RecordedConfig(**{f.name: getattr(self, f.name)
                                 for f in dataclasses.fields(self)})

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def inbox_dir(self) -> Path:
        return self.root / "content" / "inbox"

    @property
    def articles_dir(self) -> Path:
        return self.root / ARTICLES

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE


_KEYS = frozenset(f.name for f in dataclasses.fields(SiteConfig))


@dataclass(frozen=True)
class RecordedConfig(SiteConfig):
    def __getattribute__(self, name: str) -> Any:
        if name in _KEYS:
            record(("config", name))
        return object.__getattribute__(self, name)


def config_value(config: SiteConfig, key: str) -> str | None:
    """A digest of the config key a page read; None for no such key."""
    if key not in _KEYS:
        return None
    return sha1_hex(repr(getattr(config, key)).encode())


_TYPES: dict[str, type | tuple[type, ...]] = {
    "title": str, "description": str, "base_url": str, "language": str, "theme": str,
    "output": str, "edition_period": str, "page_size": int, "feeds": dict,
    "permalinks": dict, "search": bool, "raw_html": bool, "author": str, "rights": dict,
    "mail": dict, "intro": str,
}
_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", dict: "a mapping"}


def load_config(root: Path) -> SiteConfig:
    """Read and validate `root/site.yaml`."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise DigestError.at(
            path, "no site.yaml here",
            hint="run digest in a site folder, pass --site DIR, "
            "or create one with `digest init DIR`",
        )
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DigestError.at(path, f"cannot read: {exc}", hint="save it as UTF-8") from None
    return parse_config(text, root, CONFIG_FILE, sha256_hex(raw))


def parse_config(
    text: str, root: Path, name: str = CONFIG_FILE, fingerprint: str = ""
) -> SiteConfig:
    node = compose(text, name, what="site.yaml")
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    lines: dict[str, int] = {}
    if node is not None:
        for key, line, value_node in mapping_items(node, name, 1):
            lines[key] = line
            problems.extend(_check_entry(key, line, value_node, name, values))
    if isinstance(values.get("theme"), str):
        problem = unknown_theme(values["theme"], root)
        if problem is not None:
            problems.append(Problem(name, problem, lines["theme"], _THEME_HINT))
    if problems:
        raise DigestError(*sorted(problems, key=lambda p: p.line or 0))
    return SiteConfig(root=root, fingerprint=fingerprint, key_lines=lines, **values)


def _check_entry(
    key: str, line: int, node: yaml.Node, name: str, values: dict[str, Any]
) -> list[Problem]:
    if key not in _TYPES:
        hint = suggest(key, list(_TYPES)) or "valid keys: " + ", ".join(_TYPES)
        return [Problem(name, f"unknown key {key!r}", line, hint)]
    try:
        value: Any = to_python(node)
    except ValueError as exc:
        return [Problem(name, f"{key}: {exc}", line)]
    if key == "intro":  # text, or text per edition
        intro, problems = parse_intro(node, name)
        if intro is not None:
            values["intro"] = intro
        return problems
    expected = _TYPES[key]
    if value is None and expected is str and key in ("description", "author"):
        return []  # an empty optional text means "use the default"
    if value is None and key == "mail":
        return []  # every entry commented out, as `digest init` writes it
    if (isinstance(value, bool) and expected is not bool) or not isinstance(value, expected):
        return [Problem(name, f"{key} must be {_TYPE_NAMES[expected]}", line)]  # type: ignore[index]
    value = typing.cast(Any, value)  # isinstance() above narrowed it to `object`
    if key == "rights":
        policy, problems = parse_policy(node, name)
        if policy is not None:
            values["rights"] = policy
        return problems
    if key == "mail":
        mail, problems = parse_mail(node, name)
        if mail is not None:
            values["mail"] = mail
        return problems
    if key in ("feeds", "permalinks"):
        assert isinstance(node, yaml.MappingNode)  # a dict value comes from a mapping node
        try:
            entries = [(k, ln, to_python(v)) for k, ln, v in mapping_items(node, name, 1)]
        except DigestError as exc:
            return list(exc.problems)
        except ValueError as exc:
            return [Problem(name, f"{key}: {exc}", line)]
        check = _check_feeds if key == "feeds" else _check_permalinks
        return check(entries, name, values)
    if key == "edition_period" and value not in ("daily", "weekly", "monthly"):
        return [Problem(name, "edition_period must be daily, weekly or monthly", line)]
    if key == "language":
        problem = language_problem(value)
        if problem is not None:
            return [Problem(name, problem[0], line, problem[1])]
        value = _conventional_case(value)
    if key == "page_size" and not 1 <= value <= 10_000:
        return [Problem(name, "page_size must be between 1 and 10000", line)]
    outside = Path(value).is_absolute() or ".." in Path(value).parts if key == "output" else False
    if key == "output" and (not value.strip() or outside):
        return [Problem(name, "output must be a folder inside the site, such as _site", line)]
    if key == "base_url" and not (is_absolute_url(value) or _is_site_path(value)):
        return [Problem(
            name, f"base_url {value!r} is neither a web address nor a path", line,
            "write the full address, such as `base_url: https://example.org/digest/`, "
            "or the path on your server, such as `base_url: /digest/`")]
    values[key] = value
    return []


def with_base_url(config: SiteConfig, base_url: str, option: str = "--base-url") -> SiteConfig:
    """The config with another base_url (a deploy's address, given on the command line).
    The fingerprint changes with it: every page that shows an address is made again."""
    if not (is_absolute_url(base_url) or _is_site_path(base_url)):
        raise DigestError.at(
            option, f"{base_url!r} is neither a web address nor a path",
            hint="write the full address, such as --base-url https://example.org/digest/")
    if not base_url.endswith("/"):
        base_url += "/"
    fingerprint = sha256_hex(f"{config.fingerprint}|{base_url}".encode())
    return dataclasses.replace(config, base_url=base_url, fingerprint=fingerprint)


def is_absolute_url(base_url: str) -> bool:
    """An http(s) address with a host: what canonical links, og:url and sitemaps need."""
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in base_url


def _is_site_path(base_url: str) -> bool:
    # `//host/` would be read by browsers as an address without its scheme.
    return base_url.startswith("/") and not base_url.startswith("//") and " " not in base_url


Entries = list[tuple[str, int, Any]]


def _check_feeds(entries: Entries, name: str, values: dict[str, Any]) -> list[Problem]:
    known = {f.name: f.type for f in dataclasses.fields(FeedsConfig)}
    problems = []
    for key, line, item in entries:
        if key not in known:
            hint = suggest(str(key), list(known)) or "valid keys: " + ", ".join(known)
            problems.append(Problem(name, f"unknown key 'feeds.{key}'", line, hint))
        elif key == "items" and (isinstance(item, bool) or not isinstance(item, int) or item < 1):
            problems.append(Problem(name, "feeds.items must be a whole number above 0", line))
        elif key == "editions" and (
                isinstance(item, bool) or not isinstance(item, int) or item < 0):
            problems.append(Problem(name, "feeds.editions must be a whole number (0: none)",
                                    line, "how many editions /editions.xml holds, e.g. 10"))
        elif key not in ("items", "editions") and not isinstance(item, bool):
            problems.append(Problem(name, f"feeds.{key} must be true or false", line))
    if not problems:
        values["feeds"] = FeedsConfig(**{key: item for key, _, item in entries})
    return problems


def _check_permalinks(entries: Entries, name: str, values: dict[str, Any]) -> list[Problem]:
    problems = []
    merged = dict(DEFAULT_PERMALINKS)
    for kind, line, pattern in entries:
        if kind not in _PERMALINK_FIELDS:
            hint = suggest(str(kind), list(_PERMALINK_FIELDS)) or "valid kinds: " + ", ".join(
                _PERMALINK_FIELDS
            )
            problems.append(Problem(name, f"unknown permalink kind {kind!r}", line, hint))
            continue
        if not isinstance(pattern, str) or not pattern.startswith("/") or not pattern.endswith("/"):
            problems.append(Problem(
                name, f"permalinks.{kind} must be a path that starts and ends with '/'", line
            ))
            continue
        bad = _bad_placeholder(pattern, _PERMALINK_FIELDS[kind])
        if bad is not None:
            fields = ", ".join("{" + f + "}" for f in sorted(_PERMALINK_FIELDS[kind]))
            problems.append(Problem(name, f"permalinks.{kind}: {bad}", line, f"use {fields}"))
            continue
        merged[kind] = pattern
    if not problems:
        values["permalinks"] = merged
    return problems


def _bad_placeholder(pattern: str, allowed: set[str]) -> str | None:
    """What is wrong with a permalink pattern's placeholders, or None.

    Only bare `{name}` fields are allowed: str.format would also run format specs
    (`{slug:>99999999}` allocates gigabytes), attribute lookups and indexing.
    """
    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        return f"bad placeholder syntax ({exc})"
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in allowed:
            return f"unknown placeholder {name!r}"
        if spec or conversion:
            return f"placeholder {{{name}}} takes no format or conversion"
    return None


def language_problem(tag: str) -> tuple[str, str] | None:
    """(message, hint) when `tag` is not a BCP 47 language tag Babel knows, else None."""
    if _has_locale_data(tag):
        return None  # the common case, without importing Babel (a one-shot build's time)
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag, sep="-")
        return None
    except (ValueError, UnknownLocaleError):
        pass
    message = f"language \"{tag}\" is not a known language tag"
    guess = _closest_language(tag)
    hint = "use a BCP 47 language tag, such as en, de, fr, pt-BR or zh-Hant"
    return message, (f"did you mean \"{guess}\"? " if guess else "") + hint


def _conventional_case(tag: str) -> str:
    """`EN-gb` -> `en-GB`: the case BCP 47 recommends, which i18n/ file names follow."""
    parts = tag.split("-")
    fixed = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            fixed.append(part.title())  # script
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            fixed.append(part.upper())  # region
        else:
            fixed.append(part.lower())
    return "-".join(fixed)


def _has_locale_data(tag: str) -> bool:
    import importlib.util

    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.submodule_search_locations or not tag.replace("-", "").isalpha():
        return False
    folder = Path(next(iter(spec.submodule_search_locations))) / "locale-data"
    return (folder / f"{tag.replace('-', '_')}.dat").is_file()


def _closest_language(tag: str) -> str | None:
    import difflib

    from babel import Locale, UnknownLocaleError
    from babel.localedata import locale_identifiers

    dashed = tag.strip().replace("_", "-")
    try:
        Locale.parse(dashed, sep="-")
        return dashed  # `de_AT`: the right tag with the wrong separator
    except (ValueError, UnknownLocaleError):
        pass
    by_name = {str(n).lower(): str(code) for code, n in Locale.parse("en").languages.items()}
    if tag.strip().lower() in by_name:  # `German`
        return by_name[tag.strip().lower()].replace("_", "-")
    tags = {i.replace("_", "-").lower(): i.replace("_", "-") for i in locale_identifiers()}
    close = difflib.get_close_matches(dashed.lower(), list(tags), n=1, cutoff=0.7)
    return tags[close[0]] if close else None
