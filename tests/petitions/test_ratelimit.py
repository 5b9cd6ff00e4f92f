from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory

from campaign.lib.clients import client_ip, ip_hash
from campaign.lib.ratelimit import Rate, rate_limit_hit, rate_parse


@pytest.mark.parametrize(
    ("value", "rate"),
    [("5/60s", Rate(5, 60)), ("50/3600s", Rate(50, 3600)), ("100/1h", Rate(100, 3600))],
)
def test_rates_are_read_from_settings_strings(value, rate):
    assert rate_parse(value) == rate


def test_a_malformed_rate_is_refused():
    with pytest.raises(ValueError, match="5/60s"):
        rate_parse("five per minute")


@pytest.mark.django_db
def test_burst_limit_refuses_the_attempt_over_it(settings):
    settings.PETITION_RATE_BURST = "2/60s"
    settings.PETITION_RATE_SUSTAINED = "100/3600s"
    now = datetime(2026, 11, 22, 10, 0, 5, tzinfo=UTC)
    assert [rate_limit_hit(key="1:a", now=now) for _ in range(3)] == [True, True, False]
    # Another client, or another petition, has its own allowance.
    assert rate_limit_hit(key="1:b", now=now)
    assert rate_limit_hit(key="2:a", now=now)
    # The next window starts afresh.
    assert rate_limit_hit(key="1:a", now=now + timedelta(seconds=60))


@pytest.mark.django_db
def test_sustained_limit_holds_across_burst_windows(settings):
    settings.PETITION_RATE_BURST = "2/60s"
    settings.PETITION_RATE_SUSTAINED = "3/3600s"
    start = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
    hits = [rate_limit_hit(key="k", now=start + timedelta(minutes=m)) for m in range(4)]
    assert hits == [True, True, True, False]


@pytest.mark.django_db
def test_a_limit_of_zero_turns_the_limit_off(settings, django_assert_num_queries):
    settings.PETITION_RATE_BURST = "0/60s"
    settings.PETITION_RATE_SUSTAINED = "0/3600s"
    with django_assert_num_queries(0):
        assert rate_limit_hit(key="k")


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_NETWORKS = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("networks", "expected"),
    [(["10.0.0.0/8"], "198.51.100.2"), (["10.0.0.0/8", "198.51.100.0/24"], "203.0.113.9")],
)
def test_forwarded_for_is_read_from_the_right_up_to_the_first_untrusted_hop(
    settings, networks, expected
):
    settings.TRUSTED_PROXY_NETWORKS = networks
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 198.51.100.2"
    )
    assert client_ip(request) == expected


def test_ip_hash_is_salted(settings):
    settings.PETITION_IP_SALT = "one"
    first = ip_hash("203.0.113.9")
    settings.PETITION_IP_SALT = "two"
    assert ip_hash("203.0.113.9") != first
    assert "203.0.113.9" not in first
