"""Middleware of the project's own."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from campaign.errors import request_too_large


class BodySizeLimitMiddleware:
    """Refuse a request whose body is over the cap with a 413, before anything reads it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields but not file parts, so without this
    a public form would read a 50 MB upload. The cap is REQUEST_BODY_MAX_BYTES everywhere but
    the admin, which takes CSV imports up to REQUEST_BODY_MAX_BYTES_ADMIN. A body without a
    Content-Length (chunked) is read by Django as empty, so the header is all there is to check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            cap = (
                settings.REQUEST_BODY_MAX_BYTES_ADMIN
                if request.path_info.startswith(self.admin_prefix)
                else settings.REQUEST_BODY_MAX_BYTES
            )
            if length > cap:
                return request_too_large()
        return self.get_response(request)
