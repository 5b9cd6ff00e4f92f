"""Petitions, their signatures, and the counters that keep reading the count cheap.

How counting works (the long version is in docs/petitions.md):

- Signing inserts one `Signature` row and touches nothing shared: no counter row is updated in
  the signing transaction, so signers never queue behind each other on one hot row.
- A signature becomes countable when it is confirmed (or at once, for a petition with
  `count_on_signing`), and not invalidated.
- `PetitionCounter.count` is the number of signatures with `is_counted = true`. The count
  refresher (`services.counter_refresh`) flips `is_counted` on the countable rows that are not
  counted yet and adds how many it flipped, in one statement, at most once every few seconds
  per petition. A partial index holds only the uncounted rows, so the work is proportional to
  the new signatures, not to the total.
- A flag per row rather than a timestamp watermark: a watermark on `confirmed_at` misses a row
  whose transaction commits after a later-stamped row was already counted. The flag is exact:
  an uncommitted row is simply counted by the next refresh.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from campaign.lib.managers import NaturalKeyManager


def default_goal_steps() -> list[int]:
    return []


class Petition(models.Model):
    """A petition supporters sign; its text is the appeal it belongs to."""

    slug = models.SlugField(max_length=100, unique=True)
    appeal = models.OneToOneField(
        "campaign.Appeal", on_delete=models.PROTECT, related_name="petition"
    )
    goal = models.PositiveIntegerField(
        default=1000, help_text="The original goal, as the petition's text states it."
    )
    goal_steps = models.JSONField(
        default=default_goal_steps,
        blank=True,
        help_text="Later goals, e.g. [25000, 50000, 100000]: once a goal is reached the page "
        "shows the next one.",
    )
    is_open = models.BooleanField(default=True)
    count_on_signing = models.BooleanField(
        default=False,
        help_text="Count signatures as soon as they are made, without waiting for the email "
        "confirmation. Off by default: only confirmed signatures count.",
    )
    ask_country = models.BooleanField(default=True)
    ask_postcode = models.BooleanField(default=True, verbose_name="ask postcode or town")
    share_text = models.CharField(
        max_length=280, blank=True, help_text="Suggested text for share links."
    )

    objects = NaturalKeyManager()
    natural_key_lookups = ("slug",)

    def __str__(self) -> str:
        return self.appeal.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["campaign.appeal"]  # type: ignore[attr-defined]

    @property
    def goals(self) -> list[int]:
        """The original goal and the later steps, in rising order."""
        steps = {int(step) for step in (self.goal_steps or []) if int(step) > self.goal}
        return [self.goal, *sorted(steps)]

    def current_goal(self, count: int) -> int:
        """The first goal not yet reached; the last goal once all are reached."""
        for goal in self.goals:
            if count < goal:
                return goal
        return self.goals[-1]


class PetitionCounter(models.Model):
    """The petition's count, kept by the count refresher; one row per petition."""

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="counter"
    )
    count = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=0), name="petitioncounter_count_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.count}"


class CountryCount(models.Model):
    """Counted signatures per country, kept by the same refresher as the total."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="country_counts")
    country = models.CharField(max_length=2, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "country"], name="countrycount_unique_country_per_petition"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="countrycount_count_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.country or '??'}: {self.count}"


# The states of a signature, as conditions: for querysets below and for aggregates
# (`Count("id", filter=CONFIRMED)`), so each is spelled out in one place.
VALID = Q(invalidated_at__isnull=True)
INVALIDATED = Q(invalidated_at__isnull=False)
CONFIRMED = VALID & Q(confirmed_at__isnull=False)
PENDING = VALID & Q(confirmed_at__isnull=True)


class SignatureQuerySet(models.QuerySet["Signature"]):
    def valid(self) -> "SignatureQuerySet":
        """Not invalidated by an organiser (confirmed or not)."""
        return self.filter(VALID)

    def invalidated(self) -> "SignatureQuerySet":
        return self.filter(INVALIDATED)

    def confirmed(self) -> "SignatureQuerySet":
        """Valid and confirmed: what the petition counts."""
        return self.filter(CONFIRMED)

    def pending(self) -> "SignatureQuerySet":
        """Valid and waiting for its signer to confirm."""
        return self.filter(PENDING)

    def unconfirmed(self) -> "SignatureQuerySet":
        """Not confirmed, whether valid or not."""
        return self.filter(confirmed_at__isnull=True)


class Signature(models.Model):
    """One supporter's signature on one petition."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, help_text="As the supporter typed it.")
    email_canonical = models.CharField(
        max_length=254,
        help_text="Lower case, and without the dots and +tags that the provider ignores; "
        "unique per petition.",
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    postcode = models.CharField(max_length=40, blank=True, verbose_name="postcode or town")
    consent_to_contact = models.BooleanField(default=False)
    consent_text_version = models.CharField(
        max_length=20, blank=True, help_text="Which wording of the consent box was shown."
    )
    show_name_publicly = models.BooleanField(default=False)
    ip_hash = models.CharField(
        max_length=64, null=True, blank=True, help_text="Salted hash; dropped after 30 days."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    invalidated_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by an organiser (e.g. spam); stops counting."
    )
    is_counted = models.BooleanField(
        default=False, help_text="Included in the petition's counter (set by the refresher)."
    )
    language = models.CharField(
        max_length=10,
        default="en",
        db_default="en",  # rows written by SQL of their own (bulk loads) are English
        help_text="The interface language the supporter signed in; their emails are in it.",
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_canonical"], name="signature_unique_email_per_petition"
            ),
            models.CheckConstraint(
                condition=~Q(is_counted=True, invalidated_at__isnull=False),
                name="signature_invalidated_not_counted",
            ),
        ]
        indexes = [
            # The refresher's work list: only rows not counted yet, so it stays small.
            models.Index(
                fields=["petition", "id"],
                condition=Q(is_counted=False, invalidated_at__isnull=True),
                name="signature_uncounted_idx",
            ),
            # The public list of recent signers.
            models.Index(
                fields=["petition", "-id"],
                condition=Q(is_counted=True, show_name_publicly=True),
                name="signature_public_recent_idx",
            ),
            models.Index(fields=["ip_hash"], name="signature_ip_hash_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.petition_id}"

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else ""


class PendingConfirmationEmail(models.Model):
    """A confirmation email still to be sent: the petition's email outbox.

    The row is written in the same statement as the signature, so an accepted signature always
    has its email queued, and it is deleted once the email has gone. A worker task drains the
    outbox in batches (services.confirmation_emails_send_pending); signing itself only inserts.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirm the signature"
        # Someone signed again with an address that has signed: its owner is told by email,
        # and the page says only "check your email" (it tells a stranger nothing).
        ALREADY_SIGNED = "already_signed", "Already signed"

    signature = models.OneToOneField(
        Signature, on_delete=models.CASCADE, primary_key=True, related_name="pending_email"
    )
    kind = models.CharField(
        max_length=20, choices=Kind, default=Kind.CONFIRM, db_default=Kind.CONFIRM
    )
    queued_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(
        default=timezone.now, help_text="Not before this time (later after a failed attempt)."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # The id of the request that signed: the worker's log lines about this email carry it.
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["send_after"], name="pendingemail_send_after_idx")]

    def __str__(self) -> str:
        return f"email for signature {self.signature_id} after {self.send_after:%H:%M:%S}"


class ShareCount(models.Model):
    """How often a petition was shared, per channel and day, and how many visits came back.

    Counts only: no address, no cookie, nothing that tells one person from another. A "share"
    is a press on one of the page's share buttons; a "visit" is a page view that arrived by a
    share link (its utm_source names the channel). Both come from a POST beacon the page sends,
    so no GET writes to the database.
    """

    class Channel(models.TextChoices):
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        WHATSAPP = "whatsapp", "WhatsApp"
        TELEGRAM = "telegram", "Telegram"
        EMAIL = "email", "Email"
        COPY = "copy", "Copied link"
        NATIVE = "native", "Phone's share sheet"
        WIDGET = "widget", "Counter on another site"

    class Event(models.TextChoices):
        SHARE = "share", "Shared"
        VISIT = "visit", "Visits from shares"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="share_counts")
    day = models.DateField()
    channel = models.CharField(max_length=20, choices=Channel)
    event = models.CharField(max_length=10, choices=Event)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "day", "channel", "event"], name="sharecount_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.day} {self.channel} {self.event}: {self.count}"
