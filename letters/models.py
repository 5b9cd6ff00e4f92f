"""Letters to representatives: who can be written to, and the letters they can be sent."""

from django.db import models


class RecipientManager(models.Manager):
    def get_by_natural_key(self, slug: str) -> "Recipient":
        return self.get(slug=slug)


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

    objects = RecipientManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class LetterTemplateManager(models.Manager):
    def get_by_natural_key(self, slug: str) -> "LetterTemplate":
        return self.get(slug=slug)


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

    objects = LetterTemplateManager()

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)
