"""Issue 12: no content runs script, navigates the page or loads from another website, in Chromium,
from a plain static server that sends no HTTP headers (so no Content-Security-Policy header helps).

The build refuses every attack of tests/test_security.py (ATTACKS), so a built site cannot show
them. What would reach a reader if the sanitiser were the only guard is what nh3 makes of each
attack's HTML (the refusal only tells the editor that something would have been removed). So:

1. the control: each attack's HTML as Python-Markdown wrote it, unsanitised, on a page of its own:
   the harness must see the script run, the page navigate or the request leave, or it proves nothing;
2. the same attacks as the sanitiser gives them back, all on one page without any policy: nothing
   runs, navigates or leaves, and the page holds no handler, script URL or active element;
3. a real build, through the site's templates, of content that is allowed but tricky (markup shown
   as text, quotes and apostrophes in attributes, e-mail autolinks, a quote whose words close an
   attribute if pasted into one, links to other websites), every page loaded.
"""
from __future__ import annotations

import html

import pytest
from playwright.sync_api import Error as PlaywrightError

import ssg.markdown.markup
from ssg.markdown import sanitise

from .helpers import collect_offsite_requests
from bad_inputs import QUOTE_FRONT, md
from conftest import MINIMAL_CONFIG, PROJECT, run_cli, write_files
from test_security import ATTACKS

# What a page must not hold once it has loaded: event handlers, links that run script, pictures from
# elsewhere, and (with `elements`: not for the site's templates, which have buttons and SVG icons) any
# element that runs, loads, submits or hides something.
ACTIVE_CONTENT = """(elements) => {
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('on')) found.push(`<${element.localName} ${attribute.name}>`);
    }
    if (elements && ['script', 'iframe', 'frame', 'object', 'embed', 'base', 'meta', 'form', 'link', 'style', 'svg',
                     'math', 'template', 'noscript', 'video', 'audio', 'source', 'input', 'button', 'portal']
                    .includes(element.localName))
      found.push(`<${element.localName}>`);
  }
  for (const link of document.querySelectorAll('a[href], area[href]')) {
    if (!['http:', 'https:', 'mailto:', 'tel:'].includes(link.protocol)) found.push(`link to ${link.href}`);
  }
  for (const picture of document.querySelectorAll('img')) {
    if (new URL(picture.src, location.href).origin !== location.origin) found.push(`picture from ${picture.src}`);
  }
  return found;
}"""


class Watch:
    """Everything a page does that content must never make it do: run script (the payloads log
    'PWNED' and set window.__pwned), navigate, open a window, or send a request to another origin."""

    def __init__(self, page, base: str) -> None:
        self.page = page
        self.offsite = collect_offsite_requests(page, base)
        self.console: list[str] = []
        self.navigations: list[str] = []
        page.on("console", lambda message: self.console.append(message.text))
        page.on("dialog", lambda dialog: (self.console.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.on("popup", lambda popup: self.navigations.append(f"popup {popup.url}"))
        page.on("request", self._request)
        self.loading: str | None = None

    def _request(self, request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame and request.url != self.loading:
            self.navigations.append(request.url)

    def visit(self, url: str, until: str | None = None) -> dict[str, list[str]]:
        """Load `url`, give timers and refreshes a moment (or up to 5 s for the effect `until`, if
        given: "ran", "navigated" or "offsite"), and say what happened."""
        self.offsite.clear(), self.console.clear(), self.navigations.clear()
        self.loading = url
        self.page.goto(url)
        for _ in range(50 if until else 1):
            self.page.wait_for_timeout(100 if until else 400)  # a refresh of 0 seconds, an image's error event
            if until and self._seen()[until]:
                break
        return self._seen()

    def _seen(self) -> dict[str, list[str]]:
        ran = [text for text in self.console if "PWNED" in text or text.startswith("dialog")]
        try:
            if self.page.evaluate("window.__pwned === 1"):
                ran.append("window.__pwned was set")
        except PlaywrightError:  # the page is going elsewhere: a navigation, recorded as one
            self.navigations.append(f"away from {self.loading}")
        return {"ran": ran, "navigated": list(self.navigations), "offsite": list(self.offsite)}


def shell(title: str, fragment: str) -> str:
    """A plain page around a fragment: no script, no style, no policy of any kind."""
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"</head><body>\n{fragment}\n</body></html>\n")


def markdown_html(body: str) -> str:
    """A body's HTML as Python-Markdown (with our extensions and directives) writes it, before the sanitiser."""
    written = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ssg.markdown.markup, "sanitise", lambda fragment, *where: written.append(fragment) or fragment)
        ssg.markdown.markup.MarkdownConverter("/").convert(body, "content/articles/a.md", 6)
    return written[0].replace("\x02", "[directive ").replace("\x03", "]")


# Attacks that get through when nothing sanitises them, and what the harness must see each one do.
CONTROL = {
    "comment-bang-close": "ran", "cdata-inline": "ran", "bogus-comment": "ran", "onerror": "ran",
    "handler-upper-case": "ran", "noscript": "ran", "script": "ran",
    "meta-refresh": "navigated", "comment-hiding-meta-refresh": "navigated",
    "image-backslashes": "offsite", "image-slash-backslash": "offsite", "markdown-image-slash-backslash": "offsite",
    "srcset-second-candidate": "offsite", "background": "offsite", "image-element": "offsite",
    "poster-backslashes": "offsite", "stylesheet": "offsite",
}
BY_ID = {attack.id: attack for attack in ATTACKS}


def test_the_harness_sees_each_attack_get_through_when_nothing_sanitises_it(page, serve_dir, tmp_path):
    for name in CONTROL:
        (tmp_path / f"{name}.html").write_text(shell(name, markdown_html(BY_ID[name].markdown)), encoding="utf-8")
    base = serve_dir(tmp_path)
    watch = Watch(page, base)
    missed = {}
    for name, effect in CONTROL.items():
        seen = watch.visit(f"{base}/{name}.html", until=effect)
        if not seen[effect]:
            missed[name] = (effect, seen)
    assert missed == {}


def test_nothing_the_sanitiser_lets_through_runs_navigates_or_loads_from_elsewhere(page, serve_dir, tmp_path):
    sections = [f'<section id="{attack.id}">\n{sanitise.CLEANER.clean(markdown_html(attack.markdown))}\n</section>'
                for attack in ATTACKS]
    (tmp_path / "index.html").write_text(shell("every attack, sanitised", "\n".join(sections)), encoding="utf-8")
    base = serve_dir(tmp_path)
    watch = Watch(page, base)
    seen = watch.visit(f"{base}/index.html")
    assert seen == {"ran": [], "navigated": [], "offsite": []}
    assert page.evaluate(ACTIVE_CONTENT, True) == []
    assert page.locator("section").count() == len(ATTACKS)  # every fragment stayed inside its own section


TRICKY = {
    "content/articles/tricky.md": md("title: Tricky but allowed\nsummary: Markup shown as text.\ndate: 2024-01-02\n", (
        "Markup as text: <img/src=\"x\"/onerror=\"window.__pwned=1;console.log('PWNED')\"> and "
        "`<script>window.__pwned=1</script>` and &lt;b onclick=x&gt;.\n\n"
        "![A \"quoted\" title](/share.png \"a\\\" onerror=alert(1) x=\\\"\")\n\n"
        "[A link elsewhere](https://evil.example/page \"it's \\\"fine\\\"\") and <https://evil.example/auto>, "
        "mail <someone@example.org>, [call 999](tel:999).\n\n"
        "<abbr title='\"&gt;&lt;img src=x onerror=alert(1)&gt;'>PACE</abbr>\n\n"
        "## A heading's \"id\" {: #heading-with-quotes .lead }\n\n"
        "[[quote: closes]]\n\nA note[^n].\n\n[^n]: It says <code>&lt;script&gt;</code>.")),
    "content/quotes/closes.md": md(QUOTE_FRONT, "`' onmouseover=window.__pwned=1 x='` and \"double\" quotes."),
}


def test_a_built_site_of_tricky_but_allowed_content_runs_nothing(page, serve_dir, tmp_path):
    root = tmp_path / "site"
    for folder in ("templates", "static"):
        write_files(root, {str(path.relative_to(PROJECT)): path.read_bytes()
                           for path in (PROJECT / folder).rglob("*") if path.is_file()})
    write_files(root, {"site.yaml": MINIMAL_CONFIG, "content/pages/index.md": md("title: Home\nsummary: S.\n"),
                       **TRICKY})
    result = run_cli("build", "--root", root)
    assert result.status == 0, result.err
    site = root / "_site"
    base = serve_dir(site)
    watch = Watch(page, base)
    problems = {}
    pages = sorted("/" + path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    for address in pages:
        seen = watch.visit(base + address)
        active = page.evaluate(ACTIVE_CONTENT, False)
        if any(seen.values()) or active:
            problems[address] = (seen, active)
    assert len(pages) > 5 and problems == {}
    article = (site / "articles" / "tricky" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img/src=" in article and "onmouseover=window.__pwned=1" in article  # shown, as text
