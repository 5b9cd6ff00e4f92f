"""The canonical form of an email address, so one mailbox signs a petition once.

Pure functions, no I/O. Every way of writing one mailbox folds to one key:
- the address in Unicode's compatibility form (NFKC), so a fullwidth `ｇmail.com` is gmail.com;
- the domain lower case, without a trailing dot, through IDNA (an internationalised domain
  becomes its ASCII `xn--` form, as mail servers look it up);
- a quoted local part without its quotes and escapes (`"victim"@` and `"vi\\ctim"@` are the
  `victim@` mailbox to every mail server that treats local parts case-insensitively, as the big
  providers do).
Only providers that document dots or +tags as aliases of one mailbox fold those too; elsewhere
`a.b@example.org` and `ab@example.org` may be different people.

`email_problem` says what the forms refuse outright: quoted local parts with escapes, and
invisible or direction-changing characters (they were stored, then failed in the worker).
"""

import unicodedata

from django.utils.translation import gettext_lazy as _

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


def local_unquoted(local: str) -> str:
    """A quoted local part ("a.b" or "a\\b") as the mailbox name it stands for."""
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        inner, result, escaped = local[1:-1], [], False
        for char in inner:
            if escaped or char != "\\":
                result.append(char)
                escaped = False
            else:
                escaped = True
        return "".join(result)
    return local


def domain_canonical(domain: str) -> str:
    """Lower case, no trailing dot, and the ASCII (IDNA) form of an internationalised domain."""
    domain = domain.strip().lower().rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain  # not a domain IDNA accepts: the form refuses it; keep it as it is


def email_canonical(address: str) -> str:
    """Normalised, lower case, unquoted, with the provider's aliasing (dots, +tags) removed."""
    address = unicodedata.normalize("NFKC", address).strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address.lower()
    local = local_unquoted(local).lower()
    domain = domain_canonical(domain)
    if domain in GMAIL_DOMAINS:
        domain = GMAIL_DOMAINS[domain]
        local = local.split("+", 1)[0].replace(".", "")
    elif domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    return f"{local}@{domain}"


# Invisible or direction-changing characters: format (Cf: bidi controls, zero-width space and
# joiners, soft hyphen…), control (Cc), separators other than the plain space, unassigned and
# private-use code points. None belongs in an address a person types.
REFUSED_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


def email_problem(address: str) -> str | None:
    """Why the forms refuse this address, as a sentence for the person; None when it is fine."""
    if any(unicodedata.category(char) in REFUSED_CATEGORIES for char in address.strip()):
        return str(
            _(
                "Your email address contains an invisible or special character. Please type it "
                "again by hand."
            )
        )
    local = address.strip().rpartition("@")[0]
    if local.startswith('"') and "\\" in local:
        return str(
            _(
                "Please write your email address without quotation marks and backslashes, as "
                "name@example.com."
            )
        )
    return None
