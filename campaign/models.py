"""The campaign's content: appeal documents, the figures they report and who signed them.

Every model has a natural key and fixtures carry no primary keys, so `loaddata` updates the rows
it loaded before instead of adding them again: loading a campaign's fixtures twice is harmless.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign.dates import EXACT_PRECISIONS, as_of_display, date_display
from campaign.lib.managers import NaturalKeyManager


class AppealQuerySet(models.QuerySet["Appeal"]):
    def published(self) -> "AppealQuerySet":
        return self.filter(is_published=True)


class AppealManager(NaturalKeyManager.from_queryset(AppealQuerySet)):  # type: ignore[misc]
    pass


class Appeal(models.Model):
    """One of the campaign's documents: an open letter, a petition, an appeal, a news report."""

    class Kind(models.TextChoices):
        OPEN_LETTER = "open_letter", _("Open letter")
        PETITION = "petition", _("Petition")
        APPEAL = "appeal", _("Appeal")
        NEWS_REPORT = "news_report", _("News report")

    class DatePrecision(models.TextChoices):
        DAY = "day", _("Exact day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")
        INFERRED = "inferred", _("Inferred from the text")
        UNKNOWN = "unknown", _("Not stated")

    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    title = models.CharField(max_length=300)
    summary = models.TextField(
        blank=True, help_text="A sentence or two for lists and the home page."
    )
    body = models.TextField(
        help_text="The text as the document gives it; paragraphs apart by a blank line."
    )
    date = models.DateField(
        null=True,
        blank=True,
        help_text="The document's date, as precise as `date_precision` says (day 1 for a month).",
    )
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN
    )
    date_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="The document's own words its date is given in or inferred from.",
    )
    date_inferred = models.CharField(
        max_length=200,
        blank=True,
        help_text="Our reading of a date that is not stated, in a few words: "
        "'around September 2021', '22 February 2021 or later'.",
    )
    date_note = models.TextField(
        blank=True, help_text="Where the date is inferred or unclear: from which words, and why."
    )
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    source_note = models.TextField(blank=True, help_text="Where the document comes from.")
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    objects = AppealManager()
    natural_key_lookups = ("slug",)

    # Not fields: set on the copy appeal_in_language() (campaign/selectors.py) makes for a page.
    text_language: str
    translator: str
    original: "Appeal | None"

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign:appeal_detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def date_display(self) -> str:
        return date_display(
            value=self.date,
            precision=self.date_precision,
            inferred=self.date_inferred,
            text=self.date_text,
        )

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class Figure(models.Model):
    """A number a reader would quote, as one document reports it, with its date and source."""

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("Exact")
        ESTIMATE = "estimate", _("Estimate")
        APPROXIMATE = "approximate", _("Approximate (nearly, some, about)")
        AT_LEAST = "at_least", _("At least (more than)")
        TARGET = "target", _("Target")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="figures")
    key = models.SlugField(max_length=100, help_text="Unique within the appeal.")
    measure = models.CharField(max_length=300, help_text="What is counted.")
    value = models.DecimalField(max_digits=15, decimal_places=2)
    unit = models.CharField(max_length=50, help_text="people, USD, percent, signatures, …")
    value_text = models.CharField(
        max_length=200, help_text="The number in the document's own words."
    )
    qualifier = models.CharField(max_length=12, choices=Qualifier, default=Qualifier.EXACT)
    period = models.CharField(
        max_length=200, blank=True, help_text="The span it counts, e.g. 'since November 2020'."
    )
    as_of = models.DateField(
        null=True, blank=True, help_text="The date the number refers to, as precise as stated."
    )
    as_of_precision = models.CharField(
        max_length=10, choices=Appeal.DatePrecision, default=Appeal.DatePrecision.UNKNOWN
    )
    as_of_inferred = models.CharField(
        max_length=200,
        blank=True,
        help_text="Our reading of a date that is not stated, in a few words (see Appeal).",
    )
    as_of_note = models.TextField(blank=True, help_text="How the date was read from the text.")
    quote = models.TextField(blank=True, help_text="The sentence the number comes from.")
    note = models.TextField(
        blank=True, help_text="How the number was read where the words leave room for doubt."
    )
    series = models.SlugField(
        max_length=50,
        blank=True,
        help_text="Figures of one series are drawn on the timeline together (e.g. casualties).",
    )
    scope = models.SlugField(
        max_length=100,
        blank=True,
        help_text="Figures of one series that count the same thing from the same start are "
        "joined by a line (e.g. 'mines-and-erw-since-november-2020'); a figure with no scope "
        "is drawn as a point of its own.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyManager()
    natural_key_lookups = ("appeal__slug", "key")

    class Meta:
        ordering = ["appeal__position", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "key"], name="figure_unique_key_per_appeal")
        ]

    def __str__(self) -> str:
        return f"{self.value_text}: {self.measure}"

    def natural_key(self) -> tuple[str, str]:
        return (*self.appeal.natural_key(), self.key)

    @property
    def as_of_display(self) -> str:
        return as_of_display(
            value=self.as_of, precision=self.as_of_precision, inferred=self.as_of_inferred
        )

    @property
    def as_of_is_exact(self) -> bool:
        """False when the date is inferred or unknown: charts draw such points as uncertain."""
        return self.as_of is not None and self.as_of_precision in EXACT_PRECISIONS

    natural_key.dependencies = ["campaign.appeal"]  # type: ignore[attr-defined]


class Signatory(models.Model):
    """A person named as signing or supporting an appeal, in the document's order."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="signatories")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300, blank=True)
    organisation = models.CharField(max_length=300, blank=True)

    objects = NaturalKeyManager()
    natural_key_lookups = ("appeal__slug", "position")

    class Meta:
        ordering = ["appeal__position", "position"]
        verbose_name_plural = "signatories"
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "position"], name="signatory_unique_position_per_appeal"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, int]:
        return (*self.appeal.natural_key(), self.position)

    natural_key.dependencies = ["campaign.appeal"]  # type: ignore[attr-defined]


class AppealTranslation(models.Model):
    """An appeal's text in another language, as the organisers provide it, with its translator.

    The site never translates a document itself: a page in another language shows the English
    original with a note, unless a translation is here (docs/translations.md).
    """

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, help_text="A code from settings.LANGUAGES.")
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Paragraphs apart by a blank line.")
    translator = models.CharField(max_length=200, help_text="Who translated it.")

    objects = NaturalKeyManager()
    natural_key_lookups = ("appeal__slug", "language")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "language"], name="appeal_translation_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal} ({self.language})"

    def natural_key(self) -> tuple[str, str]:
        return (*self.appeal.natural_key(), self.language)

    natural_key.dependencies = ["campaign.appeal"]  # type: ignore[attr-defined]


HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour as #rrggbb.")


class Campaign(models.Model):
    """Who runs the campaign and how it looks: the words and colours no template may hold.

    One row per site; its fixture sits in the campaign's folder with the appeals, so another
    campaign is another folder. Empty fields are shown as not given, never filled in.
    """

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100, help_text="The campaign's name, in the header.")
    description = models.CharField(
        max_length=300, help_text="One sentence for search results and shared links."
    )
    ask = models.TextField(
        blank=True,
        help_text="What the campaign asks, in one or two sentences, for the home page; "
        "best in the words of one of its documents (see ask_source).",
    )
    ask_source = models.ForeignKey(
        Appeal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The document the ask is quoted from, if it is a quotation.",
    )
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Who runs the campaign; empty if not given."
    )
    data_controller = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who is responsible for the personal data (the privacy page); "
        "empty: the organisation.",
    )
    contact_email = models.EmailField(blank=True, help_text="Empty if not given.")
    about = models.TextField(
        blank=True,
        help_text="The About page: who runs the campaign and why; paragraphs apart by a blank "
        "line.",
    )
    logo_svg = models.TextField(
        blank=True, help_text="The logo as SVG markup; load_campaign reads it from logo.svg."
    )
    colour = models.CharField(
        max_length=7,
        default="#00594f",
        validators=[HEX_COLOUR],
        help_text="The header and button colour; white text must read on it (4.5:1).",
    )

    objects = NaturalKeyManager()
    natural_key_lookups = ("slug",)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="campaign_colour_is_hex",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def about_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.about.split("\n\n") if p.strip()]

    @property
    def controller(self) -> str:
        return self.data_controller or self.organisation

    natural_key.dependencies = ["campaign.appeal"]  # type: ignore[attr-defined]


class ExportLog(models.Model):
    """One export of signatures or counts: who took which rows out, when, and how many.

    It also carries the custom permissions for personal data, so that they belong to no
    petition model: `view_personal_data` shows signers' emails in the admin,
    `export_signatures` allows the counts and the delivery list, `export_personal_data` the
    full and contact lists.
    """

    class Kind(models.TextChoices):
        SIGNATURES = "signatures", "Signatures"
        COUNTS_BY_DAY = "counts_by_day", "Signature counts per day"
        COUNTS_BY_COUNTRY = "counts_by_country", "Signature counts per country"

    class Source(models.TextChoices):
        ADMIN = "admin", "Admin"
        COMMAND = "command", "Command"

    user = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_logs",
        help_text="Empty for a management command.",
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.ADMIN)
    kind = models.CharField(max_length=20, choices=Kind)
    preset = models.CharField(max_length=20, blank=True)
    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_logs",
    )
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    row_count = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    is_finished = models.BooleanField(
        default=False, help_text="False if the download was interrupted before its last row."
    )

    class Meta:
        ordering = ["-started_at"]
        permissions = [
            ("view_personal_data", "Can see signers' email addresses, postcodes and IP hashes"),
            ("export_signatures", "Can export signature counts and the delivery list"),
            ("export_personal_data", "Can export signatures with email addresses"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.started_at:%Y-%m-%d %H:%M}"


class RateLimitHit(models.Model):
    """Attempts per key (an action and a salted IP hash) per time window, for rate limits.

    In PostgreSQL so the limit holds across workers and hosts; one upsert per attempt.
    """

    key = models.CharField(
        max_length=100,
        help_text="What is limited and for whom, e.g. a petition id and a salted IP hash.",
    )
    window_seconds = models.PositiveIntegerField()
    window_start = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_seconds", "window_start"], name="ratelimithit_unique_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.window_start:%H:%M:%S}/{self.window_seconds}s: {self.hits}"


class Heartbeat(models.Model):
    """When a background process last showed it was alive: the scheduler, the worker.

    /healthz reads these to tell a monitor that a process stopped (docs/deploy.md).
    """

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
