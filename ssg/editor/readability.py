"""Reading level of a page: the Flesch-Kincaid grade of its main prose.

What counts as prose: the paragraphs and list items inside the page's `class="prose"`
element (the rendered Markdown body). Headings, quotes and blockquotes, figures and their
captions (charts), tables, code, and everything outside the body (the sources list, the
menus) are left out: they are not sentences the campaign wrote for a reader to read
through, and they would skew the score.

    grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59

Grade 7.5 is roughly a reading age of 12 to 13. The syllable counter is the usual
heuristic (vowel groups, minus a silent final e, -es and -ed): like every readability
tool it is sometimes one syllable off on a hard word, but it is the same for every page,
which is what a target needs. `build.py check` reports this score and checks it against
`readability:` in site.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
# A sentence ends at . ! or ? (and any closing quote or bracket) followed by a space and
# a capital letter, digit or opening quote: so "e.g. the" and "1.5" do not end one.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
VOWEL_GROUP = re.compile(r"[aeiouy]+")
# The formula means little on a few words ("Welcome." scores 8.4): shorter pages are
# listed with their grade but not held to the target.
MIN_WORDS = 50

PROSE_CLASS = "prose"
BLOCKS = ("p", "li")
LEFT_OUT = ("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption", "table", "pre", "code",
            "svg", "script", "style")
VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")


@dataclass(frozen=True)
class Score:
    """The reading level of some text."""
    words: int
    sentences: int
    syllables: int
    long_sentences: tuple[str, ...] = ()  # sentences over the length limit, as written

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level (0 for text without words)."""
        if not self.words:
            return 0.0
        return round(0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59, 1)


def count_syllables(word: str) -> int:
    """Syllables in an English word, by the vowel-group heuristic. A number counts as one."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if len(letters) <= 3:
        return 1
    if letters.endswith("e") and not re.search(r"[^aeiouy]le$", letters):
        letters = letters[:-1]                      # silent e: make, police (but not table)
    elif letters.endswith("es") and not re.search(r"([sxzcg]|[cs]h)es$", letters):
        letters = letters[:-2]                      # makes, phones (but not boxes, pages, watches)
    elif letters.endswith("ed") and not re.search(r"[td]ed$", letters):
        letters = letters[:-2]                      # walked, filmed (but not wanted, needed)
    return max(1, len(VOWEL_GROUP.findall(letters)))


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def sentences_of(block: str) -> list[str]:
    """The sentences of one paragraph or list item (its end always ends a sentence)."""
    text = " ".join(block.split())
    return [s for s in SENTENCE_END.split(text) if WORD.search(s)]


def score_text(blocks: list[str], max_sentence_words: int | None = None) -> Score:
    """Score paragraphs of plain text; list the sentences longer than `max_sentence_words`."""
    words = sentences = syllables = 0
    long_sentences = []
    for block in blocks:
        for sentence in sentences_of(block):
            sentence_words = WORD.findall(sentence)
            sentences += 1
            words += len(sentence_words)
            syllables += sum(count_syllables(w) for w in sentence_words)
            if max_sentence_words is not None and len(sentence_words) > max_sentence_words:
                long_sentences.append(sentence)
    return Score(words, sentences, syllables, tuple(long_sentences))


def score_page(html: str, max_sentence_words: int | None = None) -> Score | None:
    """Score a built page's prose; None when the page has no prose element (lists, quotes)."""
    parser = ProseParser()
    parser.feed(html)
    parser.close()
    return parser.score(max_sentence_words)


class ProseParser(HTMLParser):
    """Collects the text of each paragraph and list item inside class="prose", minus LEFT_OUT parts.

    `build.py check` extends it, so that a page is parsed once for all its checks.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False
        self.blocks: list[str] = []
        self.open: list[tuple[str, bool, bool]] = []  # (tag, opened the prose element?, started a block?)
        self.prose_depth = 0                           # > 0 while inside the prose element
        self.left_out_depth = 0                        # > 0 while inside a LEFT_OUT element
        self.current: list[list[str]] = []             # text of the open blocks, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        opens_prose = PROSE_CLASS in (dict(attrs).get("class") or "").split()
        self.found |= opens_prose
        self.prose_depth += opens_prose
        self.left_out_depth += tag in LEFT_OUT
        starts_block = tag in BLOCKS and self.prose_depth > 0
        if starts_block:
            self.current.append([])
        self.open.append((tag, opens_prose, starts_block))

    def handle_endtag(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _, _ in self.open):
            return
        while self.open:  # close everything up to the matching tag, as browsers do
            closed, opened_prose, started_block = self.open.pop()
            self.prose_depth -= opened_prose
            self.left_out_depth -= closed in LEFT_OUT
            if started_block:
                text = "".join(self.current.pop()).strip()
                if text:
                    self.blocks.append(text)
            if closed == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.current and not self.left_out_depth:
            self.current[-1].append(data)

    def score(self, max_sentence_words: int | None = None) -> Score | None:
        """The score of the prose fed so far; None if the page had no prose element."""
        return score_text(self.blocks, max_sentence_words) if self.found else None
