"""Directives written where the Markdown converter cannot see them: refused at their line.

A directive works only on a line of its own with two brackets on each side (`[[quote: id]]`).
Written inside a sentence, or with single brackets (`[quote: id]`), it would be printed on the
page as it stands, with no message. This looks at the Markdown source lines, before any
conversion, skipping code (fenced blocks and `inline code`), where editors may show one.
"""
from __future__ import annotations

import re

from ssg.errors import SiteError
from ssg.markdown.directives import DIRECTIVE_LINE, DIRECTIVES
from ssg.model.site import Site

_NAMES = "|".join(DIRECTIVES)
_ANY = re.compile(rf"\[\s*(?:{_NAMES})\b", re.IGNORECASE)  # a cheap first look at a whole body
_IN_SENTENCE = re.compile(rf"\[\[\s*(?:{_NAMES})\b[^\]\n]*\]\]", re.IGNORECASE)
_SINGLE = re.compile(rf"(?<!\[)\[\s*(?:(?:{_NAMES})\s*:[^\]\n]*|contacts\s*)\](?![\](:\[])", re.IGNORECASE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def refuse_misplaced_directives(site: Site) -> None:
    """Raise at the first directive written inside a sentence or with single brackets.

    Only the bodies read by this build are looked at: the others are unchanged since a build that
    looked at them succeeded (a failed build saves nothing, so its sources are read again).
    """
    for document in site.read:
        body = site.bodies.read.get(document.path)
        if body is not None and _ANY.search(body):
            problem = misplaced_directive(body, document.path, document.body_line)
            if problem is not None:
                raise problem


def misplaced_directive(body: str, path: str, first_line: int) -> SiteError | None:
    """The first misplaced directive in `body` (which starts on line `first_line` of `path`), or None."""
    in_fence = False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or line.startswith("    ") or DIRECTIVE_LINE.match(line.strip()):
            continue
        text = _INLINE_CODE.sub("", line)
        found = _IN_SENTENCE.search(text)
        if found:
            return SiteError(path, number, f"'{found.group()}' is inside a sentence, so it would be shown as it is",
                             f"put {found.group()} on a line of its own, with an empty line before and after it")
        found = _SINGLE.search(text)
        if found:
            right = "[" + found.group() + "]"
            return SiteError(path, number, f"'{found.group()}' has single brackets, so it would be shown as it is",
                             f"write it with two brackets on each side, on a line of its own: {right}")
    return None
