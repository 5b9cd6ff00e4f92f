"""The picture a shared link shows: a 1200×630 PNG with a title, the live count and the goal.

Drawn with Pillow on the server (feeds do not show SVG, and no browser runs in a request).
Fonts: DejaVu Sans from the system (Debian's fonts-dejavu-core) when it is there, otherwise the
font Pillow itself ships; nothing is fetched from elsewhere. The words drawn are also written
into the PNG's text chunks (Title, Description), so the card can be read without eyes.

`card_png` is cached per page: it is drawn again only when the count has moved and the cached
card is at least a minute old, so a busy petition costs one drawing a minute.
"""

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
REDRAW_SECONDS = 60
CACHE_SECONDS = 24 * 60 * 60

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Card:
    """What one card says. `count` is None for a page without a petition."""

    site_name: str
    title: str
    count: int | None = None
    goal: int | None = None
    count_text: str = ""
    goal_text: str = ""
    colour: str = "#00594f"


@cache
def font_path(bold: bool) -> str | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return str(path)
    return None


def font(size: int, *, bold: bool = False) -> Font:
    """DejaVu Sans if installed; else Pillow's own font (it ships one), so a missing font
    package makes a plainer card, never a failed one."""
    path = font_path(bold)
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: int, lines: int) -> list[str]:
    """Words into at most `lines` lines no wider than `width`; an ellipsis if it is cut."""
    result: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=face) <= width or not current:
            current = trial
            continue
        result.append(current)
        current = word
        if len(result) == lines:
            current = ""
            rest = " ".join(words[index:])
            if rest:
                last = result[-1]
                while last and draw.textlength(last + " …", font=face) > width:
                    last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
                result[-1] = last + " …"
            break
    if current and len(result) < lines:
        result.append(current)
    return result


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    try:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
        return (red, green, blue)
    except ValueError:
        return (0, 89, 79)


def card_draw(card: Card) -> bytes:
    """The card as PNG bytes."""
    accent = hex_rgb(card.colour)
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    # A band of the campaign's colour with its name, the title below it.
    draw.rectangle((0, 0, WIDTH, 96), fill=accent)
    draw.text((MARGIN, 48), card.site_name, font=font(36, bold=True), fill="white", anchor="lm")
    title_face = font(54, bold=True)
    y = 140
    for line in wrap(draw, card.title, title_face, WIDTH - 2 * MARGIN, 3):
        draw.text((MARGIN, y), line, font=title_face, fill=(27, 27, 27))
        y += 66
    if card.count is not None and card.goal:
        bar_top = HEIGHT - 150
        draw.text(
            (MARGIN, bar_top - 20),
            card.count_text,
            font=font(44, bold=True),
            fill=(27, 27, 27),
            anchor="ls",
        )
        draw.text(
            (WIDTH - MARGIN, bar_top - 20),
            card.goal_text,
            font=font(32),
            fill=(80, 90, 95),
            anchor="rs",
        )
        left, right = MARGIN, WIDTH - MARGIN
        draw.rounded_rectangle((left, bar_top, right, bar_top + 40), 8, fill=(223, 228, 231))
        share = min(card.count, card.goal) / card.goal
        # At least a sliver at small counts, so the bar reads as a bar, not as nothing.
        filled = left + max(16, round((right - left) * share)) if card.count else left
        if filled > left:
            draw.rounded_rectangle((left, bar_top, filled, bar_top + 40), 8, fill=accent)
    info = PngInfo()
    info.add_itxt("Title", card.title)
    info.add_itxt("Description", " ".join(t for t in (card.count_text, card.goal_text) if t))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def signed_text(count: int) -> str:
    """'1 person has signed', '1,234 people have signed'."""
    number = number_format(count, force_grouping=True)
    return ngettext("%(n)s person has signed", "%(n)s people have signed", count) % {"n": number}


def goal_text(goal: int) -> str:
    return gettext("Goal: %(n)s") % {"n": number_format(goal, force_grouping=True)}


def card_png(*, key: str, count: int | None, make: Callable[[], Card]) -> bytes:
    """The cached card for `key`, drawn again when the count moved and a minute has passed."""
    cache_key = f"share-card:{key}"
    cached = django_cache.get(cache_key)
    now = time.time()
    if cached is not None:
        fresh = now - cached["made_at"] < REDRAW_SECONDS
        if cached["count"] == count or fresh:
            cached_png: bytes = cached["png"]
            return cached_png
    png = card_draw(make())
    django_cache.set(cache_key, {"png": png, "count": count, "made_at": now}, CACHE_SECONDS)
    return png
