"""Background work for petitions: the confirmation emails, the count refresher, the purge."""

from dataclasses import asdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from petitions.models import Petition, Signature
from petitions.tokens import confirm_token_make, withdraw_token_make


def confirmation_email_build(signature: Signature) -> EmailMultiAlternatives:
    """The confirmation email for a signature: subject, text and HTML from three templates."""
    confirm_path = reverse("petitions:confirm", kwargs={"token": confirm_token_make(signature.pk)})
    withdraw_path = reverse(
        "petitions:withdraw", kwargs={"token": withdraw_token_make(signature.pk)}
    )
    context = {
        "signature": signature,
        "petition": signature.petition,
        "confirm_url": settings.SITE_URL + confirm_path,
        "withdraw_url": settings.SITE_URL + withdraw_path,
        "petition_url": settings.SITE_URL + signature.petition.get_absolute_url(),
        "days": settings.PETITION_CONFIRMATION_DAYS,
    }
    subject = render_to_string("emails/petition-confirm-subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/petition-confirm-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[signature.email],
    )
    message.attach_alternative(
        render_to_string("emails/petition-confirm-body.html", context), "text/html"
    )
    return message


@task(queue_name="email")
def confirmation_emails_send() -> dict:
    """Drain the confirmation outbox: send every email that is due (queued after signing)."""
    from petitions.services import confirmation_emails_send_pending

    return asdict(confirmation_emails_send_pending())


@task()
def counts_refresh() -> int:
    """Refresh every petition's counter (the scheduler's `refresh_counts` job; pages only read)."""
    from petitions.services import counter_refresh

    refreshed = 0
    for petition in Petition.objects.all():
        if counter_refresh(petition=petition, force=True) is not None:
            refreshed += 1
    return refreshed


@task()
def signatures_purge_run() -> dict:
    """Retention (expired unconfirmed signatures, old IP hashes) for a scheduler to run daily."""
    from petitions.services import signatures_purge

    return asdict(signatures_purge())
