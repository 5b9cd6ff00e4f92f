"""The wording of the consent box, by version.

The version shown is stored with each signature, so an organiser can tell which words a
supporter agreed to. Change the wording by adding a version, never by editing one. A version
covers the wording's translations (locale/), which say the same in each language.
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONSENT_TEXTS: "dict[str, StrOrPromise]" = {
    "2026-11": _("Yes, email me about this campaign. I can unsubscribe at any time."),
}
CURRENT_CONSENT_VERSION = "2026-11"


def consent_text(version: str = CURRENT_CONSENT_VERSION) -> "StrOrPromise":
    return CONSENT_TEXTS[version]
