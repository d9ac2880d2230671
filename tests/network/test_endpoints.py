"""The VPC endpoints of a network without internet: the ones MWAA needs, and where each service's calls go.

Expected values from "Creating the required VPC service endpoints in an Amazon VPC with private
routing", https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-vpe-create-access.html (S3 as a
gateway endpoint; CloudWatch monitoring, ECR dkr and api, CloudWatch Logs, SQS, KMS and the three
airflow endpoints as interface endpoints), and
https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html (names).
"""

from __future__ import annotations

from mwaaform.network.endpoints import (
    GATEWAY_CAPABLE,
    GATEWAY_SERVICES,
    INTERFACE_SERVICES,
    endpoint_for,
    logical_name,
    reachable,
    service_name,
)

MWAA_NEEDS = {"s3", "monitoring", "ecr.dkr", "ecr.api", "logs", "sqs", "kms", "airflow.api", "airflow.env", "airflow.ops"}


def test_the_endpoints_mwaa_documents_and_no_others():
    assert GATEWAY_SERVICES == ("s3",)
    assert sorted(INTERFACE_SERVICES) == sorted(MWAA_NEEDS - {"s3"})
    assert reachable(()) == MWAA_NEEDS


def test_extra_endpoints_are_added():
    assert reachable(["sts", "secretsmanager"]) == MWAA_NEEDS | {"sts", "secretsmanager"}
    assert reachable(("sts",)) == MWAA_NEEDS | {"sts"}


def test_iam_prefixes_map_to_their_endpoint_names():
    assert endpoint_for("cloudwatch") == "monitoring"
    assert endpoint_for("ecr") == "ecr.api"
    assert endpoint_for("airflow") == "airflow.api"
    assert endpoint_for("es") == "es"
    assert endpoint_for("dynamodb") == "dynamodb" and endpoint_for("sts") == "sts"


def test_gateway_endpoints_exist_for_s3_and_dynamodb_only():
    # https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
    assert GATEWAY_CAPABLE == {"s3", "dynamodb"}


def test_service_and_logical_names():
    assert service_name("eu-west-1", "ecr.dkr") == "com.amazonaws.eu-west-1.ecr.dkr"
    assert logical_name("ecr.dkr") == "ecr-dkr" and logical_name("airflow.api") == "airflow-api" and logical_name("sqs") == "sqs"
