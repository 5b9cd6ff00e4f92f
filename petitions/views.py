"""Petition pages: read the petition, sign it, confirm or withdraw, and the count for others."""

from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaign import share_card
from campaign.lib.clients import client_ip, ip_hash
from campaign.lib.pagecache import page_cache, rendering_for_cache, value_cached
from campaign.lib.ratelimit import Rate, rate_limit_hit
from campaign.selectors import appeal_in_language, campaign_identity
from petitions import selectors, services
from petitions.forms import STARTED_HOLE, SignatureForm, request_form_binding, started_value
from petitions.models import Petition, ShareCount, Signature
from petitions.tokens import (
    TokenExpired,
    TokenInvalid,
    confirm_token_read,
    form_binding,
    withdraw_token_read,
)

# The widget is made to be framed by other sites; every other page keeps frame-ancestors 'self'.
WIDGET_CSP: dict[str, Any] = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def progress_permille(count: int, goal: int) -> int:
    """The bar's filled share in thousandths; at least 2% once anyone has signed, so one
    signature shows as a mark on the bar, not as an empty bar."""
    if count <= 0 or goal <= 0:
        return 0
    return max(20, min(1000, round(1000 * count / goal)))


def counter_context(petition: Petition) -> dict[str, Any]:
    counter = selectors.counter_read(petition=petition)
    goal = petition.current_goal(counter.count)
    return {
        "count": counter.count,
        "progress_permille": progress_permille(counter.count, goal),
        "counted_at": counter.refreshed_at,
        "goal": goal,
        "original_goal": petition.goal,
        "original_goal_reached": counter.count >= petition.goal,
        "all_goals_reached": counter.count >= petition.goals[-1],
    }


SHARE_LABELS = {
    ShareCount.Channel.X: "X",
    ShareCount.Channel.FACEBOOK: "Facebook",
    ShareCount.Channel.WHATSAPP: "WhatsApp",
    ShareCount.Channel.TELEGRAM: "Telegram",
    ShareCount.Channel.EMAIL: gettext_lazy("Email"),
}


def tracked_url(url: str, *, channel: str, slug: str) -> str:
    """The petition's address as shared on one channel: the visits it brings can be counted
    per channel (utm_source), and nothing in it tells one person from another."""
    query = urlencode({"utm_source": channel, "utm_medium": "share", "utm_campaign": slug})
    return f"{url}?{query}"


def share_links(petition: Petition) -> dict[str, Any]:
    """Plain share links, each with its channel's tracking parameters: no third-party script
    runs on our pages."""
    url = settings.SITE_URL + petition.get_absolute_url()
    text = petition.share_text or petition.appeal.title

    def on(channel: str) -> str:
        return tracked_url(url, channel=channel, slug=petition.slug)

    hrefs = {
        ShareCount.Channel.X: "https://twitter.com/intent/tweet?"
        + urlencode({"text": text, "url": on("x")}),
        ShareCount.Channel.FACEBOOK: "https://www.facebook.com/sharer/sharer.php?"
        + urlencode({"u": on("facebook")}),
        ShareCount.Channel.WHATSAPP: "https://wa.me/?"
        + urlencode({"text": f"{text} {on('whatsapp')}"}),
        ShareCount.Channel.TELEGRAM: "https://t.me/share/url?"
        + urlencode({"url": on("telegram"), "text": text}),
        ShareCount.Channel.EMAIL: f"mailto:?subject={quote(text)}&body={quote(on('email'))}",
    }
    return {
        "url": url,
        "text": text,
        "copy_url": on(ShareCount.Channel.COPY),
        "native_url": on(ShareCount.Channel.NATIVE),
        "beacon_url": reverse("petitions:share_event", kwargs={"slug": petition.slug}),
        "links": [
            {"channel": channel, "label": SHARE_LABELS[channel], "href": href}
            for channel, href in hrefs.items()
        ],
    }


def letters_url() -> str:
    """The letters page: the next thing a supporter may do after signing."""
    return reverse("letters:start")


def render_petition(
    request: HttpRequest, petition: Petition, form: SignatureForm, status: int = 200
) -> HttpResponse:
    context = counter_context(petition)
    context |= {
        "petition": petition,
        "appeal": appeal_in_language(
            petition.appeal,
            language=translation.get_language(),
        ),
        "form": form,
        "recent_signers": selectors.recent_signers(petition=petition),
        "country_counts": selectors.country_counts(petition=petition),
        "share": share_links(petition),
    }
    return render(request, "petitions/petition_detail.html", context, status=status)


def count_seconds() -> float:
    """How long a page showing a count is kept in the page cache: one refresh interval."""
    return max(1.0, float(settings.PETITION_COUNT_REFRESH_SECONDS))


@require_safe
@page_cache(timeout=count_seconds)
def petition_list(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/petition_list.html", {"petitions": selectors.petition_list()})


@require_safe
@page_cache(timeout=count_seconds, holes={STARTED_HOLE: started_value})
def petition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The same page for every anonymous reader (campaign/lib/pagecache.py), with the form's
    # CSRF token and `started` value each visitor's own.
    petition = get_object_or_404(selectors.petition_for_page(slug=slug))
    form = SignatureForm(petition=petition, binding=request_form_binding(request))
    if rendering_for_cache(request):
        form.fields["started"].initial = STARTED_HOLE
    return render_petition(request, petition, form)


@require_POST
def petition_sign(request: HttpRequest, slug: str) -> HttpResponse:
    # The hot path: the petition row from this process's short cache, one statement for the
    # rate limit and one for the signature with its email queued. The appeal, counter and
    # figures are only needed to show errors, and are loaded then.
    petition = selectors.petition_for_signing(slug=slug)
    if petition is None:
        raise Http404("No such petition.")
    if not petition.is_open:
        return render(request, "petitions/closed.html", {"petition": petition}, status=403)
    hashed_ip = ip_hash(client_ip(request))
    if not rate_limit_hit(key=f"{petition.pk}:{hashed_ip}"):
        response = render(
            request, "petitions/rate_limited.html", {"petition": petition}, status=429
        )
        response["Retry-After"] = "60"
        return response
    form = SignatureForm(
        request.POST, petition=petition, binding=form_binding(request.META.get("CSRF_COOKIE", ""))
    )
    if not form.is_valid() or form.second_press_needed:
        page_petition = get_object_or_404(selectors.petition_for_page(slug=slug))
        status = 200 if form.is_valid() else 400
        return render_petition(request, page_petition, form, status=status)
    data = form.cleaned_data
    # Whatever the outcome (new, not yet confirmed, already signed) the page is the same
    # "check your email": it must not tell a stranger whether an address has signed. The
    # address's owner learns it from the email.
    services.signature_create(
        petition=petition,
        name=data["name"],
        email=data["email"],
        country=data.get("country", ""),
        postcode=data.get("postcode", ""),
        consent_to_contact=data["consent_to_contact"],
        show_name_publicly=data["show_name_publicly"],
        ip_hash=hashed_ip,
        consent_text_version=form.consent_text_version,
        language=translation.get_language(),
    )
    return redirect("petitions:thanks", slug=petition.slug)


@require_safe
def petition_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    petition = get_object_or_404(selectors.petition_list(), slug=slug)
    context = {
        "petition": petition,
        "share": share_links(petition),
        "letters_url": letters_url(),
        "days": settings.PETITION_CONFIRMATION_DAYS,
    }
    return render(request, "petitions/thanks.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def signature_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button; only the POST it sends confirms.

    Mail filters (Safe Links, Proofpoint…) open every link of an email before its reader does;
    a GET, a HEAD or a prefetch must not confirm a signature its owner never confirmed.
    """
    try:
        signature_id = confirm_token_read(token)
    except TokenExpired:
        return render(request, "petitions/link_problem.html", {"expired": True}, status=410)
    except TokenInvalid:
        return render(request, "petitions/link_problem.html", {"expired": False}, status=400)
    if request.method == "POST":
        signature = services.signature_confirm(signature_id=signature_id)
    else:
        signature = selectors.signature_for_link(signature_id=signature_id)
    if signature is None:
        return render(request, "petitions/link_problem.html", {"gone": True}, status=404)
    petition = signature.petition
    if request.method != "POST" and signature.confirmed_at is None:
        return render(request, "petitions/confirm.html", {"signature": signature})
    context = {
        "petition": petition,
        "signature": signature,
        "share": share_links(petition),
        "letters_url": letters_url(),
        **counter_context(petition),
    }
    return render(request, "petitions/confirmed.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def signature_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners and previews must not withdraw anyone); POST withdraws."""
    try:
        signature_id = withdraw_token_read(token)
    except TokenInvalid:
        return render(request, "petitions/link_problem.html", {"expired": False}, status=400)
    signature = Signature.objects.select_related("petition__appeal").filter(pk=signature_id).first()
    if request.method == "POST":
        if signature is not None:
            services.signature_withdraw(signature_id=signature_id)
        return render(request, "petitions/withdrawn.html", {"signature": signature})
    if signature is None:
        return render(request, "petitions/withdrawn.html", {"signature": None, "gone": True})
    return render(request, "petitions/withdraw.html", {"signature": signature})


def count_data(slug: str) -> dict[str, Any]:
    petition = get_object_or_404(selectors.petition_list(), slug=slug)
    context = counter_context(petition)
    return {
        "count": context["count"],
        "goal": context["goal"],
        "original_goal": context["original_goal"],
        "counted_at": context["counted_at"].isoformat(),
    }


@require_safe
def petition_count(request: HttpRequest, slug: str) -> JsonResponse:
    data = value_cached(
        key=f"petitions:count:{slug}", timeout=count_seconds(), compute=lambda: count_data(slug)
    )
    response = JsonResponse(data)
    # The count changes every few seconds; caches may serve it for as long.
    max_age = max(1, int(settings.PETITION_COUNT_REFRESH_SECONDS))
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@xframe_options_exempt
@csp_override(WIDGET_CSP)
@require_safe
@page_cache(timeout=count_seconds)
def petition_widget(request: HttpRequest, slug: str) -> HttpResponse:
    petition = get_object_or_404(selectors.petition_list(), slug=slug)
    context = {"petition": petition, "share": share_links(petition), **counter_context(petition)}
    return render(request, "petitions/widget.html", context)


@require_safe
def petition_card(request: HttpRequest, slug: str) -> HttpResponse:
    """The picture a shared link to the petition shows: title, live count and goal (PNG)."""
    petition = get_object_or_404(selectors.petition_list(), slug=slug)
    count = selectors.counter_read(petition=petition).count

    def make() -> share_card.Card:
        identity = campaign_identity()
        goal = petition.current_goal(count)
        return share_card.Card(
            site_name=identity.name,
            title=petition.appeal.title,
            count=count,
            goal=goal,
            count_text=share_card.signed_text(count),
            goal_text=share_card.goal_text(goal),
            colour=identity.colour,
        )

    png = share_card.card_png(key=f"petition:{petition.slug}", count=count, make=make)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={share_card.REDRAW_SECONDS}"
    return response


@csrf_exempt
@require_POST
def share_event(request: HttpRequest, slug: str) -> HttpResponse:
    """A share button pressed, or a page reached by a share link: one count, no person.

    Sent by the page's script with navigator.sendBeacon, which cannot carry a CSRF token; it
    changes nothing but an anonymous tally, so it is exempt. It counts only a post from the
    site's own pages (its Origin, or else its Referer), and at most
    PETITION_SHARES_PER_CLIENT_PER_DAY per client (IPv6 per /64) per petition a day: the
    dashboard's share counts are indicative, and nobody can inflate them at will.
    """
    channel = request.POST.get("channel", "")
    event = request.POST.get("event", "")
    if channel not in ShareCount.Channel.values or event not in ShareCount.Event.values:
        return HttpResponse("Unknown channel or event.", status=400, content_type="text/plain")
    if not same_origin(request):
        return HttpResponse("Not from this site.", status=403, content_type="text/plain")
    petition = selectors.petition_for_signing(slug=slug)
    if petition is None:
        raise Http404("No such petition.")
    limit = settings.PETITION_SHARES_PER_CLIENT_PER_DAY
    key = f"share:{petition.pk}:{ip_hash(client_ip(request))}"
    if not rate_limit_hit(key=key, rates=[Rate(limit, services.DAY_SECONDS)]):
        return HttpResponse(status=429)
    services.share_count_add(petition_id=petition.pk, channel=channel, event=event)
    return HttpResponse(status=204)


def same_origin(request: HttpRequest) -> bool:
    """Whether a post comes from a page of this site: its Origin, or its Referer, names us."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    host = urlsplit(source).netloc.lower()
    if not host or source == "null":
        return False
    ours = {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}
    return host in ours
