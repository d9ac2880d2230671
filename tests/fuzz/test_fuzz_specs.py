"""Fuzzing the spec reader: the example specs, mutated structurally and textually by Hypothesis.

For every mutant: no exception escapes the validator; every diagnostic has a file, a line and a
column, and, once the file parses, every error has a field path (only errors of the file itself,
such as invalid YAML, are file-level by design); every spec that validates also plans.

The suite runs it for ``MWAAFORM_FUZZ_SECONDS`` (default 15) in rounds of Hypothesis runs;
``make fuzz`` runs it for 10 minutes. A failure prints the mutated text to reproduce it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mwaaform.spec.loader import load_file
from mwaaform.spec.source import SourceError, read_source

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "environments"
SECONDS = float(os.environ.get("MWAAFORM_FUZZ_SECONDS", "15"))
MAX_PLANS = int(os.environ.get("MWAAFORM_FUZZ_PLANS", "3"))  # each offline plan takes about a second
ROUND = 40  # examples per Hypothesis run

TEXTS = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("[!_]*.yaml"))]

# Pieces that have broken YAML readers and template layers before, and plain noise.
SNIPPETS = [
    "\n", " ", "  ", "\t", "- ", ": ", "#", "'", '"', "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a\n", "? ", "|\n", ">-\n",
    "!!int ", "!!binary ", "!!python/object:os.system ", "!foo ", "---\n", "...\n", "%YAML 1.1\n", "~", "null", "true", "no",
    "2.10", "0x1F", "012", "1e400", ".nan", "-.inf", "2026-01-01", "\x00", "\x1b", "\u2028", "\ufeff", "é", "\U0001F600",
    "{{", "}}", "{%", "%}", "{{ team }}", "{{ undefined_name }}", "{% for i in range(3) %}\n", "{% endfor %}\n",
    "{% raw %}", "{% endraw %}", "{% set team = 'x' %}\n", "{{ 'A' * 2000000 }}", "{{ range(200000) | length }}",
    "{% include 'x' %}", "{# comment #}", "{%- if true -%}", "{% endif %}", "../../../etc/passwd", "/etc/passwd",
    "us-east-1z", "127.0.0.0/16", "arn:aws:iam::999999999999:role/x",
]

HOSTILE_VALUES = [
    None, True, False, 0, -1, 1, 2.1, 10**13, float("inf"), "", " ", "x" * 300, "a\nb", "café", "\x07", "{{ x }}",
    "us-east-1z", "us-west-2a", "8.8.8.8/16", "10.0.0.0/28", "../../etc/passwd", "/etc/passwd", "files", "mw1.micro",
    "2.10.3", "2.4.3", "3.0.6", "prod", "dev", "private", "public", "customer", "endpoints_only", "nat_per_az",
    "arn:aws:iam::999999999999:role/x", "arn:aws:iam::aws:policy/ReadOnlyAccess", [], {}, [None], {"x": 1},
]

values = st.recursive(
    st.one_of(st.sampled_from(HOSTILE_VALUES), st.integers(-5, 100), st.text(max_size=12)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=5,
)


@st.composite
def textual(draw) -> str:
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["insert", "insert", "delete_line", "duplicate_line", "delete_chars", "indent"]))
        at = draw(st.integers(0, len(text)))
        line = draw(st.integers(0, len(lines) - 1))
        if op == "insert":
            text = text[:at] + draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=4))) + text[at:]
        elif op == "delete_line":
            text = "\n".join(lines[:line] + lines[line + 1:])
        elif op == "duplicate_line":
            text = "\n".join(lines[: line + 1] + lines[line:])
        elif op == "delete_chars":
            text = text[:at] + text[at + draw(st.integers(1, 5)):]
        else:
            lines[line] = " " * draw(st.integers(1, 4)) + lines[line]
            text = "\n".join(lines)
    return text


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


@st.composite
def structural(draw) -> str:
    data = draw(st.sampled_from(PARSED))
    data = yaml.safe_load(yaml.safe_dump(data))  # a private copy
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        op = draw(st.sampled_from(["replace", "replace", "delete", "add_key", "duplicate"]))
        if op == "replace":
            parent[path[-1]] = draw(values)
        elif op == "delete":
            del parent[path[-1]]
        elif op == "add_key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "name", "stage", "requirements", "cidr", "egress"]))] = draw(values)
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(yaml.safe_load(yaml.safe_dump(parent[path[-1]])))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _parsed_examples() -> list:
    found = []
    for path in sorted(EXAMPLES.glob("[!_]*.yaml")):
        found.append(read_source(path).data)
    return found


PARSED = _parsed_examples()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A copy of the project's environments/ (files and defaults) under its own project root."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "Pulumi.yaml").write_text("name: fuzz\n")
    shutil.copytree(EXAMPLES, root / "environments")
    return root


def check(text: str, workspace: Path, planned: dict) -> None:
    path = workspace / "environments" / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    stack, diagnostics = load_file(path)  # must not raise
    try:
        read_source(path)
        parsed = True
    except SourceError:
        parsed = False
    for diagnostic in diagnostics:
        position = diagnostic.position
        assert position.file and position.line >= 1 and position.col >= 1, diagnostic
        if diagnostic.severity == "error" and parsed:
            assert diagnostic.path, f"an error without a field path: {diagnostic}"
    if stack is not None and len(planned) < MAX_PLANS:
        key = stack.spec.model_dump_json()
        if key not in planned:
            from mwaaform.plan.run import plan_stack

            planned[key] = plan_stack(stack, policies=False)  # must not raise


FUZZ_SETTINGS = settings(
    max_examples=ROUND,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_mutated_specs_never_crash_and_errors_have_places(workspace):
    planned: dict = {}

    @FUZZ_SETTINGS
    @given(st.one_of(textual(), structural()))
    def run(text: str) -> None:
        check(text, workspace, planned)

    stop = time.monotonic() + SECONDS
    rounds = 0
    while rounds == 0 or time.monotonic() < stop:
        run()
        rounds += 1


def test_the_unmutated_examples_validate_and_plan(workspace):
    # The fuzzer's starting points are valid, so its mutants explore around valid specs.
    for text in TEXTS:
        stack, diagnostics = load_file(_write(workspace, text))
        assert stack is not None, [str(d) for d in diagnostics]


def _write(workspace: Path, text: str) -> Path:
    path = workspace / "environments" / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    return path
