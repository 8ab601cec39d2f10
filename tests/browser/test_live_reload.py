"""The live preview in a real browser (Debian's Chromium): what an editor sees while `build.py serve` runs.

No test reloads the page itself: every change must reach the page through serve's socket and script.
Every test site's pages carry the published site's strict CSP as a meta tag (no inline script,
`script-src 'self'`), and no test may see a CSP violation: serve's script must work under it.
"""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from ssg.build.outputs import CONTENT_SECURITY_POLICY

from .helpers import run_axe
from conftest import MINIMAL_CONFIG, article, run_cli
from preview_process import WAIT_SECONDS, preview  # noqa: F401 (preview: a fixture)

PATIENCE_MS = WAIT_SECONDS * 1000  # each wait ends as soon as its condition holds
CONNECTED = "() => window.serveLive !== undefined && window.serveLive.connected"
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
# Added to the test site's base template: something to open, to focus, and a script of the site's own.
DETAILS = '<details id="more"><summary id="more-summary">More</summary><p>Folded text.</p></details>'
# Runs in every page: notes CSP violations, and counts navigations (a patch in place makes none).
WATCH = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
                          e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') || 0) + 1));
"""


@pytest.fixture
def live_site(make_site):
    """make_site(), with the strict CSP meta tag and a <details> in every page."""
    def make(files: dict[str, str] | None = None):
        root = make_site(files)
        base = root / "templates/base.html"
        text = base.read_text().replace("<head>", "<head>\n" + CSP_META, 1)
        base.write_text(text.replace('<div class="wrap main-body">', '<div class="wrap main-body">' + DETAILS, 1))
        return root
    return make


@pytest.fixture
def live_page(page):
    page.add_init_script(WATCH)
    yield page
    assert page.evaluate("window.cspViolations") == [], "serve's script broke the page's CSP"


def open_live(page, url: str) -> None:
    """Open `url` and wait until serve's script has connected to the server."""
    page.goto(url)
    wait_until_connected(page)


def wait_until_connected(page) -> None:
    page.wait_for_function(CONNECTED, timeout=PATIENCE_MS)


def loads(page) -> int:
    """How many times this tab has loaded a page (a reload counts, a patch in place does not)."""
    return int(page.evaluate("sessionStorage.getItem('loads')"))


def long_article(body: str) -> str:
    return article("First", body=body + "\n\n" + "\n\n".join(f"Paragraph {n} of filler." for n in range(80)))


def test_an_edit_is_patched_in_place_keeping_scroll_focus_and_open_details(live_page, live_site, preview):
    page = live_page
    root = live_site({"content/articles/first.md": long_article("Before the edit.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")
    page.evaluate("document.getElementById('more').open = true")
    page.focus("#more-summary")
    page.evaluate("window.scrollTo(0, 400)")
    page.evaluate("window.sameDocument = true")

    (root / "content/articles/first.md").write_text(long_article("After the edit."))

    expect(page.locator("main")).to_contain_text("After the edit.", timeout=PATIENCE_MS)
    assert page.evaluate("window.sameDocument") is True and loads(page) == 1
    assert page.evaluate("window.scrollY") == 400
    assert page.evaluate("document.activeElement.id") == "more-summary"
    assert page.evaluate("document.getElementById('more').open") is True


def test_a_stylesheet_change_is_applied_without_reloading_the_page(live_page, live_site, preview):
    page = live_page
    root = live_site()
    server = preview(root)
    open_live(page, f"{server.url}/")
    page.evaluate("window.sameDocument = true")

    with open(root / "static/site.css", "a") as css:
        css.write("\nmain { outline: 7px solid rgb(1, 2, 3); }\n")

    page.wait_for_function("() => getComputedStyle(document.querySelector('main')).outlineColor === 'rgb(1, 2, 3)'",
                           timeout=PATIENCE_MS)
    assert page.evaluate("window.sameDocument") is True and loads(page) == 1


@pytest.mark.parametrize("change", ["template", "script"])
def test_a_change_a_patch_cannot_express_reloads_the_whole_page(live_page, live_site, preview, change):
    page = live_page
    root = live_site({"content/articles/first.md": article("First", body="The article.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")
    page.evaluate("window.sameDocument = true")

    if change == "template":
        base = root / "templates/base.html"
        base.write_text(base.read_text().replace("<main", '<p id="changed">A new template.</p><main', 1))
        expect(page.locator("#changed")).to_have_text("A new template.", timeout=PATIENCE_MS)
    else:
        with open(root / "static/site.js", "a") as script:
            script.write("\ndocument.documentElement.dataset.newScript = 'ran';\n")
        page.wait_for_function("() => document.documentElement.dataset.newScript === 'ran'", timeout=PATIENCE_MS)

    assert page.evaluate("window.sameDocument") is None and loads(page) == 2  # reloaded, once
    expect(page.locator("main")).to_contain_text("The article.")


def test_broken_front_matter_shows_the_error_page_and_the_fix_brings_the_page_back(live_page, live_site, preview,
                                                                                     tmp_path):
    page = live_page
    good = article("First", body="The article itself.")
    root = live_site({"content/articles/first.md": good})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")

    (root / "content/articles/first.md").write_text(good.replace("title: First", "title: [First", 1))

    message = run_cli("build", "--root", root, "--out", tmp_path / "elsewhere").err.removeprefix("error: ").strip()
    assert message.startswith("content/articles/first.md:") and "\nhint: " in message
    expect(page.locator("#build-error")).to_have_text(message, timeout=PATIENCE_MS)
    wait_until_connected(page)

    (root / "content/articles/first.md").write_text(good)

    expect(page.locator("main")).to_contain_text("The article itself.", timeout=PATIENCE_MS)
    expect(page.locator("#build-error")).to_have_count(0, timeout=PATIENCE_MS)


def test_two_saves_in_quick_succession_both_arrive(live_page, live_site, preview):
    page = live_page
    root = live_site({"content/articles/first.md": article("First", body="Not saved yet.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")
    page.evaluate("""window.seen = [];
        new MutationObserver(() => window.seen.push(document.querySelector('main').textContent))
            .observe(document.body, {subtree: true, childList: true, characterData: true});""")

    mark = server.mark()
    (root / "content/articles/first.md").write_text(article("First", body="The first save."))
    server.wait_for_build(mark)  # the page is told now, and fetches and patches while the second save comes
    (root / "content/articles/first.md").write_text(article("First", body="The second save."))

    expect(page.locator("main")).to_contain_text("The second save.", timeout=PATIENCE_MS)
    seen = page.evaluate("window.seen")
    assert any("The first save." in text for text in seen), "the first save never showed"
    time.sleep(0.5)  # nothing older may come back after the newest
    expect(page.locator("main")).to_contain_text("The second save.")
    assert loads(page) == 1


def test_two_saves_one_second_apart_both_appear(live_page, live_site, preview):
    page = live_page
    root = live_site({"content/articles/first.md": article("First", body="Not saved yet.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")

    first_save = time.monotonic()
    (root / "content/articles/first.md").write_text(article("First", body="The first save."))
    expect(page.locator("main")).to_contain_text("The first save.", timeout=PATIENCE_MS)
    time.sleep(max(0.0, first_save + 1 - time.monotonic()))
    (root / "content/articles/first.md").write_text(article("First", body="The second save."))

    expect(page.locator("main")).to_contain_text("The second save.", timeout=PATIENCE_MS)


def test_every_open_tab_updates_its_own_page(live_page, live_site, preview):
    root = live_site({"content/articles/first.md": article("First", body="Old words.")})
    server = preview(root)
    article_tab, list_tab = live_page, live_page.context.new_page()
    open_live(article_tab, f"{server.url}/articles/first/")
    open_live(list_tab, f"{server.url}/articles/")

    (root / "content/articles/first.md").write_text(article("First, renamed", body="New words."))

    expect(article_tab.locator("main")).to_contain_text("New words.", timeout=PATIENCE_MS)
    expect(list_tab.locator("main")).to_contain_text("First, renamed", timeout=PATIENCE_MS)
    assert article_tab.url == f"{server.url}/articles/first/" and list_tab.url == f"{server.url}/articles/"
    assert "New words." not in list_tab.locator("main").text_content()


def test_serves_script_is_never_in_the_published_site(live_site, preview):
    root = live_site({"content/articles/first.md": article("First")})
    server = preview(root)

    served = server.get("/articles/first/").body
    on_disk = (root / "_site/articles/first/index.html").read_text()
    assert served == on_disk.replace("</head>", '<script src="/_serve/live.js"></script></head>', 1)
    assert not [path for path in (root / "_site").rglob("*") if path.is_file() and b"_serve" in path.read_bytes()]


# --- The build's warnings: a panel that blocks nothing -------------------------------------------

WARNINGS = "#serve-warnings section"
BROKEN = "See [the law](/no-such-page/) first."
WELSH = "languages:\n  - code: cy\n    name: Cymraeg\n"


def test_a_broken_link_shows_in_a_warnings_panel_the_page_still_updates_and_the_fix_clears_it(
        live_page, live_site, preview):
    page = live_page
    root = live_site({"content/articles/first.md": article("First", body="Fine so far.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")
    page.evaluate("window.sameDocument = true")
    expect(page.locator(WARNINGS)).to_have_count(0)

    (root / "content/articles/first.md").write_text(article("First", body="Fine so far.\n\n" + BROKEN))

    panel = page.get_by_role("region", name="Warnings (1)")
    expect(panel).to_be_visible(timeout=PATIENCE_MS)
    problem = "content/articles/first.md:8: the link 'the law' leads to /no-such-page/, which does not exist"
    hint = "check the address: link to pages like /how-to-help/ and to articles like other-article.md"
    assert server.lines[-3:-1] == [f"warning: {problem}", f"hint: {hint}"]  # as the terminal says it
    expect(panel.locator("li")).to_have_text(f"{problem}Hint: {hint}")
    assert page.locator("#serve-warnings").get_attribute("aria-live") == "polite"
    expect(page.locator("main")).to_contain_text("See the law first.")  # the page updated all the same
    assert page.evaluate("window.sameDocument") is True and loads(page) == 1

    # another edit patches the page in place: the panel stays, as the warning does
    (root / "content/articles/first.md").write_text(article("First", body="Still here.\n\n" + BROKEN))
    expect(page.locator("main")).to_contain_text("Still here.", timeout=PATIENCE_MS)
    expect(panel).to_be_visible()

    (root / "content/articles/first.md").write_text(article("First", body="Fixed.\n\nSee [the law](/).\n"))

    expect(page.locator(WARNINGS)).to_have_count(0, timeout=PATIENCE_MS)
    expect(page.locator("main")).to_contain_text("Fixed.")
    assert page.evaluate("window.sameDocument") is True and loads(page) == 1


def test_a_warning_on_another_page_stays_listed_until_that_page_is_fixed(live_page, live_site, preview):
    page = live_page
    root = live_site({"content/articles/first.md": article("First", body=BROKEN),
                      "content/articles/second.md": article("Second", date="2024-02-03", body="Second words.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/second/")  # a page opened after the warning was found is told too
    expect(page.get_by_role("region", name="Warnings (1)")).to_contain_text("content/articles/first.md:6:",
                                                                           timeout=PATIENCE_MS)

    (root / "content/articles/second.md").write_text(article("Second", date="2024-02-03", body="Edited."))

    expect(page.locator("main")).to_contain_text("Edited.", timeout=PATIENCE_MS)
    time.sleep(0.5)  # the build's warnings come just after the page's update
    expect(page.get_by_role("region", name="Warnings (1)")).to_contain_text("content/articles/first.md:6:")


def test_the_warnings_panel_is_hidden_with_the_keyboard_until_the_warnings_change(live_page, live_site, preview):
    page = live_page
    root = live_site({"content/articles/first.md": article("First", body=BROKEN)})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")
    hide = page.get_by_role("button", name="Hide warnings")
    expect(hide).to_be_visible(timeout=PATIENCE_MS)
    assert run_axe(page) == []  # the page with the panel on it

    hide.focus()
    page.keyboard.press("Escape")

    expect(page.locator(WARNINGS)).to_have_count(0)
    (root / "content/articles/first.md").write_text(article("First", body=BROKEN + "\n\n![](/no-picture.png)"))
    expect(page.get_by_role("region", name="Warnings (2)")).to_be_visible(timeout=PATIENCE_MS)
    page.get_by_role("button", name="Hide warnings").press("Enter")
    expect(page.locator(WARNINGS)).to_have_count(0)


def test_a_warning_quoting_markup_shows_it_as_text_and_runs_nothing(live_page, live_site, preview):
    page = live_page
    key = "<img src=x onerror=window.ran=1>"  # an unknown front matter key: a warning that quotes the file
    root = live_site({"content/articles/first.md": article("First", **{f'"{key}"': "yes"})})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")

    expect(page.locator("#serve-warnings li")).to_contain_text(f"unknown key '{key}' in the front matter",
                                                               timeout=PATIENCE_MS)
    assert page.locator("#serve-warnings img").count() == 0 and page.evaluate("window.ran") is None


def test_a_welsh_page_shows_the_warnings_and_the_error_page_in_welsh(live_page, live_site, preview):
    page = live_page
    good = article("Cyntaf", body="Geiriau da.")
    root = live_site({"site.yaml": MINIMAL_CONFIG + WELSH, "content/articles/first.md": article("First"),
                      "content/articles/first.cy.md": article("Cyntaf", body="Geiriau da.\n\n" + BROKEN)})
    server = preview(root)
    open_live(page, f"{server.url}/cy/articles/first/")

    # (the count is not pinned: /cy/articles/ also links to a /cy/tags/ this tiny site has no tags for)
    panel = page.get_by_role("region", name=re.compile(r"^Rhybuddion \(\d+\)$"))
    expect(panel.locator("li", has_text="content/articles/first.cy.md:8:")).to_contain_text(
        "Awgrym: check the address", timeout=PATIENCE_MS)
    expect(panel.get_by_role("button", name="Cuddio'r rhybuddion")).to_be_visible()
    assert panel.locator("li span").first.get_attribute("lang") == "en"  # the build's own words are English

    (root / "content/articles/first.cy.md").write_text(good.replace("title: Cyntaf", "title: [Cyntaf", 1))

    expect(page.locator("h1")).to_have_text("Nid oedd modd adeiladu'r wefan", timeout=PATIENCE_MS)
    assert page.evaluate("document.documentElement.lang") == "cy"
    expect(page.locator(WARNINGS)).to_have_count(0)  # the error page blocks: no panel over it
