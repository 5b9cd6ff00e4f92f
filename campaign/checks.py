"""System checks: production refuses to start half-configured.

With DJANGO_DEBUG=false, `manage.py check`, `migrate` and the worker (`db_worker` runs the
checks when it starts) fail when the mailer is missing; `check --deploy` also fails when the
email provider's webhook is not secured. Each message names the environment variable to set.
(Without DATABASE_URL the settings themselves refuse to load.)
"""

import importlib.util

from django.conf import settings
from django.core.checks import Error, Tags, register

from campaign.esp import LOCAL_MAILERS, PROVIDERS


def package_missing(name: str) -> bool:
    return importlib.util.find_spec(name) is None


@register(Tags.compatibility)
def production_configuration_check(app_configs: object = None, **kwargs: object) -> list[Error]:
    """The mailer a production process needs."""
    if settings.DEBUG:
        return []
    errors = []
    mailer = settings.MAILER
    if not mailer:
        errors.append(
            Error(
                "MAILER is not set: emails (confirmation links) would be printed to the log "
                "instead of sent.",
                hint="Set MAILER to your email provider (e.g. mailgun) or smtp.",
                id="campaign.E002",
            )
        )
    elif mailer not in LOCAL_MAILERS:
        provider = PROVIDERS.get(mailer)
        if provider is None:
            errors.append(
                Error(
                    f"MAILER={mailer} is not a provider the site supports.",
                    hint=f"Use one of: smtp, {', '.join(sorted(PROVIDERS))}.",
                    id="campaign.E003",
                )
            )
        else:
            missing = [name for name in provider.packages if package_missing(name)]
            if missing:
                errors.append(
                    Error(
                        f"MAILER={mailer} needs the Python package(s) {', '.join(missing)}, "
                        "which are not installed.",
                        hint="Choose another MAILER, or add the package to pyproject.toml "
                        "and run `make lock`.",
                        id="campaign.E004",
                    )
                )
    return errors


@register(Tags.security)
def proxy_configuration_check(app_configs: object = None, **kwargs: object) -> list[Error]:
    """X-Forwarded-For is believed from the proxies named by their networks, not by a count."""
    from campaign.lib.clients import networks_parse

    errors = []
    if getattr(settings, "TRUSTED_PROXY_COUNT", 0):
        errors.append(
            Error(
                "TRUSTED_PROXY_COUNT is no longer read: it made the site believe X-Forwarded-For "
                "from anyone who reached it directly.",
                hint="Remove TRUSTED_PROXY_COUNT and set TRUSTED_PROXY_NETWORKS to your "
                "proxies' networks, e.g. 127.0.0.1/32 for nginx on the same host, or the load "
                "balancer's subnet (docs/deploy.md, 'Client addresses').",
                id="campaign.E005",
            )
        )
    for cidr in getattr(settings, "TRUSTED_PROXY_NETWORKS", []):
        try:
            networks_parse((cidr,))
        except ValueError:
            errors.append(
                Error(
                    f"TRUSTED_PROXY_NETWORKS has {cidr!r}, which is not a network.",
                    hint="Give CIDRs separated by commas, e.g. 10.0.0.0/8,fd00::/8.",
                    id="campaign.E006",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def webhook_security_check(app_configs: object = None, **kwargs: object) -> list[Error]:
    """The provider's tracking webhook is protected by the basic-auth secret and its signature."""
    mailer = settings.MAILER
    if settings.DEBUG or mailer not in PROVIDERS:
        return []
    from campaign.webhooks import webhook_problems

    return [
        Error(
            f"The {mailer} tracking webhook is not secured: {problem}",
            hint="Set it in the environment (see .env.example); until then the webhook "
            "answers 404 and letters' delivery is not tracked.",
            id="campaign.E010",
        )
        for problem in webhook_problems(esp=mailer)
    ]
