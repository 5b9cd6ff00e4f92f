from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"

    def ready(self) -> None:
        from anymail.signals import tracking

        from letters import checks  # noqa: F401 - registers the content checks
        from letters.webhooks import tracking_received

        # anymail validates the webhook (basic auth, the ESP's signature) before it signals.
        tracking.connect(tracking_received, dispatch_uid="letters.tracking_received")
