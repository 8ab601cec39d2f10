"""Issue 15 in Chromium: every Welsh page passes axe (WCAG 2.2 A and AA) and the Nu Html Checker (their
part of test_site.py's checks of every page, made once per test run), the language toggle is reached
and used with the keyboard, and a right-to-left translation (a tiny test site with Arabic) is laid out
right to left with its toggle."""
from __future__ import annotations

import pytest

from ssg.build.pipeline import BuildOptions, build

from .helpers import run_axe
from .test_site import (
    NARROWEST,
    OUTLINE_PROBLEMS,
    every_page_at_320px,  # noqa: F401 - a fixture, shared with test_site.py
    html_errors,  # noqa: F401 - a fixture, shared with test_site.py
    page_addresses,
)
from conftest import MINIMAL_CONFIG, article
from test_languages import interface_file


@pytest.fixture(scope="module")
def built_site(real_site):
    return real_site


def welsh_addresses(site) -> list[str]:
    return [address for address in page_addresses(site) if address.startswith("/cy/")]


@pytest.mark.slow  # the first of the tests reading every_page_at_320px makes it
def test_every_welsh_page_is_accessible_and_stays_on_site(every_page_at_320px, built_site):
    """problems_on() every Welsh page: the part of test_site.py's check of every page that is Welsh."""
    welsh = welsh_addresses(built_site)
    assert len(welsh) >= 4 and set(welsh) <= set(every_page_at_320px["checked"])
    assert {address: found for address, found in every_page_at_320px["problems"].items() if address in welsh} == {}


def test_every_welsh_page_is_valid_html(html_errors, built_site):
    """The Welsh pages' part of test_site.py's one Nu Html Checker run over the whole site."""
    files = [address.lstrip("/") + ("index.html" if address.endswith("/") else "")
             for address in welsh_addresses(built_site)]
    welsh = [str(built_site / file) for file in files]
    assert len(welsh) >= 4 and set(welsh) <= set(html_errors)
    assert {file: html_errors[file] for file in welsh if html_errors[file]} == {}


@pytest.mark.parametrize("start, hidden, target, lang", [
    ("/", "Newid yr iaith i'r Gymraeg", "/cy/", "cy"),
    ("/cy/accessibility/", "Change the language to English", "/accessibility/", "en-GB"),
    ("/about/", "Newid yr iaith i'r Gymraeg", "/cy/", "cy"),  # no Welsh version yet: the Welsh home page
])
def test_the_toggle_is_the_second_stop_of_the_keyboard_and_changes_the_language(page, serve_dir, built_site,
                                                                                 start, hidden, target, lang):
    base = serve_dir(built_site)
    page.goto(base + start)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.get_attribute("hreflang") == lang
    assert focused.evaluate("el => el.textContent") == hidden + ("Cymraeg" if lang == "cy" else "English")
    box = focused.bounding_box()
    assert box and box["width"] > 10 and box["y"] >= 0, "the toggle is visible"
    page.keyboard.press("Enter")
    page.wait_for_url(base + target)
    assert page.evaluate("document.documentElement.lang") == lang


@pytest.fixture
def rtl_site(make_site):
    """A tiny site with an Arabic translation (test words only: we never invent a translation)."""
    config = MINIMAL_CONFIG + "languages:\n  - code: ar\n    name: العربية\n    direction: rtl\n"
    root = make_site({"site.yaml": config,
                      "content/pages/about.md": "---\ntitle: About\nsummary: About us.\n---\nWho we are.\n",
                      "content/pages/about.ar.md": "---\ntitle: About (ar)\nsummary: About (ar).\n---\nText (ar).\n",
                      "content/articles/news.md": article("News", "2024-03-04")})
    interface_file(root, "ar")
    out = root / "_site"
    build(BuildOptions(root=root, out=out))
    return out


def test_a_right_to_left_translation_is_laid_out_right_to_left_with_its_toggle(page, serve_dir, rtl_site):
    base = serve_dir(rtl_site)
    page.set_viewport_size(NARROWEST)
    page.goto(base + "/ar/about/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    heading = page.locator("h1").bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert heading["x"] + heading["width"] > width - 40, "the heading starts at the right"
    toggle = page.locator(".language-toggle a")
    assert toggle.get_attribute("href") == "/about/" and toggle.get_attribute("hreflang") == "en-GB"
    assert toggle.bounding_box()["x"] < width / 2, "the toggle sits at the end of the line: the left in Arabic"
    assert page.evaluate(OUTLINE_PROBLEMS) == []
    assert run_axe(page) == []
    page.goto(base + "/about/")  # and the English page links to the Arabic one
    assert page.locator(".language-toggle a").get_attribute("href") == "/ar/about/"
