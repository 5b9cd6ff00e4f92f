"""Filling a letter template: a pure function of the template and the values, no I/O.

A template names its places in braces: `{recipient_name}`, `{sender_address}`, … Only the places
in PLACES are filled; anything else in braces stays as written. Values are inserted as plain
text and never read as template code, so a supporter who types "{sender_email}" or
"{x.__class__}" gets exactly those characters in their letter and nothing else.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACES = frozenset(
    {
        "recipient_salutation",
        "recipient_name",
        "recipient_title",
        "recipient_organisation",
        "recipient_constituency",
        "sender_name",
        "sender_address",
        "sender_postcode",
        "sender_email",
        "date",
    }
)
# Values that must stay on one line: they may end up in email headers or in the salutation.
SINGLE_LINE = PLACES - {"sender_address"}

PLACE_PATTERN = re.compile(r"\{([a-z_]+)\}")
# Control characters (CR, LF, NUL, …) but not tab; CR and LF are what header injection needs.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\x85]")
NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


@dataclass(frozen=True)
class FilledLetter:
    subject: str
    body: str


def single_line(value: str) -> str:
    """The value on one line: line breaks become spaces, other control characters go."""
    return " ".join(CONTROL.sub(" ", NEWLINES.sub(" ", value or "")).split())


def multi_line(value: str) -> str:
    """The value with its line breaks normalised to \\n and other control characters removed."""
    text = NEWLINES.sub("\n", value or "")
    lines = [CONTROL.sub("", line).rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


# Titles that stand before a name, and letters that stand after it; any other title is a role
# ("Editor", "Director") and stays out of the greeting.
HONORIFICS = frozenset(
    {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "lord", "lady"}
    | {"rev", "hon", "rt", "senator", "ambassador", "councillor", "judge"}
)
POST_NOMINALS = frozenset({"mp", "mep", "msp", "ms", "mla", "td", "mpp", "mha", "mna"})


def salutation(*, title: str = "", name: str = "") -> str:
    """How the letter greets its recipient: "Dr Jane Smith", "Jane Smith MP", "The Guardian"."""
    title, name = single_line(title), single_line(name)
    if not name:
        return "Sir or Madam"
    words = title.replace(".", "").lower().split()
    if words and words[-1] in POST_NOMINALS and all(w in POST_NOMINALS | {"and"} for w in words):
        return f"{name} {title}"
    if words and all(word in HONORIFICS for word in words):
        return f"{title} {name}"
    return name


def clean_values(values: Mapping[str, str]) -> dict[str, str]:
    """Every known place with a clean value: missing ones empty, single-line ones on one line."""
    cleaned = {}
    for place in PLACES:
        raw = str(values.get(place) or "")
        cleaned[place] = single_line(raw) if place in SINGLE_LINE else multi_line(raw)
    if not cleaned["recipient_salutation"]:
        cleaned["recipient_salutation"] = salutation(
            title=cleaned["recipient_title"], name=cleaned["recipient_name"]
        )
    return cleaned


def fill_text(template: str, values: Mapping[str, str]) -> str:
    """Replace each known `{place}` with its value; unknown braces stay as written."""
    return PLACE_PATTERN.sub(
        lambda match: values[match.group(1)] if match.group(1) in PLACES else match.group(0),
        template,
    )


def drop_empty_signature_lines(body: str, values: Mapping[str, str]) -> str:
    """A place alone on its line that has no value leaves no empty line behind it."""
    empty = {place for place in PLACES if not values.get(place)}
    kept = []
    for line in body.split("\n"):
        places = PLACE_PATTERN.findall(line)
        only_places = places and line.strip() == "".join("{" + p + "}" for p in places)
        if only_places and all(place in empty for place in places):
            continue
        kept.append(line)
    return "\n".join(kept)


def fill_letter(*, subject: str, body: str, values: Mapping[str, str]) -> FilledLetter:
    """The letter with every place filled: the subject on one line, the body as text."""
    cleaned = clean_values(values)
    body_template = drop_empty_signature_lines(multi_line(body), cleaned)
    return FilledLetter(
        subject=single_line(fill_text(single_line(subject), cleaned)),
        body=fill_text(body_template, cleaned),
    )
