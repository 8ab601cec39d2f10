"""Markdown body -> HTML fragment, with the campaign's directives and link rewriting.

Directives are lines of their own in a body:
    [[quote: dick-disgusting]]   a quote from content/quotes/
    [[chart: assaults-england-wales]]   a bar chart from content/charts/
    [[contacts]]                 the emergency and reporting contacts from site.yaml
They become placeholder comments here (<!--ssg:quote:id:LINE-->) that the render stage
replaces, so a body's HTML depends only on the body, the site's base path and the file's
place: that is what makes it safe to cache.
"""
from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .content import url_for_content_file
from .errors import SiteError

DIRECTIVES = ("quote", "chart", "contacts")
DIRECTIVE_LINE = re.compile(r"^\[\[\s*([A-Za-z_-]+)\s*(?::\s*([^\]]*?))?\s*\]\]\s*$")
PLACEHOLDER = re.compile(r"<!--ssg:([a-z]+):([^:>]*):(\d+)-->")
EXTENSIONS = ["extra", "toc", "smarty", "sane_lists"]  # extra = tables, attr_list, fenced code, footnotes, abbr...
EXTENSION_CONFIGS = {"toc": {"toc_depth": "2-4"}, "smarty": {"smart_angled_quotes": False}}
MARKUP_VERSION = "1"  # bump when this module's output changes, so caches are not trusted


class MarkdownConverter:
    """One reusable Python-Markdown instance (building one costs more than converting a page)."""

    def __init__(self, base_path: str) -> None:
        self.base_path = base_path
        self.document = ("", 1)  # (path, body_line) of the body being converted
        self.md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                                    output_format="html")
        self.md.preprocessors.register(_DirectivePreprocessor(self.md, self), "ssg_directives", 35)
        self.md.treeprocessors.register(_LinkRewriter(self.md, self), "ssg_links", 1)

    def convert(self, body: str, path: str, body_line: int) -> str:
        """HTML for a Markdown body; errors name `path` and the line in the file."""
        self.document = (path, body_line)
        try:
            html = self.md.reset().convert(body)
        except RecursionError:
            raise SiteError(path, body_line, "the text is nested too deeply to read (lists or quotes inside each other)",
                            "use fewer levels of lists and '>' quotes") from None
        check_safety(html, body, path, body_line)
        return html


class _DirectivePreprocessor(Preprocessor):
    def __init__(self, md: markdown.Markdown, converter: MarkdownConverter) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, lines: list[str]) -> list[str]:
        path, body_line = self.converter.document
        result = []
        for number, line in enumerate(lines):
            match = DIRECTIVE_LINE.match(line)
            if not match:
                result.append(line)
                continue
            name, argument = match.group(1), (match.group(2) or "").strip()
            if name not in DIRECTIVES:
                raise SiteError(path, body_line + number, f"unknown directive '[[{name}]]'",
                                "the directives are [[quote: id]], [[chart: id]] and [[contacts]]")
            marker = f"<!--ssg:{name}:{argument.replace(':', '').replace('>', '')}:{body_line + number}-->"
            result += ["", self.md.htmlStash.store(marker), ""]
        return result


class _LinkRewriter(Treeprocessor):
    """Make '/about/' and 'other-article.md' links work wherever the site is hosted."""

    def __init__(self, md: markdown.Markdown, converter: MarkdownConverter) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, root):
        path, _ = self.converter.document
        folder = posixpath.dirname(path.removeprefix("content/"))
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and element.get(attribute):
                element.set(attribute, site_link(element.get(attribute), folder, self.converter.base_path))


def site_link(link: str, folder: str, base_path: str) -> str:
    """Rewrite a link written in Markdown to the URL it must have on the built site."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("#"):
        return link
    anchor = f"#{parts.fragment}" if parts.fragment else ""
    if parts.path.endswith(".md"):
        target = posixpath.normpath(posixpath.join(folder, parts.path)) if not parts.path.startswith("/") \
            else parts.path.lstrip("/").removeprefix("content/")
        url = url_for_content_file(target)
        return base_path + url + anchor if url is not None else link
    if link.startswith("/"):
        return base_path + link[1:]
    return link


class _UnsafeMarkup(HTMLParser):
    """Finds what could run script in a reader's browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[str, str]] = []  # (what, text to look for in the source)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "object", "embed", "base", "form", "meta", "link", "style"):
            self.problems.append((f"a <{tag}> element", f"<{tag}"))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append((f"an event handler ({name}=)", name))
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset", "data", "poster") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower().split(":", 1)
                if len(scheme) == 2 and scheme[0] in ("javascript", "data", "vbscript"):
                    self.problems.append((f"a {scheme[0]}: link", f"{scheme[0]}:"))
            if tag == "iframe" and name == "src" and urlsplit(value or "").netloc:
                self.problems.append(("an <iframe> from another website", "<iframe"))
        if tag == "iframe" and not dict(attrs).get("src"):
            self.problems.append(("an <iframe>", "<iframe"))


def check_safety(html: str, body: str, path: str, body_line: int) -> None:
    """Refuse Markdown that would put script on the public site (issue: secure by default)."""
    if "<" not in html:
        return
    finder = _UnsafeMarkup()
    finder.feed(html)
    if finder.problems:
        what, needle = finder.problems[0]
        raise SiteError(path, body_line + _line_containing(body, needle), f"the text contains {what}, which is not allowed",
                        "remove it; the site allows no scripts, event handlers or javascript:/data: links in content")


def _line_containing(body: str, needle: str) -> int:
    lowered = needle.lower()
    for number, line in enumerate(body.split("\n")):
        if lowered in re.sub(r"\s", "", line.lower()) or lowered in line.lower():
            return number
    return 0
