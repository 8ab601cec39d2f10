"""Share cards: a 1200 x 630 PNG per page, in the campaign's look, with the page's title on it.

Social sites show this picture when someone shares a page. It is drawn with Pillow and the DejaVu Sans
fonts kept in ssg/build/fonts/ (free licence: ssg/build/fonts/LICENSE-DejaVu.txt), so the build needs no system
font or library; DejaVu covers Welsh (ŵ, ŷ) and most European languages. Cards are cached by what is
on them (.cache/ssg/cards/), checked against a recorded hash when read back.
"""
from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ssg.safe_files import write_atomically

if TYPE_CHECKING:  # Pillow is imported where it is used, so that a build that draws no card never loads it
    from PIL.ImageFont import FreeTypeFont

WIDTH, HEIGHT = 1200, 630
FONTS = Path(__file__).parent / "fonts"
BOLD, REGULAR = FONTS / "DejaVuSans-Bold.ttf", FONTS / "DejaVuSans.ttf"
NAVY, RED, WHITE, YELLOW, INK = "#12265c", "#b10e1e", "#ffffff", "#ffdd00", "#0b0c0c"  # static/site.css
MARGIN, BAR = 120, 40            # text starts 120 px in, after a 40 px red bar (as static/share.png)
TITLE_SIZES = (84, 72, 62, 54, 46)  # the largest size at which the title fits in MAX_LINES is used
MAX_LINES = 4
DRAWING_VERSION = "1"            # change it when the drawing changes, so cached cards are drawn again


def shareable(image: str | None) -> bool:
    """Whether a page's `image:` can stand for it on social sites, which show no SVG."""
    return image is not None and image != "" and not image.lower().endswith(".svg")


def gets_card(image: str | None, kind: str) -> bool:
    """Whether a page has its own card (when the site makes cards): every page, list pages and the home page
    included, unless its own `image:` can be shared; not a 404 page, which nobody shares.
    The build (ssg/build/planning.py) and templates/partials/share_meta.html both ask this."""
    return kind != "error" and not shareable(image)


def card_path(url: str) -> str:
    """Where the card of the page at site-relative `url` is published: beside its index.html."""
    return f"{url}share.png"


@lru_cache(maxsize=16)
def font(file: Path, size: int) -> FreeTypeFont:
    from PIL import ImageFont
    return ImageFont.truetype(str(file), size)


def wrap(text: str, face: FreeTypeFont, width: int) -> list[str]:
    """Words in lines no wider than `width` pixels (a word longer than a line gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def fit_title(title: str) -> tuple[int, list[str]]:
    """The largest font size whose wrapped title fits; at the smallest, extra lines end in an ellipsis."""
    room = WIDTH - MARGIN - 80
    for size in TITLE_SIZES:
        lines = wrap(title, font(BOLD, size), room)
        if len(lines) <= MAX_LINES and all(font(BOLD, size).getlength(line) <= room for line in lines):
            return size, lines
    lines = wrap(title, font(BOLD, TITLE_SIZES[-1]), room)[:MAX_LINES]
    lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return TITLE_SIZES[-1], lines


def draw(title: str, footer: str) -> bytes:
    """The card as PNG bytes: the title large and white on navy, a red bar, the footer line at the bottom."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (WIDTH, HEIGHT), NAVY)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, BAR - 1, HEIGHT), fill=RED)
    size, lines = fit_title(title)
    line_height = round(size * 1.18)
    top = 90 if len(lines) > 2 else 130
    for number, line in enumerate(lines):
        pen.text((MARGIN, top + number * line_height), line, font=font(BOLD, size), fill=WHITE)
    footer_face = font(REGULAR, 36)
    pen.text((MARGIN, HEIGHT - 110), footer, font=footer_face, fill=WHITE)
    x = MARGIN + footer_face.getlength(footer) + 24
    call = font(BOLD, 36)
    pen.rectangle((x, HEIGHT - 114, x + call.getlength("999") + 24, HEIGHT - 62), fill=YELLOW)
    pen.text((x + 12, HEIGHT - 110), "999", font=call, fill=INK)
    out = io.BytesIO()
    palette = image.quantize(colors=32, method=Image.Quantize.FASTOCTREE)  # flat colours: a small palette PNG
    palette.save(out, "PNG", compress_level=6)
    return out.getvalue()


def cached_card(title: str, footer: str, cache: Path | None) -> bytes:
    """draw(), or the same card from the cache when an intact one is there."""
    key = hashlib.sha256("\0".join((DRAWING_VERSION, title, footer)).encode()).hexdigest()[:32]
    if cache is not None:
        try:
            data = (cache / f"{key}.png").read_bytes()
            if hashlib.sha256(data).hexdigest() == (cache / f"{key}.sha256").read_text().strip():
                return data
        except OSError:
            pass
    data = draw(title, footer)
    if cache is not None:
        _store(cache, key, data)
    return data


def _store(cache: Path, key: str, data: bytes) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for name, content in ((f"{key}.png", data), (f"{key}.sha256", hashlib.sha256(data).hexdigest().encode())):
            write_atomically(cache / name, content)
    except OSError:
        pass  # the cache is only a speed-up
