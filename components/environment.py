"""The MWAA environment itself: one ``aws.mwaa.Environment``, every argument passed through.

Argument names are pulumi-aws's, so a spec field maps to the property it sets in one step:
the builder (:mod:`mwaaform.stack`) fills these args from the spec, this component hands them
to the resource.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from mwaaform.tags import with_name


@dataclass(frozen=True)
class LogSetting:
    enabled: bool
    log_level: str


@dataclass(frozen=True)
class S3Object:
    """A file in the DAG bucket, pinned to the object version MWAA must load."""

    path: str
    version: pulumi.Input[str]


@dataclass(frozen=True)
class AirflowEnvironmentArgs:
    name: str
    environment_class: str
    airflow_version: str
    min_workers: int
    max_workers: int
    schedulers: int
    min_webservers: int
    max_webservers: int
    webserver_access_mode: str  # PRIVATE_ONLY | PUBLIC_ONLY | PUBLIC_AND_PRIVATE
    endpoint_management: str  # SERVICE | CUSTOMER
    execution_role_arn: pulumi.Input[str]
    source_bucket_arn: pulumi.Input[str]
    dag_s3_path: str
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_ids: Sequence[pulumi.Input[str]]
    logging: Mapping[str, LogSetting]  # keys: dag_processing_logs, scheduler_logs, task_logs, webserver_logs, worker_logs
    tags: Mapping[str, str]
    kms_key: pulumi.Input[str] | None = None
    airflow_configuration_options: Mapping[str, str] = field(default_factory=dict)
    requirements: S3Object | None = None
    plugins: S3Object | None = None
    startup_script: S3Object | None = None
    weekly_maintenance_window_start: str | None = None
    worker_replacement_strategy: str | None = None  # FORCED | GRACEFUL; None: MWAA's default
    # Resources that must exist first: the log groups (so MWAA does not create them without
    # retention) and everything its traffic needs (the network's ready(env)).
    depends_on: Sequence[pulumi.Resource] = ()
    # Refuse to delete or replace the environment (and its metadata database) while set.
    protect: bool = False
    # (create, update, delete) custom timeouts, e.g. ("3h", "3h", "2h"); None: the provider's.
    timeouts: tuple[str, str, str] | None = None


class AirflowEnvironment(pulumi.ComponentResource):
    """An Amazon MWAA environment."""

    arn: pulumi.Output[str]
    webserver_url: pulumi.Output[str]
    name: str

    def __init__(self, name: str, args: AirflowEnvironmentArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:environment:AirflowEnvironment", name, None, opts)
        files: dict[str, str | pulumi.Input[str]] = {}
        for kind, obj in (("requirements", args.requirements), ("plugins", args.plugins), ("startup_script", args.startup_script)):
            if obj is not None:
                files[f"{kind}_s3_path"] = obj.path
                files[f"{kind}_s3_object_version"] = obj.version
        environment = aws.mwaa.Environment(
            name,
            name=args.name,
            environment_class=args.environment_class,
            airflow_version=args.airflow_version,
            min_workers=args.min_workers,
            max_workers=args.max_workers,
            schedulers=args.schedulers,
            min_webservers=args.min_webservers,
            max_webservers=args.max_webservers,
            webserver_access_mode=args.webserver_access_mode,
            endpoint_management=args.endpoint_management,
            execution_role_arn=args.execution_role_arn,
            source_bucket_arn=args.source_bucket_arn,
            dag_s3_path=args.dag_s3_path,
            kms_key=args.kms_key,
            network_configuration=aws.mwaa.EnvironmentNetworkConfigurationArgs(
                subnet_ids=list(args.subnet_ids),
                security_group_ids=list(args.security_group_ids),
            ),
            logging_configuration={
                key: {"enabled": setting.enabled, "log_level": setting.log_level} for key, setting in args.logging.items()
            },
            airflow_configuration_options=dict(args.airflow_configuration_options) or None,
            weekly_maintenance_window_start=args.weekly_maintenance_window_start,
            worker_replacement_strategy=args.worker_replacement_strategy,
            tags=with_name(args.name, args.tags),
            **files,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(args.depends_on),
                protect=args.protect,
                custom_timeouts=pulumi.CustomTimeouts(*args.timeouts) if args.timeouts else None,
            ),
        )
        self.name = args.name
        self.arn = environment.arn
        self.webserver_url = environment.webserver_url
        self.database_vpc_endpoint_service = environment.database_vpc_endpoint_service
        self.webserver_vpc_endpoint_service = environment.webserver_vpc_endpoint_service
        self.register_outputs({"arn": self.arn, "webserver_url": self.webserver_url})
