"""Closed sets of values that AWS accepts, as data with their sources.

Each tuple is the single source of truth; the ``Literal`` type next to it is what the spec
models use, so the JSON Schema, the docs and validation all list the same values.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator

from mwaaform.spec.facts import accepted_airflow_versions


def _not_a_boolean(value: Any) -> Any:
    """YAML's true/false would pass as 1/0 where a Literal of numbers is expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {str(value).lower()}")
    return value


# CloudWatch Logs PutRetentionPolicy, retentionInDays: "Possible values are: 1, 3, 5, 7, 14, 30,
# 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653."
# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
_RetentionLiteral = Literal[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
]
RETENTION_DAYS: tuple[int, ...] = get_args(_RetentionLiteral)
RetentionDays = Annotated[_RetentionLiteral, BeforeValidator(_not_a_boolean)]

# MWAA CreateEnvironment, EnvironmentClass.
# https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
EnvironmentClass = Literal["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"]
ENVIRONMENT_CLASSES: tuple[str, ...] = get_args(EnvironmentClass)

# The versions MWAA CreateEnvironment accepts (current and deprecated), from
# mwaaform/data/airflow_versions.yaml, which cites its sources.
AIRFLOW_VERSIONS: tuple[str, ...] = accepted_airflow_versions()
AirflowVersion = Literal[AIRFLOW_VERSIONS]  # type: ignore[valid-type]

# MWAA ModuleLoggingConfigurationInput, LogLevel.
# https://docs.aws.amazon.com/mwaa/latest/API/API_ModuleLoggingConfigurationInput.html
LogLevel = Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]

Stage = Literal["dev", "test", "stage", "prod"]
# Order of criticality, least to most: shared resources (the network) take the most critical
# stage among the environments that use them.
STAGES: tuple[str, ...] = get_args(Stage)

DataClassification = Literal["public", "internal", "confidential", "restricted"]

# Regions where the MWAA API exists (the `airflow` service of the aws partition), read from
# botocore 1.44.8's endpoints.json (`get_available_regions("mwaa")`), which is generated from
# https://docs.aws.amazon.com/general/latest/gr/mwaa.html ("Service endpoints").
Region = Literal[
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
    "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
    "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
]
REGIONS: tuple[str, ...] = get_args(Region)

# Per-class limits (MWAA CreateEnvironment MinWorkers/MaxWorkers/Schedulers/MinWebservers/
# MaxWebservers, https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html, and
# https://docs.aws.amazon.com/mwaa/latest/userguide/environment-class.html): mw1.micro runs one
# combined scheduler/worker and one web server.
MICRO = "mw1.micro"
SCHEDULERS_RANGE = (2, 5)
WEBSERVERS_RANGE = (2, 5)
WORKERS_RANGE = (1, 25)
