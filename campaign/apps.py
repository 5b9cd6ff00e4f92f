from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CampaignConfig(AppConfig):
    name = "campaign"


class CampaignAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the campaign's admin site (dashboard, exports) as default."""

    default = False
    default_site = "campaign.sites.CampaignAdminSite"
