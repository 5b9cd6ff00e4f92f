"""Postcode formats per country: a pure check before any call goes out.

UK postcodes follow the Royal Mail pattern (outward code, a space, inward code: "SW1A 1AA");
Canadian postal codes are letter-digit-letter digit-letter-digit ("K1A 0B1", never D, F, I, O,
Q or U, and not W or Z first). Elsewhere (the directory) a postcode is 2 to 10 letters, digits,
spaces or hyphens.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from letters.filling import CONTROL, NEWLINES

UK = "GB"
CANADA = "CA"
COUNTRY_NAMES = {UK: "United Kingdom", CANADA: "Canada"}
POSTCODE_NAMES = {UK: _("a UK postcode"), CANADA: _("a Canadian postal code")}
EXAMPLES = {UK: "SW1A 1AA", CANADA: "K1A 0B1"}

UK_PATTERN = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
CANADA_PATTERN = re.compile(
    r"^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][0-9][ABCEGHJ-NPRSTV-Z][0-9]$"
)
OTHER_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,8}[A-Z0-9]$")
# Royal Mail postcodes with no constituency: the Crown Dependencies (Guernsey and Alderney and
# Sark GY, Jersey JE, the Isle of Man IM) have parliaments of their own, and British Forces Post
# Office numbers ("BFPO 1234") are forces' mail addresses.
CROWN_DEPENDENCY_PATTERN = re.compile(r"^(GY|JE|IM)[0-9]")
BFPO_PATTERN = re.compile(r"^BFPO[0-9]{1,4}$")
# French and German postcodes: five digits (the letters helpers' providers do not cover them).
FIVE_DIGITS = re.compile(r"^[0-9]{5}$")
PATTERNS = {UK: UK_PATTERN, CANADA: CANADA_PATTERN}
MAX_LENGTH = 16


class PostcodeInvalid(ValueError):
    """The postcode cannot be right; the message says why, for the supporter."""


@dataclass(frozen=True)
class Postcode:
    country: str  # "GB", "CA", or "" for the directory
    compact: str  # upper case without spaces: "SW1A1AA"

    @property
    def display(self) -> str:
        if self.country == UK:
            return f"{self.compact[:-3]} {self.compact[-3:]}"
        if self.country == CANADA:
            return f"{self.compact[:3]} {self.compact[3:]}"
        return self.compact


def either(choices: list[str]) -> str:
    """ "A", "A or B", "A, B or C" in the active language."""
    if len(choices) < 2:
        return "".join(choices)
    return gettext("%(some)s or %(last)s") % {"some": ", ".join(choices[:-1]), "last": choices[-1]}


def compact(value: str) -> str:
    return "".join(value.split()).upper()


def country_of(value: str) -> str | None:
    """The country whose format the postcode has, if any."""
    code = compact(value)
    for country, pattern in PATTERNS.items():
        if pattern.match(code):
            return country
    return None


def postcode_parse(value: str, *, countries: list[str], directory: bool = False) -> Postcode:
    """The postcode for one of `countries` (inferred from its format when there are several).

    `directory` accepts any plausible postcode when no country's format fits. Raises
    PostcodeInvalid with a sentence for the supporter.
    """
    if len(value) > MAX_LENGTH:
        raise PostcodeInvalid(_("That is too long for a postcode: please type just your postcode."))
    if CONTROL.search(value) or NEWLINES.search(value):
        raise PostcodeInvalid(_("Please type your postcode with letters, numbers and spaces only."))
    code = compact(value)
    if not code:
        raise PostcodeInvalid(_("Please enter your postcode."))
    if UK in countries:
        no_mp_here(code)
    found = country_of(code)
    if found in countries:
        return Postcode(country=found, compact=code)
    if found and not directory:
        expected = either([str(POSTCODE_NAMES[c]) for c in countries])
        raise PostcodeInvalid(
            gettext("That looks like %(found)s, but this letter needs %(expected)s.")
            % {"found": POSTCODE_NAMES[found], "expected": expected}
        )
    if directory and OTHER_PATTERN.match(code):
        return Postcode(country="", compact=code)
    if FIVE_DIGITS.match(code):
        # Paris (75001) or Berlin (10117): not "enter a UK postcode". Until this letter can
        # look them up, the supporter is sent to their parliament's own site and the manual path.
        raise PostcodeInvalid(
            _(
                "That looks like a French or German postcode. We can't look up députés or "
                "Abgeordnete yet: find yours on the Assemblée nationale's site "
                "(assemblee-nationale.fr) or the Bundestag's (bundestag.de), then type their "
                "name and email address below."
            )
        )
    if countries:
        examples = either(
            [
                gettext("%(kind)s such as %(example)s")
                % {"kind": POSTCODE_NAMES[c], "example": EXAMPLES[c]}
                for c in countries
            ]
        )
        raise PostcodeInvalid(
            gettext("That is not a postcode we recognise. Please enter %(examples)s.")
            % {"examples": examples}
        )
    raise PostcodeInvalid(
        _("That is not a postcode we recognise: letters, numbers and spaces only.")
    )


def no_mp_here(code: str) -> None:
    """Refuse a postcode that is British in form but has no MP at Westminster."""
    if CROWN_DEPENDENCY_PATTERN.match(code) and UK_PATTERN.match(code):
        raise PostcodeInvalid(
            _(
                "There is no Westminster MP for this postcode: Jersey, Guernsey and the Isle of "
                "Man have parliaments of their own."
            )
        )
    if BFPO_PATTERN.match(code):
        raise PostcodeInvalid(
            _(
                "There is no Westminster MP for a BFPO number: it is a forces mail address, not a "
                "constituency. Enter the postcode of your home address in the UK instead."
            )
        )


def provider_country(provider: str) -> str:
    """The country whose postcodes a provider answers for ("" for the directory)."""
    return {"uk-commons": UK, "ca-commons": CANADA}.get(provider, "")
