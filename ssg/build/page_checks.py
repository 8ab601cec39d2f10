"""The two checks every build runs on the pages it has just rendered: links to this site that lead
nowhere, and pictures without alt text. They are warnings (the preview goes on); `build --strict`
stops on the first, before the new site replaces the old one.

`build.py check` reads the whole built site and does much more; this is the cheap part of it that
an editor should hear about at once. Only pages rendered by this build are looked at (a one-edit
build renders the edited page and the lists), and only links written as paths on the site (/the-law/,
other-article.md), with regular expressions rather than an HTML parser: the pages are the
generator's own output, with every attribute in double quotes.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ssg.model.content import Document
from ssg.errors import SiteError

_LINK = re.compile(r'<a\s[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)
_PICTURE = re.compile(r"<img\s[^>]*>")
_ATTRIBUTE = re.compile(r'\b(src|alt)="([^"]*)"')
_TAGS = re.compile(r"<[^>]+>")


class RenderedPageChecks:
    """Called with each output as it is rendered (a pipeline `rendered` hook); collects the warnings."""

    def __init__(self, root: Path, base_url: str, documents: tuple[Document, ...], outputs: set[str],
                 strict: bool) -> None:
        self.root, self.base_url, self.outputs, self.strict = root, base_url, outputs, strict
        self.home = urlsplit(base_url)
        self.base_path = self.home.path or "/"
        self.sources = {d.output_path: d for d in documents}
        self.warnings: list[SiteError] = []
        self._told: set[str] = set()

    def __call__(self, output_path: str, data: bytes) -> None:
        if not output_path.endswith(".html"):
            return
        page = data.decode("utf-8", "replace")
        url = self.base_url + output_path.removesuffix("index.html")
        for href, words in _LINK.findall(page):
            href = html.unescape(href)
            if urlsplit(href).netloc or ":" in href.split("/")[0]:
                continue  # a full address (another website, mailto:, tel:): check looks at those
            target = self._missing(urljoin(url, href))
            if target:
                text = " ".join(_TAGS.sub("", html.unescape(words)).split())
                self._warn(output_path, href, f"the link '{text}' leads to /{target}, which does not exist",
                           "check the address: link to pages like /how-to-help/ and to articles like other-article.md")
        for tag in _PICTURE.findall(page):
            attributes = dict(_ATTRIBUTE.findall(tag))
            if not attributes.get("alt", "").strip():
                src = html.unescape(attributes.get("src", ""))
                self._warn(output_path, src, f"the picture '{src}' has no alt text",
                           f"describe what it shows for people who cannot see it: ![a few words on the picture]({src})")

    def _missing(self, address: str) -> str | None:
        """The site path `address` leads to if it is on this site and nothing is published there, else None."""
        parts = urlsplit(address)
        if (parts.scheme, parts.netloc) != (self.home.scheme, self.home.netloc) or not parts.path.startswith(self.base_path):
            return None
        path = unquote(parts.path)[len(self.base_path):]
        wanted = [path + "index.html"] if path == "" or path.endswith("/") else [path, path + "/index.html"]
        return None if any(file in self.outputs for file in wanted) else path

    def _warn(self, output_path: str, needle: str, message: str, hint: str) -> None:
        """Warn once per message: a broken menu link is on every page, but is one mistake."""
        if message in self._told:
            return
        self._told.add(message)
        document = self.sources.get(output_path)
        where = (document.path, _line_with(self.root / document.path, needle)) if document else (f"/{output_path}", None)
        problem = SiteError(*where, message, hint)
        if self.strict:
            raise problem
        self.warnings.append(problem)


def _line_with(path: Path, needle: str) -> int | None:
    """The first line of `path` that holds `needle` (or its last part, as a link to x.md is written)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    short = needle.rstrip("/").rsplit("/", 1)[-1]
    for wanted in (needle, short):
        found = next((number for number, line in enumerate(lines, start=1) if wanted and wanted in line), None)
        if found:
            return found
    return None
