"""Compiled grants: the actions of the requested access level, on exactly the ARNs asked for."""

from __future__ import annotations

import json

import pytest

from mwaaform.iam.grants import MAX_GRANT_DOCUMENTS, MAX_POLICY_CHARS, GrantsTooLarge, compile_grants, policy_size
from mwaaform.spec.access import Access

ACCOUNT = "111122223333"
REGION = "us-east-1"


def compiled(spec: dict, env: str = "analytics-dev") -> list[dict]:
    return compile_grants(Access.model_validate(spec), env=env, account_id=ACCOUNT, region=REGION)


def statements(docs: list[dict]) -> list[dict]:
    return [s for doc in docs for s in doc["Statement"]]


def by_sid(docs: list[dict]) -> dict[str, dict]:
    return {s["Sid"]: s for s in statements(docs)}


def test_empty_access_grants_nothing():
    assert compiled({}) == []


def test_data_read_and_list_split_by_resource_type():
    # Access levels and resource types per the S3 Service Authorization Reference:
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
    docs = compiled({"data": [{"name": "raw", "read": ["arn:aws:s3:::raw/landing/*"], "list": ["arn:aws:s3:::raw"]}]})
    assert [d["Version"] for d in docs] == ["2012-10-17"]
    sids = by_sid(docs)
    assert list(sids) == ["DataRawReadS3Object", "DataRawListS3Bucket"]
    read, listing = sids["DataRawReadS3Object"], sids["DataRawListS3Bucket"]
    assert read["Effect"] == "Allow" and read["Resource"] == ["arn:aws:s3:::raw/landing/*"]
    assert "s3:GetObject" in read["Action"] and "s3:GetObjectVersion" in read["Action"]
    assert not any(a.startswith(("s3:Put", "s3:Delete", "s3:List")) for a in read["Action"])  # read is read
    assert listing["Resource"] == ["arn:aws:s3:::raw"] and "s3:ListBucket" in listing["Action"]
    assert all(s["Action"] == sorted(s["Action"]) for s in statements(docs))


def test_write_grants_write_actions_only():
    sids = by_sid(compiled({"data": [{"name": "out", "write": ["arn:aws:s3:::curated/out/*"]}]}))
    write = sids["DataOutWriteS3Object"]
    assert {"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"} <= set(write["Action"])
    assert "s3:GetObject" not in write["Action"]
    # Permissions management is never implied by write: no policy or ACL changes.
    assert not any("Policy" in a or "Acl" in a for a in write["Action"])


def test_one_grant_over_several_services():
    sids = by_sid(
        compiled(
            {
                "data": [
                    {
                        "name": "jobs",
                        "write": [f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"],
                        "read": [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/state"],
                    }
                ]
            }
        )
    )
    assert list(sids) == ["DataJobsReadDynamodbTable", "DataJobsWriteSnsTopic", "DataJobsWriteSqsQueue"]
    assert "sqs:SendMessage" in sids["DataJobsWriteSqsQueue"]["Action"]
    assert sids["DataJobsWriteSqsQueue"]["Resource"] == [f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"]
    assert "sns:Publish" in sids["DataJobsWriteSnsTopic"]["Action"]
    assert {"dynamodb:GetItem", "dynamodb:Query"} <= set(sids["DataJobsReadDynamodbTable"]["Action"])


def test_dependent_actions_are_not_granted_on_every_resource():
    # policy_sentry would add iam:PassRole (a dependent action of lambda:CreateFunction) on "*":
    # that lets the DAGs pass any role, so it is dropped.
    docs = compiled({"data": [{"name": "fn", "write": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:etl"]}]})
    everything = statements(docs)
    assert all(s["Resource"] != ["*"] for s in everything)
    assert not any(a.startswith("iam:") for s in everything for a in s["Action"])
    assert [s["Sid"] for s in everything] == ["DataFnWriteLambdaFunction"]


def test_secrets_backend_reads_only_its_prefixes():
    # https://docs.aws.amazon.com/mwaa/latest/userguide/connections-secrets-manager.html
    (statement,) = statements(compiled({"secrets": {"config_prefix": "airflow/config"}}))
    assert statement == {
        "Sid": "SecretsBackend",
        "Effect": "Allow",
        "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        "Resource": [
            f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:airflow/config/*",
            f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:airflow/connections/*",
            f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:airflow/variables/*",
        ],
    }


def test_assume_roles_exactly_those_roles():
    roles = ["arn:aws:iam::444455556666:role/b", "arn:aws:iam::444455556666:role/a"]
    (statement,) = statements(compiled({"assume_roles": roles}))
    assert statement == {"Sid": "AssumeRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": sorted(roles)}


def test_raw_statements_keep_their_sid_and_canonical_action_names():
    docs = compiled(
        {
            "statements": [
                {"sid": "athena", "actions": ["athena:startqueryexecution", "athena:GetQueryExecution"], "resources": [f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary"]},
                {"sid": "Metrics", "actions": ["cloudwatch:PutMetricData"], "resources": ["*"]},
            ]
        }
    )
    assert statements(docs) == [
        {
            "Sid": "RawAthena",
            "Effect": "Allow",
            "Action": ["athena:GetQueryExecution", "athena:StartQueryExecution"],
            "Resource": [f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary"],
        },
        {"Sid": "RawMetrics", "Effect": "Allow", "Action": ["cloudwatch:PutMetricData"], "Resource": ["*"]},
    ]


def test_order_is_the_specs_and_output_is_deterministic():
    spec = {
        "statements": [{"sid": "z", "actions": ["cloudwatch:PutMetricData"], "resources": ["*"]}],
        "assume_roles": ["arn:aws:iam::444455556666:role/a"],
        "secrets": {},
        "data": [
            {"name": "b", "read": ["arn:aws:s3:::b/*", "arn:aws:s3:::a/*"]},
            {"name": "a", "read": ["arn:aws:s3:::c/*"]},
        ],
    }
    first = compiled(spec)
    assert [s["Sid"] for s in statements(first)] == ["DataBReadS3Object", "DataAReadS3Object", "SecretsBackend", "AssumeRoles", "RawZ"]
    assert by_sid(first)["DataBReadS3Object"]["Resource"] == ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]
    assert json.dumps(first) == json.dumps(compiled(spec))


def test_policy_size_does_not_count_white_space():
    # "IAM does not count white space when calculating the size of a policy against this limit."
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    doc = {"Version": "2012-10-17", "Statement": []}
    assert policy_size(doc) == len('{"Version":"2012-10-17","Statement":[]}')


def many_grants(count: int, arns_per_grant: int) -> dict:
    return {
        "data": [
            {"name": f"g{i}", "read": [f"arn:aws:s3:::bucket-number-{i}/some/long/prefix/path/{j}/*" for j in range(arns_per_grant)]}
            for i in range(count)
        ]
    }


def test_grants_are_split_into_documents_under_the_size_limit():
    docs = compiled(many_grants(20, 10))
    assert 1 < len(docs) <= MAX_GRANT_DOCUMENTS
    assert all(policy_size(d) <= MAX_POLICY_CHARS for d in docs)
    assert [s["Sid"] for s in statements(docs)] == [f"DataG{i}ReadS3Object" for i in range(20)]
    for doc in docs:  # Sids are unique within each policy
        sids = [s["Sid"] for s in doc["Statement"]]
        assert len(sids) == len(set(sids))


def test_a_statement_too_big_for_one_document_is_split_by_resources():
    docs = compiled(many_grants(1, 120))
    pieces = statements(docs)
    assert len(pieces) > 1 and all(policy_size(d) <= MAX_POLICY_CHARS for d in docs)
    assert [p["Sid"] for p in pieces] == [f"DataG0ReadS3Object{n}" for n in range(1, len(pieces) + 1)]
    assert sorted(r for p in pieces for r in p["Resource"]) == sorted(many_grants(1, 120)["data"][0]["read"])
    assert all(p["Action"] == pieces[0]["Action"] for p in pieces)


def test_more_than_nine_documents_is_an_error_naming_the_environment():
    # A role has at most 10 managed policies by default; one is the base execution-role policy.
    key = "x" * 90
    spec = {
        "statements": [
            {"sid": f"s{i}", "actions": ["s3:GetObject"], "resources": [f"arn:aws:s3:::bucket-{i}/{key}/{j}" for j in range(5)]}
            for i in range(100)
        ]
    }
    with pytest.raises(GrantsTooLarge, match=r"environment 'big-dev': the access grants need 1\d managed policies") as error:
        compiled(spec, env="big-dev")
    assert isinstance(error.value, ValueError)
    spec["statements"] = spec["statements"][:80]
    assert len(compiled(spec)) == MAX_GRANT_DOCUMENTS  # nine documents are still allowed


def test_excluded_actions_are_left_out_of_their_level():
    grant = {"name": "lake", "write": ["arn:aws:s3:::lake/raw/*"], "exclude": ["s3:ReplicateObject", "s3:putobjectlegalhold"]}
    actions = by_sid(compiled({"data": [grant]}))["DataLakeWriteS3Object"]["Action"]
    assert "s3:PutObject" in actions
    assert "s3:ReplicateObject" not in actions and "s3:PutObjectLegalHold" not in actions
    full = by_sid(compiled({"data": [{**grant, "exclude": []}]}))["DataLakeWriteS3Object"]["Action"]
    assert set(full) - set(actions) == {"s3:ReplicateObject", "s3:PutObjectLegalHold"}


def test_excluding_every_action_of_a_level_drops_its_statement():
    grant = {"name": "state", "tagging": ["arn:aws:sqs:us-east-1:111122223333:jobs"], "list": ["arn:aws:s3:::lake"]}
    tagging = by_sid(compiled({"data": [grant]}))["DataStateTaggingSqsQueue"]["Action"]
    sids = by_sid(compiled({"data": [{**grant, "exclude": tagging}]}))
    assert "DataStateTaggingSqsQueue" not in sids and "DataStateListS3Bucket" in sids
