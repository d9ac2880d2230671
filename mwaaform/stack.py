"""The one place where a validated spec becomes components.

Read top to bottom, this is the whole stack: the provider, the shared network (and its flow
logs), then per environment its key, log groups, bucket, execution role, the environment and its
alarms. Each spec field is mapped here to the component argument that carries it to AWS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi

from components.account import AccountArgs, account_provider
from components.alarms import EnvironmentAlarms, EnvironmentAlarmsArgs
from components.bucket import DagBucket, DagBucketArgs
from components.environment import AirflowEnvironment, AirflowEnvironmentArgs, LogSetting, S3Object
from components.flow_logs import FlowLogs, FlowLogsArgs
from components.ingress import WebserverIngress, WebserverIngressArgs
from components.key import Key, KeyArgs
from components.logs import LogGroups, LogGroupsArgs
from components.network import ExistingNetworkArgs, ManagedNetworkArgs, Network, NetworkArgs
from components.role import ExecutionRole, ExecutionRoleArgs
from mwaaform import naming
from mwaaform.alarms import alarm_arn_prefix, alarm_definitions
from mwaaform.cost.assumptions import OUTPUT as COST_OUTPUT, recorded_assumptions
from mwaaform.cost.egress import EgressDecision, resolve_egress
from mwaaform.iam.byo import key_owner_statements, role_owner_policies
from mwaaform.iam.grants import compile_grants
from mwaaform.resolve import Resolved, resolve
from mwaaform.spec.models import Environment, StackSpec
from mwaaform.tags import stack_tags

# spec logging section -> pulumi-aws logging_configuration key
LOG_KEYS = {
    "dag_processing": "dag_processing_logs",
    "scheduler": "scheduler_logs",
    "task": "task_logs",
    "webserver": "webserver_logs",
    "worker": "worker_logs",
}
# spec webserver_access -> MWAA WebserverAccessMode
# https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
WEBSERVER_ACCESS_MODES = {"private": "PRIVATE_ONLY", "public": "PUBLIC_ONLY", "public_and_private": "PUBLIC_AND_PRIVATE"}


@dataclass(frozen=True)
class Context:
    """What every environment of the stack shares."""

    spec: StackSpec
    stack_name: str
    base_dir: str
    network: Network
    opts: pulumi.ResourceOptions
    stack_key: Key | None = None


def environment_tags(env: Environment) -> dict[str, str]:
    return {"Environment": env.stage, "Team": env.team, "MwaaEnvironment": env.name}


def build(spec: StackSpec, stack_name: str, base_dir: str = ".") -> dict[str, AirflowEnvironment]:
    """Declare the whole stack; returns the environments by name. Exports the stack outputs."""
    account = spec.account
    provider = account_provider(
        "aws",
        AccountArgs(
            account_id=account.id,
            region=account.region,
            deploy_role_arn=account.deploy_role_arn,
            external_id=account.external_id,
            default_tags=stack_tags(spec, stack_name),
        ),
    )
    opts = pulumi.ResourceOptions(provider=provider)
    # The managed network's egress, as written or as `auto` picks it (and why).
    egress = resolve_egress(spec) if spec.network.managed else None
    network = _network(spec, opts, egress)
    ctx = Context(spec, stack_name, base_dir, network, opts, _stack_key(spec, stack_name, opts))
    _flow_logs(ctx)
    environments = {env.name: _environment(ctx, env) for env in spec.environments}
    pulumi.export("network", {"vpc_id": network.vpc_id, "private_subnet_ids": network.private_subnet_ids})
    # What the cost estimate cannot read from resources: usage assumptions, budgets, the egress choice.
    pulumi.export(COST_OUTPUT, recorded_assumptions(spec, egress))
    return environments


def _network(spec: StackSpec, opts: pulumi.ResourceOptions, egress: EgressDecision | None) -> Network:
    net = spec.network
    managed = existing = None
    if net.managed and egress:
        if egress.auto:
            pulumi.log.info(f"network.managed.egress: auto picked {egress.choice}: {egress.reason}")
        managed = ManagedNetworkArgs(
            cidr=net.managed.cidr,
            availability_zones=list(net.managed.availability_zones),
            egress=egress.choice,
            extra_endpoints=list(net.managed.extra_endpoints),
        )
    if net.existing:
        existing = ExistingNetworkArgs(
            vpc_id=net.existing.vpc_id,
            subnet_ids=[subnet.id for subnet in net.existing.private_subnets],
            security_group_ids=list(net.existing.security_group_ids),
        )
    return Network(
        "network",
        NetworkArgs(
            region=spec.account.region,
            environments=[env.name for env in spec.environments],
            tags={"Environment": spec.stage},
            managed=managed,
            existing=existing,
        ),
        opts,
    )


def _stack_key(spec: StackSpec, stack_name: str, opts: pulumi.ResourceOptions) -> Key | None:
    """The stack's own customer-managed key: for the flow logs (`network.flow_logs.key`) and the log
    groups of environments without a key of their own that ask for it (`logging.stack_key`).
    Decided by those fields alone, never by which environments happen to remain."""
    flow_logs = spec.network.flow_logs
    flow_logs_use = flow_logs.enabled and spec.network.managed is not None and flow_logs.key == "customer_managed"
    users = [env for env in spec.environments if env.encryption.key == "aws_owned" and env.logging.stack_key]
    if not flow_logs_use and not users:
        return None
    account = spec.account
    return Key(
        "stack-key",
        KeyArgs(
            account_id=account.id,
            region=account.region,
            alias=naming.stack_key_alias(stack_name),
            description=f"mwaaform: logs of stack {stack_name}",
            tags={"Environment": spec.stage},
            protect=(flow_logs_use and flow_logs.deletion_protection) or any(env.deletion_protection for env in users),
            retain_on_delete=(flow_logs_use and flow_logs.retain_on_delete) or any(env.retain_on_delete for env in users),
        ),
        opts,
    )


def _flow_logs(ctx: Context) -> FlowLogs | None:
    settings = ctx.spec.network.flow_logs
    # Flow logs of an existing VPC belong to its owner: mwaaform records only the VPCs it creates.
    if not settings.enabled or ctx.spec.network.managed is None:
        return None
    account = ctx.spec.account
    return FlowLogs(
        "flow-logs",
        FlowLogsArgs(
            vpc_id=ctx.network.vpc_id,
            account_id=account.id,
            region=account.region,
            retention_days=settings.retention_days,
            traffic_type=settings.traffic_type,
            kms_key_arn=ctx.stack_key.arn if settings.key == "customer_managed" and ctx.stack_key else None,
            tags={"Environment": ctx.spec.stage},
            role_path=account.role_path,
            permissions_boundary_arn=account.permissions_boundary_arn,
            protect=settings.deletion_protection,
            retain_on_delete=settings.retain_on_delete,
            log_group_name=naming.flow_log_group_name(ctx.stack_name),
        ),
        ctx.opts,
    )


def _environment(ctx: Context, env: Environment) -> AirflowEnvironment:
    """Everything of one environment, in the order AWS needs it; only what it does not bring."""
    resolved = resolve(env, ctx.spec.account)
    key = _key(ctx, env, resolved)
    key_arn = key.arn if key else resolved.brought_key_arn
    # The log groups are under the environment's key where it has one, else the stack's if asked.
    logs_key_arn = key_arn if key_arn is not None else (ctx.stack_key.arn if env.logging.stack_key and ctx.stack_key else None)
    logs = LogGroups(
        f"{env.name}-logs",
        LogGroupsArgs(
            env_name=env.name,
            retention_days=env.logging.retention_days,
            kms_key_arn=logs_key_arn,
            tags=environment_tags(env),
            protect=env.deletion_protection,
            retain_on_delete=env.retain_on_delete,
            adopt_existing=env.adopt_retained,
        ),
        ctx.opts,
    )
    ingress = _webserver_ingress(ctx, env)
    bucket = _bucket(ctx, env, resolved, key_arn)
    role = _role(ctx, env, resolved, key_arn)
    # Every rule on the environment's group is in place before the environment (as the network's own are).
    ready = [*logs.groups, *ctx.network.ready(env.name), *([ingress] if ingress else [])]
    environment = _airflow(ctx, env, resolved, key_arn, bucket, role, depends_on=ready)
    alarms = _alarms(ctx, env, key_arn, environment)
    _export(ctx, env, resolved, key_arn, environment, role, logs, alarms)
    return environment


def _webserver_ingress(ctx: Context, env: Environment) -> WebserverIngress | None:
    ingress = env.webserver_ingress
    if not (ingress.cidrs or ingress.prefix_lists or ingress.security_groups):
        return None
    return WebserverIngress(
        f"{env.name}-webserver-ingress",
        WebserverIngressArgs(
            env_name=env.name,
            # The environment's own group (first): it guards the web server's VPC endpoint.
            security_group_id=ctx.network.security_group_ids[env.name][0],
            cidrs=list(ingress.cidrs),
            prefix_lists=list(ingress.prefix_lists),
            security_groups=list(ingress.security_groups),
        ),
        ctx.opts,
    )


def _key(ctx: Context, env: Environment, resolved: Resolved) -> Key | None:
    if not resolved.create_key:  # AWS-owned, or brought (encryption.key_arn)
        return None
    account = ctx.spec.account
    return Key(
        f"{env.name}-key",
        KeyArgs(
            account_id=account.id,
            region=account.region,
            alias=naming.key_alias(env.name),
            description=f"mwaaform: MWAA environment {env.name}",
            tags=environment_tags(env),
            # Only a topic mwaaform creates is encrypted with this key.
            cloudwatch_alarm_prefix=(
                alarm_arn_prefix(env.name, account.id, account.region) if env.alarms.enabled and env.alarms.topic_arn is None else None
            ),
            protect=env.deletion_protection,
            retain_on_delete=env.retain_on_delete,
        ),
        ctx.opts,
    )


def _bucket(ctx: Context, env: Environment, resolved: Resolved, key_arn: pulumi.Input[str] | None) -> DagBucket | None:
    if not resolved.create_bucket:  # brought (bucket): its settings and objects are its owner's
        return None
    return DagBucket(
        f"{env.name}-bucket",
        DagBucketArgs(
            bucket_name=resolved.bucket_name,
            kms_key_arn=key_arn,
            # Each local file the environment names, under the key MWAA reads it from.
            files={key: _local(ctx, path) for key, path in resolved.uploads.items()},
            tags=environment_tags(env),
            protect=env.deletion_protection,
            retain_on_delete=env.retain_on_delete,
            adopt_existing=env.adopt_retained,
            noncurrent_version_expiration_days=env.bucket.expiration_days,
            access_log_bucket=env.bucket.access_logging.bucket if env.bucket.access_logging else None,
            access_log_prefix=env.bucket.access_logging.prefix if env.bucket.access_logging else "",
        ),
        ctx.opts,
    )


def _role(ctx: Context, env: Environment, resolved: Resolved, key_arn: pulumi.Input[str] | None) -> ExecutionRole | None:
    if not resolved.create_role:  # brought (execution_role_arn): the plan prints what it must carry
        return None
    account = ctx.spec.account
    grants = compile_grants(env.access, env=env.name, account_id=account.id, region=account.region)
    return ExecutionRole(
        f"{env.name}-role",
        ExecutionRoleArgs(
            env_name=env.name,
            account_id=account.id,
            region=account.region,
            bucket_name=resolved.bucket_name,
            kms_key_arn=key_arn,
            tags=environment_tags(env),
            managed_policy_arns=list(resolved.managed_policies),
            object_prefix=resolved.object_prefix,
            permissions_boundary_arn=account.permissions_boundary_arn,
            path=account.role_path,
            extra_policies=[(_grants_purpose(index, doc), json.dumps(doc, sort_keys=True)) for index, doc in enumerate(grants)],
        ),
        ctx.opts,
    )


def _grants_purpose(index: int, document: dict) -> str:
    """Names of the grant policies, keyed by grant, never by position: the first is `grants`
    (adding or removing grants updates it in place), each further one (past IAM's size limit)
    is named after the first statement it holds, e.g. `grants-lakewrites3`."""
    if index == 0:
        return "grants"
    return f"grants-{document['Statement'][0]['Sid'].lower()}"


def _airflow(
    ctx: Context,
    env: Environment,
    resolved: Resolved,
    key_arn: pulumi.Input[str] | None,
    bucket: DagBucket | None,
    role: ExecutionRole | None,
    depends_on: list[pulumi.Resource],
) -> AirflowEnvironment:
    def s3_object(field: str) -> S3Object | None:
        ref = resolved.objects.get(field)
        if ref is None:  # the spec names no such file
            return None
        # A brought object is pinned by the spec; an uploaded file by the version the upload made.
        version = ref.version if ref.version is not None else bucket.object_versions[ref.key]  # type: ignore[union-attr]
        return S3Object(path=ref.key, version=version)

    workers, webservers = env.resolved_workers, env.resolved_webservers
    return AirflowEnvironment(
        env.name,
        AirflowEnvironmentArgs(
            name=env.name,
            environment_class=env.environment_class,
            airflow_version=env.airflow_version,
            min_workers=workers.min,
            max_workers=workers.max,
            schedulers=env.resolved_schedulers,
            min_webservers=webservers.min,
            max_webservers=webservers.max,
            webserver_access_mode=WEBSERVER_ACCESS_MODES[env.webserver_access],
            worker_replacement_strategy=env.worker_replacement_strategy.upper() if env.worker_replacement_strategy else None,
            endpoint_management=env.endpoint_management.upper(),
            execution_role_arn=role.arn if role else resolved.role_arn,
            source_bucket_arn=bucket.arn if bucket else resolved.bucket_arn,
            dag_s3_path=env.dag_path,
            subnet_ids=ctx.network.private_subnet_ids,
            security_group_ids=_security_groups(ctx, env),
            logging={
                LOG_KEYS[section]: LogSetting(enabled=module.enabled, log_level=module.level)
                for section, module in _log_modules(env)
            },
            tags=environment_tags(env),
            kms_key=key_arn,
            airflow_configuration_options={**env.airflow_configuration_options, **env.access.airflow_configuration_options()},
            requirements=s3_object("requirements"),
            plugins=s3_object("plugins"),
            startup_script=s3_object("startup_script"),
            weekly_maintenance_window_start=env.maintenance_window,
            depends_on=depends_on,
            protect=env.deletion_protection,
            timeouts=(env.timeouts.create, env.timeouts.update, env.timeouts.delete),
        ),
        ctx.opts,
    )


def _alarms(
    ctx: Context, env: Environment, key_arn: pulumi.Output[str] | None, environment: AirflowEnvironment
) -> EnvironmentAlarms | None:
    if not env.alarms.enabled:
        return None
    account = ctx.spec.account
    return EnvironmentAlarms(
        f"{env.name}-alarms",
        EnvironmentAlarmsArgs(
            env_name=env.name,
            account_id=account.id,
            region=account.region,
            definitions=alarm_definitions(env.name, env.alarms),
            topic_arn=env.alarms.topic_arn,
            emails=list(env.alarms.emails),
            https_endpoints=list(env.alarms.https_endpoints),
            kms_key_arn=key_arn,
            tags=environment_tags(env),
            depends_on=[environment],
        ),
        ctx.opts,
    )


def _export(
    ctx: Context,
    env: Environment,
    resolved: Resolved,
    key_arn: pulumi.Input[str] | None,
    environment: AirflowEnvironment,
    role: ExecutionRole | None,
    logs: LogGroups,
    alarms: EnvironmentAlarms | None,
) -> None:
    outputs: dict[str, object] = {
        "arn": environment.arn,
        "webserver_url": environment.webserver_url,
        "execution_role_arn": role.arn if role else resolved.role_arn,
        "bucket": resolved.bucket_name,
        "log_groups": logs.names,
        "security_group_ids": _security_groups(ctx, env),
    }
    if alarms:
        outputs["alarm_topic_arn"] = alarms.topic_arn
    requirements = _owner_requirements(ctx, env, resolved, key_arn)
    if requirements:
        outputs["owner_requirements"] = requirements
    if env.webserver_access != "public":
        # The private web server's endpoint service: where a load balancer or another VPC connects.
        outputs["webserver_vpc_endpoint_service"] = environment.webserver_vpc_endpoint_service
    if env.endpoint_management == "customer":
        # The VPC owner creates endpoints to these services; the environment stays PENDING until then.
        outputs["database_vpc_endpoint_service"] = environment.database_vpc_endpoint_service
        _warn_customer_endpoints(ctx, env)
    pulumi.export(env.name, outputs)


def _security_groups(ctx: Context, env: Environment) -> list[pulumi.Input[str]]:
    """The environment's own group, the existing network's extra groups, and a managed network's extra groups."""
    managed = ctx.spec.network.managed
    extra = list(managed.security_group_ids) if managed else []
    return [*ctx.network.security_group_ids[env.name], *extra]


def _owner_requirements(ctx: Context, env: Environment, resolved: Resolved, key_arn: pulumi.Input[str] | None) -> dict[str, object]:
    """What the owners of a brought key or role must add, exported with the environment
    (``pulumi stack output``) and printed by ``mwaaform plan`` from the recorded outputs."""
    account = ctx.spec.account
    requirements: dict[str, object] = {}
    if resolved.brought_key_arn is not None:
        created_topic = env.alarms.enabled and env.alarms.topic_arn is None
        requirements["key"] = {
            "key_arn": resolved.brought_key_arn,
            "key_policy_statements": key_owner_statements(
                resolved,
                account_id=account.id,
                region=account.region,
                deployer_arn=account.deploy_role_arn,
                alarm_arn_prefix=alarm_arn_prefix(env.name, account.id, account.region) if created_topic else None,
            ),
        }
    if not resolved.create_role:
        grants = compile_grants(env.access, env=env.name, account_id=account.id, region=account.region)
        requirements["execution_role"] = pulumi.Output.from_input(key_arn).apply(
            lambda arn: role_owner_policies(resolved, account_id=account.id, region=account.region, key_arn=arn, grants=grants)
        )
    return requirements


def _warn_customer_endpoints(ctx: Context, env: Environment) -> None:
    """Say plainly that `pulumi up` waits for the VPC owner, and what the owner runs. pulumi-aws
    returns the endpoint service names only once the environment is AVAILABLE, which it becomes
    only after the endpoints exist: this stack cannot create them itself in the same run."""
    from mwaaform.network.endpoints import customer_endpoint_commands

    existing = ctx.spec.network.existing
    vpc_id = existing.vpc_id if existing else "<vpc-id>"
    subnets = [s.id for s in existing.private_subnets[:2]] if existing else ["<subnet-a>", "<subnet-b>"]
    commands = customer_endpoint_commands(env.name, ctx.spec.account.region, vpc_id, subnets, env.webserver_access != "public")
    pulumi.log.warn(
        f"{env.name}: endpoint_management is customer, so `pulumi up` waits (up to the create timeout, "
        f"{env.timeouts.create}) while the environment is PENDING, until the VPC owner creates its endpoints. "
        "Once MWAA lists the environment:\n" + "\n".join(commands)
    )


def _log_modules(env: Environment):
    return [(section, getattr(env.logging, section)) for section in LOG_KEYS]


def _local(ctx: Context, relative: str) -> str:
    """A spec-relative file path, as the program (run from the project root) must open it."""
    import os

    return os.path.normpath(os.path.join(ctx.base_dir, relative))
