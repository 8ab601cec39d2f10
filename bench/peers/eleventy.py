"""Eleventy (Node), from npm, run with `node .../cmd.cjs` (no npx in the timing).

Equal work: article pages from one minimal Liquid layout, and one index page listing them.
Markdown is markdown-it with Eleventy's defaults, except that bodies are not run through
Liquid first (markdownTemplateEngine: false): our bodies hold no template code, and that
pass would only slow Eleventy down. Eleventy keeps no cache between runs, so the rebuild
after an edit is a full build again.
"""
from __future__ import annotations

from pathlib import Path

from . import PeerSite, install_npm_packages, write_files

NAME = "Eleventy"
VERSION = "3.1.8"

CONFIG = """\
module.exports = function (eleventyConfig) {
  eleventyConfig.addCollection("articles", (api) => api.getFilteredByGlob("src/articles/*.md").reverse());
  return {dir: {input: "src", output: "_site"}, markdownTemplateEngine: false, htmlTemplateEngine: "liquid"};
};
"""

LAYOUT = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }} | Benchmark site</title>
<meta name="description" content="{{ summary }}"></head>
<body>
<article>
<h1>{{ title }}</h1>
<p><time datetime="{{ page.date | date: "%Y-%m-%d" }}">{{ page.date | date: "%-d %B %Y" }}</time>
{% for tag in tags %} <span>{{ tag }}</span>{% endfor %}</p>
{{ content }}
</article>
<p><a href="/">All articles</a></p>
</body>
</html>
"""

INDEX = """\
---
permalink: /index.html
---
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Benchmark site</title></head>
<body>
<h1>All articles</h1>
<ul>
{% for article in collections.articles %}<li><a href="{{ article.url }}">{{ article.data.title }}</a> <time>{{ article.date | date: "%Y-%m-%d" }}</time></li>
{% endfor %}</ul>
</body>
</html>
"""


def install(env: Path) -> None:
    install_npm_packages(env, [f"@11ty/eleventy@{VERSION}"])


def write_site(folder: Path, env: Path, articles: list) -> PeerSite:
    write_files(folder, {"eleventy.config.cjs": CONFIG, "src/_includes/article.liquid": LAYOUT,
                         "src/index.liquid": INDEX, "src/articles/articles.json": '{"layout": "article.liquid"}\n',
                         **{f"src/articles/{a.file}": a.source() for a in articles}})
    command = ["node", str(env / "node_modules/@11ty/eleventy/cmd.cjs"), "--quiet", "--config=eleventy.config.cjs"]
    return PeerSite(NAME, VERSION, folder, command, command, (folder / "_site",), folder / "src/articles",
                    folder / "_site")
