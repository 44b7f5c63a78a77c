"""The JSON Schema of the suite format, generated from the same models the loader uses.

Point an editor at it for completion and inline errors: put
``# yaml-language-server: $schema=./stewardgate-suite.schema.json`` at the top of a suite.
"""

from __future__ import annotations

from typing import Any

from stewardgate.suite.models import Suite

SCHEMA_ID = "https://stewardgate.dev/schemas/suite-1.json"


def suite_json_schema() -> dict[str, Any]:
    """The suite format's JSON Schema (draft 2020-12), with an id and title."""
    schema = Suite.model_json_schema(by_alias=True, mode="validation")
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "stewardgate suite (version 1)",
    }
