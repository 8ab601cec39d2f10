"""The live preview in a real browser (Debian's Chromium): what an editor sees while `build.py serve` runs.

No test reloads the page itself: every change must reach the page through livereload.
"""
from __future__ import annotations

import time

from playwright.sync_api import expect

from conftest import article, run_cli
from preview_process import WAIT_SECONDS, preview  # noqa: F401 (preview: a fixture)

PATIENCE_MS = WAIT_SECONDS * 1000  # each wait ends as soon as its condition holds
CONNECTED = "() => window.LiveReload !== undefined && window.LiveReload.connector.protocol >= 7"


def open_live(page, url: str) -> None:
    """Open `url` and wait until its livereload script has connected to the server."""
    page.goto(url)
    wait_until_connected(page)


def wait_until_connected(page) -> None:
    page.wait_for_function(CONNECTED, timeout=PATIENCE_MS)


def test_an_edited_article_appears_without_a_manual_reload(page, make_site, preview):
    root = make_site({"content/articles/first.md": article("First", body="Before the edit.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")

    (root / "content/articles/first.md").write_text(article("First", body="After the edit."))

    expect(page.locator("main")).to_contain_text("After the edit.", timeout=PATIENCE_MS)


def test_two_saves_one_second_apart_both_appear(page, make_site, preview):
    root = make_site({"content/articles/first.md": article("First", body="Not saved yet.")})
    server = preview(root)
    open_live(page, f"{server.url}/articles/first/")

    first_save = time.monotonic()
    (root / "content/articles/first.md").write_text(article("First", body="The first save."))
    expect(page.locator("main")).to_contain_text("The first save.", timeout=PATIENCE_MS)
    wait_until_connected(page)
    time.sleep(max(0.0, first_save + 1 - time.monotonic()))
    (root / "content/articles/first.md").write_text(article("First", body="The second save."))

    expect(page.locator("main")).to_contain_text("The second save.", timeout=PATIENCE_MS)


def test_a_stylesheet_change_is_applied_without_reloading_the_page(page, make_site, preview):
    root = make_site()
    server = preview(root)
    open_live(page, f"{server.url}/")
    page.evaluate("window.sameDocument = true")

    with open(root / "static/site.css", "a") as css:
        css.write("\nmain { outline: 7px solid rgb(1, 2, 3); }\n")

    page.wait_for_function("getComputedStyle(document.querySelector('main')).outlineColor === 'rgb(1, 2, 3)'",
                           timeout=PATIENCE_MS)
    assert page.evaluate("window.sameDocument") is True


def test_broken_front_matter_shows_the_error_page_and_the_fix_brings_the_page_back(page, make_site, preview, tmp_path):
    good = article("First", body="The article itself.")
    root = make_site({"content/articles/first.md": good})
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
