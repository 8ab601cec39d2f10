"""The two checks every build runs on the pages it has just rendered: links to this site that lead
nowhere, and pictures without alt text. They are warnings (the preview goes on); `build --strict`
stops on the first, before the new site replaces the old one.

`build.py check` reads the whole built site and does much more; this is the cheap part of it that
an editor should hear about at once. Only pages rendered by this build are looked at (a one-edit
build renders the edited page and the lists), and only links written as paths on the site (/the-law/,
other-article.md), with regular expressions rather than an HTML parser: the pages are the
generator's own output, with every attribute in double quotes.

The checks run in the worker process that rendered the page (ssg/build/pipeline.py), so they cost
the build no time of its own on a first build; each worker remembers the links it has resolved.
"""
from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ssg.errors import SiteError
from ssg.model.content import Document

# Looked for in the page's bytes (UTF-8: no character's bytes can be mistaken for these ASCII ones)
_LINK = re.compile(rb'<a\s[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)
_PICTURE = re.compile(rb"<img\s[^>]*>")
_ATTRIBUTE = re.compile(r'\b(src|alt)="([^"]*)"')
_TAGS = re.compile(r"<[^>]+>")


class RenderedPageChecks:
    """Checks one rendered output at a time; returns its warnings (with `strict`, the build stops on the first)."""

    def __init__(self, root: Path, base_url: str, documents: tuple[Document, ...], outputs: set[str],
                 strict: bool) -> None:
        self.root, self.base_url, self.outputs, self.strict = root, base_url, outputs, strict
        self.home = urlsplit(base_url)
        self.base_path = self.home.path or "/"
        self.documents = documents
        self._resolved: dict[tuple[str, str], str | None] = {}  # (address of the page, href) -> missing path
        self._fine: set[bytes] = set()  # hrefs, as the pages hold them, that are fine on any page

    def __call__(self, output_path: str, data: bytes) -> tuple[SiteError, ...]:
        if not output_path.endswith(".html"):
            return ()
        address = self.base_url + output_path.removesuffix("index.html")
        warnings = []
        fine = self._fine
        for raw_href, words in _LINK.findall(data):
            if raw_href in fine:  # the same menu, footer and tag links are on nearly every page
                continue
            href = raw_href.decode("utf-8", "replace")
            target = self._missing_target(address, href)
            if target is None and (href.startswith("/") or _has_scheme(href) or href.startswith("#")):
                fine.add(raw_href)
            if target is not None:
                text = " ".join(_TAGS.sub("", html.unescape(words.decode("utf-8", "replace"))).split())
                warnings.append(self._warning(
                    output_path, html.unescape(href), f"the link '{text}' leads to /{target}, which does not exist",
                    "check the address: link to pages like /how-to-help/ and to articles like other-article.md"))
        for tag in _PICTURE.findall(data) if b"<img" in data else ():
            attributes = dict(_ATTRIBUTE.findall(tag.decode("utf-8", "replace")))
            if not attributes.get("alt", "").strip():
                src = html.unescape(attributes.get("src", ""))
                warnings.append(self._warning(
                    output_path, src, f"the picture '{src}' has no alt text",
                    f"describe what it shows for people who cannot see it: ![a few words on the picture]({src})"))
        return tuple(warnings)

    def _missing_target(self, address: str, href: str) -> str | None:
        """What a link on the page at `address` leads to if that is on this site and missing; remembered, as the
        same menu and tag links are on nearly every page."""
        if href.startswith(("#", "//")) or _has_scheme(href):
            return None  # a place on the page itself, or a full address (another website, mailto:, tel:)
        key = (address if not href.startswith("/") else "", href)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(address, html.unescape(href))
        return self._resolved[key]

    def _resolve(self, address: str, href: str) -> str | None:
        if urlsplit(href).netloc or ":" in href.split("/")[0]:
            return None  # a full address written with entities (&#58;), which html.unescape has just decoded
        parts = urlsplit(urljoin(address, href))
        on_this_site = (parts.scheme, parts.netloc) == (self.home.scheme, self.home.netloc)
        if not on_this_site or not parts.path.startswith(self.base_path):
            return None
        path = unquote(parts.path)[len(self.base_path):]
        wanted = [path + "index.html"] if path == "" or path.endswith("/") else [path, path + "/index.html"]
        return None if any(file in self.outputs for file in wanted) else path

    def _warning(self, output_path: str, needle: str, message: str, hint: str) -> SiteError:
        document = self._sources.get(output_path)
        if document is None:
            return SiteError(f"/{output_path}", None, message, hint)
        return SiteError(document.path, _line_with(self.root / document.path, needle), message, hint)

    @functools.cached_property
    def _sources(self) -> dict[str, Document]:
        """The document each page is made from, by output path: worked out for the first warning (most
        builds have none, and a large site has tens of thousands of documents)."""
        return {d.output_path: d for d in self.documents}


def _has_scheme(href: str) -> bool:
    """Whether an href as written in the page starts with a scheme (https:, mailto:), decided without
    decoding it: no entity can start before the colon, so decoding would leave the scheme as it is."""
    head = href.split("/", 1)[0]
    return ":" in head and "&" not in head.split(":", 1)[0]


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
