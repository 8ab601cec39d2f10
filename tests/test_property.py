"""Generated front matter and Markdown thrown at the reader (issue 6).

The only outcomes allowed are a Document (or HTML) or a SiteError naming the file, with a
line that is in the file: never another exception, never a line that does not exist.
"""
from __future__ import annotations

import datetime
import hashlib
import os

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ssg.errors import SiteError
from ssg.markdown.markup import MarkdownConverter
from ssg.model.content import KINDS, decode_text, parse_document

PATH = "content/articles/generated.md"
FIELDS = sorted({name for kind in KINDS.values() for name in kind.meta.__dataclass_fields__})
MARKDOWN_PIECES = ["[", "]", "(", ")", "](", "![", "*", "**", "_", "`", "```", "<", ">", "> ", "#", "|", "-", "- ",
                   "1. ", "    ", "\t", "\n", "\n\n", "&", "&#", "&amp;", "\\", "---", "{: .x }", "[^1]", "[^1]: ",
                   "[[quote: x]]", "[[contacts]]", "[[chart:", "<div>", "</div>", "<!--", "-->", "<a href=\"/x/\">",
                   "https://example.org/", "x.md", "word", " ", "é", "\u200b", "\r\n", "\x00", "\x07"]
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", 300)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=3), max_leaves=8)
VALID = {"title": "A title", "summary": "A summary.", "date": datetime.date(2024, 1, 2), "speaker": "A. Speaker",
         "role": "Chief", "source": {"title": "T", "publisher": "P", "url": "https://example.org/"}}
# Mostly valid (so that bodies get converted too), with some keys changed or added.
front_matter_data = st.builds(lambda extra: {**VALID, **extra},
                              st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), values, max_size=4))


@st.composite
def front_matter(draw) -> str:
    """YAML from generated data, sometimes damaged line by line; or any text at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(max_size=200))
    text = yaml.safe_dump(draw(front_matter_data), allow_unicode=True, sort_keys=False)
    lines = text.splitlines()
    for _ in range(draw(st.just(0) | st.integers(1, 3))):
        if not lines:
            break
        where = draw(st.integers(0, len(lines) - 1))
        lines[where] = draw(st.sampled_from(["", "\t", ": ", "- ", "'", '"', "[", "{", "---", "*a", "&a", "!!str"])) \
            + lines[where] + draw(st.sampled_from(["", ":", "]", "}", " #", "\t"]))
    return "\n".join(lines) + "\n"


markdown_text = st.lists(st.sampled_from(MARKDOWN_PIECES) | st.text(max_size=10), max_size=60).map("".join)


@st.composite
def source_file(draw) -> str:
    opening = draw(st.sampled_from(["---\n"] * 4 + ["---\r\n", "\ufeff---\n", "", "--- \n", "+++\n"]))
    closing = draw(st.sampled_from(["---\n"] * 4 + ["...\n", "---\r\n", "", "--\n"]))
    return opening + draw(front_matter()) + closing + draw(markdown_text)


def assert_names_a_line_of_the_file(error: SiteError, text: str) -> None:
    assert error.path == PATH
    assert error.message and error.hint
    assert error.line is None or 1 <= error.line <= text.count("\n") + 2, (error.line, str(error))


CONVERTER = MarkdownConverter("/")  # one, as a build has: a refused body must not upset the next
STOCK = MarkdownConverter("/", fast=False)


def read(data: bytes, kind: str) -> None:
    """Decode and parse one file; convert its body if it parses."""
    try:
        text = decode_text(data, PATH)
        document, body = parse_document(kind, PATH, text, hashlib.blake2b(data).hexdigest())
        CONVERTER.convert(body, PATH, document.body_line)
        event("read and converted")
    except SiteError as error:
        event("refused")
        assert_names_a_line_of_the_file(error, data.decode("utf-8", "replace"))


@SETTINGS
@given(source_file(), st.sampled_from(sorted(k for k, kind in KINDS.items() if kind.format == "markdown")))
def test_generated_files_are_read_or_refused_with_a_site_error(text, kind):
    read(text.encode("utf-8", "surrogatepass"), kind)


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_a_site_error(data):
    read(b"---\ntitle: T\nsummary: S\ndate: 2024-01-01\n---\n" + data, "article")


@SETTINGS
@given(markdown_text, st.integers(1, 50))
def test_generated_markdown_converts_or_is_refused_with_its_line(body, body_line):
    try:
        html = CONVERTER.convert(body, PATH, body_line)
    except SiteError as error:
        event("refused")
        assert error.path == PATH and error.hint
        assert body_line <= error.line <= body_line + body.count("\n"), (error.line, str(error))
    else:
        event("converted")
        assert "\x02" not in html and "\x03" not in html  # no placeholder of Python-Markdown's left behind
        assert html == STOCK.convert(body, PATH, body_line)  # what stock Python-Markdown writes
