"""Issues 6 and 12 (class 4): the real site works under its own policy, on every host, in Debian's Chromium.

The site is built once. It is served two ways: by a server that sends the headers of the
generated `_headers` file (Netlify, Cloudflare Pages), and by a plain static server that sends
no headers at all (GitHub Pages, a shared folder), where only the policy in each page's
`<meta http-equiv="Content-Security-Policy">` protects it (that walk of every page is test_site.py's,
done once per test run). Both ways: every page loads with no CSP violation and no console error,
and the share and print buttons work. With no headers, a
real page with injected inline script, an inline event handler and off-site loads runs none of
them and sends no request to another origin.
"""
from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import expect

from .helpers import RECORD_VIOLATIONS, collect_console_errors, collect_offsite_requests
from .test_site import every_page_at_320px, page_addresses  # noqa: F401 - every_page_at_320px: a fixture
from test_security import csp_directives, parse_headers


@pytest.fixture(scope="module")
def built_site(real_site):
    return real_site


@pytest.fixture(scope="module")
def site_headers(built_site) -> dict[str, str]:
    """The headers `_headers` gives every page of a site published at the root of its host."""
    headers = parse_headers((built_site / "_headers").read_text())["/*"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    return headers


META_POLICY = re.compile(r'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def test_every_page_carries_the_policy_first_thing_after_its_charset(built_site, site_headers):
    """The same policy as the header, less what a <meta> policy cannot hold (frame-ancestors)."""
    header = csp_directives(site_headers["Content-Security-Policy"])
    assert header.pop("frame-ancestors") == ["'none'"]
    pages = sorted(built_site.rglob("*.html"))
    missing = [str(p.relative_to(built_site)) for p in pages if not META_POLICY.search(p.read_text())]
    assert len(pages) > 40 and missing == []
    policies = {html.unescape(META_POLICY.search(p.read_text()).group(1)) for p in pages}
    assert len(policies) == 1 and csp_directives(policies.pop()) == header


@pytest.mark.slow
def test_every_page_works_under_its_own_policy_sent_in_the_headers(page, serve_dir, built_site, site_headers):
    base = serve_dir(built_site, headers=site_headers)
    page.add_init_script(RECORD_VIOLATIONS)
    errors = collect_console_errors(page)
    offsite = collect_offsite_requests(page, base)
    problems = {}
    addresses = page_addresses(built_site)
    for address in addresses:
        response = page.goto(base + address)
        assert response.headers.get("content-security-policy") == site_headers["Content-Security-Policy"]
        found = page.evaluate("window.__violations") + errors
        if found:
            problems[address] = found
        errors.clear()
    assert len(addresses) > 40
    assert problems == {} and offsite == []


@pytest.mark.slow  # the first of the tests reading every_page_at_320px makes it
def test_every_page_works_under_the_policy_of_its_meta_tag_alone(every_page_at_320px, built_site):
    """Served with no headers at all: test_site.py's walk of every page (at 320 px, no headers) records
    each page's CSP violations, console errors and off-site requests too. (At desktop width the pages
    load what they load above with the header's policy, which is the <meta> one and frame-ancestors.)"""
    addresses = page_addresses(built_site)
    assert len(addresses) > 40 and every_page_at_320px["checked"] == addresses
    assert every_page_at_320px["policy headers"] == []
    kinds = ("CSP violations", "console errors", "off-site requests")
    problems = {address: {kind: found[kind] for kind in kinds if kind in found}
                for address, found in every_page_at_320px["problems"].items()}
    assert {address: found for address, found in problems.items() if found} == {}


RECORD_PRINTS = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


def test_the_share_and_print_buttons_work_with_no_headers(page, serve_dir, built_site):
    base = serve_dir(built_site)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script(RECORD_VIOLATIONS + RECORD_PRINTS)
    page.goto(base + "/poster/")
    page.click(".print-button")
    assert page.evaluate("window.__printed") == 1
    article = next(a for a in page_addresses(built_site) if a.startswith("/articles/") and a.count("/") == 3)
    page.goto(base + article)
    button = page.locator(".copy-link").first
    button.click()
    status = page.locator(".copy-status").first
    expect(status).to_have_text("Link copied.", timeout=5_000)  # written once the clipboard has the link
    assert page.evaluate("navigator.clipboard.readText()") == button.get_attribute("data-link")
    assert page.evaluate("window.__violations") == []


# What markup that slipped past every other check could try. Each sets the title if it runs.
ATTACKS = """
<script>document.title = 'ran: inline script'</script>
<img src="/nothing.png" onerror="document.title = 'ran: event handler'" alt="">
<a id="click-me" href="#" onclick="document.title = 'ran: onclick'">x</a>
<img src="https://attacker.example/pixel.png" alt="">
<script src="https://attacker.example/evil.js"></script>
<link rel="stylesheet" href="https://attacker.example/evil.css">
<iframe src="https://attacker.example/"></iframe>
<p style="background: url(https://attacker.example/bg.png)">styled</p>
"""


def test_with_no_headers_injected_script_handlers_and_offsite_loads_are_blocked(page, serve_dir, built_site,
                                                                                 tmp_path):
    real_page = (built_site / "index.html").read_text()
    attacked = real_page.replace("</main>", ATTACKS + "</main>", 1)
    assert attacked != real_page and "Content-Security-Policy" in attacked
    (tmp_path / "index.html").write_text(attacked)
    (tmp_path / "assets").symlink_to(built_site / "assets")
    base = serve_dir(tmp_path)
    page.add_init_script(RECORD_VIOLATIONS)
    offsite, blocked = [], []  # Chromium reports a load the policy blocked as a request that failed at once
    page.on("request", lambda request: offsite.append(request.url) if not request.url.startswith(base) else None)
    page.on("requestfailed", lambda request: blocked.append(request.url) if request.failure == "csp" else None)
    response = page.goto(base + "/")
    assert "content-security-policy" not in response.headers
    title = page.title()
    page.click("#click-me")
    page.wait_for_timeout(200)
    assert page.title() == title and not title.startswith("ran")
    assert len(offsite) == 3 and sorted(offsite) == sorted(blocked)  # the picture, the script, the stylesheet
    violations = page.evaluate("window.__violations")
    for directive in ("script-src-elem", "script-src-attr", "img-src", "style-src-elem", "style-src-attr",
                      "frame-src"):
        assert any(v.startswith(directive) for v in violations), (directive, violations)


def test_the_stylesheet_and_script_the_policy_allows_do_run(page, serve_dir, built_site, site_headers):
    base = serve_dir(built_site, headers=site_headers)
    page.goto(base + "/poster/")
    header_colour = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header_colour not in ("rgba(0, 0, 0, 0)", "transparent")  # site.css applied
    assert page.evaluate("document.querySelector('.print-button').hidden") is False  # site.js ran


def test_the_test_server_really_enforces_the_policy(page, serve_dir, tmp_path, site_headers):
    (tmp_path / "index.html").write_text('<!doctype html><title>t</title><p style="color: red">x</p>'
                                         "<script>document.title = 'ran'</script>")
    base = serve_dir(tmp_path, headers=site_headers)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(base + "/")
    assert page.title() == "t"
    violations = page.evaluate("window.__violations")
    assert any(v.startswith("script-src") for v in violations)
    assert any(v.startswith("style-src") for v in violations)
