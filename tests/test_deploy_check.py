"""`manage.py check --deploy` must be clean with production-like settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MAILER", "MAILGUN_", "ANYMAIL_", "TASKS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="campaign.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="campaign.example.org",
        SITE_URL="https://campaign.example.org",
        DATABASE_URL=os.environ["DATABASE_URL"],
        MAILER="mailgun",
        MAILER_API_KEY="key-from-the-environment",
        MAILGUN_SENDER_DOMAIN="mg.example.org",
        MAILGUN_WEBHOOK_SIGNING_KEY="signing-key-from-the-environment",
        ANYMAIL_WEBHOOK_SECRET="hook:secret",
        DJANGO_BEHIND_PROXY="true",
        TASKS_BACKEND="database",
    )
    env.update(overrides)
    return env


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "Warning" not in result.stderr


def test_deploy_check_flags_debug_in_production():
    # The test above can only pass for the right reason if the check does look at settings.
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_DEBUG="true")
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_start_up_raises_no_django_deprecation_warning():
    result = run_manage(
        "check",
        env={
            **production_env(),
            "PYTHONWARNINGS": "error::DeprecationWarning,error::PendingDeprecationWarning",
        },
    )
    assert result.returncode == 0, result.stderr


def without(env: dict[str, str], *names: str) -> dict[str, str]:
    return {key: value for key, value in env.items() if key not in names}


def test_production_without_database_url_refuses_to_start():
    result = run_manage("check", env=without(production_env(), "DATABASE_URL"))
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_without_a_mailer_refuses_to_start():
    result = run_manage("check", env=without(production_env(), "MAILER", "MAILER_API_KEY"))
    assert result.returncode != 0
    assert "MAILER is not set" in result.stderr


def test_a_mailer_whose_package_is_missing_refuses_to_start():
    # amazon_ses needs boto3, which the lock file does not have.
    result = run_manage("check", env=production_env(MAILER="amazon_ses"))
    assert result.returncode != 0
    assert "MAILER=amazon_ses" in result.stderr
    assert "boto3" in result.stderr


def test_the_worker_refuses_to_start_half_configured():
    env = without(production_env(), "MAILER", "MAILER_API_KEY")
    result = run_manage("db_worker", "--batch", "--no-startup-delay", env=env)
    assert result.returncode != 0
    assert "MAILER is not set" in result.stderr


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("ANYMAIL_WEBHOOK_SECRET", "ANYMAIL_WEBHOOK_SECRET"),
        ("MAILGUN_WEBHOOK_SIGNING_KEY", "MAILGUN_WEBHOOK_SIGNING_KEY"),
    ],
)
def test_deploy_check_fails_when_the_webhook_is_not_secured(missing, named):
    result = run_manage("check", "--deploy", env=without(production_env(), missing))
    assert result.returncode != 0
    assert named in result.stderr
    # Only the deploy check: a plain start (a worker, migrate) does not need the webhook.
    assert run_manage("check", env=without(production_env(), missing)).returncode == 0


def test_deploy_check_wants_the_basic_auth_secret_for_a_provider_that_does_not_sign():
    env = production_env(MAILER="postmark")
    assert run_manage("check", "--deploy", env=env).returncode == 0
    result = run_manage("check", "--deploy", env=without(env, "ANYMAIL_WEBHOOK_SECRET"))
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET" in result.stderr
