"""“Did they reply?”: a question two weeks after delivery, one more after “not yet”, no more."""

import html
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaign.dashboard import dashboard_read
from letters.models import Letter, ReplyCheck
from letters.replies import reply_asks_send, reply_asks_send_task
from letters.selectors import reply_rates_by_kind, reply_rates_by_recipient
from tests.factories import IMMEDIATE_TASKS, letter_details, organiser

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/letters/reply/[^\s]+/)")


@pytest.fixture
def delivered(template, mp) -> Letter:
    now = timezone.now()
    return Letter.objects.create(
        template=template,
        recipient=mp,
        recipient_name=mp.name,
        recipient_email=mp.email,
        recipient_email_canonical=mp.email,
        sender_name="Ann Lee",
        sender_email="ann@example.org",
        sender_email_canonical="ann@example.org",
        subject="Release the landmine maps",
        body="Dear Jane Smith MP, …",
        status=Letter.Status.DELIVERED,
        sent_at=now - timedelta(minutes=1),
        delivered_at=now,
    )


def links(message) -> dict[str, str]:
    """The question email's three links, by answer, as paths."""
    yes, no, not_yet = LINK.findall(message.body)
    return {"yes": yes, "no": no, "not_yet": not_yet}


def test_the_question_goes_out_two_weeks_after_delivery_and_once(delivered):
    assert reply_asks_send(now=delivered.delivered_at + timedelta(days=13, hours=23)).asked == 0
    assert mail.outbox == []

    two_weeks = delivered.delivered_at + timedelta(days=14, minutes=1)
    assert reply_asks_send(now=two_weeks).asked == 1
    [question] = mail.outbox
    assert question.to == ["ann@example.org"]
    assert question.subject == "Did Jane Smith reply to your letter?"
    assert "Release the landmine maps" in question.body
    assert set(links(question)) == {"yes", "no", "not_yet"}
    html, mimetype = question.alternatives[0]
    assert mimetype == "text/html"
    assert "Yes, they replied" in html

    assert reply_asks_send(now=two_weeks + timedelta(days=3)).asked == 0
    assert len(mail.outbox) == 1


def test_one_click_records_the_answer_and_the_dashboard_counts_it(client, delivered):
    reply_asks_send(now=delivered.delivered_at + timedelta(days=15))
    response = client.post(links(mail.outbox[0])["yes"])

    assert response.status_code == 200
    assert "We recorded your answer: <strong>Yes, they replied</strong>" in response.text
    check = ReplyCheck.objects.get(letter=delivered)
    assert (check.answer, check.answered_ask) == ("yes", 1)
    [by_recipient] = reply_rates_by_recipient()
    assert (by_recipient.name, by_recipient.asked, by_recipient.replied) == ("Jane Smith", 1, 1)
    assert by_recipient.percent == 100
    [by_kind] = reply_rates_by_kind()
    assert (by_kind.name, by_kind.replied) == ("Member of parliament", 1)

    client.force_login(organiser())
    page = client.get(reverse("admin:dashboard")).text
    assert 'id="replies-by-recipient"' in page
    assert dashboard_read().replies_by_kind == [by_kind]
    csv = client.get(reverse("admin:replies_export")).content.decode()
    assert "recipient,Jane Smith,Member of parliament,1,1,1,0,0,100" in csv
    assert "kind,Member of parliament,Member of parliament,1,1,1,0,0,100" in csv


def test_the_same_link_twice_changes_nothing_and_says_so(client, delivered):
    reply_asks_send(now=delivered.delivered_at + timedelta(days=15))
    path = links(mail.outbox[0])["no"]
    client.post(path)
    again = client.post(path)
    assert again.status_code == 200
    assert "This link was used before" in again.text
    assert ReplyCheck.objects.get(letter=delivered).answer == "no"


def test_another_link_of_the_same_email_changes_the_answer(client, delivered):
    reply_asks_send(now=delivered.delivered_at + timedelta(days=15))
    email = links(mail.outbox[0])
    client.post(email["no"])
    changed = client.post(email["yes"])
    assert "We changed your answer to: <strong>Yes, they replied</strong>" in changed.text
    assert ReplyCheck.objects.get(letter=delivered).answer == "yes"


def test_not_yet_asks_once_more_a_week_later_and_never_after(client, delivered):
    first_run = delivered.delivered_at + timedelta(days=14, hours=1)
    reply_asks_send(now=first_run)
    first = links(mail.outbox[0])
    client.post(first["not_yet"])
    answered_at = ReplyCheck.objects.get(letter=delivered).answered_at

    assert reply_asks_send(now=answered_at + timedelta(days=6)).asked_again == 0
    assert reply_asks_send(now=answered_at + timedelta(days=7, minutes=1)).asked_again == 1
    second_email = mail.outbox[1]
    assert second_email.subject == "Has Jane Smith replied now?"
    assert "This is the last time we ask." in second_email.body
    second = links(second_email)
    client.post(second["not_yet"])

    later = timezone.now() + timedelta(days=60)
    result = reply_asks_send(now=later)
    assert (result.asked, result.asked_again) == (0, 0)
    assert len(mail.outbox) == 2

    # The answer from the second email stands against a link of the first.
    stale = client.post(first["yes"])
    assert stale.status_code == 409
    assert "Your answer from another email stands" in stale.text
    assert ReplyCheck.objects.get(letter=delivered).answer == "not_yet"
    # And the second email's own link may still change it.
    client.post(second["yes"])
    check = ReplyCheck.objects.get(letter=delivered)
    assert (check.answer, check.answered_ask, check.asks) == ("yes", 2, 2)


def test_a_forged_link_gets_a_plain_page(client, delivered):
    reply_asks_send(now=delivered.delivered_at + timedelta(days=15))
    path = links(mail.outbox[0])["yes"]
    forged = path.replace(f"/reply/{delivered.pk}:1:yes:", f"/reply/{delivered.pk}:1:no:")
    assert forged != path
    response = client.get(forged)
    assert response.status_code == 400
    assert "This link does not work" in response.text
    assert ReplyCheck.objects.get(letter=delivered).answer == ""


def test_an_expired_link_gets_a_plain_page(client, delivered, monkeypatch, settings):
    reply_asks_send(now=delivered.delivered_at + timedelta(days=15))
    path = links(mail.outbox[0])["yes"]
    later = time.time() + (settings.LETTERS_REPLY_LINK_DAYS + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert ReplyCheck.objects.get(letter=delivered).answer == ""


def test_bounced_letters_and_long_past_ones_are_not_asked(delivered, template):
    delivered.status = Letter.Status.BOUNCED
    delivered.save()
    assert reply_asks_send(now=delivered.delivered_at + timedelta(days=15)).asked == 0
    delivered.status = Letter.Status.DELIVERED
    delivered.save()
    # A scheduler switched off for months asks nothing about letters long past.
    assert reply_asks_send(now=delivered.delivered_at + timedelta(days=90)).asked == 0


def test_the_command_and_the_task_run_the_same_service(delivered, settings):
    Letter.objects.filter(pk=delivered.pk).update(delivered_at=timezone.now() - timedelta(days=15))
    out = StringIO()
    call_command("ask_about_replies", stdout=out)
    assert "1 asked, 0 asked again, 0 failed" in out.getvalue()
    settings.TASKS = IMMEDIATE_TASKS
    assert reply_asks_send_task.enqueue().return_value == {
        "asked": 0,
        "asked_again": 0,
        "failed": 0,
    }


def test_many_identical_copies_bring_a_nudge_in_the_write_step(client, template, mp, settings):
    settings.LETTERS_IDENTICAL_NUDGE = 3
    for i in range(3):
        Letter.objects.create(
            template=template,
            recipient=mp,
            recipient_name=mp.name,
            sender_name=f"Sender {i}",
            sender_email=f"s{i}@example.org",
            sender_email_canonical=f"s{i}@example.org",
            subject="s",
            status=Letter.Status.SENT,
            personalised=i == 2,
        )
    url = reverse("letters:write", args=["open-letter"]) + f"?recipient={mp.slug}"
    assert 'id="identical-copies"' not in client.get(url).text
    Letter.objects.filter(personalised=True).update(personalised=False)
    page = client.get(url).text
    assert "3 people have already sent Jane Smith this letter word for word." in page


def test_a_letter_with_a_paragraph_of_ones_own_counts_as_personalised(
    client, template, mp, immediate_tasks
):
    url = reverse("letters:write", args=["open-letter"])
    for email, paragraph in (("a@example.org", ""), ("b@example.org", "My own words.")):
        data = letter_details(recipient=mp.slug, sender_email=email, personal_paragraph=paragraph)
        preview = client.post(url, data).text
        body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', preview, re.S)
        subject = re.search(r'name="subject" value="([^"]*)"', preview)
        client.post(
            url,
            data
            | {
                "step": "send",
                "subject": html.unescape(subject.group(1)),
                "body": html.unescape(body.group(1)),
            },
        )
    assert dict(Letter.objects.values_list("sender_email", "personalised")) == {
        "a@example.org": False,
        "b@example.org": True,
    }


@pytest.mark.parametrize("headers", [{}, {"HTTP_SEC_PURPOSE": "prefetch"}], ids=["get", "prefetch"])
def test_opening_an_answer_link_records_nothing_until_the_button(client, delivered, headers):
    """Mail filters open every link of the question email: only the button's POST records."""
    reply_asks_send(now=delivered.delivered_at + timedelta(days=15))
    path = links(mail.outbox[0])["no"]
    page = client.get(path, **headers)
    assert page.status_code == 200
    assert "This is my answer" in page.text
    assert "No reply" in page.text
    assert client.head(path, **headers).status_code == 200
    assert ReplyCheck.objects.get(letter=delivered).answer == ""
