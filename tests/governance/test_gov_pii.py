"""Personal-data detectors: each on values it must find and on near misses it must not."""

from __future__ import annotations

import pytest

from stewardgate.governance.pii import DETECTORS, PiiMatch, iban_valid, luhn_valid, scan_column

POSITIVES = {
    "email": [
        "jane.doe@example.com",
        "J_D+tag@mail.example.co.uk",
        "Contact: <jane@example.org>.",
        "o'brien@example.ie",
    ],
    "phone": [
        "+1 415 555 0100",
        "+44 20 7946 0958",
        "+4930901820",
        "(415) 555-0100",
        "415-555-0100",
        "call 415.555.0100 today",
    ],
    "national_id": ["123-45-6789", "SSN 078 05 1120", "ssn:219-09-9999"],
    "card": ["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "paid with 4012888888881881"],
    "iban": [
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "iban: FR1420041010050500013M02606 ok",
        "nl91abna0417164300",
    ],
    "ip": ["192.168.1.10", "from 10.0.0.1:", "10.0.0.1:8080", "2001:db8::1", "[2001:db8::1]", "fe80::1%eth0"],
}

NEAR_MISSES = {
    "email": [
        "user@localhost",  # no domain with a dot
        "@handle",
        "a@b@c.com",  # two @ in one token
        "user@@example.com",
        "user@example..com",
        ".user@example.com",  # local part starts with a dot
        "user.@example.com",
        "user@-example.com",  # label starts with a hyphen
        "foo@bar.c0m",  # TLD with a digit
        "name at example dot com",
    ],
    "phone": ["2024-01-15", "12345678", "1.2.3.4", "ORD-415-555-0100", "415-55-0100", "+0 123 456 789"],
    "national_id": [
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",  # invalid areas
        "123-00-4567",
        "123-45-0000",  # zero group / serial
        "123456789",  # bare digits are not taken for one
        "123-45 6789",  # mixed separators
        "2024-01-15",
    ],
    "card": [
        "4111 1111 1111 1112",  # fails Luhn
        "4012888888881882",  # fails Luhn
        "1234 5678 9012 3452",  # passes Luhn, but no card network starts with 1
        "4111111111111",  # 13 digits failing Luhn
        "41111111111111111111",  # 20 digits
    ],
    "iban": [
        "DE89 3704 0044 0532 0130 01",  # wrong account digit: mod-97 fails
        "DE88 3704 0044 0532 0130 00",  # wrong check digits
        "GB82WEST1234569876543",  # one character short for GB
        "XX00 0000 0000 0000",
    ],
    "ip": ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.02.03.04", "12:30:45", "::", "gggg::1"],
}


@pytest.mark.parametrize(("kind", "value"), [(k, v) for k, vs in POSITIVES.items() for v in vs])
def test_detector_finds(kind: str, value: str) -> None:
    assert DETECTORS[kind](value), f"{kind} should match {value!r}"


@pytest.mark.parametrize(("kind", "value"), [(k, v) for k, vs in NEAR_MISSES.items() for v in vs])
def test_detector_rejects_near_miss(kind: str, value: str) -> None:
    assert not DETECTORS[kind](value), f"{kind} should not match {value!r}"


def test_positives_are_not_taken_for_other_kinds() -> None:
    confusions = {
        (kind, other, v)
        for kind, values in POSITIVES.items() for v in values
        for other, detector in DETECTORS.items() if other != kind and detector(v)
    }  # fmt: skip
    # an IPv6 address written with a zone, or a US number, is nothing else; nothing overlaps
    assert confusions == set()


def test_luhn_and_mod97() -> None:
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid("GB82 WEST 1234 5698 7654 33")


def test_scan_column_reports_rate_over_non_blank_values() -> None:
    values = ["a@example.com", None, "", "  ", "not an address", "b@example.org", "c@example.net"]
    assert scan_column(values, threshold=0.5) == [PiiMatch("email", 0.75, 3, 4)]


def test_scan_column_threshold_is_strictly_above() -> None:
    values = ["a@example.com", "x", "b@example.com", "y"]
    assert scan_column(values, threshold=0.5) == []
    assert scan_column(values, threshold=0.49) == [PiiMatch("email", 0.5, 2, 4)]
    assert scan_column([None, ""], threshold=0.1) == []


def test_scan_column_orders_by_match_rate() -> None:
    values = ["a@example.com 10.0.0.1", "b@example.com", "c@example.com 10.0.0.2", "10.0.0.3 d@example.com", "10.0.0.9"]
    assert [m.kind for m in scan_column(values, threshold=0.1)] == ["email", "ip"]


def test_scan_column_rejects_a_threshold_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"^threshold must be in \[0, 1\), got 1.5$"):
        scan_column(["x"], threshold=1.5)
