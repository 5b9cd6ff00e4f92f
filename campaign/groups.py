"""The staff groups and what each may do; applied by a migration and by `manage.py setup_groups`.

- organiser: sees everything in the admin and the dashboard, edits the campaign's content,
  exports counts and the delivery list (names, countries, postcodes; no emails). Cannot see
  emails or IP hashes, cannot change or delete signatures or letters.
- data manager: all of that, and personal data: sees and searches emails, exports the full and
  contact lists, invalidates signatures (change) and deletes signatures and letters.

Permissions are named by app label and codename; one that does not exist yet (a model added
later) is skipped by the migration, and added after the next `migrate` (post_migrate, see
campaign/apps.py) or by `manage.py setup_groups`.
"""

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

ORGANISER = "organiser"
DATA_MANAGER = "data manager"

# Apps whose every model an organiser may view in the admin.
VIEW_APPS = ("campaign", "petitions", "letters")
# Models holding the campaign's public content, which organisers edit.
CONTENT_MODELS = (
    ("campaign", "appeal"),
    ("campaign", "figure"),
    ("campaign", "signatory"),
    ("petitions", "petition"),
    ("letters", "recipient"),
    ("letters", "lettertemplate"),
)
ORGANISER_EXTRA = (("campaign", "export_signatures"),)
DATA_MANAGER_EXTRA = (
    ("campaign", "view_personal_data"),
    ("campaign", "export_personal_data"),
    ("petitions", "change_signature"),
    ("petitions", "delete_signature"),
    ("letters", "delete_letter"),
)


def _codenames(apps: Apps) -> dict[str, set[tuple[str, str]]]:
    organiser: set[tuple[str, str]] = set(ORGANISER_EXTRA)
    for label in VIEW_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            organiser.add((label, f"view_{model._meta.model_name}"))
    for label, model_name in CONTENT_MODELS:
        organiser.update({(label, f"add_{model_name}"), (label, f"change_{model_name}")})
    return {ORGANISER: organiser, DATA_MANAGER: organiser | set(DATA_MANAGER_EXTRA)}


def groups_setup(*, apps: Apps = global_apps, verbosity: int = 0) -> dict[str, int]:
    """Create or update the two groups; returns how many permissions each holds. Idempotent."""
    # On a fresh database permissions are created after all migrations (post_migrate); make
    # them now so the groups get them in the same run.
    for config in apps.get_app_configs():
        # A migration's app configs are stubs without models_module, which create_permissions
        # takes for "no models"; set it for the call and put it back.
        saved = getattr(config, "models_module", None)
        config.models_module = saved or True  # type: ignore[assignment]
        try:
            create_permissions(config, verbosity=verbosity, apps=apps)
        finally:
            config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    result = {}
    for name, wanted in _codenames(apps).items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            p
            for p in Permission.objects.filter(
                codename__in={codename for _, codename in wanted}
            ).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(permissions)
        result[name] = len(permissions)
    return result


def groups_remove(*, apps: Apps = global_apps) -> None:
    """Undo groups_setup: delete the two groups (their members keep their accounts)."""
    apps.get_model("auth", "Group").objects.filter(name__in=[ORGANISER, DATA_MANAGER]).delete()
