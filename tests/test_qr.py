"""The poster's QR code (ssg/build/qr.py): the SVG in the built page decodes to the short link's full address."""
from __future__ import annotations

import re

import pytest
from PIL import Image

from tests.conftest import MINIMAL_CONFIG

zxingcpp = pytest.importorskip("zxingcpp")

POSTER = "---\ntitle: Poster\nsummary: A poster.\ntemplate: poster.html\n---\nCall 999.\n"


def raster(svg: str, scale: int = 8) -> Image.Image:
    """Draw segno's SVG path ('M4 4.5h7m1 0h2...': one row of dark modules per h) as a black and white picture."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1)) // 4  # scale(4) in the SVG
    image = Image.new("L", (size * scale, size * scale), 255)
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            row = int(y)
            image.paste(0, (int(x * scale), row * scale, int((x + values[0]) * scale), (row + 1) * scale))
            x += values[0]
    return image


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/campaign/"])
def test_the_poster_qr_code_opens_its_short_link(make_site, build_site, base_url):
    config = MINIMAL_CONFIG.replace("https://example.org/", base_url)
    root = make_site({"site.yaml": config + "short_url: example.org\nshort_links:\n  - {path: /help, to: /about/}\n",
                      "content/pages/about.md": "---\ntitle: About\nsummary: About us.\n---\nText.\n",
                      "content/pages/poster.md": POSTER})
    result = build_site(root)
    assert result.status == 0, result.err
    html = (root / "_site/poster/index.html").read_text()
    svg = re.search(r"<svg role=\"img\".*?</svg>", html, re.S).group(0)
    assert "<title>QR code: opens example.org/help</title>" in svg
    [found] = zxingcpp.read_barcodes(raster(svg))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.text == f"{base_url}help"
