"""What the site may send in the campaign's name: pure rules, no database.

The site's address must not become a relay: an open form that sends any text to any address
as "Name via <campaign>" is a phishing tool, and one wave of complaints blocklists the sending
domain, after which no confirmation email reaches anyone. So a letter the site sends

- goes to a recipient from the directory, or to a typed-in address on an allowed domain
  (`domain_allowed`);
- keeps the campaign's own text: of the template's words, as filled for this recipient and
  sender, at least LETTERS_TEMPLATE_SHARE_MIN must still be there, in order
  (`template_share_kept`, a difflib word alignment), whatever the supporter adds;
- adds no links (`links_added`): a link is what turns a letter into phishing.

A supporter who wants to say something else still can, from their own mailbox (mailto, copy,
print): these rules apply only to what the site sends.
"""

import difflib
import re
from collections.abc import Iterable

# A web address: with a scheme, starting www., or a bare domain on a common top-level domain
# (not the domain of an email address).
LINK = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://\S+"
    r"|\bwww\.\S+"
    r"|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    r"(?:com|net|org|info|biz|io|co|me|ly|xyz|top|site|online|click|link|app|ru|su|uk|de|fr"
    r"|az|am|ge|tr|us|eu|cc|tk|gl|to|gg|page|dev|shop)\b(?:/\S*)?)"
)


def links(text: str) -> list[str]:
    return [match.group(0).rstrip(".,;:!?)\"'»”") for match in LINK.finditer(text)]


def links_added(*, template_text: str, text: str) -> list[str]:
    """The links in `text` that are not in the campaign's own text."""
    own = set(links(template_text))
    return [link for link in links(text) if link not in own]


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
