"""The directives editors write on a line of their own in a body, and the placeholders they become.

    [[quote: dick-disgusting]]          a quote from content/quotes/
    [[chart: assaults-england-wales]]   a bar chart from content/charts/
    [[contacts]]                        the emergency and reporting contacts from site.yaml

The markup stage turns each into a placeholder comment, <!--ssg:quote:id:LINE-->, which the
render stage fills in, so that a body's HTML depends only on the body (and can be cached).
This module is shared by both stages and imports nothing heavy: a build that only fills in
cached bodies never loads Python-Markdown.
"""
from __future__ import annotations

import re

DIRECTIVES = ("quote", "chart", "contacts")
DIRECTIVE_LINE = re.compile(r"^\[\[\s*([A-Za-z_-]+)\s*(?::\s*([^\]]*?))?\s*\]\]\s*$")
PLACEHOLDER = re.compile(r"<!--ssg:([a-z]+):([^:>]*):(\d+)-->")


def placeholder(name: str, argument: str, line: int) -> str:
    """The comment standing for a directive until the page is rendered (PLACEHOLDER reads it back)."""
    return f"<!--ssg:{name}:{argument.replace(':', '').replace('>', '')}:{line}-->"
