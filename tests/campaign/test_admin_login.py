"""The admin's door: login throttled by django-axes, and its path set by the environment."""

import importlib

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import clear_url_caches, reverse

import campaign.urls

LOGIN = reverse("admin:login")


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("olga", "olga@campaign.test", "right-password", is_staff=True)


def attempt(client, password: str, ip: str = "203.0.113.7", **extra):
    return client.post(
        LOGIN,
        {"username": "olga", "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **extra,
    )


def test_locked_out_after_the_failure_limit_even_with_the_right_password(client, staff, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the form again, with an error
    assert attempt(client, "wrong").status_code == 429
    assert attempt(client, "right-password").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_right_password_before_the_limit_logs_in_and_resets(client, staff):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "right-password").status_code == 302
    assert not AccessAttempt.objects.filter(username="olga").exists()


def test_the_lockout_is_per_username_and_address(client, staff):
    for _ in range(5):
        attempt(client, "wrong", ip="203.0.113.7")
    # The same username from another address is not locked out by a guesser elsewhere.
    assert attempt(client, "right-password", ip="198.51.100.9").status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, staff, settings):
    settings.TRUSTED_PROXY_NETWORKS = []
    for i in range(5):
        attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert attempt(client, "right-password", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_forwarded_for_is_used_behind_a_trusted_proxy(client, staff, settings):
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]
    for _ in range(5):
        attempt(client, "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert (
        attempt(
            client, "right-password", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.2"
        ).status_code
        == 302
    )


def test_admin_path_comes_from_settings(client, settings, db):
    original = settings.ADMIN_URL
    settings.ADMIN_URL = "back-office-7f3a/"
    try:
        importlib.reload(campaign.urls)
        clear_url_caches()
        assert client.get("/back-office-7f3a/login/").status_code == 200
        assert client.get("/admin/login/").status_code == 404
    finally:
        settings.ADMIN_URL = original
        importlib.reload(campaign.urls)
        clear_url_caches()
    assert client.get("/admin/login/").status_code == 200
