"""``import odcs``: latency, frequency and timeOfAvailability become freshness limits; what cannot
be kept (a unit without a fixed length, a second column, a frequency without a column) is listed."""

from __future__ import annotations

from pathlib import Path

from stewardgate.importers.odcs import import_odcs

CONTRACT = """\
apiVersion: v3.1.0
kind: DataContract
id: c
version: 1.0.0
status: active
schema:
  - name: orders
    properties:
      - {name: id, logicalType: integer}
      - {name: ts, logicalType: timestamp}
      - {name: loaded, logicalType: timestamp}
  - name: refunds
    properties:
      - {name: id, logicalType: integer}
slaProperties:
  - {property: latency, value: 26, unit: hours, element: orders.ts}
  - {property: frequency, value: 1, valueExt: 1, unit: d, element: orders.ts}
  - {property: timeOfAvailability, value: "09:00-08:00", element: orders.ts, driver: regulatory}
  - {property: timeOfAvailability, value: "08:00-08:00", element: orders.ts, driver: analytics}
  - {property: latency, value: 1, unit: m, element: orders.ts}
  - {property: latency, value: 2, unit: y, element: orders.loaded}
  - {property: latency, value: PT36H, element: refunds}
  - {property: frequency, value: 1, unit: d, element: refunds}
"""


def test_freshness_sla_properties_become_limits_and_the_rest_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "c.odcs.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    result = import_odcs(path)
    suites = {s.filename: s.data for s in result.suites}
    assert suites["orders.yml"]["freshness"] == {
        "column": "ts", "max_age": "26h", "every": "1d", "available_by": "08:00-08:00",
    }  # fmt: skip
    assert suites["refunds.yml"]["freshness"] == {"source": "modified", "max_age": "36h"}
    findings = {f.where: (f.lost, f.message) for f in result.findings if f.where.startswith("slaProperties")}
    assert findings == {
        "slaProperties[1] frequency.valueExt": (False, "valueExt 1 is not read (the limit is judged at each run's as-of time)"),
        "slaProperties[2] timeOfAvailability": (False, "the stricter 08:00-08:00 (slaProperties[3] timeOfAvailability) is checked, which implies 09:00-08:00"),
        "slaProperties[4] latency": (True, "latency '1 m' is not a duration: a positive whole value with a unit (minutes, hours, days, weeks; months and years have no fixed length); 'm' is ambiguous (months or minutes): write min"),
        "slaProperties[5] latency": (True, "latency '2 y' is not a duration: a positive whole value with a unit (minutes, hours, days, weeks; months and years have no fixed length)"),
        "slaProperties[7] frequency": (True, "frequency needs a column (element table.column): a file's time is one time, not one per period"),
    }  # fmt: skip
    assert {"slaProperties[0] latency", "slaProperties[1] frequency", "slaProperties[6] latency"} <= set(
        result.converted
    )


def test_a_second_column_for_the_limits_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "c.odcs.yaml"
    path.write_text(CONTRACT.split("  - {property: frequency, value: 1, valueExt")[0]
                    + "  - {property: frequency, value: 1, unit: d, element: orders.loaded}\n", encoding="utf-8")  # fmt: skip
    result = import_odcs(path)
    (lost,) = [f for f in result.lost if f.where == "slaProperties[1] frequency"]
    assert lost.message == "the suite's freshness limits read one column (ts); this one names loaded"


def test_stewardgate_custom_properties_are_read_back_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.odcs.yaml"
    path.write_text(CONTRACT.split("slaProperties:")[0] + (
        "customProperties:\n"
        "  - {property: stewardgate.risk_tier, value: high}\n"
        "  - {property: stewardgate.recertify_by, value: '2027-01-31'}\n"
        "  - {property: stewardgate.permitted_uses, value: [analytics, Reporting]}\n"
        "  - {property: other.tool, value: x}\n"
    ), encoding="utf-8")  # fmt: skip
    result = import_odcs(path)
    stewardship = {s.filename: s.data for s in result.suites}["orders.yml"]["stewardship"]
    assert (stewardship["risk_tier"], str(stewardship["recertify_by"])) == ("high", "2027-01-31")
    assert "permitted_uses" not in stewardship
    (lost,) = [f for f in result.lost if f.where.startswith("customProperties")]
    assert lost.where == "customProperties[2] stewardgate.permitted_uses"
    assert lost.message.startswith("not a suite's permitted_uses: ")
