"""The VPC endpoints MWAA needs when the network has no internet path.

Source: "Creating the required VPC service endpoints in an Amazon VPC with private routing",
https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-vpe-create-access.html. S3 is a gateway
endpoint on the private route tables; the
rest are interface endpoints with private DNS in the private subnets.
"""

from __future__ import annotations

GATEWAY_SERVICES: tuple[str, ...] = ("s3",)
INTERFACE_SERVICES: tuple[str, ...] = (
    "monitoring",  # CloudWatch metrics
    "ecr.dkr",  # container images ...
    "ecr.api",  # ... and their registry API (layers come from S3 via the gateway)
    "logs",
    "sqs",  # Celery queue
    "kms",
    "airflow.api",
    "airflow.env",
    "airflow.ops",
)


# Services that offer a (free) gateway endpoint rather than an interface endpoint.
# https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
GATEWAY_CAPABLE: frozenset[str] = frozenset({"s3", "dynamodb"})
# IAM service prefixes whose endpoint has another name; any other prefix is its own endpoint name.
# https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
ENDPOINT_OF_PREFIX = {"cloudwatch": "monitoring", "ecr": "ecr.api", "airflow": "airflow.api", "es": "es"}


def endpoint_for(iam_prefix: str) -> str:
    """The VPC endpoint through which calls of an IAM service prefix go."""
    return ENDPOINT_OF_PREFIX.get(iam_prefix, iam_prefix)


def reachable(extra: tuple[str, ...] | list[str]) -> set[str]:
    """Endpoint names reachable in an endpoints-only network with ``extra`` endpoints."""
    return {*GATEWAY_SERVICES, *INTERFACE_SERVICES, *extra}


def service_name(region: str, service: str) -> str:
    return f"com.amazonaws.{region}.{service}"


def logical_name(service: str) -> str:
    """Stable resource name part of an endpoint: `ecr.dkr` -> `ecr-dkr`."""
    return service.replace(".", "-")


def customer_endpoint_commands(env: str, region: str, vpc_id: str, subnet_ids: list[str], private_webserver: bool) -> list[str]:
    """What to run for an environment with `endpoint_management: customer`: one look-up in the
    environment's account, then one endpoint per service in the VPC owner's account.

    MWAA stays PENDING until these endpoints exist (and fails after 72 hours). The database
    endpoint is always needed, the web server's only with private web server access; both go in
    the environment's subnets and security groups
    (https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-endpoint-management.html).
    """
    services = {"database": "DatabaseVpcEndpointService"}
    if private_webserver:
        services["webserver"] = "WebserverVpcEndpointService"
    fields = ",".join([*(f"{key}:{service}" for key, service in services.items()), "security_groups:NetworkConfiguration.SecurityGroupIds"])
    commands = [f"# in the environment's account:\naws mwaa get-environment --region {region} --name {env} --query 'Environment.{{{fields}}}'"]
    for key in services:
        commands.append(
            f"# in the VPC owner's account, with the {key} service and security groups printed above:\n"
            f"aws ec2 create-vpc-endpoint --region {region} --vpc-endpoint-type Interface --vpc-id {vpc_id} "
            f"--subnet-ids {' '.join(subnet_ids)} --security-group-ids <security_groups> --service-name <{key}>"
        )
    return commands
