"""Finding a supporter's representative from their postcode, behind one small interface.

A provider is a module (uk_commons, ca_commons, directory) with KEY, COUNTRY, NAME and:

    postcode_lookup(postcode) -> Area       the area and its members (NotFound, Unavailable)
    member_details(member, postcode) -> Representative   contact details, when not included
    members_all() -> list[Representative]   every current member (sync_representatives)

`lookup()` puts the PostgreSQL cache in front of them: a postcode's area and members for
REPRESENTATIVES_POSTCODE_CACHE_DAYS (30), a member's contact details for
REPRESENTATIVES_MEMBER_CACHE_DAYS (7). A letter template names the providers it uses
(LetterTemplate.postcode_lookup).
"""

from dataclasses import asdict
from datetime import timedelta
from types import ModuleType
from typing import Any

from django.conf import settings
from django.utils import timezone

from letters.filling import single_line
from letters.models import RepresentativeCache
from letters.representatives import ca_commons, directory, uk_commons
from letters.representatives.http import NotFound, ProviderUnavailable
from letters.representatives.members import Area, Representative
from letters.representatives.postcodes import Postcode

__all__ = [
    "Area",
    "NotFound",
    "ProviderUnavailable",
    "Representative",
    "lookup",
    "provider_get",
]

UNKNOWN_POSTCODE_CACHE = timedelta(days=1)
VACANT_SEAT_CACHE = timedelta(days=1)


def provider_get(key: str) -> ModuleType:
    providers = {module.KEY: module for module in (uk_commons, ca_commons, directory)}
    try:
        return providers[key]
    except KeyError:
        raise ValueError(f"Unknown representatives provider {key!r}") from None


PROVIDER_KEYS = ("uk-commons", "ca-commons", "directory")


def cache_get(key: str) -> Any:
    row = RepresentativeCache.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    return row.value if row else None


def cache_put(key: str, value: Any, lifetime: timedelta) -> None:
    now = timezone.now()
    RepresentativeCache.objects.update_or_create(
        key=key, defaults={"value": value, "fetched_at": now, "expires_at": now + lifetime}
    )


def caches_purge() -> int:
    """Delete expired cache rows; returns how many."""
    deleted, _ = RepresentativeCache.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def to_json(member: Representative) -> dict[str, Any]:
    return asdict(member)


def from_json(data: dict[str, Any]) -> Representative:
    known = Representative.__dataclass_fields__
    return Representative(**{key: value for key, value in data.items() if key in known})


def lookup(*, provider: str, postcode: Postcode) -> Area:
    """The area and members for a postcode, from the cache or the provider's API.

    Raises NotFound for a postcode the API does not know, ProviderUnavailable when the API
    cannot answer now (the caller offers the manual path).
    """
    module = provider_get(provider)
    if not getattr(module, "CACHED", True):
        area: Area = module.postcode_lookup(postcode)
        return area
    postcode_days = timedelta(days=settings.REPRESENTATIVES_POSTCODE_CACHE_DAYS)
    member_days = timedelta(days=settings.REPRESENTATIVES_MEMBER_CACHE_DAYS)
    key = f"{provider}:postcode:{postcode.compact}"
    cached = cache_get(key)
    if cached is not None and cached.get("unknown"):
        raise NotFound(postcode.compact)
    if cached is None:
        try:
            area = module.postcode_lookup(postcode)
        except NotFound:
            cache_put(key, {"unknown": True}, UNKNOWN_POSTCODE_CACHE)
            raise
        members = [member.clean() for member in area.members]
        for member in members:
            if member.details:
                cache_put(f"{provider}:member:{member.external_id}", to_json(member), member_days)
        cached = {"area": single_line(area.name), "members": [to_json(m) for m in members]}
        # A vacant seat is filled by a by-election at some point: ask again after a day.
        cache_put(key, cached, postcode_days if members else VACANT_SEAT_CACHE)
    members = []
    for data in cached["members"]:
        member = from_json(data)
        member_key = f"{provider}:member:{member.external_id}"
        details = cache_get(member_key)
        if details is None:
            detailed = module.member_details(member, postcode).clean()
            cache_put(member_key, to_json(detailed), member_days)
        else:
            detailed = from_json(details)
        members.append(detailed)
    return Area(name=cached["area"], members=members)
