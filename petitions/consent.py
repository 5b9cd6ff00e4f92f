"""The wording of the consent box, by version.

The version shown is stored with each signature, so an organiser can tell which words a
supporter agreed to. Change the wording by adding a version, never by editing one.
"""

CONSENT_TEXTS: dict[str, str] = {
    "2026-11": "Yes, email me about this campaign. I can unsubscribe at any time.",
}
CURRENT_CONSENT_VERSION = "2026-11"


def consent_text(version: str = CURRENT_CONSENT_VERSION) -> str:
    return CONSENT_TEXTS[version]
