"""Staff users in the campaign's groups, and signatures made directly, for the admin tests."""

from datetime import datetime, timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from campaign.groups import DATA_MANAGER, ORGANISER, groups_setup
from petitions.models import Petition, Signature


def staff_user(username: str, group: str | None) -> User:
    groups_setup()
    user = User.objects.create_user(username, f"{username}@campaign.test", "pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def organiser() -> User:
    return staff_user("olga", ORGANISER)


def data_manager() -> User:
    return staff_user("dmitri", DATA_MANAGER)


def sign(
    petition: Petition,
    name: str,
    email: str | None = None,
    *,
    confirmed: bool = True,
    country: str = "AZ",
    postcode: str = "Baku",
    consent: bool = False,
    ip_hash: str | None = None,
    created_at: datetime | None = None,
) -> Signature:
    email = email or "".join(ch for ch in name.lower() if ch.isalnum()) + "@example.org"
    created_at = created_at or timezone.now() - timedelta(hours=1)
    return Signature.objects.create(
        petition=petition,
        name=name,
        email=email,
        email_canonical=email.lower(),
        country=country,
        postcode=postcode,
        consent_to_contact=consent,
        consent_text_version="v1" if consent else "",
        ip_hash=ip_hash,
        created_at=created_at,
        confirmed_at=created_at + timedelta(minutes=5) if confirmed else None,
    )
