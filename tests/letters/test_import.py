"""Organisers add recipients in bulk from CSV: a report, and running it twice changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from letters.models import Recipient
from letters.services import recipients_import_csv

CSV = """name,title,organisation,constituency,country,kind,email,contact_url
Jane Smith,MP,,Exampleton North,United Kingdom,mp,jane.smith@parliament.example,
The Daily Example,,,,,media,letters@daily.example,https://daily.example/contact
Nameless,,,,,mp,,
Bad Kind,,,,,senate,,
Bad Email,,,,,mp,not-an-email,
Jane Smith,MP,,Exampleton North,United Kingdom,mp,jane@other.example,
"""


@pytest.mark.django_db
def test_import_reports_what_was_added_and_rejected_with_line_and_reason():
    report = recipients_import_csv(text=CSV)
    assert report.added == ["jane-smith-exampleton-north", "the-daily-example", "nameless"]
    assert report.rejected == [
        (5, "unknown kind 'senate' (use one of mp, media, international, ngo, other)"),
        (6, "'not-an-email' is not an email address"),
        (7, "the slug 'jane-smith-exampleton-north' is already on an earlier line"),
    ]
    # A row without a name is rejected too:
    assert recipients_import_csv(text="name,kind\n,mp\n").rejected == [(2, "the name is empty")]
    jane = Recipient.objects.get(slug="jane-smith-exampleton-north")
    assert (jane.kind, jane.email, jane.constituency) == (
        "mp",
        "jane.smith@parliament.example",
        "Exampleton North",
    )


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing():
    recipients_import_csv(text=CSV)
    before = list(Recipient.objects.order_by("slug").values())
    report = recipients_import_csv(text=CSV)
    assert report.added == []
    assert report.updated == []
    assert len(report.unchanged) == 3
    assert list(Recipient.objects.order_by("slug").values()) == before


@pytest.mark.django_db
def test_a_changed_row_updates_the_recipient():
    recipients_import_csv(text=CSV)
    changed = CSV.replace("jane.smith@parliament.example", "jane.smith.mp@parliament.example")
    report = recipients_import_csv(text=changed)
    assert report.updated == ["jane-smith-exampleton-north"]
    assert Recipient.objects.get(slug="jane-smith-exampleton-north").email == (
        "jane.smith.mp@parliament.example"
    )


@pytest.mark.django_db
def test_the_command_prints_the_report(tmp_path, capsys):
    path = tmp_path / "recipients.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_recipients", str(path))
    out, err = capsys.readouterr()
    assert "3 added, 0 updated, 0 unchanged, 3 rejected" in out
    assert "line 5: rejected: unknown kind 'senate'" in err


@pytest.mark.django_db
def test_the_admin_import_page_imports_an_uploaded_file(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:letters_recipient_import")
    assert admin_client.get(url).status_code == 200
    upload = SimpleUploadedFile("r.csv", CSV.encode(), content_type="text/csv")
    response = admin_client.post(url, {"csv_file": upload})
    assert response.status_code == 200  # rejected lines are shown, not skipped silently
    page = response.content.decode()
    assert "3 added, 0 updated, 0 unchanged, 3 rejected" in page
    assert "unknown kind" in page
    assert Recipient.objects.count() == 3


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_gets_a_clear_message(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.csv", "name,kind\nJosé,mp\n".encode("latin-1"))
    response = admin_client.post(reverse("admin:letters_recipient_import"), {"csv_file": upload})
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


ROUTES_CSV = (
    "name,kind,constituency,email,contact_url,postal_address,website,postcodes\n"
    'Sam Test,mp,Testford,,https://samtest.example/contact,"1 Test Road\n'
    'Testford TF1 1AA",https://samtest.example,"TF1, TF2"\n'
)


@pytest.mark.django_db
def test_the_import_takes_every_contact_route_and_keeps_the_address_lines():
    report = recipients_import_csv(text=ROUTES_CSV)
    assert report.added == ["sam-test-testford"], report.rejected
    sam = Recipient.objects.get(slug="sam-test-testford")
    assert sam.contact_url == "https://samtest.example/contact"
    assert sam.postal_address == "1 Test Road\nTestford TF1 1AA"
    assert sam.website == "https://samtest.example"
    assert sam.postcodes == "TF1, TF2"


@pytest.mark.django_db
def test_a_file_without_the_new_columns_keeps_what_the_admin_added():
    recipients_import_csv(text=CSV)
    Recipient.objects.filter(slug="the-daily-example").update(
        postal_address="1 Press Lane\nExampleton", website="https://daily.example"
    )
    report = recipients_import_csv(text=CSV)
    assert report.updated == []
    daily = Recipient.objects.get(slug="the-daily-example")
    assert daily.postal_address == "1 Press Lane\nExampleton"


@pytest.mark.django_db
def test_a_website_that_is_not_a_web_address_is_rejected():
    report = recipients_import_csv(text="name,kind,website\nX,media,javascript:alert(1)\n")
    assert report.rejected == [(2, "'javascript:alert(1)' is not a web address")]


@pytest.mark.django_db(transaction=True)
def test_the_start_page_shows_imported_recipients_at_once(client, campaign_content):
    assert "Sam Test" not in client.get(reverse("letters:start")).text  # now in the page cache
    recipients_import_csv(text=ROUTES_CSV)
    assert "Sam Test" in client.get(reverse("letters:start")).text
