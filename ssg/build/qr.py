"""QR codes for print: an inline SVG, made at build with segno (pure Python), that opens an address."""
from __future__ import annotations

from markupsafe import Markup


def qr_svg(url: str, label: str) -> Markup:
    """An <svg> QR code for `url` (error correction M: still reads with a crease or a smudge)."""
    import segno  # here: only pages that show a code need it
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None,
                          title=label, omitsize=True)  # a viewBox: the stylesheet sets its size
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
