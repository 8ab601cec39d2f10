"""Secure by default (issue 6): nothing an editor writes can inject markup or script,
the pages need nothing the Content-Security-Policy forbids, and _headers ships that policy.

Hostile Markdown (<script>, event handlers, javascript: links...) is refused with a
path:line error: those cases are in tests/bad_inputs.py (UNSAFE_MARKUP) and run by
tests/test_bad_input.py with the rest of the catalogue.
"""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bad_inputs import CHART, QUOTE_FRONT, md
from conftest import MINIMAL_CONFIG, PROJECT, run_cli, snapshot

PAYLOAD = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"  # runs if not escaped, in text or attributes
SHORT = "<i onclick=x>"  # for fields with a short length limit


def quoted(text: str) -> str:
    """`text` as a single-quoted YAML string."""
    return "'" + text.replace("'", "''") + "'"


def hostile_site(make_site) -> Path:
    """Every text an editor types outside Markdown bodies carries markup that must come out as text."""
    config = MINIMAL_CONFIG.replace("title: Test site", f"title: {quoted('Site ' + PAYLOAD)}").replace(
        "description: A site made by a test.", f"description: {quoted('About ' + PAYLOAD)}")
    config += (f"publisher: {quoted('Publisher ' + PAYLOAD)}\n"
               f"navigation:\n  - title: {quoted('Nav ' + PAYLOAD)}\n    url: /about/\n")
    chart = CHART.replace("title: T", f"title: {quoted('Chart ' + PAYLOAD)}").replace(
        "label: a", f"label: {quoted('Bar ' + SHORT)}")
    article = (f"title: {quoted('Title ' + PAYLOAD)}\nsummary: {quoted('Summary ' + PAYLOAD)}\ndate: 2024-01-02\n"
               f"tags: [{quoted('Tag ' + SHORT)}]\nsources:\n  - title: {quoted('Source ' + PAYLOAD)}\n"
               f"    publisher: {quoted('Publisher ' + PAYLOAD)}\n    url: https://example.org/\n")
    quote = QUOTE_FRONT.replace("A. Speaker", quoted("Speaker " + PAYLOAD)).replace(
        "Chief Constable", quoted("Role " + PAYLOAD))
    return make_site({
        "site.yaml": config,
        "content/articles/a.md": md(article, "[[quote: q]]\n\n[[chart: c]]"),
        "content/pages/about.md": md(f"title: {quoted('About ' + PAYLOAD)}\nsummary: {quoted('Page ' + PAYLOAD)}\n"
                                     f"image: /share.png\nimage_alt: {quoted('Alt ' + PAYLOAD)}\n"),
        "content/quotes/q.md": md(quote, "Words said."),
        "content/charts/c.yaml": chart,
    })


def test_front_matter_and_settings_cannot_inject_markup(make_site, build_site):
    root = hostile_site(make_site)
    result = build_site(root)
    assert result.status == 0, result.err
    texts = {name: data.decode() for name, data in snapshot(root / "_site").items() if name.endswith((".html", ".xml"))}
    for name, text in texts.items():
        assert "<script>alert" not in text and "<img src=x" not in text and "<i onclick" not in text, name
    page = texts["articles/a/index.html"]
    # The words are all there, as text: in the page, its head, the quote, the chart and the JSON-LD.
    for label in ("Site", "Title", "Summary", "Source", "Speaker", "Role", "Chart", "Nav", "Publisher"):
        assert f"{label} &lt;script&gt;alert(" in page, label
    for label in ("Tag", "Bar"):
        assert f"{label} &lt;i onclick=x&gt;" in page, label
    jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in jsonld and json.loads(jsonld)["headline"] == "Title " + PAYLOAD
    assert "Title &lt;script&gt;" in texts["feed.xml"]
    assert "Alt &lt;script&gt;" in texts["about/index.html"]


class PolicyChecker(HTMLParser):
    """What a page needs that the site's CSP (no inline script or style, nothing off-site) would block."""

    def __init__(self, origin: str) -> None:
        super().__init__(convert_charrefs=True)
        self.origin = origin
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("src", "srcset", "poster", "data") or (tag == "link" and name == "href"):
                if re.match(r"(?i)\s*(https?:)?//", value or "") and not (value or "").startswith(self.origin):
                    if not (tag == "link" and attributes.get("rel") in ("canonical", "alternate")):
                        self.problems.append(f"<{tag} {name}={value}> loads from another site")
        if tag == "script":
            self.in_script = "src" not in attributes and attributes.get("type") != "application/ld+json"
        if tag == "style":
            self.problems.append("<style> element")

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"inline script: {data[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    """The project's own site, built into a folder of its own."""
    out = tmp_path_factory.mktemp("real") / "_site"
    result = run_cli("build", "--root", PROJECT, "--out", out)
    assert result.status == 0, result.err
    return out


def test_every_page_of_the_real_site_works_under_the_policy(real_site):
    """No inline script, inline style, event handler or off-site resource on any page (the browser test runs them too)."""
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        checker = PolicyChecker("https://helpsafely.example.org/")
        checker.feed(page.read_text(encoding="utf-8"))
        assert checker.problems == [], page.relative_to(real_site)


def parse_headers(text: str) -> dict[str, dict[str, str]]:
    """Netlify / Cloudflare Pages `_headers`: a path line, then indented `Name: value` lines."""
    rules: dict[str, dict[str, str]] = {}
    path = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            path = line.strip()
            rules[path] = {}
        else:
            name, _, value = line.strip().partition(":")
            rules[path][name.strip()] = value.strip()
    return rules


def csp_directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_headers_file_ships_a_strict_policy_and_long_caching_for_fingerprinted_assets(real_site):
    rules = parse_headers((real_site / "_headers").read_text())
    everywhere = rules["/*"]
    policy = csp_directives(everywhere["Content-Security-Policy"])
    assert "'unsafe-inline'" not in everywhere["Content-Security-Policy"]
    assert "'unsafe-eval'" not in everywhere["Content-Security-Policy"]
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'none'"]
    assert everywhere["X-Content-Type-Options"] == "nosniff"
    assert everywhere["Referrer-Policy"] in ("no-referrer", "strict-origin-when-cross-origin", "same-origin")
    assert "camera=()" in everywhere["Permissions-Policy"] and "geolocation=()" in everywhere["Permissions-Policy"]

    cache = rules["/assets/*"]["Cache-Control"]
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 31_536_000
    assets = [p.relative_to(real_site).as_posix() for p in (real_site / "assets").rglob("*") if p.is_file()]
    assert assets and all(re.search(r"\.[0-9a-f]{8}\.\w+$", name) for name in assets)  # fingerprinted, so immutable
    assert not any(p.name == "index.html" for p in (real_site / "assets").rglob("*"))


def test_headers_follow_a_site_published_under_a_sub_path(make_site, build_site):
    root = make_site()
    assert build_site(root, "--base-url", "https://example.org/campaign/").status == 0
    rules = parse_headers((root / "_site" / "_headers").read_text())
    assert "Content-Security-Policy" in rules["/campaign/*"]
    assert "immutable" in rules["/campaign/assets/*"]["Cache-Control"]


def test_raw_html_for_simple_markup_stays_available(make_site, build_site):
    markup = ('<abbr title="Police and Criminal Evidence Act">PACE</abbr> and <kbd>999</kbd>, '
              '<a href="https://www.gov.uk/">GOV.UK</a>\n\n'
              '<details><summary>More</summary><p>Hidden <strong>text</strong>.</p></details>\n\n'
              '<img src="/share.png" alt="Poster" width="100">\n\n'
              '| Left | Right |\n|:-----|------:|\n| a | 1 |')
    root = make_site({"content/articles/a.md": md("title: A\nsummary: S.\ndate: 2024-01-02\n", markup)})
    result = build_site(root)
    assert result.status == 0, result.err
    page = html.unescape((root / "_site" / "articles" / "a" / "index.html").read_text())
    for kept in ('<abbr title="Police and Criminal Evidence Act">PACE</abbr>', "<kbd>999</kbd>",
                 '<a href="https://www.gov.uk/">GOV.UK</a>', "<details><summary>More</summary>",
                 '<img src="/share.png" alt="Poster" width="100">',
                 '<th class="align-left">Left</th>', '<td class="align-right">1</td>'):
        assert kept in page
