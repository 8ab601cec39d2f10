"""The real site in English and Welsh (issue 15): every translation keeps its source's numbers, dates, phone
numbers, quotations, links and sources; hreflang alternates are reciprocal with x-default on every page that
has a translation; the language toggle is on every page; Welsh interface text is complete and its dates Welsh."""
from __future__ import annotations

import datetime
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ssg.model.interface import load_interface

from conftest import MINIMAL_CONFIG, PROJECT

TRANSLATIONS = sorted(p for p in (PROJECT / "content").rglob("*.cy.md"))
NUMBER = re.compile(r"\d+(?:[.,:]\d+)*%?")
# A quotation: words in quotation marks, five or more of them. Shorter quoted phrases are the site's own
# words for the reader to say ("You, call 999."), which are translated like any other sentence.
QUOTATION = re.compile(r"[\"“]([^\"”]+)[\"”]")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")


def source_of(translation: Path) -> Path:
    return translation.with_name(translation.name.replace(".cy.md", ".md"))


def parts(path: Path) -> tuple[str, str]:
    """(front matter, body) of a Markdown file."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return front, body


def front_without_words(front: str) -> list[str]:
    """The front matter lines that are not words for readers (title, summary) or the translation's record."""
    return [line for line in front.splitlines() if not re.match(r"(title|summary|translation_of):", line)]


def what_must_not_change(path: Path) -> dict[str, Counter | set]:
    front, body = parts(path)
    settings = yaml.safe_load(front)
    words = f"{settings['title']}\n{settings['summary']}\n{body}"
    # Each distinct number once: a translation may repeat one (the words to say, given in both languages).
    return {"numbers, dates and phone numbers": set(NUMBER.findall(words)),
            "quotations": Counter(q for q in QUOTATION.findall(words) if len(q.split()) >= 5),
            "link targets": Counter(t.removeprefix("/cy") for t in LINK_TARGET.findall(body))}


def test_the_welsh_site_has_the_pages_the_issue_asks_for_so_far():
    assert {p.name for p in TRANSLATIONS} >= {"index.cy.md", "how-to-help.cy.md", "if-you-filmed-it.cy.md",
                                              "get-help.cy.md", "the-law.cy.md", "poster.cy.md", "accessibility.cy.md"}


@pytest.mark.parametrize("translation", TRANSLATIONS, ids=lambda p: p.name)
def test_a_translation_keeps_every_number_date_phone_number_quotation_link_and_source(translation):
    source = source_of(translation)
    assert source.exists(), f"{translation} has no source"
    assert what_must_not_change(translation) == what_must_not_change(source)
    assert front_without_words(parts(translation)[0]) == front_without_words(parts(source)[0])  # sources, facts...


def test_the_consistency_check_catches_a_changed_number(tmp_path):
    source, translation = tmp_path / "a.md", tmp_path / "a.cy.md"
    source.write_text("---\ntitle: T\nsummary: S.\n---\nCall 999. In 2023/24 there were 6,556 assaults.\n")
    translation.write_text("---\ntitle: T\nsummary: S.\n---\nFfoniwch 999. Yn 2023/24 roedd 6,565 o ymosodiadau.\n")
    assert what_must_not_change(translation) != what_must_not_change(source)


def test_welsh_dates_read_naturally():
    welsh = load_interface(PROJECT, "cy")
    assert welsh.date(datetime.date(2018, 12, 4)) == "4 Rhagfyr 2018"
    assert [welsh.date(datetime.date(2024, month, 1)).split()[1] for month in range(1, 13)] == [
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
        "Tachwedd", "Rhagfyr"]


def test_every_interface_key_is_in_both_languages():
    english, welsh = load_interface(PROJECT, "en-GB").texts, load_interface(PROJECT, "cy").texts
    assert set(english) - {"site"} == set(welsh) - {"site"}
    site = welsh["site"]
    from ssg.model.config import load_config
    config = load_config(PROJECT)
    assert set(site["navigation"]) == {link.url for link in config.navigation}
    assert set(site["footer_links"]) == {link.url for link in config.footer_links}
    assert set(site["contacts"]) == {contact.id for contact in config.contacts}


@pytest.mark.parametrize("drop, key", [("skip_link", "skip_link"), ("months", "months")])
def test_a_missing_welsh_interface_string_fails_the_build_naming_the_key_and_the_file(make_site, build_site, drop, key):
    root = make_site({"site.yaml": MINIMAL_CONFIG + "languages:\n  - code: cy\n    name: Cymraeg\n",
                      "content/pages/about.md": "---\ntitle: A\nsummary: S.\n---\nHi.\n",
                      "content/pages/about.cy.md": "---\ntitle: A\nsummary: S.\n---\nHai.\n"})
    assert build_site(root).status == 0
    welsh = root / "templates/i18n/cy.yaml"
    welsh.write_text("".join(line for line in welsh.read_text().splitlines(keepends=True)
                             if not line.startswith(drop + ":")))
    result = build_site(root)
    assert result.status == 1
    assert result.err.splitlines()[0] == (f"error: templates/i18n/cy.yaml: the interface text '{key}' is missing "
                                          "from this language's file")


def test_a_menu_link_without_welsh_words_fails_the_build_naming_it(make_site, build_site):
    root = make_site({"site.yaml": MINIMAL_CONFIG + "languages:\n  - code: cy\n    name: Cymraeg\n"
                      "navigation:\n  - title: New\n    url: /new-page/\n",
                      "content/pages/new-page.md": "---\ntitle: A\nsummary: S.\n---\nHi.\n",
                      "content/pages/new-page.cy.md": "---\ntitle: A\nsummary: S.\n---\nHai.\n"})
    result = build_site(root)
    assert result.status == 1
    assert result.err.splitlines()[0] == ("error: templates/i18n/cy.yaml: the interface text "
                                          "'site.navigation./new-page/' is missing from this language's file")


class HeadParser(HTMLParser):
    """The language facts of one page: <html lang/dir>, canonical, hreflang alternates, og:locale, the toggle."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = self.dir = self.canonical = self.locale = None
        self.alternates: dict[str, str] = {}
        self.locale_alternates: list[str] = []
        self.toggle: list[dict] = []
        self.in_toggle = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang, self.dir = a.get("lang"), a.get("dir")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "meta" and a.get("property") == "og:locale":
            self.locale = a["content"]
        elif tag == "meta" and a.get("property") == "og:locale:alternate":
            self.locale_alternates.append(a["content"])
        elif tag == "nav" and a.get("class") == "language-toggle":
            self.in_toggle = True
        elif self.in_toggle and tag in ("a", "span") and ("href" in a or "aria-current" in a):
            self.toggle.append({"tag": tag, **a})

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_toggle = False


@pytest.fixture(scope="module")
def pages(real_site) -> dict[str, HeadParser]:
    found = {}
    for file in sorted(real_site.rglob("*.html")):
        parser = HeadParser()
        parser.feed(file.read_text(encoding="utf-8"))
        address = file.relative_to(real_site).as_posix().removesuffix("index.html")
        found["https://helpsafely.example.org/" + address] = parser
    return found


def test_every_page_has_its_language_direction_canonical_and_locale(pages):
    assert len(pages) > 50
    for address, page in pages.items():
        welsh = address.startswith("https://helpsafely.example.org/cy/")
        expected = ("cy", "ltr", "cy_GB") if welsh else ("en-GB", "ltr", "en_GB")
        assert (page.lang, page.dir, page.locale) == expected, address
        if not address.endswith("404.html"):
            assert page.canonical == address


def test_hreflang_alternates_are_reciprocal_with_x_default_and_only_between_real_translations(pages):
    translated = {address: page for address, page in pages.items() if page.alternates}
    assert "https://helpsafely.example.org/cy/" in translated and "https://helpsafely.example.org/poster/" in translated
    assert not pages["https://helpsafely.example.org/about/"].alternates  # no Welsh version: no alternates
    for address, page in translated.items():
        assert set(page.alternates) == {"en-GB", "cy", "x-default"}, address
        assert page.alternates["x-default"] == page.alternates["en-GB"]
        assert address in page.alternates.values()
        for target in page.alternates.values():
            assert pages[target].alternates == page.alternates, f"{target} does not point back to {address}"
        assert page.locale_alternates == (["en_GB"] if page.lang == "cy" else ["cy_GB"])


def test_the_language_toggle_is_on_every_page_and_goes_to_the_same_page_or_the_home_page(pages):
    for address, page in pages.items():
        english, welsh = page.toggle  # always in the same order, as GOV.UK's toggle is
        current, other = (welsh, english) if page.lang == "cy" else (english, welsh)
        assert current == {"tag": "span", "aria-current": "true"}, address
        assert other["tag"] == "a" and other["lang"] == other["hreflang"] == ("en-GB" if page.lang == "cy" else "cy")
        target = "https://helpsafely.example.org" + other["href"]
        expected = page.alternates.get(other["lang"]) or ("https://helpsafely.example.org/" if page.lang == "cy"
                                                          else "https://helpsafely.example.org/cy/")
        assert target == expected, address


def test_the_toggle_says_in_the_other_language_what_it_does(pages):
    english = (PROJECT / "templates/i18n/en-GB.yaml").read_text()
    assert "change_language: Change the language to English" in english
    assert "change_language: Newid yr iaith i'r Gymraeg" in (PROJECT / "templates/i18n/cy.yaml").read_text()
