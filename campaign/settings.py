"""Settings for the campaign platform.

One module for every environment: the environment carries the difference (see `.env.example`).
In a checkout, `manage.py` with nothing set runs with DJANGO_DEBUG=true on a PostgreSQL of the
checkout's own (campaign/devdb.py) and prints email to the console; production sets
`DJANGO_DEBUG=false`, `DJANGO_SECRET_KEY`, `DATABASE_URL` and a mailer.
"""

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from campaign.esp import PROVIDERS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is a convenience for development; real deployments set the environment.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG: bool = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY: str = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for a development server)."
        )
    # Only ever used by a development server on this machine.
    SECRET_KEY = "development-only-not-secret"  # noqa: S105

ALLOWED_HOSTS: list[str] = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [],
)

# The public address of the site, used in emails and share links (no trailing slash).
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # django.contrib.admin, with the campaign's admin site (dashboard, exports) as default.
    "campaign.apps.CampaignAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # PostgreSQL's own index kinds and operations (the recipients' trigram index).
    "django.contrib.postgres",
    "anymail",
    "campaign",
    "petitions",
    "letters",
    # After campaign: its `db_worker` command (kept running through a database outage)
    # takes the place of django-tasks-db's own.
    "django_tasks_db",
]

MIDDLEWARE = [
    # The request's id, on its log lines and in the X-Request-ID response header.
    "campaign.lib.logs.RequestIdMiddleware",
    # First: a body over the cap is refused (413) before anything reads it.
    "campaign.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "campaign.languages.LanguageRedirectMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Request bodies: the public forms' largest post (a 10,000-character letter, percent-encoded) is
# well under 256 KB; the admin takes CSV imports of up to 5 MB. A larger body gets a 413 before
# it is read (campaign/middleware.py). Django's own cap on form fields is the same.
REQUEST_BODY_MAX_BYTES: int = env.int("REQUEST_BODY_MAX_BYTES", default=256 * 1024)
REQUEST_BODY_MAX_BYTES_ADMIN: int = env.int("REQUEST_BODY_MAX_BYTES_ADMIN", default=6 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

ROOT_URLCONF = "campaign.urls"
# A refused form token gets the site's own page, which never reads the request body again.
CSRF_FAILURE_VIEW = "campaign.errors.csrf_failure"
WSGI_APPLICATION = "campaign.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign.context_processors.site",
                # Last: placeholders while a page is rendered for the shared page cache.
                "campaign.lib.pagecache.page_holes",
                "campaign.languages.alternates",
            ],
        },
    },
]


def database_config(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for a URL, with the connection settings every deployment wants."""
    config: dict[str, Any] = env.db_url_config(url)
    # Persistent connections: a new connection per request costs the signing view 5-6x.
    config["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = False
    return config


# PostgreSQL only: the hot paths are PostgreSQL SQL (ON CONFLICT, COPY, SKIP LOCKED). In a
# checkout, manage.py and `make run` start a server of their own when this is unset
# (campaign/devdb.py); everywhere else it must be set.
DATABASE_URL: str = env.str("DATABASE_URL", default="")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "Set DATABASE_URL to a PostgreSQL server (postgres://user:password@host:5432/name)."
    )
DATABASES = {"default": database_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Redis fails open (campaign/lib/failopen_cache.py): a stopped Redis slows pages down, it does
# not take the site down. Connecting and each command give up after CACHE_TIMEOUT_SECONDS.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHE_TIMEOUT_SECONDS: float = env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
    CACHES["default"]["BACKEND"] = "campaign.lib.failopen_cache.FailOpenRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
            "socket_timeout": CACHE_TIMEOUT_SECONDS,
        }
    )
# Public pages that do not show a count are kept this many seconds in the page cache at most
# (an organiser's change in the admin, or `load_campaign`, replaces them at once).
PAGE_CACHE_SECONDS: float = env.float("PAGE_CACHE_SECONDS", default=300.0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE: str = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_TZ = True

# Languages (docs/translations.md). English is the source language and lives at today's URLs
# (/petitions/…); every other language has its prefix (/az/petitions/…). A browser's first
# visit to an unprefixed page goes to the visitor's language (cookie, then Accept-Language).
# Adding a language: its catalogue in locale/<code>/LC_MESSAGES/ and a line here.
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("az", "Azərbaycanca"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Number separators from CLDR (Babel), as the browser's Intl formats them; English dates as
# in Britain.
FORMAT_MODULE_PATH = ["campaign.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; a development server serves sources.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or not env.bool("DJANGO_STATIC_MANIFEST", default=True)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The Django admin lives at a path of the operator's choosing (no leading slash).
ADMIN_URL: str = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"

# Email. Django 6.1's MAILERS: the console in development, an ESP through anymail in production.
# MAILER names the backend: "console", "smtp", "test" (anymail's test double), or an anymail
# ESP such as "mailgun", "postmark", "sendgrid", "amazon_ses", "brevo".
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="campaign@localhost")
SERVER_EMAIL: str = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Unset in production is an error (campaign/checks.py): the console would print confirmation
# links into the worker's log.
MAILER: str = env.str("MAILER", default="console" if DEBUG else "")


def mailer_config(name: str) -> dict[str, Any]:
    """The MAILERS["default"] entry for a mailer named in the environment."""
    if name == "console":
        # Django's console backend, printing the text part decoded (links whole).
        return {"BACKEND": "campaign.console_mail.EmailBackend"}
    if name == "smtp":
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("SMTP_HOST", default="localhost"),
                "port": env.int("SMTP_PORT", default=587),
                "username": env.str("SMTP_USER", default=""),
                "password": env.str("SMTP_PASSWORD", default=""),
                "use_tls": env.bool("SMTP_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    if name == "test":
        return {"BACKEND": "anymail.backends.test.EmailBackend"}
    options: dict[str, Any] = {"api_key": env.str("MAILER_API_KEY", default="")}
    if not options["api_key"]:
        raise ImproperlyConfigured(f"MAILER={name} needs MAILER_API_KEY.")
    if name == "mailgun":
        options["sender_domain"] = env.str("MAILGUN_SENDER_DOMAIN", default="") or None
        # https://api.eu.mailgun.net/v3 for an EU-region domain.
        options["api_url"] = env.str("MAILGUN_API_URL", default="https://api.mailgun.net/v3")
        options = {k: v for k, v in options.items() if v is not None}
    return {"BACKEND": f"anymail.backends.{name}.EmailBackend", "OPTIONS": options}


MAILERS = {"default": mailer_config(MAILER or "console")}

# Tracking webhooks are authenticated twice: HTTP basic auth with ANYMAIL_WEBHOOK_SECRET
# ("user:password" in the webhook URL) and the ESP's own signature where it signs (the key's
# variable per provider is in campaign/esp.py, e.g. MAILGUN_WEBHOOK_SIGNING_KEY). Only the
# MAILER's own webhook is mounted (campaign/webhooks.py); production without these fails
# `check --deploy`.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="") or None}
if (_provider := PROVIDERS.get(MAILER)) and _provider.signing_key:
    ANYMAIL[_provider.signing_key] = env.str(_provider.signing_key, default="") or None
ANYMAIL = {key: value for key, value in ANYMAIL.items() if value is not None}

# Background work (sending letters and confirmation emails) runs through Django's tasks
# framework. "database" queues in PostgreSQL for `manage.py db_worker`; "immediate" runs the
# task inside the request, which is what a development server wants.
TASKS_BACKEND: str = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "dummy": "django.tasks.backends.dummy.DummyBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default", "email"],
    }
}
# Queued by `manage.py db_worker` when it starts and whenever it gets the database back: the
# outbox drains, so what a killed worker was sending goes out without waiting for a scheduler.
WORKER_STARTUP_TASKS = [
    "letters.services.letters_send",
    "letters.services.letter_confirmations_send",
    "petitions.services.confirmation_emails_send",
]

# Behind a proxy that terminates TLS, it sets X-Forwarded-Proto; trust it only when told to.
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False
# The networks (CIDRs) of our own proxies: X-Forwarded-For is believed only from a connection
# that comes from one of them, and read from the right up to the first address outside them
# (campaign/lib/clients.py). Empty: the connection's address is the client's.
TRUSTED_PROXY_NETWORKS: list[str] = env.list("TRUSTED_PROXY_NETWORKS", default=[])
# No longer read: a count believed the header from anyone who reached the app directly. Set
# to anything but 0 it stops the site from starting (campaign.E005) with a message to move to
# TRUSTED_PROXY_NETWORKS.
TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)

SECURE_SSL_REDIRECT: bool = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS: int = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD: bool = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing is loaded from elsewhere: no CDN, no web fonts, no third-party scripts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Logs go to the console (the container's or the service manager's log). LOG_FORMAT=json
# writes one JSON object per line; every line carries the id of the request it was written for
# (campaign/lib/logs.py), and the worker's lines about a signature carry the id of the request
# that signed. LOG_REQUESTS adds one line per request (default: on with JSON; gunicorn's own
# access log is then left off).
LOG_FORMAT: str = env.str("LOG_FORMAT", default="plain")
LOG_REQUESTS: bool = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "campaign.lib.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "campaign.lib.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Error reports: Django emails every unhandled error (a 500) to ADMINS, from SERVER_EMAIL,
# through the configured mailer. DJANGO_ADMINS is a comma-separated list of addresses.
ADMINS: list[str] = env.list("DJANGO_ADMINS", default=[])
# Optional: errors (and, if a sample rate is set, performance traces) to Sentry. Without
# SENTRY_DSN nothing of sentry-sdk is imported. No personal data is sent (send_default_pii off).
SENTRY_DSN: str = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# Petitions (petitions/). Rate limits per client address per petition, as "hits/window":
# a burst limit and a sustained one, kept in PostgreSQL so they hold across workers and hosts.
# Raise them for an event where many supporters sign from one network, or for a load test.
PETITION_RATE_BURST: str = env.str("PETITION_RATE_BURST", default="5/60s")
PETITION_RATE_SUSTAINED: str = env.str("PETITION_RATE_SUSTAINED", default="50/3600s")
# Salt for the hash of signers' IP addresses (only the hash is stored); default: from SECRET_KEY.
PETITION_IP_SALT: str = env.str("PETITION_IP_SALT", default="") or f"ip:{SECRET_KEY}"
# A form sent back quicker than this (seconds after it was served) is taken for a robot.
PETITION_MIN_FILL_SECONDS: float = env.float("PETITION_MIN_FILL_SECONDS", default=3.0)
# Hours a served signing form stays good: its signed start time expires after this.
PETITION_FORM_MAX_AGE_HOURS: float = env.float("PETITION_FORM_MAX_AGE_HOURS", default=4.0)
# The count shown lags the signatures by at most about this many seconds.
PETITION_COUNT_REFRESH_SECONDS: float = env.float("PETITION_COUNT_REFRESH_SECONDS", default=3.0)
# Days a confirmation link stays valid; unconfirmed signatures are purged after it.
PETITION_CONFIRMATION_DAYS: int = env.int("PETITION_CONFIRMATION_DAYS", default=7)
# Emails one address gets about one petition per day at most (confirmation links, and "you
# have already signed"), counted as they are sent: signing again with someone else's address
# can't flood their mailbox. 0 turns the cap off.
PETITION_EMAILS_PER_ADDRESS_PER_DAY: int = env.int("PETITION_EMAILS_PER_ADDRESS_PER_DAY", default=3)
# Share-button presses (and visits by a shared link) counted per client (IPv6 per /64) per
# petition a day; more from one client are not counted. The counts are indicative.
PETITION_SHARES_PER_CLIENT_PER_DAY: int = env.int("PETITION_SHARES_PER_CLIENT_PER_DAY", default=5)

# Admin login throttling (django-axes). Failed logins are counted in the database, so a lockout
# holds across gunicorn workers and hosts. The lock is per username *and* client address
# together: a guesser is stopped without letting anyone lock a real organiser out from
# elsewhere. The client address is read as the petitions read it (X-Forwarded-For only from
# TRUSTED_PROXY_NETWORKS), and an IPv6 client counts as its /64. The axes middleware must stay
# last.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED: bool = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME: float = env.float("AXES_COOLOFF_HOURS", default=1.0)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "campaign.lib.clients.client_bucket"
AXES_DISABLE_ACCESS_LOG = True  # record failures, not every successful staff login
# Only staff log in: their sessions end after a working day rather than Django's two weeks.
SESSION_COOKIE_AGE: int = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)

# Letters to representatives.
# The name in "Jane Doe via <name>" on letters, the letters' emails and the User-Agent of calls
# to the representatives APIs; empty (the default): the campaign's own name, from its fixtures.
CAMPAIGN_NAME: str = env.str("CAMPAIGN_NAME", default="")
# Days a letter's confirmation link stays valid; unconfirmed letters are deleted after it.
LETTERS_CONFIRMATION_DAYS: int = env.int("LETTERS_CONFIRMATION_DAYS", default=7)
# Days a sent letter's text is kept before it is removed (the counts stay).
LETTER_BODY_RETENTION_DAYS: int = env.int("LETTER_BODY_RETENTION_DAYS", default=90)
# At most this many letters go to one recipient address per hour; the rest wait in the queue.
LETTERS_PER_RECIPIENT_PER_HOUR: int = env.int("LETTERS_PER_RECIPIENT_PER_HOUR", default=30)
# Letters submitted per client address (salted hash) and per sender email: "count/window".
LETTERS_RATE_PER_IP: str = env.str("LETTERS_RATE_PER_IP", default="20/1h")
LETTERS_RATE_PER_SENDER: str = env.str("LETTERS_RATE_PER_SENDER", default="10/1h")
# Letters one sender email may submit in 24 hours.
LETTERS_DAILY_CAP_PER_SENDER: int = env.int("LETTERS_DAILY_CAP_PER_SENDER", default=20)
# Confirmation emails of one letter per day at most: submitting the same letter again sends
# its link again only this often (the first included). 0: no cap.
LETTERS_CONFIRMATION_EMAILS_PER_DAY: int = env.int("LETTERS_CONFIRMATION_EMAILS_PER_DAY", default=3)
# A letter the site sends keeps at least this share (0-1) of the campaign's own text (the
# template's words, filled, in order; difflib): the supporter adds words rather than replacing
# the letter. Any other letter goes from the supporter's own mailbox (letters/relay.py).
LETTERS_TEMPLATE_SHARE_MIN: float = env.float("LETTERS_TEMPLATE_SHARE_MIN", default=0.7)
# Sending attempts before a letter is marked failed (back-off: 1, 5, 30, 120 minutes, …).
LETTERS_MAX_ATTEMPTS: int = env.int("LETTERS_MAX_ATTEMPTS", default=5)

# Finding a supporter's representative by postcode (letters/representatives/).
# Base URLs of the two parliaments' APIs: a mirror, or a test server on loopback, can stand in.
UK_PARLIAMENT_API_URL: str = env.str(
    "UK_PARLIAMENT_API_URL", default="https://members-api.parliament.uk"
).rstrip("/")
REPRESENT_API_URL: str = env.str(
    "REPRESENT_API_URL", default="https://represent.opennorth.ca"
).rstrip("/")
# Seconds an outgoing call may take before the supporter is offered the manual path.
REPRESENTATIVES_API_TIMEOUT: float = env.float("REPRESENTATIVES_API_TIMEOUT", default=3.0)
# Calls per API from all our processes together ("count/window"); over it, the manual path.
REPRESENTATIVES_API_RATE: str = env.str("REPRESENTATIVES_API_RATE", default="10/1s")
# Represent publishes a limit of 60 requests a minute per client (represent.opennorth.ca/api/);
# our calls to it keep under that, whatever REPRESENTATIVES_API_RATE allows the others.
REPRESENT_API_RATE: str = env.str("REPRESENT_API_RATE", default="60/1m")
# Days a postcode's representatives and a member's contact details are kept in the database.
REPRESENTATIVES_POSTCODE_CACHE_DAYS: int = env.int(
    "REPRESENTATIVES_POSTCODE_CACHE_DAYS", default=30
)
REPRESENTATIVES_MEMBER_CACHE_DAYS: int = env.int("REPRESENTATIVES_MEMBER_CACHE_DAYS", default=7)
# Postcode look-ups per client address (salted hash), so one client cannot drain the API rate.
REPRESENTATIVES_LOOKUPS_PER_IP: str = env.str("REPRESENTATIVES_LOOKUPS_PER_IP", default="30/1h")

# "Did they reply?": days after delivery the sender is asked, days before "not yet" is asked
# again (once), and days a reply link stays valid.
LETTERS_REPLY_ASK_DAYS: int = env.int("LETTERS_REPLY_ASK_DAYS", default=14)
LETTERS_REPLY_ASK_AGAIN_DAYS: int = env.int("LETTERS_REPLY_ASK_AGAIN_DAYS", default=7)
LETTERS_REPLY_LINK_DAYS: int = env.int("LETTERS_REPLY_LINK_DAYS", default=60)
# Unchanged copies of one letter to one recipient from which the write step asks for a
# paragraph of the supporter's own.
LETTERS_IDENTICAL_NUDGE: int = env.int("LETTERS_IDENTICAL_NUDGE", default=10)
# What the site sends in the campaign's name (letters/relay.py): the supporter's own words at
# most this many characters (a paragraph or two; more can be sent from their own mailbox), and
# the template's subject with at most this many characters added.
LETTERS_PERSONAL_MAX_CHARS: int = env.int("LETTERS_PERSONAL_MAX_CHARS", default=1200)
LETTERS_SUBJECT_ADDITION_MAX: int = env.int("LETTERS_SUBJECT_ADDITION_MAX", default=80)
# Periodic jobs. `manage.py scheduler` enqueues each job on the tasks framework when its time
# comes, and the worker runs it. "when" is an interval ("every 3s", "every 5m", "every 1h") or
# a crontab line in TIME_ZONE ("15 3 * * *": minute hour day month weekday, weekday by name).
# "task" is a task's dotted path; "command" a management command line, run by the worker
# through campaign.lib.scheduler.command_run. Adding a job is one line here; SCHEDULE_<NAME> in the
# environment replaces a job's "when" (e.g. SCHEDULE_PURGE_LETTERS="0 2 * * *"), and "off"
# turns it off. Only one scheduler acts at a time, however many are started (docs/deploy.md).


def schedule(jobs: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The jobs, each with its "when" from SCHEDULE_<NAME> if set; jobs set "off" left out."""
    result = {}
    for name, job in jobs.items():
        when = env.str(f"SCHEDULE_{name.upper()}", default=job["when"]).strip()
        if when.lower() != "off":
            result[name] = {**job, "when": when}
    return result


SCHEDULE = schedule(
    {
        # The shown count lags the confirmed signatures by about this interval (plus the
        # worker's polling and the page cache; docs/petitions.md).
        "refresh_counts": {
            "when": f"every {PETITION_COUNT_REFRESH_SECONDS:g}s",
            "task": "petitions.services.counts_refresh",
        },
        # Lets /healthz see that a worker runs tasks (campaign/lib/heartbeats.py).
        "worker_heartbeat": {
            "when": "every 30s",
            "task": "campaign.lib.heartbeats.worker_heartbeat",
        },
        # The safety net for confirmation emails (the worker sends them a second after signing).
        "send_confirmation_emails": {"when": "every 5m", "command": "send_confirmation_emails"},
        # The same for letters and their confirmation emails (docs/letters.md).
        "send_letters": {"when": "every 5m", "command": "send_letters"},
        "purge_signatures": {"when": "15 3 * * *", "command": "purge_signatures"},
        "purge_letters": {"when": "30 3 * * *", "command": "purge_letters"},
        "reconcile_counts": {"when": "0 4 * * *", "command": "reconcile_counts"},
        # "Did they reply?": questions two weeks after delivery (docs/letters.md).
        "ask_about_replies": {"when": "0 10 * * *", "task": "letters.replies.reply_asks_send_task"},
        # Every current member of both parliaments into the directory, with published emails.
        "sync_uk_commons": {"when": "0 5 * * mon", "command": "sync_representatives uk-commons"},
        "sync_ca_commons": {"when": "30 5 * * mon", "command": "sync_representatives ca-commons"},
        # Expired postcode and member answers of those APIs (the cache is in PostgreSQL).
        "purge_representatives_cache": {
            "when": "45 3 * * *",
            "task": "letters.representatives.sync.representatives_cache_purge_task",
        },
        # Finished task rows (successful or failed) older than two days.
        "prune_task_results": {
            "when": "30 4 * * *",
            "command": "prune_db_task_results --queue-name * --min-age-days 2",
        },
    }
)
# How often the acting scheduler records that it is alive, and how often a standby scheduler
# tries to take over (seconds).
SCHEDULER_HEARTBEAT_SECONDS: float = env.float("SCHEDULER_HEARTBEAT_SECONDS", default=10.0)
SCHEDULER_STANDBY_POLL_SECONDS: float = env.float("SCHEDULER_STANDBY_POLL_SECONDS", default=5.0)
# /healthz answers 503 when the worker's heartbeat (every 30 s) or the oldest due task is
# older than this, or the scheduler's heartbeat is (seconds; docs/deploy.md).
HEALTHZ_WORKER_OVERDUE_SECONDS: float = env.float("HEALTHZ_WORKER_OVERDUE_SECONDS", default=120.0)
HEALTHZ_SCHEDULER_OVERDUE_SECONDS: float = env.float(
    "HEALTHZ_SCHEDULER_OVERDUE_SECONDS", default=60.0
)
