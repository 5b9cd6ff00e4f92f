"""Property-based: generated hostile requests to every public form and endpoint.

Bodies, content types and charsets, headers and field values are generated (hypothesis); the
properties are that no request gets a 5xx, and that a refused request (4xx) stores nothing.
The client sends a valid CSRF cookie and, in most examples, its token and a valid started
value, so requests get past the first checks and reach the forms and services behind them.
Examples are bounded (HOSTILE_EXAMPLES per test) to keep the suite fast.
"""

import time
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from letters.models import Letter, PendingLetterConfirmation
from petitions.models import PendingConfirmationEmail, Signature
from petitions.tokens import form_binding, started_token_make
from tests.security.conftest import BrowserLikeClient

HOSTILE_EXAMPLES = 60
HYPOTHESIS = settings(
    max_examples=HOSTILE_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text people and programs type: any Unicode, with the characters that break things more often.
TRICKY = st.sampled_from(
    [
        "\x00",
        "\r\n",
        "\u2028",
        "\u202e",
        "\u200b",
        "\ufeff",
        "%",
        "%00",
        "{",
        "}",
        "<",
        "'",
        '"',
        "=cmd|",
        "@",
        "\\",
        "https://x.example/",
        "é",
        "ليلى",
        "\U0001f600",
        " " * 3,
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=40), TRICKY), max_size=6).map("".join)
FIELD_NAMES = [
    "name",
    "email",
    "country",
    "postcode",
    "website",
    "started",
    "show_name_publicly",
    "consent_to_contact",
    "step",
    "recipient",
    "recipient_name",
    "recipient_title",
    "recipient_email",
    "sender_name",
    "sender_email",
    "sender_address",
    "sender_postcode",
    "personal_paragraph",
    "copy_to_sender",
    "subject",
    "body",
    "q",
    "postcode",
    "channel",
    "event",
    "language",
    "next",
    "username",
    "password",
]
FIELDS = st.dictionaries(st.sampled_from(FIELD_NAMES), TEXT, max_size=10)
# (No control characters in header values: gunicorn refuses those with a 400 before Django.)
CHARSETS = st.sampled_from(["", "", "utf-8", "UTF-8", "utf-16", "latin-1", "ascii", "no-such"])
# The forms' own content types more often than the others.
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "application/json",
        "text/plain",
        "",
    ]
)
# The webhook's basic-auth secret (hook:secret), so some webhook posts reach the parser.
BASIC_AUTH = "Basic aG9vazpzZWNyZXQ="
HEADER_VALUES = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    st.sampled_from(
        ["1.2.3.4", "::1", "2001:db8::1, 10.0.0.1", "unknown", "[::1]:80", "", BASIC_AUTH]
    ),
)


URLENCODED = "application/x-www-form-urlencoded"


def urlencoded(fields: dict[str, str], charset: str) -> bytes:
    encoding = charset if charset in {"utf-16", "latin-1", "ascii"} else "utf-8"
    pairs = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in fields.items())
    return pairs.encode(encoding, errors="replace")


def multipart(fields: dict[str, str]) -> bytes:
    parts = [
        f'--xyz\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode(
            "utf-8", errors="replace"
        )
        for k, v in fields.items()
    ]
    return b"".join(parts) + b"--xyz--\r\n"


@st.composite
def hostile_requests(draw, base: dict[str, str] | None = None):
    fields = draw(FIELDS)
    if base and draw(st.booleans()):
        # A valid post with some fields made hostile: gets past validation into the services.
        fields = base | fields
    content_type = draw(CONTENT_TYPES)
    charset = draw(CHARSETS)
    body_kind = draw(st.sampled_from(["form", "form", "form", "bytes"]))
    if body_kind == "bytes":
        body = draw(st.binary(max_size=300))
    elif content_type.startswith("multipart"):
        body = multipart(fields)
    else:
        body = urlencoded(fields, charset)
    if content_type and charset:
        content_type = f"{content_type}; charset={charset}"
    headers = {
        f"HTTP_{name}": draw(HEADER_VALUES)
        for name in draw(
            st.lists(
                st.sampled_from(
                    [
                        "X_FORWARDED_FOR",
                        "ACCEPT_LANGUAGE",
                        "REFERER",
                        "X_REQUESTED_WITH",
                        "ACCEPT",
                        "AUTHORIZATION",
                    ]
                ),
                max_size=3,
                unique=True,
            )
        )
    }
    with_token = draw(st.booleans()) or draw(st.booleans())
    return fields, body, content_type, headers, with_token


def stored() -> tuple[int, ...]:
    return (
        Signature.objects.count(),
        PendingConfirmationEmail.objects.count(),
        Letter.objects.count(),
        PendingLetterConfirmation.objects.count(),
    )


@pytest.fixture
def hostile_site(petition, template, mp, settings):
    settings.PETITION_MIN_FILL_SECONDS = 0
    settings.PETITION_RATE_BURST = "100000/60s"
    settings.PETITION_RATE_SUSTAINED = "100000/3600s"
    settings.LETTERS_RATE_PER_IP = "100000/1h"
    settings.LETTERS_RATE_PER_SENDER = "100000/1h"
    settings.LETTERS_DAILY_CAP_PER_SENDER = 100000
    settings.AXES_ENABLED = False
    # The provider's webhook mounted and secured, so its parser meets the generated bodies.
    settings.MAILER = "mailgun"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret", "MAILGUN_WEBHOOK_SIGNING_KEY": "key"}
    return petition


def post_and_check(path: str, request) -> None:
    fields, body, content_type, headers, with_token = request
    client = BrowserLikeClient()
    if with_token:
        extra = {
            "csrfmiddlewaretoken": client.token,
            "started": started_token_make(
                time.time() - 60, binding=form_binding(client.csrf_secret)
            ),
        }
        prefix = "&".join(f"{k}={quote(v)}" for k, v in extra.items()).encode()
        if content_type.startswith("multipart"):
            body = multipart(extra) + body
        else:
            body = prefix + b"&" + body
    before = stored()
    response = client.generic("POST", path, body, content_type=content_type, **headers)
    assert response.status_code < 500, (path, response.status_code, response.content[:500])
    if response.status_code >= 400:
        assert stored() == before, (path, response.status_code)
    assert not connection.needs_rollback


SIGNING = {"name": "Leyla Aliyeva", "email": "leyla@example.org", "country": "AZ"}
LETTER = {
    "step": "details",
    "sender_name": "Ann Lee",
    "sender_email": "ann@example.org",
    "sender_address": "1 High Street",
    "sender_postcode": "EX1 1AA",
    "recipient_name": "Sam Editor",
    "recipient_email": "sam@paper.example",
}


# The requests of the findings themselves always run (issue 9: a form in UTF-16 got a 500).
UTF16_FORM = (SIGNING, urlencoded(SIGNING, "utf-16"), URLENCODED + "; charset=utf-16", {}, True)
LATIN1_FORM = (SIGNING, urlencoded(SIGNING, "latin-1"), URLENCODED + "; charset=latin-1", {}, True)


@HYPOTHESIS
@given(request=hostile_requests(base=SIGNING))
@example(request=UTF16_FORM)
@example(request=LATIN1_FORM)
def test_signing_never_fails_and_a_refused_post_stores_nothing(hostile_site, request):
    post_and_check(f"/petitions/{hostile_site.slug}/sign/", request)


@HYPOTHESIS
@given(
    request=hostile_requests(base=LETTER),
    recipient=st.sampled_from(["", "jane-smith-exampleton", "x"]),
    step=st.sampled_from(["details", "send", "print", "nonsense"]),
)
@example(request=UTF16_FORM, recipient="", step="send")
def test_writing_a_letter_never_fails_and_a_refused_post_stores_nothing(
    hostile_site, request, recipient, step
):
    fields, *rest = request
    fields = {**fields, "step": step}
    if recipient:
        fields = {**fields, "recipient": recipient}
    post_and_check("/letters/write/open-letter/", (fields, *rest))


TOKEN = st.one_of(
    st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/?#"),
        min_size=1,
        max_size=80,
    ),
    st.sampled_from(["1:abc", "MQ:1tZ", "x" * 500, "..", "%2e%2e"]),
)


@HYPOTHESIS
@given(request=hostile_requests(), token=TOKEN, which=st.integers(0, 9))
def test_token_pages_and_small_endpoints_never_fail(hostile_site, request, token, which):
    slug = hostile_site.slug
    path = [
        f"/petitions/confirm/{quote(token, safe='')}/",
        f"/petitions/withdraw/{quote(token, safe='')}/",
        f"/letters/confirm/{quote(token, safe='')}/",
        f"/letters/reply/{quote(token, safe='')}/",
        f"/petitions/{slug}/shared",
        "/letters/find/",
        "/i18n/setlang/",
        "/anymail/mailgun/tracking/",
        "/anymail/amazon_ses/tracking/",
        f"/{django_settings.ADMIN_URL}login/",
    ][which]
    post_and_check(path, request)


@HYPOTHESIS
@given(
    path=st.sampled_from(
        [
            "/",
            "/petitions/",
            "/petitions/release-the-landmine-maps/",
            "/letters/",
            "/letters/find/",
            "/letters/write/open-letter/",
            "/appeals/",
            "/figures/",
            "/petitions/release-the-landmine-maps/count.json",
            "/petitions/release-the-landmine-maps/widget/",
            "/petitions/release-the-landmine-maps/thanks/",
        ]
    ),
    query=st.dictionaries(
        st.sampled_from(
            ["q", "recipient", "template", "postcode", "country", "result", "utm_source", "page"]
        ),
        TEXT,
        max_size=3,
    ),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "HTTP_X_FORWARDED_FOR",
                "HTTP_ACCEPT_LANGUAGE",
                "HTTP_ACCEPT",
                "HTTP_COOKIE",
                "HTTP_IF_NONE_MATCH",
            ]
        ),
        HEADER_VALUES,
        max_size=3,
    ),
)
def test_public_pages_never_fail_whatever_the_query_and_headers(hostile_site, path, query, headers):
    client = BrowserLikeClient()
    response = client.get(path, query, **headers)
    assert response.status_code < 500, (path, query, response.status_code)
