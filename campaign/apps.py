from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def _groups_refresh(sender: object, using: str = "default", **kwargs: object) -> None:
    """After every migrate, give the staff groups the permissions of models added since."""
    from django.db import DEFAULT_DB_ALIAS

    from campaign.groups import groups_setup

    if using == DEFAULT_DB_ALIAS:
        groups_setup()


class CampaignConfig(AppConfig):
    name = "campaign"

    def ready(self) -> None:
        from campaign import checks  # noqa: F401 - registers the system checks

        # The migration made the groups when the models of its day existed; a model added by
        # a later migration (a letter, say) would otherwise be missing from them until someone
        # remembered `manage.py setup_groups`. Same idea as Django's own permissions, which
        # are made after migrate.
        post_migrate.connect(_groups_refresh, sender=self, dispatch_uid="campaign-groups")


class CampaignAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the campaign's admin site (dashboard, exports) as default."""

    default = False
    default_site = "campaign.sites.CampaignAdminSite"
