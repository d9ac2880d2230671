"""Conditions on raw statements: IAM's operators, keys of the statement's services, values of the
operator's form; compiled into the statement and linted by parliament."""

from __future__ import annotations

import pytest

from mwaaform.iam.conditions import compile_condition, condition_problems
from mwaaform.iam.grants import compile_grants
from mwaaform.iam.lint import lint
from mwaaform.spec.loader import load
from tests.conftest import MINIMAL

S3 = ["s3:ListBucket"]


@pytest.mark.parametrize(
    "conditions",
    [
        {"StringLike": {"s3:prefix": ["reports/*", "exports/*"]}},
        {"Bool": {"aws:SecureTransport": True}},
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}},
        {"NumericLessThanEquals": {"s3:max-keys": 100}},
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
        {"StringEqualsIfExists": {"aws:ResourceTag/team": "analytics"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}},
        {"Null": {"aws:ResourceTag/team": "false"}},
    ],
)
def test_valid_conditions(conditions):
    assert condition_problems(conditions, S3) == []


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"StringEqual": {"s3:prefix": "a"}}, "'StringEqual' is not an IAM condition operator (did you mean 'StringEquals'?)"),
        ({"NullIfExists": {"s3:prefix": "true"}}, "Null takes neither IfExists"),
        ({"StringLike": {"kms:ViaService": "s3.*"}}, "'kms:ViaService' is a condition key of kms, but the statement's actions are of s3"),
        ({"StringLike": {"s3:prefx": "a"}}, "'s3:prefx' is not a condition key of s3 (did you mean 's3:prefix'?)"),
        ({"Bool": {"aws:SecureTransprt": True}}, "not a global condition key (did you mean 'aws:SecureTransport'?)"),
        ({"NumericEquals": {"s3:prefix": 1}}, "NumericEquals compares Numeric values, but s3:prefix is String"),
        ({"StringEquals": {"aws:TagKeys": "team"}}, "aws:TagKeys is multivalued: write ForAnyValue:StringEquals"),
        ({"ForAllValues:StringEquals": {"s3:prefix": "a"}}, "s3:prefix is single-valued: drop ForAllValues:"),
        ({"Bool": {"aws:SecureTransport": "yes"}}, "'yes' is not true or false"),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}, "is not an IP address or CIDR block"),
        ({"DateGreaterThan": {"aws:CurrentTime": "tomorrow"}}, "is neither an ISO 8601 date"),
        ({"NumericLessThan": {"s3:max-keys": "ten"}}, "'ten' is not a number"),
        ({"ArnEquals": {"aws:SourceArn": "my-bucket"}}, "'my-bucket' is not an ARN"),
        ({"StringEquals": {"aws:PrincipalAccount": 111122223333}}, "is not a string: quote it"),
        ({"StringEquals": {"nonsense": "a"}}, "is not of the form service:Name"),
    ],
)
def test_invalid_conditions(conditions, expected):
    problems = condition_problems(conditions, S3)
    assert len(problems) == 1 and expected in problems[0], problems


def test_a_key_some_actions_lack_needs_if_exists():
    actions = ["s3:ListBucket", "s3:GetObject"]
    assert condition_problems({"StringLike": {"s3:prefix": "reports/*"}}, actions) == [
        "s3:prefix is not in the requests of s3:GetObject: the condition could never hold for them"
    ]
    assert condition_problems({"StringLikeIfExists": {"s3:prefix": "reports/*"}}, actions) == []


def test_compiled_values_are_iam_strings():
    assert compile_condition({"Bool": {"aws:SecureTransport": True}, "NumericLessThan": {"s3:max-keys": 10, "s3:other": ["a", "b"]}}) == {
        "Bool": {"aws:SecureTransport": "true"},
        "NumericLessThan": {"s3:max-keys": "10", "s3:other": ["a", "b"]},
    }


STATEMENT = """    access:
      statements:
        - sid: ListReports
          actions: [s3:ListBucket]
          resources: ["arn:aws:s3:::reports"]
          conditions:
{conditions}"""


def test_a_bad_condition_is_an_error_at_its_line(write_spec):
    path = write_spec(MINIMAL + STATEMENT.format(conditions="            StringLike: {kms:ViaService: s3.*}\n"))
    (error,) = [d for d in load([path]).diagnostics if d.severity == "error"]
    assert (error.position.line, error.path) == (21, "environments[0].access.statements[0].conditions")
    assert "condition key of kms, but the statement's actions are of s3" in error.message


def test_conditions_compile_into_the_statement_and_lint_clean(write_spec):
    conditions = "            StringLike: {s3:prefix: [reports/*]}\n            Bool: {aws:SecureTransport: true}\n"
    result = load([write_spec(MINIMAL + STATEMENT.format(conditions=conditions))])
    assert result.ok, result.diagnostics
    env = result.stacks[0].spec.environments[0]
    (document,) = compile_grants(env.access, env=env.name, account_id="111122223333", region="us-east-1")
    (statement,) = document["Statement"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "true"}, "StringLike": {"s3:prefix": "reports/*"}}
    assert lint(document) == []


def test_a_bare_yaml_null_operator_is_refused_with_the_quote_hint_and_a_quoted_one_is_iams_null(write_spec):
    # YAML reads a bare `Null:` key as no value: the reader refuses it at its line and says to quote it.
    bare = load([write_spec(MINIMAL + STATEMENT.format(conditions="            Null: {aws:ResourceTag/team: false}\n"))])
    (error,) = [d for d in bare.diagnostics if d.severity == "error"]
    assert error.position.line == 22 and "quote it" in error.message
    result = load([write_spec(MINIMAL + STATEMENT.format(conditions="            'Null': {aws:ResourceTag/team: false}\n"))])
    assert result.ok, result.diagnostics
    (statement,) = result.stacks[0].spec.environments[0].access.statements
    assert statement.conditions == {"Null": {"aws:ResourceTag/team": False}}
