"""The diff of two recorded plans: what a spec change does to what is deployed.

Each test plans a small spec twice (before and after a change a platform engineer makes) and checks
what a reviewer is told: replaced with the property that forces it, updated with old → new, secrets
compared but never shown.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from mwaaform.plan.run import plan_stack
from mwaaform.review.diff import StackDiff, diff_plans
from mwaaform.spec.loader import load_file
from tests.conftest import MINIMAL

ENV = "aws:mwaa/environment:Environment"


@pytest.fixture
def compare(tmp_path, monkeypatch):
    """Plan two versions of a spec (in tmp_path) and diff them."""
    monkeypatch.chdir(tmp_path)

    def plan(text: str, files: dict[str, str]):
        for name, content in files.items():
            (tmp_path / name).write_text(content)
        (tmp_path / "stack.yaml").write_text(text)
        stack, diagnostics = load_file(tmp_path / "stack.yaml")
        assert stack is not None, [str(d) for d in diagnostics]
        return plan_stack(stack, policies=False).plan

    def run(before: str, after: str, files_before: dict | None = None, files_after: dict | None = None) -> StackDiff:
        base = plan(before, files_before or {})
        head = plan(after, files_after or files_before or {})
        return diff_plans("stack", base, head)

    return run


def one(diff: StackDiff, type_: str, name: str | None = None):
    found = [c for c in diff.changes if c.type == type_ and (name is None or c.name == name)]
    assert len(found) == 1, [(c.op, c.type, c.name) for c in diff.changes]
    return found[0]


def env_with(extra: str) -> str:
    return MINIMAL + "".join(f"    {line}\n" for line in extra.strip().splitlines())


def test_no_change_no_diff(compare):
    assert compare(MINIMAL, MINIMAL).changes == ()


def test_a_customer_managed_key_replaces_the_environment_and_the_review_says_why(compare):
    diff = compare(MINIMAL, env_with("encryption: {key: customer_managed}"))
    env = one(diff, ENV)
    assert env.op == "replace" and env.forced_by == ("kmsKey",)
    assert env.destructive and env.kind == "MWAA environment"
    assert one(diff, "aws:kms/key:Key").op == "create"


def test_a_major_airflow_upgrade_replaces_the_environment_a_minor_one_updates_it(compare):
    minor = compare(env_with('airflow_version: "2.9.2"'), env_with('airflow_version: "2.10.3"'))
    assert one(minor, ENV).op == "update" and not one(minor, ENV).destructive
    major = compare(env_with('airflow_version: "2.10.3"'), env_with('airflow_version: "3.0.6"'))
    env = one(major, ENV)
    assert env.op == "replace" and env.forced_by == ("airflowVersion",) and env.destructive


def test_other_subnets_replace_the_subnets_and_the_environment(compare):
    moved = MINIMAL.replace("[us-east-1a, us-east-1b]", "[us-east-1a, us-east-1c]")
    diff = compare(MINIMAL, moved)
    env = one(diff, ENV)
    assert env.op == "replace" and env.forced_by == ("networkConfiguration.subnetIds",)
    subnet = one(diff, "aws:ec2/subnet:Subnet", "network-private-us-east-1c")
    assert subnet.op == "replace" and subnet.old_name == "network-private-us-east-1b"
    assert "availabilityZone" in subnet.forced_by


def test_a_changed_requirements_file_shows_its_content_hash_and_the_new_version(compare):
    spec = env_with("requirements: requirements.txt")
    diff = compare(spec, spec, {"requirements.txt": "pandas==2.2.0\n"}, {"requirements.txt": "pandas==2.2.3\n"})
    upload = one(diff, "aws:s3/bucketObjectv2:BucketObjectv2")
    assert upload.op == "update"
    assert [p.path for p in upload.changes] == ["source"]
    old, new = upload.changes[0].shown()
    digests = [hashlib.sha256(text).hexdigest()[:12] for text in (b"pandas==2.2.0\n", b"pandas==2.2.3\n")]
    assert (old, new) == tuple(f"requirements.txt (sha256 {d})" for d in digests)
    env = one(diff, ENV)
    assert env.op == "update" and [p.path for p in env.changes] == ["requirementsS3ObjectVersion"]


def test_turning_on_the_secrets_backend_is_seen_but_its_values_are_not_shown(compare):
    diff = compare(MINIMAL, env_with("access: {secrets: {connections_prefix: airflow/conn}}"))
    env = one(diff, ENV)
    options = [p for p in env.changes if p.path == "airflowConfigurationOptions"]
    assert len(options) == 1 and options[0].secret
    old, new = options[0].shown()
    assert "SecretsManagerBackend" not in old + new and "airflow/conn" not in old + new
    # The option names are not secret: the reviewer sees which ones the change sets.
    assert new == "[secret] (added secrets.backend, secrets.backend_kwargs)"


def test_default_tags_reach_every_taggable_resource(compare):
    diff = compare(MINIMAL, MINIMAL.replace('CostCenter: "CC-1"', 'CostCenter: "CC-2"'))
    vpc = one(diff, "aws:ec2/vpc:Vpc")
    assert vpc.op == "update"
    assert [(p.path, p.old, p.new) for p in vpc.changes] == [("tagsAll.CostCenter", "CC-1", "CC-2")]
    assert one(diff, ENV).op == "update"
    assert not diff.of("replace")


def test_removing_an_environment_deletes_its_stateful_resources(compare):
    two = MINIMAL + "  - name: other-dev\n    team: analytics\n    stage: dev\n"
    diff = compare(two, MINIMAL)
    deleted = {(c.kind, c.physical or c.old_physical) for c in diff.destructive}
    assert ("MWAA environment", "other-dev") in deleted
    assert {c.environments for c in diff.destructive} == {("other-dev",)}
    assert all(c.op == "delete" for c in diff.destructive)
    # Acknowledging one environment acknowledges its own losses, not another's.
    assert all(c.with_acknowledgement({"other-dev"}).acknowledged for c in diff.destructive)
    assert not any(c.with_acknowledgement({"sample-dev"}).acknowledged for c in diff.destructive)
    assert json.dumps([c.name for c in diff.of("create")]) == "[]"


def test_turning_deletion_protection_on_shows_on_the_stateful_resources(compare):
    diff = compare(MINIMAL, env_with("deletion_protection: true"))
    env = one(diff, ENV)
    assert env.op == "update"
    assert [(p.path, p.old, p.new) for p in env.changes] == [("pulumi:protect", False, True)]
    assert one(diff, "aws:s3/bucket:Bucket").op == "update"
    assert not diff.of("replace")
