"""Settings for the petition benchmark: the project's settings plus a bench-only URLconf.

The floor view (a minimal Django insert) is mounted only here, never in the project's URLs.
"""

from campaign.settings import *  # noqa: F403

ROOT_URLCONF = "bench.petition_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
