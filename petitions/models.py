"""Petitions and their signatures."""

from django.db import models


class PetitionManager(models.Manager):
    def get_by_natural_key(self, slug: str) -> "Petition":
        return self.get(slug=slug)


class Petition(models.Model):
    """A petition supporters sign; its text is the appeal it belongs to."""

    slug = models.SlugField(max_length=100, unique=True)
    appeal = models.OneToOneField(
        "campaign.Appeal", on_delete=models.PROTECT, related_name="petition"
    )
    goal = models.PositiveIntegerField(default=1000)
    is_open = models.BooleanField(default=True)

    objects = PetitionManager()

    def __str__(self) -> str:
        return self.appeal.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["campaign.appeal"]
