"""The directives editors write on a line of their own in a body, and the placeholders they become.

    [[quote: dick-disgusting]]          a quote from content/quotes/
    [[chart: assaults-england-wales]]   a bar chart from content/charts/
    [[fact: met-assaults-2023-24]]      a fact from the register in content/facts/, with its sources
    [[contacts]]                        the emergency and reporting contacts from site.yaml

The markup stage turns each into a marker, \\x02ssg:quote:id:LINE\\x03, that no editor can type
(Python-Markdown removes the control characters \\x02 and \\x03 from every body). The sanitiser
(ssg/markdown/sanitise.py) refuses a marker that is not between top-level blocks, and turns the others into
placeholder comments, <!--ssg:quote:id:LINE-->, which rendering fills in (each directive's entry
in ssg/build/directives.py says what it shows): a body's HTML holds no other comment, so only those
are filled in, and only where a block may stand. A body's HTML depends only on the body, so it can
be cached. This module is shared by both stages and imports nothing heavy: a build that only fills
in cached bodies never loads Python-Markdown.
"""
from __future__ import annotations

import re

DIRECTIVES = ("quote", "chart", "fact", "contacts")
DIRECTIVE_LINE = re.compile(r"^\[\[\s*([A-Za-z_-]+)\s*(?::\s*([^\]]*?))?\s*\]\]\s*$")
MARKER = re.compile(r"\x02ssg:(?P<name>[a-z]+):(?P<argument>[^:>\x02\x03]*):(?P<line>\d+)\x03")
PLACEHOLDER = re.compile(r"<!--ssg:([a-z]+):([^:>]*):(\d+)-->")


def _argument(argument: str) -> str:
    return argument.replace(":", "").replace(">", "").replace("\x02", "").replace("\x03", "")


def marker(name: str, argument: str, line: int) -> str:
    """What a directive line becomes in the body's HTML until it is sanitised (MARKER reads it back)."""
    return f"\x02ssg:{name}:{_argument(argument)}:{line}\x03"


def placeholder(name: str, argument: str, line: int) -> str:
    """The comment standing for a directive until the page is rendered (PLACEHOLDER reads it back)."""
    return f"<!--ssg:{name}:{_argument(argument)}:{line}-->"
