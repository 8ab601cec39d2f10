"""The checks every build runs on the pages it renders (ssg/build/page_checks.py): which links count as
leading nowhere on this site, however the generator's HTML writes them."""
from pathlib import Path

import pytest

from ssg.build.page_checks import RenderedPageChecks

BASE = "https://example.org/campaign/"


def _missing(href: str) -> list[str]:
    """The messages the checks give for one link on the page /campaign/articles/a/."""
    checks = RenderedPageChecks(Path("/nowhere"), BASE, (), {"index.html", "about/index.html"}, strict=False)
    page = f'<p><a href="{href}">the words</a></p>'.encode()
    return [warning.message for warning in checks("articles/a/index.html", page)]


@pytest.mark.parametrize("href", [
    "https://other.example/page/", "mailto:someone@example.org?subject=a&amp;body=b", "tel:999",
    "//other.example/x", "#top", "/campaign/about/", "../../about/", "https://example.org/campaign/about/",
    "java&#115;cript:alert(1)",  # a scheme written with an entity is a full address once decoded
    "https://example.org/campaign/gone/",  # a full address, even to this site: `check` follows those
])
def test_links_elsewhere_or_to_pages_that_exist_are_not_reported(href):
    assert _missing(href) == []


@pytest.mark.parametrize(("href", "target"), [
    ("/campaign/gone/", "gone/"),
    ("../gone/", "articles/gone/"),
    ("&#47;campaign&#47;gone&#47;", "gone/"),  # slashes written as entities: decoded before it is resolved
    ("/campaign/why:now/", "why:now/"),        # a colon after the first slash is no scheme
])
def test_a_link_on_this_site_to_a_missing_page_is_reported(href, target):
    assert _missing(href) == [f"the link 'the words' leads to /{target}, which does not exist"]


def test_words_and_addresses_beyond_ascii_are_reported_as_written():
    page = '<p><a href="/campaign/g%C5%B5yl/">Gŵyl y ffilm</a> <a href="/campaign/ŵyl/">Yr ŵyl</a></p>'.encode()
    checks = RenderedPageChecks(Path("/nowhere"), BASE, (), {"index.html"}, strict=False)
    assert [warning.message for warning in checks("articles/a/index.html", page)] == [
        "the link 'Gŵyl y ffilm' leads to /gŵyl/, which does not exist",
        "the link 'Yr ŵyl' leads to /ŵyl/, which does not exist"]


def test_a_relative_link_fine_on_one_page_is_still_checked_on_the_next():
    """Links fine on every page are remembered and skipped; a relative one leads elsewhere from each page."""
    checks = RenderedPageChecks(Path("/nowhere"), BASE, (), {"index.html", "about/index.html"}, strict=False)
    page = b'<p><a href="../about/">About</a> <a href="/campaign/about/">About</a></p>'
    assert checks("news/index.html", page) == ()
    assert [warning.message for warning in checks("news/2024/index.html", page)] == [
        "the link 'About' leads to /news/about/, which does not exist"]
    assert checks("news/index.html", page) == ()
