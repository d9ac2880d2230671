"""checkov, a judge nobody here wrote, over the compiled plans of the examples.

Each recorded plan is converted to a Terraform plan JSON and read by checkov's terraform_plan
framework. Every failing check must be listed in docs/checkov.md with a reason, and every listed
one must still fail. checkov lives in its own tool virtualenv (`make checkov-tool`), because its
dependency pins conflict with ours; without it the test skips and says why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mwaaform.tfplan import terraform_type, to_terraform_plan

ROOT = Path(__file__).resolve().parents[1]
CHECKOV = os.environ.get("CHECKOV") or str(ROOT / "build" / "tools" / "checkov" / "bin" / "checkov")


def documented() -> dict[str, set[str]]:
    """check id -> stacks, from docs/checkov.md's table."""
    stacks = None
    table = {}
    for line in (ROOT / "docs" / "checkov.md").read_text().splitlines():
        match = re.match(r"^\| (CKV\S+) \| ([^|]+) \|", line)
        if match:
            stacks = stacks or {p.stem for p in (ROOT / "environments").glob("*.yaml") if not p.stem.startswith("_")}
            named = {s.strip() for s in match.group(2).split(",")}
            table[match.group(1)] = stacks if named == {"all"} else named
    return table


def test_types_map_to_terraform():
    assert terraform_type("aws:s3/bucketVersioning:BucketVersioning") == "aws_s3_bucket_versioning"
    assert terraform_type("aws:ec2/securityGroup:SecurityGroup") == "aws_security_group"
    assert terraform_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") == "aws_vpc_security_group_ingress_rule"
    assert terraform_type("aws:s3/bucketObjectv2:BucketObjectv2") == "aws_s3_object"
    assert terraform_type("aws:mwaa/environment:Environment") == "aws_mwaa_environment"
    assert terraform_type("mwaaform:bucket:DagBucket") is None


@pytest.fixture(scope="module")
def tfplans(tmp_path_factory, example_plans):
    out = tmp_path_factory.mktemp("tfplan")
    paths = []
    for name, plan in example_plans.items():
        path = out / f"{name}.json"
        path.write_text(json.dumps(to_terraform_plan(plan.resources)))
        paths.append(path)
    return paths


def test_blocks_are_lists_and_maps_stay_maps(tfplans):
    document = json.loads(next(p for p in tfplans if p.stem == "prod-data").read_text())
    resources = {r["address"]: r for r in document["planned_values"]["root_module"]["resources"]}
    lifecycle = resources["aws_s3_bucket_lifecycle_configuration.ingest-prod-bucket"]["values"]
    assert lifecycle["rule"][0]["noncurrent_version_expiration"] == [{"noncurrent_days": 90}]
    assert resources["aws_vpc.network"]["values"]["tags"]["Name"] == "network"
    configured = {r["address"]: r for r in document["configuration"]["root_module"]["resources"]}
    assert "aws_s3_bucket.ingest-prod-bucket" in configured["aws_s3_bucket_lifecycle_configuration.ingest-prod-bucket"]["expressions"]["bucket"]["references"]


def test_checkov_finds_only_the_documented_failures(tfplans):
    if not (Path(CHECKOV).exists() or shutil.which(CHECKOV)):
        pytest.skip(f"checkov is not installed at {CHECKOV}: run `make checkov-tool` (it needs PyPI)")
    command = [CHECKOV, "--framework", "terraform_plan", "--skip-download", "--compact", "--quiet", "-o", "json"]
    for path in tfplans:
        command += ["-f", str(path)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    assert run.returncode in (0, 1), run.stderr[-2000:]
    reports = json.loads(run.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert reports and all(report.get("check_type") == "terraform_plan" for report in reports), run.stdout[:500]
    failing: dict[str, set[str]] = {}
    for report in reports:
        for failed in report["results"].get("failed_checks", []):
            failing.setdefault(failed["check_id"], set()).add(Path(failed["file_path"]).stem)
    assert failing == documented(), "update the code or docs/checkov.md"
