"""The "organiser" and "data manager" groups (see campaign/groups.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from campaign.groups import groups_setup

    groups_setup(apps=apps)


def backwards(apps, schema_editor):
    from campaign.groups import groups_remove

    groups_remove(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0003_exportlog"),
        ("petitions", "0002_signatures_counters_ratelimits"),
        ("letters", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
