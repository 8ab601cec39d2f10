#!/usr/bin/env python3
"""Floors: one slice of a build's work over every article of a site, in one process.

    python bench/floors.py MODE SITE [--out OUT] [--code DIR]

SITE is a folder bench/generate.py wrote. Prints one JSON line: {"mode", "inner_seconds", ...}
where inner_seconds is the timed loop alone; run.py times the whole command from outside,
so start-up and imports count too. Modes:

  read             read every Markdown file under content/: the least a no-op rebuild must do
  io               read every article and write an HTML file of about its size to
                   OUT/articles/<name>/index.html, plus OUT/index.html: a build with no rendering
                   (OUT is deleted first)
  markdown         stock Python-Markdown, extensions extra, toc, smarty, sane_lists, one instance
                   reset between bodies (bodies are read before the timed loop)
  markdown-ours    this project's ssg.markdown.markup.MarkdownConverter over the same bodies (the project
                   in --code DIR, by default the one holding this file)
  sanitiser        the sanitiser alone (ssg.markdown.sanitise.sanitise: nh3 and the comparison that
                   refuses what it would change) over the HTML of every body, converted before the loop
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PAGE = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n" \
       "<body>\n<main>\n{main}\n</main>\n</body>\n</html>\n"


def read_sources(site: Path) -> dict:
    digest = hashlib.blake2b()
    files = sorted((site / "content").rglob("*.md"))
    for file in files:
        digest.update(file.read_bytes())
    return {"files_read": len(files), "digest": digest.hexdigest()[:16]}


def read_and_write(site: Path, out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    names = []
    for file in sorted((site / "content/articles").glob("*.md")):
        folder = out / "articles" / file.stem
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(PAGE.format(title=file.stem, main=file.read_text(encoding="utf-8")),
                                           encoding="utf-8")
        names.append(file.stem)
    listing = "\n".join(f'<li><a href="/articles/{name}/">{name}</a></li>' for name in names)
    (out / "index.html").write_text(PAGE.format(title="Articles", main=f"<ul>\n{listing}\n</ul>"), encoding="utf-8")
    return {"files_written": len(names) + 1}


def bodies(site: Path) -> list[tuple[str, str, int]]:
    """(path, body, line where the body starts) of every article."""
    found = []
    for file in sorted((site / "content/articles").glob("*.md")):
        lines = file.read_text(encoding="utf-8").split("\n")
        end = lines.index("---", 1)
        found.append((f"content/articles/{file.name}", "\n".join(lines[end + 1:]), end + 2))
    return found


def stock_markdown(documents: list[tuple[str, str, int]]) -> dict:
    import markdown
    converter = markdown.Markdown(extensions=["extra", "toc", "smarty", "sane_lists"])
    return _timed_conversions(lambda body, path, line: converter.reset().convert(body), documents)


def our_markdown(documents: list[tuple[str, str, int]], code: Path) -> dict:
    sys.path.insert(0, str(code))
    from ssg.markdown.markup import MarkdownConverter
    converter = MarkdownConverter("/")
    return _timed_conversions(converter.convert, documents)


def our_sanitiser(documents: list[tuple[str, str, int]], code: Path) -> dict:
    sys.path.insert(0, str(code))
    from ssg.markdown.markup import MarkdownConverter
    from ssg.markdown.sanitise import sanitise
    converter = MarkdownConverter("/")
    converter.deadline = float("inf")  # converting is not what is measured here: no time limit
    fragments = [(converter.md.reset().convert(body), body, path, line) for path, body, line in documents]
    started = time.perf_counter()
    characters = sum(len(sanitise(*fragment)) for fragment in fragments)
    return {"inner_seconds": time.perf_counter() - started, "html_characters": characters}


def _timed_conversions(convert, documents) -> dict:
    started = time.perf_counter()
    characters = sum(len(convert(body, path, line)) for path, body, line in documents)
    return {"inner_seconds": time.perf_counter() - started, "html_characters": characters}


def run(mode: str, site: Path, out: Path, code: Path) -> dict:
    if mode in ("markdown", "markdown-ours", "sanitiser"):
        documents = bodies(site)
        measure = {"markdown": stock_markdown, "markdown-ours": lambda d: our_markdown(d, code),
                   "sanitiser": lambda d: our_sanitiser(d, code)}[mode]
        return {"files": len(documents), **measure(documents)}
    started = time.perf_counter()
    result = read_sources(site) if mode == "read" else read_and_write(site, out)
    return {"inner_seconds": time.perf_counter() - started, **result}


MODES = ("read", "io", "markdown", "markdown-ours", "sanitiser")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("site", type=Path)
    parser.add_argument("--out", type=Path, default=Path("floor-output"), help="for io (default: ./floor-output)")
    parser.add_argument("--code", type=Path, default=PROJECT, help="for markdown-ours: the project to import ssg from")
    args = parser.parse_args(argv)
    print(json.dumps({"mode": args.mode, **run(args.mode, args.site, args.out, args.code)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
