"""An HTTP server and an SMTP sink on 127.0.0.1 that record what they receive.

Both listen on a free port of 127.0.0.1 only; nothing in these tests reaches another host.
The HTTP server answers each request with the next status of ``answers`` (then 200), after
``delay`` seconds; the SMTP sink speaks just enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, QUIT).
"""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpSink:
    url: str
    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0


@pytest.fixture
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            sink.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if sink.delay:
                time.sleep(sink.delay)
            code = sink.answers.pop(0) if sink.answers else 200
            try:
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:  # the client gave up (a time-out test)
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/hook/SECRET-PATH"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


@dataclass
class SmtpSink:
    port: int
    mails: list[Mail] = field(default_factory=list)
    refuse_data_with: int | None = None


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=0)

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            say = lambda text: self.wfile.write(text.encode() + b"\r\n")  # noqa: E731
            say("220 sink ESMTP")
            sender, recipients = "", []
            while line := self.rfile.readline():
                verb = line.decode().strip()
                upper = verb.upper()
                if upper.startswith("EHLO"):
                    say("250-sink")
                    say("250 8BITMIME")
                elif upper.startswith("HELO") or upper.startswith("RSET") or upper.startswith("NOOP"):
                    say("250 ok")
                elif upper.startswith("MAIL FROM:"):
                    sender, recipients = verb[10:].strip().strip("<>").split(">")[0], []
                    say("250 ok")
                elif upper.startswith("RCPT TO:"):
                    recipients.append(verb[8:].strip().strip("<>"))
                    say("250 ok")
                elif upper == "DATA":
                    say("354 go on")
                    data = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    if sink.refuse_data_with:
                        say(f"{sink.refuse_data_with} try later")
                    else:
                        sink.mails.append(Mail(sender, recipients, data))
                        say("250 queued")
                elif upper == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("502 not implemented")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens (bound, then closed)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
