"""SVG files in static/ are checked before they are published: an SVG opened on its own is a
document, and a browser runs the script it holds, follows its event handlers and fetches what
it references. Allowed: SVG drawing elements (an allow-list), the inert metadata drawing programs
add (Inkscape, Sodipodi, RDF), and references inside the file or to the site's own files.
Everything else is refused with its file and line.
"""
from __future__ import annotations

import re
import xml.parsers.expat

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
HINT = ("an SVG in static/ may hold drawing only: no script, event handlers, <foreignObject>, or references "
        "to other websites; save it again as plain SVG, or remove what is named here")
# A reference inside the file (#id) or to a file of the site (a relative or /path, no scheme, no //host).
LOCAL = re.compile(r"#[^\s]*|(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?![/\\]{2})(?!/\\)[^\\\s]*")
LINK = re.compile(r"(?:https?:|mailto:|tel:)\S*")   # where an <a> may lead (a click, not a fetch)
URL_IN_CSS = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import", re.I | re.S)
CONTROL = re.compile(r"[\x00-\x20]")


def check_svg(data: bytes, shown: str) -> None:
    """Refuse an SVG file holding anything but drawing (see the module's docstring)."""
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
        raise SiteError(shown, error.lineno, f"this SVG is not well-formed XML ({xml.parsers.expat.errors.messages[error.code]})",
                        "open it in a drawing program and save it again as plain SVG") from None


class _Checker:
    def __init__(self, parser: xml.parsers.expat.XMLParserType, shown: str) -> None:
        self.parser, self.shown = parser, shown
        self.open: list[str] = []  # local names of the open elements

    def refuse(self, what: str) -> None:
        raise SiteError(self.shown, self.parser.CurrentLineNumber, f"this SVG holds {what}, which is not allowed", HINT)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if namespace in INERT:
            self.open.append("")
            return
        if namespace not in (SVG, "") or local not in ELEMENTS:
            self.refuse(f"a <{local}> element")
        for attribute, value in attributes.items():
            self.check_attribute(local, attribute, value)
        self.open.append(local)

    def end(self, name: str) -> None:
        self.open.pop()

    def text(self, data: str) -> None:
        if self.open and self.open[-1] == "style":
            self.check_css(data)

    def check_attribute(self, element: str, attribute: str, value: str) -> None:
        namespace, _, local = attribute.rpartition(" ")
        if namespace not in ("", XLINK, XML, *INERT):
            self.refuse(f"an attribute from another language ({local}=)")
        if local.lower().startswith("on"):
            self.refuse(f"an event handler ({local}=)")
        if element in ("animate", "set") and local == "attributeName" and (value.endswith("href") or value.lower().startswith("on")):
            self.refuse(f"an animation that changes {value}")
        plain = CONTROL.sub("", value)
        if local == "href" and not (LOCAL.fullmatch(plain) or (element == "a" and LINK.fullmatch(plain))):
            self.refuse(f"a reference to another website or a script ({local}=\"{value[:60]}\")")
        if local == "style" or "url(" in plain.lower():
            self.check_css(value)

    def check_css(self, css: str) -> None:
        for match in URL_IN_CSS.finditer(css):
            target = CONTROL.sub("", match.group(2) or "")
            if match.group(0).startswith("@") or not LOCAL.fullmatch(target):
                self.refuse("a style that loads another file (url() or @import)" if match.group(0).startswith("@")
                            else f"a style that loads another file (url({target[:60]}))")
