"""Members as directory recipients: from a postcode lookup, or all at once (sync_representatives).

A member's row is found by (provider, external_id) and updated in place. A contact field the
API leaves empty keeps what an organiser typed in the admin. Members who left are marked
inactive, never deleted: letters point at them.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify

from letters.models import Recipient
from letters.representatives import (
    Area,
    Representative,
    cache_get,
    cache_put,
    caches_purge,
    from_json,
    lookup,
    provider_get,
    to_json,
)
from letters.representatives.http import ProviderUnavailable, patient
from letters.representatives.postcodes import Postcode

logger = logging.getLogger("letters.representatives")

COPIED = ("name", "title", "party", "constituency", "organisation", "country")
CONTACT = ("email", "postal_address", "website", "contact_url")


@dataclass
class SyncReport:
    provider: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # "slug: field, field"
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)
    # Members whose contact record the API did not give this time: they keep what they had.
    contacts_missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.provider}: {len(self.added)} added, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.deactivated)} marked inactive, "
            f"{len(self.contacts_missing)} contact records not fetched"
        )


def slug_free(member: Representative) -> str:
    base = slugify(f"{member.name} {member.constituency}")[:140] or slugify(member.external_id)
    slug = base
    if Recipient.objects.filter(slug=slug).exists():
        slug = f"{base}-{member.provider}"[:150]
    n = 2
    while Recipient.objects.filter(slug=slug).exists():
        slug = f"{base}-{member.provider}-{n}"[:150]
        n += 1
    return slug


def recipient_upsert(*, member: Representative) -> tuple[Recipient, list[str] | None]:
    """The member's recipient row, created or brought up to date; (row, changed fields or None
    when created)."""
    member = member.clean()
    values = {name: getattr(member, name) for name in COPIED}
    values |= {name: getattr(member, name) for name in CONTACT if getattr(member, name)}
    values |= {"is_active": True, "kind": Recipient.Kind.MEMBER_OF_PARLIAMENT}
    recipient = Recipient.objects.filter(
        provider=member.provider, external_id=member.external_id
    ).first()
    if recipient is None:
        recipient = Recipient.objects.create(
            slug=slug_free(member),
            provider=member.provider,
            external_id=member.external_id,
            source_note=f"Loaded from {provider_get(member.provider).NAME} on "
            f"{timezone.localdate():%-d %B %Y}.",
            **values,
        )
        return recipient, None
    changed = [name for name, value in values.items() if getattr(recipient, name) != value]
    if changed:
        for name in changed:
            setattr(recipient, name, values[name])
        recipient.save(update_fields=changed)
    return recipient, changed


def differs(row: Recipient, member: Representative) -> bool:
    return (
        not row.is_active
        or any(getattr(row, name) != getattr(member, name) for name in COPIED)
        or any(getattr(member, n) and getattr(row, n) != getattr(member, n) for n in CONTACT)
    )


def area_recipients(*, area: Area) -> list[Recipient]:
    """The recipients a supporter can write to for this area (directory rows as they are)."""
    if not area.members:
        return []
    if area.members[0].provider == "directory":
        slugs = [m.external_id for m in area.members]
        by_slug = Recipient.objects.in_bulk(slugs, field_name="slug")
        return [by_slug[m.external_id] for m in area.members if m.external_id in by_slug]
    existing = {
        r.external_id: r
        for r in Recipient.objects.filter(
            provider=area.members[0].provider,
            external_id__in=[m.external_id for m in area.members],
        )
    }
    recipients = []
    for member in area.members:
        row = existing.get(member.external_id)
        if row is None or differs(row, member.clean()):
            row, _ = recipient_upsert(member=member)
        recipients.append(row)
    return recipients


def representatives_sync(*, provider: str) -> SyncReport:
    """Load every current member of a parliament into the directory; say what changed."""
    module = provider_get(provider)
    report = SyncReport(provider=provider)
    with patient():
        members = module.members_all()
        # Contact details: from the 7-day cache when a lookup fetched them, else the API.
        lifetime = timedelta(days=settings.REPRESENTATIVES_MEMBER_CACHE_DAYS)
        detailed = []
        for member in members:
            if not member.details:
                key = f"{provider}:member:{member.external_id}"
                cached = cache_get(key)
                if cached is None:
                    try:
                        member = module.member_details(member).clean()
                    except ProviderUnavailable as error:
                        # One member's contact failing does not stop the others; an empty
                        # contact never overwrites the one already in the directory.
                        logger.warning(
                            "%s: contact of %s not fetched: %s", provider, member.name, error
                        )
                        report.contacts_missing.append(member.external_id)
                    else:
                        cache_put(key, to_json(member), lifetime)
                else:
                    member = from_json(cached)
            detailed.append(member)
    if not detailed:
        raise ValueError(f"{provider} listed no members: nothing changed.")
    with transaction.atomic():
        seen = set()
        for member in detailed:
            recipient, changed = recipient_upsert(member=member)
            seen.add(recipient.pk)
            if changed is None:
                report.added.append(recipient.slug)
            elif changed:
                report.updated.append(f"{recipient.slug}: {', '.join(changed)}")
            else:
                report.unchanged += 1
        leaving = Recipient.objects.filter(provider=provider, is_active=True).exclude(pk__in=seen)
        report.deactivated = sorted(leaving.values_list("slug", flat=True))
        leaving.update(is_active=False)
    logger.info("%s", report.summary())
    return report


def representatives_find(*, provider: str, postcode: Postcode) -> tuple[Area, list[Recipient]]:
    """A postcode's area and the recipients to write to there (members become directory rows).

    Raises NotFound or ProviderUnavailable as lookup() does.
    """
    area = lookup(provider=provider, postcode=postcode)
    return area, area_recipients(area=area)


@task(queue_name="default")
def representatives_cache_purge_task() -> int:
    """Delete expired API answers from the cache (a scheduler runs it daily)."""
    return caches_purge()
