"""What a Markdown body may put on a page: an allow-list sanitiser run on each body's final HTML.

The body's HTML, as Python-Markdown writes it (raw HTML included), is parsed by HTML5 rules,
the way browsers parse it, by nh3 (the Python binding of ammonia, a Rust HTML sanitiser), which
keeps only the elements, attributes and URLs listed below. What it gives back is what the page
shows. So nothing an editor writes reaches a reader's browser unless it is on these lists, however
it is hidden (comments, CDATA sections, `<!x>` declarations, entities, parser tricks).

An editor is never left to find out that something vanished: if the sanitiser removed or changed
anything, the body is refused, naming the line and what to change. The two HTMLs are compared
quickly as text first (they are the same text for almost every body), and only when they differ
token by token, to find the first difference and say what it was.

Directives ([[quote: id]] and the others) reach this stage as markers that no editor can type
(they hold the control character STX, which Python-Markdown removes from every body). Each must
stand between blocks, at the top of the body: one anywhere else (inside an element, an attribute
or a link) is refused, and those in place become the placeholders the render stage fills in.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import NamedTuple, cast

import nh3

from ssg.errors import SiteError
from ssg.markdown.directives import DIRECTIVES, MARKER, placeholder

# The elements Python-Markdown and its extensions write (paragraphs, headings, lists, quotes,
# code, links, pictures, tables, footnotes), and simple text markup an editor may write as raw
# HTML. No element that runs or loads code, fetches anything but a picture, submits a form,
# changes where links go, holds raw text (style, textarea...) or switches parser (svg, math).
ALLOWED_ELEMENTS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "pre", "code",
    "hr", "br", "wbr", "div", "span", "a", "img", "figure", "figcaption", "details", "summary",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "cite", "q", "dfn",
    "kbd", "samp", "var", "time", "bdi"})
# Attributes allowed on every element: ids (heading anchors, footnotes), classes (below), titles and language.
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
# Classes: those Python-Markdown writes (footnotes, table alignment, a fenced block's language) and
# the few site.css offers for text. Not the others: the site's script finds its buttons by class,
# and content must not dress itself as the site's own parts (its emergency contacts, for one).
CONTENT_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-backref", "align-left", "align-center",
                             "align-right", "lead", "small", "no-print", "note"})
CODE_LANGUAGES = frozenset(f"language-{name}" for name in (
    "text", "markdown", "md", "yaml", "yml", "json", "html", "xml", "css", "javascript", "js", "python", "py",
    "shell", "sh", "bash", "console", "toml", "ini", "diff", "sql"))  # ```yaml and the like
CLASSES = {tag: CONTENT_CLASSES | (CODE_LANGUAGES if tag == "code" else set()) for tag in ALLOWED_ELEMENTS}
ELEMENT_ATTRIBUTES = {
    "a": {"href"}, "img": {"src", "alt", "width", "height"}, "ol": {"start", "reversed"}, "li": {"value"},
    "th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"}, "time": {"datetime"},
    "del": {"datetime"}, "ins": {"datetime"}, "details": {"open"},
}
# The only attributes above that hold a URL: a link may go anywhere on the web, a picture
# (which the browser fetches by itself) comes only from the site.
LINK_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
URL_ATTRIBUTES = {("a", "href"): "link", ("img", "src"): "fetched"}
# Elements removed with their content: what is inside them is not text a reader should see.
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object", "noembed",
                                  "noframes", "textarea", "title", "xmp", "svg", "math"})

ELEMENT_HINT = ("remove it; Markdown may hold simple markup only (see 'what Markdown may contain' in the README), "
                "and the site allows no scripts, event handlers, styles, frames, forms or embedded objects")
SCRIPT_HINT = "remove it; the site allows no scripts, event handlers or javascript:/data: links in content"
STYLE_HINT = ("the site's security policy blocks inline styles; remove the style, or ask a developer "
              "for a class in static/site.css")
CLASS_HINT = ("text may use the classes lead, note, small and no-print, and code blocks a language like ```yaml "
              "(the README lists them); ask a developer if the text needs another")
ID_HINT = "give the id a name after a #, like {: #how-to-help }, or remove it"
OFFSITE_HINT = ("the site loads nothing from other websites (for readers' privacy and its security policy): "
                "save the file in static/ and link to it there, like /images/x.jpg")
LINK_HINT = "a link may be a path on this site, or start with https:, http:, mailto: or tel:"
BACKSLASH_HINT = "write web addresses with forward slashes (/), never backslashes (\\)"
COMMENT_HINT = "remove it; the site publishes no HTML comments, so keep notes outside the text"
DECLARATION_HINT = "remove it; HTML comments, CDATA sections and declarations are never published"
CHANGED_HINT = ("check the HTML here: every tag closed and quoted, and a < or & that is meant as text "
                "written as &lt; or &amp;")
DIRECTIVE_HINT = ("write the directive on a line of its own, with a blank line before and after, outside any "
                  "HTML, list or link; to show the words themselves, put them in `backticks`")


@dataclass(frozen=True)
class Problem:
    """Why a body is refused: the words for 'the text contains ...', text to find its line, a hint."""
    what: str
    needle: str
    hint: str
    line: int | None = None  # the line in the file, when known (directives carry theirs)


def value_problem(element: str, attribute: str, value: str) -> Problem | None:
    """Why an allowed attribute's value is refused, if it is: a URL against the URL rules, an empty
    id, a class content may not use."""
    kind = URL_ATTRIBUTES.get((element, attribute))
    if kind is not None:
        return url_problem(kind, value)
    if attribute == "id" and not value.strip():
        return Problem("an empty id", " id", ID_HINT)
    if attribute == "class":
        unknown = next((name for name in value.split() if name not in CLASSES.get(element, CONTENT_CLASSES)), None)
        if unknown is not None:  # a fenced block's language is written ```yaml
            needle = f"```{unknown[9:]}" if unknown.startswith("language-") else unknown
            return Problem(f"the class '{unknown}'", needle, CLASS_HINT)
    return None


def _picture_from_this_site(element: str, attribute: str, value: str) -> str | None:
    """nh3's last word on each attribute it keeps: a picture's address from elsewhere is removed."""
    if element == "img" and attribute == "src" and url_problem("fetched", value):
        return None
    return value


# nh3 keeps the allowed elements, attributes and classes, links with the allowed schemes (or none)
# and pictures from this site. What is left (a backslash in a link, an empty id) is refused from
# what it wrote: see _value_problems.
CLEANER = nh3.Cleaner(attribute_filter=_picture_from_this_site,
    tags=set(ALLOWED_ELEMENTS), clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={"*": set(GLOBAL_ATTRIBUTES - {"class"}),  # nh3 takes classes from allowed_classes
                **{tag: set(names) for tag, names in ELEMENT_ATTRIBUTES.items()}},
    allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
    strip_comments=True, link_rel=None, url_schemes=set(LINK_SCHEMES))


def sanitise(fragment: str, body: str, path: str, body_line: int) -> str:
    """The body's HTML as the page will hold it, with its directives as placeholders; raises
    SiteError at the body's line if the allow-list would remove or change anything in it."""
    clean = CLEANER.clean(fragment)
    problem = None
    same = clean == as_html5_writes(fragment)
    if not same:
        problem = first_difference(fragment, clean)
    if problem is None and ("\\" in clean or BLANK_ID.search(clean)):
        problem = _value_problems(clean)
    if problem is None and "\x02" in clean:
        problem = _misplaced_marker(fragment, WRAPPED_MARKER.sub(r"\1", clean))
    if problem is None and ("[[" in clean or "ssg:" in clean):
        problem = _stray_directive(clean)
    if problem is not None:
        line = problem.line or body_line + line_containing(body, problem.needle)
        raise SiteError(path, line, f"the text contains {problem.what}, which is not allowed", problem.hint)
    # Where nh3's HTML and Python-Markdown's differ only in how characters are written (’ or
    # &rsquo;), they are the same document to a browser (a reference is read as text, never as
    # markup); Python-Markdown's is kept then, so the pages stay byte for byte as they were.
    published = fragment if same else clean
    if "\x02" in published:
        published = MARKER.sub(_placeholder, WRAPPED_MARKER.sub(r"\1", published))
    return published


def _placeholder(marker: re.Match[str]) -> str:
    return placeholder(marker["name"], marker["argument"], int(marker["line"]))


# --- URLs ------------------------------------------------------------------------
CONTROLS_AND_SPACE = "".join(map(chr, range(0x21)))
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
RUNS_CODE = frozenset({"javascript", "data", "vbscript"})


def url_problem(kind: str, value: str) -> Problem | None:
    """Why a link ("link") or the address of something the browser fetches ("fetched") is refused, if it is."""
    url = re.sub(r"[\t\n\r]", "", value).strip(CONTROLS_AND_SPACE)  # as browsers read a URL
    if "\\" in url:
        return Problem("a web address with a backslash", "\\", BACKSLASH_HINT)
    scheme = SCHEME.match(url)
    name = scheme.group(1).lower() if scheme else ""
    if name in RUNS_CODE:
        return Problem(f"a {name}: link", f"{name}:", SCRIPT_HINT)
    if kind == "link":
        if scheme and name not in LINK_SCHEMES:
            return Problem(f"a link starting {name}:", f"{name}:", LINK_HINT)
        return None
    if scheme or url.startswith("//"):
        return Problem("a picture or media file from another website", url[:40], OFFSITE_HINT)
    return None


BLANK_ID = re.compile(r' id="\s*"')
START_TAG_WITH_ATTRIBUTES = re.compile(r"<([a-z][a-z0-9]*)\s([^>]*)>")
ATTRIBUTE = re.compile(r'([^\s="]+)(?:="([^"]*)")?')


def _value_problems(clean: str) -> Problem | None:
    """The first attribute value in nh3's output that value_problem() refuses, if there is one. Read
    exactly: nh3 writes every value in double quotes, with '"', '<' and '>' in it as references."""
    for tag in START_TAG_WITH_ATTRIBUTES.finditer(clean):
        for attribute in ATTRIBUTE.finditer(tag[2]):
            value = attribute[2] or ""
            problem = value_problem(tag[1], attribute[1], html.unescape(value) if "&" in value else value)
            if problem is not None:
                return problem
    return None


# --- the quick comparison -----------------------------------------------------------
CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
HTML5_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\xa0": "&nbsp;"}


def as_html5_writes(fragment: str) -> str:
    """`fragment` with its character references written as an HTML5 serialiser (nh3's) writes them.

    Python-Markdown writes smart quotes, dashes and obfuscated e-mail addresses as references
    (&rsquo;, &#109;...); nh3 writes the characters. Equal to nh3's output means nothing was removed.
    """
    if "&" in fragment:
        fragment = CHARACTER_REFERENCE.sub(_html5_reference, fragment)
    return fragment.replace("\xa0", "&nbsp;") if "\xa0" in fragment else fragment


def _html5_reference(match: re.Match[str]) -> str:
    character = html.unescape(match.group())
    return HTML5_ESCAPES.get(character, character)


# --- finding what changed ------------------------------------------------------------
Attributes = tuple[tuple[str, str], ...]


class _Token(NamedTuple):
    kind: str  # "start", "text", "comment" or "declaration"
    text: str  # the tag's name, or the text
    attributes: Attributes = ()  # a start tag's


class _Tokens(HTMLParser):
    """A fragment as a list of tokens. End tags are left out: the HTML5 parser adds those a fragment
    leaves implied."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[_Token] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(_Token("start", tag, tuple((name, value or "") for name, value in attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1].kind == "text":
            self.tokens[-1] = _Token("text", self.tokens[-1].text + data)
        elif data:
            self.tokens.append(_Token("text", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(_Token("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(_Token("declaration", decl))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(_Token("declaration", data))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(_Token("declaration", data))


def first_difference(fragment: str, clean: str) -> Problem | None:
    """The first thing in `fragment` that the sanitiser removed or changed in `clean`; None if
    they only differ in how the same elements, attributes and text are written."""
    before, after = _Tokens(fragment).tokens, _Tokens(clean).tokens
    index = 0
    for position, token in enumerate(before):
        if index < len(after) and after[index][:2] == ("start", "tbody") and token[:2] == ("start", "tr"):
            index += 1  # the HTML5 parser puts rows straight inside a table into a <tbody>
        theirs = after[index] if index < len(after) else None
        if token == theirs:
            index += 1
            continue
        if token.kind == "text" and theirs is not None and theirs.kind == "text" and position + 1 < len(before) \
                and theirs.text.startswith(token.text) and before[position + 1].kind != "text":
            return _describe(before[position + 1], after[index + 1:index + 2])  # what follows the text went
        return _describe(token, [theirs] if theirs else [])
    if index < len(after):
        return Problem("markup that browsers read differently from how it looks", "", CHANGED_HINT)
    return None


def _describe(token: _Token, kept: list[_Token]) -> Problem:
    """Why `token` (of the original) did not come through; `kept` is what the sanitiser gave in its place."""
    kind = token.kind
    if kind == "comment":  # Python's parser reads a bogus comment (<!x ...>) as a comment too
        return Problem("an HTML comment", "<!", COMMENT_HINT)
    if kind == "declaration":
        if token.text.startswith("CDATA["):
            return Problem("a <![CDATA[ section", "<![", DECLARATION_HINT)
        return Problem("a <!...> or <?...> declaration", "<", DECLARATION_HINT)
    if kind == "start":
        tag = token.text
        other = kept[0] if kept else None
        if other is None or other[:2] != ("start", tag):
            return _element_problem(tag)
        return _attribute_problem(tag, token.attributes, other.attributes)
    return Problem("markup that browsers read differently from how it looks", token.text.strip()[:30], CHANGED_HINT)


def _element_problem(tag: str) -> Problem:
    article = "an" if tag[:1] in "aeiou" else "a"
    hint = SCRIPT_HINT if tag == "script" else ELEMENT_HINT
    return Problem(f"{article} <{tag}> element", f"<{tag}", hint)


def _attribute_problem(tag: str, attributes: Attributes, kept: Attributes) -> Problem:
    seen = set()
    for name, value in attributes:
        if (name, value) in kept and name not in seen:
            seen.add(name)
            continue
        if name in seen:
            return Problem(f"the attribute {name}= twice", f"{name}=", "remove one of them")
        if name.startswith("on"):
            return Problem(f"an event handler ({name}=)", name, SCRIPT_HINT)
        if name == "style":
            return Problem("a style= attribute", "style=", STYLE_HINT)
        problem = value_problem(tag, name, value)
        if problem is not None:
            return problem
        allowed = sorted(GLOBAL_ATTRIBUTES | ELEMENT_ATTRIBUTES.get(tag, set()))
        return Problem(f"the attribute {name}= on <{tag}>", f"{name}=",
                       f"remove it; <{tag}> may have only {', '.join(allowed)}")
    return Problem("markup that browsers read differently from how it looks", f"<{tag}", CHANGED_HINT)


# --- directives ------------------------------------------------------------------
TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>")  # in nh3's output, '>' inside a value is written &gt;
VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr"})
NAMES = "|".join(DIRECTIVES)
DIRECTIVE_TEXT = re.compile(rf"\[\[\s*(?:{NAMES})\s*(?::|\]\])|(?<!\x02)ssg:(?:{NAMES}):")
WRAPPED_MARKER = re.compile(r"<p>(\x02[^\x02\x03<]*\x03)</p>")
CODE = re.compile(r"<code\b[^>]*>.*?</code>", re.S)


def _misplaced_marker(fragment: str, clean: str) -> Problem | None:
    """A directive marker that is not between top-level blocks (inside an element, an attribute or
    a link), or one that the sanitiser made from a character reference (&#2;), if there is one."""
    if clean.count("\x02") != fragment.count("\x02") or len(MARKER.findall(clean)) != clean.count("\x02"):
        return Problem("a control character", "&#", "remove it")
    depth = 0
    for match in re.finditer(f"{TAG.pattern}|{MARKER.pattern}", clean):
        text = match.group()
        if text.startswith("\x02") and depth:
            return _directive_problem(match)  # the MARKER half of the pattern matched: its groups are set
        if text.startswith("<"):
            if "\x02" in text:
                return _directive_problem(cast(re.Match[str], MARKER.search(text)))  # "\x02" starts a marker
            tag = match.group(2).lower()
            if tag not in VOID_ELEMENTS:
                depth += -1 if match.group(1) else 1
    return None


def _directive_problem(marker: re.Match[str]) -> Problem:
    name = marker["name"]
    return Problem(f"a [[{name}]] directive inside HTML or a link", f"[[{name}", DIRECTIVE_HINT, int(marker["line"]))


def _stray_directive(clean: str) -> Problem | None:
    """Directive text that will not be filled in: written inside a line or markup, not on a line
    of its own (in code, where it is shown as written, it is allowed)."""
    found = DIRECTIVE_TEXT.search(CODE.sub("", clean))
    if found is None:
        return None
    text = html.unescape(found.group())
    return Problem(f"a directive ({text}...) that is not on a line of its own", text[:8], DIRECTIVE_HINT)


def line_containing(body: str, needle: str) -> int:
    """The 0-based line of `body` holding `needle`, ignoring case, spaces and character references."""
    lowered = needle.lower()
    for number, line in enumerate(body.split("\n")):
        line = line.lower()
        if lowered in line or lowered in re.sub(r"\s", "", html.unescape(line)):
            return number
    return 0
