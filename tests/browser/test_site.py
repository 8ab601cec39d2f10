"""Issue 3: the real campaign site, used as a person would, in Debian's Chromium.

The site is built once for the test run. Every page goes through axe (WCAG 2.2 A and AA) at the
narrowest phone width, with its console errors, off-site requests, CSP violations, horizontal scroll
and outline checked on the way; then the Nu Html Checker validates every page in one Java run. Both are done
once per test run (test_languages.py asserts on the Welsh pages' part of the same findings,
test_csp.py on the policy's part). Screenshots of
the home page go to tests/artifacts/ (home-phone.png, home-desktop.png) for people to look at.
"""
from __future__ import annotations

import dataclasses
import re

import pytest

from ssg.model.config import load_config

from .conftest import ARTIFACTS, serve
from .helpers import (
    RECORD_VIOLATIONS,
    HtmlError,
    collect_console_errors,
    collect_offsite_requests,
    run_axe,
    validate_html,
)
from conftest import PROJECT, once_per_run

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
NARROWEST = {"width": 320, "height": 640}
HOME_PAGE_BUDGET = 40 * 1024  # bytes, uncompressed: HTML, CSS, script and pictures the page loads
FOCUS_YELLOW = "rgb(255, 221, 0)"

# Problems axe does not report as WCAG failures but people still meet: one h1, no skipped heading
# level, the landmarks, a skip link first, and no sideways scrolling.
OUTLINE_PROBLEMS = """() => {
  const problems = [];
  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => +h.tagName[1]);
  if (levels.filter(level => level === 1).length !== 1 || levels[0] !== 1) problems.push('not one h1, first');
  levels.forEach((level, i) => {
    if (i && level > levels[i - 1] + 1) problems.push('heading level skipped: ' + levels);
  });
  for (const landmark of ['header', 'nav', 'main', 'footer']) {
    if (!document.querySelector(landmark)) problems.push('no <' + landmark + '>');
  }
  const first = document.querySelector('a, button');
  if (!first || first.getAttribute('href') !== '#main') problems.push('the first link is not the skip link');
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth) {
    problems.push('scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide');
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def built_site(real_site):
    """The real site (content/, templates/, static/, site.yaml), built once for the test run (conftest.py)."""
    return real_site


def page_addresses(site) -> list[str]:
    """The address of every HTML page of a built site, like /how-to-help/ and /404.html."""
    return sorted("/" + path.relative_to(site).as_posix().removesuffix("index.html") for path in site.rglob("*.html")
                  if b'http-equiv="refresh"' not in path.read_bytes())  # not the short links' redirect pages


def problems_on(page, base: str, addresses: list[str]) -> dict[str, dict[str, list[str]]]:
    """Each address's problems at 320 px, by kind: axe violations, outline problems, console errors,
    off-site requests and Content-Security-Policy violations. Only addresses with a problem are listed."""
    offsite = collect_offsite_requests(page, base)
    errors = collect_console_errors(page)
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_viewport_size(NARROWEST)
    problems = {}
    for address in addresses:
        page.goto(base + address)
        found = {"axe": [repr(v) for v in run_axe(page)], "outline": page.evaluate(OUTLINE_PROBLEMS),
                 "console errors": list(errors), "off-site requests": list(offsite),
                 "CSP violations": page.evaluate("window.__violations")}
        if any(found.values()):
            problems[address] = {kind: items for kind, items in found.items() if items}
        errors.clear()
        offsite.clear()
    return problems


@pytest.fixture(scope="session")
def every_page_at_320px(chromium_browser, real_site, tmp_path_factory) -> dict:
    """{"checked": every page's address, "problems": problems_on() every page, "policy headers": the
    responses that had a CSP header}, served with no headers and worked out once per test run:
    test_languages.py asserts on the Welsh pages' part, test_csp.py on the CSP violations,
    console errors and off-site requests."""
    def check() -> dict:
        context = chromium_browser.new_context()
        context.set_default_timeout(10_000)
        base, server = serve(real_site)
        try:
            page = context.new_page()
            policy_headers = []  # none: this is the host that sends no headers (test_csp.py)
            page.on("response", lambda response: policy_headers.extend(
                [response.url] if "content-security-policy" in response.headers else []))
            addresses = page_addresses(real_site)
            problems = problems_on(page, base, addresses)
            return {"checked": addresses, "problems": problems, "policy headers": policy_headers}
        finally:
            context.close()
            server.shutdown()
            server.server_close()
    return once_per_run(tmp_path_factory, "every-page-at-320px", check)


@pytest.fixture(scope="session")
def html_errors(real_site, tmp_path_factory) -> dict[str, list[HtmlError]]:
    """Each HTML file of the real site (its path) and its Nu Html Checker errors, from one run of the
    checker over the whole site per test run: test_languages.py asserts on the Welsh pages' part."""
    def check() -> dict[str, list[dict]]:
        errors = {str(path): [] for path in real_site.rglob("*.html")}
        for error in validate_html([real_site]):
            errors.setdefault(error.file, []).append(dataclasses.asdict(error))
        return errors
    found = once_per_run(tmp_path_factory, "html-errors", check)
    return {file: [HtmlError(**error) for error in errors] for file, errors in found.items()}


@pytest.mark.slow  # the first of the tests reading every_page_at_320px makes it
def test_every_page_is_accessible_stays_on_site_and_fits_a_320px_screen(every_page_at_320px, built_site):
    assert len(page_addresses(built_site)) > 40, "the whole site should have been checked"
    assert every_page_at_320px["checked"] == page_addresses(built_site)
    assert every_page_at_320px["problems"] == {}


def test_every_page_is_valid_html(html_errors, built_site):
    assert len(html_errors) > 40 and set(html_errors) >= {str(path) for path in built_site.rglob("*.html")}
    assert {file: errors for file, errors in html_errors.items() if errors} == {}


def test_keyboard_reaches_the_main_content_and_the_call_to_action(page, serve_dir, built_site):
    page.goto(serve_dir(built_site) + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link is visible when it has focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    call = page.locator(":focus")
    assert call.get_attribute("href") == "tel:999" and "999" in call.inner_text()
    assert call.evaluate("el => getComputedStyle(el).backgroundColor") == FOCUS_YELLOW, "focus is visible"


@pytest.mark.parametrize("name, viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_home_page_shows_999_without_scrolling(chromium_browser, serve_dir, built_site, name, viewport):
    """Also saves tests/artifacts/home-<name>.png: look at them after a design change."""
    context = chromium_browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(serve_dir(built_site) + "/")
        call = page.locator(".hero a[href='tel:999']")
        box = call.bounding_box()
        assert box and box["y"] + box["height"] <= viewport["height"], "the 999 button is above the fold"
        assert run_axe(page) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"home-{name}.png"), full_page=True)
    finally:
        context.close()


def test_home_page_weighs_at_most_40_kb(page, serve_dir, built_site):
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(serve_dir(built_site) + "/", wait_until="networkidle")
    sizes = {re.sub(r"^https?://[^/]+", "", r.url): len(r.body()) for r in responses}
    total = sum(sizes.values())
    print(f"\nhome page: {total} bytes in {len(sizes)} files: {sizes}")
    assert {address.rsplit(".", 1)[-1] for address in sizes} >= {"/", "css", "js"}, sizes
    assert total <= HOME_PAGE_BUDGET, sizes


def test_pages_work_the_same_without_javascript(chromium_browser, serve_dir, built_site):
    base = serve_dir(built_site)
    links = {}
    for javascript in (True, False):
        context = chromium_browser.new_context(java_script_enabled=javascript, viewport=PHONE)
        try:
            page = context.new_page()
            page.goto(base + "/")
            assert page.locator(".hero a[href='tel:999']").is_visible()
            links[javascript] = page.eval_on_selector_all("main a", "links => links.map(a => a.href)")
            assert page.locator(".copy-link").is_visible() is javascript, "the copy button needs a script"
        finally:
            context.close()
    assert links[True] == links[False]


def test_poster_prints_on_one_a4_page_with_the_numbers_and_the_short_address(page, serve_dir, built_site):
    config = load_config(PROJECT)
    page.goto(serve_dir(built_site) + "/poster/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".site-footer").is_visible()
    poster = page.locator(".poster").inner_text()
    assert config.short_url in poster
    assert all(contact.number in poster for contact in config.contacts)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the poster needs more than one A4 sheet"


def test_printed_pages_keep_the_content_and_drop_the_menus(page, serve_dir, built_site):
    page.goto(serve_dir(built_site) + "/facts-and-figures/")
    assert not page.locator(".chart-data table").first.is_visible(), "on screen the table is folded away"
    page.emulate_media(media="print")
    for shown in ("main h1", ".sources", ".chart-data table"):
        assert page.locator(shown).first.is_visible(), shown
    for hidden in (".site-nav", ".share", ".emergency-strip", ".skip-link"):
        assert not page.locator(hidden).is_visible(), hidden
