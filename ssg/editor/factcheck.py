"""The fact check: numbers on a page that no fact backs, and the fact register's own problems.

A campaign lives on its credibility, so every figure a reader sees must come from a fact in
content/facts/ that the page cites (or from a quote or chart it shows). This module finds the
figures in prose and matches them against what backs them:

    numbers_in("nearly 18 a day, 55%, £4.7m")    ->  18 (below), 55 (%), 4700000 (£)
    unbacked_numbers(body, figures=[...])          ->  the numbers nothing backs, each with its line

A number is a claim when it counts something (6,556), is a share (55%, 9 of 10), a sum of money
(£1,000), a length of time or a sentence (2 years, 12 months) or a fine (level 3 fine). Numbers
that are not claims are left alone: dates and years (4 December 2018, 2018/19), phone numbers
and key presses (999, 18001 101, press 55), list numbering, sections of Acts (section 89(1)),
web addresses, heading anchors, names (BBC Radio 4, the 5 Ds) and measures of this website
itself (320 pixels, WCAG 2.2, a reading age of 9 to 11).

A qualifier is part of the figure: "nearly 18" backs "18" and "almost 18", but not "more than
18" (the Federation's arithmetic slip that a fact-check found on this site).

The module is pure: it is given text and plain data and returns findings, and reads no file.
`fact_problems` is the one function `build.py check` calls.
"""
from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ssg.errors import SiteError
from ssg.markdown.directives import DIRECTIVE_LINE

# --- what is not a claim: blanked out before numbers are looked for --------------------------

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
          "Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr")  # and in Welsh
NOT_PROSE = re.compile(
    r"\]\([^)\n]*\)"                    # a Markdown link's target: [words](/the-law/#the-2022-change)
    r"|\]\[[^\]\n]*\]"                  # a reference link's label
    r"|^\[[^\]\n]+\]:.*$"               # a link reference definition
    r"|\{[:#][^}\n]*\}"                 # attribute lists and heading anchors: {: .class }, {#id}
    r"|<!--[\s\S]*?-->|<[^>\n]+>"        # HTML comments and tags
    r"|`[^`\n]*`"                       # code
    r"|\[\^[^\]\n]*\]"                  # footnote marks
    r"|\bhttps?://\S+|\bwww\.\S+|\b[\w.-]+\.(?:uk|org|com|net)\b\S*"  # web addresses
    r"|^\s*\[\[[^\n]*\]\]\s*$"          # directives on a line of their own
    r"|^\s*(?:[-*+]\s+)?\d+[.)](?=\s)",  # list numbering: "1. Check that you are safe"
    re.MULTILINE)
DATES = re.compile(  # month names are matched with their capital letter: "may" is not May
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b(?:,?\s+\d{{4}})?"   # 4 December 2018, 4 Dec
    rf"|\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,\s+\d{{4}})?"   # December 4, 2018
    rf"|\b(?:{MONTHS})\s+\d{{4}}\b"                                     # December 2018
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"               # 2018-12-04, 04/12/2018
    r"|\b(?:18|19|20)\d{2}\s*[/–-]\s*\d{2,4}\b"                         # 2018/19, 2017–2022
    r"|\b(?:18|19|20)\d{2}s?\b(?![,.]\d)"                               # 2018, the 1960s
    r"|\b\d{1,2}(?:[.:]\d{2})?\s*(?i:am|pm)\b")                          # 9am, 10.30pm
LEGAL_REFERENCES = re.compile(
    r"\b(?:sections?|ss?\.|schedules?|parts?|paragraphs?|para\.|clauses?|articles?|regulations?|chapters?"
    r"|adran(?:nau)?)"                                       # section(s) in Welsh: adran 89(1)
    r"\s*\d+[A-Za-z]*(?:\(\d+[A-Za-z]*\))*"
    r"(?:(?:\s*,\s*|\s+(?:and|or|to|a|ac|neu|i)\s+)\d+[A-Za-z]*(?:\(\d+[A-Za-z]*\))*)*"  # and: a, ac
    r"|\[\d{4}\]\s+\w+(?:\s+\w+)?\s+\d+",                   # a case citation: [2023] EWCA Crim 1610
    re.IGNORECASE)
NAMES_AND_SITE_MEASURES = re.compile(
    r"\b(?:Radio|Channel)\s+\d+\b|\b\d+\s*Ds\b"              # names: BBC Radio 4, the 5 Ds
    r"|\b(?:WCAG|version)\s+\d+(?:\.\d+)*"                  # the standard this website aims for
    r"|\b\d+\s*(?:CSS\s+)?(?:pixels|px)\b"                  # screen widths
    r"|\bzoom(?:ed|ing)?\s+(?:in\s+)?(?:up\s+)?to\s+\d+\s*%"  # zoom levels
    r"|\breading\s+age\s+(?:of\s+)?(?:about\s+)?\d+(?:\s*(?:to|-|–)\s*\d+)?"  # its reading age target
    # the same in Welsh: fersiwn 2.2, 320 picsel, chwyddo hyd at 400%, oedran darllen o tua 9 i 11
    r"|\bfersiwn\s+\d+(?:\.\d+)*|\b\d+\s*picsel\b|\bchwyddo\s+hyd\s+at\s+\d+\s*%"
    r"|\boedran\s+darllen\s+(?:o\s+)?(?:tua\s+)?\d+(?:\s*(?:i|-|–)\s*\d+)?",
    re.IGNORECASE)
DIALLED = re.compile(
    r"\b(?:call|calls|calling|dial|dials|dialling|dialing|ring|phone|text|texting|press|presses|pressing|"
    r"prefix|NHS)\s+(?:\d+(?:\s\d+)*)(?:\s*,?\s*(?:or|then)\s+\d+)?", re.IGNORECASE)
KEY_PRESS = re.compile(r"\b(?:press(?:es|ed|ing)?|[pb]wys(?:o|wch|odd))\s+(\d+)\b", re.IGNORECASE)  # pwyswch 55

# --- numbers and what is said about them -------------------------------------------------------

QUALIFIERS = {
    "below": ("nearly", "almost", "just under", "under", "less than", "fewer than", "up to", "not exceeding",
              "below", "no more than"),
    "above": ("more than", "over", "just over", "at least", "above", "exceeding", "upwards of"),
    "about": ("about", "around", "roughly", "approximately", "some", "an estimated", "estimated",
              "an average of", "on average", "average of"),
}
QUALIFIER_BEFORE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(word) for words in QUALIFIERS.values() for word in words),
                             key=len, reverse=True)) + r")\s+$", re.IGNORECASE)
NUMBER = re.compile(
    r"(?<![\w.,/])(?P<level>level\s+)?(?P<pound>£\s?)?"
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?P<slash>/\d+)?(?![\d,]*\d)"
    r"(?P<after>"
    r"\s*(?:%|per\s*cent\b|percent\b)"                        # 55%, 49.1 per cent
    r"|(?:\s*(?:m|bn|k|million|billion)\b)"                  # £4.7m
    r"|-year-olds?\b|\s+years?\s+old\b|\s+years?[- ]olds?\b"  # ages
    r"|'?\s*(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?)'?(?=\W|$)"  # 2 years, 12 months'
    r"|\s+(?:in|of|out\s+of)\s+\d+\b(?![,.]\d)"              # 9 of 10, 1 in 3
    r")?", re.IGNORECASE)
UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
MULTIPLIERS = {"m": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9, "k": 10**3}


@dataclass(frozen=True)
class Number:
    """A figure found in text, normalised so that different ways of writing it match."""
    text: str         # as written: "nearly 18", "£4.7m", "12 months"
    value: str        # normalised: "18", "4700000", "12", "9 in 10", "24/7"
    unit: str         # "" (a count), "%", "£", "level", "age", "year", "month", ... "second"
    direction: str    # "" (exact), "below" (nearly, up to), "above" (more than) or "about"
    line: int         # line of the text it was found on

    def backed_by(self, figure: Number) -> bool:
        """True if `figure` (from a fact, quote or chart) supports this number as written.

        The value must be the same; units must agree where both have one (a chart's bar of 55
        backs "55%"); "nearly 18" or "more than 18" needs a figure that says the same, while a
        plain or "about" number is backed by any figure of that value.
        """
        if self.value != figure.value:
            return False
        if self.unit and figure.unit and self.unit != figure.unit:
            return False
        return self.direction in ("", "about") or self.direction == figure.direction


def numbers_in(text: str, *, first_line: int = 1, phone_numbers: Iterable[str] = ()) -> tuple[Number, ...]:
    """Every claim-like number in `text` (Markdown or plain text), with the line it is on."""
    prose = _blank(text, NOT_PROSE)
    keys = KEY_PRESS.findall(prose)  # once a text says "press 55", 55 is a key there: "there is no 55"
    phones = _phone_pattern([p for p in phone_numbers if len(re.sub(r"\D", "", p)) >= 3] + keys)
    for pattern in (DIALLED, phones, LEGAL_REFERENCES, DATES, NAMES_AND_SITE_MEASURES):
        if pattern is not None:
            prose = _blank(prose, pattern)
    prose = prose.replace("**", "  ").replace("__", "  ").replace("\u00a0", " ")
    return tuple(_number(match, prose, first_line + prose.count("\n", 0, match.start()))
                 for match in NUMBER.finditer(prose))


def figures_of(figures: Iterable[str]) -> tuple[Number, ...]:
    """The numbers in a fact's figures ("6,556", "nearly 18", "£4.7m"), normalised like prose."""
    return tuple(number for figure in figures for number in numbers_in(str(figure)))


def chart_figures(values: Iterable[float]) -> tuple[Number, ...]:
    """A chart's bar values as figures (a bar of 36969 backs "36,969" and "almost 36,969")."""
    return tuple(Number(f"{value:g}", _normalised(Decimal(str(value))), "", "", 0) for value in values)


def unbacked_numbers(prose: str, *, first_line: int = 1, figures: Iterable[str] = (), quotes: Iterable[str] = (),
                     chart_values: Iterable[float] = (), phone_numbers: Iterable[str] = ()) -> tuple[Number, ...]:
    """The numbers in `prose` that none of the cited facts' figures, quotes or charts backs."""
    phones = tuple(phone_numbers)
    backing = figures_of(figures) + chart_figures(chart_values)
    backing += tuple(n for quote in quotes for n in numbers_in(quote, phone_numbers=phones))
    return _not_backed(numbers_in(prose, first_line=first_line, phone_numbers=phones), backing)


def _not_backed(numbers: Iterable[Number], backing: Collection[Number]) -> tuple[Number, ...]:
    return tuple(n for n in numbers if not any(n.backed_by(figure) for figure in backing))


def phone_numbers_of(contact_texts: Iterable[str]) -> frozenset[str]:
    """The phone numbers in site.yaml's contacts (pass each one's number, label and when).

    '0800 555 111' gives itself and its parts (so 'NHS 111' is a phone number too), and
    'dial 18001 101' gives '18001 101', '18001' ('put 18001 in front of it') and '101'.
    Numbers of one or two digits are key presses, not phone numbers: see KEY_PRESS.
    """
    found: set[str] = set()
    for text in contact_texts:
        for sequence in re.findall(r"\d+(?:\s+\d+)*", text):
            groups = sequence.split()
            found.update(group for group in groups if len(group) >= 3)
            if len("".join(groups)) >= 3:
                found.add(" ".join(groups))
    return frozenset(found)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with each match of `pattern` replaced by spaces (newlines kept, so lines stay put)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _phone_pattern(phone_numbers: Iterable[str]) -> re.Pattern[str] | None:
    """Each phone number, written with or without its spaces, longest first ('18001 101' before '101')."""
    return _compiled_phones(frozenset(re.sub(r"\s+", " ", p.strip()) for p in phone_numbers if p.strip()))


@functools.lru_cache(maxsize=64)
def _compiled_phones(numbers: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern per set of phone numbers (a site has one set, and a few key presses): compiled once."""
    phones = sorted(numbers, key=len, reverse=True)
    if not phones:
        return None
    alternatives = (r"\s?".join(re.escape(group) for group in phone.split(" ")) for phone in phones)
    return re.compile(r"(?<![\d,.£])(?:" + "|".join(alternatives) + r")(?![\d%-]|[.,]\d|\s*(?:per\s*cent|percent)\b)",
                      re.IGNORECASE)


def _number(match: re.Match[str], prose: str, line: int) -> Number:
    """The Number a match of NUMBER stands for, with the qualifier written just before it."""
    digits = match["digits"].replace(",", "")
    value = Decimal(digits + (match["fraction"] or ""))
    after = " ".join((match["after"] or "").lower().replace("'", " ").split())
    unit = "£" if match["pound"] else "level" if match["level"] else ""
    if match["slash"]:
        normalised = f"{digits}{match['slash']}"            # 24/7
    elif after.startswith(("in ", "of ", "out of ")):
        normalised, unit = f"{digits} in {after.split()[-1]}", "ratio"
    else:
        if after.replace(" ", "") in ("%", "percent"):
            unit = "%"
        elif after in MULTIPLIERS:
            value *= MULTIPLIERS[after]
        elif "old" in after:
            unit = "age"
        elif after and after.split()[0].rstrip("s") in UNITS:
            unit = after.split()[0].rstrip("s")
        normalised = _normalised(value)
    before = prose[max(0, match.start() - 30):match.start()]
    qualifier = QUALIFIER_BEFORE.search(before)
    direction = next((d for d, words in QUALIFIERS.items() if qualifier and qualifier[1].lower() in words), "")
    text = " ".join(([qualifier[1]] if qualifier else []) + match.group().split())
    return Number(text, normalised, unit, direction, line)


def _normalised(value: Decimal) -> str:
    """'17.960' -> '17.96', '4700000.0' -> '4700000': one spelling per value."""
    return format(value.normalize(), "f")


# --- the register: facts, and what check reports about them ------------------------------------

@dataclass(frozen=True)
class Fact:
    """What the check needs of one content/facts/<id>.yaml (check.py builds these from the model)."""
    id: str
    path: str                                          # content/facts/<id>.yaml
    figures: tuple[str, ...] = ()
    sources: tuple[tuple[str, int | None], ...] = ()   # (url, its line in the file)
    check_again: datetime.date | None = None
    check_again_line: int | None = None


@dataclass(frozen=True)
class Chart:
    """A chart's bar values and the facts its bars name."""
    id: str
    values: tuple[float, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """An article or page (not a quote: a quote is its own source)."""
    path: str
    body: str                                          # the Markdown body
    body_line: int                                     # the file's line of the body's first line
    facts: tuple[str, ...] = ()                        # its front matter `facts:` list
    texts: tuple[tuple[str, int | None], ...] = ()     # other prose it shows: (title or summary, its line)


def cited_by(page: Page, charts: Mapping[str, Chart]) -> tuple[str, ...]:
    """The facts a page cites: its `facts:` list, its [[fact: id]] lines, and its charts' facts."""
    cited = list(page.facts)
    for name, argument in _directives(page.body):
        if name == "fact":
            cited.append(argument)
        elif name == "chart" and argument in charts:
            cited.extend(charts[argument].facts)
    return tuple(dict.fromkeys(cited))


def page_unbacked(page: Page, facts: Mapping[str, Fact], quotes: Mapping[str, str], charts: Mapping[str, Chart],
                  phone_numbers: Iterable[str] = ()) -> tuple[Number, ...]:
    """The numbers on a page that nothing it cites or shows backs, with their lines in its file."""
    phones = tuple(phone_numbers)
    figures = {fact_id: figures_of(fact.figures) for fact_id, fact in facts.items()}
    quoted = {quote_id: numbers_in(text, phone_numbers=phones) for quote_id, text in quotes.items()}
    return _page_unbacked(page, figures, quoted, charts, phones)


def _page_unbacked(page: Page, figures: Mapping[str, tuple[Number, ...]], quoted: Mapping[str, tuple[Number, ...]],
                   charts: Mapping[str, Chart], phones: tuple[str, ...]) -> tuple[Number, ...]:
    """page_unbacked, given each fact's figures and each quote's numbers already found (once for the site)."""
    directives = _directives(page.body)
    backing = [n for fact_id in cited_by(page, charts) for n in figures.get(fact_id, ())]
    backing += [n for name, arg in directives if name == "quote" for n in quoted.get(arg, ())]
    backing += chart_figures(v for name, arg in directives if name == "chart" and arg in charts
                             for v in charts[arg].values)
    found = numbers_in(page.body, first_line=page.body_line, phone_numbers=phones)
    found += tuple(_at_line(n, line) for text, line in page.texts for n in numbers_in(text, phone_numbers=phones))
    return _not_backed(found, backing)


def stale_facts(facts: Iterable[Fact], today: datetime.date) -> tuple[Fact, ...]:
    """Facts whose check_again date has passed."""
    return tuple(f for f in facts if f.check_again is not None and f.check_again < today)


def insecure_sources(facts: Iterable[Fact]) -> tuple[tuple[Fact, str, int | None], ...]:
    """(fact, url, line) for each source on http://."""
    return tuple((f, url, line) for f in facts for url, line in f.sources if url.lower().startswith("http://"))


def uncited_facts(facts: Iterable[Fact], cited: Collection[str]) -> tuple[Fact, ...]:
    """Facts no page cites (directly, or through a chart it shows)."""
    return tuple(f for f in facts if f.id not in cited)


INSECURE_HTTP_HINT = ("use its https:// address if it has one (try it in a browser), or explain why not under "
                      "`http_only:` in site.yaml")
EXPLAINED_HTTP_HINT = "explained under `http_only:` in site.yaml; if it gains an https:// address, use that instead"


def fact_problems(facts: Iterable[Fact], pages: Iterable[Page], *, quotes: Mapping[str, str],
                  charts: Mapping[str, Chart], phone_numbers: Iterable[str],
                  today: datetime.date,
                  http_reason: Callable[[str], str] = lambda url: "") -> list[tuple[str, SiteError]]:
    """Everything `build.py check` reports about facts, as (level, SiteError) pairs.

    `quotes` maps a quote's id to its words; `phone_numbers` are those in site.yaml's contacts
    (phone_numbers_of(text for c in config.contacts for text in (c.number, c.label, c.when)));
    `pages` are the published articles and pages; `http_reason(url)` is why site.yaml keeps an
    http:// source ('' if it does not say), which makes its warning an explained note.
    """
    register = {fact.id: fact for fact in facts}
    phones = tuple(phone_numbers)
    problems: list[tuple[str, SiteError]] = []
    cited: set[str] = set()
    figures = {fact.id: figures_of(fact.figures) for fact in register.values()}
    quoted = {quote_id: numbers_in(text, phone_numbers=phones) for quote_id, text in quotes.items()}
    for page in pages:
        cited.update(cited_by(page, charts))
        problems += [("error", _unbacked_error(page, number))
                     for number in _page_unbacked(page, figures, quoted, charts, phones)]
    for fact in stale_facts(register.values(), today):
        problems.append(("warning", SiteError(
            fact.path, fact.check_again_line, f"this fact was due to be checked again on {fact.check_again:%-d %B %Y}",
            "check it against its sources; then set `checked:` to today and `check_again:` to when it may next "
            "change (statistics: after the next yearly release; law: in 12 months)")))
    for fact, url, line in insecure_sources(register.values()):
        reason = http_reason(url)
        if reason:
            problems.append(("info", SiteError(fact.path, line, f"the source {url} is on http://: {reason}",
                                               EXPLAINED_HTTP_HINT)))
        else:
            problems.append(("warning", SiteError(fact.path, line,
                                                  f"the source {url} is on http://, which is not secure",
                                                  INSECURE_HTTP_HINT)))
    for fact in uncited_facts(register.values(), cited):
        problems.append(("warning", SiteError(
            fact.path, None, f"no page cites the fact '{fact.id}'",
            f"add it to `facts:` at the top of the page that states it (facts: [{fact.id}]), "
            "or delete this file if the site no longer says it")))
    return problems


def _unbacked_error(page: Page, number: Number) -> SiteError:
    return SiteError(
        page.path, number.line, f"the figure '{number.text}' is not backed by any fact this page cites",
        "add the id of the fact it comes from to `facts:` at the top of the page (the fact in content/facts/ "
        f"must list '{number.text}' in its figures), or take the figure out; a fact can only come from a "
        "checked source")


def _directives(body: str) -> list[tuple[str, str]]:
    """(name, argument) of each directive line in a body: [[quote: id]] -> ('quote', 'id')."""
    found = []
    for line in body.split("\n"):
        match = DIRECTIVE_LINE.match(line.strip())
        if match:
            found.append((match.group(1).lower(), (match.group(2) or "").strip()))
    return found


def _at_line(number: Number, line: int | None) -> Number:
    return Number(number.text, number.value, number.unit, number.direction, line or 0)

