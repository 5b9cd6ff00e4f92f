"""The canonical form of an email address, so one mailbox signs a petition once.

Pure functions, no I/O. Only providers that document dots or +tags as aliases of one mailbox
are folded; elsewhere `a.b@example.org` and `ab@example.org` may be different people.
"""

# Gmail ignores dots in the local part and everything after "+"; googlemail.com is gmail.com.
GMAIL_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

# Providers where "name+tag@" delivers to "name@" (subaddressing); dots still matter there.
PLUS_TAG_DOMAINS = frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "yandex.ru",
        "yandex.com",
    }
)


def email_canonical(address: str) -> str:
    """Lower-case, trimmed, with the provider's aliasing (dots, +tags) removed."""
    address = address.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    domain = domain.rstrip(".")
    if domain in GMAIL_DOMAINS:
        domain = GMAIL_DOMAINS[domain]
        local = local.split("+", 1)[0].replace(".", "")
    elif domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    return f"{local}@{domain}"
