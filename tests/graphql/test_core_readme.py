"""The example queries of backend/graphql/core/README.md are valid against the schema."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

from backend.graphql.api import schema

README = Path(__file__).resolve().parents[2] / "backend" / "graphql" / "core" / "README.md"


def _examples() -> list[str]:
    block = re.search(r"```graphql\n(.*?)```", README.read_text(), re.S)
    assert block, "no graphql block in the README"
    operations = re.split(r"\n(?=mutation|\{)", "\n" + block.group(1))
    return [op.strip() for op in operations if op.strip()]


def test_readme_examples_are_valid():
    examples = _examples()
    assert len(examples) == 5
    for example in examples:
        errors = validate(schema.graphql_schema, parse(example))
        assert not errors, (example, errors)
