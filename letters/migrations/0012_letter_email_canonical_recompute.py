"""Recompute the letters' canonical sender and recipient addresses (issue 17, item 2).

As petitions' 0009: one mailbox written several ways is one key. A letter whose new key would
make it a second letter from one sender to one recipient with one template keeps its old key,
and the pair is printed for the organisers; nothing is deleted.
"""

from django.db import IntegrityError, migrations, transaction

from campaign.lib.canonical import email_canonical


def keys_recompute(apps, schema_editor):
    Letter = apps.get_model("letters", "Letter")
    changed, kept = 0, []
    fields = ("pk", "sender_email", "sender_email_canonical")
    for letter in Letter.objects.only(*fields, "recipient_email", "recipient_email_canonical"):
        sender = email_canonical(letter.sender_email)
        recipient = email_canonical(letter.recipient_email) if letter.recipient_email else ""
        if (sender, recipient) == (letter.sender_email_canonical, letter.recipient_email_canonical):
            continue
        try:
            with transaction.atomic():
                Letter.objects.filter(pk=letter.pk).update(
                    sender_email_canonical=sender, recipient_email_canonical=recipient
                )
            changed += 1
        except IntegrityError:
            kept.append(letter.pk)
    if changed or kept:
        print(f"\n  Letters: {changed} canonical address key(s) recomputed.")
    for pk in kept:
        print(
            f"  Letter {pk} is a second letter from the same mailbox to the same recipient with "
            "the same template; it keeps its old key."
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0011_recipient_contact_provenance")]

    operations = [migrations.RunPython(keys_recompute, migrations.RunPython.noop)]
