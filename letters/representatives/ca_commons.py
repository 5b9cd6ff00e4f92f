"""The House of Commons of Canada, through Open North's Represent API (no key).

  GET /postcodes/<CODE>/
      {"code", "city", "province",
       "representatives_centroid": [rep…], "representatives_concordance": [rep…],
       "boundaries_centroid": [{"name", "boundary_set_name"}…], "boundaries_concordance": […]}
      rep: {"name", "first_name", "last_name", "elected_office": "MP", "district_name",
            "party_name", "email", "url", "personal_url", "representative_set_name",
            "offices": [{"type": "legislature" | "constituency", "postal", "tel"}…]}
      404 for a postal code it does not know.
  GET /representatives/house-of-commons/?limit=1000
      {"objects": [rep…], "meta": {"next": <path or null>, "total_count"}}

A postal code near a riding's edge can fall in two ridings: the concordance (exact) comes first,
then the centroid's; every MP found is offered.
"""

from typing import Any

from django.conf import settings
from django.utils.text import slugify

from letters.representatives.http import NotFound, ProviderUnavailable, json_get
from letters.representatives.members import Area, Representative
from letters.representatives.postcodes import CANADA, Postcode

KEY = "ca-commons"
COUNTRY = CANADA
NAME = "House of Commons of Canada"
ORGANISATION = "House of Commons of Canada"
FEDERAL_BOUNDARIES = "Federal electoral district"


def nonsense(what: str) -> ProviderUnavailable:
    return ProviderUnavailable(f"{KEY}: unexpected answer ({what})")


def is_mp(rep: Any) -> bool:
    return (
        isinstance(rep, dict)
        and rep.get("elected_office") == "MP"
        and rep.get("representative_set_name", "House of Commons") == "House of Commons"
    )


def member_from(rep: dict[str, Any]) -> Representative:
    name = str(rep.get("name") or "").strip()
    district = str(rep.get("district_name") or "")
    if not name:
        raise nonsense("representative without a name")
    offices = [o for o in rep.get("offices") or [] if isinstance(o, dict)]
    offices.sort(key=lambda o: o.get("type") != "legislature")
    postal = next((str(o["postal"]) for o in offices if o.get("postal")), "")
    website = str(rep.get("personal_url") or rep.get("url") or "")
    return Representative(
        provider=KEY,
        external_id=str(rep.get("url") or "") or slugify(f"{name} {district}"),
        name=name,
        title="MP",
        party=str(rep.get("party_name") or ""),
        constituency=district,
        organisation=ORGANISATION,
        country="Canada",
        email=str(rep.get("email") or ""),
        postal_address=postal,
        website=website if website.startswith(("https://", "http://")) else "",
        details=True,
    )


# Represent leaves a `representatives_*` or `boundaries_*` list out when it would be empty
# (opennorth/represent-postcodes, Postcode.get_representatives adds a key per match type found),
# so every one of them is optional.
LISTS = (
    "representatives_concordance",
    "representatives_centroid",
    "boundaries_concordance",
    "boundaries_centroid",
)


def postcode_answer(postcode: Postcode) -> dict[str, Any]:
    data = json_get(provider=KEY, url=f"{settings.REPRESENT_API_URL}/postcodes/{postcode.compact}/")
    if not isinstance(data, dict):
        raise nonsense("not an object")
    for key in LISTS:
        if not isinstance(data.get(key) or [], list):
            raise nonsense(f"{key} is not a list")
    return data


def postcode_lookup(postcode: Postcode) -> Area:
    data = postcode_answer(postcode)
    reps = [
        *(data.get("representatives_concordance") or []),
        *(data.get("representatives_centroid") or []),
    ]
    members: list[Representative] = []
    for rep in filter(is_mp, reps):
        member = member_from(rep)
        if all(m.external_id != member.external_id for m in members):
            members.append(member)
    if members:
        ridings = dict.fromkeys(m.constituency for m in members)
        return Area(name=" / ".join(ridings), members=members)
    boundaries = [
        *(data.get("boundaries_concordance") or []),
        *(data.get("boundaries_centroid") or []),
    ]
    riding_names = [
        b.get("name")
        for b in boundaries
        if isinstance(b, dict) and b.get("boundary_set_name") == FEDERAL_BOUNDARIES
    ]
    if not riding_names:
        raise NotFound(postcode.compact)
    return Area(name=str(riding_names[0]))  # a riding without an MP: the seat is vacant


def member_details(member: Representative, postcode: Postcode | None = None) -> Representative:
    """Represent gives the details with the postcode; past their 7 days, ask for it again."""
    if postcode is not None:
        for found in postcode_lookup(postcode).members:
            if found.external_id == member.external_id:
                return found
    raise ProviderUnavailable(f"{KEY}: {member.name} is no longer returned for this postcode")


def members_all() -> list[Representative]:
    members: list[Representative] = []
    path = "/representatives/house-of-commons/?limit=1000"
    for _page in range(20):
        data = json_get(provider=KEY, url=f"{settings.REPRESENT_API_URL}{path}")
        if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
            raise nonsense("no objects")
        members += [member_from(rep) for rep in data["objects"] if is_mp(rep)]
        path = str((data.get("meta") or {}).get("next") or "")
        if not path:
            return members
        if not str(path).startswith("/"):
            raise nonsense("a next page outside the API")
    raise nonsense("more than 20 pages")
