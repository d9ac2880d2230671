"""What the VPC owner runs for customer-managed endpoints."""

from __future__ import annotations

from mwaaform.network.endpoints import customer_endpoint_commands


def test_private_web_server_needs_both_endpoints_public_only_the_database():
    private = customer_endpoint_commands("etl", "eu-central-1", "vpc-1", ["subnet-a", "subnet-b"], private_webserver=True)
    public = customer_endpoint_commands("etl", "eu-central-1", "vpc-1", ["subnet-a", "subnet-b"], private_webserver=False)
    assert "--name etl" in private[0] and "DatabaseVpcEndpointService" in private[0]
    assert [c for c in private if "create-vpc-endpoint" in c and "<webserver>" in c]
    assert not [c for c in public if "<webserver>" in c] and "WebserverVpcEndpointService" not in public[0]
    for command in private[1:]:
        assert "--vpc-endpoint-type Interface --vpc-id vpc-1 --subnet-ids subnet-a subnet-b" in command
