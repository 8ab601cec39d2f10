"""Markdown to HTML: the faster inline pass changes nothing; directives and links are rewritten."""
from __future__ import annotations

import sys

import markdown
import pytest
from markdown.treeprocessors import InlineProcessor

from conftest import PROJECT
from ssg.content import split_front_matter
from ssg.errors import SiteError
from ssg.markup import EXTENSION_CONFIGS, EXTENSIONS, MarkdownConverter, SkippingInlineProcessor, site_link

sys.path.insert(0, str(PROJECT / "bench"))
from generate import make_articles  # noqa: E402

TRICKY = [
    "It's \"quoted\" -- and 'single' ... and the '80s.", "A *b* **c** _d_ __e__ `f` \\*g\\*", "[x][r]\n\n[r]: https://e.org",
    "![pic](a.png) <https://e.org> <a@b.org> &amp; &copy; <b>raw</b>", "Line  \nbreak", "Note[^1].\n\n[^1]: Here.",
    "| a | b |\n|---|---|\n| 'c' | \"d\" |", "## Head 'q' {: #id .c }", "> quote with \"marks\"\n> -- someone",
    "1. one\n2. two\n\n* x\n* y", "```\n'code' \"here\"\n```", "word*word*word and snake_case_name",
]


def bodies() -> list[str]:
    generated = [split_front_matter(a.source(), a.stem)[2] for a in make_articles(60, seed=7)]
    real = [split_front_matter(p.read_text(), str(p))[2] for p in sorted((PROJECT / "content").glob("*/*.md"))]
    return generated + real + TRICKY


def test_skipping_inline_pass_gives_exactly_stock_python_markdown_output():
    stock = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    fast = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    swapped = 0
    for processor in fast.treeprocessors:
        if type(processor) is InlineProcessor:
            processor.__class__ = SkippingInlineProcessor
            swapped += 1
    assert swapped == 2  # the main inline pass and smarty's
    for body in bodies():
        assert fast.reset().convert(body) == stock.reset().convert(body), body[:80]


@pytest.mark.parametrize("link, folder, base, expected", [
    ("/how-to-help/", "pages", "/", "/how-to-help/"),
    ("/how-to-help/", "pages", "/campaign/", "/campaign/how-to-help/"),
    ("other.md", "articles", "/campaign/", "/campaign/articles/other/"),
    ("other.md#part", "articles", "/", "/articles/other/#part"),
    ("../pages/about.md", "articles", "/", "/about/"),
    ("../pages/index.md", "articles", "/", "/"),
    ("/content/quotes/ada.md", "pages", "/", "/quotes/ada/"),
    ("https://example.org/x.md", "articles", "/c/", "https://example.org/x.md"),
    ("#top", "articles", "/c/", "#top"),
    ("mailto:a@b.org", "articles", "/c/", "mailto:a@b.org"),
])
def test_links_are_rewritten_for_where_the_site_is_hosted(link, folder, base, expected):
    assert site_link(link, folder, base) == expected


def test_directives_become_placeholders_with_their_line():
    html = MarkdownConverter("/").convert("Intro.\n\n[[quote: ada]]\n\n[[contacts]]\n", "content/pages/x.md", 5)
    assert "<!--ssg:quote:ada:7-->" in html and "<!--ssg:contacts::9-->" in html


def test_unknown_directive_is_an_error_at_its_line():
    with pytest.raises(SiteError) as error:
        MarkdownConverter("/").convert("Hi.\n\n[[qoute: ada]]\n", "content/pages/x.md", 4)
    assert str(error.value).startswith("content/pages/x.md:6: unknown directive '[[qoute]]'")
