"""Recompute every signature's canonical email with the stricter folding (issue 17, item 2).

Addresses such as `victim@ｇmail.com` or `"victim"@gmail.com` were stored under keys of their
own, so one mailbox could sign several times. Each key is recomputed; where the new key is
already another signature's on the same petition, the row keeps its old key and the pair is
printed for the organisers to decide (Moderation in the admin): nothing is deleted or merged
here. Run `manage.py migrate` and read its output, or look for the same pairs later with
`manage.py shell` (docs/petitions.md, "One mailbox, one signature").
"""

from django.db import migrations

from campaign.lib.canonical import email_canonical


def keys_recompute(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    changed, collisions = 0, []
    for signature in Signature.objects.only("pk", "petition_id", "email", "email_canonical"):
        key = email_canonical(signature.email)
        if key == signature.email_canonical:
            continue
        other = (
            Signature.objects.filter(petition_id=signature.petition_id, email_canonical=key)
            .exclude(pk=signature.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if other is not None:
            collisions.append((signature.petition_id, other, signature.pk))
            continue
        Signature.objects.filter(pk=signature.pk).update(email_canonical=key)
        changed += 1
    if changed or collisions:
        print(f"\n  Signatures: {changed} canonical email key(s) recomputed.")
    for petition_id, kept, duplicate in collisions:
        print(
            f"  Petition {petition_id}: signature {duplicate} is the same mailbox as signature "
            f"{kept}; it keeps its old key. Decide in the admin whether to invalidate it."
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0008_pending_email_kind")]

    operations = [migrations.RunPython(keys_recompute, migrations.RunPython.noop)]
