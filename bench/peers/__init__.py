"""The other site generators we compare with, each set up for the same work as ours.

Each peer module gives NAME, VERSION, install(env) and write_site(folder, env, articles) -> PeerSite.
Every peer builds the same articles into articles/<file name>/index.html plus one index page
listing them all, from a minimal layout, with its extra outputs (feeds, tag pages, sitemaps
where it can) switched off. Each is installed into its own throwaway folder `env`, never
into the project's environment.
"""
from __future__ import annotations

import os
import string
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

INSTALLED_STAMP = ".installed"

# The minimal layouts, one HTML skeleton for every peer; each fills in its own template syntax.
ARTICLE_LAYOUT = string.Template("""\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>$title | Benchmark site</title>
<meta name="description" content="$summary"></head>
<body>
<article>
<h1>$title</h1>
<p><time datetime="$iso_date">$human_date</time>
$tags</p>
$content
</article>
<p><a href="/">All articles</a></p>
</body>
</html>
""")

INDEX_LAYOUT = string.Template("""\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Benchmark site</title></head>
<body>
<h1>All articles</h1>
<ul>
$loop<li><a href="$url">$title</a> <time>$iso_date</time></li>
$end_loop</ul>
</body>
</html>
""")


@dataclass(frozen=True)
class PeerSite:
    """A peer's copy of the benchmark site, and how to build it."""
    name: str
    version: str
    folder: Path
    cold_command: list[str]
    rebuild_command: list[str]          # after one edit: Pelican reads its cache, MkDocs is --dirty
    throwaway: tuple[Path, ...]         # output and caches, deleted before a cold build
    articles: Path                      # the folder holding the article files
    output: Path

    def source_of(self, file: str) -> Path:
        return self.articles / file

    def output_of(self, stem: str) -> Path:
        return self.output / "articles" / stem / "index.html"


def install_python_packages(env: Path, requirements: list[str]) -> Path:
    """A virtual environment in `env` holding `requirements`, made with the Python running this script
    (the one our build runs on too); returns its bin folder. Reused if already there, made with the same Python."""
    stamp = env / INSTALLED_STAMP
    wanted = "\n".join([f"{os.path.realpath(sys._base_executable)} {sys.version}", *requirements])
    if not (stamp.is_file() and stamp.read_text() == wanted):
        venv.create(env, clear=True, with_pip=True)
        subprocess.run([env / "bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *requirements], check=True)
        stamp.write_text(wanted)
    return env / "bin"


def install_npm_packages(env: Path, packages: list[str]) -> None:
    """npm packages in `env`/node_modules (its own package.json stops npm from using a parent folder's)."""
    stamp = env / INSTALLED_STAMP
    wanted = "\n".join(packages)
    if not (stamp.is_file() and stamp.read_text() == wanted):
        env.mkdir(parents=True, exist_ok=True)
        (env / "package.json").write_text('{"private": true}\n')
        subprocess.run(["npm", "install", "--prefix", str(env), "--no-audit", "--no-fund", "--silent", *packages],
                       check=True, stdout=subprocess.DEVNULL)
        stamp.write_text(wanted)


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def newest_first(articles: list) -> list:
    """The order every index page lists articles in, like our articles list."""
    return sorted(articles, key=lambda a: (a.date, a.stem), reverse=True)
