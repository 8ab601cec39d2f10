"""Share cards (ssg/build/share_cards.py): 1200 x 630 PNGs with the page's title, Welsh letters included."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from ssg.build import share_cards
from ssg.build.share_cards import BOLD, font


def glyph(character: str) -> bytes:
    mask = font(BOLD, 80).getmask(character)
    return bytes(mask) + repr(mask.size).encode()


def test_the_missing_glyph_reference_is_really_the_missing_glyph_box():
    assert glyph("\u0378") == glyph("\u0379")  # two unassigned code points draw the same box


@pytest.mark.parametrize("letter, plain", [("ŵ", "w"), ("ŷ", "y"), ("Ŵ", "W"), ("Ŷ", "Y"), ("â", "a")])
def test_welsh_letters_render_with_the_font_in_the_repository(letter, plain):
    assert glyph(letter) != glyph("\u0378"), f"{letter} is drawn as the missing-glyph box"
    assert glyph(letter) != glyph(plain), f"{letter} lost its accent"


def test_a_card_is_1200_by_630_and_shows_the_title():
    data = share_cards.draw("Peidiwch â’i ffilmio: helpwch yn ddiogel, ŵyr ac ŷd", "Call")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert data != share_cards.draw("Another title", "Call")
    navy = image.convert("RGB").getpixel((600, 20))
    assert navy == (0x12, 0x26, 0x5c)


def test_long_titles_wrap_smaller_and_never_leave_the_card():
    size, lines = share_cards.fit_title("Why filming an assault on a police officer for laughs and posting it online "
                                        "harms the officer, the case and you")
    assert len(lines) <= share_cards.MAX_LINES and size < share_cards.TITLE_SIZES[0]
    room = share_cards.WIDTH - share_cards.MARGIN - 80
    assert all(font(BOLD, size).getlength(line) <= room for line in lines)
    size, lines = share_cards.fit_title("word " * 80)
    assert len(lines) == share_cards.MAX_LINES and lines[-1].endswith("…")


def test_cards_are_cached_and_a_damaged_cached_card_is_drawn_again(tmp_path, monkeypatch):
    first = share_cards.cached_card("A title", "Call", tmp_path)
    [png] = tmp_path.glob("*.png")
    png.write_bytes(b"tampered")
    assert share_cards.cached_card("A title", "Call", tmp_path) == first
    monkeypatch.setattr(share_cards, "draw", lambda *a: pytest.fail("drawn again"))
    assert share_cards.cached_card("A title", "Call", tmp_path) == first


def test_a_card_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    def disk_full(*_):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(share_cards, "write_atomically", disk_full)
    assert share_cards.cached_card("A title", "Call", tmp_path) == share_cards.draw("A title", "Call")
    assert list(tmp_path.iterdir()) == []


def test_every_page_of_a_built_site_has_its_own_card_unless_it_has_a_picture(make_site, build_site):
    from tests.conftest import MINIMAL_CONFIG
    from tests.test_pictures import photo
    from tests.test_svg_pictures import GOOD
    article = "---\ntitle: Ŵyr yn helpu\nsummary: S.\ndate: 2024-01-02\ntags: [law]\n{front}---\nText.\n"
    root = make_site({"site.yaml": MINIMAL_CONFIG + "share_cards: true\n",
                      "content/articles/a.md": article.format(front=""),
                      "content/images/p.jpg": photo(600, 400), "content/images/steps.svg": GOOD,
                      "content/articles/b.md": article.format(front="image: images/p.jpg\nimage_alt: A phone.\n"),
                      "content/articles/c.md": article.format(front="image: images/steps.svg\nimage_alt: Steps.\n")})
    assert build_site(root).status == 0
    # Articles, an article whose picture is an SVG (social sites show none), the home page, and the list pages.
    for page, title in (("index.html", None), ("articles/a/index.html", "Ŵyr yn helpu"),
                        ("articles/c/index.html", "Ŵyr yn helpu"), ("articles/index.html", "Articles"),
                        ("tags/index.html", "Topics"), ("tags/law/index.html", "Articles about law")):
        html = (root / "_site" / page).read_text()
        card = page.replace("index.html", "share.png")
        assert f'<meta property="og:image" content="https://example.org/{card}">' in html, page
        assert f'<meta name="twitter:image" content="https://example.org/{card}">' in html, page
        assert '<meta property="og:image:width" content="1200">' in html
        assert '<meta property="og:image:height" content="630">' in html
        if title:
            assert f'<meta property="og:image:alt" content="{title}' in html, page
        assert Image.open(root / "_site" / card).size == (1200, 630), card
    b = (root / "_site/articles/b/index.html").read_text()
    assert '<meta property="og:image" content="https://example.org/images/p.jpg">' in b
    assert '<meta property="og:image:width" content="600">' in b
    assert '<meta property="og:image:height" content="400">' in b
    assert '<meta property="og:image:alt" content="A phone.">' in b
    assert not (root / "_site/articles/b/share.png").exists()
    assert "/assets/share." in (root / "_site/404.html").read_text()
    assert not list((root / "_site").glob("404*share.png"))
    (root / "site.yaml").write_text((root / "site.yaml").read_text().replace("share_cards: true\n", ""))
    assert build_site(root).status == 0 and not list((root / "_site").rglob("share.png"))
    assert '<meta property="og:image:width" content="1200">' in (root / "_site/tags/law/index.html").read_text()
