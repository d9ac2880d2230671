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


def test_adopt_retained_on_a_deployed_environment_changes_nothing(compare):
    # `pulumi up` ignores the import id of a resource it already manages: no import, no update.
    assert compare(MINIMAL, env_with("adopt_retained: true")).changes == ()


def test_longer_timeouts_update_the_environment_and_never_replace_it(compare):
    diff = compare(MINIMAL, env_with("timeouts: {create: 5h, delete: 150m}"))
    env = one(diff, ENV)
    assert (env.op, env.forced_by, env.destructive) == ("update", (), False)
    assert [(p.path, p.old, p.new, p.replaces) for p in env.changes] == [
        ("pulumi:customTimeouts.create", "3h", "5h", False),
        ("pulumi:customTimeouts.delete", "2h", "2h30m", False),
    ]
    assert [c.name for c in diff.changes] == [env.name]


def test_the_same_timeouts_written_another_way_change_nothing(compare):
    # The engine stores timeouts in seconds: 180m is the 3h default, 120m the 2h one.
    assert compare(MINIMAL, env_with("timeouts: {create: 180m, update: 3h, delete: 120m}")).changes == ()


def test_turning_deletion_protection_on_shows_on_the_stateful_resources(compare):
    diff = compare(MINIMAL, env_with("deletion_protection: true"))
    env = one(diff, ENV)
    assert env.op == "update"
    assert [(p.path, p.old, p.new) for p in env.changes] == [("pulumi:protect", False, True)]
    assert one(diff, "aws:s3/bucket:Bucket").op == "update"
    assert not diff.of("replace")


# --- Hand-built plans: what a reviewer reads for each kind of change, with values written out.

from mwaaform.plan.model import Plan, RecordedResource  # noqa: E402
from mwaaform.plan.replacing import MISSING  # noqa: E402
from mwaaform.review.diff import (  # noqa: E402
    PropertyChange,
    ResourceChange,
    environment_owners,
    physical_name,
)

BUCKET = "aws:s3/bucket:Bucket"


def res(type_: str, name: str, inputs: dict | None = None, *, qualified: str | None = None, **fields) -> RecordedResource:
    urn = f"urn:pulumi:s::p::{qualified or type_}::{name}"
    values = {"custom": True, "outputs": {}, "id": None, "parent": None, "provider": None, **fields}
    return RecordedResource(urn, type_, name, inputs=inputs or {}, **values)


def plan(*resources: RecordedResource) -> Plan:
    return Plan("p", "s", list(resources), {})


def test_shown_values_cut_long_text_and_name_uploaded_files():
    assert PropertyChange("tags", MISSING, {"b": "2", "a": [1, True]}).shown() == ("(none)", '{"a": [1, true], "b": "2"}')
    assert PropertyChange("x", "a" * 150, 5).shown() == ("a" * 99 + "…", "5")
    assert PropertyChange("x", "abcdefghij", "abcdefghijk").shown(10) == ("abcdefghij", "abcdefghi…")
    assert PropertyChange("x", "old", MISSING).shown() == ("old", "(none)")
    upload = {"$asset": {"path": "dags/etl.py", "sha256": "0123456789abcdef0123"}}
    assert PropertyChange("source", MISSING, upload).shown() == ("(none)", "dags/etl.py (sha256 0123456789ab)")
    assert PropertyChange("source", {"$archive": {"uri": "s3://b/plugins.zip"}}, {"$asset": {"text": "x", "sha256": "ffffffffffffffff"}}).shown() == (
        "s3://b/plugins.zip", "text (sha256 ffffffffffff)"
    )
    # A map that merely has an "$asset" key among others is shown as a map.
    assert PropertyChange("x", MISSING, {"$asset": "a", "z": 1}).shown()[1] == '{"$asset": "a", "z": 1}'


def test_a_secret_shows_which_keys_changed_never_a_value():
    def shown(old, new):
        return PropertyChange("options", old, new, secret=True).shown()

    assert shown({"k": "v1", "gone": "x", "same": "s"}, {"k": "v2", "z": "1", "y": "2", "same": "s"}) == (
        "[secret]", "[secret] (added y, z; removed gone; changed k)"
    )
    assert shown(MISSING, {"a": "1"}) == ("(none)", "[secret] (added a)")
    assert shown({"a": "1"}, MISSING) == ("[secret]", "(none)")
    assert shown("hunter2", "hunter3") == ("[secret]", "[secret] (changed)")
    assert shown({"a": "1"}, {"a": "1"}) == ("[secret]", "[secret] (changed)")


def change(**fields) -> ResourceChange:
    return ResourceChange(**{"op": "update", "type": BUCKET, "name": "b", "urn": "u", **fields})


def test_what_a_resource_change_is_called_and_whether_it_loses_data():
    assert [change(op=op, stateful=True).destructive for op in ("create", "update", "replace", "delete")] == [False, False, True, True]
    assert not change(op="delete", stateful=False).destructive
    assert change(physical="new-b", old_physical="old-b").label == "new-b"
    assert change(old_physical="old-b").label == "old-b"
    assert change().label == "b"
    assert change(physical="new-b", old_physical="old-b").title == "old-b → new-b"
    assert change(physical="same-b", old_physical="same-b").title == "same-b"
    assert change(old_physical="old-b").title == "old-b"


def test_an_acknowledgement_names_the_resource_or_one_of_its_environments():
    c = change(name="dags", old_name="dags-old", physical="acme-dags", old_physical="acme-dags-old", environments=("etl-prod", "etl-dev"))
    for name in ("dags", "dags-old", "acme-dags", "acme-dags-old", "etl-prod", "etl-dev"):
        assert c.with_acknowledgement({name}).acknowledged, name
    acknowledged = c.with_acknowledgement({"other", "etl-dev"})
    assert acknowledged.acknowledged and acknowledged.physical == "acme-dags" and acknowledged.environments == ("etl-prod", "etl-dev")
    assert not c.with_acknowledgement({"other"}).acknowledged
    assert not change(name="b").with_acknowledgement({""}).acknowledged


def test_physical_names_prefer_name_then_bucket_then_key_and_inputs_over_outputs():
    assert physical_name(res(BUCKET, "b", {"bucket": "in-bucket", "name": "in-name"})) == "in-name"
    assert physical_name(res(BUCKET, "b", {"key": "k"}, outputs={"bucket": "out-bucket"})) == "out-bucket"
    assert physical_name(res(BUCKET, "b", {"bucket": 3, "key": "dags/"}, outputs={"name": "out-name"})) == "out-name"
    assert physical_name(res(BUCKET, "b", {"key": "dags/"})) == "dags/"
    assert physical_name(res(BUCKET, "b", id="bucket-1234")) == "bucket-1234"
    assert physical_name(res(BUCKET, "b")) == ""


def test_environment_owners_follow_dependencies_and_components_not_custom_children():
    component = res("mwaaform:storage:Storage", "storage", custom=False)
    bucket = res(BUCKET, "dags", parent=component.urn)
    child_of_bucket = res("aws:s3/bucketPolicy:BucketPolicy", "dags-policy", parent=bucket.urn)
    key = res("aws:kms/key:Key", "key")
    role = res("aws:iam/role:Role", "role")
    lonely = res("aws:sns/topic:Topic", "topic")
    env = res(ENV, "env", {"name": "etl-dev"}, dependencies=[component.urn, "urn:gone"], property_dependencies={"kmsKey": [key.urn], "role": [role.urn]})
    unnamed = res(ENV, "other-env", dependencies=[key.urn])
    owners = environment_owners(plan(component, bucket, child_of_bucket, key, role, lonely, env, unnamed))
    assert owners == {
        env.urn: {"etl-dev"}, component.urn: {"etl-dev"}, bucket.urn: {"etl-dev"}, key.urn: {"etl-dev", "other-env"},
        role.urn: {"etl-dev"}, unnamed.urn: {"other-env"},
    }
    assert environment_owners(None) == {}


def test_diff_of_hand_built_plans_updates_replaces_renames_creates_and_deletes():
    provider = "pulumi:providers:aws"
    base = plan(
        res(provider, "aws", {"region": "us-east-1"}),
        res("mwaaform:storage:Storage", "storage", {"x": 1}, custom=False),
        res(ENV, "etl", {"name": "etl", "airflowVersion": "2.9.2", "networkConfiguration": {"subnetIds": ["s-1", "s-2"], "securityGroupIds": ["sg-1"]}},
            protect=True),
        res(BUCKET, "etl-dags", {"bucket": "acme-etl-dags"}, outputs={"tagsAll": {"Owner": "a"}}),
        res("aws:sqs/queue:Queue", "etl-queue", {"name": "q"}),
        res("aws:kms/key:Key", "etl-key", {"description": "k"}),
        res("aws:sns/topic:Topic", "alarms-old", {"name": "alarms"}),
    )
    head = plan(
        res(provider, "aws", {"region": "eu-west-1"}),
        res("mwaaform:storage:Storage", "storage", {"x": 2}, custom=False),
        res(ENV, "etl", {"name": "etl", "airflowVersion": "2.10.3", "networkConfiguration": {"subnetIds": ["s-1", "s-3"], "securityGroupIds": ["sg-2"]}},
            dependencies=["urn:pulumi:s::p::aws:s3/bucket:Bucket::etl-dags2"]),
        res(BUCKET, "etl-dags2", {"bucket": "acme-etl-dags-2"}, outputs={"tagsAll": {"Owner": "b"}}, retain_on_delete=True),
        res("aws:sns/topic:Topic", "alarms-new", {"name": "alarms"}),
        res("aws:sqs/queue:Queue", "etl-queue", {"name": "q"}),
        res("aws:s3/bucketPolicy:BucketPolicy", "etl-dags-policy", {"bucket": "acme-etl-dags-2"}),
    )
    diff = diff_plans("stack", base, head)
    assert (diff.stack, diff.base_exists, diff.head_exists) == ("stack", True, True)
    # In the head plan's order, then what only the base plan had.
    assert [(c.op, c.name) for c in diff.changes] == [
        ("replace", "etl"), ("replace", "etl-dags2"), ("replace", "alarms-new"), ("create", "etl-dags-policy"), ("delete", "etl-key")
    ]
    assert diff.counts() == {"create": 1, "import": 0, "update": 0, "replace": 3, "delete": 1}
    env, bucket, topic, policy, key = diff.changes
    assert env.forced_by == ("networkConfiguration.subnetIds",)
    assert [(p.path, p.old, p.new, p.replaces) for p in env.changes] == [
        ("airflowVersion", "2.9.2", "2.10.3", False),
        ("networkConfiguration.securityGroupIds", ["sg-1"], ["sg-2"], False),
        ("networkConfiguration.subnetIds", ["s-1", "s-2"], ["s-1", "s-3"], True),
        ("pulumi:protect", True, False, False),
    ]
    assert (env.protected, env.stateful, env.kind, env.physical, env.old_physical, env.old_name) == (True, True, "MWAA environment", "etl", "etl", "")
    assert env.environments == ("etl",)
    # A renamed bucket: paired with the one it replaces, forced by its name.
    assert (bucket.old_name, bucket.physical, bucket.old_physical, bucket.title) == ("etl-dags", "acme-etl-dags-2", "acme-etl-dags", "acme-etl-dags → acme-etl-dags-2")
    assert bucket.forced_by == ("bucket",) and bucket.destructive and bucket.environments == ("etl",)
    assert [(p.path, p.old, p.new) for p in bucket.changes] == [
        ("bucket", "acme-etl-dags", "acme-etl-dags-2"), ("pulumi:retainOnDelete", False, True), ("tagsAll.Owner", "a", "b")
    ]
    # Same inputs under another logical name: replaced because its URN changed.
    assert (topic.old_name, topic.forced_by, topic.changes, topic.destructive) == ("alarms-old", ("logical name (URN)",), (), False)
    assert (policy.physical, policy.old_physical, policy.old_name, policy.protected) == ("acme-etl-dags-2", "", "", False)
    assert (key.physical, key.old_physical, key.stateful, key.destructive) == ("", "", True, True)
    assert diff.destructive == [env, bucket, key]
    assert diff.of("delete") == [key]


def test_a_new_resource_with_an_import_id_is_imported_not_created_and_loses_nothing():
    log = "aws:cloudwatch/logGroup:LogGroup"
    base = plan(
        res(log, "airflow-etl-Task", {"name": "airflow-etl-Task"}),
        res(log, "airflow-old-Task", {"name": "airflow-old-Task"}),
        res(ENV, "etl", {"name": "etl"}, custom_timeouts={"create": "3h"}),
    )
    head = plan(
        # Adopted with the import id again (already managed): nothing to do.
        res(log, "airflow-etl-Task", {"name": "airflow-etl-Task"}, import_id="airflow-etl-Task"),
        # New and adopted: an import, and it takes no deleted resource's place however similar its name.
        res(log, "airflow-new-Task", {"name": "airflow-new-Task"}, import_id="airflow-new-Task"),
        res(BUCKET, "etl-dags", {"bucket": "acme-etl-dags"}, import_id="acme-etl-dags"),
        res(BUCKET, "etl-dags-2", {"bucket": "acme-etl-dags-2"}),
        # Only the timeouts differ: an update of the stack's state, not a replacement.
        res(ENV, "etl", {"name": "etl"}, custom_timeouts={"create": "4h", "update": "4h"}),
    )
    diff = diff_plans("stack", base, head)
    assert [(c.op, c.name) for c in diff.changes] == [
        ("import", "airflow-new-Task"), ("import", "etl-dags"), ("create", "etl-dags-2"), ("update", "etl"), ("delete", "airflow-old-Task")
    ]
    assert diff.counts() == {"create": 1, "import": 2, "update": 1, "replace": 0, "delete": 1}
    new_log, bucket, _, env, old_log = diff.changes
    assert (new_log.import_id, new_log.stateful, new_log.destructive, new_log.old_name) == ("airflow-new-Task", True, False, "")
    assert (bucket.import_id, bucket.physical, bucket.destructive) == ("acme-etl-dags", "acme-etl-dags", False)
    assert [(p.path, p.old, p.new, p.replaces) for p in env.changes] == [
        ("pulumi:customTimeouts.create", "3h", "4h", False),
        ("pulumi:customTimeouts.update", MISSING, "4h", False),
    ]
    assert diff.destructive == [old_log]


def test_a_deleted_and_a_created_resource_pair_only_when_same_type_and_similar_names():
    base = plan(res(BUCKET, "logs", {"bucket": "l"}), res(BUCKET, "analytics-dags", {"bucket": "a"}),
                res(BUCKET, "raw", qualified=f"mwaaform:storage:Storage${BUCKET}"))
    head = plan(res("aws:sqs/queue:Queue", "logs2", {"name": "l"}), res(BUCKET, "analytics-dag", {"bucket": "a"}),
                res(BUCKET, "raw2", qualified=f"mwaaform:other:Other${BUCKET}"), res(BUCKET, "zzzz"))
    diff = diff_plans("s", base, head)
    assert sorted((c.op, c.name, c.old_name) for c in diff.changes) == [
        ("create", "logs2", ""), ("create", "zzzz", ""), ("delete", "logs", ""),
        ("replace", "analytics-dag", "analytics-dags"), ("replace", "raw2", "raw"),
    ]


def test_each_deleted_resource_pairs_with_its_closest_new_name_once():
    base = plan(res(BUCKET, "dags-a"), res(BUCKET, "dags-b"))
    head = plan(res(BUCKET, "dags-bb"), res(BUCKET, "dags-aa"))
    diff = diff_plans("s", base, head)
    assert sorted((c.old_name, c.name) for c in diff.changes) == [("dags-a", "dags-aa"), ("dags-b", "dags-bb")]
    # Exactly at the similarity threshold (difflib ratio 2 x 3 / 10 = 0.6) still pairs; 2 x 3 / 12 = 0.5 does not.
    at = diff_plans("s", plan(res(BUCKET, "abcde")), plan(res(BUCKET, "abcxy")))
    assert [(c.op, c.old_name) for c in at.changes] == [("replace", "abcde")]
    below = diff_plans("s", plan(res(BUCKET, "abcdef")), plan(res(BUCKET, "abcxyz")))
    assert sorted(c.op for c in below.changes) == ["create", "delete"]


def test_a_new_stack_and_a_removed_one():
    only = plan(res(BUCKET, "b", {"bucket": "x"}))
    created = diff_plans("s", None, only)
    assert (created.base_exists, created.head_exists, [c.op for c in created.changes]) == (False, True, ["create"])
    removed = diff_plans("s", only, None)
    assert (removed.base_exists, removed.head_exists, [c.op for c in removed.changes]) == (True, False, ["delete"])
    assert removed.changes[0].label == "x"


def test_a_change_that_adds_a_whole_block_names_the_replacing_property_inside_it():
    old = res(ENV, "e", {"name": "e", "networkConfiguration": {}})
    new = res(ENV, "e", {"name": "e", "networkConfiguration": {"subnetIds": ["s-1"]}})
    (env,) = diff_plans("s", plan(old), plan(new)).changes
    assert env.op == "replace" and env.forced_by == ("networkConfiguration.subnetIds",)
    assert [(p.path, p.old, p.new, p.replaces) for p in env.changes] == [
        ("networkConfiguration", {}, MISSING, True), ("networkConfiguration.subnetIds", MISSING, ["s-1"], True)
    ]
    added = diff_plans("s", plan(res(ENV, "e", {"name": "e"})), plan(res(ENV, "e", {"name": "e", "kmsKey": "arn:k"}))).changes[0]
    assert (added.op, added.forced_by) == ("replace", ("kmsKey",))


def test_secret_summaries_list_several_keys_and_survive_a_map_turning_into_text():
    def shown(old, new):
        return PropertyChange("options", old, new, secret=True).shown()[1]

    assert shown({"a": "1", "b": "2", "c": "3", "d": "4"}, {"c": "x", "d": "y"}) == "[secret] (removed a, b; changed c, d)"
    assert shown({"a": "1"}, "now text") == "[secret] (changed)"
    assert shown("was text", {"a": "1"}) == "[secret] (changed)"


def test_a_changed_setting_inside_a_replacing_block_replaces_the_resource():
    # Flow logs: destinationOptions is force-new as a whole (replacement.yaml); a change to one of its fields replaces.
    flow = "aws:ec2/flowLog:FlowLog"
    old = res(flow, "fl", {"destinationOptions": {"fileFormat": "plain-text", "perHourPartition": False}, "maxAggregationInterval": 600})
    new = res(flow, "fl", {"destinationOptions": {"fileFormat": "parquet", "perHourPartition": False}})
    (change,) = diff_plans("s", plan(old), plan(new)).changes
    assert change.op == "replace" and change.forced_by == ("destinationOptions", "maxAggregationInterval")
    # A removed input is shown as gone, not as null.
    assert [(p.path, p.old, p.new, p.replaces) for p in change.changes] == [
        ("destinationOptions.fileFormat", "plain-text", "parquet", True), ("maxAggregationInterval", 600, MISSING, True)
    ]
    assert change.changes[1].shown() == ("600", "(none)")


def test_secrets_are_compared_whole_and_later_properties_still_show():
    old = res(ENV, "e", {"name": "e", "airflowConfigurationOptions": {"a": "1"}, "kmsKey": "arn:old", "webserverAccessMode": "PRIVATE_ONLY"},
              secret_inputs=["airflowConfigurationOptions", "kmsKey"])
    new = res(ENV, "e", {"name": "e", "airflowConfigurationOptions": {"a": "2"}, "kmsKey": "arn:new", "webserverAccessMode": "PUBLIC_ONLY"},
              secret_inputs=["airflowConfigurationOptions", "kmsKey"])
    (change,) = diff_plans("s", plan(old), plan(new)).changes
    assert [(p.path, p.secret, p.replaces) for p in change.changes] == [
        ("airflowConfigurationOptions", True, False), ("kmsKey", True, True), ("webserverAccessMode", False, False)
    ]
    assert change.forced_by == ("kmsKey",) and change.what.startswith("MWAA environment and its metadata database")


def test_a_resource_moved_between_nested_components_is_still_paired_by_its_type():
    nested = f"mwaaform:env:Env$mwaaform:storage:Storage${BUCKET}"
    diff = diff_plans("s", plan(res(BUCKET, "etl-dags", {"bucket": "a"}, qualified=nested)), plan(res(BUCKET, "etl-dags2", {"bucket": "a"})))
    assert [(c.op, c.old_name, c.what) for c in diff.changes] == [
        ("replace", "etl-dags", "S3 bucket (the DAGs, requirements, plugins and their version history)")
    ]
    back = diff_plans("s", plan(res(BUCKET, "etl-dags2", {"bucket": "a"})), plan(res(BUCKET, "etl-dags", {"bucket": "a"}, qualified=nested)))
    assert [(c.op, c.old_name) for c in back.changes] == [("replace", "etl-dags2")]


def test_one_deleted_resource_takes_the_place_of_one_new_resource_only():
    diff = diff_plans("s", plan(res(BUCKET, "dags")), plan(res(BUCKET, "dags1"), res(BUCKET, "dags2")))
    assert [(c.op, c.name, c.old_name) for c in diff.changes] == [("replace", "dags1", "dags"), ("create", "dags2", "")]


def test_a_component_without_children_ends_the_owner_walk():
    empty = res("mwaaform:alarms:Alarms", "alarms", custom=False)
    env = res(ENV, "env", {"name": "etl"}, dependencies=[empty.urn])
    assert environment_owners(plan(empty, env)) == {empty.urn: {"etl"}, env.urn: {"etl"}}
