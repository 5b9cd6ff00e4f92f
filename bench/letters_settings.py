"""Settings for the letters benchmark: the project's settings plus the "ok" floor's URL."""

from campaign.settings import *  # noqa: F403

ROOT_URLCONF = "bench.letters_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
