"""The closing section of docs/checks.md: which files a new check touches (kept beside the registry)."""

ADDING_A_CHECK = """\
## Adding a check: the files you touch

A **column rule** (`columns.<name>.<rule>`) is one object, and everything else reads it:

1. `src/stewardgate/checks/column_rules.py`: one `ColumnRule(...)` in `RULES` (its place there
   is the order the plan lists it). It holds the rule's `doc` (shown here and by
   `stewardgate checks NAME`, with a suite snippet), its `kind` (`presence`, `dtype`, `flag`,
   `row`, `aggregate`), its failing `condition` and how its value meets the column (`operand`),
   its pandera check (`build`), for aggregates what it `allows` and what it `measure`s, the
   words of a passing and a failing result (`passing`/`failing`, or a `sentence`), how a
   consumer reads it on the trust sheet (`reads`), and which way a change of its value goes
   for `stewardgate breaking` (`change`: `flag`, `lower`, `upper`, `set`, `pattern`, `type`).
2. `src/stewardgate/suite/models.py`: the `ColumnSpec` field, so suites validate it (its value
   type through `_rule(...)`); then `stewardgate schema -o suites/stewardgate-suite.schema.json`.
3. `tests/cases/<rule>.yml`: passing and failing cases. `tests/test_cases.py` runs each on the
   compiled polars pass and on pandera (the engine of record), `tests/spark/test_spark_cases.py`
   on Spark; all must agree.
4. Only for a new kind of failing condition (today: null, below, above, not in a set, no match,
   shorter, longer): `src/stewardgate/engines/conditions.py`, its polars and Spark spelling.
5. Where it applies: a judge in `src/stewardgate/drafting/verdicts.py`, so `suggest` can replay
   the rule on stored profiles; a mapping in the importers (`importers/native.py` for GX
   expectations, `importers/odcs_rules.py` and `importers/odcs_quality.py` for ODCS).
6. This page: `stewardgate checks --format markdown > docs/checks.md`.

`tests/test_rule_registry.py` fails until the registry, `ColumnSpec`, the case files and this
page agree, naming what is missing where.

A **schema, drift or governance check** is a `CheckType` added in its section's module
(`checks/schema_rules.py`, `checks/drift_rules.py`, `checks/governance_rules.py`) for its
documentation; what runs it is the section's planner and judge (see docs/architecture.md for
the layers and the plan).
"""
