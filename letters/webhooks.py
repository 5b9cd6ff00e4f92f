"""Provider tracking events (through anymail's signed, authenticated webhooks) move letters on."""

from anymail.signals import AnymailTrackingEvent

from letters.services import letter_track


def tracking_received(
    sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: object
) -> None:
    """anymail's `tracking` signal: hand the event to the service; unknown messages are ignored."""
    letter_track(
        message_id=event.message_id or "",
        event_type=event.event_type,
        reason=event.description or event.mta_response or event.reject_reason or "",
        when=event.timestamp,
    )
