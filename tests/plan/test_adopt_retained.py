"""`adopt_retained: true` in an example spec: the plan says the log groups and the bucket are
imported (adopted by name), not created, in every form a reviewer reads it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mwaaform.cli import main

ROOT = Path(__file__).resolve().parents[2]
LOG_KINDS = ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")


@pytest.fixture(scope="module")
def adopted(tmp_path_factory) -> tuple[dict, str]:
    """The `plan --out` JSON and text of dev-analytics with `adopt_retained: true`."""
    folder = tmp_path_factory.mktemp("adopt")
    specs = folder / "environments"
    shutil.copytree(ROOT / "environments" / "files", specs / "files")
    shutil.copy(ROOT / "environments" / "_defaults.yaml", specs)
    text = (ROOT / "environments" / "dev-analytics.yaml").read_text()
    assert "    stage: dev\n" in text
    (specs / "dev-analytics.yaml").write_text(text.replace("    stage: dev\n", "    stage: dev\n    adopt_retained: true\n", 1))
    out = folder / "build"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        assert main(["plan", "environments/dev-analytics.yaml", "--out", str(out), "--no-cache", "--no-policies"]) == 0
    return json.loads((out / "dev-analytics.json").read_text()), (out / "dev-analytics.txt").read_text()


def test_the_json_plan_imports_the_log_groups_and_the_bucket_group_by_name(adopted):
    document, _ = adopted
    imports = [s for s in document["steps"] if s["op"] == "import"]
    groups = [s for s in imports if s["newState"]["type"] == "aws:cloudwatch/logGroup:LogGroup"]
    assert {s["newState"]["inputs"]["name"]: s["newState"]["importID"] for s in groups} == {
        f"airflow-analytics-dev-{kind}": f"airflow-analytics-dev-{kind}" for kind in LOG_KINDS
    }
    # The rest: the bucket and the resources configuring it, all adopted by the bucket's name.
    bucket = next(s for s in document["steps"] if s["newState"]["type"] == "aws:s3/bucket:Bucket")
    assert bucket["op"] == "import" and bucket["newState"]["importID"] == bucket["newState"]["inputs"]["bucket"]
    rest = [s for s in imports if s not in groups]
    assert {s["newState"]["type"] for s in rest} >= {"aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPolicy:BucketPolicy"}
    assert {s["newState"]["type"].split("/")[0] for s in rest} == {"aws:s3"}
    assert {s["newState"]["importID"] for s in rest} == {bucket["newState"]["importID"]}
    # A new key, role and environment are created; the counts add up to every step.
    created = {s["newState"]["type"] for s in document["steps"] if s["op"] == "create"}
    assert {"aws:mwaa/environment:Environment", "aws:iam/role:Role"} <= created
    assert document["changeSummary"] == {"create": len(document["steps"]) - len(imports), "import": len(imports)}


def test_the_environment_carries_its_timeouts_in_seconds(adopted):
    document, _ = adopted
    env = next(s for s in document["steps"] if s["newState"]["type"] == "aws:mwaa/environment:Environment")
    # The spec's default timeouts: create and update 3h, delete 2h.
    assert env["newState"]["customTimeouts"] == {"create": 10800, "update": 10800, "delete": 7200}


def test_the_text_plan_marks_the_imports_and_counts_them(adopted):
    document, text = adopted
    for kind in LOG_KINDS:
        assert f"= aws:cloudwatch/logGroup:LogGroup airflow-analytics-dev-{kind} import airflow-analytics-dev-{kind}" in text
    bucket = next(s for s in document["steps"] if s["newState"]["type"] == "aws:s3/bucket:Bucket")
    assert f"import {bucket['newState']['importID']}" in text
    assert f"= {document['changeSummary']['import']} to import" in text
    assert f"+ {document['changeSummary']['create']} to create" in text
    assert "[timeouts: create 3h, update 3h, delete 2h]" in text
