"""The real transport (urllib) against a loopback server that misbehaves: never an exception
the page would turn into a 500, always ProviderUnavailable."""

import socket
import threading

import pytest

from letters.representatives import ProviderUnavailable, lookup
from letters.representatives.postcodes import UK, postcode_parse
from tests.letters.representatives.fake_api import UK_FOUND, Route, serve

pytestmark = pytest.mark.django_db


def raw_server(answer: bytes) -> tuple[str, socket.socket]:
    """A loopback server that answers every connection with `answer` and closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def run() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(answer)

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}", listener


def find():
    return lookup(provider="uk-commons", postcode=postcode_parse("EX1 1AA", countries=[UK]))


@pytest.mark.parametrize(
    "answer",
    [
        b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"items": [',  # cut short
        b"NONSENSE\r\n\r\n",  # no status line
        b"",  # closed at once
    ],
    ids=["cut-short", "bad-status-line", "closed"],
)
def test_a_broken_answer_is_unavailable(settings, answer):
    url, listener = raw_server(answer)
    settings.UK_PARLIAMENT_API_URL = url
    try:
        with pytest.raises(ProviderUnavailable):
            find()
    finally:
        listener.close()


def test_a_server_slower_than_the_timeout_is_unavailable(settings):
    settings.REPRESENTATIVES_API_TIMEOUT = 0.3
    with serve({UK_FOUND: Route(delay=1.0)}) as slow:
        settings.UK_PARLIAMENT_API_URL = slow.url
        with pytest.raises(ProviderUnavailable):
            find()


def test_the_real_transport_reads_the_recorded_answers(settings):
    with serve() as api:
        settings.UK_PARLIAMENT_API_URL = api.url
        assert find().members[0].email == "jane.testmember.mp@parliament.example"
        assert api.hits[0] == UK_FOUND
