import logging
from datetime import datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from campaign.lib.clients import client_ip, ip_hash
from campaign.lib.pagecache import page_cache
from campaign.lib.ratelimit import rate_limit_hit, rate_parse
from campaign.selectors import campaign_name
from letters.dating import time_words_meaning
from letters.forms import LetterForm, PostcodeForm, RecipientSearchForm
from letters.models import Letter, LetterTemplate, Recipient, ReplyCheck
from letters.replies import ReplyOutcome, reply_record
from letters.representatives import NotFound, ProviderUnavailable
from letters.representatives.sync import representatives_find
from letters.selectors import (
    identical_copies_count,
    recipient_search,
    template_default,
    templates_for_choice,
)
from letters.services import (
    LetterDraft,
    LetterLimitExceeded,
    letter_confirm,
    letter_core_text,
    letter_create,
    letter_fill,
    letter_limits_check,
    letter_site_may_send,
)
from letters.tokens import (
    TokenExpired,
    TokenInvalid,
    confirm_token_read,
    reply_token_read,
    status_token_make,
    status_token_read,
)

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@require_safe
def letter_start(request: HttpRequest) -> HttpResponse:
    """Choose who to write to: find your MP by postcode, search the directory, or enter your own
    recipient. Without a query string the page is the same for every visitor: from the page
    cache (campaign/lib/pagecache.py), which keys pages by path and language only."""
    if request.GET:
        return letter_start_render(request)
    return letter_start_cached(request)


@page_cache(timeout=lambda: settings.PAGE_CACHE_SECONDS)
def letter_start_cached(request: HttpRequest) -> HttpResponse:
    return letter_start_render(request)


def letter_start_render(request: HttpRequest) -> HttpResponse:
    template_slug = request.GET.get("template")
    template = (
        get_object_or_404(LetterTemplate, slug=template_slug, is_active=True)
        if template_slug
        else template_default(language=translation.get_language())
    )
    form = RecipientSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = list(recipient_search(query=form.cleaned_data["q"]))
    context = {
        "template": template,
        "form": form,
        "results": results,
        # The campaign's own recipients; members loaded from a parliament are found by postcode.
        "directory": None if results is not None else recipient_directory_by_source(),
        "templates": templates_for_choice(),
        "postcode_form": postcode_form_for(template),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "letters/start.html", context, status=status)


def recipient_directory_by_source() -> list[tuple[Any, list[Recipient]]]:
    """The campaign's own recipients (members of parliament are found by postcode), grouped by
    the document that names them: [(appeal or None, recipients)]."""
    recipients = Recipient.objects.filter(is_active=True, provider="").select_related(
        "source_appeal"
    )[:50]
    groups: dict[Any, list[Recipient]] = {}
    for recipient in recipients:
        groups.setdefault(recipient.source_appeal, []).append(recipient)
    return list(groups.items())


def postcode_form_for(template: LetterTemplate | None) -> PostcodeForm | None:
    if template is None or not template.providers:
        return None
    return PostcodeForm(initial={"template": template.slug}, providers=template.providers)


def recipient_from(request: HttpRequest) -> Recipient | None:
    slug = request.POST.get("recipient") or request.GET.get("recipient")
    if not slug:
        return None
    return get_object_or_404(Recipient, slug=slug, is_active=True)


def draft_from(form: LetterForm, template: LetterTemplate) -> LetterDraft:
    data = form.cleaned_data
    recipient = form.recipient
    return LetterDraft(
        template=template,
        recipient=recipient,
        recipient_name=recipient.name if recipient else data["recipient_name"],
        recipient_title=recipient.title if recipient else data["recipient_title"],
        recipient_email=recipient.email if recipient else data["recipient_email"],
        sender_name=data["sender_name"],
        sender_email=data["sender_email"],
        sender_address=data.get("sender_address", ""),
        sender_postcode=data.get("sender_postcode", ""),
        personal_paragraph=data.get("personal_paragraph", ""),
        copy_to_sender=data.get("copy_to_sender", False),
        language=translation.get_language(),
    )


def mailto_link(*, to: str, subject: str, body: str) -> str:
    query = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return f"mailto:{quote(to, safe='@')}?{query}"


def letter_dating(template: LetterTemplate) -> dict[str, Any]:
    """When the campaign wrote the letter, and what its time words meant then (letters/dating)."""
    appeal = template.original.appeal if template.original else template.appeal
    if appeal is None or (appeal.date is None and not appeal.date_inferred):
        return {}
    if appeal.date_precision == "inferred" and appeal.date_inferred:
        written, inferred = appeal.date_inferred, True
    else:
        written, inferred = appeal.date_display, False
    return {
        "letter_written": written,
        "letter_written_inferred": inferred,
        "letter_appeal": appeal,
        "letter_time_words": time_words_meaning(template.body, written=appeal.date),
    }


def render_preview(
    request: HttpRequest,
    template: LetterTemplate,
    form: LetterForm,
    draft: LetterDraft,
    *,
    status: int = 200,
) -> HttpResponse:
    if form.step == "details":
        filled = letter_fill(draft=draft)
        subject, body = filled.subject, filled.body
        form = LetterForm(
            initial=form.cleaned_data | {"subject": subject, "body": body},
            recipient=form.recipient,
            step="send",
        )
    else:
        subject, body = form.data.get("subject", ""), form.data.get("body", "")
    may_send = letter_site_may_send(draft=draft)
    context = {
        "template": template,
        "form": form,
        "draft": draft,
        "recipient": form.recipient,
        "can_send": may_send,
        # A typed-in address the site will not email: the supporter sends it themselves.
        "own_mailbox_only": bool(draft.recipient_email) and not may_send,
        "from_display": f"{draft.sender_name} via {campaign_name()}",
        "from_address": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        # Never a mailto with an empty "To": without an email there is no mailto link.
        "mailto": mailto_link(to=draft.recipient_email, subject=subject, body=body)
        if draft.recipient_email
        else "",
        "contact_url": draft.recipient.contact_url if draft.recipient else "",
        "postal_address": draft.recipient.postal_address if draft.recipient else "",
        **letter_dating(template),
    }
    return render(request, "letters/preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
def letter_write(request: HttpRequest, template_slug: str) -> HttpResponse:
    """Details, then a preview to edit, then send (or print, or open in a mail program)."""
    template = get_object_or_404(LetterTemplate, slug=template_slug, is_active=True)
    recipient = recipient_from(request)
    if request.method == "GET":
        # From the postcode step: the postcode the supporter typed is theirs.
        initial = {"sender_postcode": request.GET.get("postcode", "")[:20]}
        form = LetterForm(recipient=recipient, initial=initial)
        context = {"template": template, "form": form, **letter_dating(template)}
        if recipient is None:
            context["postcode_form"] = postcode_form_for(template)
        else:
            copies = identical_copies_count(recipient=recipient, template=template)
            if copies >= settings.LETTERS_IDENTICAL_NUDGE:
                context["identical_copies"] = copies
        return render(request, "letters/write.html", context)

    step = request.POST.get("step", "details")
    if step not in {"details", "send", "print"}:
        step = "details"
    details = LetterForm(request.POST, recipient=recipient, step="details")
    if not details.is_valid():
        context = {"template": template, "form": details, **letter_dating(template)}
        return render(request, "letters/write.html", context, status=400)
    if step == "details":
        return render_preview(request, template, details, draft_from(details, template))

    draft = draft_from(details, template)
    # Only what the site sends must keep the campaign's text; a printed letter is the
    # supporter's own.
    core_text = letter_core_text(draft=draft) if step == "send" else None
    core_subject = letter_fill(draft=draft).subject if step == "send" else None
    form = LetterForm(
        request.POST,
        recipient=recipient,
        step="send",
        core_text=core_text,
        core_subject=core_subject,
    )
    if not form.is_valid():
        return render_preview(request, template, form, draft, status=400)
    if step == "print":
        context = {
            "template": template,
            "draft": draft,
            "subject": form.cleaned_data["subject"],
            "body": form.cleaned_data["body"],
        }
        return render(request, "letters/print.html", context)
    if not draft.recipient_email:
        form.add_error(
            None, gettext("We have no email address for this recipient: please send it yourself.")
        )
        return render_preview(request, template, form, draft, status=400)
    if not letter_site_may_send(draft=draft):
        form.add_error(
            None,
            gettext(
                "We can only send letters to the people in our list and to a few official "
                "addresses. Please send this letter from your own email program."
            ),
        )
        return render_preview(request, template, form, draft, status=400)
    hashed_ip = ip_hash(client_ip(request))
    try:
        letter_limits_check(sender_email=draft.sender_email, ip_hash=hashed_ip)
    except LetterLimitExceeded:
        return render(request, "letters/rate_limited.html", {"template": template}, status=429)
    letter, _ = letter_create(
        draft=draft,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
        ip_hash=hashed_ip,
    )
    return redirect("letters:status", token=status_token_make(letter.pk))


@require_http_methods(["GET", "POST"])
def letter_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST confirms and queues the letter."""
    try:
        letter_id = confirm_token_read(token)
    except TokenExpired:
        return render(request, "letters/link_problem.html", {"expired": True}, status=410)
    except TokenInvalid:
        return render(request, "letters/link_problem.html", {}, status=400)
    letter = Letter.objects.filter(pk=letter_id).select_related("template").first()
    if letter is None:
        return render(request, "letters/link_problem.html", {"gone": True}, status=404)
    if request.method == "POST":
        letter_confirm(letter_id=letter.pk)
        return redirect("letters:status", token=status_token_make(letter.pk))
    status_url = reverse("letters:status", kwargs={"token": status_token_make(letter.pk)})
    return render(request, "letters/confirm.html", {"letter": letter, "status_url": status_url})


@require_safe
def letter_status(request: HttpRequest, token: str) -> HttpResponse:
    try:
        letter_id = status_token_read(token)
    except TokenInvalid:
        return render(request, "letters/link_problem.html", {}, status=400)
    letter = Letter.objects.filter(pk=letter_id).select_related("template", "recipient").first()
    if letter is None:
        return render(request, "letters/link_problem.html", {"gone": True}, status=404)
    context = {
        "letter": letter,
        "start_url": reverse("letters:start"),
        "sent_when": moment(letter.sent_at),
        "delivered_when": moment(letter.delivered_at),
        # The sentence ends with its own full stop: a reason that has one gives it up.
        "status_reason": letter.status_reason.strip().rstrip("."),
    }
    return render(request, "letters/status.html", context)


def moment(value: datetime | None) -> str:
    """A date and time in the site's format with its time zone: "5 December 2026, 14:03 UTC"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


@require_safe
def representative_find(request: HttpRequest) -> HttpResponse:
    """“Enter your postcode”: the supporter's MP as a card, then straight into the letter.

    Whatever the API does (down, slow, 429, nonsense) the supporter gets a plain message and the
    manual path, never an error page; a bad postcode gets a sentence next to the field and no
    call goes out.
    """
    template = get_object_or_404(
        LetterTemplate, slug=request.GET.get("template", ""), is_active=True
    )
    if not template.providers:
        raise Http404("This letter has no postcode step.")
    form = PostcodeForm(request.GET, providers=template.providers)
    context = {"template": template, "postcode_form": form}
    if not form.is_valid():
        return render(request, "letters/find.html", context, status=400)
    postcode = form.cleaned_data["parsed"]
    context["postcode"] = postcode
    if not rate_limit_hit(
        key=f"representative-find:{ip_hash(client_ip(request))}",
        rates=[rate_parse(settings.REPRESENTATIVES_LOOKUPS_PER_IP)],
    ):
        context["problem"] = "busy"
        return render(request, "letters/find.html", context, status=429)
    try:
        area, recipients = representatives_find(provider=form.provider, postcode=postcode)
    except NotFound:
        message = f"We could not find the postcode {postcode.display}: please check it."
        form.add_error("postcode", message)
        return render(request, "letters/find.html", context, status=404)
    except ProviderUnavailable as error:
        logger.warning("Postcode lookup for template %s: %s", template.slug, error)
        context["problem"] = "unavailable"
        return render(request, "letters/find.html", context)
    context |= {"area": area, "recipients": recipients}
    return render(request, "letters/find.html", context)


# The answers as the question email names them, in the supporter's language (the model's
# labels are the organisers' English).
REPLY_ANSWER_LABELS: dict[str, "StrOrPromise"] = {
    ReplyCheck.Answer.YES.value: _("Yes, they replied"),
    ReplyCheck.Answer.NO.value: _("No reply"),
    ReplyCheck.Answer.NOT_YET.value: _("Not yet"),
}
REPLY_PAGE_STATUS = {
    ReplyOutcome.RECORDED: 200,
    ReplyOutcome.CHANGED: 200,
    ReplyOutcome.SAME: 200,
    ReplyOutcome.STANDS: 409,
    ReplyOutcome.GONE: 404,
}


@require_http_methods(["GET", "HEAD", "POST"])
def letter_reply(request: HttpRequest, token: str) -> HttpResponse:
    """A link from the question email names an answer; only the button's POST records it.

    Mail filters open every link of an email before its reader does: a GET, a HEAD or a
    prefetch shows the answer and its button, and changes nothing.
    """
    context: dict[str, Any] = {"link_days": settings.LETTERS_REPLY_LINK_DAYS}
    try:
        letter_id, ask, answer = reply_token_read(token)
    except TokenExpired:
        return render(request, "letters/reply.html", context | {"outcome": "expired"}, status=410)
    except TokenInvalid:
        return render(request, "letters/reply.html", context | {"outcome": "invalid"}, status=400)
    labels = REPLY_ANSWER_LABELS
    if request.method != "POST":
        if answer not in labels:
            return render(request, "letters/reply.html", context | {"outcome": "gone"}, status=404)
        context |= {"outcome": "ask", "answer": answer, "answer_label": labels[answer]}
        response = render(request, "letters/reply.html", context)
    else:
        record = reply_record(letter_id=letter_id, ask=ask, answer=answer)
        context |= {
            "outcome": record.outcome.value,
            "answer": record.answer,
            "answer_label": labels.get(record.answer, ""),
            "ask": ask,
        }
        response = render(
            request, "letters/reply.html", context, status=REPLY_PAGE_STATUS[record.outcome]
        )
    response["Cache-Control"] = "no-store"
    return response
