"""The email providers the site can send through (django-anymail), and what each one needs.

Plain data, read by the settings (which signing key to take from the environment), by the URL
configuration (which tracking webhook to mount) and by the system checks (what production must
have). No Django imports: the settings module imports this.
"""

from dataclasses import dataclass

# Mailers that are not an email provider: nothing to mount, no webhook to secure.
LOCAL_MAILERS = frozenset({"console", "smtp", "test"})


@dataclass(frozen=True)
class Provider:
    # anymail's tracking webhook view, imported only when this provider is the MAILER.
    tracking_view: str
    # The environment variable (and the ANYMAIL setting of the same name) with the key the
    # provider signs its webhooks with; None where basic auth is the only protection.
    signing_key: str | None = None
    # Python packages the backend or the webhook's signature check imports.
    packages: tuple[str, ...] = ()


PROVIDERS: dict[str, Provider] = {
    "mailgun": Provider(
        "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
        signing_key="MAILGUN_WEBHOOK_SIGNING_KEY",
    ),
    "mailersend": Provider(
        "anymail.webhooks.mailersend.MailerSendTrackingWebhookView",
        signing_key="MAILERSEND_SIGNING_SECRET",
    ),
    "mandrill": Provider(
        "anymail.webhooks.mandrill.MandrillCombinedWebhookView",
        signing_key="MANDRILL_WEBHOOK_KEY",
    ),
    "postal": Provider(
        "anymail.webhooks.postal.PostalTrackingWebhookView",
        signing_key="POSTAL_WEBHOOK_KEY",
        packages=("cryptography",),
    ),
    "resend": Provider(
        "anymail.webhooks.resend.ResendTrackingWebhookView",
        signing_key="RESEND_SIGNING_SECRET",
        packages=("svix",),
    ),
    "mailtrap": Provider(
        "anymail.webhooks.mailtrap.MailtrapTrackingWebhookView",
        signing_key="MAILTRAP_TRACKING_SECRET",
    ),
    "postmark": Provider("anymail.webhooks.postmark.PostmarkTrackingWebhookView"),
    "sendgrid": Provider("anymail.webhooks.sendgrid.SendGridTrackingWebhookView"),
    "brevo": Provider("anymail.webhooks.brevo.BrevoTrackingWebhookView"),
    "sparkpost": Provider("anymail.webhooks.sparkpost.SparkPostTrackingWebhookView"),
    "mailjet": Provider("anymail.webhooks.mailjet.MailjetTrackingWebhookView"),
    "amazon_ses": Provider(
        "anymail.webhooks.amazon_ses.AmazonSESTrackingWebhookView", packages=("boto3",)
    ),
}
