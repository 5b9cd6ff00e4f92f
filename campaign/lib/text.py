"""What people type, made safe to store and show: names with a letter, no direction tricks.

Bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, and
the U+200E/U+200F marks) make text display in another order than it is stored: a name can
look like something else in the delivery list, an export or the recipient's mail program.
They are removed. Line and paragraph separators (U+2028, U+2029) are line breaks, which have
no place in a one-line field: the forms refuse them with the other control characters.
"""

import re
import unicodedata

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
LINE_SEPARATORS = frozenset("\u2028\u2029\x85")


def bidi_controls_strip(value: str) -> str:
    """The text without bidirectional control characters."""
    return BIDI_CONTROLS.sub("", value)


def has_letter(value: str) -> bool:
    """True when the text has at least one letter, in any script."""
    return any(unicodedata.category(char).startswith("L") for char in value)


def has_line_break_or_control(value: str) -> bool:
    """Control characters (Cc) or line/paragraph separators: never in a one-line field."""
    return any(
        char in LINE_SEPARATORS or unicodedata.category(char) in {"Cc", "Zl", "Zp"}
        for char in value
    )
