"""Pelican (Python), from PyPI, with the same Python-Markdown as ours.

Equal work: article pages and one index page from a minimal theme; no feeds, no tag,
category, author or archive pages, no pagination, no static files. Markdown extensions as
ours: extra, toc, smarty, sane_lists (Pelican's default codehilite is left out, as we do
not highlight code). Articles carry Pelican's own metadata lines instead of YAML front
matter. The rebuild after an edit reads Pelican's content cache (LOAD_CONTENT_CACHE).
"""
from __future__ import annotations

from pathlib import Path

from . import ARTICLE_LAYOUT, INDEX_LAYOUT, PeerSite, install_python_packages, write_files

NAME = "Pelican"
VERSION = "4.12.0"
MARKDOWN_VERSION = "3.11.3"  # the one requirements.txt pins for our build

SETTINGS = """\
SITENAME = "Benchmark site"
SITEURL = ""
AUTHOR = "Benchmark"
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = []
STATIC_PATHS = []
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "theme"
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
DIRECT_TEMPLATES = ["index"]
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = FEED_ATOM = FEED_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TAG_FEED_ATOM = None
TAG_SAVE_AS = TAGS_SAVE_AS = CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"toc_depth": "2-4"},
        "markdown.extensions.smarty": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
"""

ARTICLE = ARTICLE_LAYOUT.substitute(
    title="{{ article.title }}", summary="{{ article.summary|striptags }}",
    iso_date="{{ article.date.strftime('%Y-%m-%d') }}", human_date="{{ article.locale_date }}",
    tags="{% for tag in article.tags %} <span>{{ tag }}</span>{% endfor %}", content="{{ article.content }}")

INDEX = INDEX_LAYOUT.substitute(
    loop="{% for article in articles %}", url="/{{ article.url }}", title="{{ article.title }}",
    iso_date="{{ article.date.strftime('%Y-%m-%d') }}", end_loop="{% endfor %}")


def install(env: Path) -> None:
    install_python_packages(env, [f"pelican=={VERSION}", f"markdown=={MARKDOWN_VERSION}"])


def source(article) -> str:
    """The article with Pelican's metadata lines in place of YAML front matter."""
    return (f"Title: {article.title}\nDate: {article.date.isoformat()}\nTags: {', '.join(article.tags)}\n"
            f"Summary: {article.summary}\n\n{article.body}")


def write_site(folder: Path, env: Path, articles: list) -> PeerSite:
    write_files(folder, {"pelicanconf.py": SETTINGS, "theme/templates/article.html": ARTICLE,
                         "theme/templates/index.html": INDEX, "theme/static/.keep": "",
                         **{f"content/articles/{a.file}": source(a) for a in articles}})
    command = [str(env / "bin/pelican"), "content", "--settings", "pelicanconf.py", "--output", "output", "--quiet"]
    return PeerSite(NAME, VERSION, folder, command, command, (folder / "output", folder / "cache"),
                    folder / "content/articles", folder / "output")
