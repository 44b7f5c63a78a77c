"""The last step of both drafting commands: what they produce must load as a valid suite."""

from __future__ import annotations

from stewardgate.errors import InternalError


def assert_valid_suite(text: str, name: str, *, placeholders: bool = False) -> None:
    """Raise InternalError (our bug, exit 3) if ``text`` is not a valid suite.

    A drafted or edited suite that does not validate is never handed to the steward to repair.
    ``placeholders``: owner and steward are ``init``'s placeholders (meant to fail until a
    person fills them in); they are checked as if filled in.
    """
    from pydantic import ValidationError

    from stewardgate.suite.errors_map import problems_from
    from stewardgate.suite.models import Suite
    from stewardgate.suite.yamlpos import load_located

    try:
        located = load_located(text)
    except Exception as exc:  # ruamel's YAMLError and its relatives: our edits broke the text
        raise InternalError(f"{name}: the drafted suite is not valid YAML: {exc}") from exc
    data = located.data
    if placeholders and isinstance(data, dict) and isinstance(data.get("stewardship"), dict):
        data = {**data, "stewardship": {**data["stewardship"], "owner": "owner@example.com", "steward": "@steward"}}
    try:
        Suite.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(str(p) for p in problems_from(exc, located, Suite, name))
        raise InternalError(f"{name}: the drafted suite would not validate: {problems}") from exc
