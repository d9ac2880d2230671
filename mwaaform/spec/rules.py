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

from mwaaform.spec.files import check_local_file
from mwaaform.spec.models import Environment, StackSpec
from mwaaform.spec.facts import airflow_versions, availability_zones, minimum_versions, version_key
from mwaaform.spec.values import SCHEDULERS_RANGE, WEBSERVERS_RANGE
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


def usage_within_bounds(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """The estimate's average extra workers and web servers fit between the environment's min and max."""
    for loc, env in _envs(spec):
        for field, bounds in (("workers", env.resolved_workers), ("webservers", env.resolved_webservers)):
            extra = getattr(env.cost, f"extra_{field}")
            if bounds.min <= bounds.max < bounds.min + extra:  # min above max is its own rule's error
                yield Issue(
                    (*loc, "cost", f"extra_{field}"),
                    f"cost.extra_{field} ({extra:g}) is more than {field}.max - {field}.min ({bounds.max} - {bounds.min}) can run",
                )


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


def _zones(spec: StackSpec) -> list[tuple[Loc, str]]:
    network = spec.network
    if network.managed:
        return [(("network", "managed", "availability_zones", i), az) for i, az in enumerate(network.managed.availability_zones)]
    if network.existing:
        return [(("network", "existing", "private_subnets", i, "availability_zone"), s.availability_zone)
                for i, s in enumerate(network.existing.private_subnets)]
    return []


def zones_in_region(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    region = spec.account.region
    network = spec.network
    zones = _zones(spec)
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


def _egress(spec: StackSpec) -> str:
    """The egress the network gets (what `auto` resolves to), so these rules see what will exist."""
    from mwaaform.cost.egress import resolve_egress

    return resolve_egress(spec).choice


def auto_egress_has_a_choice(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """`egress: auto` for data that may have no internet path needs endpoints_only among its choices."""
    managed, rules = spec.network.managed, spec.network.auto_egress
    classification = spec.tags.DataClassification
    if managed and managed.egress == "auto" and classification in rules.no_internet_for and "endpoints_only" not in rules.allowed:
        yield Issue(
            ("network", "auto_egress", "allowed"),
            f"tags.DataClassification {classification} may have no internet path (network.auto_egress.no_internet_for), "
            "so network.auto_egress.allowed must include endpoints_only",
        )


def cidr_fits(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    managed = spec.network.managed
    if managed is None:
        return
    from mwaaform.network.cidr import check_fits

    known = availability_zones().get(spec.account.region)
    if known and any(az not in known for az in managed.availability_zones):
        return  # zones_in_region and zones_exist point at the AZ itself; its CIDR slot means nothing yet
    problem = check_fits(managed.cidr, managed.availability_zones, public=_egress(spec) != "endpoints_only")
    if problem:
        yield Issue(("network", "managed", "cidr"), f"{problem} (network.managed.cidr, {len(managed.availability_zones)} availability_zones, egress {managed.egress})")


def _local_file_fields() -> tuple[str, ...]:
    """Every environment field typed ``LocalPath``: a field added later is checked without a change here."""
    from typing import get_args

    from mwaaform.spec.models import LocalPath

    return tuple(name for name, info in Environment.model_fields.items() if info.annotation == LocalPath or LocalPath in get_args(info.annotation))


def local_files_exist(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """Files inside the spec's folder or the project root only, after symlinks (mwaaform/spec/files.py)."""
    for loc, env in _envs(spec):
        for field in _local_file_fields():
            value = getattr(env, field)
            if value is None:
                continue
            problem = check_local_file(field, value, ctx.base_dir)
            if problem:
                yield Issue((*loc, field), problem)


def requirements_offline(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """Without an internet path, pip cannot reach PyPI: requirements must install from shipped wheels."""
    managed = spec.network.managed
    if managed is None or _egress(spec) != "endpoints_only":
        return
    for loc, env in _envs(spec):
        if env.requirements is None:
            continue
        if check_local_file("requirements", env.requirements, ctx.base_dir):
            continue  # reported by local_files_exist; never read a file from outside the project
        text = (ctx.base_dir / env.requirements).read_text(encoding="utf-8", errors="replace")
        if "--no-index" not in text:
            yield Issue(
                (*loc, "requirements"),
                f"network.managed.egress is endpoints_only, so pip cannot reach PyPI: {env.requirements} must use "
                "--no-index --find-links with wheels shipped in plugins.zip",
            )


def version_support(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """A deprecated version still deploys, with a warning; refused ones never reach the rules
    (the type accepts only what CreateEnvironment accepts, see mwaaform/data/airflow_versions.yaml)."""
    for loc, env in _envs(spec):
        info = airflow_versions().get(env.airflow_version)
        if info is not None and info.status == "deprecated":
            yield Issue(
                (*loc, "airflow_version"),
                f"Apache Airflow {env.airflow_version} is deprecated on MWAA and reaches end of support on "
                f"{info.end_of_support}, after which environments can no longer be created with it; upgrade",
                severity="warning",
            )


def access_mode_needs_its_version(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """PUBLIC_AND_PRIVATE exists only from the Airflow version the API names (``since`` in
    mwaaform/data/airflow_versions.yaml); CreateEnvironment refuses it on older ones."""
    needed = minimum_versions().get("webserver_access_public_and_private")
    for loc, env in _envs(spec):
        if needed and env.webserver_access == "public_and_private" and version_key(env.airflow_version) < version_key(needed):
            yield Issue(
                (*loc, "webserver_access"),
                f"webserver_access: public_and_private needs Apache Airflow {needed} or later, and airflow_version is "
                f"{env.airflow_version}; use private or public, or a newer airflow_version",
            )


def zones_exist(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """An AZ of the right region that does not exist (us-east-1z) fails only at deploy time."""
    known = availability_zones().get(spec.account.region)
    if not known:
        return
    for loc, az in _zones(spec):
        if az.startswith(spec.account.region) and len(az) == len(spec.account.region) + 1 and az not in known:
            yield Issue(
                loc,
                f"availability zone {az!r} does not exist; {spec.account.region} has {', '.join(known)} "
                "(mwaaform/data/availability_zones.yaml: add it there if AWS opened it since)",
            )


def deploy_role_in_stack_account(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """The provider is locked to account.id: a role elsewhere assumes into the wrong account, and a
    permissions boundary must be a policy of the role's own account (or AWS managed)."""
    account = spec.account
    for field, arn in (("deploy_role_arn", account.deploy_role_arn), ("permissions_boundary_arn", account.permissions_boundary_arn)):
        if arn is None:
            continue
        owner = arn.split(":")[4]
        if owner not in (account.id, "aws"):
            what = (
                "the provider assumes it and then refuses to deploy (it is locked to account.id)"
                if field == "deploy_role_arn"
                else "IAM attaches only a boundary policy of the role's own account or an AWS managed one"
            )
            yield Issue(("account", field), f"{field} is in account {owner}, not account.id {account.id}: {what}")


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
    if managed is None or _egress(spec) != "endpoints_only":
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


# --- bring your own: what an account already has must fit the stack --------------------------


def brought_key_fits(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """MWAA, S3 and CloudWatch Logs use a key of the environment's own region; another account's
    key is allowed (a landing zone's central key) once its key policy admits this account."""
    from mwaaform.spec.existing import KMS_KEY_ARN

    for loc, env in _envs(spec):
        arn = env.encryption.key_arn
        if arn is None:
            continue
        where = (*loc, "encryption", "key_arn")
        if env.encryption.key == "aws_owned":
            yield Issue(where, "key_arn names a customer-managed key, but encryption.key is aws_owned: set key: customer_managed or drop key_arn")
        fields = KMS_KEY_ARN.match(arn)
        assert fields is not None  # the field's type checked the form
        if fields["region"] != spec.account.region:
            yield Issue(where, f"key {arn} is in {fields['region']}, but the stack deploys to account.region {spec.account.region}: "
                        "MWAA needs a key of its own region (a multi-Region key's replica there has an ARN of that region)")


def brought_bucket_has_no_local_files(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """mwaaform uploads local files only to a bucket it creates: a brought bucket is its pipeline's."""
    for loc, env in _envs(spec):
        if not env.bucket.brought:
            continue
        for field in ("requirements", "plugins", "startup_script"):
            if getattr(env, field) is not None:
                yield Issue(
                    (*loc, field),
                    f"{field} is a local file, but environment bucket {env.bucket.name!r} is brought and mwaaform uploads "
                    f"nothing to it: name the object in bucket.{field} (key and version) instead",
                )


def brought_bucket_prefix_holds_everything(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """With bucket.prefix the role reads only that folder: the DAGs and every object MWAA loads must be in it."""
    for loc, env in _envs(spec):
        if env.bucket.prefix is None:
            continue
        folder = env.bucket.prefix + "/"
        if not env.dag_path.strip("/").startswith(folder):
            yield Issue((*loc, "dag_path"), f"dag_path {env.dag_path!r} is outside bucket.prefix {env.bucket.prefix!r}: "
                        f"the execution role could not read it (e.g. {folder}dags)")
        for field in ("requirements", "plugins", "startup_script"):
            ref = getattr(env.bucket, field)
            if ref is not None and not ref.key.startswith(folder):
                yield Issue((*loc, "bucket", field, "key"), f"{ref.key!r} is outside bucket.prefix {env.bucket.prefix!r}: the execution role could not read it")


def brought_role_fits(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """MWAA passes an execution role of the environment's own account; a brought role's policies are its owner's."""
    for loc, env in _envs(spec):
        arn = env.execution_role_arn
        if arn is None:
            continue
        account = arn.split(":")[4]
        if account != spec.account.id:
            yield Issue((*loc, "execution_role_arn"), f"role {arn} is in account {account}, but the stack deploys to account.id {spec.account.id}: MWAA needs a role of its own account")
        if env.access.managed_policies:
            yield Issue(
                (*loc, "access", "managed_policies"),
                "managed policies are attached to the execution role mwaaform creates, but execution_role_arn is "
                "brought: attach them to that role yourself",
            )


def managed_policies_fit(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    """Policies of this account or AWS managed ones; and with the base policy and the compiled grants
    at most IAM's default quota of 10 managed policies per role
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)."""
    from mwaaform.iam.grants import GrantsTooLarge, compile_grants

    for loc, env in _envs(spec):
        policies = env.access.managed_policies
        for index, arn in enumerate(policies):
            account = arn.split(":")[4]
            if account not in (spec.account.id, "aws"):
                yield Issue((*loc, "access", "managed_policies", index),
                            f"policy {arn} is in account {account}: a role can attach only policies of its own account ({spec.account.id}) or AWS managed ones")
        if not policies:
            continue
        try:
            grants = compile_grants(env.access, env=env.name, account_id=spec.account.id, region=spec.account.region)
        except GrantsTooLarge:
            continue  # reported by grants_fit
        total = 1 + len(grants) + len(policies)
        if total > 10:
            yield Issue((*loc, "access", "managed_policies"),
                        f"the execution role would have {total} managed policies (the base policy, {len(grants)} of compiled grants "
                        f"and {len(policies)} listed here), but IAM allows 10 per role by default")


def ingress_needs_a_private_endpoint(spec: StackSpec, ctx: RuleContext) -> Iterator[Issue]:
    for loc, env in _envs(spec):
        ingress = env.webserver_ingress
        if env.webserver_access == "public" and (ingress.cidrs or ingress.prefix_lists or ingress.security_groups):
            yield Issue(
                (*loc, "webserver_ingress"),
                "webserver_ingress admits traffic to the web server's private endpoint, but webserver_access is public "
                "(no private endpoint): use private or public_and_private, or drop webserver_ingress",
            )


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
    usage_within_bounds,
    unique_environment_names,
    zones_in_region,
    zones_exist,
    deploy_role_in_stack_account,
    environment_subnets_in_two_zones,
    auto_egress_has_a_choice,
    cidr_fits,
    local_files_exist,
    requirements_offline,
    version_support,
    access_mode_needs_its_version,
    secrets_backend_not_overridden,
    reserved_tags,
    object_tags_fit,
    grant_services_reachable,
    grants_fit,
    brought_key_fits,
    brought_bucket_has_no_local_files,
    brought_bucket_prefix_holds_everything,
    brought_role_fits,
    managed_policies_fit,
    ingress_needs_a_private_endpoint,
)


def check(spec: StackSpec, ctx: RuleContext) -> list[Issue]:
    """Every issue of every rule, in rule order."""
    return [issue for rule in RULES for issue in rule(spec, ctx)]
