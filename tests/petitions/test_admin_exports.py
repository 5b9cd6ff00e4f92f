"""Signature exports from the admin and the commands: columns, filters, consent, neutralising,
names in any script, the export log, and tabs, carriage returns and times in the COPY."""

import csv
import io
from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaign.models import ExportLog
from petitions.exports import COLUMNS, PRESETS
from petitions.services import counter_refresh
from tests.factories import data_manager, make_petition, organiser, sign

EXPORT = reverse("admin:petitions_signature_export")


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def petition(db):
    return make_petition()


@pytest.fixture
def signed(petition):
    """Five signatures: hostile cells, three scripts, one pending, one consented."""
    return {
        "formula": sign(petition, '=HYPERLINK("http://evil")', "f@example.org", postcode="+44"),
        "arabic": sign(petition, "ليلى أحمد", "layla@example.org", country="EG", consent=True),
        "cyrillic": sign(petition, "Юлия Иванова", "yulia@example.org", postcode="@town"),
        "azerbaijani": sign(petition, "İlkin Əliyev", "ilkin@example.org", postcode="-5"),
        "pending": sign(petition, "Pending Person", "p@example.org", confirmed=False),
    }


def test_delivery_export_has_names_countries_postcodes_and_no_email(client, signed):
    client.force_login(organiser())
    rows = rows_of(client.get(EXPORT, {"preset": "delivery"}))
    assert rows[0] == [
        "petition",
        "name",
        "country",
        "postcode_or_town",
        "signed_at_utc",
        "confirmed_at_utc",
    ]
    assert len(rows) == 1 + 5
    body = repr(rows)
    assert "@example.org" not in body


def test_cells_that_start_a_formula_are_neutralised(client, signed):
    client.force_login(organiser())
    rows = rows_of(client.get(EXPORT, {"preset": "delivery"}))
    by_name = {row[1]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil")' in by_name
    assert by_name['\'=HYPERLINK("http://evil")'][3] == "'+44"
    assert by_name["Юлия Иванова"][3] == "'@town"
    assert by_name["İlkin Əliyev"][3] == "'-5"
    assert by_name["ليلى أحمد"][3] == "Baku"  # ordinary cells are left alone


def test_names_in_any_script_come_out_intact_in_utf8(client, signed):
    client.force_login(organiser())
    response = client.get(EXPORT, {"preset": "delivery"})
    body = b"".join(response.streaming_content)
    for name in ("ليلى أحمد", "Юлия Иванова", "İlkin Əliyev"):
        assert name.encode("utf-8") in body


def test_export_follows_the_changelist_filters(client, signed, petition):
    other = make_petition("another-petition")
    sign(other, "Other Petition Signer", "o@example.org")
    client.force_login(organiser())
    rows = rows_of(
        client.get(
            EXPORT, {"preset": "delivery", "petition__id__exact": petition.pk, "confirmed": "no"}
        )
    )
    assert [row[1] for row in rows[1:]] == ["Pending Person"]
    rows = rows_of(client.get(EXPORT, {"preset": "delivery", "petition__id__exact": other.pk}))
    assert [row[1] for row in rows[1:]] == ["Other Petition Signer"]


def test_export_follows_the_date_filter(client, petition):
    sign(petition, "Old Signer", created_at=timezone.now() - timedelta(days=400))
    sign(petition, "New Signer")
    client.force_login(organiser())
    year = timezone.now().year
    rows = rows_of(client.get(EXPORT, {"preset": "delivery", "created_at__year": year}))
    assert [row[1] for row in rows[1:]] == ["New Signer"]


def test_bad_filters_are_a_400_not_a_500(client, signed):
    client.force_login(organiser())
    response = client.get(EXPORT, {"preset": "delivery", "confirmed_at__gte": "not a date"})
    assert response.status_code == 400
    assert client.get(EXPORT, {"preset": "nonsense"}).status_code == 400


def test_organisers_cannot_filter_on_personal_data(client, signed):
    client.force_login(organiser())
    response = client.get(EXPORT, {"preset": "delivery", "email__startswith": "layla"})
    assert response.status_code == 400
    page = client.get(reverse("admin:petitions_signature_changelist"), {"email__startswith": "l"})
    assert page.status_code == 400


def test_full_export_has_emails_and_consent_for_a_data_manager(client, signed):
    client.force_login(data_manager())
    rows = rows_of(client.get(EXPORT, {"preset": "full"}))
    assert rows[0] == [COLUMNS[name].header for name in PRESETS["full"].columns]
    emails = {row[2] for row in rows[1:]}
    assert {"layla@example.org", "yulia@example.org", "p@example.org"} <= emails
    layla = next(row for row in rows if row[2] == "layla@example.org")
    assert layla[5:7] == ["yes", "v1"]


def test_contact_export_has_only_signers_who_consented(client, signed):
    client.force_login(data_manager())
    rows = rows_of(client.get(EXPORT, {"preset": "contact"}))
    assert [row[2] for row in rows[1:]] == ["layla@example.org"]
    rows = rows_of(client.get(EXPORT, {"preset": "delivery", "consented": "1"}))
    assert [row[1] for row in rows[1:]] == ["ليلى أحمد"]


def test_every_export_is_logged_with_its_row_count_when_it_ends(client, signed, petition):
    user = organiser()
    client.force_login(user)
    response = client.get(
        EXPORT, {"preset": "delivery", "petition__id__exact": petition.pk, "confirmed": "yes"}
    )
    log = ExportLog.objects.get(pk=response["X-Export-Log"])
    assert (log.user, log.kind, log.preset, log.petition) == (
        user,
        ExportLog.Kind.SIGNATURES,
        "delivery",
        petition,
    )
    assert log.filters == {"petition__id__exact": str(petition.pk), "confirmed": "yes"}
    assert log.columns[:2] == ["petition", "name"]
    assert (log.is_finished, log.row_count) == (False, None)  # nothing sent yet
    rows = rows_of(response)
    log.refresh_from_db()
    assert (log.is_finished, log.row_count) == (True, 4) == (True, len(rows) - 1)


def test_the_export_log_is_visible_and_read_only_in_the_admin(client, signed):
    user = organiser()
    client.force_login(user)
    rows_of(client.get(EXPORT, {"preset": "delivery"}))
    log = ExportLog.objects.get()
    page = client.get(reverse("admin:campaign_exportlog_changelist"))
    assert page.status_code == 200
    assert "olga" in page.text
    change = client.post(reverse("admin:campaign_exportlog_change", args=[log.pk]), {})
    assert change.status_code in {403, 200}
    log.refresh_from_db()
    assert log.row_count == 5
    assert client.get(reverse("admin:campaign_exportlog_delete", args=[log.pk])).status_code == 403


def test_tabs_and_carriage_returns_are_neutralised_and_times_cut_to_the_second(
    client, signed, petition
):
    late = timezone.now().replace(microsecond=999_999)
    sign(petition, "\tTabbed", "tab@example.org", postcode="\rCR", created_at=late)
    client.force_login(data_manager())
    rows = rows_of(client.get(EXPORT, {"preset": "full"}))
    tabbed = next(row for row in rows if row[2] == "tab@example.org")
    assert tabbed[1] == "'\tTabbed"
    assert tabbed[4] == "'\rCR"
    assert tabbed[8] == late.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")  # not rounded up


def test_export_signatures_command_writes_a_file_and_logs_it(signed, petition, tmp_path):
    out = tmp_path / "delivery.csv"
    call_command("export_signatures", "--petition", petition.slug, "--out", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == 1 + 4  # confirmed only, by default
    assert "Pending Person" not in {row[1] for row in rows}
    log = ExportLog.objects.get()
    assert (log.user, log.source, log.row_count, log.is_finished) == (None, "command", 4, True)


def test_export_signatures_command_consented_and_dates(signed, petition, tmp_path):
    sign(
        petition,
        "Old Consenter",
        "old@example.org",
        consent=True,
        created_at=timezone.now() - timedelta(days=30),
    )
    out = tmp_path / "contact.csv"
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    call_command(
        "export_signatures",
        "--petition",
        petition.slug,
        "--out",
        str(out),
        "--preset",
        "full",
        "--consented",
        "--since",
        since,
    )
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert [row[2] for row in rows[1:]] == ["layla@example.org"]
    assert ExportLog.objects.get().filters["consented"] is True


def test_counts_export_by_day_and_by_country(client, signed, petition):
    counter_refresh(petition=petition, force=True)
    client.force_login(organiser())
    response = client.get(reverse("admin:counts_export"), {"by": "day"})
    rows = rows_of(response)
    assert rows[0] == ["petition", "date_utc", "signed", "confirmed"]
    assert sum(int(row[2]) for row in rows[1:]) == 5
    assert sum(int(row[3]) for row in rows[1:]) == 4
    rows = rows_of(client.get(reverse("admin:counts_export"), {"by": "country"}))
    assert rows[0] == ["petition", "country", "confirmed", "counted"]
    assert [petition.slug, "EG", "1", "1"] in rows
    assert [petition.slug, "AZ", "3", "3"] in rows
    assert ExportLog.objects.filter(kind=ExportLog.Kind.COUNTS_BY_COUNTRY, row_count=2).exists()


def test_export_signature_counts_command(signed, petition, tmp_path):
    out = tmp_path / "counts.csv"
    call_command("export_signature_counts", "--out", str(out), "--by", "day")
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert rows[0][0] == "petition"
    assert len(rows) >= 2
    assert ExportLog.objects.get().source == "command"


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_download_stops_the_copy_and_stays_unfinished_in_the_log(client):
    """A client that goes away mid-export: the COPY is cancelled, its thread ends, the log
    says unfinished, and the next request's database connection works."""
    import threading

    from django.db import connection

    petition = make_petition()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO petitions_signature (petition_id, name, email, email_canonical, country,"
            " postcode, consent_to_contact, consent_text_version, show_name_publicly, created_at,"
            " confirmed_at, is_counted) SELECT %s, 'Signer ' || g, 's' || g || '@example.org',"
            " 's' || g || '@example.org', 'AZ', 'Baku', false, '', false, now(), now(), false"
            " FROM generate_series(1, 30000) AS g",
            [petition.pk],
        )
    client.force_login(organiser())
    response = client.get(EXPORT, {"preset": "delivery"})
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"petition,name,")
    response.close()
    assert not any(t.name == "csv-export" and t.is_alive() for t in threading.enumerate())
    log = ExportLog.objects.get()
    assert log.is_finished is False
    assert log.row_count is None
    rows = rows_of(client.get(EXPORT, {"preset": "delivery"}))
    assert len(rows) == 1 + 30000


def test_export_follows_a_date_range_in_the_address(client, petition):
    sign(petition, "October Signer", created_at=timezone.now() - timedelta(days=40))
    sign(petition, "Recent Signer", created_at=timezone.now() - timedelta(days=2))
    client.force_login(organiser())
    since = (timezone.now() - timedelta(days=10)).isoformat()
    rows = rows_of(client.get(EXPORT, {"preset": "delivery", "created_at__gte": since}))
    assert [row[1] for row in rows[1:]] == ["Recent Signer"]
    rows = rows_of(client.get(EXPORT, {"preset": "delivery", "created_at__lt": since}))
    assert [row[1] for row in rows[1:]] == ["October Signer"]
