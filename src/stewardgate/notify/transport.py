"""Delivery with the standard library: HTTP POST (urllib) and SMTP (smtplib), bounded.

Each attempt has a time limit; a failed attempt is retried up to ``retries`` times, waiting
``delay``, then twice that, ... (at most a minute); only failures that may pass are retried (no connection, a
time-out, HTTP 429 or 5xx, SMTP 4xx). Errors never show a webhook URL's path or query (where
Slack and Teams keep their secret), only its scheme, host and port.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from stewardgate import __version__


@dataclass(frozen=True)
class Attempts:
    """How a delivery went: how many attempts, the last error (None: delivered), a remark."""

    attempts: int
    error: str | None = None
    note: str | None = None


MAX_WAIT = 60.0
"""The longest wait between two attempts, however many retries."""


class _Permanent(Exception):
    """A failure that another attempt would not fix (HTTP 4xx, SMTP 5xx)."""


@dataclass(frozen=True)
class Policy:
    """Time limit of one attempt, extra attempts, first wait between them."""

    timeout: float
    retries: int
    delay: float
    sleep: Callable[[float], None] = time.sleep


def policy_of(settings: Any) -> Policy:
    """The delivery bounds of the notify settings."""
    return Policy(timeout=settings.timeout_seconds, retries=settings.retries, delay=settings.retry_delay_seconds)


def signature(key: bytes, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the exact body sent."""
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def where(url: str) -> str:
    """The URL without path and query (which may hold a secret)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"


def post_json(url: str, body: bytes, headers: Mapping[str, str], policy: Policy) -> Attempts:
    """POST ``body`` (JSON) to ``url``; a 2xx answer is delivered."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": f"stewardgate/{__version__}", **headers,
    })  # fmt: skip

    def once() -> None:
        try:
            with urllib.request.urlopen(request, timeout=policy.timeout) as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            text = f"{where(url)} answered HTTP {exc.code} {exc.reason}"
            if exc.code == 429 or exc.code >= 500:
                raise OSError(text) from None
            raise _Permanent(text) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise OSError(f"cannot reach {where(url)}: {_said(reason)}") from None

    return _attempt(once, policy)


def send_mail(message: EmailMessage | None, *, host: str, port: int, security: str, login: tuple[str, str] | None,
              policy: Policy) -> Attempts:  # fmt: skip
    """Send ``message`` over SMTP (plain, STARTTLS or implicit TLS), logging in if asked.

    ``message`` None only connects, greets and logs in (``notify test``).
    """

    def once() -> None:
        try:
            opener = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
            with opener(host, port, timeout=policy.timeout) as smtp:
                if security == "starttls":
                    smtp.starttls()
                if login is not None:
                    smtp.login(*login)
                if message is None:
                    smtp.ehlo_or_helo_if_needed()
                    smtp.noop()
                else:
                    smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            text = f"mail server {host}:{port} answered {exc.smtp_code} {_said(exc.smtp_error)}"
            raise (OSError(text) if 400 <= exc.smtp_code < 500 else _Permanent(text)) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise _Permanent(f"mail server {host}:{port} refused the recipients {', '.join(exc.recipients)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise OSError(f"cannot reach mail server {host}:{port}: {_said(exc)}") from None

    return _attempt(once, policy)


def _attempt(once: Callable[[], None], policy: Policy) -> Attempts:
    wait, error = policy.delay, None
    for attempt in range(1, policy.retries + 2):
        try:
            once()
            return Attempts(attempt)
        except _Permanent as exc:
            return Attempts(attempt, str(exc))
        except OSError as exc:
            error = str(exc)
        if attempt <= policy.retries:
            policy.sleep(wait)
            wait = min(wait * 2, MAX_WAIT)
    return Attempts(policy.retries + 1, error)


def _said(reason: object) -> str:
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    text = str(reason).strip() or type(reason).__name__
    return text.splitlines()[0]


def recipients_of(to: Sequence[str], stewardship: Mapping[str, object]) -> tuple[list[str], list[str]]:
    """``(addresses, problems)``: roles (owner, steward) replaced by the dataset's contacts.

    A role whose contact is a handle, not an address, cannot be mailed: it is a problem.
    """
    found, problems = [], []
    for entry in to:
        value = str(stewardship.get(entry) or "") if entry in ("owner", "steward") else entry
        if "@" in value and not value.startswith("@"):
            if value not in found:
                found.append(value)
        else:
            problems.append(f"the {entry} '{value}' is not an e-mail address")
    return found, problems
