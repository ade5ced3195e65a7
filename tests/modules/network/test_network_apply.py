"""Apply modules/network against the emulator and check the routing with boto3."""

from __future__ import annotations

from typing import Any

import pytest

from tests.modules.network.routes import assert_default_route
from tests.support import applied

pytestmark = pytest.mark.apply


def test_apply_replan_destroy(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root("modules/network")
    variables = {"name": "apply-net", "nat_gateway_mode": "per_az", "interface_endpoints": ["logs"]}
    with applied(root, aws, variables) as stack:
        out = stack.outputs
        ec2 = aws.client("ec2")
        for rt in out["private_route_table_ids"]:
            assert_default_route(ec2, rt, "nat")
        assert_default_route(ec2, out["public_route_table_id"], "internet")
        assert_default_route(ec2, out["isolated_route_table_id"], "none")

        subnets = {
            s["SubnetId"]: s
            for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [out["vpc_id"]]}])["Subnets"]
        }
        assert len(subnets) == 6
        mapping_public = {sid for sid, s in subnets.items() if s["MapPublicIpOnLaunch"]}
        assert mapping_public == set(out["public_subnet_ids"])

        default_sg = ec2.describe_security_groups(GroupIds=[out["default_security_group_id"]])
        group = default_sg["SecurityGroups"][0]
        assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == []

        logs = aws.client("logs").describe_log_groups(logGroupNamePrefix=out["flow_log_group_name"])
        group_desc = logs["logGroups"][0]
        assert group_desc["retentionInDays"] == 365
        assert group_desc.get("kmsKeyId", "").startswith("arn:aws:kms:")
        assert len(out["nat_public_ips"]) == 2


def test_route_check_fails_on_a_wrong_table(aws: Any) -> None:
    """The route assertion raises when a table routes somewhere it should not."""
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    assert_default_route(ec2, rt, "internet")
    with pytest.raises(AssertionError, match="no route to the internet"):
        assert_default_route(ec2, rt, "none")
    with pytest.raises(AssertionError, match="NAT gateway"):
        assert_default_route(ec2, rt, "nat")
