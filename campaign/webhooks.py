"""The email provider's tracking webhook: mounted for the configured provider only.

`anymail.urls` mounts every provider's webhooks. Those of a provider the site does not use are
at best useless and at worst a way in: their only check may be the shared basic-auth secret, or
nothing while it is unset, and some fail with a 500 on a missing package or key. Here one URL,
`anymail/<provider>/tracking/`, answers for `settings.MAILER` only; every other provider, an
unknown one, or a provider whose webhook is not configured (no secret, no signing key, a
missing package) gets a 404. A payload the provider's parser cannot read gets a 400.
"""

import logging
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from campaign.esp import PROVIDERS

logger = logging.getLogger(__name__)

# What a provider's payload parser raises on a payload it cannot read: the request's fault.
PAYLOAD_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeError)


def webhook_problems(*, esp: str) -> list[str]:
    """Why this provider's tracking webhook cannot be served safely; [] when it can."""
    provider = PROVIDERS.get(esp)
    if provider is None:
        return [f"MAILER={esp} has no tracking webhook the site knows."]
    problems = []
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    if not anymail.get("WEBHOOK_SECRET"):
        problems.append("ANYMAIL_WEBHOOK_SECRET is not set.")
    if provider.signing_key and not anymail.get(provider.signing_key):
        problems.append(f"{provider.signing_key} is not set.")
    return problems


@cache
def tracking_view(view_path: str) -> Callable[..., HttpResponse]:
    view: Callable[..., HttpResponse] = import_string(view_path).as_view()
    return view


@csrf_exempt
def anymail_tracking(request: HttpRequest, esp: str) -> HttpResponse:
    if esp != settings.MAILER or esp not in PROVIDERS or webhook_problems(esp=esp):
        raise Http404("No webhook here.")
    try:
        view = tracking_view(PROVIDERS[esp].tracking_view)
        return view(request)
    except (ImportError, ImproperlyConfigured) as error:
        # A missing package or setting is the operator's to fix (the deploy check says so);
        # to the caller this webhook does not exist.
        logger.error("The %s tracking webhook is not usable: %s", esp, error)
        raise Http404("No webhook here.") from error
    except SuspiciousOperation:
        raise  # anymail's validation failure: Django answers 400
    except PAYLOAD_ERRORS as error:
        logger.warning("A %s webhook payload could not be read: %s", esp, error)
        return HttpResponseBadRequest("This payload could not be read.")
