"""The development console shows emails as their recipient reads them, links whole."""

from io import StringIO

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

from campaign.console_mail import EmailBackend

LINK = "http://127.0.0.1:8000/petitions/confirm/" + "MTIz:1vMx9Q:" + "a1B2c3D4" * 12 + "/"


def confirmation_like_email() -> EmailMultiAlternatives:
    # A curly apostrophe and a link longer than a mail line: quoted-printable on the wire.
    message = EmailMultiAlternatives(
        subject="Confirm your signature",
        body=f"Thank you for signing – let’s get to 15,000.\n\nConfirm: {LINK}\n",
        from_email="campaign@localhost",
        to=["leyla@example.org"],
    )
    message.attach_alternative(f'<p><a href="{LINK}">Confirm</a></p>', "text/html")
    return message


def test_the_console_prints_the_text_part_decoded_with_the_link_whole():
    stream = StringIO()
    EmailBackend(stream=stream).send_messages([confirmation_like_email()])
    printed = stream.getvalue()
    assert f"Confirm: {LINK}\n" in printed
    assert "let’s get to 15,000" in printed
    assert "To: leyla@example.org" in printed
    assert "Subject: Confirm your signature" in printed
    assert "[text/html part, not shown here]" in printed


def test_djangos_own_console_would_break_the_link():
    # Why the project has its own: the stock backend prints the wire format.
    stream = StringIO()
    DjangoConsoleBackend(stream=stream).send_messages([confirmation_like_email()])
    assert LINK not in stream.getvalue()
