"""Client addresses: X-Forwarded-For only from our proxies; IPv6 counted per /64."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from campaign.lib.clients import address_bucket, client_bucket, client_ip, ip_hash
from petitions.models import Signature
from tests.factories import sign_payload
from tests.test_deploy_check import production_env, run_manage

LOGIN = reverse("admin:login")


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("olga", "olga@campaign.test", "right-password", is_staff=True)


def login(client, password: str, ip: str, **extra):
    data = {"username": "olga", "password": password, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR=ip, **extra)


def test_a_direct_connection_cannot_spoof_its_way_past_the_lockout(client, staff, settings):
    # The proxy count an operator may have left set, and the proxy's own network: a request
    # that reaches the app directly (not from 10.0.0.0/8) is its own client.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]
    for number in range(8):
        login(client, "wrong", "203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = login(client, "right-password", "203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_behind_our_proxy_the_client_is_the_first_untrusted_hop_from_the_right(settings):
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
    factory = RequestFactory()
    forged_then_real = "6.6.6.6, 203.0.113.9, 10.1.2.3"
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged_then_real)
    assert client_ip(request) == "203.0.113.9"
    # Not an address where a client's would be: nothing further left is believed.
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, junk")
    assert client_ip(request) == "10.0.0.1"
    request = factory.get("/", REMOTE_ADDR="fd00::1", HTTP_X_FORWARDED_FOR="[2001:db8::7]:4431")
    assert client_ip(request) == "2001:db8::7"
    request = factory.get("/", REMOTE_ADDR="::ffff:10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.5")
    assert client_ip(request) == "192.0.2.5"


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("203.0.113.9", "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("not an address", "not an address"),
    ],
)
def test_ipv6_addresses_are_bucketed_by_their_64(address, bucket):
    assert address_bucket(address) == bucket


def test_one_64_shares_one_rate_limit_when_signing(client, petition, settings):
    settings.PETITION_MIN_FILL_SECONDS = 0
    settings.PETITION_RATE_BURST = "2/60s"
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    statuses = [
        client.post(
            url, sign_payload(email=f"s{number}@example.org"), REMOTE_ADDR=f"2001:db8:1:2::{number}"
        ).status_code
        for number in range(1, 5)
    ]
    assert statuses == [302, 302, 429, 429]
    assert Signature.objects.count() == 2
    assert ip_hash("2001:db8:1:2::1") == ip_hash("2001:db8:1:2:ffff::9")
    # Another /64 is another client (a new browser: no CSRF cookie for the started value).
    response = Client().post(
        url, sign_payload(email="t@example.org"), REMOTE_ADDR="2001:db8:1:3::1"
    )
    assert response.status_code == 302


def test_one_64_shares_one_admin_lockout(client, staff):
    for number in range(1, 6):
        login(client, "wrong", f"2001:db8:5:6::{number:x}")
    assert login(client, "right-password", "2001:db8:5:6:ffff::1").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "2001:db8:5:6::"
    # Another /64 is not locked out by this one.
    assert login(client, "right-password", "2001:db8:5:7::1").status_code == 302


def test_axes_counts_the_clients_bucket(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:9:9:1:2:3:4")
    assert client_bucket(request) == "2001:db8:9:9::"


def test_a_leftover_proxy_count_or_a_bad_network_stops_the_site_from_starting():
    result = run_manage("check", env=production_env(TRUSTED_PROXY_COUNT="1"))
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT is no longer read" in result.stderr
    assert "TRUSTED_PROXY_NETWORKS" in result.stderr
    result = run_manage("check", env=production_env(TRUSTED_PROXY_NETWORKS="10.0.0.0/8,nonsense"))
    assert result.returncode != 0
    assert "'nonsense'" in result.stderr
    result = run_manage("check", env=production_env(TRUSTED_PROXY_NETWORKS="10.0.0.0/8,fd00::/8"))
    assert result.returncode == 0, result.stderr
