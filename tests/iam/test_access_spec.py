"""The access section: every bad action or ARN is reported at its own YAML line, with its field path."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from mwaaform.spec.access import Access
from mwaaform.spec.loader import load_file
from tests.conftest import MINIMAL

ACCOUNT = "111122223333"
BUCKET = "arn:aws:s3:::analytics-raw"

RICH = f"""\
    access:
      data:
        - name: raw
          read: ["{BUCKET}/landing/*"]
          list: ["{BUCKET}"]
        - name: curated
          write:
            - arn:aws:s3:::analytics-curated/out/*
            - arn:aws:sqs:us-east-1:{ACCOUNT}:jobs
          read: ["arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/state"]
      secrets:
        config_prefix: airflow/config
      assume_roles: ["arn:aws:iam::444455556666:role/warehouse-loader"]
      statements:
        - sid: athena
          actions: [athena:StartQueryExecution, athena:GetQueryExecution]
          resources: ["arn:aws:athena:us-east-1:{ACCOUNT}:workgroup/primary"]
        - sid: metrics
          actions: [cloudwatch:PutMetricData]
          resources: ["*"]
"""


def with_access(section: str) -> str:
    return MINIMAL + textwrap.indent(textwrap.dedent(section), "    ")


def line_of(path, marker: str) -> int:
    lines = path.read_text().splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if marker in line]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


def errors(path) -> list[str]:
    stack, diagnostics = load_file(path)
    assert stack is None, "the spec should be rejected"
    return [str(d) for d in diagnostics]


def test_rich_access_section_is_valid(write_spec):
    stack, diagnostics = load_file(write_spec(MINIMAL + RICH))
    assert stack is not None, [str(d) for d in diagnostics]
    access = stack.spec.environments[0].access
    assert [g.name for g in access.data] == ["raw", "curated"]
    assert access.secrets is not None and access.secrets.connections_prefix == "airflow/connections"


BAD = [
    pytest.param(
        """
        access:
          statements:
            - sid: s3
              actions: [s3:GetObject, s3:GetObjekt]
              resources: ["arn:aws:s3:::b/*"]
        """,
        "s3:GetObjekt",
        "environments[0].access.statements[0].actions[1]",
        "'s3:GetObjekt' is not an action of s3 (did you mean 's3:GetObject'?)",
        id="unknown-action",
    ),
    pytest.param(
        """
        access:
          statements:
            - sid: q
              actions: [sqss:SendMessage]
              resources: ["*"]
        """,
        "sqss:SendMessage",
        "environments[0].access.statements[0].actions[0]",
        "unknown service prefix 'sqss'",
        id="unknown-service",
    ),
    pytest.param(
        """
        access:
          data:
            - name: raw
              read:
                - arn:aws:s3:::ok/*
                - arn:aws:s3:raw-bucket
        """,
        "arn:aws:s3:raw-bucket",
        "environments[0].access.data[0].read[1]",
        "'arn:aws:s3:raw-bucket' is not a well-formed ARN: expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE",
        id="malformed-arn",
    ),
    pytest.param(
        """
        access:
          assume_roles: ["arn:aws:iam:111122223333:role/r"]
        """,
        "role/r",
        "environments[0].access.assume_roles[0]",
        "not a well-formed ARN",
        id="malformed-role-arn",
    ),
    pytest.param(
        """
        access:
          statements:
            - sid: s3
              actions: [s3:GetObject]
              resources:
                - arn:aws:s3:::b/*
                - arn:aws:sqs:us-east-1:111122223333:jobs
        """,
        "arn:aws:sqs:",
        "environments[0].access.statements[0].resources[1]",
        "'arn:aws:sqs:us-east-1:111122223333:jobs' is not a resource of s3:GetObject; expected one of:",
        id="wrong-service-for-arn",
    ),
    pytest.param(
        """
        access:
          data:
            - name: raw
              read: ["arn:aws:dynamdb:us-east-1:111122223333:table/t"]
        """,
        "arn:aws:dynamdb",
        "environments[0].access.data[0].read[0]",
        "unknown service 'dynamdb' in ARN 'arn:aws:dynamdb:us-east-1:111122223333:table/t' (did you mean 'dynamodb'?)",
        id="unknown-service-in-arn",
    ),
    pytest.param(
        """
        access:
          data:
            - name: raw
              list: ["arn:aws:s3:us-east-1:111122223333:raw"]
        """,
        "arn:aws:s3:us-east-1",
        "environments[0].access.data[0].list[0]",
        "is not a s3 resource with List actions; expected one of: ",
        id="bucket-arn-with-region",
    ),
    pytest.param(
        """
        access:
          statements:
            - sid: all
              actions: ["*"]
              resources: ["*"]
        """,
        'actions: ["*"]',
        "environments[0].access.statements[0].actions[0]",
        "'*' grants every action of every AWS service",
        id="star-action",
    ),
    pytest.param(
        """
        access:
          statements:
            - sid: s3
              actions: ["s3:*"]
              resources: ["arn:aws:s3:::b/*"]
        """,
        "s3:*",
        "environments[0].access.statements[0].actions[0]",
        "'s3:*' grants every current and future s3 action",
        id="service-star-action",
    ),
    pytest.param(
        """
        access:
          statements:
            - sid: s3
              actions: ["s3:Get*"]
              resources: ["arn:aws:s3:::b/*"]
        """,
        "s3:Get*",
        "environments[0].access.statements[0].actions[0]",
        "wildcards are not allowed in actions: 's3:Get*' also grants every action AWS adds later",
        id="partial-wildcard-action",
    ),
    pytest.param(
        """
        access:
          statements:
            - sid: s3
              actions: [s3:GetObject]
              resources: ["*"]
        """,
        'resources: ["*"]',
        "environments[0].access.statements[0].resources[0]",
        "Resource '*' is not allowed for s3:GetObject: it supports resource-level permissions; list ARNs of: ",
        id="star-resource-on-resource-level-action",
    ),
    pytest.param(
        """
        access:
          statements:
            - sid: metrics
              actions: [cloudwatch:PutMetricData]
              resources: ["arn:aws:cloudwatch:us-east-1:111122223333:alarm:x"]
        """,
        "alarm:x",
        "environments[0].access.statements[0].resources[0]",
        "cloudwatch:PutMetricData supports only Resource '*'",
        id="arn-on-star-only-action",
    ),
    pytest.param(
        """
        access:
          assume_roles: ["arn:aws:iam::444455556666:role/dag-*"]
        """,
        "dag-*",
        "environments[0].access.assume_roles[0]",
        "has a wildcard: list each role",
        id="wildcard-role",
    ),
    pytest.param(
        """
        access:
          assume_roles: ["arn:aws:iam::444455556666:user/alice"]
        """,
        "user/alice",
        "environments[0].access.assume_roles[0]",
        "is not an IAM role ARN",
        id="user-instead-of-role",
    ),
    pytest.param(
        """
        access:
          data:
            - name: empty
        """,
        "name: empty",
        "environments[0].access.data[0]",
        "data grant 'empty' grants nothing",
        id="empty-data-grant",
    ),
    pytest.param(
        """
        access:
          data:
            - name: raw-data
              read: ["arn:aws:s3:::raw/*"]
        """,
        "raw-data",
        "environments[0].access.data[0].name",
        "is not valid here",
        id="name-not-alphanumeric",
    ),
    pytest.param(
        """
        access:
          secrets:
            connections_prefix: /airflow/connections/
        """,
        "connections_prefix",
        "environments[0].access.secrets.connections_prefix",
        "no leading or trailing '/'",
        id="secret-prefix-slash",
    ),
]


@pytest.mark.parametrize("section, marker, field, words", BAD)
def test_bad_access_points_at_file_line_and_field(write_spec, section, marker, field, words):
    path = write_spec(with_access(section))
    line = line_of(path, marker)
    found = errors(path)
    where = f"{path.name}:{line}:"
    assert any(m.split(" ")[0].split("/")[-1].startswith(where) and f" {field}: " in m and words in m for m in found), found


def test_duplicate_names_are_reported_on_the_list(write_spec):
    path = write_spec(
        with_access(
            """
            access:
              data:
                - {name: raw, read: ["arn:aws:s3:::a/*"]}
                - {name: Raw, read: ["arn:aws:s3:::b/*"]}
            """
        )
    )
    found = errors(path)
    assert any(" environments[0].access.data: " in m and "'raw' and 'Raw'" in m for m in found), found


def test_every_bad_item_is_reported_at_once(write_spec):
    path = write_spec(
        with_access(
            """
            access:
              statements:
                - sid: one
                  actions: ["s3:*", s3:GetObjekt, s3:GetObject]
                  resources: ["arn:aws:s3:::b/*", "arn:aws:s3:bad"]
            """
        )
    )
    found = errors(path)
    fields = sorted(m.split(" ")[1] for m in found)
    assert fields == [
        "environments[0].access.statements[0].actions[0]:",
        "environments[0].access.statements[0].actions[1]:",
        "environments[0].access.statements[0].resources[1]:",
    ], found


def test_action_names_are_case_insensitive_like_iam():
    # IAM action names are case-insensitive:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    access = Access.model_validate({"statements": [{"sid": "s", "actions": ["s3:getobject"], "resources": ["arn:aws:s3:::b/*"]}]})
    assert access.statements[0].actions == ["s3:getobject"]


def test_no_secrets_backend_sets_no_airflow_options():
    assert Access().airflow_configuration_options() == {}


def test_secrets_backend_airflow_options():
    # Option names and backend class: https://docs.aws.amazon.com/mwaa/latest/userguide/connections-secrets-manager.html
    options = Access.model_validate({"secrets": {}}).airflow_configuration_options()
    assert options["secrets.backend"] == "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"
    assert json.loads(options["secrets.backend_kwargs"]) == {
        "connections_prefix": "airflow/connections",
        "variables_prefix": "airflow/variables",
        # null turns the provider's default config look-up (airflow/config) off: the role cannot read it
        "config_prefix": None,
    }
    options = Access.model_validate({"secrets": {"config_prefix": "mwaa/config", "variables_prefix": "mwaa/vars"}}).airflow_configuration_options()
    assert json.loads(options["secrets.backend_kwargs"]) == {
        "connections_prefix": "airflow/connections",
        "variables_prefix": "mwaa/vars",
        "config_prefix": "mwaa/config",
    }


def test_secrets_backend_options_cannot_be_overridden_by_hand(write_spec):
    path = write_spec(MINIMAL + "    airflow_configuration_options: {secrets.backend: x}\n    access: {secrets: {}}\n")
    found = errors(path)
    assert any("secrets.backend is set by access.secrets" in m for m in found), found


def test_importing_the_spec_and_an_empty_access_do_not_load_the_iam_database():
    code = (
        "import sys\n"
        "from mwaaform.spec.models import StackSpec\n"
        "from mwaaform.spec.access import Access\n"
        "Access.model_validate({'secrets': {}})\n"
        "print(sorted(m for m in sys.modules if m.startswith(('policy_sentry', 'parliament'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_excluded_action_points_at_the_item(write_spec):
    spec = with_access(
        """\
        access:
          data:
            - name: lake
              write: ["arn:aws:s3:::lake/raw/*"]
              exclude: [s3:ReplicateObjekt]
        """
    )
    stack, diagnostics = load_file(write_spec(spec))
    assert stack is None
    (error,) = [str(d) for d in diagnostics]
    assert "stack.yaml:20:" in error and "environments[0].access.data[0].exclude[0]" in error and "s3:ReplicateObjekt" in error
