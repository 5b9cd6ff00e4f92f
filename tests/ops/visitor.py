"""A visitor of the real-process tests: a browser's cookie, the form's tokens, an address."""

from __future__ import annotations

import itertools
import re
import threading
from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from petitions.models import Petition

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')

_addresses = itertools.count(1)
_address_lock = threading.Lock()


def new_address() -> str:
    """A client address no other request of the run used (the rate limits count per address)."""
    with _address_lock:
        number = next(_addresses)
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


class Visitor:
    """One browser: a cookie for the CSRF token, the form's tokens, its own client address."""

    def __init__(self, address: str | None = None) -> None:
        self.session = requests.Session()
        self.address = address
        self.cookie = ""
        self.token = ""
        self.started = ""

    def headers(self) -> dict[str, str]:
        # A connection per request: one kept open to a node while the visitor posts to the
        # other may be closed by gunicorn meanwhile (its keep-alive is 2 s).
        return {"X-Forwarded-For": self.address or new_address(), "Connection": "close"}

    def get(self, url: str) -> requests.Response:
        response = self.session.get(url, headers=self.headers(), timeout=60)
        # Production cookies are Secure; this plain-HTTP test sends it back by hand.
        self.cookie = response.cookies.get("csrftoken", self.cookie)
        if match := TOKEN.search(response.text):
            self.token = match.group(1)
        if match := STARTED.search(response.text):
            self.started = match.group(1)
        return response

    def post(self, url: str, data: dict[str, str]) -> requests.Response:
        return self.session.post(
            url,
            data={"csrfmiddlewaretoken": self.token, **data},
            cookies={"csrftoken": self.cookie},
            headers=self.headers(),
            allow_redirects=False,
            timeout=60,
        )

    def sign(self, node: str, petition: Petition, email: str) -> requests.Response:
        return self.post(
            f"{node}/petitions/{petition.slug}/sign/",
            {
                "started": self.started,
                "name": "Supporter",
                "email": email,
                "country": "AZ",
                "postcode": "Baku",
            },
        )
