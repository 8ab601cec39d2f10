"""Issue 6: the real site works under its own security headers, in Debian's Chromium.

The site is built once; a test server sends the headers of the generated `_headers` file
(Content-Security-Policy and the rest) with every response. Every page is loaded: no CSP
violation, no console error, and the stylesheet and script the policy allows do apply.
A page with an inline script proves the server really enforces the policy.
"""
from __future__ import annotations

import pytest

from conftest import PROJECT, run_cli
from test_security import parse_headers

from .helpers import collect_console_errors

# Recorded before any page script runs; Playwright's init scripts are not subject to the page's CSP.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline code')));
"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("csp") / "_site"
    result = run_cli("build", "--root", PROJECT, "--out", out)
    assert result.status == 0, result.err
    return out


@pytest.fixture(scope="module")
def site_headers(built_site) -> dict[str, str]:
    """The headers `_headers` gives every page of a site published at the root of its host."""
    headers = parse_headers((built_site / "_headers").read_text())["/*"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    return headers


def page_addresses(site) -> list[str]:
    return sorted("/" + path.relative_to(site).as_posix().removesuffix("index.html") for path in site.rglob("*.html")
                  if b'http-equiv="refresh"' not in path.read_bytes())  # not the short links' redirect pages


def test_every_page_works_under_the_sites_own_headers(page, serve_dir, built_site, site_headers):
    base = serve_dir(built_site, headers=site_headers)
    page.add_init_script(RECORD_VIOLATIONS)
    errors = collect_console_errors(page)
    problems = {}
    addresses = page_addresses(built_site)
    for address in addresses:
        response = page.goto(base + address)
        assert response.headers["content-security-policy"] == site_headers["Content-Security-Policy"]
        found = page.evaluate("window.__violations") + errors
        if found:
            problems[address] = found
        errors.clear()
    assert len(addresses) > 40
    assert problems == {}


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
