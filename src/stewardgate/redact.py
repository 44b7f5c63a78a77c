"""Hiding the secrets of a store URL wherever it is shown: messages, hints, logs.

A store URL can carry a password in three places, and each is hidden:

* the user-info part: ``postgresql://user:secret@host/db`` (also unencoded, ``user:p@ss@host``,
  where the credentials end at the *last* ``@``; also without a scheme, ``user:secret@host``);
* the query: ``?password=secret`` (and ``passwd``, ``pwd``, ``sslpassword``, ``token``…);
* whatever SQLAlchemy's :class:`~sqlalchemy.engine.URL` parses as the password.

:func:`url_secrets` lists the secret strings of a URL text, :func:`safe_url` shows the URL
with each one replaced by ``***``, :func:`scrub` hides them in any other text (a driver's
error message quotes a host or database name that may hold one).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

HIDDEN = "***"
_QUERY_SECRET = re.compile(
    r"(?P<key>(?:^|[?&;])(?:password|passwd|pwd|pass|sslpassword|secret|token|access_token|api_key|apikey)=)"
    r"(?P<value>[^&;]*)",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"\A(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)")


def split_credentials(text: str) -> tuple[str, str | None, str | None, str]:
    """``(scheme, user, password, rest)`` of a URL text, credentials ending at the last ``@``.

    ``scheme`` is ``''`` for a URL without one; ``user`` and ``password`` are None when the
    URL has no credentials (``password`` alone None for ``user@host``).
    """
    match = _SCHEME.match(text)
    scheme = match["scheme"] if match else ""
    body = text[len(scheme) :]
    query_at = body.find("?")
    head = body if query_at < 0 else body[:query_at]
    at = head.rfind("@")
    if at < 0:
        return scheme, None, None, body
    credentials, rest = body[:at], body[at + 1 :]
    user, colon, password = credentials.partition(":")
    return scheme, user, (password if colon else None), rest


def url_secrets(text: str) -> list[str]:
    """Every secret string in a URL text (raw and decoded), longest first."""
    _, _, password, rest = split_credentials(text)
    found = {password} if password else set()
    found |= {m["value"] for m in _QUERY_SECRET.finditer(rest) if m["value"]}
    found |= {unquote(s) for s in found}
    found |= _parsed_secrets(encoded(text))
    return sorted((s for s in found if s), key=len, reverse=True)


def _parsed_secrets(text: str) -> set[str]:
    from sqlalchemy.engine import make_url

    try:
        url = make_url(text)
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy reads: the raw split above is all
        return set()
    found = {url.password} if url.password else set()
    for key, value in url.query.items():
        if _QUERY_SECRET.match(f"?{key}="):
            found |= {value} if isinstance(value, str) else set(value)
    return {str(s) for s in found}


def has_secret(text: str) -> bool:
    """True when the URL text carries a password or another secret."""
    return bool(url_secrets(text))


def safe_url(text: str) -> str:
    """The URL text with its password and secret query values shown as ``***``."""
    scheme, user, password, rest = split_credentials(text)
    rest = _QUERY_SECRET.sub(lambda m: m["key"] + HIDDEN, rest)
    if user is None:
        shown = scheme + rest
    elif password is None:
        shown = f"{scheme}{user}@{rest}"
    else:
        shown = f"{scheme}{user}:{HIDDEN}@{rest}"
    return scrub(shown, url_secrets(text))


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (longest first) replaced by ``***``."""
    for secret in secrets:
        if secret != HIDDEN:
            text = text.replace(secret, HIDDEN)
    return text


def encoded(text: str) -> str:
    """The URL text with an unencoded ``@`` or ``:`` in its password percent-encoded, so that
    SQLAlchemy reads the host after the last ``@`` (``u:p@ss@host`` -> ``u:p%40ss@host``)."""
    scheme, user, password, rest = split_credentials(text)
    if not scheme or password is None or "@" not in password:
        return text
    return f"{scheme}{user}:{quote(password, safe='')}@{rest}"
