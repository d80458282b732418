"""The QR code on every document: the verification URL, drawn as inline SVG (no image files)."""

import segno


def qr_svg(url: str) -> str:
    """An SVG element of a QR code carrying `url` (the caller's own text: a URL with a code)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2)
