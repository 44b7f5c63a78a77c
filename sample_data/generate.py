#!/usr/bin/env python
"""Deterministic sample-data generator for stewardgate.

Regenerate everything under ``sample_data/`` (including ``README.md``) with::

    python sample_data/generate.py

The output is a pure function of this file: every random draw comes from a
``random.Random(seed)`` with a fixed integer seed (Python guarantees that
stream across versions), nothing reads the clock, and the parquet writer is
given fixed options, so two runs produce byte-identical files.

After writing, the script reads every file back with polars, measures the
planted defects, asserts that they equal the ``PLANTED`` numbers below and
renders ``README.md`` from the measured values.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import shutil
import sys
import unicodedata
import uuid
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------
# Fixed seeds (one stream per dataset, so changing one leaves the others alone)
# --------------------------------------------------------------------------
SEED_CUSTOMERS = 20260901
SEED_ORDERS = 20260902
SEED_EVENTS = 20260903
SEED_BAD_ORDERS = 20260904
SEED_BAD_CUSTOMERS = 20260905
SEED_BAD_EVENTS = 20260906
SEED_ORDERS_DAILY = 20260907

# --------------------------------------------------------------------------
# The planted truth. Every number here is asserted against the written files.
# --------------------------------------------------------------------------
PLANTED = {
    "orders.rows": 2000,
    "orders.email_nulls": 20,
    "orders.discount_nulls": 400,
    "customers.rows": 500,
    "events.partitions": 7,
    "events.rows_per_partition": 300,
    "events.rows": 2100,
    "events.value_nulls_per_partition": 15,
    "events.value_nulls": 105,
    "bad_orders.rows": 2000,
    "bad_orders.duplicate_id_values": 5,  # distinct order_id values that occur twice
    "bad_orders.extra_rows_from_duplicates": 5,  # rows - distinct order_ids
    "bad_orders.rows_involved_in_duplicates": 10,  # rows whose order_id is not unique
    "bad_orders.distinct_order_ids": 1995,
    "bad_orders.negative_amount": 7,
    "bad_orders.status_lost": 4,
    "bad_orders.email_nulls": 200,
    "bad_orders.quantity_zero": 3,
    "bad_customers.rows": 500,
    "bad_customers.age_with_years_suffix": 25,
    "bad_customers.tier_gold": 6,
    "bad_events.rows": 2100,
    "bad_events.value_nulls_per_partition": 75,
    "bad_events.value_nulls": 525,
    "bad_events.negative_value": 12,
    "orders_daily.partitions": 60,
    "orders_daily.spike_email_null_fraction": 0.15,
}

COUNTRIES = ["US", "GB", "DE", "FR", "NL", "SE"]
COUNTRY_WEIGHTS = [0.34, 0.20, 0.16, 0.12, 0.10, 0.08]
DOMAINS = ["example.com", "example.org", "example.net"]
STATUSES = ["placed", "shipped", "delivered", "returned"]
STATUS_WEIGHTS = [0.12, 0.18, 0.63, 0.07]
TIERS = ["free", "pro", "enterprise"]
TIER_WEIGHTS = [0.70, 0.25, 0.05]
EVENT_TYPES = ["view", "click", "purchase"]
EVENT_WEIGHTS = [0.62, 0.28, 0.10]
DISCOUNTS = [0.0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50]
DISCOUNT_WEIGHTS = [0.55, 0.12, 0.12, 0.06, 0.06, 0.04, 0.02, 0.02, 0.01]

EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[a-z]+$"

ORDERS_START = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
ORDERS_END = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)  # exclusive
SIGNUP_START = dt.date(2020, 1, 1)
SIGNUP_END = dt.date(2026, 11, 1)  # inclusive
EVENT_DAYS = [dt.date(2026, 11, 19) + dt.timedelta(days=i) for i in range(7)]
DAILY_DAYS = [dt.date(2026, 9, 1) + dt.timedelta(days=i) for i in range(60)]
OUTAGE_DAY = dt.date(2026, 10, 14)
SPIKE_DAY = dt.date(2026, 10, 22)
WEEKDAY_BASE = {0: 1000, 1: 1000, 2: 1000, 3: 1000, 4: 1000, 5: 650, 6: 550}
DAILY_TREND = 0.003  # +0.3 %/day, compounding
DAILY_NOISE = 0.04  # uniform +-4 %
DAILY_EMAIL_NULL_RANGE = (0.007, 0.013)  # 1 % +- 0.3 points

US = 1_000_000  # microseconds per second

FIRST_NAMES = {
    "US": [
        "James",
        "Mary",
        "Michael",
        "Jennifer",
        "Robert",
        "Linda",
        "David",
        "Sarah",
        "Daniel",
        "Emily",
        "José",
        "María",
        "Chloë",
        "Kevin",
        "Aisha",
        "Noah",
    ],
    "GB": [
        "Oliver",
        "Amelia",
        "Harry",
        "Isla",
        "George",
        "Zoë",
        "Siân",
        "Ewan",
        "Niamh",
        "Jack",
        "Freya",
        "Thomas",
        "Ana",
        "Rhys",
    ],
    "DE": [
        "Lukas",
        "Anna",
        "Jürgen",
        "Lea",
        "Maximilian",
        "Sophie",
        "Jörg",
        "Björn",
        "Łukasz",
        "Katharina",
        "Felix",
        "Mia",
        "Uwe",
    ],
    "FR": ["Léa", "Hugo", "Chloé", "Louis", "Zoé", "Théo", "François", "Amélie", "Inès", "Camille", "Jérôme", "Manon"],
    "NL": ["Daan", "Sanne", "Sem", "Noor", "Bram", "Fenna", "Jeroen", "Anouk", "Thijs", "Femke", "Lotte"],
    "SE": ["Björn", "Åsa", "Erik", "Maja", "Lars", "Elsa", "Linnéa", "Oskar", "Märta", "Johan", "Ingrid"],
}
LAST_NAMES = {
    "US": [
        "Smith",
        "Johnson",
        "Brown",
        "Garcia",
        "Miller",
        "Davis",
        "Rodríguez",
        "Martínez",
        "Nguyen",
        "O'Brien",
        "Wilson",
        "Lee",
        "Silva",
    ],
    "GB": [
        "Taylor",
        "Jones",
        "Evans",
        "Wilson",
        "Thomas",
        "Roberts",
        "Wright",
        "O'Connor",
        "Patel",
        "Hughes",
        "Walker",
        "Silva",
    ],
    "DE": [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weiß",
        "Köhler",
        "Wagner",
        "Becker",
        "Nowak",
        "Hoffmann",
        "Schäfer",
    ],
    "FR": [
        "Martin",
        "Bernard",
        "Dubois",
        "Lefèvre",
        "Moreau",
        "Girard",
        "Mercier",
        "Fontaine",
        "Rousseau",
        "Lambert",
        "Faure",
    ],
    "NL": ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "van Dijk", "Smit", "Meijer", "Mulder"],
    "SE": [
        "Andersson",
        "Johansson",
        "Karlsson",
        "Nilsson",
        "Eriksson",
        "Larsson",
        "Öberg",
        "Åström",
        "Lindström",
        "Sjögren",
    ],
}
_ASCII_FOLD = {"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE"}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def ascii_slug(text: str) -> str:
    """'Łukasz' -> 'lukasz', "O'Brien" -> 'obrien', 'van den Berg' -> 'vandenberg'."""
    text = "".join(_ASCII_FOLD.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def make_email(rng: random.Random, first: str, last: str, used: set[str]) -> str:
    f, l_ = ascii_slug(first), ascii_slug(last)
    pattern = rng.choices(["f.l", "fl", "f_l", "f.l##", "il"], weights=[55, 10, 8, 17, 10])[0]
    if pattern == "f.l":
        local = f"{f}.{l_}"
    elif pattern == "fl":
        local = f"{f}{l_}"
    elif pattern == "f_l":
        local = f"{f}_{l_}"
    elif pattern == "f.l##":
        local = f"{f}.{l_}{rng.randint(60, 99)}"
    else:
        local = f"{f[0]}{l_}"
    domain = rng.choices(DOMAINS, weights=[60, 25, 15])[0]
    email = f"{local}@{domain}"
    n = 2
    while email in used:
        email = f"{local}{n}@{domain}"
        n += 1
    used.add(email)
    return email


def make_phone(rng: random.Random, country: str) -> str:
    """Numbers from ranges reserved for fiction/drama where such ranges exist."""
    r = rng.randint
    if country == "US":
        area = rng.choice([212, 312, 415, 503, 617, 206, 512, 303])
        return f"+1 {area} 555 01{r(0, 99):02d}"
    if country == "GB":
        if rng.random() < 0.7:
            return f"+44 20 7946 0{r(0, 999):03d}"
        return f"+44 161 496 0{r(0, 999):03d}"
    if country == "DE":
        return f"+49 30 23125 {r(0, 999):03d}"
    if country == "FR":
        return f"+33 1 99 00 {r(0, 99):02d} {r(0, 99):02d}"
    if country == "NL":
        return f"+31 20 555 {r(0, 9999):04d}"
    if country == "SE":
        return f"+46 8 465 000 {r(0, 99):02d}"
    raise ValueError(country)


def epoch_us(t: dt.datetime) -> int:
    return (t - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


def day_start_us(d: dt.date) -> int:
    return epoch_us(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC))


def utc_us(values: list[int], name: str) -> pl.Series:
    return pl.Series(name, values, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def sorted_times(rng: random.Random, n: int, start_us: int, end_us: int) -> list[int]:
    """n sorted microsecond timestamps in [start_us, end_us)."""
    return sorted(rng.randrange(start_us, end_us) for _ in range(n))


def pick(rng: random.Random, population: list[int], k: int) -> list[int]:
    """k distinct items, returned sorted (so downstream order never depends on set order)."""
    return sorted(rng.sample(population, k))


def write_parquet(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.write_parquet(path, compression="zstd", compression_level=3, statistics=True)


def write_csv(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Explicit bytes write: UTF-8, no BOM, "\n" line ends, header row.
    path.write_bytes(df.write_csv(include_header=True, separator=",", line_terminator="\n").encode("utf-8"))


def reset_dir(path: Path) -> None:
    """Remove a generated partition folder so stale partitions never survive a rerun."""
    assert HERE in path.parents, path
    if path.exists():
        shutil.rmtree(path)


# --------------------------------------------------------------------------
# customers
# --------------------------------------------------------------------------
def gen_customers() -> pl.DataFrame:
    rng = random.Random(SEED_CUSTOMERS)
    used: set[str] = set()
    span = (SIGNUP_END - SIGNUP_START).days
    rows: dict[str, list] = {
        k: [] for k in ["customer_id", "name", "email", "phone", "country", "signup_date", "age", "tier"]
    }
    for cid in range(1, PLANTED["customers.rows"] + 1):
        country = rng.choices(COUNTRIES, weights=COUNTRY_WEIGHTS)[0]
        first = rng.choice(FIRST_NAMES[country])
        last = rng.choice(LAST_NAMES[country])
        rows["customer_id"].append(cid)
        rows["name"].append(f"{first} {last}")
        rows["email"].append(make_email(rng, first, last, used))
        rows["phone"].append(make_phone(rng, country))
        rows["country"].append(country)
        rows["signup_date"].append((SIGNUP_START + dt.timedelta(days=rng.randint(0, span))).isoformat())
        rows["age"].append(min(90, max(18, round(rng.triangular(18, 90, 33)))))
        rows["tier"].append(rng.choices(TIERS, weights=TIER_WEIGHTS)[0])
    return pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.Int64,
            "name": pl.String,
            "email": pl.String,
            "phone": pl.String,
            "country": pl.String,
            "signup_date": pl.String,
            "age": pl.Int64,
            "tier": pl.String,
        },
    )


# --------------------------------------------------------------------------
# orders (shared by orders.parquet, bad/orders.parquet and orders_daily/)
# --------------------------------------------------------------------------
ORDERS_SCHEMA = {
    "order_id": pl.Int64,
    "customer_id": pl.Int64,
    "email": pl.String,
    "country": pl.String,
    "amount": pl.Float64,
    "quantity": pl.Int32,
    "status": pl.String,
    "order_ts": pl.Datetime("us", "UTC"),
    "discount": pl.Float64,
}


def gen_order_columns(
    rng: random.Random, customers: pl.DataFrame, ts_us: list[int], first_id: int, discount_nulls: int
) -> dict[str, list]:
    """Order rows with every email filled in; the caller decides which emails go missing."""
    n = len(ts_us)
    cust_email = customers["email"].to_list()
    cust_country = customers["country"].to_list()
    n_cust = len(cust_email)
    # Mildly skewed: some customers order far more often than others.
    weights = [1.0 / math.sqrt(1 + (i * 7919) % n_cust) for i in range(n_cust)]
    cids = rng.choices(range(1, n_cust + 1), weights=weights, k=n)
    amounts = [round(min(2000.0, max(0.5, rng.lognormvariate(math.log(55.0), 1.0))), 2) for _ in range(n)]
    quantity = [min(20, max(1, round(rng.expovariate(1 / 2.2)))) for _ in range(n)]
    status = rng.choices(STATUSES, weights=STATUS_WEIGHTS, k=n)
    discount: list[float | None] = rng.choices(DISCOUNTS, weights=DISCOUNT_WEIGHTS, k=n)
    for i in pick(rng, list(range(n)), discount_nulls):
        discount[i] = None
    return {
        "order_id": list(range(first_id, first_id + n)),
        "customer_id": cids,
        "email": [cust_email[c - 1] for c in cids],
        "country": [cust_country[c - 1] for c in cids],
        "amount": amounts,
        "quantity": quantity,
        "status": status,
        "order_ts": ts_us,
        "discount": discount,
    }


def orders_frame(cols: dict[str, list]) -> pl.DataFrame:
    data = dict(cols)
    ts = data.pop("order_ts")
    df = pl.DataFrame(data, schema={k: v for k, v in ORDERS_SCHEMA.items() if k != "order_ts"})
    df = df.with_columns(utc_us(ts, "order_ts"))
    return df.select(list(ORDERS_SCHEMA))


def gen_orders(customers: pl.DataFrame) -> tuple[dict[str, list], list[int]]:
    rng = random.Random(SEED_ORDERS)
    n = PLANTED["orders.rows"]
    ts = sorted_times(rng, n, epoch_us(ORDERS_START), epoch_us(ORDERS_END))
    cols = gen_order_columns(rng, customers, ts, 1, PLANTED["orders.discount_nulls"])
    email_null_rows = pick(rng, list(range(n)), PLANTED["orders.email_nulls"])
    return cols, email_null_rows


def with_email_nulls(cols: dict[str, list], rows: list[int]) -> dict[str, list]:
    out = {k: list(v) for k, v in cols.items()}
    for i in rows:
        out["email"][i] = None
    return out


def gen_bad_orders(cols: dict[str, list], good_null_rows: list[int]) -> tuple[dict[str, list], dict[str, list[int]]]:
    """bad/orders.parquet = orders.parquet plus planted defects on disjoint rows."""
    rng = random.Random(SEED_BAD_ORDERS)
    n = len(cols["order_id"])
    out = {k: list(v) for k, v in cols.items()}
    others = [i for i in range(n) if i not in set(good_null_rows)]
    extra_nulls = pick(rng, others, PLANTED["bad_orders.email_nulls"] - len(good_null_rows))
    null_rows = sorted(good_null_rows + extra_nulls)
    for i in null_rows:
        out["email"][i] = None
    # The remaining defects go on rows that keep their email, all disjoint.
    free = [i for i in range(n) if i not in set(null_rows)]
    k_dup = PLANTED["bad_orders.duplicate_id_values"]
    k_neg = PLANTED["bad_orders.negative_amount"]
    k_lost = PLANTED["bad_orders.status_lost"]
    k_q0 = PLANTED["bad_orders.quantity_zero"]
    chosen = rng.sample(free, 2 * k_dup + k_neg + k_lost + k_q0)
    dup_rows = sorted(chosen[: 2 * k_dup])
    neg_rows = sorted(chosen[2 * k_dup : 2 * k_dup + k_neg])
    lost_rows = sorted(chosen[2 * k_dup + k_neg : 2 * k_dup + k_neg + k_lost])
    q0_rows = sorted(chosen[2 * k_dup + k_neg + k_lost :])
    donors, reusers = dup_rows[0::2], dup_rows[1::2]  # each donor row comes before its reuser
    for d, r in zip(donors, reusers, strict=True):
        assert d < r
        out["order_id"][r] = out["order_id"][d]
    for i in neg_rows:
        out["amount"][i] = -round(rng.uniform(0.5, 250.0), 2)
    for i in lost_rows:
        out["status"][i] = "lost"
    for i in q0_rows:
        out["quantity"][i] = 0
    where = {
        "donor_rows": donors,
        "reusing_rows": reusers,
        "negative_amount_rows": neg_rows,
        "status_lost_rows": lost_rows,
        "quantity_zero_rows": q0_rows,
    }
    return out, where


# --------------------------------------------------------------------------
# bad customers
# --------------------------------------------------------------------------
def gen_bad_customers(customers: pl.DataFrame) -> pl.DataFrame:
    rng = random.Random(SEED_BAD_CUSTOMERS)
    n = customers.height
    k_age = PLANTED["bad_customers.age_with_years_suffix"]
    # Three of them inside the first 100 data rows so polars' default schema
    # inference (infer_schema_length=100) already sees a non-integer and says String.
    age_rows = pick(rng, list(range(100)), 3) + pick(rng, list(range(100, n)), k_age - 3)
    rest = [i for i in range(n) if i not in set(age_rows)]
    gold_rows = pick(rng, rest, PLANTED["bad_customers.tier_gold"])
    ages = [str(a) for a in customers["age"].to_list()]
    for i in age_rows:
        ages[i] = f"{ages[i]} years"
    tiers = customers["tier"].to_list()
    for i in gold_rows:
        tiers[i] = "gold"
    return customers.drop("signup_date").with_columns(
        pl.Series("age", ages, dtype=pl.String), pl.Series("tier", tiers, dtype=pl.String)
    )


# --------------------------------------------------------------------------
# events
# --------------------------------------------------------------------------
EVENTS_SCHEMA = {
    "event_id": pl.String,
    "user_id": pl.Int64,
    "event_type": pl.String,
    "value": pl.Float64,
    "ts": pl.Datetime("us", "UTC"),
}


def gen_events() -> dict[dt.date, dict[str, list]]:
    rng = random.Random(SEED_EVENTS)
    n = PLANTED["events.rows_per_partition"]
    out: dict[dt.date, dict[str, list]] = {}
    for day in EVENT_DAYS:
        start = day_start_us(day)
        ts = sorted_times(rng, n, start, start + 86_400 * US)
        ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]
        users = [rng.randint(1, 500) for _ in range(n)]
        types = rng.choices(EVENT_TYPES, weights=EVENT_WEIGHTS, k=n)
        values: list[float | None] = []
        for t in types:
            if t == "purchase":  # order value
                values.append(round(min(2000.0, max(0.5, rng.lognormvariate(math.log(45.0), 0.8))), 2))
            elif t == "click":  # attributed value of a click
                values.append(round(rng.uniform(0.01, 2.0), 2))
            else:  # attributed value of a view
                values.append(round(rng.uniform(0.0, 0.25), 2))
        non_purchase = [i for i, t in enumerate(types) if t != "purchase"]
        for i in pick(rng, non_purchase, PLANTED["events.value_nulls_per_partition"]):
            values[i] = None
        out[day] = {"event_id": ids, "user_id": users, "event_type": types, "value": values, "ts": ts}
    return out


def events_frame(cols: dict[str, list], extra: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    data = dict(cols)
    ts = data.pop("ts")
    schema = {k: v for k, v in EVENTS_SCHEMA.items() if k != "ts"}
    schema.update(extra or {})
    df = pl.DataFrame(data, schema=schema).with_columns(utc_us(ts, "ts"))
    return df.select([*EVENTS_SCHEMA, *(extra or {})])


def gen_bad_events(events: dict[dt.date, dict[str, list]]) -> tuple[dict[dt.date, dict[str, list]], dict[str, int]]:
    rng = random.Random(SEED_BAD_EVENTS)
    out = {day: {k: list(v) for k, v in cols.items()} for day, cols in events.items()}
    target = PLANTED["bad_events.value_nulls_per_partition"]
    for day in EVENT_DAYS:
        vals = out[day]["value"]
        non_null = [i for i, v in enumerate(vals) if v is not None]
        for i in pick(rng, non_null, target - (len(vals) - len(non_null))):
            vals[i] = None
    candidates = [
        (d_i, i) for d_i, day in enumerate(EVENT_DAYS) for i, v in enumerate(out[day]["value"]) if v is not None
    ]
    negatives = sorted(rng.sample(candidates, PLANTED["bad_events.negative_value"]))
    per_day = {day.isoformat(): 0 for day in EVENT_DAYS}
    for d_i, i in negatives:
        day = EVENT_DAYS[d_i]
        out[day]["value"][i] = -round(rng.uniform(0.5, 120.0), 2)
        per_day[day.isoformat()] += 1
    for day in EVENT_DAYS:
        n = len(out[day]["event_id"])
        out[day]["debug_payload"] = [
            json.dumps(
                {
                    "sdk": rng.choice(["web/4.12.0", "web/4.12.1", "ios/7.3.2", "android/7.3.0"]),
                    "trace_id": f"{rng.getrandbits(64):016x}",
                    "retries": rng.choice([0, 0, 0, 1, 2]),
                },
                separators=(",", ":"),
            )
            for _ in range(n)
        ]
    return out, per_day


# --------------------------------------------------------------------------
# orders_daily
# --------------------------------------------------------------------------
def gen_orders_daily(customers: pl.DataFrame) -> tuple[dict[dt.date, pl.DataFrame], list[dict]]:
    rng = random.Random(SEED_ORDERS_DAILY)
    frames: dict[dt.date, pl.DataFrame] = {}
    plan: list[dict] = []
    next_id = 1
    for d_i, day in enumerate(DAILY_DAYS):
        expected = WEEKDAY_BASE[day.weekday()] * (1 + DAILY_TREND) ** d_i
        usual = round(expected * (1 + rng.uniform(-DAILY_NOISE, DAILY_NOISE)))
        n = round(usual / 2) if day == OUTAGE_DAY else usual
        rate = rng.uniform(*DAILY_EMAIL_NULL_RANGE)
        if day == SPIKE_DAY:
            k_null = round(PLANTED["orders_daily.spike_email_null_fraction"] * n)
        else:
            lo, hi = DAILY_EMAIL_NULL_RANGE
            k_null = min(math.floor(hi * n), max(math.ceil(lo * n), round(rate * n)))
        start = day_start_us(day)
        ts = sorted_times(rng, n, start, start + 86_400 * US)
        cols = gen_order_columns(rng, customers, ts, next_id, round(0.2 * n))
        cols = with_email_nulls(cols, pick(rng, list(range(n)), k_null))
        frames[day] = orders_frame(cols)
        plan.append(
            {
                "date": day,
                "weekday": day.strftime("%a"),
                "expected": round(expected),
                "usual": usual,
                "rows": n,
                "email_nulls": k_null,
            }
        )
        next_id += n
    return frames, plan


# --------------------------------------------------------------------------
# verification: read everything back and measure
# --------------------------------------------------------------------------
def rel(p: Path) -> str:
    return p.relative_to(HERE).as_posix()


def verify(daily_plan: list[dict], bad_event_negatives: dict[str, int]) -> tuple[dict, dict[str, pl.Schema]]:
    m: dict = {}
    schemas: dict[str, pl.Schema] = {}

    # orders.parquet
    o = pl.read_parquet(HERE / "orders.parquet")
    schemas["orders.parquet"] = o.schema
    assert dict(o.schema) == ORDERS_SCHEMA, o.schema
    m["orders.rows"] = o.height
    assert o["order_id"].to_list() == list(range(1, 2001))
    assert o["customer_id"].null_count() == 0 and o["customer_id"].is_between(1, 500).all()
    m["orders.email_nulls"] = o["email"].null_count()
    assert o["email"].drop_nulls().str.contains(EMAIL_RE).all()
    assert set(o["email"].drop_nulls().str.split("@").list.last()) <= set(DOMAINS)
    assert set(o["country"].unique()) == set(COUNTRIES) and o["country"].null_count() == 0
    assert o["amount"].null_count() == 0 and o["amount"].is_between(0.5, 2000).all()
    assert (o["amount"].round(2) == o["amount"]).all()
    assert o["quantity"].is_between(1, 20).all() and o["quantity"].null_count() == 0
    assert set(o["status"].unique()) == set(STATUSES)
    assert o["order_ts"].min() >= ORDERS_START and o["order_ts"].max() < ORDERS_END
    m["orders.discount_nulls"] = o["discount"].null_count()
    assert o["discount"].drop_nulls().is_between(0, 0.5).all()

    # customers.csv
    c = pl.read_csv(HERE / "customers.csv")
    schemas["customers.csv"] = c.schema
    assert c.schema == pl.Schema(
        {
            "customer_id": pl.Int64,
            "name": pl.String,
            "email": pl.String,
            "phone": pl.String,
            "country": pl.String,
            "signup_date": pl.String,
            "age": pl.Int64,
            "tier": pl.String,
        }
    ), c.schema
    m["customers.rows"] = c.height
    assert c.null_count().sum_horizontal().item() == 0
    assert c["customer_id"].to_list() == list(range(1, 501))
    assert c["email"].is_unique().all() and c["email"].str.contains(EMAIL_RE).all()
    assert set(c["country"].unique()) == set(COUNTRIES)
    sd = c["signup_date"].str.to_date("%Y-%m-%d")
    assert sd.min() >= SIGNUP_START and sd.max() <= SIGNUP_END
    assert c["age"].is_between(18, 90).all() and set(c["tier"].unique()) == set(TIERS)
    names = " ".join(c["name"].to_list())
    for needle in ("José", "Zoë", "Łukasz"):
        assert needle in names, needle
    m["customers.non_ascii_names"] = int(
        c["name"].map_elements(lambda s: not s.isascii(), return_dtype=pl.Boolean).sum()
    )
    # orders' email/country are the customer's
    joined = o.join(
        c.select("customer_id", pl.col("email").alias("c_email"), pl.col("country").alias("c_country")),
        on="customer_id",
    )
    assert joined.filter(pl.col("email").is_not_null() & (pl.col("email") != pl.col("c_email"))).height == 0
    assert (joined["country"] == joined["c_country"]).all()

    # events/
    files = sorted((HERE / "events").glob("event_date=*/part-0.parquet"))
    assert [f.parent.name for f in files] == [f"event_date={d}" for d in EVENT_DAYS]
    for f in files:
        assert pq.read_schema(f).names == list(EVENTS_SCHEMA), f  # no event_date inside the file
    e = pl.scan_parquet(HERE / "events" / "**" / "*.parquet", hive_partitioning=True).collect()
    schemas["events/ (hive)"] = e.schema
    assert dict(e.schema) == {**EVENTS_SCHEMA, "event_date": pl.Date}, e.schema
    m["events.partitions"] = e["event_date"].n_unique()
    per = e.group_by("event_date").agg(pl.len().alias("n"), pl.col("value").null_count().alias("nulls"))
    assert per["n"].unique().to_list() == [300]
    assert per["nulls"].unique().to_list() == [15]
    m["events.rows_per_partition"] = 300
    m["events.value_nulls_per_partition"] = 15
    m["events.rows"] = e.height
    m["events.value_nulls"] = e["value"].null_count()
    assert 0.03 <= m["events.value_nulls"] / e.height <= 0.08
    assert (
        e["event_id"].is_unique().all()
        and e["event_id"].str.contains(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$").all()
    )
    assert e["user_id"].is_between(1, 500).all()
    assert set(e["event_type"].unique()) == set(EVENT_TYPES)
    assert (e["value"].drop_nulls() >= 0).all()
    assert e.filter(pl.col("event_type") == "purchase")["value"].null_count() == 0
    assert (e["ts"].dt.date() == e["event_date"]).all()
    m["events.value_nulls_by_type"] = {
        r["event_type"]: r["nulls"]
        for r in e.group_by("event_type")
        .agg(pl.col("value").null_count().alias("nulls"))
        .sort("event_type")
        .iter_rows(named=True)
    }
    m["events.rows_by_type"] = dict(e["event_type"].value_counts().sort("event_type").iter_rows())

    # bad/orders.parquet
    b = pl.read_parquet(HERE / "bad" / "orders.parquet")
    schemas["bad/orders.parquet"] = b.schema
    assert dict(b.schema) == ORDERS_SCHEMA
    m["bad_orders.rows"] = b.height
    m["bad_orders.distinct_order_ids"] = b["order_id"].n_unique()
    m["bad_orders.extra_rows_from_duplicates"] = b.height - b["order_id"].n_unique()
    m["bad_orders.rows_involved_in_duplicates"] = int(b["order_id"].is_duplicated().sum())
    vc = b["order_id"].value_counts().filter(pl.col("count") > 1)
    m["bad_orders.duplicate_id_values"] = vc.height
    assert vc["count"].to_list() == [2] * vc.height
    m["bad_orders.duplicated_ids"] = sorted(vc["order_id"].to_list())
    m["bad_orders.missing_ids"] = sorted(set(range(1, 2001)) - set(b["order_id"].to_list()))
    assert b.is_duplicated().sum() == 0  # only the id repeats, never the whole row
    m["bad_orders.negative_amount"] = int((b["amount"] < 0).sum())
    m["bad_orders.amount_out_of_range"] = int((~b["amount"].is_between(0.5, 2000)).sum())
    m["bad_orders.status_lost"] = int((b["status"] == "lost").sum())
    m["bad_orders.status_out_of_set"] = int((~b["status"].is_in(STATUSES)).sum())
    m["bad_orders.email_nulls"] = b["email"].null_count()
    m["bad_orders.quantity_zero"] = int((b["quantity"] == 0).sum())
    m["bad_orders.quantity_out_of_range"] = int((~b["quantity"].is_between(1, 20)).sum())
    m["bad_orders.discount_nulls"] = b["discount"].null_count()
    assert m["bad_orders.amount_out_of_range"] == m["bad_orders.negative_amount"]
    assert m["bad_orders.status_out_of_set"] == m["bad_orders.status_lost"]
    assert m["bad_orders.quantity_out_of_range"] == m["bad_orders.quantity_zero"]
    assert b["email"].drop_nulls().str.contains(EMAIL_RE).all()
    # rows carrying at least one planted defect (email null / later copy of an id / neg / lost / qty 0)
    m["bad_orders.rows_with_any_defect"] = b.filter(
        pl.col("email").is_null()
        | ~pl.col("order_id").is_first_distinct()
        | (pl.col("amount") < 0)
        | (pl.col("status") == "lost")
        | (pl.col("quantity") == 0)
    ).height
    assert m["bad_orders.rows_with_any_defect"] == 200 + 5 + 7 + 4 + 3  # defects sit on disjoint rows

    # bad/customers.csv
    bc = pl.read_csv(HERE / "bad" / "customers.csv")
    schemas["bad/customers.csv"] = bc.schema
    assert "signup_date" not in bc.columns
    assert bc.columns == ["customer_id", "name", "email", "phone", "country", "age", "tier"]
    assert bc.schema["age"] == pl.String
    m["bad_customers.rows"] = bc.height
    m["bad_customers.age_with_years_suffix"] = int(bc["age"].str.contains(r"^\d+ years$").sum())
    assert int(bc["age"].str.contains(r"^\d+$").sum()) == bc.height - m["bad_customers.age_with_years_suffix"]
    m["bad_customers.tier_gold"] = int((bc["tier"] == "gold").sum())
    m["bad_customers.tier_out_of_set"] = int((~bc["tier"].is_in(TIERS)).sum())
    assert m["bad_customers.tier_out_of_set"] == m["bad_customers.tier_gold"]
    assert pl.scan_csv(HERE / "bad" / "customers.csv").collect_schema()["age"] == pl.String

    # bad/events/
    bfiles = sorted((HERE / "bad" / "events").glob("event_date=*/part-0.parquet"))
    assert [f.parent.name for f in bfiles] == [f"event_date={d}" for d in EVENT_DAYS]
    for f in bfiles:
        assert pq.read_schema(f).names == [*EVENTS_SCHEMA, "debug_payload"], f
    be = pl.scan_parquet(HERE / "bad" / "events" / "**" / "*.parquet", hive_partitioning=True).collect()
    schemas["bad/events/ (hive)"] = be.schema
    assert dict(be.schema) == {**EVENTS_SCHEMA, "debug_payload": pl.String, "event_date": pl.Date}
    m["bad_events.rows"] = be.height
    bper = (
        be.group_by("event_date")
        .agg(pl.col("value").null_count().alias("nulls"), (pl.col("value") < 0).sum().alias("neg"))
        .sort("event_date")
    )
    assert bper["nulls"].unique().to_list() == [75]
    m["bad_events.value_nulls_per_partition"] = 75
    m["bad_events.value_nulls"] = be["value"].null_count()
    m["bad_events.negative_value"] = int((be["value"] < 0).sum())
    m["bad_events.negative_value_by_partition"] = {str(d): n for d, n in bper.select("event_date", "neg").iter_rows()}
    assert m["bad_events.negative_value_by_partition"] == bad_event_negatives
    assert be["debug_payload"].null_count() == 0

    # orders_daily/
    dfiles = sorted((HERE / "orders_daily").glob("order_date=*/part-0.parquet"))
    assert [f.parent.name for f in dfiles] == [f"order_date={d}" for d in DAILY_DAYS]
    for f in dfiles:
        assert pq.read_schema(f).names == list(ORDERS_SCHEMA), f
    od = pl.scan_parquet(HERE / "orders_daily" / "**" / "*.parquet", hive_partitioning=True).collect()
    schemas["orders_daily/ (hive)"] = od.schema
    assert dict(od.schema) == {**ORDERS_SCHEMA, "order_date": pl.Date}
    m["orders_daily.partitions"] = od["order_date"].n_unique()
    m["orders_daily.rows"] = od.height
    assert od["order_id"].is_unique().all()
    assert od["order_id"].to_list() == list(range(1, od.height + 1))
    assert (od["order_ts"].dt.date() == od["order_date"]).all()
    assert od["email"].drop_nulls().str.contains(EMAIL_RE).all()
    daily = (
        od.group_by("order_date")
        .agg(pl.len().alias("rows"), pl.col("email").null_count().alias("email_nulls"))
        .sort("order_date")
    )
    assert daily["rows"].to_list() == [p["rows"] for p in daily_plan]
    assert daily["email_nulls"].to_list() == [p["email_nulls"] for p in daily_plan]
    for p in daily_plan:
        frac = p["email_nulls"] / p["rows"]
        if p["date"] == SPIKE_DAY:
            assert abs(frac - PLANTED["orders_daily.spike_email_null_fraction"]) < 0.002, frac
        else:
            assert 0.007 <= frac <= 0.013, (p, frac)
        if p["date"] == OUTAGE_DAY:
            assert p["rows"] == round(p["usual"] / 2)
        else:
            assert abs(p["rows"] / p["expected"] - 1) <= DAILY_NOISE + 0.001, p
    m["orders_daily.spike_email_null_fraction"] = next(
        p["email_nulls"] / p["rows"] for p in daily_plan if p["date"] == SPIKE_DAY
    )
    return m, schemas


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------
def fmt_schema(s: pl.Schema) -> str:
    return "\n".join(f"    {name:<14} {dtype}" for name, dtype in s.items())


def render_readme(m: dict, schemas: dict[str, pl.Schema], daily_plan: list[dict], sizes: dict[str, int]) -> str:
    outage = next(p for p in daily_plan if p["date"] == OUTAGE_DAY)
    spike = next(p for p in daily_plan if p["date"] == SPIKE_DAY)
    normal = [p for p in daily_plan if p["date"] not in (OUTAGE_DAY, SPIKE_DAY)]

    def avg(rows: list[dict]) -> float:
        return sum(r["rows"] for r in rows) / len(rows)

    wd = [p for p in normal if p["date"].weekday() < 5]
    sat = [p for p in normal if p["date"].weekday() == 5]
    sun = [p for p in normal if p["date"].weekday() == 6]
    nfr = [p["email_nulls"] / p["rows"] for p in normal]
    L: list[str] = []
    a = L.append
    a("# sample_data")
    a("")
    a("Small, deterministic demo and test data for stewardgate. **Generated — do not edit by hand.**")
    a("Every file here, this README included, is written by `generate.py`:")
    a("")
    a("```")
    a("python sample_data/generate.py")
    a("```")
    a("")
    a("Fixed seeds (`random.Random(seed)`, one per dataset), no clock reads: running it twice gives")
    a('byte-identical files. Parquet is written by polars with `compression="zstd"`, `statistics=True`;')
    a("the only file-level metadata is polars' `created_by` and the Arrow schema (no timestamps).")
    a("The script reads every file back, measures the planted defects below and `assert`s them against")
    a("its `PLANTED` table, so the numbers in this README are the numbers in the files.")
    a("")
    a('Columns that hold timestamps are `Datetime("us", "UTC")`. Hive-partitioned folders carry the')
    a("partition column only in the folder name (`event_date=2026-11-19/`); read them with")
    a('`pl.scan_parquet("sample_data/events/**/*.parquet", hive_partitioning=True)`, which adds it as `Date`.')
    a("")
    a("## Files")
    a("")
    a("| path | rows | size (bytes) | what |")
    a("|---|---:|---:|---|")
    a(f"| `orders.parquet` | {m['orders.rows']} | {sizes['orders.parquet']} | good orders |")
    a(f"| `customers.csv` | {m['customers.rows']} | {sizes['customers.csv']} | good customers (UTF-8 CSV) |")
    a(
        f"| `events/event_date=2026-11-19 … 2026-11-25/part-0.parquet` | {m['events.rows']} (7 × 300) | {sizes['events']} | good events, hive |"
    )
    a(
        f"| `bad/orders.parquet` | {m['bad_orders.rows']} | {sizes['bad/orders.parquet']} | orders with planted defects |"
    )
    a(
        f"| `bad/customers.csv` | {m['bad_customers.rows']} | {sizes['bad/customers.csv']} | customers with schema drift |"
    )
    a(
        f"| `bad/events/event_date=…/part-0.parquet` | {m['bad_events.rows']} (7 × 300) | {sizes['bad/events']} | events with planted defects, hive |"
    )
    a(
        f"| `orders_daily/order_date=2026-09-01 … 2026-10-30/part-0.parquet` | {m['orders_daily.rows']} (60 days) | {sizes['orders_daily']} | daily orders with planted incidents, hive |"
    )
    a("")
    a(f"Total size of `sample_data/`: {sizes['total']} bytes.")
    a("")
    a("## Good data")
    a("")
    a("### `orders.parquet`")
    a("")
    a("```")
    a(fmt_schema(schemas["orders.parquet"]))
    a("```")
    a("")
    a(f"- {m['orders.rows']} rows; `order_id` = 1..2000 in `order_ts` order, unique, no nulls.")
    a("- `customer_id` in 1..500 (mildly skewed: some customers order more). `email` and `country` are that")
    a("  customer's values from `customers.csv` (so the two files join cleanly on `customer_id`).")
    a(f"- `email`: exactly **{m['orders.email_nulls']} nulls** (1 %); every non-null value matches `{EMAIL_RE}`,")
    a("  domains example.com / example.org / example.net.")
    a("- `country` in {US, GB, DE, FR, NL, SE}; `status` in {placed, shipped, delivered, returned}; no nulls.")
    a("- `amount` in [0.5, 2000], 2 decimals (log-normal, median ≈ 55); `quantity` (Int32) in 1..20.")
    a("- `order_ts` in [2026-09-01T00:00:00Z, 2026-11-25T00:00:00Z) — i.e. nothing on 2026-11-25 itself.")
    a(f"- `discount` in [0, 0.5] (steps of 0.05, mostly 0), exactly **{m['orders.discount_nulls']} nulls** (20 %).")
    a("")
    a("### `customers.csv`")
    a("")
    a("Comma-delimited, header row, UTF-8 without BOM, `\\n` line ends. Schema as `pl.read_csv` infers it")
    a("(`signup_date` stays String unless you pass `try_parse_dates=True`, which gives `Date`):")
    a("")
    a("```")
    a(fmt_schema(schemas["customers.csv"]))
    a("```")
    a("")
    a(f"- {m['customers.rows']} rows, no nulls; `customer_id` 1..500 unique; `email` unique and valid.")
    a(
        f"- {m['customers.non_ascii_names']} names contain non-ASCII characters (e.g. José, Zoë, Łukasz, Åsa, Jürgen Müller)."
    )
    a("  Their emails are ASCII-folded (`Łukasz` → `lukasz`, `Weiß` → `weiss`, `Åström` → `astrom`).")
    a("- `phone` in the country's format, from fiction/drama ranges where they exist")
    a("  (`+1 415 555 0134`, `+44 20 7946 0123`, `+33 1 99 00 12 34`, …).")
    a("- `country` in {US, GB, DE, FR, NL, SE}; `signup_date` YYYY-MM-DD in [2020-01-01, 2026-11-01];")
    a("  `age` 18..90; `tier` in {free, pro, enterprise}.")
    a("")
    a("### `events/` (hive)")
    a("")
    a("```")
    a(fmt_schema(schemas["events/ (hive)"]))
    a("```")
    a("")
    a("- 7 partitions `event_date=2026-11-19` … `event_date=2026-11-25`, 300 rows each; `event_date` is NOT")
    a("  stored inside the files. `ts` falls within its partition's UTC day.")
    a("- `event_id`: unique uuid4-formatted strings drawn from the seeded RNG; `user_id` 1..500.")
    rows_by_type = ", ".join(f"{k} {v}" for k, v in m["events.rows_by_type"].items())
    a(f"- `event_type` in {{view, click, purchase}} ({rows_by_type}).")
    a("- `value` ≥ 0 (purchase: order value; click: 0.01–2.00; view: 0.00–0.25). Exactly")
    a(
        f"  **{m['events.value_nulls_per_partition']} nulls per partition = {m['events.value_nulls']} of {m['events.rows']}"
        f" ({m['events.value_nulls'] / m['events.rows']:.1%})**, only on view/click rows"
        f" ({', '.join(f'{k} {v}' for k, v in m['events.value_nulls_by_type'].items())}); purchase rows always have a value."
    )
    a("")
    a("## Bad data (`bad/`) — the planted truth")
    a("")
    a("### `bad/orders.parquet`")
    a("")
    a("Same schema and 2,000 rows as `orders.parquet`, and row-for-row the same data except for these")
    a("defects, which sit on disjoint rows (no row carries two defects):")
    a("")
    a("| defect | count |")
    a("|---|---:|")
    a(
        f"| duplicate `order_id`: rows that reuse an earlier row's id | **{m['bad_orders.extra_rows_from_duplicates']}** |"
    )
    a(
        f"| … distinct `order_id` values that occur more than once (each exactly twice) | **{m['bad_orders.duplicate_id_values']}** |"
    )
    a(
        f"| … rows involved in duplicates (`order_id.is_duplicated().sum()`) | **{m['bad_orders.rows_involved_in_duplicates']}** |"
    )
    a(f"| … distinct `order_id` values in the file | {m['bad_orders.distinct_order_ids']} |")
    a(f"| negative `amount` (also the count outside [0.5, 2000]) | **{m['bad_orders.negative_amount']}** |")
    a(f'| `status` = "lost" (the only value outside the set) | **{m["bad_orders.status_lost"]}** |')
    a(f"| `email` nulls (10 %; includes the 20 nulls of the good file) | **{m['bad_orders.email_nulls']}** |")
    a(f"| `quantity` = 0 (the only values outside 1..20) | **{m['bad_orders.quantity_zero']}** |")
    a("")
    a(f"- Duplicated ids: {m['bad_orders.duplicated_ids']}. Ids that no longer occur (their rows took an")
    a(f"  earlier id): {m['bad_orders.missing_ids']}.")
    a("- Only `order_id` is repeated; the rest of those rows differ, so a whole-row duplicate check finds 0.")
    a(
        f"- Rows with at least one defect: {m['bad_orders.rows_with_any_defect']}"
        " (200 email nulls + 5 reusing rows + 7 + 4 + 3; the 5 'donor' rows whose id is reused are unchanged)."
    )
    a(
        f"- Unchanged on purpose: `discount` still has {m['bad_orders.discount_nulls']} nulls, and all non-null emails are valid."
    )
    a("")
    a("### `bad/customers.csv`")
    a("")
    a("```")
    a(fmt_schema(schemas["bad/customers.csv"]))
    a("```")
    a("")
    a("- **Missing column**: `signup_date` is gone entirely.")
    a(
        f"- **Type change**: `age` reads as String — **{m['bad_customers.age_with_years_suffix']} rows** look like"
        f' `"34 years"`, the other {m["bad_customers.rows"] - m["bad_customers.age_with_years_suffix"]} are plain'
        " digits. Three of them are in the first 100 data rows, so"
    )
    a("  polars' default `infer_schema_length=100` already infers String.")
    a(
        f'- **Out-of-set value**: **{m["bad_customers.tier_gold"]} rows** with `tier` = "gold" (disjoint from the age rows).'
    )
    a("- Everything else is identical to `customers.csv` (500 rows, no nulls).")
    a("")
    a("### `bad/events/` (hive, same 7 partitions)")
    a("")
    a("```")
    a(fmt_schema(schemas["bad/events/ (hive)"]))
    a("```")
    a("")
    a(
        f"- `value` nulls: exactly **{m['bad_events.value_nulls_per_partition']} per partition = {m['bad_events.value_nulls']}"
        f" of {m['bad_events.rows']} (25 %)** (the good file's 15 per partition plus 60 more, now also on purchase rows)."
    )
    neg = ", ".join(f"{d}: {n}" for d, n in m["bad_events.negative_value_by_partition"].items())
    a(f"- **{m['bad_events.negative_value']} rows** with negative `value` (by partition — {neg}).")
    a("- **Extra column** `debug_payload` (String, small JSON, no nulls) in every file, after `ts`.")
    a("- Same `event_id`s, users, types and timestamps as `events/`.")
    a("")
    a("## `orders_daily/` (hive) — anomaly-detection demo")
    a("")
    a("```")
    a(fmt_schema(schemas["orders_daily/ (hive)"]))
    a("```")
    a("")
    a("60 partitions `order_date=2026-09-01` … `order_date=2026-10-30`, same columns as `orders.parquet`")
    a(f"({m['orders_daily.rows']} rows in all; `order_id` = 1..{m['orders_daily.rows']}, unique across all partitions;")
    a("`order_ts` falls on the partition's UTC day; `discount` 20 % null per day).")
    a("")
    a("Normal behaviour: expected rows = base × 1.003^day_index (base: Mon–Fri 1000, Sat 650, Sun 550;")
    a("day_index 0 = 2026-09-01), times uniform noise within ±4 %. `email` null fraction per day is drawn")
    a("from [0.7 %, 1.3 %].")
    a(
        f"Over the 58 normal days: weekday mean {avg(wd):.0f} rows, Saturday mean {avg(sat):.0f}, Sunday mean"
        f" {avg(sun):.0f}; email null fraction {min(nfr):.2%} – {max(nfr):.2%}."
    )
    a("")
    a("Planted incidents:")
    a("")
    a(
        f"- **{OUTAGE_DAY} ({outage['weekday']}) — volume drop / outage**: {outage['rows']} rows, half of the"
        f" {outage['usual']} that day would have had (trend-only expectation {outage['expected']}). Email nulls"
        f" that day are normal ({outage['email_nulls']})."
    )
    a(
        f"- **{SPIKE_DAY} ({spike['weekday']}) — email null spike**: {spike['email_nulls']} of {spike['rows']} rows"
        f" ({m['orders_daily.spike_email_null_fraction']:.2%}) have a null `email`; the row count is normal."
    )
    a("")
    a("Per-day truth:")
    a("")
    a("| order_date | day | expected (trend) | rows | email nulls | email null % | note |")
    a("|---|---|---:|---:|---:|---:|---|")
    for p in daily_plan:
        note = (
            "outage (half volume)"
            if p["date"] == OUTAGE_DAY
            else ("email null spike" if p["date"] == SPIKE_DAY else "")
        )
        a(
            f"| {p['date']} | {p['weekday']} | {p['expected']} | {p['rows']} | {p['email_nulls']} |"
            f" {p['email_nulls'] / p['rows']:.2%} | {note} |"
        )
    a("")
    return "\n".join(L)


# --------------------------------------------------------------------------
def main() -> int:
    # clean generated partition folders (stale partitions must not survive a rerun)
    for d in (HERE / "events", HERE / "bad" / "events", HERE / "orders_daily"):
        reset_dir(d)

    customers = gen_customers()
    write_csv(customers, HERE / "customers.csv")

    order_cols, email_null_rows = gen_orders(customers)
    write_parquet(orders_frame(with_email_nulls(order_cols, email_null_rows)), HERE / "orders.parquet")

    bad_cols, _where = gen_bad_orders(order_cols, email_null_rows)
    write_parquet(orders_frame(bad_cols), HERE / "bad" / "orders.parquet")

    write_csv(gen_bad_customers(customers), HERE / "bad" / "customers.csv")

    events = gen_events()
    for day, cols in events.items():
        write_parquet(events_frame(cols), HERE / "events" / f"event_date={day}" / "part-0.parquet")
    bad_events, bad_neg = gen_bad_events(events)
    for day, cols in bad_events.items():
        write_parquet(
            events_frame(cols, {"debug_payload": pl.String}),
            HERE / "bad" / "events" / f"event_date={day}" / "part-0.parquet",
        )

    daily, daily_plan = gen_orders_daily(customers)
    for day, df in daily.items():
        write_parquet(df, HERE / "orders_daily" / f"order_date={day}" / "part-0.parquet")

    measured, schemas = verify(daily_plan, bad_neg)
    for key, want in PLANTED.items():
        got = measured[key]
        if isinstance(want, float):
            assert abs(got - want) < 0.002, (key, got, want)
        else:
            assert got == want, (key, got, want)

    def size(p: Path) -> int:
        return p.stat().st_size if p.is_file() else sum(f.stat().st_size for f in p.rglob("*") if f.is_file())

    sizes = {
        k: size(HERE / k)
        for k in (
            "orders.parquet",
            "customers.csv",
            "events",
            "bad/orders.parquet",
            "bad/customers.csv",
            "bad/events",
            "orders_daily",
        )
    }
    # The total covers the data files, this script and README.md itself; the README's length depends
    # on the digits of the total, so iterate to a fixed point (converges in one or two rounds).
    readme = render_readme(measured, schemas, daily_plan, {**sizes, "total": 0})
    others = sum(sizes.values()) + size(HERE / "generate.py")
    total = others + len(readme.encode("utf-8"))
    for _ in range(5):
        readme = render_readme(measured, schemas, daily_plan, {**sizes, "total": total})
        new_total = others + len(readme.encode("utf-8"))
        if new_total == total:
            break
        total = new_total
    (HERE / "README.md").write_bytes(readme.encode("utf-8"))
    assert total < 3_000_000, total

    print("Wrote sample_data/ — planted truth (all asserted):")
    for k, v in measured.items():
        print(f"  {k:<45} {v}")
    print("Per-file sizes (bytes):")
    for k, v in sizes.items():
        print(f"  {k:<45} {v}")
    print(f"  {'TOTAL sample_data/':<45} {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
