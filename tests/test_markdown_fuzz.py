"""A differential fuzzer: stock Python-Markdown against ours, on generated Markdown.

Documents are built from a small grammar of blocks and nested inline markup (emphasis up to
four deep around code spans, links, images, escapes, entities, raw HTML, line breaks, quotes
and dashes: where the speed-ups skip work), from fixed seeds, so a failure is repeatable:
the assertion prints the document. FUZZ_DOCUMENTS=n runs more (or fewer) per seed. (With the
nested-emphasis bug of issue 18 put back, every seed fails within its first 150 documents.)
"""
from __future__ import annotations

import os
import random

import pytest

from ssg.errors import SiteError
from ssg.markdown.markup import MarkdownConverter

DOCUMENTS_PER_SEED = int(os.environ.get("FUZZ_DOCUMENTS", 150))
SEEDS = range(3)

WORDS = ["word", "help", "999", "it's", "'quoted'", '"said"', "the '80s", "a--b", "c---d", "wait...", "x_y", "é",
         "snake_case", "2*3", "a > b", "Note:", "&", "<", "|", "#", "[TOC]", "{", "}", "\u00a0", "\u2014"]
ATOMS = ["`code`", "``a ` b``", "[link](other.md)", "[ref][r]", "[r]", "![alt](p.png)", "<https://e.org>",
         "<a@b.org>", "\\*", "\\_", "\\`", "\\\\", "&amp;", "&copy;", "&#8211;", "<b>raw</b>", "<i>", "  \n",
         "[^1]", "[a [b]](c.md)", "[a](b 'title')", "[x](/how-to-help/#top)"]
EMPHASIS = [("*", "*"), ("_", "_"), ("**", "**"), ("__", "__"), ("***", "***"), ("*", "**"), ("**", "*"), ("_", "__")]


def inline(rng: random.Random, depth: int = 0) -> str:
    """A run of inline Markdown, with emphasis nested up to four deep (and sometimes unbalanced)."""
    pieces = []
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.35 and depth < 4:
            opening, closing = rng.choice(EMPHASIS)
            pieces.append(opening + inline(rng, depth + 1) + closing)
        elif roll < 0.6:
            pieces.append(rng.choice(ATOMS))
        else:
            pieces.append(rng.choice(WORDS))
    return rng.choice([" ", "", " ", "\n"]).join(pieces)


def block(rng: random.Random) -> str:
    text = inline(rng)
    kind = rng.randrange(10)
    if kind == 0:
        return f"{'#' * rng.randint(1, 4)} {text.replace(chr(10), ' ')}"
    if kind == 1:
        return "\n".join(f"{rng.choice(['*', '-', '1.'])} {inline(rng)}" for _ in range(rng.randint(1, 3)))
    if kind == 2:
        return "\n".join(f"> {line}" for line in text.split("\n"))
    if kind == 3:
        cells = [inline(rng).replace("\n", " ") for _ in range(2)]
        return f"| a | b |\n|:--|--:|\n| {cells[0]} | {cells[1]} |"
    if kind == 4:
        return f"```\n{text}\n```"
    if kind == 5:
        return rng.choice(["[r]: https://e.org \"T\"", "[^1]: " + inline(rng), "---", "<div>\n" + text + "\n</div>"])
    return text


def document(rng: random.Random) -> str:
    return "\n\n".join(block(rng) for _ in range(rng.randint(1, 4)))


def convert(converter: MarkdownConverter, body: str) -> str:
    try:
        return converter.convert(body, "content/articles/x.md", 1)
    except SiteError as error:
        return f"error: {error}"


@pytest.fixture(scope="module")
def converters() -> tuple[MarkdownConverter, MarkdownConverter]:
    return MarkdownConverter("/", fast=False), MarkdownConverter("/")


@pytest.mark.parametrize("seed", SEEDS)
def test_ours_gives_stock_output_on_generated_markdown(converters, seed):
    stock, fast = converters
    rng = random.Random(seed)
    for _ in range(DOCUMENTS_PER_SEED):
        body = document(rng)
        try:
            expected = convert(stock, body)
        except TypeError:  # stock toc fails on a heading with an empty id (ours refuses it: test_markup.py)
            continue
        assert convert(fast, body) == expected, f"seed {seed}, document:\n{body!r}"

