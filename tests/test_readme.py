"""The README is the newcomer's manual: it must name the two commands and document every
environment variable that the settings module reads, with its default."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_READ = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _settings_variables() -> set[str]:
    return set(ENV_READ.findall((ROOT / "backend" / "settings.py").read_text()))


def _readme_table_rows() -> dict[str, str]:
    rows = {}
    for line in (ROOT / "README.md").read_text().splitlines():
        match = re.match(r"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_readme_names_the_two_commands():
    text = (ROOT / "README.md").read_text()
    assert "make run" in text
    assert "make test" in text


def test_every_setting_is_documented_with_its_default():
    variables = _settings_variables()
    assert "DATABASE_URL" in variables  # the pattern really reads the settings module
    rows = _readme_table_rows()
    missing = sorted(variables - rows.keys())
    assert not missing, f"README configuration table lacks: {missing}"
    no_default = sorted(name for name in variables if rows[name].count("|") < 1)
    assert not no_default, f"rows without a default column: {no_default}"


def test_graphql_examples_are_valid_against_the_schema(db, settings):
    from graphql import parse, validate

    from backend.graphql.api import schema
    from backend.graphql.core.validation import query_cost

    text = (ROOT / "README.md").read_text()
    examples = re.findall(r"```graphql\n(.*?)```", text, re.S)
    assert len(examples) >= 4
    for example in examples:
        document = parse(example)
        errors = validate(schema.graphql_schema, document)
        assert not errors, (example, errors)
        # ... and within the limits the API enforces (a newcomer's first query must run).
        assert query_cost(schema.graphql_schema, document) <= settings.GRAPHQL_MAX_COST, example
