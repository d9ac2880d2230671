"""The spec of one stack: one AWS account and region, one network, one or more MWAA environments.

These models are the YAML's shape, field for field; every field's type, default and description
live here and nowhere else (``docs/spec.md`` and the JSON Schema are generated from them).
Single-field rules are in the types; rules that relate several fields are in
:mod:`mwaaform.spec.rules`, so each can name every field it involves and point at the right line.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from mwaaform.spec.access import Access
from mwaaform.spec.alarms import Alarms, FlowLogs
from mwaaform.spec.base import SpecModel
from mwaaform.spec.cost import AutoEgress, EnvironmentCost, StackCost
from mwaaform.spec.existing import BucketName, ExistingBucket, kms_key_arn
from mwaaform.spec.values import (
    AirflowVersion,
    DataClassification as Classification,
    EnvironmentClass,
    LogLevel,
    Region,
    RetentionDays,
    Stage,
)

# --- reusable constrained strings ---------------------------------------------------------

AccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
# MWAA CreateEnvironment Name: 1-80 chars, pattern ^[a-zA-Z][0-9a-zA-Z-_]*$
# https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
EnvironmentName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z][0-9a-zA-Z_-]*$", min_length=1, max_length=80)]
RoleArn = Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]+$", max_length=2048)]
PolicyArn = Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[A-Za-z0-9+=,.@_/-]+$", max_length=2048)]
# STS AssumeRole ExternalId: 2-1224 chars of [\w+=,.@:/-].
# https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
ExternalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+=,.@:/_-]+$", min_length=2, max_length=1224)]
# IAM path: "/" alone or "/" + printable ASCII + "/", at most 512 chars.
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
IamPath = Annotated[str, StringConstraints(pattern=r"^/([!-~]+/)?$", max_length=512)]
AvailabilityZone = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[a-z]+)+-\d[a-z]$")]
VpcId = Annotated[str, StringConstraints(pattern=r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$")]
SubnetId = Annotated[str, StringConstraints(pattern=r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")]
SecurityGroupId = Annotated[str, StringConstraints(pattern=r"^sg-[0-9a-f]{8}([0-9a-f]{9})?$")]
TagValue = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[\w\s.:/=+\-@]*$")]
LocalPath = Annotated[str, StringConstraints(min_length=1)]
PrefixListId = Annotated[str, StringConstraints(pattern=r"^pl-[0-9a-f]{8}([0-9a-f]{9})?$")]
# The part after com.amazonaws.<region>. of a VPC endpoint service name.
EndpointName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$", max_length=64)]


def _unique_items(field: str):
    def check(values: list[str]) -> list[str]:
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise ValueError(f"{field} lists {', '.join(duplicates)} more than once")
        return values

    return check


def _ipv4_network(value: str) -> str:
    import ipaddress

    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an IPv4 network in CIDR notation ({exc})") from None
    # VPC CIDR blocks are /16 to /28. https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
    if not 16 <= network.prefixlen <= 28:
        raise ValueError(f"a VPC CIDR block must be between /16 and /28, got /{network.prefixlen}")
    from mwaaform.spec.facts import vpc_cidr_ranges

    ranges = vpc_cidr_ranges()  # mwaaform/data/vpc_cidr_ranges.yaml, with its source
    if not any(network.subnet_of(allowed) for allowed, _ in ranges):
        names = ", ".join(f"{allowed} ({name})" for allowed, name in ranges)
        raise ValueError(f"{value} is not in a range for a private VPC: use one of {names}")
    return value


VpcCidr = Annotated[str, AfterValidator(_ipv4_network)]


def _client_network(value: str) -> str:
    import ipaddress

    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an IP network in CIDR notation ({exc})") from None
    if network.prefixlen == 0:
        raise ValueError(f"{value} is the whole internet: a private web server is for your networks; "
                         "use webserver_access public_and_private for internet access with IAM sign-in")
    return value


ClientCidr = Annotated[str, AfterValidator(_client_network)]

# --- account and tags ----------------------------------------------------------------------


class Account(SpecModel):
    """The AWS account and region the stack deploys into."""

    id: AccountId = Field(description="12-digit AWS account id; the provider refuses any other account. Quote it in YAML.")
    region: Region = Field(description="AWS region of the stack (one where MWAA is available).")
    deploy_role_arn: RoleArn | None = Field(
        default=None,
        description="IAM role of account `id` the Pulumi provider assumes to deploy; omit to use the caller's credentials. "
        "A role of another account cannot deploy: the provider is locked to `id`.",
    )
    external_id: ExternalId | None = Field(default=None, description="External id passed when assuming `deploy_role_arn`.")
    permissions_boundary_arn: PolicyArn | None = Field(
        default=None,
        description="Permissions boundary attached to every IAM role mwaaform creates: a policy of account `id` or AWS managed.",
    )
    role_path: IamPath = Field(default="/", description="IAM path of the roles and policies mwaaform creates.")


class Tags(SpecModel):
    """Tags on every resource of the stack. Extra keys are free-form tags added as given."""

    model_config = SpecModel.model_config | {
        "extra": "allow",
        "json_schema_extra": {"additionalProperties": {"type": "string", "maxLength": 256}},
    }

    Owner: TagValue = Field(description="Team or person accountable for the stack.")
    CostCenter: TagValue = Field(description="Cost center billed for the stack.")
    DataClassification: Classification = Field(description="Highest classification of the data the DAGs handle.")


# --- network --------------------------------------------------------------------------------


class ManagedNetwork(SpecModel):
    """A VPC that mwaaform creates and owns."""

    cidr: VpcCidr = Field(default="10.0.0.0/16", description="IPv4 CIDR block of the VPC (private range, /16 to /28).")
    availability_zones: list[AvailabilityZone] = Field(
        min_length=2,
        max_length=6,
        description="Availability zones of the account's region, at least two; one private subnet each, its CIDR "
        "fixed by the AZ's letter (a to f), so order does not matter and adding one only adds. Environments use "
        "the first two by name.",
    )
    egress: Literal["single_nat", "nat_per_az", "endpoints_only", "auto"] = Field(
        default="single_nat",
        description="How environments reach AWS and the internet: one NAT gateway, a NAT gateway in each "
        "of the two AZs the environments use (no single point of failure), or VPC endpoints only with no internet path at all. `auto` picks the "
        "cheapest of them that `network.auto_egress` allows, and the plan says which and why (`mwaaform cost` compares them).",
    )
    extra_endpoints: Annotated[list[EndpointName], AfterValidator(_unique_items("extra_endpoints"))] = Field(
        default_factory=list,
        description="VPC endpoints for the AWS services the DAGs call, besides the ones MWAA needs "
        "(`secretsmanager`, `sts`, `glue`, ...; `dynamodb` is a free gateway endpoint). Without internet "
        "(`endpoints_only`) every service the `access` grants name needs one; with NAT they keep that traffic off it.",
    )
    security_group_ids: Annotated[list[SecurityGroupId], AfterValidator(_unique_items("security_group_ids"))] = Field(
        default_factory=list,
        max_length=4,
        description="Existing security groups of this VPC attached to every environment besides its own "
        "(MWAA allows 5 in all; one is mwaaform's).",
    )


class ExistingSubnet(SpecModel):
    """A private subnet of an existing VPC."""

    id: SubnetId = Field(description="Subnet id.")
    availability_zone: AvailabilityZone = Field(description="Availability zone of the subnet.")


class ExistingNetwork(SpecModel):
    """A VPC that already exists (another team's or the landing zone's); mwaaform creates only security groups."""

    vpc_id: VpcId = Field(description="Id of the VPC.")
    private_subnets: list[ExistingSubnet] = Field(
        min_length=2,
        description="Private subnets with a route to the internet or to the required VPC endpoints; "
        "environments use the first two, which must be in different AZs.",
    )
    security_group_ids: list[SecurityGroupId] = Field(
        default_factory=list,
        max_length=4,
        description="Extra security groups attached to every environment (MWAA allows 5 in all; one is mwaaform's).",
    )


class Network(SpecModel):
    """The network shared by the stack's environments: exactly one of `managed` or `existing`."""

    managed: ManagedNetwork | None = Field(default=None, description="Create and own a VPC.")
    existing: ExistingNetwork | None = Field(default=None, description="Use an existing VPC.")
    flow_logs: FlowLogs = Field(
        default_factory=FlowLogs,
        description="VPC flow logs to CloudWatch Logs (managed networks only: an existing VPC's flow logs are its owner's). "
        "They are the stack's: set them in the spec, since stage defaults follow the most critical environment listed "
        "and would change when it is removed.",
    )
    auto_egress: AutoEgress = Field(default_factory=AutoEgress, description="What `managed.egress: auto` may pick.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Network:
        if (self.managed is None) == (self.existing is None):
            raise ValueError("set exactly one of network.managed or network.existing")
        return self


# --- environment ------------------------------------------------------------------------------


class Workers(SpecModel):
    """Celery workers: MWAA scales between `min` and `max` with the task load."""

    min: int = Field(default=1, ge=1, le=25, description="Workers always running.")
    max: int = Field(default=10, ge=1, le=25, description="Upper bound of autoscaling.")


class WebServers(SpecModel):
    """Apache Airflow web servers (API servers in Airflow 3)."""

    min: int = Field(default=2, ge=1, le=5, description="Web servers always running (1 only on mw1.micro).")
    max: int = Field(default=2, ge=1, le=5, description="Upper bound of web server autoscaling (1 only on mw1.micro).")


class LogModule(SpecModel):
    """One of MWAA's five log streams."""

    enabled: bool = Field(default=True, description="Send this log type to CloudWatch Logs.")
    level: LogLevel = Field(default="WARNING", description="Lowest level sent.")


class Logging(SpecModel):
    """CloudWatch logging. mwaaform creates the five log groups before the environment so it owns their retention."""

    retention_days: RetentionDays = Field(default=30, description="Days CloudWatch keeps the logs (a value CloudWatch accepts).")
    stack_key: bool = Field(
        default=False,
        description="With `encryption.key: aws_owned`: encrypt the log groups with the stack's customer-managed key "
        "(created once per stack, shared with the flow logs). Environments with their own key always use it.",
    )
    dag_processing: LogModule = Field(default_factory=LogModule, description="DAG processing logs.")
    scheduler: LogModule = Field(default_factory=LogModule, description="Scheduler logs.")
    task: LogModule = Field(default_factory=lambda: LogModule(level="INFO"), description="Task logs (INFO by default).")
    webserver: LogModule = Field(default_factory=LogModule, description="Web server logs.")
    worker: LogModule = Field(default_factory=LogModule, description="Worker logs.")


class WebserverIngress(SpecModel):
    """Who may reach the private web server: HTTPS (443) from these sources into the environment's
    security group, which guards the web server's VPC endpoint. Without it only the environment itself can.

    The common ways in: a VPN or Transit Gateway (`cidrs`: the client pool or on-premises ranges routed
    into the VPC), a bastion host (`security_groups`: its group; tunnel 443 through it), or an internal
    load balancer in front of the endpoint (`security_groups`: the load balancer's group).
    The list limits keep the group within its 60 inbound rules (a prefix list counts its maximum entries).
    https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups"""

    cidrs: Annotated[list[ClientCidr], AfterValidator(_unique_items("cidrs"))] = Field(
        default_factory=list, max_length=30, description="IPv4 or IPv6 CIDR blocks admitted on 443 (VPN client pools, on-premises ranges)."
    )
    prefix_lists: Annotated[list[PrefixListId], AfterValidator(_unique_items("prefix_lists"))] = Field(
        default_factory=list, max_length=10, description="Managed prefix lists (`pl-...`) admitted on 443 (a landing zone's corporate ranges)."
    )
    security_groups: Annotated[list[SecurityGroupId], AfterValidator(_unique_items("security_groups"))] = Field(
        default_factory=list, max_length=15, description="Security groups (`sg-...`) of the VPC admitted on 443 (a bastion, a load balancer)."
    )


class Encryption(SpecModel):
    """Encryption at rest of the environment, its bucket, logs and alarm topic."""

    key: Literal["aws_owned", "customer_managed"] = Field(
        default="aws_owned",
        description="`aws_owned`: AWS-owned keys. `customer_managed`: mwaaform creates a KMS key per environment "
        "(rotation on) for the environment, bucket, log groups and alarm topic, unless `key_arn` names one.",
    )
    key_arn: Annotated[str, AfterValidator(kms_key_arn)] | None = Field(
        default=None,
        description="An existing customer-managed key (its key ARN, in the stack's region) to use instead of creating "
        "one; implies `key: customer_managed`. Its owner adds the key-policy statements `mwaaform plan` prints.",
    )

    @model_validator(mode="before")
    @classmethod
    def _brought_key_is_customer_managed(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("key_arn") is not None and "key" not in data:
            return {**data, "key": "customer_managed"}
        return data


# A Pulumi custom timeout: a number and a unit (`90m`, `3h`). https://www.pulumi.com/docs/iac/concepts/options/customtimeouts/
Duration = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,3}(m|h)$")]
S3BucketName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]


class Timeouts(SpecModel):
    """How long `pulumi up` waits for MWAA to create, update or delete the environment. MWAA
    operations commonly take 20 to 40 minutes and can exceed an hour; the defaults are longer
    than the provider's own (create 120m, update 90m, delete 90m: `schema.ResourceTimeout` of
    `aws_mwaa_environment` in terraform-provider-aws's internal/service/mwaa/environment.go,
    which pulumi-aws bridges)."""

    create: Duration = Field(default="3h", description="Create timeout (`90m`, `3h`).")
    update: Duration = Field(default="3h", description="Update timeout.")
    delete: Duration = Field(default="2h", description="Delete timeout.")


class AccessLogging(SpecModel):
    """Server access logging of the DAG bucket to a bucket you own."""

    bucket: S3BucketName = Field(description="Target bucket of the access logs; its policy must let `logging.s3.amazonaws.com` write.")
    prefix: Annotated[str, StringConstraints(max_length=512)] = Field(default="", description="Key prefix of the log objects.")


class DagBucket(ExistingBucket):
    """The environment's DAG bucket: the one mwaaform creates (its lifecycle and access logging), or
    an existing one named by `name` (then mwaaform creates no bucket, and requirements, plugins and the
    startup script are objects already in it)."""

    name: BucketName | None = Field(  # type: ignore[assignment]
        default=None,
        description="An existing bucket (name, or ARN `arn:aws:s3:::NAME`) to use instead of creating one, for "
        "example one fed by an artifact pipeline. MWAA requires it in the stack's region, versioned, with all public "
        "access blocked. Omitted: mwaaform creates the bucket.",
    )
    noncurrent_version_expiration_days: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        description="Days after which replaced (noncurrent) object versions expire (90 when omitted); current "
        "versions, the ones the environment is pinned to, never expire. Only for a bucket mwaaform creates.",
    )
    access_logging: AccessLogging | None = Field(
        default=None, description="Server access logging of the bucket; off when omitted. Only for a bucket mwaaform creates."
    )

    @model_validator(mode="after")
    def _brought_or_created(self) -> DagBucket:
        if self.name is not None:
            set_here = [f for f in ("noncurrent_version_expiration_days", "access_logging") if getattr(self, f) is not None]
            if set_here:
                raise ValueError(f"{', '.join(set_here)}: the bucket {self.name!r} is brought, and its settings are its owner's")
        else:
            set_here = [f for f in ("prefix", "requirements", "plugins", "startup_script") if getattr(self, f) is not None]
            if set_here:
                raise ValueError(f"{', '.join(set_here)}: only for an existing bucket (set bucket.name); for the bucket mwaaform "
                                 "creates, name local files in the environment's requirements, plugins and startup_script")
        return self

    @property
    def brought(self) -> bool:
        return self.name is not None

    @property
    def expiration_days(self) -> int:
        return self.noncurrent_version_expiration_days or 90


MaintenanceWindow = Annotated[
    str,
    StringConstraints(pattern=r"^(MON|TUE|WED|THU|FRI|SAT|SUN):([01]\d|2[0-3]):(00|30)$"),
]
ConfigKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z0-9_]+$", max_length=64)]


def _config_value(value: str) -> str:
    # MWAA CreateEnvironment AirflowConfigurationOptions values: 1 to 65,536 characters of pattern
    # [ -~]+ (printable ASCII). https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    if not 1 <= len(value) <= 65_536:
        raise ValueError(f"a configuration value is 1 to 65,536 characters, not {len(value):,}")
    bad = next((c for c in value if not " " <= c <= "~"), None)
    if bad is not None:
        raise ValueError(f"a configuration value is printable ASCII on one line (MWAA refuses {bad!r})")
    return value


ConfigValue = Annotated[str, AfterValidator(_config_value)]


class Environment(SpecModel):
    """One Amazon MWAA environment."""

    name: EnvironmentName = Field(description="Environment name (MWAA: a letter, then letters, digits, `-`, `_`; at most 80).")
    team: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,62}$")] = Field(
        description="Owning team (lowercase, digits, `-`); becomes the `Team` tag."
    )
    stage: Stage = Field(description="Lifecycle stage; selects the stage defaults and becomes the `Environment` tag.")
    environment_class: EnvironmentClass = Field(default="mw1.small", description="MWAA environment class.")
    airflow_version: AirflowVersion = Field(default="2.10.3", description="Apache Airflow version.")
    workers: Workers | None = Field(
        default=None, description="Worker autoscaling bounds; default min 1, max 10 (mw1.micro: 1 and 1)."
    )
    schedulers: int | None = Field(default=None, ge=1, le=5, description="Schedulers; default 2 (mw1.micro: 1).")
    webservers: WebServers | None = Field(default=None, description="Web server bounds; default 2 and 2 (mw1.micro: 1 and 1).")
    webserver_access: Literal["private", "public", "public_and_private"] = Field(
        default="private",
        description="`private`: the Airflow UI is reachable only from the VPC (see `webserver_ingress`). `public`: from the "
        "internet (with IAM sign-in). `public_and_private`: both, a public endpoint and one in the VPC; the API offers it "
        "only from Apache Airflow 3.2 (mwaaform/data/airflow_versions.yaml), so it is refused with older versions.",
    )
    webserver_ingress: WebserverIngress = Field(
        default_factory=WebserverIngress,
        description="Who may reach the web server's private endpoint over HTTPS, besides the environment itself.",
    )
    worker_replacement_strategy: Literal["forced", "graceful"] | None = Field(
        default=None,
        description="How MWAA replaces workers during an update: `graceful` lets running tasks finish first, `forced` "
        "stops them at once; unset: MWAA's default.",
    )
    endpoint_management: Literal["service", "customer"] = Field(
        default="service",
        description="Who creates the VPC endpoints of the environment's database and web server: MWAA, or you "
        "(shared VPCs where MWAA may not create endpoints).",
    )
    logging: Logging = Field(default_factory=Logging, description="Log types, levels and retention.")
    encryption: Encryption = Field(default_factory=Encryption, description="Encryption at rest.")
    bucket: DagBucket = Field(
        default_factory=DagBucket,
        description="The DAG bucket: lifecycle and access logging of the one mwaaform creates, or an existing one to use instead (`name`).",
    )
    execution_role_arn: RoleArn | None = Field(
        default=None,
        description="An existing execution role (in the stack's account) to use instead of creating one; "
        "`mwaaform plan` prints the trust and permission policies it must carry.",
    )
    dag_path: Annotated[str, StringConstraints(pattern=r"^[\w.\-/]+$")] = Field(
        default="dags", description="Folder of the DAG bucket that holds the DAGs (MWAA's `DagS3Path`); mwaaform uploads no DAGs: your deployment of them does."
    )
    requirements: LocalPath | None = Field(
        default=None, description="Local requirements.txt, relative to the spec file; uploaded to the bucket mwaaform creates and pinned by object version (with `bucket.name`, name the object in `bucket.requirements` instead)."
    )
    plugins: LocalPath | None = Field(default=None, description="Local plugins.zip, relative to the spec file; uploaded and pinned like `requirements` (with `bucket.name`: `bucket.plugins`).")
    startup_script: LocalPath | None = Field(default=None, description="Local startup shell script, relative to the spec file; uploaded and pinned like `requirements` (with `bucket.name`: `bucket.startup_script`).")
    airflow_configuration_options: dict[ConfigKey, ConfigValue] = Field(
        default_factory=dict, description="Apache Airflow configuration overrides, `section.key: value`."
    )
    maintenance_window: MaintenanceWindow | None = Field(
        default=None, description="Weekly maintenance start in UTC, `DAY:HH:MM` on the hour or half hour (e.g. `TUE:03:30`)."
    )
    deletion_protection: bool = Field(
        default=False,
        description="Pulumi `protect` on the environment and its stateful resources (the bucket with its configuration, "
        "key, log groups): Pulumi refuses to delete or replace them until this is turned off and applied.",
    )
    retain_on_delete: bool = Field(
        default=False,
        description="Independent of `deletion_protection`: when Pulumi deletes the environment's stateful resources "
        "(the environment removed from the spec once unprotected, or `pulumi destroy`), keep the bucket with its "
        "configuration and files, the key and the log groups in the account, unmanaged. The MWAA environment itself is "
        "always deleted. See README, Deploying.",
    )
    adopt_retained: bool = Field(
        default=False,
        description="Re-adding an environment whose stateful resources were retained: adopt the five existing "
        "`airflow-{name}-*` log groups and the DAG bucket with its configuration (Pulumi `import`) instead of failing "
        "to create them. Pulumi imports only what matches the spec: if the environment had a customer-managed key, "
        "bring the retained one back (`encryption.key_arn`), and keep `logging.retention_days`, "
        "`bucket.noncurrent_version_expiration_days`, `bucket.access_logging`, the tags and the stack as they were "
        "(`mwaaform preflight` compares the key, the retention, the tags and the bucket's configuration with what exists). "
        "Unset it after the first `pulumi up`.",
    )
    timeouts: Timeouts = Field(default_factory=Timeouts, description="How long `pulumi up` waits for MWAA operations.")
    access: Access = Field(default_factory=Access, description="What the DAGs may do in AWS, compiled to least-privilege IAM.")
    alarms: Alarms = Field(default_factory=Alarms, description="CloudWatch alarms and where they notify.")
    cost: EnvironmentCost = Field(default_factory=EnvironmentCost, description="Usage assumptions of the cost estimate, and a budget.")

    # Resolved values: the class decides the defaults of the counts.
    @property
    def is_micro(self) -> bool:
        return self.environment_class == "mw1.micro"

    @property
    def resolved_workers(self) -> Workers:
        return self.workers or (Workers(min=1, max=1) if self.is_micro else Workers())

    @property
    def resolved_schedulers(self) -> int:
        return self.schedulers if self.schedulers is not None else (1 if self.is_micro else 2)

    @property
    def resolved_webservers(self) -> WebServers:
        return self.webservers or (WebServers(min=1, max=1) if self.is_micro else WebServers())


class Rollout(SpecModel):
    """Where the stack goes in `mwaaform rollout` and the generated CI pipeline."""

    wave: int = Field(
        default=1,
        ge=1,
        le=9,
        description="Order among the stacks of the same stage: wave 1 of a stage rolls out before its wave 2, "
        "and every wave of a stage before the next stage (dev, test, stage, prod).",
    )


class StackSpec(SpecModel):
    """One spec file: one Pulumi stack."""

    account: Account = Field(description="Where the stack deploys.")
    tags: Tags = Field(description="Tags on every resource.")
    network: Network = Field(description="The network the environments share.")
    environments: list[Environment] = Field(min_length=1, description="The MWAA environments of the stack.")
    cost: StackCost = Field(default_factory=StackCost, description="The stack's budget and the usage of what its environments share.")
    rollout: Rollout = Field(default_factory=Rollout, description="Order of the stack in a rollout of the fleet.")

    @property
    def stage(self) -> str:
        """The most critical stage among the environments: shared resources take it."""
        from mwaaform.spec.values import STAGES

        return max((env.stage for env in self.environments), key=STAGES.index)
