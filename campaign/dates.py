"""How a document's date reads on a page: exactly as precise as the document allows, no more."""

import datetime

from django.utils import dateformat
from django.utils.translation import gettext, pgettext

EXACT_PRECISIONS = frozenset({"day", "month", "year"})


def date_display(
    *, value: datetime.date | None, precision: str, inferred: str = "", text: str = ""
) -> str:
    """The date of a document as a sentence fragment: '29 April 2023', 'Undated; inferred: …'."""
    if value is not None and precision == "day":
        return dateformat.format(value, pgettext("date format: day month year", "j F Y"))
    if value is not None and precision == "month":
        return dateformat.format(value, pgettext("date format: month year", "F Y"))
    if value is not None and precision == "year":
        return str(value.year)
    if precision == "inferred" and inferred:
        if text:
            return gettext("Undated; inferred: %(inferred)s, from “%(text)s”") % {
                "inferred": inferred,
                "text": text,
            }
        return gettext("Undated; inferred: %(inferred)s") % {"inferred": inferred}
    if inferred:
        return gettext("Undated; %(inferred)s") % {"inferred": inferred}
    return gettext("Undated")


def as_of_display(*, value: datetime.date | None, precision: str, inferred: str = "") -> str:
    """The short form for a table cell: '29 April 2023', 'around September 2021 (inferred)'."""
    if value is not None and precision in EXACT_PRECISIONS:
        return date_display(value=value, precision=precision)
    if inferred:
        return gettext("%(inferred)s (inferred)") % {"inferred": inferred}
    return gettext("Not stated")
