"""The content editor in a real browser: `build.py serve --cms`, Decap CMS at /admin/, decap-server writing content/.

An editor fills in the form generated from the content model; the file Decap writes must be one
the build accepts, under the name the build expects. Every request the page makes goes to the
preview (anything else is blocked and fails the test), and the admin page's own CSP is never violated.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from .helpers import REPO_ROOT, origin_of, require_npm_file
from conftest import MINIMAL_CONFIG, QUOTE, run_cli
from preview_process import EPOCH, WAIT_SECONDS, PreviewProcess, free_port

PATIENCE_MS = WAIT_SECONDS * 1000
WELSH = MINIMAL_CONFIG + "languages:\n  - code: cy\n    name: Cymraeg\n"
VISIT = "---\ntitle: Visit us\nsummary: Where we are.\n---\nCome and see us.\n"
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
                          e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def cms(make_site):
    """A tiny site in two languages, with a quote and a page, served with --cms; yields (server, site)."""
    require_npm_file(REPO_ROOT / "node_modules/decap-cms/dist/decap-cms.js")
    site = make_site({"site.yaml": WELSH, "content/quotes/ada.md": QUOTE, "content/pages/visit.md": VISIT})
    server = PreviewProcess(site, "--cms", "--cms-port", str(free_port()), env=EPOCH).wait_until_serving()
    yield server, site
    assert server.stop() == 0


@pytest.fixture
def editor(page, cms):
    """The page, logged in to /admin/ (the local backend's Login button), with requests watched."""
    server, _ = cms
    offsite: list[str] = []

    def only_the_preview(route) -> None:
        if origin_of(route.request.url) == origin_of(server.url):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort("blockedbyclient")

    page.route("**/*", only_the_preview)
    page.add_init_script(WATCH_CSP)
    page.set_default_timeout(PATIENCE_MS)
    page.goto(f"{server.url}/admin/")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Articles").first.wait_for()
    yield page
    assert offsite == [], "the editor made requests that leave this computer"
    assert page.evaluate("window.cspViolations") == [], "the admin page broke its own CSP"


def field(page, name: str, pane: int = 0):
    """The input of the form field for the setting `name` (Decap gives it the id <name>-field-<number>);
    pane 1 is the second language's, beside the main language's."""
    return page.locator(f'[id^="{name}-field-"]').nth(pane)


def write_body(page, lines: list[str], pane: int = 0) -> None:
    """Type the body's lines into the Markdown box (Decap's raw mode: an editable area with no id)."""
    page.locator("[contenteditable=true]").nth(pane).click()
    for number, line in enumerate(lines):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(line)


def publish(page) -> None:
    """Publish, then Publish now in the menu it opens."""
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_role("menuitem", name="Publish now").click()


def save(page, server) -> str:
    """Publish, wait for Decap's "Changes saved", then for the build the save starts; the build's last line.

    The order matters. With Playwright's sync API, the route handler that lets the page's requests
    through (see `editor`) runs only while the test is inside a Playwright call. A test that went
    straight from the click to waiting on the server would itself hold back the save request, which
    Decap sends a moment after the click (it did, in about one run in fifty; microsoft/playwright#31101).
    """
    before = server.mark()
    publish(page)
    page.get_by_text("Changes saved").first.wait_for()
    return server.wait_for_build(before)


def test_an_article_written_in_the_editor_is_a_file_the_build_accepts(editor, cms):
    server, site = cms
    editor.goto(f"{server.url}/admin/#/collections/articles/new")
    field(editor, "title").fill("Help safely at a scene")
    field(editor, "summary").fill("What to do when an officer is attacked.")
    field(editor, "date").fill("2024-01-02")
    field(editor, "tags").fill("law, footage")
    write_body(editor, ["Call 999 and give the location.", "", "[[quote: ada]]"])
    built = save(editor, server)
    assert not built.startswith("error"), built
    written = site / "content/articles/help-safely-at-a-scene.md"  # the main language: no .en-GB in the name
    assert written.read_text().startswith(
        "---\ntitle: Help safely at a scene\nsummary: What to do when an officer is attacked.\ndraft: false\n"
        "date: 2024-01-02\ntags:\n  - law\n  - footage\n---\nCall 999 and give the location.\n\n[[quote: ada]]\n")
    assert sorted(path.name for path in (site / "content/articles").iterdir()) == [written.name]  # no empty Welsh file
    page = server.get("/articles/help-safely-at-a-scene/")
    assert page.status == 200 and "Call 999 and give the location." in page.body
    assert "We want people to help safely." in page.body  # the quote directive became the quote
    assert "decap" not in page.body.lower()  # the public pages carry none of the editor's script
    result = run_cli("build", "--root", site)
    assert result.status == 0 and "warning" not in (result.out + result.err).lower(), result.out + result.err


def test_the_welsh_translation_of_a_page_is_name_cy_md_and_appears_under_cy(editor, cms):
    server, site = cms
    editor.goto(f"{server.url}/admin/#/collections/pages/entries/visit")
    assert field(editor, "title").input_value() == "Visit us"  # visit.md is the main language's file
    # stand-ins for the Welsh words: the tests never invent a translation
    field(editor, "title", pane=1).fill("Visit us (cy test)")
    field(editor, "summary", pane=1).fill("Where we are (cy test).")
    write_body(editor, ["The body (cy test)."], pane=1)
    built = save(editor, server)
    assert not built.startswith("error"), built
    assert sorted(path.name for path in (site / "content/pages").iterdir()) == ["index.md", "visit.cy.md", "visit.md"]
    welsh = server.get("/cy/visit/")
    assert welsh.status == 200 and "Visit us (cy test)" in welsh.body and "The body (cy test)." in welsh.body
    assert "Visit us" in server.get("/visit/").body


def test_saving_without_a_required_field_is_refused(editor, cms):
    server, site = cms
    editor.goto(f"{server.url}/admin/#/collections/articles/new")
    field(editor, "summary").fill("No title was given.")
    field(editor, "date").fill("2024-01-02")
    publish(editor)
    editor.get_by_text("is required").first.wait_for()
    assert not (site / "content/articles").exists() or list((site / "content/articles").iterdir()) == []


def test_an_edited_quote_reaches_its_page(editor, cms):
    server, site = cms
    editor.goto(f"{server.url}/admin/#/collections/quotes/entries/ada")
    role = field(editor, "role")
    role.wait_for()
    assert role.input_value() == "Chief Constable"
    role.fill("Chief Constable of Example Police")
    built = save(editor, server)
    assert not built.startswith("error"), built
    assert "role: Chief Constable of Example Police\n" in (site / "content/quotes/ada.md").read_text()
    assert sorted(path.name for path in (site / "content/quotes").iterdir()) == ["ada.md"]
    assert "Chief Constable of Example Police" in server.get("/quotes/ada/").body


def test_the_preview_pane_uses_the_sites_stylesheet(editor, cms):
    server, site = cms
    editor.goto(f"{server.url}/admin/#/collections/facts/new")  # one language: the preview is beside the form
    preview = editor.frame_locator("iframe").first
    preview.locator("link[rel=stylesheet][href='/admin/site.css']").wait_for(state="attached")
    assert server.get("/admin/site.css").body == (site / "static/site.css").read_text()


def test_the_admin_pages_have_their_own_policy_and_are_never_indexed_or_published(cms):
    server, site = cms
    for path in ("/admin/", "/admin/config.yml", "/admin/decap-cms.js"):
        answer = server.get(path)
        assert answer.status == 200, path
        assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
        policy = answer.headers["Content-Security-Policy"]
        assert "connect-src 'self';" in policy and "default-src 'none'" in policy and "http" not in policy
    page = server.get("/admin/").body
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "/_serve/live.js" not in page  # the editor's page never reloads itself under the editor's hands
    assert "proxy_url: /admin/api/v1" in server.get("/admin/config.yml").body
    published = run_cli("build", "--root", site)
    assert published.status == 0, published.err
    assert not (site / "_site/admin").exists()
    for listing in ("sitemap.xml", "feed.xml"):
        assert "admin" not in (site / "_site" / listing).read_text(), listing


def post_to_backend(server, path: str, origin: str | None) -> int:
    """Ask the preview's /admin/api/v1 to save a picture at `path`, as a page of `origin` would; the status."""
    request = {"action": "persistMedia", "params": {"branch": "main", "options": {"commitMessage": "a picture"},
                                                    "asset": {"path": path, "content": "aGk=", "encoding": "base64"}}}
    headers = {"Content-Type": "application/json", **({"Origin": origin} if origin else {})}
    sent = urllib.request.Request(f"{server.url}/admin/api/v1", data=json.dumps(request).encode(), method="POST",
                                  headers=headers)
    try:
        with urllib.request.urlopen(sent, timeout=WAIT_SECONDS) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_only_the_previews_own_pages_may_use_the_editors_backend(cms):
    server, site = cms
    for origin in ("https://example.org", "http://127.0.0.1.example.org", None):
        assert post_to_backend(server, "content/images/x.png", origin) == 403, origin
    assert post_to_backend(server, ".git/config", server.url) == 403  # nothing outside content/
    assert not (site / "content/images/x.png").exists() and not (site / ".git").exists()
    assert post_to_backend(server, "content/images/x.png", server.url) == 200
    assert (site / "content/images/x.png").read_bytes() == b"hi"
