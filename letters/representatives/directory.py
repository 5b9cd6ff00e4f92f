"""Any other country or body: the recipient directory, imported from CSV with a postcodes column.

A recipient represents the postcodes that begin with one of the entries of their `postcodes`
field ("EH1 EH2 G12"): the longest matching entry wins, so "EH1" beats "EH". No outgoing call,
so no cache.
"""

from letters.models import Recipient
from letters.representatives.http import NotFound
from letters.representatives.members import Area, Representative
from letters.representatives.postcodes import Postcode

KEY = "directory"
COUNTRY = ""
NAME = "Recipient directory"
CACHED = False


def entries(text: str) -> list[str]:
    return ["".join(e.split()).upper() for e in text.replace(",", " ").replace(";", " ").split()]


def postcode_lookup(postcode: Postcode) -> Area:
    # The directory is small (hundreds to a few thousand): a scan of the rows that have postcodes
    # is simpler than a prefix index.
    best: dict[int, list[Recipient]] = {}
    for recipient in Recipient.objects.filter(is_active=True).exclude(postcodes=""):
        lengths = [len(e) for e in entries(recipient.postcodes) if postcode.compact.startswith(e)]
        if lengths:
            best.setdefault(max(lengths), []).append(recipient)
    if not best:
        raise NotFound(postcode.compact)
    found = best[max(best)]
    members = [
        Representative(
            provider=KEY,
            external_id=r.slug,
            name=r.name,
            title=r.title,
            party=r.party,
            constituency=r.constituency,
            organisation=r.organisation,
            country=r.country,
            email=r.email,
            postal_address=r.postal_address,
            website=r.website,
            contact_url=r.contact_url,
            details=True,
        )
        for r in found
    ]
    return Area(name=found[0].constituency or postcode.display, members=members)


def member_details(member: Representative, postcode: Postcode | None = None) -> Representative:
    return member


def members_all() -> list[Representative]:
    raise ValueError("The directory is loaded with import_recipients, not synchronised.")
