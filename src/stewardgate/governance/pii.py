"""Personal-data detectors: which kinds of personal data a column of strings holds.

``scan_column(values, threshold=0.5)`` runs every detector over the non-blank values and
returns the kinds whose match rate is above ``threshold``, best first. The kinds are the
suite's ``pii:`` names, so a finding can be written into a suite as it is:

============  ===========================================================================
kind          a value matches when it holds …
============  ===========================================================================
email         an address ``local@domain.tld`` (dot-atom local part, DNS labels, alphabetic TLD)
phone         an international number ``+`` and 7–15 digits, or a North-American ``(415) 555-0100``
national_id   a US social security number ``123-45-6789`` (area not 000/666/9xx, group and
              serial not zero); nine bare digits are not taken for one (too many ids look alike)
card          a payment card number: 13–19 digits (spaces or dashes allowed), a card network's
              first digit (2–6) and a valid Luhn check digit
iban          an IBAN: country, check digits and account, the country's length where known,
              and the ISO 13616 mod-97 check
ip            an IPv4 (dotted quad, no leading zeros) or IPv6 address
============  ===========================================================================

A value is matched by a detector if it contains one such item (free text counts); the match
rate is matched values over checked (non-null, non-blank) values. Nothing here reads data or
imports a data library: another engineer's ``stewardgate init`` calls :func:`scan_column` too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_PHONE_INTL = re.compile(r"(?<![\w+])\+[1-9](?:[ .-]?\(?\d\)?){6,14}(?![\w])")
_PHONE_NANP = re.compile(r"(?<![\w+-])(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-])")
_SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,32}")
_OPENERS = "\"'<([{"
_CLOSERS = "\"'>)]},;.!?"

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
    "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip
"""ISO 13616 lengths of the registry's most used countries; others must be 15–34 long."""


@dataclass(frozen=True)
class PiiMatch:
    """One detector's finding on a column: kind, share of checked values matched, counts."""

    kind: str
    match_rate: float
    matched: int
    checked: int


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    """An IBAN (spaces allowed): known country length, and the mod-97 remainder is 1."""
    compact = text.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _tokens(value: str) -> list[str]:
    return [t.lstrip(_OPENERS).rstrip(_CLOSERS) for t in value.split()]


def has_email(value: str) -> bool:
    """A whitespace-separated token that is exactly one e-mail address."""
    return any(_EMAIL.fullmatch(t) is not None for t in _tokens(value) if "@" in t)


def has_phone(value: str) -> bool:
    """An international (+…) or North-American formatted phone number."""
    return _PHONE_INTL.search(value) is not None or _PHONE_NANP.search(value) is not None


def has_ssn(value: str) -> bool:
    """A US social security number written 123-45-6789 (or with spaces), valid ranges only."""
    for m in _SSN.finditer(value):
        area, group, serial = m.group(1), m.group(3), m.group(4)
        if area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000":
            return True
    return False


def has_card(value: str) -> bool:
    """13–19 digits with a card network's first digit and a valid Luhn check digit."""
    for m in _CARD.finditer(value):
        digits = re.sub(r"[ -]", "", m.group(0))
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits):
            return True
    return False


def has_iban(value: str) -> bool:
    """An IBAN with a valid mod-97 checksum (cut to the country's length where known)."""
    for m in _IBAN.finditer(value.upper()):
        compact = m.group(0).replace(" ", "")
        expected = IBAN_LENGTHS.get(compact[:2])
        candidate = compact[:expected] if expected is not None else compact
        if iban_valid(candidate):
            return True
    return False


def has_ip(value: str) -> bool:
    """A token that is an IPv4 or IPv6 address (IPv6 may be written in brackets)."""
    for token in _tokens(value):
        host = token.split(":", 1)[0] if token.count(":") == 1 else token  # 10.0.0.1:8080
        if host.count(".") == 3 or host.count(":") >= 2:
            try:
                ipaddress.ip_address(host.split("%", 1)[0])
            except ValueError:
                continue
            if any(ch.isalnum() for ch in host):
                return True
    return False


DETECTORS: dict[str, Callable[[str], bool]] = {
    "email": has_email,
    "phone": has_phone,
    "national_id": has_ssn,
    "card": has_card,
    "iban": has_iban,
    "ip": has_ip,
}
"""Detector per suite ``pii:`` kind, in the order they are reported on a tie."""


def scan_column(values: Sequence[str | None], *, threshold: float) -> list[PiiMatch]:
    """Every detector whose match rate over the non-blank values is above ``threshold``.

    Args:
        values: a column's values (a sample of them); None and blank strings are not checked.
        threshold: a match rate in [0, 1); a detector is reported when its rate is greater.

    Returns:
        The detectors that fired, highest match rate first (ties in :data:`DETECTORS` order).
    """
    if not 0 <= threshold < 1:
        raise ValueError(f"threshold must be in [0, 1), got {threshold}")
    checked = [v for v in values if v is not None and v.strip()]
    if not checked:
        return []
    found = []
    for kind, detector in DETECTORS.items():
        matched = sum(1 for v in checked if detector(v))
        rate = matched / len(checked)
        if matched and rate > threshold:
            found.append(PiiMatch(kind, round(rate, 6), matched, len(checked)))
    return sorted(found, key=lambda m: -m.match_rate)
