"""What the site may send in the campaign's name: pure rules, no database.

The site's address must not become a relay: an open form that sends any text to any address
as "Name via <campaign>" is a phishing tool, and one wave of complaints blocklists the sending
domain, after which no confirmation email reaches anyone. So a letter the site sends

- goes to a recipient from the directory, or to a typed-in address on an allowed domain
  (`domain_allowed`);
- keeps the campaign's own text: of the template's words, as filled for this recipient and
  sender, at least LETTERS_TEMPLATE_SHARE_MIN must still be there, in order
  (`template_share_kept`, a difflib word alignment), whatever the supporter adds;
- adds no domain-like token that is not in the campaign's own text (`links_added`): a link,
  a bare domain on any top-level domain (Mozilla's Public Suffix List, through
  publicsuffixlist), an IP address, a defanged `evil[.]com` or a look-alike `evil․com` is
  what turns a letter into phishing;
- adds at most LETTERS_PERSONAL_MAX_CHARS of the supporter's own words, keeps the template's
  subject (with at most LETTERS_SUBJECT_ADDITION_MAX characters added), and goes out under a
  sender name that is a person's name (`sender_name_problem`).

A supporter who wants to say something else still can, from their own mailbox (mailto, copy,
print): these rules apply only to what the site sends.
"""

import difflib
import functools
import ipaddress
import re
import unicodedata
from collections.abc import Iterable

from publicsuffixlist import PublicSuffixList

# Dots that are not "." but read as one: the one-dot leader, ideographic and halfwidth full
# stops (NFKC turns the fullwidth one into "." already).
LOOKALIKE_DOTS = str.maketrans({"\u2024": ".", "\u3002": ".", "\uff61": ".", "\u2e33": "."})
# Defanged forms: evil[.]com, evil(.)com, evil{.}com, evil[dot]com, evil dot com, hxxp://.
DEFANGED_DOT = re.compile(r"\s*[\[({]\s*(?:\.|dot)\s*[\])}]\s*|\s+dot\s+", re.IGNORECASE)
DEFANGED_SCHEME = re.compile(r"\bh[x*]{2}p(s?)(?=[:\[])", re.IGNORECASE)
# A scheme ("https://", "hxxp://") or "www." is a link whatever follows.
SCHEME = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*:(?://|\[:\]//)|\bwww\.")
# A domain-like token: labels joined by dots (any script), or an IP address, with a path.
DOMAIN_LIKE = re.compile(r"(?<![\w.-])(?:[\w-]+\.)+[\w-]+|\[?[0-9a-f:]*:[0-9a-f:.]+\]?", re.I)


@functools.cache
def public_suffixes() -> PublicSuffixList:
    """Mozilla's Public Suffix List, ICANN part: every top-level domain (publicsuffixlist)."""
    return PublicSuffixList(only_icann=True)


def text_normalised(text: str) -> str:
    """The text as a mail program would make links of it: look-alike dots and defanged forms
    turned back into what they stand for."""
    text = unicodedata.normalize("NFKC", text).translate(LOOKALIKE_DOTS)
    text = DEFANGED_SCHEME.sub(lambda match: f"http{match.group(1)}", text)
    return DEFANGED_DOT.sub(".", text)


def _is_domain(token: str) -> bool:
    host = token.strip("[]").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    if "." not in host or ":" in host:
        return False
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = host
    return public_suffixes().publicsuffix(ascii_host, accept_unknown=False) is not None


def domains(text: str) -> list[str]:
    """Every domain, IP address and link in the text (lower case), however it is written:
    judged with the complete list of top-level domains, not a hand-written one."""
    normal = text_normalised(text)
    found = [match.group(0).lower() for match in SCHEME.finditer(normal)]
    for match in DOMAIN_LIKE.finditer(normal):
        token = match.group(0).rstrip(".")
        if normal[match.end() : match.end() + 1] == "@":
            continue  # the local part of an email address (its domain is checked on its own)
        if _is_domain(token):
            found.append(token.strip("[]").lower())
    return found


# Kept for the callers that speak of links: every domain-like token is one.
links = domains


def links_added(*, template_text: str, text: str) -> list[str]:
    """The domains and links in `text` that are not in the campaign's own text."""
    own = set(domains(template_text))
    return [
        found
        for found in domains(text)
        if found not in own and not any(found.endswith("." + mine) for mine in own)
    ]


def template_share_kept(*, template_text: str, body: str) -> float:
    """The share (0-1) of the template's words still in the body, in the same order."""
    template_words = template_text.split()
    if not template_words:
        return 1.0
    matcher = difflib.SequenceMatcher(None, template_words, body.split(), autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return kept / len(template_words)


def email_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def domain_allowed(address: str, domains: Iterable[str]) -> bool:
    """Whether an address is on one of the domains, or a subdomain of one."""
    domain = email_domain(address)
    if not domain:
        return False
    for allowed in domains:
        allowed = allowed.strip().lstrip("@").rstrip(".").lower()
        if allowed and (domain == allowed or domain.endswith("." + allowed)):
            return True
    return False


# What no person's name holds: an address, angle brackets, a domain (a display name of
# "IT Service Desk <it@parliament.uk>" would read as that desk).
NAME_MAX_CHARS = 70


def sender_name_problem(name: str) -> str | None:
    """Why `name` cannot be the sender's name in the From line, or None."""
    if len(name) > NAME_MAX_CHARS:
        return "too_long"
    if any(char in name for char in "@<>") or domains(name):
        return "address"
    return None


def subject_addition(*, template_subject: str, subject: str) -> str | None:
    """What the supporter added to the template's subject (before or after it), or None when
    the template's subject is not in it whole."""
    normal = " ".join(subject.split())
    own = " ".join(template_subject.split())
    if own not in normal:
        return None
    return normal.replace(own, "", 1).strip()
