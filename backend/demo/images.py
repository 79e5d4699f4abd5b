"""Simple generated product pictures for the demo: a coloured card with the product's
initials (Pillow only, nothing downloaded)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from backend.core.text import fold

GROUP_COLOURS = {
    "I": (47, 107, 63),
    "II": (138, 90, 0),
    "III": (31, 111, 107),
    "IV": (122, 75, 42),
    "V": (162, 59, 114),
    "VI": (43, 87, 151),
}


def initials(name: str, letters: int = 3) -> str:
    words = [w for w in fold(name).split() if w.isalpha()]
    return "".join(w[0] for w in words[:letters]).upper() or "OCOP"


def product_card(name: str, group_code: str, label: str = "", size: int = 800) -> bytes:
    """A PNG card: group colour, a lighter inner frame, the initials and a small label."""
    colour = GROUP_COLOURS.get(group_code, (90, 90, 90))
    light = tuple(min(255, c + 70) for c in colour)
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    margin = size // 16
    draw.rounded_rectangle(
        (margin, margin, size - margin, size - margin), radius=size // 20, outline=light, width=8
    )
    big = ImageFont.load_default(size=size // 4)
    small = ImageFont.load_default(size=size // 16)
    text = initials(name)
    draw.text((size / 2, size * 0.45), text, font=big, fill="white", anchor="mm")
    if label:
        draw.text((size / 2, size * 0.78), label.upper(), font=small, fill=light, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
