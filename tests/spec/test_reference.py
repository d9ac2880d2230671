"""The generated references match the models, and the schema accepts the examples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mwaaform.spec.loader import spec_files
from mwaaform.spec.reference import json_schema, markdown
from mwaaform.spec.source import read_source

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = spec_files([ROOT / "environments"])


def test_docs_spec_md_is_current():
    committed = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/spec.md is stale: run `make docs` and commit it"


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "docs" / "spec.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "docs/spec.schema.json is stale: run `make docs` and commit it"


def test_reference_lists_every_field_with_its_default():
    text = markdown()
    assert "| `retention_days` |" in text and "`30`" in text
    assert "| `egress` | one of `single_nat`, `nat_per_az`, `endpoints_only`, `auto` |" in text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_schema_validates_example(path):
    validator = jsonschema.Draft202012Validator(json_schema())
    errors = sorted(validator.iter_errors(read_source(path).data), key=str)
    assert errors == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_carries_schema_comment(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/spec.schema.json"


def test_schema_rejects_what_validation_rejects():
    validator = jsonschema.Draft202012Validator(json_schema())
    data = read_source(EXAMPLES[0]).data
    data["environments"][0]["workerz"] = 3
    data["account"]["region"] = "us-east-9"
    messages = " ".join(e.message for e in validator.iter_errors(data))
    assert "workerz" in messages and "us-east-9" in messages
