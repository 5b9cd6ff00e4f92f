"""Letters to representatives: who can be written to, and the letters they can be sent."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.lib.managers import NaturalKeyManager


class RecipientQuerySet(models.QuerySet["Recipient"]):
    def without_route(self) -> "RecipientQuerySet":
        """Recipients a letter cannot reach: no email, no contact form, no postal address."""
        return self.filter(email="", contact_url="", postal_address="")


class Recipient(models.Model):
    """Someone a supporter can write to: a member of parliament, a media outlet, a body."""

    class Kind(models.TextChoices):
        MEMBER_OF_PARLIAMENT = "mp", _("Member of parliament")
        MEDIA = "media", _("Media outlet")
        INTERNATIONAL = "international", _("International organisation")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, help_text="Title or role.")
    organisation = models.CharField(max_length=200, blank=True)
    constituency = models.CharField(max_length=200, blank=True, help_text="Constituency or area.")
    country = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True, help_text="Only an address the recipient publishes.")
    contact_url = models.URLField(
        blank=True, help_text="A public contact form: supporters copy their letter into it."
    )
    postal_address = models.TextField(
        max_length=500, blank=True, help_text="A published postal address, one line per line."
    )
    website = models.URLField(blank=True, help_text="The recipient's own web site.")
    party = models.CharField(max_length=200, blank=True)
    postcodes = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Postcodes or their beginnings this recipient represents, separated by spaces "
        "or commas (“EH1 EH2 G12”): the directory's postcode search finds them by these.",
    )
    # Where a member of parliament was loaded from (sync_representatives, or a postcode lookup)
    # and their id there; empty for recipients entered by hand or imported from CSV.
    provider = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    source_note = models.TextField(blank=True, help_text="Where this recipient comes from.")
    source_appeal = models.ForeignKey(
        "campaign.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The campaign document that names this recipient, if one does: the letters "
        "page groups the recipients under it.",
    )
    # Where the email, contact form or postal address above is published by the recipient
    # itself, and when we read it there: a route is never guessed (docs/letters.md).
    contact_source_url = models.URLField(
        blank=True,
        max_length=500,
        help_text="The recipient's own page that publishes the contact route above.",
    )
    contact_checked_on = models.DateField(
        null=True, blank=True, help_text="When the route was read on that page."
    )
    contact_note = models.TextField(
        blank=True,
        help_text="What the page says the route is for, and anything doubtful about it.",
    )
    is_active = models.BooleanField(default=True)
    # What the recipient search looks in; a trigram index (Meta.indexes) makes a "contains"
    # search fast on thousands of recipients.
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

    objects = NaturalKeyManager.from_queryset(RecipientQuerySet)()
    natural_key_lookups = ("slug",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                condition=~Q(provider=""),
                name="recipient_unique_provider_external_id",
            )
        ]
        indexes = [
            # `search_text LIKE '%part%'` (recipient_search) as an index lookup.
            GinIndex(
                fields=["search_text"],
                name="letters_recipient_search_trgm",
                opclasses=["gin_trgm_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def has_route(self) -> bool:
        """Whether a letter can reach them at all: an email, a contact form or a postal address."""
        return bool(self.email or self.contact_url or self.postal_address)


class LetterTemplate(models.Model):
    """A campaign letter with named places for the recipient, the sender and the date."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    appeal = models.ForeignKey(
        "campaign.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Places: {recipient_name}, {sender_name}, … (see the docs).")
    postcode_lookup = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where “Enter your postcode” finds the supporter's representative: uk-commons, "
        "ca-commons, directory, or several separated by commas; empty for no postcode step.",
    )
    is_active = models.BooleanField(default=True)
    # A letter goes out in its template's language. A translation is a template of its own,
    # pointing at the original, with who translated it (docs/translations.md).
    language = models.CharField(max_length=10, default="en", help_text="The letter's language.")
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="translations",
        help_text="For a translation: the template it translates.",
    )
    translator = models.CharField(
        max_length=200, blank=True, help_text="For a translation: who translated it."
    )
    # Organisers revise a letter by editing it in the admin: each change of its subject or
    # text publishes a new version, the one before is kept (LetterTemplateVersion), and every
    # letter records the version it was written from.
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised each time the subject or text changes."
    )

    objects = NaturalKeyManager()
    natural_key_lookups = ("slug",)

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def providers(self) -> list[str]:
        return [key.strip() for key in self.postcode_lookup.split(",") if key.strip()]


class LetterTemplateVersion(models.Model):
    """A version of a letter template as it was before a revision: the history."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    replaced_at = models.DateTimeField(
        default=timezone.now, help_text="When a revision replaced it."
    )

    class Meta:
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "version"], name="lettertemplateversion_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.version}"


class LetterQuerySet(models.QuerySet["Letter"]):
    def sent(self) -> "LetterQuerySet":
        return self.filter(status__in=Letter.SENT_STATUSES)


class Letter(models.Model):
    """One supporter's letter to one recipient, from writing to delivery."""

    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")
        FAILED = "failed", _("Failed")

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
    template_version = models.PositiveIntegerField(
        default=1, help_text="The version of the template the letter was written from."
    )
    language = models.CharField(
        max_length=10,
        default="en",
        db_default="en",  # rows written by SQL of their own (bulk loads) are English
        help_text="The interface language the supporter wrote in; emails to them are in it. "
        "The letter itself is in its template's language.",
    )

    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10000, blank=True)
    body_removed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the body was removed after the retention period."
    )
    # False when the letter went out as the template filled it, with no word of the sender's
    # own: many identical copies to one recipient weigh less, and the write step says so.
    personalised = models.BooleanField(default=False)

    status = models.CharField(
        max_length=25, choices=Status, default=Status.AWAITING_CONFIRMATION, db_index=True
    )
    status_reason = models.TextField(blank=True, help_text="The provider's reason, if any.")
    attempts = models.PositiveSmallIntegerField(default=0)
    # The outbox: a queued letter is sent by the first drain that finds it due (see
    # services.letters_send_pending); a failed attempt or a full hour moves send_after on.
    send_after = models.DateTimeField(
        null=True, blank=True, help_text="A queued letter is sent not before this time."
    )
    # The email's Message-ID, made once when the letter is confirmed and set on every attempt:
    # a resend after a crash is recognisably the same message.
    message_id = models.CharField(max_length=255, blank=True)
    esp_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    ip_hash = models.CharField(max_length=64, null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The id of the request that confirmed it: the worker's log lines about sending it carry it.
    request_id = models.CharField(max_length=64, blank=True, default="")
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
        indexes = [
            # The outbox drain's query: queued letters that are due, oldest first.
            models.Index(
                fields=["send_after"],
                condition=Q(status="queued"),
                name="letter_queued_send_after_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_name} to {self.recipient_name}"


class PendingLetterConfirmation(models.Model):
    """A letter's confirmation email still to be sent: the letters' confirmation outbox.

    Written in the transaction that saves the letter, deleted once the email has gone (or was
    given up, or is no longer needed). Drained by services.letter_confirmations_send_pending.
    """

    letter = models.OneToOneField(
        Letter, on_delete=models.CASCADE, primary_key=True, related_name="pending_confirmation"
    )
    queued_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(
        default=timezone.now, help_text="Not before this time (later after a failed attempt)."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # The id of the request that wrote the letter: the worker's log lines about this email
    # carry it.
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["send_after"], name="pendingletterconf_after_idx"),
        ]

    def __str__(self) -> str:
        return f"confirmation email for letter {self.letter_id} after {self.send_after:%H:%M:%S}"


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


class RepresentativeCache(models.Model):
    """A representatives API's answer kept for a while, so a surge does not hammer the API.

    Keys: "<provider>:postcode:<POSTCODE>" (30 days) and "<provider>:member:<id>" (7 days).
    """

    key = models.CharField(max_length=200, unique=True)
    value = models.JSONField()
    fetched_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class ProviderBackoff(models.Model):
    """A representatives API that answered 429: no call to it before `not_before`."""

    provider = models.CharField(max_length=20, unique=True)
    not_before = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.provider} until {self.not_before:%Y-%m-%d %H:%M:%S}"


class ReplyCheck(models.Model):
    """Whether the recipient of a sent letter replied, as its sender told us.

    The first question goes out two weeks after delivery; "not yet" earns one more a week later.
    `asks` counts the questions sent; `answered_ask` is the question whose link gave the answer.
    """

    class Answer(models.TextChoices):
        YES = "yes", "Yes, they replied"
        NO = "no", "No reply"
        NOT_YET = "not_yet", "Not yet"

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="reply_check")
    asks = models.PositiveSmallIntegerField(default=0)
    last_asked_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=10, choices=Answer, blank=True)
    answered_ask = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(asks__lte=2), name="replycheck_at_most_two_asks"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.answer or 'no answer'}"


class AllowedDomain(models.Model):
    """A domain the site may send letters to when a supporter types the address in.

    The site sends only to recipients in the directory, or to a typed-in address on one of
    these domains (a parliament's, say) or their subdomains; any other typed-in recipient gets
    the letter to send from the supporter's own mailbox. Organisers keep the list in the admin.
    """

    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text="For example parliament.uk: covers that domain and its subdomains.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Whose domain it is.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
