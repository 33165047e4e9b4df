# Pelican (4.x, with the pelican-yaml-metadata plugin) building the benchmark's page
# set: articles, one page per publication (a category, from the folder name), per
# day (the day archive) and the home page.  Paths come from the command line:
#   pelican CORPUS -s pelicanconf.py -t theme -o OUT --cache-path CACHE
SITENAME = "Digest benchmark"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PLUGINS = ["pelican.plugins.yaml_metadata"]
ARTICLE_PATHS = [""]
PAGE_PATHS: list[str] = []
STATIC_PATHS: list[str] = []
THEME_STATIC_PATHS: list[str] = []

USE_FOLDER_AS_CATEGORY = True
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
DAY_ARCHIVE_URL = "days/{date:%Y-%m-%d}/"
DAY_ARCHIVE_SAVE_AS = "days/{date:%Y-%m-%d}/index.html"

DEFAULT_PAGINATION = False
DIRECT_TEMPLATES = ["index"]
for _kind in ("TAG", "AUTHOR", "YEAR_ARCHIVE", "MONTH_ARCHIVE", "ARCHIVES", "TAGS",
              "CATEGORIES", "AUTHORS", "PAGE"):
    globals()[f"{_kind}_SAVE_AS"] = ""
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
