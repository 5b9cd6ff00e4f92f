"""An honest date for a letter written once and sent for years (issue 18, item 9).

The campaign's open letter was written around September 2021 and says "last year, the 2020
Karabakh War ended"; sent today undated, it tells an MP something untrue. So the write page
and the preview say when the campaign wrote the letter, from its appeal's date, and what its
time words refer to; and `manage.py check` (and the dashboard) warn when an active template
older than a year speaks in relative time, so organisers revise it.

Pure functions, no database: the view and the check pass the template's text and date.
"""

import datetime
import re
from dataclasses import dataclass

# Words whose meaning moves with the date the letter is read: what they name is fixed by the
# date it was written. Matched case-insensitively, on word boundaries.
RELATIVE_TIME = re.compile(
    r"\b(?:last|this|next|past) (?:year|month|week|spring|summer|autumn|fall|winter)\b"
    r"|\b(?:months|weeks|years|days) (?:since|ago)\b"
    r"|\b(?:recently|yesterday|today|currently|so far this year|a year ago)\b"
    r"|\bsince the end of last year\b",
    re.IGNORECASE,
)
STALE_AFTER = datetime.timedelta(days=365)


@dataclass(frozen=True)
class TimeWord:
    words: str  # as the letter has them: "last year"
    meaning: str  # what they meant when it was written: "2020"


def relative_time_words(text: str) -> list[str]:
    """The time words of `text` whose meaning moves with the date it is read, in order."""
    seen: dict[str, None] = {}
    for match in RELATIVE_TIME.finditer(text):
        seen.setdefault(match.group(0).lower(), None)
    return list(seen)


def time_words_meaning(text: str, *, written: datetime.date | None) -> list[TimeWord]:
    """What "last year", "this year" and "next year" meant when the letter was written."""
    if written is None:
        return []
    years = {
        "last year": written.year - 1,
        "this year": written.year,
        "next year": written.year + 1,
    }
    found = []
    for words in relative_time_words(text):
        if words in years:
            found.append(TimeWord(words, str(years[words])))
        elif words == "since the end of last year":
            # In the letter's own language (English): quoted beside the letter's words.
            found.append(TimeWord(words, f"since the end of {written.year - 1}"))
    return found


def speaks_stale_relative_time(
    text: str, *, written: datetime.date | None, today: datetime.date
) -> bool:
    """Whether a letter written over a year ago uses time words that no longer mean the same."""
    return written is not None and today - written > STALE_AFTER and bool(relative_time_words(text))
