"""`digest check --publish`: is the output folder fit to be uploaded as it is?

Three things stop a deploy: a base_url that is only a path (canonical links, feeds and
the sitemap need the full address), pages of held, draft or rejected articles in the
output (a `build --drafts` left there), and files in the output that the last build did
not write (they would be published with the site).
"""

from __future__ import annotations

import os

from digest.collect import place
from digest.config import SiteConfig, is_absolute_url
from digest.errors import Problem, display_path
from digest.load import Article
from digest.urls import output_file
from digest.write import read_manifest, state_file


def publish_problems(config: SiteConfig, articles: tuple[Article, ...]) -> list[Problem]:
    """What would be wrong with publishing the output folder now."""
    problems: list[Problem] = []
    if not is_absolute_url(config.base_url):
        problems.append(Problem(
            "site.yaml", f"base_url {config.base_url!r} is not the site's full address",
            config.key_lines.get("base_url"),
            "set `base_url: https://example.org/digest/`, or build for the deploy with "
            "`digest build --base-url https://example.org/digest/`"))
    out = config.output_dir
    if not state_file(out).is_file() or not out.is_dir():
        return problems  # `check` says the site is not built
    shown = display_path(out, config.root)
    pattern = config.permalinks["article"]
    for article in articles:
        status = article.meta.effective_status
        if status == "published":
            continue
        rel = output_file(place(article, pattern).url)
        if (out / rel).is_file():
            problems.append(Problem(
                article.source, f"{status}, but its page {shown}/{rel} is in the output "
                "and would be published",
                hint="build without --drafts (`digest build`) before publishing"))
    site = read_manifest(out)
    for dirpath, dirnames, filenames in os.walk(out):
        dirnames.sort()
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, name), out).replace(os.sep, "/")
            if rel not in site:
                problems.append(Problem(
                    f"{shown}/{rel}", "not written by the last `digest build`: it would be "
                    "published with the site",
                    hint="delete it; files to publish go beside your articles or in the "
                    "theme's static/ folder"))
    return problems
