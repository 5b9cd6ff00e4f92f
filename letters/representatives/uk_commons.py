"""The House of Commons of the United Kingdom, through the UK Parliament Members API (no key).

Postcode → constituency → current member:
  GET /api/Location/Constituency/Search?searchText=<postcode>&skip=0&take=20
      {"items": [{"value": {"id", "name", "endDate", "currentRepresentation":
          {"member": {"value": {"id", "nameDisplayAs", "latestParty": {"name"}, …}}} | null}}]}
  GET /api/Members/{id}/Contact
      {"value": [{"type", "typeId", "isPreferred", "isWebAddress", "line1"…"line5",
                  "postcode", "email", "website"…}]}
Every current member (sync_representatives):
  GET /api/Members/Search?House=1&IsCurrentMember=true&skip=<n>&take=20
      {"items": [{"value": {member, "latestHouseMembership": {"membershipFrom", …}}}],
       "totalResults": 650}
"""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from letters.representatives.http import NotFound, ProviderUnavailable, json_get
from letters.representatives.members import Area, Representative
from letters.representatives.postcodes import UK, Postcode

KEY = "uk-commons"
COUNTRY = UK
NAME = "House of Commons of the United Kingdom"
ORGANISATION = "House of Commons"
PAGE = 20  # the API's largest page


def url(path: str, **query: object) -> str:
    return f"{settings.UK_PARLIAMENT_API_URL}{path}" + (f"?{urlencode(query)}" if query else "")


def nonsense(what: str) -> ProviderUnavailable:
    return ProviderUnavailable(f"{KEY}: unexpected answer ({what})")


def member_from(value: dict[str, Any], constituency: str) -> Representative:
    if not isinstance(value, dict) or not value.get("id") or not value.get("nameDisplayAs"):
        raise nonsense("member without id or name")
    party = value.get("latestParty") or {}
    return Representative(
        provider=KEY,
        external_id=str(value["id"]),
        name=str(value["nameDisplayAs"]),
        title="MP",
        party=str(party.get("name") or "") if isinstance(party, dict) else "",
        constituency=constituency,
        organisation=ORGANISATION,
        country="United Kingdom",
    )


def postcode_lookup(postcode: Postcode) -> Area:
    data = json_get(
        provider=KEY,
        # As written, with its space ("SW1A 1AA"): the form every published example of this
        # search uses; the compact form is not documented to work.
        url=url("/api/Location/Constituency/Search", searchText=postcode.display, skip=0, take=20),
    )
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise nonsense("no items")
    constituencies = [
        item.get("value") for item in data["items"] if isinstance(item, dict) and item.get("value")
    ]
    current = [c for c in constituencies if isinstance(c, dict) and not c.get("endDate")]
    if not current:
        raise NotFound(postcode.compact)
    constituency = current[0]
    name = str(constituency.get("name") or "")
    if not name:
        raise nonsense("constituency without a name")
    representation = constituency.get("currentRepresentation")
    if not representation:
        return Area(name=name)
    member = (representation.get("member") or {}).get("value")
    if not member:
        return Area(name=name)
    return Area(name=name, members=[member_from(member, name)])


def contact_fields(entries: list[Any]) -> dict[str, str]:
    """The member's published email, postal address and web site from their contact record."""
    if not isinstance(entries, list):
        raise nonsense("contact without a list")
    entries = [e for e in entries if isinstance(e, dict)]
    # The parliamentary office first (typeId 1), then whatever is marked preferred.
    entries.sort(key=lambda e: (e.get("typeId") != 1, not e.get("isPreferred")))
    fields = {"email": "", "postal_address": "", "website": ""}
    for entry in entries:
        if entry.get("isWebAddress"):
            # Only the entry of type Website is the member's own site: other web addresses are
            # social media, or an office's contact form (the Prime Minister's is No 10's).
            address = str(entry.get("line1") or entry.get("website") or "")
            if (
                entry.get("type") == "Website"
                and not fields["website"]
                and address.startswith(("https://", "http://"))
            ):
                fields["website"] = address
            continue
        if not fields["email"] and entry.get("email"):
            fields["email"] = str(entry["email"]).split(";")[0].strip()
        if not fields["postal_address"] and entry.get("line1"):
            lines = [entry.get(f"line{i}") for i in range(1, 6)] + [entry.get("postcode")]
            fields["postal_address"] = "\n".join(str(line) for line in lines if line)
    return fields


def member_details(member: Representative, postcode: Postcode | None = None) -> Representative:
    data = json_get(provider=KEY, url=url(f"/api/Members/{member.external_id}/Contact"))
    if not isinstance(data, dict):
        raise nonsense("contact is not an object")
    return replace(member, **contact_fields(data.get("value") or []), details=True)


def members_all() -> list[Representative]:
    members: list[Representative] = []
    skip = 0
    while True:
        data = json_get(
            provider=KEY,
            url=url("/api/Members/Search", House=1, IsCurrentMember="true", skip=skip, take=PAGE),
        )
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise nonsense("no items")
        for item in data["items"]:
            value = item.get("value") if isinstance(item, dict) else None
            membership = (value or {}).get("latestHouseMembership") or {}
            members.append(member_from(value or {}, str(membership.get("membershipFrom") or "")))
        skip += PAGE
        total = data.get("totalResults")
        if not data["items"] or not isinstance(total, int) or skip >= total:
            return members
