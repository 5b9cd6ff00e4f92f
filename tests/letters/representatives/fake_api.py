"""The two parliaments' APIs, faked from the recorded answers in recorded/ (test data).

`FakeApi` is a transport for letters.representatives.http: it answers a URL from its routes
without any network. `serve()` answers the same routes over HTTP on loopback, for browser tests
and the benchmark, whose live server calls the API in its own threads.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from letters.representatives.http import Response

RECORDED = Path(__file__).parent / "recorded"
UK_FOUND = "/api/Location/Constituency/Search?searchText=EX1+1AA&skip=0&take=20"
UK_VACANT = "/api/Location/Constituency/Search?searchText=EX9+9ZZ&skip=0&take=20"
UK_UNKNOWN = "/api/Location/Constituency/Search?searchText=EX0+0AA&skip=0&take=20"
UK_CONTACT = "/api/Members/9001/Contact"
CA_FOUND = "/postcodes/K1A0B1/"
CA_VACANT = "/postcodes/K2P0V1/"
CA_UNKNOWN = "/postcodes/K0K0K0/"
CA_ALL = "/representatives/house-of-commons/?limit=1000"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0  # seconds before answering
    timeout: bool = False  # no answer at all: the transport raises TimeoutError


def ok(name: str, **kwargs) -> Route:
    return Route(body=recorded(name), **kwargs)


def html(status: int = 500) -> Route:
    headers = {"Content-Type": "text/html"}
    return Route(status=status, body=recorded("error-500.html"), headers=headers)


def uk_routes() -> dict[str, Route]:
    routes = {
        UK_FOUND: ok("uk-constituency-search-found.json"),
        UK_VACANT: ok("uk-constituency-search-vacant.json"),
        UK_UNKNOWN: ok("uk-constituency-search-unknown.json"),
        UK_CONTACT: ok("uk-member-9001-contact.json"),
        "/api/Members/Search?House=1&IsCurrentMember=true&skip=0&take=20": ok(
            "uk-members-search-skip-0.json"
        ),
        "/api/Members/Search?House=1&IsCurrentMember=true&skip=20&take=20": ok(
            "uk-members-search-skip-20.json"
        ),
    }
    template = recorded("uk-member-contact-template.json").decode()
    for member_id in range(9101, 9122):
        routes[f"/api/Members/{member_id}/Contact"] = Route(
            body=template.replace("{id}", str(member_id)).encode()
        )
    return routes


def ca_routes() -> dict[str, Route]:
    return {
        CA_FOUND: ok("ca-postcode-found.json"),
        CA_VACANT: ok("ca-postcode-vacant.json"),
        CA_UNKNOWN: Route(status=404, body=b'{"error": "Not found"}'),
        CA_ALL: ok("ca-representatives-house-of-commons.json"),
    }


class FakeApi:
    """A transport that answers from routes (path and query) and remembers every call."""

    def __init__(self, routes: dict[str, Route] | None = None):
        self.routes = {**uk_routes(), **ca_routes(), **(routes or {})}
        self.calls: list[tuple[str, dict[str, str], float]] = []

    def __call__(self, url: str, *, headers: dict[str, str], timeout: float) -> Response:
        self.calls.append((url, headers, timeout))
        parts = urlsplit(url)
        route = self.routes.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        if route is None:
            return Response(404, b"Not found", {"Content-Type": "text/plain"})
        if route.timeout or route.delay >= timeout:
            raise TimeoutError("timed out")
        return Response(route.status, route.body, route.headers)

    def urls(self) -> list[str]:
        return [url for url, _, _ in self.calls]


@dataclass
class Served:
    url: str  # the base URL, http://127.0.0.1:<port>
    hits: list[str]  # the paths asked for, in order


@contextmanager
def serve(routes: dict[str, Route] | None = None, *, delay: float = 0.0) -> Iterator[Served]:
    """Answer the routes over HTTP on a free loopback port (each after `delay` seconds)."""
    table = {**uk_routes(), **ca_routes(), **(routes or {})}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            hits.append(self.path)
            route = table.get(self.path) or Route(status=404, body=b"Not found")
            if route.timeout:
                time.sleep(10)
            time.sleep(max(route.delay, delay))
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(url=f"http://127.0.0.1:{server.server_address[1]}", hits=hits)
    finally:
        server.shutdown()
        server.server_close()
