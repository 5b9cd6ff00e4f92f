"""Floors: the least a Django view can do to store a signature, and to answer a GET.

Same middleware (CSRF included), same table and indexes, one INSERT, a 302. No form, no
canonical email, no rate limit, no confirmation email: what the real view costs on top of
this is what the benchmark measures.
"""

import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST, require_safe

from petitions.models import Signature


@require_POST
def floor_sign(request: HttpRequest) -> HttpResponse:
    email = f"{uuid.uuid4().hex}@floor.example"
    Signature.objects.create(
        petition_id=int(request.POST["petition"]),
        name=request.POST.get("name", "")[:100],
        email=email,
        email_canonical=email,
    )
    return HttpResponseRedirect("/done/")


@require_safe
def floor_ok(request: HttpRequest) -> HttpResponse:
    """The floor for pages: a view that answers "ok", through the same middleware."""
    return HttpResponse("ok", content_type="text/plain")
