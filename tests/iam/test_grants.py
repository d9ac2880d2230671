"""Compiled grants: the actions of the requested access level, on exactly the ARNs asked for."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mwaaform.iam.grants import (
    MAX_GRANT_DOCUMENTS,
    MAX_POLICY_CHARS,
    GrantsTooLarge,
    _described,
    _types_with_level,
    action_problem,
    arn_matches,
    arn_problem,
    compile_grants,
    data_arn_problem,
    pack,
    policy_size,
)
from mwaaform.spec.access import Access, DataGrant, RawStatement

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


def test_order_is_the_specs():
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
    # The same output in every process whatever its hash seed: tests/test_determinism.py.


def test_policy_size_does_not_count_white_space():
    # "IAM does not count white space when calculating the size of a policy against this limit."
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    doc = {"Version": "2012-10-17", "Statement": [{"Sid": "A", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data platform ops"}}}]}
    counted = '{"Version":"2012-10-17","Statement":[{"Sid":"A","Condition":{"StringEquals":{"aws:PrincipalTag/team":"dataplatformops"}}}]}'
    assert policy_size(doc) == len(counted)


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


# --- IAM's size limit, to the character -------------------------------------------------------
# Managed policy size: 6,144 characters, white space not counted
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Sizes here are
# measured by the test itself, on the documents as IAM would receive them (pretty-printed).


def iam_size(document: dict) -> int:
    return sum(1 for char in json.dumps(document, indent=4) if not char.isspace())


def statement(sid: str, resource_chars: int, *, resources: int = 1, actions: int = 1) -> dict:
    """An Allow statement with ``resources`` ARNs of ``resource_chars`` characters each."""
    arns = [f"arn:aws:s3:::b/{i:04d}/" + "x" * (resource_chars - len("arn:aws:s3:::b/0000/")) for i in range(resources)]
    names = ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"]
    return {"Sid": sid, "Effect": "Allow", "Action": names[:actions], "Resource": arns}


def sized(sid: str, document_chars: int, **shape) -> dict:
    """A statement whose document alone is exactly ``document_chars`` characters."""
    probe = statement(sid, 40, **shape)
    per_arn = len(probe["Resource"])
    spare = document_chars - iam_size({"Version": "2012-10-17", "Statement": [probe]})
    result = statement(sid, 40 + spare // per_arn, **shape)
    result["Resource"][0] += "y" * (spare % per_arn)
    assert iam_size({"Version": "2012-10-17", "Statement": [result]}) == document_chars
    return result


def test_a_statement_of_exactly_the_limit_stays_whole_and_one_more_character_splits_it():
    exact = sized("Exact", 6144, resources=2)
    assert pack([exact], env="e") == [{"Version": "2012-10-17", "Statement": [exact]}]
    over = sized("Over", 6145, resources=2)
    docs = pack([over], env="e")
    assert [s["Sid"] for d in docs for s in d["Statement"]] == ["Over1", "Over2"]
    assert [s["Resource"] for d in docs for s in d["Statement"]] == [[r] for r in over["Resource"]]
    assert all(iam_size(d) <= 6144 for d in docs)


def test_two_statements_filling_exactly_one_document_share_it_and_one_character_more_does_not():
    first = sized("First", 3000)
    # Together: 3,000 + the second statement + the comma between them.
    alone = iam_size({"Version": "2012-10-17", "Statement": []})
    second_exact = sized("Second", 6144 - 3000 - 1 + alone)
    docs = pack([first, second_exact], env="e")
    assert len(docs) == 1 and iam_size(docs[0]) == 6144
    second_over = sized("Second", 6144 - 3000 + alone)
    docs = pack([first, second_over], env="e")
    assert [[s["Sid"] for s in d["Statement"]] for d in docs] == [["First"], ["Second"]]


def test_a_statement_with_one_resource_and_too_many_characters_is_split_by_actions():
    big = sized("Wide", 6144 + 1, actions=1)
    big = {**big, "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging"]}
    big["Resource"] = [big["Resource"][0][: 6144 - 120]]
    assert iam_size({"Version": "2012-10-17", "Statement": [big]}) > 6144
    pieces = [s for d in pack([big], env="e") for s in d["Statement"]]
    assert len(pieces) > 1 and all(p["Resource"] == big["Resource"] for p in pieces)
    assert sorted(a for p in pieces for a in p["Action"]) == sorted(big["Action"])
    assert all(iam_size({"Version": "2012-10-17", "Statement": [p]}) <= 6144 for p in pieces)


def test_a_single_action_on_a_single_resource_over_the_limit_is_an_error_naming_the_statement():
    huge = sized("Huge", 6145)
    with pytest.raises(GrantsTooLarge, match=r"statement Huge has a single action and resource over 6,144 characters"):
        pack([huge], env="e")


def test_nine_documents_are_allowed_and_ten_are_not():
    # A role has at most 10 managed policies by default; one is the base execution-role policy.
    full = [sized(f"S{i}", 6144) for i in range(10)]
    assert len(pack(full[:9], env="e")) == 9
    with pytest.raises(GrantsTooLarge) as error:
        pack(full, env="e")
    assert str(error.value) == (
        "environment 'e': the access grants need 10 managed policies of at most 6,144 characters, but a role can have 9 "
        "besides its base policy (IAM quota: 10 managed policies per role); use fewer, wider ARNs (a prefix/* instead of "
        "many objects) or fewer access levels"
    )


statements_strategy = st.lists(
    st.builds(
        lambda sid, chars, resources, actions: statement(f"S{sid}", chars, resources=resources, actions=actions),
        st.integers(0, 10**6),
        st.integers(30, 1400),  # at most 4 x 1,400: every statement fits a document on its own
        st.integers(1, 4),
        st.integers(1, 6),
    ),
    min_size=1,
    max_size=8,  # and eight of them fit the nine documents
    unique_by=lambda s: s["Sid"],
)


@given(statements_strategy)
def test_packed_documents_fit_hold_every_statement_in_order_and_are_filled_greedily(statements_in):
    docs = pack(statements_in, env="e")
    assert all(d["Version"] == "2012-10-17" and iam_size(d) <= 6144 for d in docs)
    assert [s for d in docs for s in d["Statement"]] == statements_in  # nothing split, lost or reordered
    # Greedy: a new document starts only when the next statement does not fit the last one.
    for doc, following in zip(docs, docs[1:], strict=False):
        assert iam_size({**doc, "Statement": [*doc["Statement"], following["Statement"][0]]}) > 6144


# --- access levels: an ARN must be a resource that actions of the level take -------------------
# Service Authorization Reference: SQS's only List action (ListQueues) takes no queue, S3 buckets
# (ListBucket) and objects (ListMultipartUploadParts) have List actions, and bucket ARNs have no
# region or account. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html


@pytest.mark.parametrize(
    ("level", "arn", "problem"),
    [
        ("list", f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", "sqs has no List actions on specific resources"),
        ("write", f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", None),
        ("tagging", f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", None),
        ("list", "arn:aws:s3:::raw", None),
        ("list", f"arn:aws:s3:{REGION}:{ACCOUNT}:raw", "is not a s3 resource with List actions"),
        ("read", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/state", None),
        ("read", f"arn:aws:nosuchservice:{REGION}:{ACCOUNT}:thing", "unknown service 'nosuchservice'"),
    ],
)
def test_data_grants_take_only_arns_with_actions_of_their_level(level, arn, problem):
    spec = {"data": [{"name": "g", level: [arn]}]}
    if problem is None:
        assert compiled(spec)  # and it compiles
    else:
        with pytest.raises(ValueError, match=problem):
            Access.model_validate(spec)


def test_three_statements_filling_exactly_one_document_share_it():
    alone = iam_size({"Version": "2012-10-17", "Statement": []})
    parts = [sized("A", 2000), sized("B", 2000)]
    # A third statement that, with two commas, fills the document to the character.
    parts.append(sized("C", 6144 - (2000 - alone) - (2000 - alone) - 2))
    docs = pack(parts, env="e")
    assert len(docs) == 1 and iam_size(docs[0]) == 6144


def test_pieces_of_exactly_the_limit_are_kept_whole():
    # Two resources: the first alone makes a 6,144-character document, so the statement is split
    # into one piece per resource, and the first piece keeps all three actions.
    big = sized("Edge", 6144, actions=3)
    small = "arn:aws:s3:::b/small"
    statement_in = {**big, "Resource": [*big["Resource"], small]}
    pieces = [s for d in pack([statement_in], env="e") for s in d["Statement"]]
    assert [(p["Sid"], p["Resource"], len(p["Action"])) for p in pieces] == [
        ("Edge1", big["Resource"], 3),
        ("Edge2", [small], 3),
    ]


def test_resources_are_split_where_a_piece_reaches_exactly_the_limit():
    # Three resources; the first two together make exactly 6,144 characters.
    pair = sized("Pair", 6144, resources=2)
    third = "arn:aws:s3:::b/third"
    pieces = [s for d in pack([{**pair, "Resource": [*pair["Resource"], third]}], env="e") for s in d["Statement"]]
    assert [p["Resource"] for p in pieces] == [pair["Resource"], [third]]


S3_OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
IAM_ROLE = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
LAMBDA_ALIAS = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}"


@pytest.mark.parametrize(
    ("arn", "arn_format", "matches"),
    [
        ("arn:aws:s3:::raw/landing/*", S3_OBJECT, True),
        ("not an arn", S3_OBJECT, False),
        ("arn:aws:s3:::raw/landing/*", "*", False),  # "*" is no resource type
        ("arn:aws:s3:::raw/landing/*", "arn:aws:s3", False),  # not a full ARN format
        (f"arn:aws:iam::{ACCOUNT}:role/loader", IAM_ROLE, True),
        (f"arn:aws:iam:us-east-1:{ACCOUNT}:role/loader", IAM_ROLE, False),  # roles have no region
        (f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:etl", LAMBDA_ALIAS, False),  # a function, not an alias
        (f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:etl*", LAMBDA_ALIAS, True),  # a pattern may cover aliases
        (f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:et?", LAMBDA_ALIAS, True),
    ],
)
def test_arn_matches_the_resource_types_format(arn, arn_format, matches):
    assert arn_matches(arn, arn_format) is matches


def test_problem_messages():
    assert action_problem("*") == "'*' grants every action of every AWS service; list the actions the DAGs need"
    assert action_problem("s3:*") == (
        "'s3:*' grants every current and future s3 action; list the actions the DAGs need (or use a data grant with an access level)"
    )
    assert action_problem("s3:Get:*").startswith("'s3:Get:*' grants every current and future s3 action;")
    assert action_problem("s3:Get?bject") == (
        "wildcards are not allowed in actions: 's3:Get?bject' also grants every action AWS adds later under that pattern; "
        "list the actions the DAGs need"
    )
    assert arn_problem(f"arn:aws:zzzzqqq:{REGION}:{ACCOUNT}:x") == f"unknown service 'zzzzqqq' in ARN 'arn:aws:zzzzqqq:{REGION}:{ACCOUNT}:x'"
    sqs = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
    assert data_arn_problem(sqs, "List") == f"sqs has no List actions on specific resources, so '{sqs}' cannot have list access"


def test_a_long_list_of_expected_resource_types_is_cut_after_six():
    problem = data_arn_problem(f"arn:aws:s3:{REGION}:{ACCOUNT}:raw", "List")
    listed = problem.split("expected one of: ")[1]
    types = _types_with_level("s3", "List")  # from the IAM database
    assert len(types) > 6
    assert listed.endswith(f" and {len(types) - 6} more") and listed.count(" (arn:") == 6
    assert listed.startswith(", ".join(f"{name} ({arn_format})" for name, arn_format in types[:6]))


def test_expected_resource_types_are_listed_up_to_six():
    types = [(f"t{i}", f"arn:f{i}") for i in range(7)]
    assert _described(types[:1]) == "t0 (arn:f0)"
    assert _described(types[:6]) == ", ".join(f"t{i} (arn:f{i})" for i in range(6))
    assert _described(types) == ", ".join(f"t{i} (arn:f{i})" for i in range(6)) + " and 1 more"


def test_statement_ids_name_the_resource_type_in_pascal_case():
    # CloudWatch Logs' resource type is "log-group".
    sids = by_sid(compiled({"data": [{"name": "logs", "read": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:etl"]}]}))
    assert "DataLogsReadLogsLogGroup" in sids


def test_an_arn_the_checks_let_through_but_nothing_compiles_for_is_an_error_not_a_silent_drop():
    # Bypassing validation: list on an SQS queue has no List action to compile.
    sqs = [f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", f"arn:aws:sqs:{REGION}:{ACCOUNT}:more"]
    grant = DataGrant.model_construct(name="q", read=[], write=[], list=sqs, tagging=[], exclude=[])
    with pytest.raises(ValueError, match=rf"^data grant 'q': no List actions compiled for {sqs[0]}, {sqs[1]}$"):
        compile_grants(Access.model_construct(data=[grant], secrets=None, assume_roles=[], statements=[]), env="e", account_id=ACCOUNT, region=REGION)


def test_statement_ids_that_repeat_are_refused_even_without_validation():
    x, y = (RawStatement.model_construct(sid=sid, actions=["cloudwatch:PutMetricData"], resources=["*"]) for sid in "xy")
    access = Access.model_construct(data=[], secrets=None, assume_roles=[], statements=[x, y, x, y])
    with pytest.raises(ValueError, match=r"^environment 'e': grants compile to the same statement id RawX, RawY: rename a data grant$"):
        compile_grants(access, env="e", account_id=ACCOUNT, region=REGION)
