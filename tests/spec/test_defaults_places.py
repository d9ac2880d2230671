"""Stage defaults: errors name the inheriting environment and the defaults line; `_defaults.yaml`
among the given paths is checked as defaults, not as a stack."""

from __future__ import annotations

import shutil
from pathlib import Path

from mwaaform.spec.loader import load
from tests.conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[2]


def test_error_from_defaults_names_both_places(write_spec, tmp_path):
    (tmp_path / "_defaults.yaml").write_text("stages:\n  dev:\n    environment:\n      environment_class: mw1.tiny\n")
    (diagnostic,) = load([write_spec()]).diagnostics
    assert (diagnostic.position.file.endswith("stack.yaml"), diagnostic.position.line) == (True, 13)  # the first line of environments[0]
    assert diagnostic.path == "environments[0].environment_class"
    assert "inherited from the stage defaults at" in diagnostic.message and "_defaults.yaml:4:7" in diagnostic.message


def test_rule_error_from_defaults_names_both_places(write_spec, tmp_path):
    (tmp_path / "_defaults.yaml").write_text("stages:\n  dev:\n    environment:\n      workers: {min: 5, max: 2}\n")
    (diagnostic,) = load([write_spec()]).errors
    assert diagnostic.position.line == 13 and "_defaults.yaml:4:" in diagnostic.message


def test_glob_of_the_examples_skips_defaults():
    paths = sorted(str(p) for p in (ROOT / "environments").glob("*.yaml"))
    assert any(p.endswith("_defaults.yaml") for p in paths)
    result = load(paths)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert sorted(s.name for s in result.stacks) == ["dev-analytics", "partner-eu", "prod-data"]


def test_defaults_given_alone_are_checked_as_defaults(tmp_path):
    shutil.copy(ROOT / "environments" / "_defaults.yaml", tmp_path / "_defaults.yaml")
    assert load([tmp_path / "_defaults.yaml"]).diagnostics == []
    (tmp_path / "_defaults.yaml").write_text("stages:\n  qa: {}\n")
    (diagnostic,) = load([tmp_path / "_defaults.yaml"]).diagnostics
    assert diagnostic.position.line == 2 and "unknown stage 'qa'" in diagnostic.message


def test_a_broken_defaults_file_fails_every_spec_once(write_spec, tmp_path):
    (tmp_path / "_defaults.yaml").write_text("stages:\n  qa: {}\n")
    write_spec(MINIMAL, "a.yaml")
    write_spec(MINIMAL.replace("sample-dev", "other-dev"), "b.yaml")
    result = load([tmp_path])
    assert not result.ok and result.stacks == []
    assert [d.message for d in result.diagnostics] == ["unknown stage 'qa'; stages are dev, test, stage, prod"]
