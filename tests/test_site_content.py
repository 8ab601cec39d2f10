"""Issues 3 and 13: the campaign's own content keeps its promises. Every figure and quotation on the
site comes from the fact register in the project (content/facts/*.yaml, one fact each, with its
sources) or from a quote in content/quotes/ (a quote is its own source); what the register marks as
weak, disputed or wrong stays out; the emergency contacts are links that dial; every page can be
shared. Nothing here reads outside the project, so a fresh clone tests the same as the campaign team.

Which facts each page cites, and whether they back its figures, is `build.py check`'s job
(ssg/editor/factcheck.py, tested in test_factcheck.py); here every figure must be backed by some fact.
The reading-age target is tested in test_readability.py (test_the_campaign_site_meets_its_reading_target);
the page weight budget, accessibility and valid HTML in tests/browser/test_site.py.
"""
from __future__ import annotations

import datetime
import re
import struct
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ssg.editor.factcheck import Number, chart_figures, figures_of, numbers_in, phone_numbers_of
from ssg.model.config import load_config
from ssg.model.site import load_site

from conftest import PROJECT

REGISTER = PROJECT / "content" / "facts"
CONFIG = load_config(PROJECT)
PHONES = phone_numbers_of(text for contact in CONFIG.contacts for text in (contact.number, contact.label, contact.when))

# The agreed format of a fact file (docs: the `fact` kind in README's front matter reference).
FACT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FACT_KEYS = {"statement", "figures", "sources", "confidence", "checked", "check_again", "note"}
REQUIRED_FACT_KEYS = FACT_KEYS - {"note"}
SOURCE_KEYS = {"title", "publisher", "url", "date"}
# Words in quotation marks that quote nobody: what the campaign suggests people say, and a phrase
# the about page explains; the Welsh pages' words to say, and how a link says it is English.
NOT_QUOTATIONS = {"you, call 999.", "you, in the red coat, call 999.", "was reported",
                  "chi, ffoniwch 999.", "(yn saesneg)"}
# Pages about the website itself (no facts about the campaign's subject), so no sources to list.
SITE_ONLY_PAGES = {"content/pages/accessibility.md", "content/pages/accessibility.cy.md", "content/pages/privacy.md"}
# What the register marks as weak, disputed, background only or not found, with the reason it stays out.
LEFT_OUT = {
    "Martin Payne": "the Merton suspect's name comes only from a blog copy (low confidence)",
    "Assistant Commissioner": "Sir Stephen House's rank is disputed between sources",
    "Deputy Commissioner": "Sir Stephen House's rank is disputed between sources",
    "11,479": "the 2023/24 'with injury' count was not found and must not be worked out",
    "knife crime": "the December 2018 knife-crime figures are background only",
    "homicide": "the 2018 homicide figures are background only",
    "Green Dot": "the origin of the 5 Ds was not verified",
    "officer's radio": "no official advice on using an officer's radio or emergency button was found",
    "48,888": "the Police Federation branches' 2025 figures name no source and do not match the official series",
    "39,099": "the Police Federation branches' 2025 figures name no source and do not match the official series",
}
@pytest.fixture(scope="module")
def register() -> dict[str, dict]:
    """Every fact in content/facts/, by id (the file name)."""
    facts = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(REGISTER.glob("*.yaml"))}
    assert facts, f"the fact register {REGISTER} is empty"
    return facts


@pytest.fixture(scope="module")
def register_figures(register) -> tuple[Number, ...]:
    return figures_of(figure for fact in register.values() for figure in fact["figures"])


@pytest.fixture(scope="module")
def register_words(register) -> str:
    """Every statement, note and source address in the register, as one normalised text."""
    return " \n ".join(normalised(" ".join([fact["statement"], fact.get("note") or ""]
                                           + [source["url"] for source in fact["sources"]]))
                       for fact in register.values())


@pytest.fixture(scope="module")
def documents():
    site = load_site(PROJECT, CONFIG, today=datetime.date.today())
    return [Read(d.path, d.kind, d.slug, d.meta, d.body_line, site.bodies.of(d)) for d in site.documents]


@dataclass(frozen=True)
class Read:
    """A published document with its Markdown body."""
    path: str
    kind: str
    slug: str
    meta: object
    body_line: int
    body: str


@pytest.fixture(scope="module")
def quotes(documents) -> dict[str, str]:
    return {d.slug: d.body for d in documents if d.kind == "quote"}


@pytest.fixture(scope="module")
def built(real_site) -> Path:
    return real_site


def normalised(text: str) -> str:
    """One spelling for quote marks, dashes, ellipses, spaces and case, so a quotation matches its source."""
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("—", "-"), ("–", "-"), ("…", "...")):
        text = text.replace(fancy, plain)
    return " ".join(text.replace("**", "").split()).casefold()


def test_every_fact_follows_the_agreed_format(register):
    for fact_id, fact in register.items():
        assert FACT_ID.fullmatch(fact_id), fact_id
        assert REQUIRED_FACT_KEYS <= set(fact) <= FACT_KEYS, fact_id
        assert isinstance(fact["statement"], str) and len(fact["statement"].split()) >= 5, fact_id
        assert len(fact["statement"]) <= 400, f"{fact_id}: a statement is a sentence or three, not a page"
        assert all(isinstance(figure, str) and numbers_in(figure) for figure in fact["figures"]), fact_id
        assert fact["confidence"] in ("high", "medium", "low"), fact_id
        assert isinstance(fact["checked"], datetime.date) and isinstance(fact["check_again"], datetime.date), fact_id
        assert fact["checked"] < fact["check_again"] <= fact["checked"] + datetime.timedelta(days=366), fact_id
        assert fact["sources"], fact_id
        for source in fact["sources"]:
            assert set(source) <= SOURCE_KEYS and source["title"] and source["publisher"], fact_id
            assert re.fullmatch(r"https?://\S+", source["url"]), fact_id


def test_every_figure_a_fact_gives_is_in_its_own_statement_or_note(register):
    """A figure carries over from the statement it belongs to: none is added on the side."""
    for fact_id, fact in register.items():
        said = figures_of([fact["statement"], fact.get("note") or ""])
        for figure in figures_of(fact["figures"]):
            assert any(Number(figure.text, figure.value, figure.unit, "", 0).backed_by(s) for s in said), \
                f"{fact_id}: {figure.text}"


def test_every_number_on_the_site_is_backed_by_the_fact_register(register_figures, documents, quotes):
    unbacked = {}
    for document in documents:
        if document.kind == "quote":
            continue  # a quote is its own source
        shown = [n for quote_id in re.findall(r"^\[\[\s*quote:\s*([\w-]+)\s*\]\]", document.body, re.MULTILINE)
                 for n in numbers_in(quotes.get(quote_id, ""), phone_numbers=PHONES)]
        found = numbers_in(document.body, first_line=document.body_line, phone_numbers=PHONES)
        found += numbers_in(document.meta.title + "\n" + getattr(document.meta, "summary", ""), phone_numbers=PHONES)
        backing = register_figures + tuple(shown)
        missing = [f"{n.line}: {n.text}" for n in found if not any(n.backed_by(f) for f in backing)]
        if missing:
            unbacked[document.path] = missing
    assert unbacked == {}


def test_every_chart_is_backed_by_the_fact_register(register_figures):
    for path in sorted((PROJECT / "content" / "charts").glob("*.yaml")):
        chart = yaml.safe_load(path.read_text(encoding="utf-8"))
        bars = chart_figures(bar["value"] for bar in chart["bars"])
        assert [b.text for b in bars if not any(b.backed_by(f) for f in register_figures)] == [], path.name
        words = numbers_in("\n".join(chart.get(key) or "" for key in ("title", "description", "note")),
                           phone_numbers=PHONES)
        assert [n.text for n in words if not any(n.backed_by(f) for f in register_figures + bars)] == [], path.name


def test_a_figure_planted_in_a_real_page_is_caught_at_its_line(register_figures, documents):
    """The check above can fail: a figure no fact gives is found where it was written."""
    page = next(d for d in documents if d.path == "content/pages/the-law.md")
    lines = page.body.split("\n")
    planted = "\n".join(lines[:3] + ["Every year 41,500 officers are attacked, more than 20 a day."] + lines[3:])
    found = numbers_in(planted, first_line=page.body_line, phone_numbers=PHONES)
    assert [(n.text, n.line) for n in found if not any(n.backed_by(f) for f in register_figures)] == [
        ("41,500", page.body_line + 3), ("more than 20", page.body_line + 3)]


def test_every_quotation_is_word_for_word_from_the_register_or_a_quote(register_words, documents, quotes):
    sources = register_words + " \n " + " \n ".join(normalised(q) for q in quotes.values())
    quotations = []
    for document in documents:
        if document.kind != "quote":
            body = normalised(re.sub(r"\]\([^)]*\)", "]", document.body))
            quotations += [(document.path, q) for q in re.findall(r'"([^"]+)"', body)]
            quotations += [(document.path, normalised(q))
                           for q in re.findall(r"^> (.+)$", document.body, flags=re.MULTILINE)]
    not_found = []
    for path, quotation in quotations:
        quotation = quotation.strip('"')
        if quotation in NOT_QUOTATIONS:
            continue
        # A quotation may leave words out ("...") or stop mid-sentence: each piece must be in a source.
        pieces = [p.strip(" .,;:") for p in re.split(r"\.\.\.|\. \. \.|\[[^\]]*\]", quotation)]
        not_found += [f"{path}: {quotation}" for p in pieces if p and p not in sources]
    assert not_found == []


def test_pages_that_state_facts_list_their_sources(documents):
    unsourced = [d.path for d in documents if d.kind != "quote" and d.path not in SITE_ONLY_PAGES
                 and not (d.meta.sources or getattr(d.meta, "facts", ()))]
    assert unsourced == []
    for document in documents:
        for source in (document.meta.source,) if document.kind == "quote" else document.meta.sources:
            assert source.publisher and source.title and source.url.startswith(("https://", "http://")), document.path


def test_what_the_register_marks_weak_or_unverified_stays_out(built):
    text = " ".join(visible_text(page.read_text()) for page in built.rglob("*.html"))
    present = {phrase: why for phrase, why in LEFT_OUT.items() if re.search(rf"\b{re.escape(phrase)}\b", text, re.I)}
    assert present == {}


def test_contacts_come_from_the_register_and_dial_or_open(register_words):
    assert CONFIG.contacts[0].href == "tel:999", "the first contact is the emergency number shown on every page"
    for contact in CONFIG.contacts:
        if contact.href.startswith("tel:"):
            dialled = re.match(r"[\d ]+", contact.number).group().replace(" ", "")
            assert contact.href == f"tel:{dialled}", contact.id
            assert all(part in register_words for part in re.findall(r"\d[\d ]*\d", contact.number)), contact.id
        else:
            address = contact.href.removeprefix("https://").rstrip("/").casefold()
            assert contact.href.startswith("https://") and address in register_words, contact.id


def test_every_page_offers_999_and_the_help_pages_show_every_contact(built):
    every_contact = {contact.href for contact in CONFIG.contacts}
    for page in built.rglob("*.html"):
        links = links_of(page.read_text())
        assert "tel:999" in links["main"] | links["header"], f"{page}: no 999 link at the top of the page"
        assert every_contact <= links["footer"], f"{page}: the footer lacks some contacts"
    for path in ("index.html", "get-help/index.html", "if-you-filmed-it/index.html", "poster/index.html"):
        assert every_contact <= links_of((built / path).read_text())["main"], path


def test_every_page_has_a_social_preview_with_an_image_that_exists(built):
    for page in built.rglob("*.html"):
        meta = meta_of(page.read_text())
        for name in ("og:title", "og:description", "og:url", "og:image", "og:image:alt", "twitter:card",
                     "twitter:image"):
            assert meta.get(name), f"{page}: no {name}"
        image = built / meta["og:image"].removeprefix(CONFIG.base_url)
        assert meta["og:image"].startswith(CONFIG.base_url) and image.is_file(), page
        width, height = struct.unpack(">II", image.read_bytes()[16:24])  # the PNG header's size
        assert (width, height) == (1200, 630) == (int(meta["og:image:width"]), int(meta["og:image:height"]))


# --- reading built pages ---------------------------------------------------------------

class _Page(HTMLParser):
    """Collects a page's visible text, its meta tags, and its links by landmark."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: dict[str, set[str]] = {"header": set(), "main": set(), "footer": set()}
        self.hidden = 0
        self.landmark = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "head"):
            self.hidden += 1
        elif tag in self.links:
            self.landmark = tag
        elif tag == "meta" and attrs.get("content"):
            self.meta[attrs.get("property") or attrs.get("name") or ""] = attrs["content"]
        elif tag == "a" and self.landmark:
            self.links[self.landmark].add(attrs.get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.hidden -= 1
        elif tag in self.links:
            self.landmark = ""

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def visible_text(html: str) -> str:
    return " ".join(parsed(html).text)


def links_of(html: str) -> dict[str, set[str]]:
    return parsed(html).links


def meta_of(html: str) -> dict[str, str]:
    return parsed(html).meta
