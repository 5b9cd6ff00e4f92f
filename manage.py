#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

In a checkout with no DATABASE_URL (and DJANGO_DEBUG not false), every command gets the
development defaults `make run` has: DJANGO_DEBUG=true and a PostgreSQL of the checkout's own,
started for the command and stopped after it (campaign/devdb.py). Production sets DATABASE_URL,
so none of this happens there, and campaign.devdb is never imported.
"""

import os
import sys
from pathlib import Path


def development_defaults_apply() -> bool:
    """No database configured (environment or .env), and not told this is production."""
    import environ

    env_file = Path(__file__).resolve().parent / ".env"
    if env_file.is_file():
        environ.Env.read_env(env_file)
    debug = os.environ.get("DJANGO_DEBUG", "").strip().lower()
    return not os.environ.get("DATABASE_URL") and debug not in {"false", "0", "no", "off"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    from django.core.management import execute_from_command_line

    if not development_defaults_apply():
        execute_from_command_line(sys.argv)
        return
    from campaign.devdb import ClusterError, development_database

    try:
        cluster = development_database()
    except ClusterError as error:
        sys.exit(str(error))
    try:
        execute_from_command_line(sys.argv)
    finally:
        if cluster.started:
            cluster.stop()


if __name__ == "__main__":
    main()
