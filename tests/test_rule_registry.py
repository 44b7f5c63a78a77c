"""One column rule, one place: the registry, the suite model and the case files agree.

A column rule is one :class:`~stewardgate.checks.column_rules.ColumnRule` in the registry; the
suite model's ``ColumnSpec`` declares where it is written and ``tests/cases/<rule>.yml`` how it
behaves on every engine. Adding a rule to one of the three and not the others fails here, naming
what is missing where.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from stewardgate.checks.column_rules import CHANGES, KINDS, OPERANDS, RULES
from stewardgate.checks.registry import REGISTRY, all_checks
from stewardgate.engines import conditions
from stewardgate.suite.models import ColumnSpec

CASES = Path(__file__).parent / "cases"
# ColumnSpec fields that say what a column is (or how hard its rules bite), not what it must satisfy.
NOT_RULES = {"classification", "pii", "severity", "description", "references"}  # references: planning/reconcile.py


def test_every_column_spec_rule_field_is_registered_and_vice_versa() -> None:
    fields = set(ColumnSpec.model_fields) - NOT_RULES
    assert fields - set(RULES) == set(), "ColumnSpec fields with no ColumnRule in checks/column_rules.py"
    assert set(RULES) - fields == set(), "ColumnRules with no ColumnSpec field in suite/models.py"


def test_every_column_rule_has_a_case_file_and_every_case_file_a_check() -> None:
    files = {f.stem for f in CASES.glob("*.yml")}
    assert set(RULES) - files == set(), "column rules without tests/cases/<rule>.yml"
    contract = {c.name for c in all_checks() if c.section in ("columns", "schema")}
    assert files - contract == set(), "case files named for no registered column or schema check"


def test_case_files_exercise_their_rule() -> None:
    """Each rule's case file expects results of that rule (not only of its neighbours)."""
    for name in RULES:
        cases = YAML(typ="safe").load((CASES / f"{name}.yml").read_text(encoding="utf-8"))
        ids = {cid for case in cases for cid in case["expect"]}
        assert any(cid.endswith(f".{name}") for cid in ids), f"{name}.yml expects no {name} result"


def test_the_registry_holds_the_rule_objects_themselves() -> None:
    all_checks()
    for name, rule in RULES.items():
        assert REGISTRY[name] is rule, f"{name}: the registry holds a copy, not the rule"
        assert rule.section == "columns"
        assert rule.doc and "```yaml" in rule.doc, f"{name}: its doc needs a suite snippet"


def test_each_rule_says_everything_its_kind_needs() -> None:
    """What the engines, the wording and `breaking` read from a rule is there for every rule."""
    for name, rule in RULES.items():
        assert rule.kind in KINDS and rule.change in CHANGES and rule.operand in OPERANDS, name
        assert rule.condition is None or rule.condition in conditions.KINDS, name
        if rule.kind in ("row", "aggregate"):
            assert rule.build is not None, f"{name}: a {rule.kind} rule needs its pandera check"
            assert rule.condition is not None, f"{name}: a {rule.kind} rule needs its failing condition"
        if rule.kind in ("row", "flag"):
            assert rule.passing and rule.failing, f"{name}: a {rule.kind} rule needs its passing and failing words"
        if rule.kind in ("presence", "dtype", "aggregate"):
            assert rule.sentence is not None, (
                f"{name}: a {rule.kind} result is not a count of rows; it needs a sentence"
            )
        if rule.change in ("lower", "upper"):
            assert rule.kind in ("row", "aggregate"), f"{name}: only a value has a bound direction"


def test_docs_checks_md_is_generated_from_the_registry() -> None:
    from stewardgate.checks.registry import checks_markdown

    committed = (Path(__file__).parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == checks_markdown(), "run: stewardgate checks --format markdown > docs/checks.md"
