"""Markdown body -> HTML fragment, with the campaign's directives and link rewriting,
sanitised by an allow-list (ssg/markdown/sanitise.py).

Directives (ssg/markdown/directives.py) become placeholder comments here that the render stage
replaces, so a body's HTML depends only on the body, the site's base path and the file's
place: that is what makes it safe to cache (cache.markup_version() is part of the key).
"""
from __future__ import annotations

import html
import posixpath
import re
import time
import xml.etree.ElementTree as etree
from collections.abc import Callable  # (the speed-ups' types)
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit
from xml.etree.ElementTree import HTML_EMPTY

import markdown
from markdown import serializers, util
from markdown.blockparser import BlockParser
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    CodeBlockProcessor,
    EmptyBlockProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ListIndentProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import smarty
from markdown.extensions.attr_list import AttrListExtension, AttrListTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.footnotes import FootnoteBlockProcessor, FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension, SaneOListProcessor, SaneUListProcessor
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor, remove_fnrefs, render_inner_html, strip_tags, unique
from markdown.inlinepatterns import LinkInlineProcessor, Pattern, ReferenceInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import InlineProcessor, PrettifyTreeprocessor, Treeprocessor, UnescapeTreeprocessor

from ssg.errors import SiteError
from ssg.markdown.directives import DIRECTIVE_LINE, DIRECTIVES, marker
from ssg.markdown.sanitise import line_containing as _line_containing
from ssg.markdown.sanitise import sanitise
from ssg.model.content import url_for_content_file


def extensions() -> list[markdown.Extension]:
    """What editors need (issue 2): tables, heading anchors (toc), smart quotes, attribute lists,
    plus fenced code and footnotes. Not all of "extra": abbr, def_list and md_in_html cost time on
    every page and no editor needs them. Given as objects, not names: for a name, Python-Markdown
    searches every installed package for a plugin of that name, which takes longer (about 50 ms)
    than setting the converter up."""
    return [TableExtension(), AttrListExtension(), FencedCodeExtension(), FootnoteExtension(),
            TocExtension(toc_depth="2-4"), SmartyExtension(smart_angled_quotes=False), SaneListExtension()]

# Python-Markdown's inline parser is quadratic or worse on some inputs: a paragraph of a few
# thousand unclosed '[' takes minutes. So each body gets a time budget, generous next to
# what real text needs (about 5 microseconds a character here), and is refused past it.
BASE_SECONDS = 1.0
SECONDS_PER_CHARACTER = 20e-6


_Matched = TypeVar("_Matched")  # what an inline pattern's handleMatch returns


class _TooSlow(Exception):
    """Raised inside Python-Markdown when a body's time budget is spent; carries the text it was on."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class MarkdownConverter:
    """One reusable Python-Markdown instance (building one costs more than converting a page)."""

    def __init__(self, base_path: str, *, fast: bool = True) -> None:
        """fast=False: stock Python-Markdown, without the speed-ups below (the tests compare the two)."""
        self.base_path = base_path
        self.document = ("", 1)  # (path, body_line) of the body being converted
        self.body = ""
        self.md = markdown.Markdown(extensions=extensions(), output_format="html")
        # After normalize_whitespace (30), which would strip the stash markers, before html_block (20).
        self.md.preprocessors.register(_DirectivePreprocessor(self.md, self), "ssg_directives", 25)
        self.md.treeprocessors.register(_LinkRewriter(self.md, self), "ssg_links", 1)
        self.md.treeprocessors.register(_AlignmentClasses(self.md), "ssg_alignment", 2)
        self.deadline = 0.0
        if fast:
            use_faster_processors(self.md)
        for processor in self.md.treeprocessors:
            if isinstance(processor, InlineProcessor):
                # (types-Markdown names the tree processor's class for the patterns, not inlinepatterns.Pattern)
                for pattern in cast("util.Registry[Pattern]", processor.inlinePatterns):
                    # A wrapper on each instance: mypy refuses assigning to a method, which is the point here.
                    pattern.handleMatch = self._within_deadline(pattern.handleMatch)  # type: ignore[method-assign]

    def convert(self, body: str, path: str, body_line: int) -> str:
        """HTML for a Markdown body; errors name `path` and the line in the file."""
        self.document = (path, body_line)
        self.body = body
        self.deadline = time.monotonic() + BASE_SECONDS + SECONDS_PER_CHARACTER * len(body)
        try:
            fragment = self.md.reset().convert(body)
        except RecursionError:
            raise SiteError(path, body_line,
                            "the text is nested too deeply to read (lists or quotes inside each other)",
                            "use fewer levels of lists and '>' quotes") from None
        except _TooSlow as slow:
            raise SiteError(path, body_line + _line_containing(body, _plain_start(slow.text)),
                            "this text takes too long to convert: a paragraph has a great many [ ] * _ ` < or | "
                            "characters", "look for stray brackets or symbols here, or split the paragraph") from None
        return sanitise(fragment, body, path, body_line)

    def _within_deadline(self, handle_match: Callable[..., _Matched]) -> Callable[..., _Matched]:
        """Wrap an inline pattern's handleMatch (called for every match it tries) to stop at the deadline."""
        def handle(*args: Any) -> _Matched:
            if time.monotonic() > self.deadline:
                raise _TooSlow(args[-1] if len(args) > 1 else "")
            return handle_match(*args)
        return handle


def _plain_start(text: str) -> str:
    """The first words of an inline text without Python-Markdown's placeholders, to find its line."""
    pieces = [piece.strip() for piece in re.split(r"\x02[^\x03]*\x03|\n", text)]
    return next((piece[:30] for piece in pieces if piece), "")


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
            result += ["", self.md.htmlStash.store(marker(name, argument, body_line + number)), ""]
        return result


class _AlignmentClasses(Treeprocessor):
    """Table column alignment as classes (site.css), not style="" attributes, which the CSP blocks."""

    def run(self, root: etree.Element) -> None:
        for cell in (*root.iter("th"), *root.iter("td")):
            match = re.fullmatch(r"text-align: (left|right|center);", cell.get("style", ""))
            if match:
                del cell.attrib["style"]
                cell.set("class", f"align-{match.group(1)}")


class _LinkRewriter(Treeprocessor):
    """Make '/about/' and 'other-article.md' links work wherever the site is hosted."""

    def __init__(self, md: markdown.Markdown, converter: MarkdownConverter) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, root: etree.Element) -> None:
        folder = posixpath.dirname(self.converter.document[0].removeprefix("content/"))
        for element in root.iter():
            attribute = LINK_ATTRIBUTES.get(element.tag)
            if attribute:
                link = element.get(attribute)
                if link:
                    element.set(attribute, site_link(link, folder, self.converter.base_path))


def site_link(link: str, folder: str, base_path: str) -> str:
    """Rewrite a link written in Markdown to the URL it must have on the built site."""
    elsewhere, path, fragment = link_parts(link)
    if elsewhere or link.startswith("#"):
        return link
    anchor = f"#{fragment}" if fragment else ""
    if path.endswith(".md"):
        target = posixpath.normpath(posixpath.join(folder, path)) if not path.startswith("/") \
            else path.lstrip("/").removeprefix("content/")
        url = url_for_content_file(target)
        return base_path + url + anchor if url is not None else link
    if link.startswith("/"):
        return base_path + link[1:]
    return link


def link_parts(link: str) -> tuple[bool, str, str]:
    """(whether it names a scheme or host, path, fragment), as urlsplit reads them.

    Quick for most links, which hold none of what urlsplit treats specially: a ':' (a scheme),
    a leading '//' (a host), a leading space or control character or a tab or line break
    anywhere (removed).
    """
    if ":" in link or link[:1] <= " " or link.startswith("//") or "\t" in link or "\n" in link or "\r" in link:
        parts = urlsplit(link)
        return bool(parts.scheme or parts.netloc), parts.path, parts.fragment
    before_fragment, _, fragment = link.partition("#")
    return False, before_fragment.partition("?")[0], fragment


LINK_ATTRIBUTES = {"a": "href", "img": "src"}


# Speed-ups. Python-Markdown is most of a cold build's time, and much of its work cannot
# change the output: patterns and processors tried on text that lacks what they look for,
# a table of contents no template shows, links read a character at a time. The swaps and
# wrappers below skip that work and nothing else, so the HTML is byte for byte what stock
# Python-Markdown gives (tests/test_markup.py compares the two on generated, real and
# tricky bodies, and on generated Markdown). Several replace or wrap Python-Markdown 3.11
# internals: requirements.txt pins the version they were checked against.


TextTest = Callable[[str], object]  # truthy if the text could hold a match
LinkText = tuple[str, int, bool]  # getText's: the text in [ ], the index after ']', found?
LinkParts = tuple[str, "str | None", int, bool]  # getLink's: href, title, the index after ')', found?
# (pattern, a string a text must hold for it to match or None, a finer test or None, where its matches can start)
PatternRow = tuple[Any, "str | None", "TextTest | None", "re.Pattern[str] | None"]
PatternTable = tuple[list[PatternRow], Callable[[str], "re.Match[str] | None"]]
ProcessorRow = tuple[markdown.blockprocessors.BlockProcessor, "TextTest | None"]


def use_faster_processors(md: markdown.Markdown) -> None:
    """Swap in processors that skip work which cannot change the output (same HTML as stock)."""
    for registry in (md.preprocessors, md.treeprocessors):
        for processor in registry:
            processor.__class__ = FASTER_PROCESSORS.get(type(processor), type(processor))
    md.parser.__class__ = QuickerBlockParser
    if md.serializer is serializers.to_html_string:
        md.serializer = serialize_html
    for processor in md.treeprocessors:
        for pattern in getattr(processor, "inlinePatterns", ()):
            if isinstance(pattern, LinkInlineProcessor):  # links, images and references
                pattern.getText = _quick_link_text(pattern.getText)  # type: ignore[method-assign, assignment]
                pattern.getLink = _quick_link_target(pattern.getLink, pattern.unescape)  # type: ignore[method-assign, assignment]
            if pattern.pattern in SMARTY_QUICKER_REGEXES:
                pattern.compiled_re = re.compile(SMARTY_QUICKER_REGEXES[pattern.pattern], re.DOTALL | re.UNICODE)


# Python-Markdown tries every inline pattern on every piece of text, and smarty adds a
# second pass of 17 more. A pattern cannot match text that lacks the strings it needs, so
# it is skipped there; a text that holds none of any pattern's is skipped altogether.
INLINE_TRIGGERS = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",), "autolink": ("<",),
    "automail": ("<",), "html": ("<",), "linebreak": ("  \n",), "entity": ("&",), "em_strong": ("*", "_"),
    "em_strong2": ("_",), "strong": ("*", "_"), "emphasis": ("*", "_"), "not_strong": ("*", "_"),
    "footnote": ("[^",), "abbr": None, "smarty-ellipses": ("...",), "smarty-en-dashes": ("--",),
    "smarty-em-dashes": ("---",), "smarty-quotes": ("'", '"'),
}
# smarty's 15 quote patterns all need a quote; most need more, which a quick test finds
# first. Keyed by the pattern's regex, so that a pattern changed upstream is always tried.
SMARTY_QUOTE_TESTS: dict[str, TextTest] = {
    smarty.singleQuoteStartRe: lambda text: text.startswith("'"),  # '^' matches at the very start only
    smarty.doubleQuoteStartRe: lambda text: text.startswith('"'),
    smarty.doubleQuoteSetsRe: lambda text: "\"'" in text,
    smarty.singleQuoteSetsRe: lambda text: "'\"" in text,
    smarty.doubleQuoteSetsRe2: lambda text: "'\"" in text,
    smarty.singleQuoteSetsRe2: lambda text: "\"'" in text,
    smarty.decadeAbbrRe: re.compile(r"'\d\ds").search,
    # After a space, an &nbsp; &mdash; &ndash; &#8211; &#8212; (all end in ';'), '--', '–' or '—':
    smarty.openingSingleQuotesRegex: re.compile(r"[\s;\-–—]'\w").search,
    smarty.openingDoubleQuotesRegex: re.compile(r'[\s;\-–—]"\w').search,
    smarty.closingSingleQuotesRegex2: re.compile(r"'[\ss]").search,
    smarty.closingDoubleQuotesRegex: re.compile(r'"\s').search,
}
# Two of them start by looking behind the quote, so the regex engine tries them at every
# position of every text with a quote. Written to start at the quote (the look behind then
# covers the quote too), they match the same spans and skip straight from quote to quote.
SMARTY_QUICKER_REGEXES = {
    smarty.closingSingleQuotesRegex: rf"'(?<={smarty.closeClass}')(?!\s|s\b|\d)",
    smarty.closingDoubleQuotesRegex2: rf'"(?<={smarty.closeClass}")',
}
# Code spans' regex has no fixed first character either (tens of microseconds a paragraph).
# Its matches all start at a '`' or, for escaped backslashes before one, a '\': its search
# starts at the first of those.
MATCH_STARTS = {"backtick": re.compile(r"[`\\]")}


QUICK_TESTS_PER_PATTERN = 16  # in one text: after that, the pattern is searched for without asking


def _triggers(name: str) -> tuple[str, ...] | None:
    """Strings one of which must be in a text for pattern `name` to match it (None: always try)."""
    return INLINE_TRIGGERS.get(name.rstrip("-0123456789") if name.startswith("smarty-quotes") else name)


def _contains_any(triggers: tuple[str, ...]) -> TextTest:
    """A test for texts holding one of `triggers`."""
    def test(text: str) -> bool:
        for trigger in triggers:  # noqa: SIM110 (quicker than any() over a generator)
            if trigger in text:
                return True
        return False
    return test


class SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, trying each pattern only where it could match.

    run and __handleInline are Python-Markdown 3.11's with a few added tests: a text that
    holds no pattern's trigger is left as it is (stock parses it, finds nothing and puts it
    back); a pattern is tried only on text that holds its trigger (a substring test, or a
    finer one for a few), and searched from where its matches can start; reference links
    only in a body that defines some (its pattern index counts in that table). Stock run also
    keeps a map from each element to its parent, which only ever serves to list the
    ancestors of the root: none.
    """

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:  # kept close to stock
        self.stashed_nodes = {}
        self._patterns, self._could_match = self._pattern_table()
        stack = [(tree, ([] if ancestors is None else ancestors[:]) + [tree.tag.lower()])]
        handle_inline = self._InlineProcessor__handleInline
        process_placeholders = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
        could_match = self._could_match
        while stack:
            element, parents = stack.pop(0)
            self.ancestors = parents
            if element is not tree:
                self.ancestors.append(element.tag.lower())
            insert_queue = []
            for child in element:
                text = child.text
                if text and not isinstance(text, util.AtomicString) and could_match(text):
                    self.ancestors.append(child.tag.lower())
                    child.text = None
                    new_children = process_placeholders(handle_inline(text), child)
                    stack += new_children
                    insert_queue.append((child, new_children))
                    self.ancestors.pop()
                tail = child.tail
                if tail and could_match(tail):
                    dummy = etree.Element("d")
                    child.tail = None
                    tail_children = process_placeholders(handle_inline(tail), dummy, False)
                    if dummy.tail:
                        child.tail = dummy.tail
                    position = list(element).index(child) + 1
                    tail_children.reverse()
                    for new_child in tail_children:
                        element.insert(position, new_child[0])
                if len(child):
                    stack.append((child, self.ancestors[:]))
            for child, new_children in insert_queue:
                for index, item in enumerate(new_children):
                    child.insert(index, item[0])
        return tree

    def _InlineProcessor__handleInline(self, data: str, pattern_index: int = 0) -> str:  # noqa: N802
        if isinstance(data, util.AtomicString) or not self._could_match(data):
            return data
        patterns = self._patterns
        apply_pattern = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start, tests_left = 0, QUICK_TESTS_PER_PATTERN
        while pattern_index < len(patterns):
            pattern, needle, can_match, match_start = patterns[pattern_index]
            # A quick test looks at the whole text: asked again after each match (the pattern may
            # have matched its last), but not after thousands (a paragraph of quotes: quadratic).
            if tests_left and ((needle is not None and needle not in data)
                               or (can_match is not None and not can_match(data))):
                pattern_index, start, tests_left = pattern_index + 1, 0, QUICK_TESTS_PER_PATTERN
                continue
            tests_left = max(tests_left - 1, 0)
            if match_start is not None:
                first = match_start.search(data, start)
                if first is None:
                    pattern_index, start, tests_left = pattern_index + 1, 0, QUICK_TESTS_PER_PATTERN
                    continue
                start = first.start()
            data, matched, start = apply_pattern(pattern, data, pattern_index, start)
            if not matched:
                pattern_index, tests_left = pattern_index + 1, QUICK_TESTS_PER_PATTERN
        return data

    def _pattern_table(self) -> PatternTable:
        """[(pattern, a string a text must hold for it to match or None, a finer test or None,
        a regex finding where its matches can start or None)] in priority order, and a test
        for texts holding any pattern's trigger."""
        key = (len(self.inlinePatterns), bool(self.md.references))
        tables: dict[tuple[int, bool], PatternTable] = self.__dict__.setdefault("_pattern_tables", {})
        if key not in tables:
            tables[key] = self._build_pattern_table(has_references=key[1])
        return tables[key]

    def _build_pattern_table(self, has_references: bool) -> PatternTable:
        by_priority = sorted(self.inlinePatterns._priority, key=lambda i: i.priority, reverse=True)  # type: ignore[attr-defined]
        names = [item.name for item in by_priority]
        patterns: list[PatternRow] = []
        every_trigger: set[str] = set()
        for name in names:
            pattern, triggers = self.inlinePatterns[name], _triggers(name)
            # A reference link only ever links to a definition ("[id]: url") in the body: in a
            # body without one, stock tries it at every '[' and it changes nothing.
            if isinstance(pattern, ReferenceInlineProcessor) and not has_references:
                continue
            if triggers is None:
                patterns.append((pattern, None, None, None))
                every_trigger.add("")
                continue
            finer_test = SMARTY_QUOTE_TESTS.get(pattern.pattern)
            needle = triggers[0] if len(triggers) == 1 and not finer_test else None
            can_match = None if needle is not None else finer_test or _contains_any(triggers)
            patterns.append((pattern, needle, can_match, MATCH_STARTS.get(name)))
            every_trigger.update(triggers)
        # A text holding a placeholder (STX) must be parsed too, to put the element it stands for
        # back: elements nested three deep keep theirs until the pass reaches their text.
        every_trigger.add(util.STX)
        return patterns, re.compile("|".join(sorted(map(re.escape, every_trigger)))).search


# Links and images are read a character at a time, in Python, to match nested brackets,
# parentheses and quoted titles. Most have none: "[text](target)". These two read that
# form at once, as the stock methods would, and leave every other form to them.
PLAIN_LINK_TARGET = re.compile(r"""\(\s*([^()'"<]*)\)""")


def _quick_link_text(get_text: Callable[[str, int], LinkText]) -> Callable[[str, int], LinkText]:
    """getText (the text in [ ] from `index`, the index after ']', found?), quick without nesting."""
    def quick_get_text(data: str, index: int) -> LinkText:
        close = data.find("]", index)
        if close != -1 and data.find("[", index, close) == -1:
            return data[index:close], close + 1, True
        return get_text(data, index)
    return quick_get_text


def _quick_link_target(get_link: Callable[[str, int], LinkParts], unescape: Callable[[str], str]) \
        -> Callable[[str, int], LinkParts]:
    """getLink (href, title, the index after ')', found?), quick for a target without ( ) quotes or <."""
    def quick_get_link(data: str, index: int) -> LinkParts:
        plain = PLAIN_LINK_TARGET.match(data, index)
        if plain:
            return unescape(plain.group(1)).strip(), None, plain.end(), True
        return get_link(data, index)
    return quick_get_link


# Python-Markdown offers each block to the block processors in turn, and several look at
# it with regexes that scan the whole block. Each can only take a block that passes this
# quick test: a table needs a pipe, a '#' heading a line starting '#', an underlined heading
# a second line of '=' or '-', a rule a line starting with up to 3 spaces and '-', '_' or
# '*', a quote a '>', a link definition "]:", a footnote "[^" too. (For the two whose test
# always says yes, link definitions and footnotes, no is what their run says after its search.)
RULE_MARKS = frozenset("-_*")
BLOCK_CAN_TAKE: dict[type[markdown.blockprocessors.BlockProcessor], TextTest] = {
    TableProcessor: lambda block: "|" in block,
    HashHeaderProcessor: lambda block: block.startswith("#") or "\n#" in block,
    SetextHeaderProcessor: lambda block: "\n=" in block or "\n-" in block,
    HRProcessor: lambda block: block.lstrip(" ")[:1] in RULE_MARKS or "\n-" in block or "\n_" in block
    or "\n*" in block or "\n " in block,
    BlockQuoteProcessor: lambda block: ">" in block,
    ReferenceProcessor: lambda block: "]:" in block,
    FootnoteBlockProcessor: lambda block: "[^" in block and "]:" in block,
}


# Most blocks are plain paragraphs, which every processor before the paragraph one refuses.
# A block starting with a letter cannot be empty, indented code or a list item, start a
# heading, rule or list; without '|', '>' or ']:' it is no table, quote, link definition or
# footnote; and if no later line starts with '#', '=', '-', '_', '*' or a space, no heading,
# underlined heading or rule starts inside it. These processors are then not asked at all.
REFUSE_PLAIN_PARAGRAPHS = frozenset({
    EmptyBlockProcessor, ListIndentProcessor, CodeBlockProcessor, TableProcessor, HashHeaderProcessor,
    SetextHeaderProcessor, HRProcessor, SaneOListProcessor, SaneUListProcessor, BlockQuoteProcessor,
    FootnoteBlockProcessor, ReferenceProcessor})


def _plain_paragraph(block: str) -> bool:
    if not block[:1].isalpha() or "|" in block or ">" in block or "]:" in block:
        return False
    return "\n" not in block or not ("\n#" in block or "\n=" in block or "\n-" in block or "\n_" in block
                                    or "\n*" in block or "\n " in block)


class QuickerBlockParser(BlockParser):
    """Python-Markdown 3.11's parseBlocks, with the block processors listed once instead of
    for every block, each one's quick test (BLOCK_CAN_TAKE) asked before its own, and only
    the processors that could take it offered a plain paragraph."""

    def parseBlocks(self, parent: etree.Element, blocks: list[str]) -> None:  # noqa: N802 (the name it overrides)
        every, for_plain = self._quick_tested_processors()
        while blocks:
            for processor, can_take in for_plain if _plain_paragraph(blocks[0]) else every:
                if (can_take is None or can_take(blocks[0])) and processor.test(parent, blocks[0]) \
                        and processor.run(parent, blocks) is not False:
                    break

    def _quick_tested_processors(self) -> tuple[list[ProcessorRow], list[ProcessorRow]]:
        """[(processor, its quick test or None)] in priority order, and those of them that could
        take a plain paragraph; listed again if a processor is added."""
        listed = self.__dict__.get("_listed")
        if listed is None or listed[0] != len(self.blockprocessors):
            every = [(processor, BLOCK_CAN_TAKE.get(type(processor))) for processor in self.blockprocessors]
            # Indented code and lists need a line starting with tab_length spaces (any line, if 0).
            for_plain = every if self.md.tab_length < 1 else \
                [item for item in every if type(item[0]) not in REFUSE_PLAIN_PARAGRAPHS]
            listed = self._listed = (len(self.blockprocessors), every, for_plain)
        return listed[1], listed[2]


class HeadingIdsOnly(TocTreeprocessor):
    """toc's heading ids without its table of contents, which no template shows.

    Stock toc also builds, prettifies, serialises and post-processes a table of contents
    for every body (md.toc, md.toc_tokens: left empty here). Ids, levels and the removal
    of data-toc-label are done as in Python-Markdown 3.11's TocTreeprocessor.run; a body
    with a [TOC] marker, which the table of contents would replace, gets the stock run (so
    does one where the marker only appears across two texts joined: stock's output again).
    """

    def run(self, doc: etree.Element) -> None:
        if self.marker and self.marker in "".join(doc.itertext()):
            return super().run(doc)
        used_ids, headings = set(), []
        is_heading = self.__dict__.setdefault("_is_heading", {})  # tag -> whether stock's regex takes it
        for element in doc.iter():
            element_id = element.get("id")
            if element_id is not None:
                used_ids.add(element_id)
            tag = element.tag
            if tag not in is_heading:
                is_heading[tag] = isinstance(tag, str) and bool(self.header_rgx.match(tag))
            if is_heading[tag]:
                headings.append(element)
        id_counters: dict[str, int] = {}
        for element in headings:
            self.set_level(element)
            if "id" not in element.attrib:
                name = _plain_heading_text(element)
                if name is None:
                    name = strip_tags(render_inner_html(remove_fnrefs(element), self.md))
                element.attrib["id"] = unique(self.slugify(html.unescape(name), self.sep), used_ids,
                                              id_counters)  # type: ignore[call-arg]  # stubs are of 3.11.2
            element.attrib.pop("data-toc-label", None)
            if self.use_anchors:
                self.add_anchor(element, element.attrib["id"])
            if self.use_permalinks not in [False, None]:
                self.add_permalink(element, element.attrib["id"])


def _plain_heading_text(heading: etree.Element) -> str | None:
    """What toc's name for a heading comes to when it is plain text (most are), else None.

    toc serialises the heading, runs the postprocessors (which only replace placeholders,
    all starting with STX), strips tags and collapses spaces: for text without markup,
    escapes or placeholders, that is the text with its spaces collapsed.
    """
    text = heading.text or ""
    if len(heading) or any(character in text for character in "&<>\x02\x03"):
        return None
    return " ".join(text.split())


class AttrListWhereBraces(AttrListTreeprocessor):
    """attr_list, which finds nothing to do in a body whose text has no '{' (most bodies)."""

    def run(self, doc: etree.Element) -> None:
        if "{" in "".join(doc.itertext()):
            super().run(doc)


class UnescapeWhereEscapes(UnescapeTreeprocessor):
    """Backslash escapes restored, where there are any: most bodies have none."""

    def run(self, root: etree.Element) -> None:
        if util.STX in "".join(root.itertext()) or any(
                util.STX in value for element in root.iter() for value in element.attrib.values() if value):
            super().run(root)


class PrettifyQuickly(PrettifyTreeprocessor):
    """Python-Markdown 3.11's line breaks between block elements. Stock asks md.is_block_level
    (a search of a list of some 50 names) several times per element; here once per tag a body."""

    def run(self, root: etree.Element) -> None:
        self._block_level: dict[object, bool] = {}
        super().run(root)

    def _is_block_level(self, tag: object) -> bool:
        known = self._block_level.get(tag)
        if known is None:
            known = self._block_level[tag] = self.md.is_block_level(tag)
        return known

    def _prettifyETree(self, elem: etree.Element) -> None:  # noqa: N802 (the name it overrides)
        if self._is_block_level(elem.tag) and elem.tag not in ("code", "pre"):
            if (not elem.text or not elem.text.strip()) and len(elem) and self._is_block_level(elem[0].tag):
                elem.text = "\n"
            for child in elem:
                if self._is_block_level(child.tag):
                    self._prettifyETree(child)
        if not elem.tail or not elem.tail.strip():
            elem.tail = "\n"


class NormalizeWhitespaceQuickly(NormalizeWhitespace):
    """Python-Markdown 3.11's NormalizeWhitespace.run, with its slow regex (which empties
    lines of only spaces) run only where some line ends in a space."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = re.sub(r"(?<=\n) +\n", "\n", source)
        return source.split("\n")


class RawHtmlWhereMarkup(HtmlBlockPreprocessor):
    """Raw HTML blocks taken out, in a body that has any: its HTML parser sees text without
    '<' or '&' as one run of plain text and gives it back unchanged (most bodies)."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        return super().run(lines) if "<" in text or "&" in text else lines


class FencedCodeWhereFences(FencedBlockPreprocessor):
    """fenced_code, which finds nothing to do in a body without ``` or ~~~ (most bodies)."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        return super().run(lines) if "```" in text or "~~~" in text else lines


def serialize_html(root: etree.Element) -> str:
    """Python-Markdown 3.11's HTML serializer (to_html_string), written for what it is given.

    Stock walks the tree with a queue of elements and strings, lowers every tag twice and
    calls an escape function for every text. This writes an element whose tag and attribute
    names and values are plain strings (all of Python-Markdown's) directly, escapes only
    texts holding & < or >, and hands anything else, from that element down, to the stock
    code. A tree too deep to write recursively is written by the stock code from the start.
    """
    written: list[str] = []
    try:
        _write_element(written.append, root)
    except RecursionError:
        return serializers.to_html_string(root)
    return "".join(written)


def _write_element(write: Callable[[str], object], element: etree.Element) -> None:
    """Write `element`, what it holds and its tail, as serializers._serialize_html does."""
    tag = element.tag
    kind = TAG_KINDS.get(tag) if type(tag) is str else None
    if kind is None:
        if type(tag) is not str:  # comments, processing instructions, QNames
            serializers._serialize_html(write, element, "html")  # type: ignore[attr-defined]
            return
        kind = TAG_KINDS[tag] = (tag.lower() in ("script", "style"), tag.lower() not in HTML_EMPTY)
    raw_text, has_end_tag = kind
    if element.attrib:
        attributes = _attributes_html(element.attrib)
        if attributes is None:
            serializers._serialize_html(write, element, "html")  # type: ignore[attr-defined]
            return
        write(f"<{tag}{attributes}>")
    else:
        write(f"<{tag}>")
    text = element.text
    if text:
        write(text if raw_text or not ("&" in text or "<" in text or ">" in text)
              else serializers._escape_cdata(text))  # type: ignore[attr-defined]
    for child in element:
        _write_element(write, child)
    if has_end_tag:
        write(f"</{tag}>")
    tail = element.tail
    if tail:
        write(serializers._escape_cdata(tail)  # type: ignore[attr-defined]
              if "&" in tail or "<" in tail or ">" in tail else tail)


TAG_KINDS: dict[str, tuple[bool, bool]] = {}  # tag -> (text written as it is, has an end tag), as stock decides


def _attributes_html(attributes: dict[Any, Any]) -> str | None:
    """The attributes as stock writes them, or None if one is not a plain string (stock's to write)."""
    written = []
    for key, value in sorted(attributes.items()):
        if type(key) is not str or type(value) is not str:
            return None
        value = serializers._escape_attrib_html(value)  # type: ignore[attr-defined]
        written.append(f" {value}" if key == value and key in BOOLEAN_HTML_ATTRIBUTES else f' {key}="{value}"')
    return "".join(written)


BOOLEAN_HTML_ATTRIBUTES = serializers.BOOLEAN_ATTRIBUTES["html"]  # type: ignore[attr-defined]


FASTER_PROCESSORS = {
    InlineProcessor: SkippingInlineProcessor, TocTreeprocessor: HeadingIdsOnly,
    AttrListTreeprocessor: AttrListWhereBraces, UnescapeTreeprocessor: UnescapeWhereEscapes,
    NormalizeWhitespace: NormalizeWhitespaceQuickly, HtmlBlockPreprocessor: RawHtmlWhereMarkup,
    FencedBlockPreprocessor: FencedCodeWhereFences, PrettifyTreeprocessor: PrettifyQuickly,
}
