"""Draw content/images/four-steps.png: the four safe steps as a strip, in the campaign's colours.

Our own illustration (no stock or press photograph), drawn with Pillow and the DejaVu fonts in
ssg/fonts/. Run it again after changing the words: .venv/bin/python tools/draw_steps.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ssg.share_cards import BOLD, INK, NAVY, RED, REGULAR, WHITE, YELLOW, font, wrap  # noqa: E402

STEPS = (("Stay safe", "Keep back. Look for weapons first."),
         ("Call 999", "Or 112. Pick someone to call too."),
         ("Say where", "The street, a shop, a bus stop."),
         ("Give your video to the police", "Tell the officers. Do not post it."))
WIDTH, HEIGHT, PANEL = 1600, 440, 376


def draw() -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    pen = ImageDraw.Draw(image)
    for number, (title, line) in enumerate(STEPS):
        left = 16 + number * (PANEL + 20)
        pen.rounded_rectangle((left, 16, left + PANEL, HEIGHT - 16), radius=18, fill=NAVY)
        centre = left + PANEL // 2
        pen.ellipse((centre - 56, 44, centre + 56, 156), fill=RED if number == 1 else YELLOW)
        pen.text((centre, 100), str(number + 1), font=font(BOLD, 72), fill=WHITE if number == 1 else INK, anchor="mm")
        y = 190
        for text in wrap(title, font(BOLD, 40), PANEL - 48):
            pen.text((centre, y), text, font=font(BOLD, 40), fill=WHITE, anchor="ma")
            y += 50
        y += 16
        for text in wrap(line, font(REGULAR, 30), PANEL - 48):
            pen.text((centre, y), text, font=font(REGULAR, 30), fill=WHITE, anchor="ma")
            y += 40
        if number < len(STEPS) - 1:  # an arrow to the next step
            x = left + PANEL + 2
            pen.polygon(((x, HEIGHT // 2 - 14), (x + 16, HEIGHT // 2), (x, HEIGHT // 2 + 14)), fill=RED)
    return image


if __name__ == "__main__":
    draw().save(ROOT / "content/images/four-steps.png", optimize=True)
