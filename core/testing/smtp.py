"""A real SMTP server on localhost for tests (aiosmtpd), collecting what it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """Start with :meth:`start`, read :attr:`messages`, stop with :meth:`stop`.

    Stopping and starting again keeps the same port, so an app configured for it reaches it
    again (tests of mail sent while the server was down use this).
    """

    def __init__(self, port: int | None = None, delay: float = 0.0) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        # ``delay``: seconds before it accepts each mail (a slow server, for tests of a batch).
        self._collector = _Collector(delay)
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    def start(self) -> "SMTPServer":
        self._controller = Controller(self._collector, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def clear(self) -> None:
        self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages sent to ``address``."""
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until ``count`` messages reached ``address`` (delivery runs in other threads)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mail(s) to {address}, got {len(self.to(address))}")


def body(message: EmailMessage) -> str:
    """The plain-text body of a message."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def links(message: EmailMessage) -> list[str]:
    """Every http(s) link in the plain-text body."""
    return re.findall(r"https?://\S+", body(message))
