"""Short links (site.yaml `short_links:`): _redirects with 301s and a redirect page at each short address."""
from __future__ import annotations

import pytest

from tests.conftest import MINIMAL_CONFIG

ABOUT = "---\ntitle: About\nsummary: About us.\n---\nText.\n"


def site_with(make_site, links: str, base_url: str = "https://example.org/"):
    config = MINIMAL_CONFIG.replace("https://example.org/", base_url) + "short_links:\n" + links
    return make_site({"site.yaml": config, "content/pages/about.md": ABOUT})


def test_short_links_make_redirects_and_redirect_pages(make_site, build_site):
    root = site_with(make_site, "  - {path: /us, to: /about/}\n")
    assert build_site(root).status == 0
    assert (root / "_site/_redirects").read_text() == "/us /about/ 301\n/us/ /about/ 301\n"
    page = (root / "_site/us/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/about/">' in page
    assert '<link rel="canonical" href="https://example.org/about/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "0 files changed" in build_site(root).out


def test_short_links_work_under_a_sub_path(make_site, build_site):
    root = site_with(make_site, "  - {path: /us, to: /about/}\n", base_url="https://example.org/campaign/")
    assert build_site(root).status == 0
    assert (root / "_site/_redirects").read_text() == ("/campaign/us /campaign/about/ 301\n"
                                                       "/campaign/us/ /campaign/about/ 301\n")
    page = (root / "_site/us/index.html").read_text()
    assert 'url=/campaign/about/"' in page and 'href="https://example.org/campaign/about/"' in page


def test_a_site_without_short_links_has_no_redirects_file(make_site, build_site):
    root = make_site()
    assert build_site(root).status == 0 and not (root / "_site/_redirects").exists()


@pytest.mark.parametrize("links, culprit, words", [
    ("  - {path: /about, to: /}\n", "/about,", "is the address of a page the site already has"),
    ("  - {path: /us, to: /nowhere/}\n", "/us,", "leads to /nowhere/, which is not a page of the site"),
    ("  - {path: /us, to: /about/}\n  - {path: /a, to: /us}\n", "/a,", "itself a short link: a chain"),
    ("  - {path: /a, to: /b}\n  - {path: /b, to: /a}\n", "/a,", "itself a short link: a loop"),
    ("  - {path: /us, to: /about/}\n  - {path: /us/, to: /about/}\n", "/us/,", "is listed twice"),
])
def test_bad_short_links_stop_the_build_at_their_line(make_site, build_site, links, culprit, words):
    root = site_with(make_site, links)
    lines = (root / "site.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if f"path: {culprit}" in text)
    result = build_site(root)
    assert result.status != 0 and "Traceback" not in result.err
    assert f"site.yaml:{line}: the short link" in result.err and words in result.err


def test_aliases_send_a_page_s_old_addresses_to_it(make_site, build_site):
    about = "---\ntitle: About\nsummary: About us.\naliases: [/who-we-are/, /old/about]\n---\nText.\n"
    root = make_site({"content/pages/about.md": about})
    assert build_site(root).status == 0
    assert (root / "_site/_redirects").read_text().splitlines() == [
        "/who-we-are /about/ 301", "/who-we-are/ /about/ 301", "/old/about /about/ 301", "/old/about/ /about/ 301"]
    assert 'url=/about/"' in (root / "_site/old/about/index.html").read_text()
    (root / "content/pages/about.md").write_text(about.replace("/old/about", "/"))
    result = build_site(root)
    assert result.status != 0 and "content/pages/about.md:4: the short link / is the address of a page" in result.err


def test_redirect_pages_can_be_left_out_for_hosts_that_read_redirects(make_site, build_site):
    root = site_with(make_site, "  - {path: /us, to: /about/}\nredirect_pages: false\n")
    assert build_site(root).status == 0
    assert (root / "_site/_redirects").exists() and not (root / "_site/us").exists()
