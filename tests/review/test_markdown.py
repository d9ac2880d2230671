"""The pull-request comment: short on top, details folded, and diagrams Mermaid itself can parse."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mwaaform.review import render
from mwaaform.review.diagram import diagram
from mwaaform.review.diff import diff_plans
from mwaaform.review.run import review_paths
from tests.review.test_command import repo  # noqa: F401 - the renamed-environment repository fixture

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / ".node"
PARSER = Path(__file__).resolve().parent / "node" / "parse_mermaid.mjs"


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S)


def parse_with_mermaid(diagrams: dict[str, str]) -> dict[str, dict]:
    """Each diagram's result from Mermaid's own parser (npm `mermaid`, installed by `make test`)."""
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "mermaid").is_dir():
        if os.environ.get("CI"):
            pytest.fail("Mermaid's parser is not installed: `make test` installs it into .node/")
        pytest.skip("Mermaid's parser is not installed: run `make test` once (installs it into .node/)")
    # Bare imports resolve from the working folder for `--input-type=module`: .node holds node_modules.
    done = subprocess.run(
        ["node", "--input-type=module", "-e", PARSER.read_text()],
        cwd=NODE_DIR,
        input=json.dumps(diagrams),
        capture_output=True,
        text=True,
        timeout=120,
    )
    results = {r["name"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert set(results) == set(diagrams), done.stderr
    return results


@pytest.fixture(scope="module")
def examples_comment() -> str:
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        review, _ = review_paths(["environments"], None)
    finally:
        os.chdir(previous)
    return render.markdown(review, ["environments/"])


def test_the_comment_of_the_examples_puts_the_verdict_and_counts_first_and_folds_the_details(examples_comment):
    lines = examples_comment.splitlines()
    assert lines[0] == render.MARKER
    assert lines[1] == "## mwaaform review: ✅ pass"
    summary = examples_comment[: examples_comment.index("<details>")]
    for stack in ("dev-analytics", "partner-eu", "prod-data"):
        # replace, create, import, update, delete, destructive
        assert re.search(rf"^\| {stack} \(new\) \| 0 \| \d+ \| 0 \| 0 \| 0 \| 0 \|", summary, flags=re.M)
    assert examples_comment.count("<details>") == examples_comment.count("</details>")


def test_every_diagram_passes_mermaids_parser(examples_comment, repo, capsys):  # noqa: F811
    renamed, _ = review_paths(["environments"], "HEAD~1")
    comment = render.markdown(renamed, ["environments/"])
    blocks = {f"example {i}": block for i, block in enumerate(mermaid_blocks(examples_comment))}
    blocks.update({f"renamed {i}": block for i, block in enumerate(mermaid_blocks(comment))})
    assert len(blocks) == 4
    # A hostile name cannot break the diagram out of its label.
    blocks["hostile"] = diagram(_hostile_plan())
    # Every kind of change gets its class, imports too.
    adopting = _adopting_plan()
    blocks["adopted"] = diagram(adopting, diff_plans("s", None, adopting))
    assert "  class n2 create\n" in blocks["adopted"] and "  class n3,n4 import\n" in blocks["adopted"]
    # And the parser is no stub: a broken diagram fails.
    blocks["broken"] = "flowchart LR\n  a[[[ --> b\n"
    results = parse_with_mermaid(blocks)
    assert not results.pop("broken")["ok"]
    assert [r for r in results.values() if not r["ok"]] == []


def test_the_rename_comment_fails_shows_destructive_changes_first_and_highlights_them(repo):  # noqa: F811
    review, _ = review_paths(["environments"], "HEAD~1")
    comment = render.markdown(review, ["environments/"])
    assert "## mwaaform review: ❌ fail" in comment
    top = comment[: comment.index("<details>")]
    assert "**7 destructive changes not acknowledged.**" in top
    rows = [line for line in top.splitlines() if line.startswith("| ❌ |")]
    assert len(rows) == 7
    assert "MWAA environment `sample-dev → sample-sandbox`" in rows[0] and "`name`" in rows[0]
    assert "`--allow-replace sample-sandbox`" in rows[0]
    (block,) = mermaid_blocks(comment)
    replaced = re.search(r"^  class (\S+) replace$", block, flags=re.M)
    assert replaced, block
    env_node = re.search(r'^\s+(n\d+)\(\["MWAA sample-sandbox', block, flags=re.M).group(1)
    assert env_node in replaced.group(1).split(",")


def _hostile_plan():
    from mwaaform.plan.model import Plan, RecordedResource

    env = RecordedResource(
        "urn:pulumi:s::p::aws:mwaa/environment:Environment::x",
        "aws:mwaa/environment:Environment",
        "x",
        True,
        {"name": 'x"] --> evil["<script>', "airflowVersion": "2.10.3 end", "networkConfiguration": {"subnetIds": ["subnet-1;"]}},
        {},
        "x",
        None,
        None,
    )
    return Plan("p", "s", [env], {})


def _adopting_plan():
    """A new environment that adopts its retained log groups and bucket."""
    from mwaaform.plan.model import Plan, RecordedResource

    def resource(type_: str, name: str, inputs: dict, **fields) -> RecordedResource:
        return RecordedResource(f"urn:pulumi:s::p::{type_}::{name}", type_, name, True, inputs, {}, name, None, None, **fields)

    bucket = resource("aws:s3/bucket:Bucket", "b", {"bucket": "airflow-x-1"}, import_id="airflow-x-1")
    logs = resource("aws:cloudwatch/logGroup:LogGroup", "airflow-x-Task", {"name": "airflow-x-Task"}, import_id="airflow-x-Task")
    env = resource("aws:mwaa/environment:Environment", "x", {"name": "x", "airflowVersion": "2.10.3"}, dependencies=[bucket.urn, logs.urn])
    return Plan("p", "s", [env, bucket, logs], {})
