"""MkDocs (Python), from PyPI, with the same Python-Markdown as ours.

Equal work: every article as a page with the built-in `mkdocs` theme, search and every
other plugin off, plus an index page (index.md) listing all articles. The navigation is
that one index page: left to itself MkDocs would put every article in every page's menu,
which makes the output grow with the square of the number of pages. Markdown extensions as
ours (MkDocs adds toc itself). MkDocs reads the same YAML front matter and, like us,
rewrites the `NNNNN-slug.md` links. The theme still writes its sitemap.xml, 404.html and
assets. The rebuild after an edit uses `--dirty` (only changed files).
"""
from __future__ import annotations

from pathlib import Path

from . import PeerSite, install_python_packages, newest_first, write_files
from .pelican import MARKDOWN_VERSION

NAME = "MkDocs"
VERSION = "1.6.1"

CONFIG = """\
site_name: Benchmark site
site_url: https://bench.example.org/
docs_dir: docs
site_dir: site
theme:
  name: mkdocs
plugins: []
markdown_extensions:
  - extra
  - smarty
  - sane_lists
  - toc:
      toc_depth: 2-4
nav:
  - Home: index.md
validation:
  nav:
    omitted_files: ignore
"""


def install(env: Path) -> None:
    install_python_packages(env, [f"mkdocs=={VERSION}", f"markdown=={MARKDOWN_VERSION}"])


def index_page(articles: list) -> str:
    items = "".join(f"- [{a.title}](articles/{a.file}) {a.date.isoformat()}\n" for a in newest_first(articles))
    return f"# All articles\n\n{items}"


def write_site(folder: Path, env: Path, articles: list) -> PeerSite:
    write_files(folder, {"mkdocs.yml": CONFIG, "docs/index.md": index_page(articles),
                         **{f"docs/articles/{a.file}": a.source() for a in articles}})
    command = [str(env / "bin/mkdocs"), "build", "--quiet", "--config-file", "mkdocs.yml"]
    return PeerSite(NAME, VERSION, folder, command, command + ["--dirty"], (folder / "site",),
                    folder / "docs/articles", folder / "site")
