"""SVG files (in static/, and pictures in content/images/) are checked before they are published: an
SVG opened on its own is a document, and a browser runs the script it holds, follows its event handlers
and fetches what it references. Allowed: SVG drawing elements (an allow-list), the inert metadata drawing
programs add (Inkscape, Sodipodi, RDF), and references inside the file or to the site's own files.
Everything else is refused with its file and line.

check_svg also returns the file rebuilt from what it allowed (CheckedSvg.data): SVG elements and
attributes only, with no comment, no <metadata> and none of the drawing programs' own markup (which can
hold an editor's name or home folder). Pictures in content/images/ are published as that, never as sent.
"""
from __future__ import annotations

import math
import re
import xml.parsers.expat
from dataclasses import dataclass
from typing import NoReturn

from ssg.errors import SiteError

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Namespaces browsers do not render: what drawing programs keep in their files.
INERT = ("http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
         "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#",
         "http://purl.org/dc/elements/1.1/", "http://web.resource.org/cc/")
ELEMENTS = frozenset("""
    svg g defs desc title metadata symbol use switch view a style
    path rect circle ellipse line polyline polygon text tspan textPath
    clipPath mask pattern marker linearGradient radialGradient stop image
    animate animateMotion animateTransform mpath set
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
    feImage feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile
    feTurbulence
""".split())
HINT = ("an SVG in {folder} may hold drawing only: no script, event handlers, <foreignObject>, or references "
        "to other websites; save it again as plain SVG, or remove what is named here")
DROPPED = frozenset({"metadata"})  # allowed, but left out of the rebuilt file (drawing programs' notes)
ESCAPE_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
ESCAPE_VALUE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})
PREFIX = {XLINK: "xlink:", XML: "xml:", "": ""}
NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
LENGTH = re.compile(rf"\s*({NUMBER})\s*(?:px)?\s*")

# A reference inside the file (#id) or to a file of the site (a relative or /path, no scheme, no //host).
LOCAL = re.compile(r"#[^\s]*|(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?![/\\]{2})(?!/\\)[^\\\s]*")
LINK = re.compile(r"(?:https?:|mailto:|tel:)\S*")   # where an <a> may lead (a click, not a fetch)
URL_IN_CSS = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import|image-set\(", re.I | re.S)  # image-set("x") loads x
CONTROL = re.compile(r"[\x00-\x20]")


@dataclass(frozen=True)
class CheckedSvg:
    """An SVG that passed: the file rebuilt from what was allowed, and its size (None if it states none)."""
    data: bytes
    width: float | None
    height: float | None


def check_svg(data: bytes, shown: str) -> CheckedSvg:
    """Refuse an SVG file holding anything but drawing; return it rebuilt (see the module's docstring)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    checker = _Checker(parser, shown)
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    parser.CharacterDataHandler = checker.text
    parser.StartDoctypeDeclHandler = lambda *_: checker.refuse("a <!DOCTYPE> (entities are not allowed)")
    parser.EntityDeclHandler = lambda *_: checker.refuse("an entity declaration")
    parser.ProcessingInstructionHandler = lambda target, _: checker.refuse(f"an instruction <?{target} ...?>")
    parser.ExternalEntityRefHandler = lambda *_: checker.refuse("a reference to another file")
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        reason = xml.parsers.expat.errors.messages[error.code]
        raise SiteError(shown, error.lineno, f"this SVG is not well-formed XML ({reason})",
                        "open it in a drawing program and save it again as plain SVG") from None
    if checker.root is None:
        raise SiteError(shown, 1, "this SVG has no <svg> element", "save it again from a drawing program as plain SVG")
    width, height = checker.size()
    return CheckedSvg("".join(checker.out).encode("utf-8"), width, height)


class _Checker:
    def __init__(self, parser: xml.parsers.expat.XMLParserType, shown: str) -> None:
        self.parser, self.shown = parser, shown
        self.open: list[tuple[str, bool]] = []  # the open elements: local name ("" if inert), and whether it is written
        self.out: list[str] = []                # the rebuilt file
        self.root: dict[str, str] | None = None  # the <svg> element's attributes

    def refuse(self, what: str) -> NoReturn:
        raise SiteError(self.shown, self.parser.CurrentLineNumber, f"this SVG holds {what}, which is not allowed",
                        HINT.format(folder=self.shown.rpartition("/")[0] + "/"))

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        writing = not self.open or self.open[-1][1]
        if namespace in INERT:
            self.open.append(("", False))
            return
        if namespace not in (SVG, "") or local not in ELEMENTS:
            self.refuse(f"a <{local}> element")
        if self.root is None and local != "svg":
            self.refuse(f"a <{local}> element where <svg> should come first")
        for attribute, value in attributes.items():
            self.check_attribute(local, attribute, value)
        writing = writing and local not in DROPPED
        if writing:
            self.write_start(local, attributes)
        self.open.append((local, writing))

    def write_start(self, local: str, attributes: dict[str, str]) -> None:
        kept = {}
        for attribute, value in attributes.items():
            namespace, _, name = attribute.rpartition(" ")
            if namespace in PREFIX:  # SVG's own attributes, xlink: and xml:; the drawing programs' are left out
                kept[PREFIX[namespace] + name] = value
        declare = ""
        if self.root is None:
            self.root = kept
            declare = f' xmlns="{SVG}" xmlns:xlink="{XLINK}"'
        written = "".join(f' {name}="{value.translate(ESCAPE_VALUE)}"' for name, value in kept.items())
        self.out.append(f"<{local}{declare}{written}>")

    def end(self, name: str) -> None:
        local, writing = self.open.pop()
        if writing:
            self.out.append(f"</{local}>")

    def text(self, data: str) -> None:
        if self.open and self.open[-1][0] == "style":
            self.check_css(data)
        if self.open and self.open[-1][1]:
            self.out.append(data.translate(ESCAPE_TEXT))

    def size(self) -> tuple[float | None, float | None]:
        """The drawing's size: its viewBox's, else its width and height when they are plain numbers (or px)."""
        root = self.root or {}
        box = re.split(r"[\s,]+", root.get("viewBox", "").strip())
        if len(box) == 4 and all(re.fullmatch(NUMBER, n) for n in box):
            width, height = float(box[2]), float(box[3])
        else:
            width, height = (float(m.group(1)) if (m := LENGTH.fullmatch(root.get(name, ""))) else math.nan
                             for name in ("width", "height"))
        if math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0:
            return width, height
        return None, None

    def check_attribute(self, element: str, attribute: str, value: str) -> None:
        namespace, _, local = attribute.rpartition(" ")
        if namespace not in ("", XLINK, XML, *INERT):
            self.refuse(f"an attribute from another language ({local}=)")
        if local.lower().startswith("on"):
            self.refuse(f"an event handler ({local}=)")
        changes_link_or_script = value.endswith("href") or value.lower().startswith("on")
        if element in ("animate", "set") and local == "attributeName" and changes_link_or_script:
            self.refuse(f"an animation that changes {value}")
        plain = CONTROL.sub("", value)
        if local == "href" and not (LOCAL.fullmatch(plain) or (element == "a" and LINK.fullmatch(plain))):
            self.refuse(f"a reference to another website or a script ({local}=\"{value[:60]}\")")
        if local == "style" or "url(" in plain.lower():
            self.check_css(value)

    def check_css(self, css: str) -> None:
        for match in URL_IN_CSS.finditer(css):
            if match.group(2) is None:  # @import or image-set(): what they name is loaded, wherever it is
                self.refuse("a style that loads another file (url(), image-set() or @import)")
            target = CONTROL.sub("", match.group(2))
            if not LOCAL.fullmatch(target):
                self.refuse(f"a style that loads another file (url({target[:60]}))")
