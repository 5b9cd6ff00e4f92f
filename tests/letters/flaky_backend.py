"""A test-only email backend that fails like a provider outage, then recovers."""

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError


class FlakyBackend(AnymailTestBackend):
    failures_left = 0  # set by the test: how many sends fail before the provider recovers

    def send_messages(self, email_messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise AnymailAPIError("503 Service Unavailable (test outage)")
        return super().send_messages(email_messages)
