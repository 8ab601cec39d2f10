"""Pictures in a real browser: Chromium picks the AVIF version, and nothing shifts while they load."""
from __future__ import annotations

from tests.test_pictures import photo

BODY = "Some text to read first.\n\n![A red test picture](images/red.jpg)\n\n" + "More text.\n\n" * 40 + \
       "![A blue test picture](images/blue.jpg)\n"


def test_pictures_load_as_avif_with_no_layout_shift(page, serve_dir, make_site, build_site):
    root = make_site({"content/images/red.jpg": photo(1400, 700),
                      "content/images/blue.jpg": photo(900, 900, colour=(0, 0, 200)),
                      "content/articles/a.md": f"---\ntitle: A\nsummary: S.\ndate: 2024-01-02\n---\n{BODY}"})
    assert build_site(root).status == 0
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(list => { for (const e of list.getEntries())
        if (!e.hadRecentInput) window.__shift += e.value; }).observe({type: 'layout-shift', buffered: true});""")
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(serve_dir(root / "_site") + "/articles/a/")
    first = page.locator("picture img").first
    first.evaluate("img => img.decode()")
    assert first.evaluate("img => img.currentSrc").endswith(".avif"), "Chromium should choose the AVIF source"
    assert first.evaluate("img => img.naturalWidth") > 0
    assert first.get_attribute("loading") is None
    assert page.locator("picture img").nth(1).get_attribute("loading") == "lazy"
    page.mouse.wheel(0, 20000)
    last = page.locator("picture img").nth(1)
    last.scroll_into_view_if_needed()
    last.evaluate("img => img.decode()")
    assert last.evaluate("img => img.currentSrc").endswith(".avif")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shift") == 0, "a picture moved the text as it loaded"


def test_an_svg_picture_shows_at_its_viewbox_size(page, serve_dir, make_site, build_site):
    from tests.test_svg_pictures import GOOD
    root = make_site({"content/images/steps.svg": GOOD,
                      "content/articles/a.md": "---\ntitle: A\nsummary: S.\ndate: 2024-01-02\n---\n"
                                               "Text.\n\n![Call 999 and say where](images/steps.svg)\n"})
    assert build_site(root).status == 0
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(serve_dir(root / "_site") + "/articles/a/")
    img = page.locator('img[src$="steps.svg"]')
    img.evaluate("img => img.decode()")
    assert img.evaluate("img => img.complete && img.naturalWidth > 0"), "Chromium shows the SVG"
    box = img.bounding_box()
    assert box["width"] > 300 and abs(box["width"] / box["height"] - 2) < 0.01, "the page keeps the drawing's shape"
    red = img.evaluate("""img => { const c = document.createElement('canvas'); c.width = 800; c.height = 400;
        const pen = c.getContext('2d'); pen.drawImage(img, 0, 0, 800, 400);
        return Array.from(pen.getImageData(700, 50, 1, 1).data); }""")
    assert red == [0xb1, 0x0e, 0x1e, 255], "the drawing itself is painted, not a broken-image icon"
