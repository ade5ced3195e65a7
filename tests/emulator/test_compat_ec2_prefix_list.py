"""EC2 compatibility fix: a prefix-list rule keeps its description."""

from __future__ import annotations

from typing import Any

import pytest

from zonke_emulator import Emulator

CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"


def _group_with_prefix_list_rule(ec2: Any, cidr: str) -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName=f"probe-{vpc}", Description="probe", VpcId=vpc)["GroupId"]
    lists = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_PREFIX_LIST]}]
    )["PrefixLists"]
    return group, lists[0]["PrefixListId"]


@pytest.mark.fix("ec2-prefix-list-rule-description")
def test_prefix_list_rule_description_is_described_back(emulator: Emulator) -> None:
    ec2 = emulator.boto3_session().client("ec2")
    group, prefix_list = _group_with_prefix_list_rule(ec2, "10.81.0.0/16")
    created = ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": prefix_list, "Description": "from CloudFront"}],
            }
        ],
    )["SecurityGroupRules"]
    rule_id = created[0]["SecurityGroupRuleId"]
    rules = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"]
    assert rules[0]["PrefixListId"] == prefix_list
    assert rules[0].get("Description") == "from CloudFront"


def test_other_rules_are_unchanged(emulator: Emulator) -> None:
    ec2 = emulator.boto3_session().client("ec2")
    group, prefix_list = _group_with_prefix_list_rule(ec2, "10.82.0.0/16")
    created = ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 80,
                "IpRanges": [{"CidrIp": "10.82.0.0/16", "Description": "from the VPC"}],
                "PrefixListIds": [{"PrefixListId": prefix_list}],
            }
        ],
    )["SecurityGroupRules"]
    by_source = {r.get("PrefixListId") or r.get("CidrIpv4"): r for r in created}
    described = {
        r.get("PrefixListId") or r.get("CidrIpv4"): r
        for r in ec2.describe_security_group_rules(
            SecurityGroupRuleIds=[r["SecurityGroupRuleId"] for r in by_source.values()]
        )["SecurityGroupRules"]
    }
    assert described["10.82.0.0/16"]["Description"] == "from the VPC"
    assert "Description" not in described[prefix_list] or not described[prefix_list]["Description"]
