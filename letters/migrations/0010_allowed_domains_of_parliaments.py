"""The parliaments' own email domains, allowed out of the box (issue 18, item 5).

A supporter who types in their member's address on one of these domains can send the letter
through the site without an organiser first adding the domain. They are ordinary rows: an
organiser can remove any of them in the admin, and this migration never adds one back (it runs
once, and skips a domain that is already there).
"""

from django.db import migrations

PARLIAMENT_DOMAINS = {
    "parliament.uk": "UK Parliament: MPs' and peers' official addresses (uk-commons)",
    "parl.gc.ca": "House of Commons of Canada: MPs' official addresses (ca-commons)",
    "assemblee-nationale.fr": "Assemblée nationale: députés' official addresses (fr-assemblee)",
    "bundestag.de": "Deutscher Bundestag: Abgeordnete's official addresses (de-bundestag)",
    "europarl.europa.eu": "European Parliament: MEPs' official addresses (eu-parliament)",
}


def domains_add(apps, schema_editor):
    AllowedDomain = apps.get_model("letters", "AllowedDomain")
    for domain, note in PARLIAMENT_DOMAINS.items():
        AllowedDomain.objects.get_or_create(domain=domain, defaults={"note": note})


def domains_remove(apps, schema_editor):
    AllowedDomain = apps.get_model("letters", "AllowedDomain")
    for domain, note in PARLIAMENT_DOMAINS.items():
        AllowedDomain.objects.filter(domain=domain, note=note).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0009_letter_confirmation_request_id")]

    operations = [migrations.RunPython(domains_add, domains_remove)]
