"""site.yaml: defaults, types, permalinks, and every problem reported at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from digest.config import DEFAULT_PERMALINKS, FeedsConfig, SiteConfig, load_config, parse_config
from digest.errors import DigestError


def config_error(text: str) -> list[str]:
    with pytest.raises(DigestError) as exc:
        parse_config(text, Path("/site"))
    return [str(problem) for problem in exc.value.problems]


def test_defaults_for_an_empty_file() -> None:
    config = parse_config("", Path("/site"))
    assert config == SiteConfig(root=Path("/site"))
    assert (config.title, config.description, config.base_url, config.language) == (
        "My digest", "", "/", "en"
    )
    assert (config.theme, config.output, config.edition_period, config.page_size) == (
        "default", "_site", "daily", 20
    )
    assert config.feeds == FeedsConfig(atom=True, json=True, items=50)
    assert config.permalinks == DEFAULT_PERMALINKS
    assert (config.search, config.raw_html, config.author) == (True, False, "")


def test_comments_only_is_the_defaults() -> None:
    assert parse_config("# nothing set yet\n", Path("/s")) == SiteConfig(root=Path("/s"))


def test_every_key_is_read() -> None:
    config = parse_config(
        "title: Die Morgenlage\n"
        "description: Was ich lese.\n"
        "base_url: https://example.org/digest/\n"
        "language: de\n"
        "theme: broadsheet\n"
        "output: public\n"
        "edition_period: weekly\n"
        "page_size: 5\n"
        "feeds: {atom: false, json: true, items: 10}\n"
        "permalinks:\n  article: /a/{year}/{slug}/\n"
        "search: false\n"
        "raw_html: true\n"
        "author: Kim\n",
        Path("/site"),
    )
    assert config.title == "Die Morgenlage" and config.language == "de"
    assert config.base_url == "https://example.org/digest/"
    assert (config.theme, config.output) == ("broadsheet", "public")
    assert config.edition_period == "weekly"
    assert config.page_size == 5 and config.search is False and config.raw_html is True
    assert config.feeds == FeedsConfig(atom=False, json=True, items=10)
    assert config.permalinks == {**DEFAULT_PERMALINKS, "article": "/a/{year}/{slug}/"}
    assert config.author == "Kim"
    assert config.output_dir == Path("/site/public")


def test_paths() -> None:
    config = parse_config("", Path("/site"))
    assert config.config_path == Path("/site/site.yaml")
    assert config.inbox_dir == Path("/site/content/inbox")
    assert config.articles_dir == Path("/site/content/articles")
    assert config.content_dir == Path("/site/content")
    assert config.output_dir == Path("/site/_site")


def test_partial_feeds_keep_the_other_defaults() -> None:
    assert parse_config("feeds:\n  items: 5\n", Path("/s")).feeds == FeedsConfig(items=5)


def test_every_problem_at_once_with_key_line_and_suggestion() -> None:
    text = (
        "titel: My digest\n"            # 1
        "page_size: '20'\n"             # 2
        "edition_period: hourly\n"      # 3
        "serach: true\n"                # 4
        "output: ../elsewhere\n"        # 5
        "raw_html: 1\n"                 # 6
        "language: [en]\n"              # 7
    )
    assert config_error(text) == [
        "site.yaml:1: unknown key 'titel'\n  did you mean 'title'?",
        "site.yaml:2: page_size must be a whole number",
        "site.yaml:3: edition_period must be daily, weekly or monthly",
        "site.yaml:4: unknown key 'serach'\n  did you mean 'search'?",
        "site.yaml:5: output must be a folder inside the site, such as _site",
        "site.yaml:6: raw_html must be true or false",
        "site.yaml:7: language must be text",
    ]


def test_unknown_key_without_a_close_match_lists_the_valid_keys() -> None:
    assert config_error("colour: blue\n") == [
        "site.yaml:1: unknown key 'colour'\n  valid keys: title, description, base_url, language,"
        " theme, output, edition_period, page_size, feeds, permalinks, search, raw_html, author,"
        " rights, mail, intro"
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("title: 12\n", "title must be text"),
    ("title:\n", "title must be text"),
    ("page_size: true\n", "page_size must be a whole number"),
    ("page_size: 2.5\n", "page_size must be a whole number"),
    ("page_size: 0\n", "page_size must be between 1 and 10000"),
    ("page_size: 10001\n", "page_size must be between 1 and 10000"),
    ("search: 'yes'\n", "search must be true or false"),
    ("feeds: true\n", "feeds must be a mapping"),
    ("permalinks: /x/\n", "permalinks must be a mapping"),
    ("output: /tmp/site\n", "output must be a folder inside the site, such as _site"),
    ("output: ''\n", "output must be a folder inside the site, such as _site"),
])
def test_wrong_types_and_values(text: str, message: str) -> None:
    assert config_error(text) == [f"site.yaml:1: {message}"]


def test_yaml_booleans_are_accepted_for_switches() -> None:
    assert parse_config("search: no\nraw_html: yes\n", Path("/s")).search is False


def test_feeds_problems() -> None:
    assert config_error("feeds:\n  atomm: true\n  items: 0\n  json: 1\n") == [
        "site.yaml:2: unknown key 'feeds.atomm'\n  did you mean 'atom'?",
        "site.yaml:3: feeds.items must be a whole number above 0",
        "site.yaml:4: feeds.json must be true or false",
    ]


def test_permalinks_problems() -> None:
    text = (
        "permalinks:\n"
        "  articel: /{slug}/\n"
        "  day: /{year}/{mon}/\n"
        "  tag: tags/{tag}\n"
        "  month: /{year}/{month}/\n"
    )
    assert config_error(text) == [
        "site.yaml:2: unknown permalink kind 'articel'\n  did you mean 'article'?",
        "site.yaml:3: permalinks.day: unknown placeholder 'mon'\n  use {day}, {month}, {year}",
        "site.yaml:4: permalinks.tag must be a path that starts and ends with '/'",
    ]


def test_permalinks_override_only_the_kinds_given() -> None:
    config = parse_config("permalinks:\n  tag: /topics/{tag}/\n", Path("/s"))
    assert config.permalinks == {**DEFAULT_PERMALINKS, "tag": "/topics/{tag}/"}


def test_a_placeholder_of_another_kind_is_refused() -> None:
    assert config_error("permalinks:\n  year: /{year}/{slug}/\n") == [
        "site.yaml:2: permalinks.year: unknown placeholder 'slug'\n  use {year}"
    ]


def test_invalid_yaml() -> None:
    assert config_error("title: [unclosed\n") == [
        "site.yaml:2: invalid YAML: did not find expected ',' or ']'\n"
        "  check indentation and quote values that contain ':' or '#'"
    ]


def test_not_a_mapping_and_refused_yaml() -> None:
    # The message speaks of "front matter" even for site.yaml (shared parser).
    assert config_error("- title\n") == [
        "site.yaml:1: site.yaml must be a mapping of `key: value` lines"
    ]
    assert config_error("title: &t x\ndescription: *t\n") == [
        "site.yaml:1: YAML anchors and aliases (&, *) are not allowed\n"
        "  write the value out in full"
    ]
    assert config_error("title: !!python/name:os.system x\n") == [
        "site.yaml:1: YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed\n"
        "  remove the tag: front matter holds plain text, numbers, lists and mappings"
    ]
    assert config_error("title: a\ntitle: b\n") == ["site.yaml:2: key 'title' appears twice"]


def test_load_config_reads_the_file_and_fingerprints_it(tmp_path: Path) -> None:
    data = "\ufefftitle: Notizen\r\nlanguage: de\r\n".encode()
    (tmp_path / "site.yaml").write_bytes(data)
    config = load_config(tmp_path)
    assert config.title == "Notizen" and config.language == "de"
    assert config.root == tmp_path
    assert config.fingerprint == hashlib.sha256(data).hexdigest()


def test_load_config_without_site_yaml(tmp_path: Path) -> None:
    with pytest.raises(DigestError) as exc:
        load_config(tmp_path)
    assert str(exc.value) == (
        f"{tmp_path / 'site.yaml'}: no site.yaml here\n"
        "  run digest in a site folder, pass --site DIR, or create one with `digest init DIR`"
    )


def test_load_config_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes("title: Caf\xe9\n".encode("cp1252"))
    with pytest.raises(DigestError) as exc:
        load_config(tmp_path)
    (problem,) = exc.value.problems
    assert problem.path == str(tmp_path / "site.yaml")
    assert problem.message.startswith("cannot read: 'utf-8' codec can't decode byte 0xe9")
    assert problem.hint == "save it as UTF-8"


def test_the_bundled_example_site_yaml_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root)
    assert config.title and config.edition_period in ("daily", "weekly", "monthly")


def test_a_theme_typo_is_reported_with_the_others_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "themes" / "mine").mkdir(parents=True)
    (tmp_path / "themes" / "mine" / "theme.yaml").write_text("name: mine\nextends: default\n")
    (tmp_path / "themes" / "notes").mkdir()  # a folder without theme.yaml is no theme
    with pytest.raises(DigestError) as exc:
        parse_config("titel: x\ntheme: defualt\npage_size: 0\n", tmp_path)
    assert [str(p) for p in exc.value.problems] == [
        "site.yaml:1: unknown key 'titel'\n  did you mean 'title'?",
        'site.yaml:2: unknown theme "defualt"; did you mean "default"? '
        "Themes: broadsheet, default, mine\n"
        "  a theme of your own is a folder in themes/ with a theme.yaml and templates/",
        "site.yaml:3: page_size must be between 1 and 10000",
    ]


def test_an_unknown_theme_without_a_close_name_lists_the_themes() -> None:
    assert config_error("theme: zzz\n")[0].startswith(
        'site.yaml:1: unknown theme "zzz". Themes: broadsheet, default\n')


def test_the_sites_own_theme_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "themes" / "mine").mkdir(parents=True)
    (tmp_path / "themes" / "mine" / "theme.yaml").write_text("name: mine\nextends: default\n")
    assert parse_config("theme: mine\n", tmp_path).theme == "mine"


@pytest.mark.parametrize(("tag", "stored"), [
    ("en", "en"), ("de-AT", "de-AT"), ("nb", "nb"), ("pt-BR", "pt-BR"), ("EN-gb", "en-GB"),
    ("zh-hant-tw", "zh-Hant-TW"), ("sr-Latn", "sr-Latn"),
])
def test_language_takes_bcp47_tags_in_their_usual_case(tag: str, stored: str) -> None:
    assert parse_config(f"language: {tag}\n", Path("/site")).language == stored


@pytest.mark.parametrize(("tag", "guess"), [
    ("xx", None), ("de_AT", "de-AT"), ("German", "de"), ("english", "en"),
    ("en-US-x-private-use", None), ("<script>", None),
])
def test_language_that_is_not_a_tag_is_an_error_at_its_line(tag: str, guess: str | None) -> None:
    problems = config_error(f"title: x\nlanguage: '{tag}'\n")
    assert len(problems) == 1
    message, hint = problems[0].split("\n  ")
    assert message == f'site.yaml:2: language "{tag}" is not a known language tag'
    assert hint.startswith(f'did you mean "{guess}"? ' if guess else "use a BCP 47 language tag")


def test_a_theme_extending_an_unknown_theme_is_named_at_its_extends_line(
    tmp_path: Path,
) -> None:
    from digest.theme_files import theme_chain

    (tmp_path / "themes" / "mine").mkdir(parents=True)
    (tmp_path / "themes" / "mine" / "theme.yaml").write_text("name: mine\nextends: defualt\n")
    config = parse_config("title: x\ntheme: mine\n", tmp_path)
    with pytest.raises(DigestError) as exc:
        theme_chain(config)
    [problem] = exc.value.problems
    assert (problem.path, problem.line) == ("themes/mine/theme.yaml", 2)
    assert problem.message == ('extends: unknown theme "defualt"; did you mean "default"? '
                               "Themes: broadsheet, default, mine")
    # A theme folder removed after site.yaml was read: named at the `theme:` line.
    (tmp_path / "themes" / "mine" / "theme.yaml").unlink()
    (tmp_path / "themes" / "mine").rmdir()
    with pytest.raises(DigestError) as exc:
        theme_chain(config)
    [problem] = exc.value.problems
    assert (problem.path, problem.line) == ("site.yaml", 2)
    assert problem.message == 'unknown theme "mine". Themes: broadsheet, default'
