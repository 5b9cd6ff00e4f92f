"""A small SMTP server on loopback for tests that run a real worker process.

It speaks just enough SMTP for Django's SMTP backend (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT, no TLS, no auth) and keeps every message it accepted. Two knobs make it misbehave like a
provider: `stall` (seconds to wait after receiving a message's data before answering 250; the
message counts as accepted before the wait, as at a provider that took it and then was slow
to say so) and `down` (every MAIL FROM gets 451, a temporary failure).
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        fake = self.server.fake
        try:
            self.reply("220 fake-smtp ready")
            sender, recipients = "", []
            while line := self.rfile.readline():
                command = line.decode("ascii", "replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250-fake-smtp\r\n250 8BITMIME" if verb == "EHLO" else "250 ok")
                elif verb == "MAIL":
                    if fake.down:
                        self.reply("451 4.3.0 Temporarily unavailable (test outage)")
                        continue
                    sender, recipients = command[10:].strip(" <>"), []
                    self.reply("250 ok")
                elif verb == "RCPT":
                    recipients.append(command[8:].strip(" <>"))
                    self.reply("250 ok")
                elif verb == "DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    fake.accept(sender, recipients, self.read_data())
                    if fake.stall:
                        time.sleep(fake.stall)
                    self.reply("250 ok queued")
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 ok")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not implemented")
        except (BrokenPipeError, ConnectionResetError):
            return  # the client went away (a killed worker)

    def read_data(self) -> bytes:
        lines = []
        while line := self.rfile.readline():
            if line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSMTP


class FakeSMTP:
    """Start with start(), stop with stop(); `received` lists what it accepted."""

    def __init__(self) -> None:
        self.stall = 0.0
        self.down = False
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None

    def start(self) -> FakeSMTP:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server
        return self._server.server_address[1]

    def accept(self, sender: str, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self._changed:
            self.received.append(Received(sender, tuple(recipients), message))
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> list[Received]:
        """Wait until at least `count` messages were accepted; the list, or AssertionError."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(
                    f"{len(self.received)} message(s) reached the SMTP server in {timeout} s; "
                    f"expected {count}."
                )
            return list(self.received)

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if address in r.recipients]
