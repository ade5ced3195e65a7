"""EC2 compatibility fix: a rule that references a security group keeps its description."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator


@pytest.fixture
def ec2(emulator: Emulator) -> Any:
    return emulator.boto3_session().client("ec2")


@pytest.mark.fix("ec2-group-rule-description")
def test_group_rule_description_is_described_back(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    tag = uuid.uuid4().hex[:8]
    db = ec2.create_security_group(GroupName=f"db-{tag}", Description="db", VpcId=vpc)["GroupId"]
    app = ec2.create_security_group(GroupName=f"app-{tag}", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": app, "Description": "postgres from service"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.78.0.0/24", "Description": "ssh from admin"}],
            },
        ],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [db]}])[
        "SecurityGroupRules"
    ]
    ingress = {r["FromPort"]: r for r in rules if not r["IsEgress"]}
    assert ingress[5432]["ReferencedGroupInfo"]["GroupId"] == app
    assert ingress[5432].get("Description") == "postgres from service"
    assert ingress[22]["Description"] == "ssh from admin"  # CIDR rules: unchanged


def test_group_rule_without_description_reports_none(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.79.0.0/16")["Vpc"]["VpcId"]
    tag = uuid.uuid4().hex[:8]
    db = ec2.create_security_group(GroupName=f"db-{tag}", Description="db", VpcId=vpc)["GroupId"]
    app = ec2.create_security_group(GroupName=f"app-{tag}", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "UserIdGroupPairs": [{"GroupId": app}]}
        ],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [db]}])[
        "SecurityGroupRules"
    ]
    (rule,) = [r for r in rules if not r["IsEgress"]]
    assert rule["ReferencedGroupInfo"]["GroupId"] == app
    assert "Description" not in rule or rule["Description"] in (None, "")
