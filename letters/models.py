"""Letters to representatives: who can be written to, and the letters they can be sent."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Lower
from django.utils import timezone

from campaign.lib.managers import NaturalKeyManager


class Recipient(models.Model):
    """Someone a supporter can write to: a member of parliament, a media outlet, a body."""

    class Kind(models.TextChoices):
        MEMBER_OF_PARLIAMENT = "mp", "Member of parliament"
        MEDIA = "media", "Media outlet"
        INTERNATIONAL = "international", "International organisation"
        NGO = "ngo", "Non-governmental organisation"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, help_text="Title or role.")
    organisation = models.CharField(max_length=200, blank=True)
    constituency = models.CharField(max_length=200, blank=True, help_text="Constituency or area.")
    country = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True, help_text="Only an address the recipient publishes.")
    contact_url = models.URLField(blank=True, help_text="A public contact page.")
    source_note = models.TextField(blank=True, help_text="Where this recipient comes from.")
    is_active = models.BooleanField(default=True)
    # What the recipient search looks in; a trigram index on PostgreSQL (migration 0003) makes a
    # "contains" search fast on thousands of recipients.
    search_text = models.GeneratedField(
        expression=Lower(
            Concat(
                "name",
                models.Value(" "),
                "title",
                models.Value(" "),
                "organisation",
                models.Value(" "),
                "constituency",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = NaturalKeyManager()
    natural_key_lookups = ("slug",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class LetterTemplate(models.Model):
    """A campaign letter with named places for the recipient, the sender and the date."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    appeal = models.ForeignKey(
        "campaign.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Places: {recipient_name}, {sender_name}, … (see the docs).")
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager()
    natural_key_lookups = ("slug",)

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class LetterQuerySet(models.QuerySet["Letter"]):
    def sent(self) -> "LetterQuerySet":
        return self.filter(status__in=Letter.SENT_STATUSES)


class Letter(models.Model):
    """One supporter's letter to one recipient, from writing to delivery."""

    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting confirmation"
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        BOUNCED = "bounced", "Bounced"
        FAILED = "failed", "Failed"

    SENT_STATUSES = (Status.SENT, Status.DELIVERED, Status.BOUNCED)

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    recipient = models.ForeignKey(
        Recipient,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
        help_text="Empty when the supporter entered their own recipient.",
    )
    # The recipient as written to: copied from the directory, or typed by the supporter.
    recipient_name = models.CharField(max_length=200)
    recipient_title = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    recipient_email_canonical = models.CharField(max_length=254, blank=True)

    sender_name = models.CharField(max_length=100)
    sender_email = models.EmailField(max_length=254)
    sender_email_canonical = models.CharField(max_length=254)
    sender_address = models.TextField(max_length=500, blank=True)
    sender_postcode = models.CharField(max_length=20, blank=True)
    copy_to_sender = models.BooleanField(default=False)

    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10000, blank=True)
    body_removed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the body was removed after the retention period."
    )

    status = models.CharField(
        max_length=25, choices=Status, default=Status.AWAITING_CONFIRMATION, db_index=True
    )
    status_reason = models.TextField(blank=True, help_text="The provider's reason, if any.")
    attempts = models.PositiveSmallIntegerField(default=0)
    esp_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    ip_hash = models.CharField(max_length=64, null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One letter per sender, recipient and template: a double click or a second
            # confirmation can never produce a second letter.
            models.UniqueConstraint(
                fields=["sender_email_canonical", "recipient", "template"],
                condition=Q(recipient__isnull=False),
                name="letter_unique_per_sender_recipient_template",
            ),
            models.UniqueConstraint(
                fields=["sender_email_canonical", "recipient_email_canonical", "template"],
                condition=Q(recipient__isnull=True),
                name="letter_unique_per_sender_custom_recipient_template",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(recipient_email_canonical=""),
                name="letter_custom_recipient_has_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_name} to {self.recipient_name}"


class RecipientHourlyCount(models.Model):
    """Letters sent to one address per hour, so a popular campaign doesn't flood one inbox."""

    recipient_email_canonical = models.CharField(max_length=254)
    hour = models.DateTimeField()
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_email_canonical", "hour"], name="recipienthourlycount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_email_canonical} {self.hour:%Y-%m-%d %H}: {self.sent}"
