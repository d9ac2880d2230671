"""Rules that relate several fields of a valid spec, each pointing at the field to fix.

A rule is a plain function ``(spec, ctx) -> Iterator[Issue]``; it runs only on a spec whose
fields are individually valid. Every rule is listed in :data:`RULES`, so adding one is a
function and a line. The messages name every field involved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mwaaform.spec.models import Environment, StackSpec
from mwaaform.spec.values import END_OF_SUPPORT, SCHEDULERS_RANGE, WEBSERVERS_RANGE
from mwaaform.tags import stack_tags

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """A problem at a place in the spec. Warnings do not make a spec invalid."""

    loc: Loc
    message: str
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class RuleContext:
    """What rules may know besides the spec: the folder that relative file paths start from."""

    base_dir: Path


Rule = Callable[[StackSpec, RuleContext], Iterator[Issue]]


def _envs(spec: StackSpec) -> Iterator[tuple[Loc, Environment]]:
    for index, env in enumerate(spec.environments):
        yield ("environments", index), env


def external_id_needs_a_role(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    if spec.account.external_id is not None and spec.account.deploy_role_arn is None:
        yield Issue(("account", "external_id"), "external_id is passed when assuming account.deploy_role_arn, which is not set")


def min_not_above_max(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    for loc, env in _envs(spec):
        for field, bounds in (("workers", env.workers), ("webservers", env.webservers)):
            if bounds is not None and bounds.min > bounds.max:
                yield Issue((*loc, field, "min"), f"{field}.min ({bounds.min}) is above {field}.max ({bounds.max})")


def class_limits(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """mw1.micro runs one combined scheduler/worker and one web server; larger classes 2 to 5 of each."""
    for loc, env in _envs(spec):
        cls = env.environment_class
        if env.is_micro:
            if env.schedulers not in (None, 1):
                yield Issue((*loc, "schedulers"), f"environment_class {cls} runs exactly 1 scheduler, not {env.schedulers}")
            if env.workers is not None and (env.workers.min, env.workers.max) != (1, 1):
                yield Issue((*loc, "workers"), f"environment_class {cls} has no worker autoscaling: workers.min and workers.max must be 1")
            if env.webservers is not None and (env.webservers.min, env.webservers.max) != (1, 1):
                yield Issue((*loc, "webservers"), f"environment_class {cls} runs 1 web server: webservers.min and webservers.max must be 1")
            continue
        low, high = SCHEDULERS_RANGE
        if env.schedulers is not None and not low <= env.schedulers <= high:
            yield Issue((*loc, "schedulers"), f"environment_class {cls} takes {low} to {high} schedulers, not {env.schedulers}")
        low, high = WEBSERVERS_RANGE
        if env.webservers is not None:
            for end in ("min", "max"):
                value = getattr(env.webservers, end)
                if not low <= value <= high:
                    yield Issue((*loc, "webservers", end), f"environment_class {cls} takes webservers.{end} from {low} to {high}, not {value}")


def unique_environment_names(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """Unique ignoring case: IAM role names (which carry the environment name) are."""
    seen: dict[str, int] = {}
    for loc, env in _envs(spec):
        key = env.name.lower()
        if key in seen:
            first = spec.environments[seen[key]].name
            case = "" if first == env.name else f" as {first!r} (IAM role names ignore case)"
            yield Issue((*loc, "name"), f"environment name {env.name!r} is already used by environments[{seen[key]}]{case}")
        else:
            seen[key] = loc[1]  # type: ignore[assignment]


def zones_in_region(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    region = spec.account.region
    network = spec.network
    zones: list[tuple[Loc, str]] = []
    if network.managed:
        zones = [(("network", "managed", "availability_zones", i), az) for i, az in enumerate(network.managed.availability_zones)]
    elif network.existing:
        zones = [(("network", "existing", "private_subnets", i, "availability_zone"), s.availability_zone)
                 for i, s in enumerate(network.existing.private_subnets)]
    for loc, az in zones:
        # An AZ name is the region name plus one letter (us-east-1a); Local Zones and Wavelength
        # zones (us-west-2-lax-1a) are longer and MWAA does not run in them.
        if not (az.startswith(region) and len(az) == len(region) + 1):
            yield Issue(loc, f"availability zone {az!r} is not in account.region {region!r}")
    if network.managed:
        seen: set[str] = set()
        for loc, az in zones:
            if az in seen:
                yield Issue(loc, f"availability zone {az!r} is listed twice in network.managed.availability_zones")
            seen.add(az)


def environment_subnets_in_two_zones(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    existing = spec.network.existing
    if existing is None:
        return
    first, second = existing.private_subnets[:2]
    if first.availability_zone == second.availability_zone:
        yield Issue(
            ("network", "existing", "private_subnets", 1, "availability_zone"),
            f"MWAA needs its two subnets in different availability zones: private_subnets[0] and [1] are both in {first.availability_zone}",
        )
    ids = [s.id for s in existing.private_subnets]
    for index, subnet_id in enumerate(ids):
        if subnet_id in ids[:index]:
            yield Issue(("network", "existing", "private_subnets", index, "id"), f"subnet {subnet_id} is listed twice")


def cidr_fits(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    managed = spec.network.managed
    if managed is None:
        return
    from mwaaform.network.cidr import check_fits

    problem = check_fits(managed.cidr, managed.availability_zones, public=managed.egress != "endpoints_only")
    if problem:
        yield Issue(("network", "managed", "cidr"), f"{problem} (network.managed.cidr, {len(managed.availability_zones)} availability_zones, egress {managed.egress})")


def local_files_exist(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    for loc, env in _envs(spec):
        for field in ("requirements", "plugins", "startup_script"):
            value = getattr(env, field)
            if value is None:
                continue
            path = ctx.base_dir / value
            if not path.is_file():
                yield Issue((*loc, field), f"{field} file {value!r} not found (looked for {path})")


def requirements_offline(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """Without an internet path, pip cannot reach PyPI: requirements must install from shipped wheels."""
    managed = spec.network.managed
    if managed is None or managed.egress != "endpoints_only":
        return
    for loc, env in _envs(spec):
        if env.requirements is None:
            continue
        path = ctx.base_dir / env.requirements
        if not path.is_file():
            continue  # reported by local_files_exist
        text = path.read_text(encoding="utf-8", errors="replace")
        if "--no-index" not in text:
            yield Issue(
                (*loc, "requirements"),
                f"network.managed.egress is endpoints_only, so pip cannot reach PyPI: {env.requirements} must use "
                "--no-index --find-links with wheels shipped in plugins.zip",
            )


def version_support(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    for loc, env in _envs(spec):
        ended = END_OF_SUPPORT.get(env.airflow_version)
        if ended:
            yield Issue(
                (*loc, "airflow_version"),
                f"Apache Airflow {env.airflow_version} reached end of support on MWAA on {ended}; upgrade",
                severity="warning",
            )


def secrets_backend_not_overridden(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    for loc, env in _envs(spec):
        generated = env.access.airflow_configuration_options()
        for key in sorted(set(generated) & set(env.airflow_configuration_options)):
            yield Issue(
                (*loc, "airflow_configuration_options", key),
                f"{key} is set by access.secrets; remove it from airflow_configuration_options",
            )


def grant_services_reachable(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """Without internet, a service the DAGs are granted is reachable only through a VPC endpoint."""
    from mwaaform.network.endpoints import endpoint_for, reachable

    managed = spec.network.managed
    if managed is None or managed.egress != "endpoints_only":
        return
    available = reachable(managed.extra_endpoints)
    for loc, env in _envs(spec):
        for prefix, where in env.access.services().items():
            endpoint = endpoint_for(prefix)
            if endpoint in available:
                continue
            yield Issue(
                (*loc, "access", *where),
                f"the DAGs call {prefix}, but network.managed.egress is endpoints_only (no internet): "
                f"add {endpoint!r} to network.managed.extra_endpoints",
            )


def grants_fit(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """The compiled grants fit the managed policies a role may have (else AWS rejects them)."""
    from mwaaform.iam.grants import GrantsTooLarge, compile_grants

    for loc, env in _envs(spec):
        if env.access == type(env.access)():
            continue
        try:
            compile_grants(env.access, env=env.name, account_id=spec.account.id, region=spec.account.region)
        except GrantsTooLarge as exc:
            yield Issue((*loc, "access"), str(exc))


# S3 keeps at most 10 tags on an object, and the provider's default tags reach the uploaded
# files. https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
S3_OBJECT_TAG_LIMIT = 10


def object_tags_fit(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    uploads = any(env.requirements or env.plugins or env.startup_script for env in spec.environments)
    extra = list(spec.tags.model_extra or {})
    total = len(stack_tags(spec, "any"))
    if uploads and total > S3_OBJECT_TAG_LIMIT:
        yield Issue(
            ("tags", extra[-1]),
            f"{total} stack tags, but S3 keeps at most {S3_OBJECT_TAG_LIMIT} on the uploaded requirements, plugins "
            f"and startup files: drop {total - S3_OBJECT_TAG_LIMIT} of the extra tags",
        )


def reserved_tags(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    extra = spec.tags.model_extra or {}
    for key, value in extra.items():
        if key in RESERVED_TAGS:
            yield Issue(("tags", key), f"tag {key!r} is set by mwaaform ({RESERVED_TAGS[key]})")
        elif key.lower().startswith("aws:"):
            yield Issue(("tags", key), "tag keys starting with 'aws:' are reserved for AWS")
        elif not 1 <= len(key) <= 128:
            yield Issue(("tags", key), "a tag key is 1 to 128 characters")
        elif not isinstance(value, str):
            yield Issue(("tags", key), f"tag values are strings: quote {value!r}")
        elif len(value) > 256:
            yield Issue(("tags", key), "a tag value is at most 256 characters")


RESERVED_TAGS = {
    "Name": "each resource's own name",
    "Environment": "from each environment's stage",
    "Team": "from each environment's team",
    "ManagedBy": "always mwaaform",
    "Stack": "the stack name",
}

RULES: tuple[Rule, ...] = (
    external_id_needs_a_role,
    min_not_above_max,
    class_limits,
    unique_environment_names,
    zones_in_region,
    environment_subnets_in_two_zones,
    cidr_fits,
    local_files_exist,
    requirements_offline,
    version_support,
    secrets_backend_not_overridden,
    reserved_tags,
    object_tags_fit,
    grant_services_reachable,
    grants_fit,
)


def check(spec: StackSpec, ctx: RuleContext) -> list[Issue]:
    """Every issue of every rule, in rule order."""
    return [issue for rule in RULES for issue in rule(spec, ctx)]
