"""Script, markup and template syntax planted in raw dumps and in articles.

Whatever a curator pastes, the built site must show it as text (or drop it):
no element, attribute or link from the content can run script, and nothing
that looks like a Jinja expression is ever evaluated. Raw HTML in article
bodies is off by default; with `raw_html: true` it is kept but sanitised.
The same payloads are opened in a real browser by test_browser_hostile.py.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from digest.normalize import parse_dump

PWNED_FILE = "/tmp/digest-hostile-content-pwned"
# Every payload that runs sets this global or calls alert(): the browser test watches both.
JS = "window.__pwned=1;alert(1)"

BODY_PAYLOADS = f"""\
A normal opening paragraph, so the article has an excerpt.

<script>{JS}</script>

<img src=x onerror="{JS}">

[javascript link](javascript:window.__pwned=1)

[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

[entity link](&#106;avascript:window.__pwned=1)

<iframe src="javascript:{JS}"></iframe>

<svg onload="{JS}"><circle r="1"/></svg>

<div class="planted">
<b>planted-bold</b> <a href="javascript:{JS}">raw javascript link</a>
<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">raw data link</a>
<style>body {{ background: red }}</style>
</div>

<math><mtext><table><mglyph><style><img src=x onerror="{JS}"></style></mglyph>\
</table></mtext></math>

<noscript><p title="</noscript><img src=x onerror={JS}>"></noscript>

<object data="javascript:{JS}"></object><embed src="javascript:{JS}">

<form action="javascript:{JS}"><button formaction="javascript:{JS}">go</button></form>

<meta http-equiv="refresh" content="0;url=javascript:{JS}">

<a href="  JaVaScRiPt:{JS}">spaced mixed-case link</a> <a href="java&#x09;script:{JS}">tab link</a>

![image](x" onerror="{JS})

Inline <span onmouseover="{JS}">hover me</span> and </p><script>{JS}</script>

Template: {{{{ 7\\*7 }}}} and {{{{ 7777\\*7777 }}}} and {{% raw %}}RAWTAG{{% endraw %}} and \
{{{{ config }}}}
and {{{{ ''.__class__.__mro__ }}}} and {{{{ self }}}} and
{{{{ cycler.__init__.__globals__.os.popen('touch {PWNED_FILE}').read() }}}}
"""

TITLE = "<script>window.__pwned=1</script> Title {{ 7*7 }} {% raw %}"
FRONT_MATTER = f"""\
title: {json.dumps(TITLE)}
kicker: "<img src=x onerror={JS}>"
publication: "<svg onload={JS}> Gazette {{{{ 7*7 }}}}"
date: 2025-10-01
author: "{{{{ config }}}} </script><script>{JS}</script>"
standfirst: "{{% raw %}} standfirst {{{{ 7777*7777 }}}} <iframe src=javascript:{JS}>"
url: "https://example.org/?q=\\"><script>{JS}</script>"
truncated: true
note: "</script><script>{JS}</script>"
tags: ["<iframe src=javascript:{JS}>", "{{{{ 7*7 }}}}"]
related:
  - title: "<script>{JS}</script>"
    summary: "{{{{ self }}}}"
"""

ARTICLE = f"---\n{FRONT_MATTER}---\n\n{BODY_PAYLOADS}"

MAGZTER_DUMP = f"""\
Try GOLD - Free
<script>{JS}</script> Dumped headline {{{{ 7*7 }}}}
The <img src=x onerror={JS}> Courier
|October 02, 2025
First paragraph with <iframe src="javascript:{JS}"></iframe> inside it.
Second paragraph [link](javascript:{JS}) and {{{{ config }}}} and {{% raw %}}.
<svg onload="{JS}"></svg>
This story is from the October 02, 2025 edition of The Courier.
Subscribe to Magzter GOLD to access thousands of curated premium stories, and \
9,000+ magazines and newspapers.
Already a subscriber? Sign In
Listen
Translate
Change font size
"""

HTML_DUMP = f"""\
<!doctype html><html><head>
<title>&lt;script&gt;{JS}&lt;/script&gt; Saved page {{{{ 7*7 }}}}</title>
<meta property="og:site_name" content="&lt;img src=x onerror={JS}&gt; Weekly">
<meta property="og:title" content="&lt;script&gt;{JS}&lt;/script&gt; Saved page {{{{ 7*7 }}}}">
<meta property="article:published_time" content="2025-10-03T08:00:00Z">
<meta property="og:url" content="javascript:{JS}">
<link rel="canonical" href="javascript:{JS}">
<script>{JS}</script>
</head><body>
<nav>Home | News</nav>
<article>
<h1>&lt;script&gt;{JS}&lt;/script&gt; Saved page {{{{ 7*7 }}}}</h1>
<p>A saved page paragraph long enough to be kept as the body of the article, with words.</p>
<p>Another paragraph <img src=x onerror="{JS}"> and <a href="javascript:{JS}">a bad link</a>.</p>
<p>A third paragraph with <iframe src="javascript:{JS}"></iframe> and {{% raw %}} text.</p>
<svg onload="{JS}"></svg>
<p>This item is available in full to subscribers.</p>
</article>
</body></html>
"""

EMAIL_DUMP = f"""\
From: "<script>{JS}</script>" <news@example.org>
Subject: <img src=x onerror={JS}> Newsletter {{{{ 7*7 }}}}
Date: Sat, 04 Oct 2025 09:00:00 +0000
Content-Type: text/html; charset=utf-8

<html><body><p>Newsletter body <script>{JS}</script> with words enough to count.</p>
<p><a href="javascript:{JS}">click</a></p></body></html>
"""

DUMPS: dict[str, str] = {
    "2025-10-02-magzter.txt": MAGZTER_DUMP,
    "saved-page.html": HTML_DUMP,
    "newsletter.eml": EMAIL_DUMP,
}

_DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.IGNORECASE)
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc",
              "background", "lowsrc", "dynsrc", "ping", "cite"}
_NEVER_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "applet", "base"}


class Inspector(HTMLParser):
    """Finds anything in a page that could run planted script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.bold_planted = False
        self._in_script = False
        self._script: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "embed"}:
            self.stack.append(tag)
        if tag in _NEVER_ELEMENTS:
            self.findings.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}={value!r}>")
            if name in _URL_ATTRS or (name == "content" and tag == "meta"):
                compact = re.sub(r"[\x00-\x20]", "", value)
                if name == "content":
                    compact = compact.split("url=", 1)[-1] if "url=" in compact.lower() else ""
                if (_DANGEROUS_SCHEME.match(compact) and not compact.lower().startswith(
                    ("data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp",
                     "data:image/svg+xml")
                )) or name == "srcdoc":
                    self.findings.append(f"<{tag} {name}={value!r}>")
            if name == "style" and "javascript" in value.lower():
                self.findings.append(f"<{tag} style={value!r}>")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.findings.append("<meta http-equiv=refresh>")
        if tag == "script":
            self._in_script = True
            self._script = []
            if dict(attrs).get("src", "") in ("x", ""):
                pass

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False
            code = "".join(self._script)
            if "__pwned" in code or "alert(" in code:
                self.findings.append(f"<script> with planted code: {code[:80]!r}")
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._script.append(data)
            return
        if self.stack and self.stack[-1] == "style":
            if "__pwned" in data or "javascript" in data.lower():
                self.findings.append(f"<style> with planted code: {data[:80]!r}")
            return
        self.text.append(data)
        if "planted-bold" in data and "b" in self.stack:
            self.bold_planted = True


def inspect_html(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def html_findings(output: Path) -> dict[str, list[str]]:
    """Dangerous findings per output file: HTML pages, and the HTML inside feeds."""
    found: dict[str, list[str]] = {}
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(output).as_posix()
        if path.suffix == ".html":
            findings = inspect_html(path.read_text(encoding="utf-8")).findings
        elif path.suffix == ".xml" and path.name != "sitemap.xml":
            findings = []
            root = ET.fromstring(path.read_bytes())
            for element in root.iter():
                if element.get("type") == "html" and element.text:
                    findings += inspect_html(element.text).findings
        elif path.suffix == ".json" and path.name.startswith("feed"):
            findings = []
            for item in json.loads(path.read_text(encoding="utf-8")).get("items", []):
                for key in ("content_html",):  # `summary` is plain text in JSON Feed
                    if isinstance(item.get(key), str):
                        findings += inspect_html(item[key]).findings
                for key in ("url", "external_url"):
                    if isinstance(item.get(key), str) and _DANGEROUS_SCHEME.match(item[key]):
                        findings.append(f"feed item {key}={item[key]!r}")
        else:
            continue
        if findings:
            found[rel] = findings
    return found


def run_normalize(site: Path):
    from digest.config import load_config
    from digest.normalize import normalize

    return normalize(load_config(site), None, force=False, dry_run=False, stdout=None,
                     progress=False)


def run_build(site: Path, **kwargs):
    from digest.build import build
    from digest.config import load_config

    kwargs.setdefault("jobs", 1)
    return build(load_config(site), **kwargs)


def write_site(root: Path, config: str, articles: dict[str, str],
               inbox: dict[str, str | bytes]) -> Path:
    """A site folder, as conftest's make_site writes it (usable from module fixtures)."""
    (root / "content" / "inbox").mkdir(parents=True)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text(config, encoding="utf-8")
    for rel, text in articles.items():
        (root / "content" / "articles" / rel).write_text(text, encoding="utf-8")
    for rel, data in inbox.items():
        path = root / "content" / "inbox" / rel
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def make_payload_site(root: Path, raw_html: bool) -> Path:
    config = "title: Hostile digest\nlanguage: en\n" + ("raw_html: true\n" if raw_html else "")
    site = write_site(root, config, {"2025-10-01-planted.md": ARTICLE}, DUMPS)
    if os.path.exists(PWNED_FILE):
        os.remove(PWNED_FILE)
    report = run_normalize(site)
    assert not [p for p in report.problems if "Traceback" in str(p)]
    report = run_build(site)
    assert not report.problems, [str(p) for p in report.problems]
    assert not os.path.exists(PWNED_FILE), "a template expression ran a shell command"
    return site


@pytest.fixture(scope="module")
def site_off(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_payload_site(tmp_path_factory.mktemp("hostile") / "off", raw_html=False)


@pytest.fixture(scope="module")
def site_on(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_payload_site(tmp_path_factory.mktemp("hostile") / "on", raw_html=True)


@pytest.fixture(params=[False, True], ids=["raw_html_off", "raw_html_on"])
def payload_site(request: pytest.FixtureRequest) -> tuple[Path, bool]:
    raw_html: bool = request.param
    return request.getfixturevalue("site_on" if raw_html else "site_off"), raw_html


def _article_page(site: Path) -> Path:
    for path in (site / "_site").rglob("index.html"):
        if "standfirst" in path.read_text(encoding="utf-8") and "RAWTAG" in path.read_text(
            encoding="utf-8"
        ):
            return path
    raise AssertionError("the planted article page was not built")


@pytest.fixture(autouse=True)
def _no_pwned_file():
    if os.path.exists(PWNED_FILE):
        os.remove(PWNED_FILE)
    yield
    assert not os.path.exists(PWNED_FILE), "a template expression ran a shell command"


def test_no_planted_markup_survives(payload_site: tuple[Path, bool]) -> None:
    site, _ = payload_site
    found = html_findings(site / "_site")
    assert not found, json.dumps(found, indent=1)[:4000]


def test_raw_html_is_off_by_default_and_sanitised_when_on(payload_site: tuple[Path, bool]) -> None:
    site, raw_html = payload_site
    page = inspect_html(_article_page(site).read_text(encoding="utf-8"))
    # Off: the <b> from the body is not an element. On: it is kept (sanitised, not dropped).
    assert page.bold_planted is raw_html


def test_dumps_become_articles_that_show_payloads_as_text(site_off: Path) -> None:
    site = site_off
    articles = list((site / "content" / "articles").rglob("*.md"))
    # the planted article plus one per dump
    assert len(articles) == 1 + len(DUMPS), [p.name for p in articles]
    texts = "\n".join(
        "".join(inspect_html(p.read_text(encoding="utf-8")).text)
        for p in (site / "_site").rglob("*.html")
    )
    assert "Dumped headline {{ 7*7 }}" in texts


def test_template_syntax_is_text_never_evaluated(payload_site: tuple[Path, bool]) -> None:
    site, _ = payload_site
    page = _article_page(site)
    text = " ".join(inspect_html(page.read_text(encoding="utf-8")).text)
    for literal in ("{{ 7*7 }}", "{{ 7777*7777 }}", "{% raw %}", "{{ config }}", "{{ self }}",
                    TITLE.split(" Title")[0]):
        assert literal in text, literal
    assert not re.search(r"(?<![\d-])49(?![\d-])", text), "a {{ 7*7 }} was evaluated"
    for path in (site / "_site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            content = path.read_text(encoding="utf-8")
            assert "60481729" not in content, path
            assert "<class '" not in content and "&lt;class &#39;" not in content, path
            assert "TemplateReference" not in content, path
            assert "SiteConfig(" not in content, path


def test_javascript_source_url_is_not_a_live_link(payload_site: tuple[Path, bool]) -> None:
    """`url:` in front matter is shown as the source link: a javascript: or data: address
    must not become an href (it is the one field whose text lands in an attribute)."""
    site, _ = payload_site
    for path in (site / "_site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'href="\s*javascript:', html, re.IGNORECASE), path


@pytest.mark.parametrize("address", [f"javascript:{JS}", "data:text/html,<script>x</script>",
                                     " JavaScript:alert(1)", "vbscript:x", "//evil.example/"])
def test_a_source_url_that_is_not_a_web_address_is_a_clear_error(make_site, address) -> None:
    site = make_site(articles={
        "bad.md": f"---\ntitle: Planted\nurl: {json.dumps(address)}\ntruncated: true\n---\n\nB.\n",
        "good.md": "---\ntitle: Fine\ndate: 2025-10-01\n---\n\nBody.\n",
    })
    report = run_build(site)
    assert [str(p).splitlines()[0] for p in report.problems] == [
        "content/articles/bad.md:3: `url` must be a web address starting with http:// or https://"
    ]
    assert any("Fine" in p.read_text(encoding="utf-8") for p in (site / "_site").rglob("*.html"))


def test_a_saved_page_with_a_script_address_loses_the_address() -> None:
    page = (
        "<html><head><title>Planted page</title>"
        f'<meta property="og:url" content="javascript:{JS}">'
        f'<link rel="canonical" href="javascript:{JS}">'
        '<meta property="og:site_name" content="The Courier"></head><body><article>'
        "<h1>Planted page</h1><p>" + "A harmless paragraph of text. " * 20 + "</p>"
        "<p>This item is available in full to subscribers.</p></article></body></html>"
    )
    document = parse_dump(page.encode(), "inbox/planted.html")
    assert document.meta.url is None


def test_article_saved_on_windows_builds(make_site) -> None:
    """Byte-order mark and CRLF line ends, as a Windows editor saves an article."""
    site = make_site()
    text = ("\ufeff---\r\ntitle: Saved on Windows\r\npublication: Courier\r\n"
            "date: 2025-10-01\r\n---\r\n\r\nBody.\r\n")
    (site / "content" / "articles" / "windows.md").write_bytes(text.encode("utf-8"))
    report = run_build(site)
    assert not report.problems, [str(p) for p in report.problems]
    assert any("Saved on Windows" in p.read_text(encoding="utf-8")
               for p in (site / "_site").rglob("*.html"))
