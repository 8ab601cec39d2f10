"""Eleventy (Node), from npm, run with `node .../cmd.cjs` (no npx in the timing).

Equal work: article pages from one minimal Liquid layout, and one index page listing them.
Markdown is markdown-it with Eleventy's defaults, except that bodies are not run through
Liquid first (markdownTemplateEngine: false): our bodies hold no template code, and that
pass would only slow Eleventy down. Eleventy keeps no cache between runs, so the rebuild
after an edit is a full build again.
"""
from __future__ import annotations

from pathlib import Path

from . import ARTICLE_LAYOUT, INDEX_LAYOUT, PeerSite, install_npm_packages, write_files

NAME = "Eleventy"
VERSION = "3.1.8"

CONFIG = """\
module.exports = function (eleventyConfig) {
  eleventyConfig.addCollection("articles", (api) => api.getFilteredByGlob("src/articles/*.md").reverse());
  return {dir: {input: "src", output: "_site"}, markdownTemplateEngine: false, htmlTemplateEngine: "liquid"};
};
"""

LAYOUT = ARTICLE_LAYOUT.substitute(
    title="{{ title }}", summary="{{ summary }}", iso_date='{{ page.date | date: "%Y-%m-%d" }}',
    human_date='{{ page.date | date: "%-d %B %Y" }}', tags="{% for tag in tags %} <span>{{ tag }}</span>{% endfor %}",
    content="{{ content }}")

INDEX = "---\npermalink: /index.html\n---\n" + INDEX_LAYOUT.substitute(
    loop="{% for article in collections.articles %}", url="{{ article.url }}", title="{{ article.data.title }}",
    iso_date='{{ article.date | date: "%Y-%m-%d" }}', end_loop="{% endfor %}")


def install(env: Path) -> None:
    install_npm_packages(env, [f"@11ty/eleventy@{VERSION}"])


def write_site(folder: Path, env: Path, articles: list) -> PeerSite:
    write_files(folder, {"eleventy.config.cjs": CONFIG, "src/_includes/article.liquid": LAYOUT,
                         "src/index.liquid": INDEX, "src/articles/articles.json": '{"layout": "article.liquid"}\n',
                         **{f"src/articles/{a.file}": a.source() for a in articles}})
    command = ["node", str(env / "node_modules/@11ty/eleventy/cmd.cjs"), "--quiet", "--config=eleventy.config.cjs"]
    return PeerSite(NAME, VERSION, folder, command, command, (folder / "_site",), folder / "src/articles",
                    folder / "_site")
