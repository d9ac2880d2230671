"""Proof: every IAM document the example stacks compile to passes an independent linter.

parliament (not mwaaform's own checks) reads each policy of the offline plans: base execution
policies, grants, trust policies, flow-log roles, the key policies of the keys mwaaform creates
and the statements the owner of a brought key must add. Its only accepted findings are the
commented allowlist in mwaaform/iam/lint.py, which covers what AWS writes in its own documented
policy. Trust and key policies are resource policies: linted in trust mode (their Resource, if
any, is the role or key itself, so parliament's RESOURCE_STAR is dropped for them).
"""

from __future__ import annotations

import json

import pytest

from mwaaform.iam.lint import lint
from mwaaform.spec.loader import load
from tests.conftest import ROOT, plan_example

DOCUMENT_INPUTS = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:kms/key:Key": "policy",
}
# Documents that are resource policies (a Principal, and Resource "*" meaning the role or key).
RESOURCE_POLICIES = (":Role:", ":Key:")


def compiled_documents() -> dict[str, dict]:
    result = load([ROOT / "environments"])
    assert result.ok
    documents = {}
    for stack in result.stacks:
        plan = plan_example(stack)
        for resource in plan.resources:
            key = DOCUMENT_INPUTS.get(resource.type)
            if key:
                documents[f"{stack.name}:{resource.type.rsplit(':', 1)[-1]}:{resource.name}"] = json.loads(resource.inputs[key])
        documents.update(_owner_documents(stack.name, plan.outputs))
    return documents


def _owner_documents(stack: str, outputs: dict) -> dict[str, dict]:
    """What the owners of brought keys and roles must add (the plan prints them): linted too.
    Key policies are resource policies: linted like trust policies (Resource "*" is the key)."""
    found = {}
    for env, exported in outputs.items():
        requirements = exported.get("owner_requirements") if isinstance(exported, dict) else None
        if not requirements:
            continue
        if "key" in requirements:
            found[f"{stack}:owner:{env}:key-policy"] = requirements["key"]["key_policy_statements"]
        if "execution_role" in requirements:
            role = requirements["execution_role"]
            found[f"{stack}:owner:{env}:trust-policy"] = role["trust_policy"]
            for index, policy in enumerate(role["policies"]):
                found[f"{stack}:owner:{env}:policy-{index}"] = policy
    return found


DOCUMENTS = compiled_documents()


def test_every_kind_of_document_is_covered():
    names = list(DOCUMENTS)
    assert any(n.endswith(":key-policy") for n in names)  # the partner stack brings its key
    assert any(":Key:" in n for n in names)  # the keys mwaaform creates (environments, flow logs)
    assert any(n.endswith("-base") for n in names) and any(n.endswith("-grants") or "-grants-" in n for n in names)
    assert any(":Role:" in n for n in names) and any(":RolePolicy:" in n for n in names)


def test_the_grants_cover_every_kind_of_grant():
    sids = {s["Sid"] for n, d in DOCUMENTS.items() if n.endswith("-grants") or "-grants-" in n for s in d["Statement"]}
    assert {"SecretsBackend", "AssumeRoles"} <= sids
    assert any(s.startswith("Data") for s in sids) and any(s.startswith("Raw") for s in sids)


def test_trust_mode_still_finds_problems():
    (trust,) = [d for n, d in DOCUMENTS.items() if n.endswith(":Role:ingest-prod-role")]
    broken = {"Version": "2012-10-17", "Statement": [{**trust["Statement"][0], "Action": "sts:AssumeRol"}]}
    assert [f.issue for f in lint(broken, trust=True)] == ["UNKNOWN_ACTION"]
    no_principal = {"Version": "2012-10-17", "Statement": [{k: v for k, v in trust["Statement"][0].items() if k != "Principal"}]}
    assert [f.issue for f in lint(no_principal, trust=True)] == ["MALFORMED"]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_lints_clean(name):
    resource_policy = any(kind in name for kind in RESOURCE_POLICIES) or name.endswith((":key-policy", ":trust-policy"))
    findings = lint(DOCUMENTS[name], trust=resource_policy)
    assert findings == [], "\n".join(map(str, findings))
