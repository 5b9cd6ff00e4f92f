from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the site's public address, for canonical and share links."""
    return {"SITE_URL": settings.SITE_URL}
