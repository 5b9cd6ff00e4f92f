from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from campaign.selectors import campaign_identity


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the site's public address, for canonical and share
    links, and the campaign's identity (read only by pages that show it: not the admin)."""
    return {"SITE_URL": settings.SITE_URL, "campaign": SimpleLazyObject(campaign_identity)}
