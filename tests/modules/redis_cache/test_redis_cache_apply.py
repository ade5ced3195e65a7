"""Apply modules/redis-cache against the emulator, into a VPC, subnets and an app security group
made with boto3.

Checked with boto3: the replication group has TLS and at-rest encryption with the module's
key, the subnet group holds the given subnets, the security group admits only the app's group
on 6379 and has no egress rule, the user group holds the IAM-authenticated app user and the
switched-off default user; and the state holds no password or token. The harness then
re-plans (no changes), destroys, and checks nothing of the module is left.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import applied

pytestmark = pytest.mark.apply


def test_cache_apply(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    ec2, elasticache = aws.client("ec2"), aws.client("elasticache")
    vpc = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.41.{i}.0/24", AvailabilityZone=f"us-east-1{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("ab")
    ]
    app = ec2.create_security_group(GroupName="zk-app", Description="app", VpcId=vpc)["GroupId"]
    variables = {
        "name": "zk-cache",
        "vpc_id": vpc,
        "subnet_ids": subnets,
        "allowed_security_group_ids": {"service": app},
    }
    with applied(make_root("modules/redis-cache"), aws, variables) as stack:
        out = stack.outputs
        [group] = elasticache.describe_replication_groups(ReplicationGroupId="zk-cache-cache")[
            "ReplicationGroups"
        ]
        assert group["TransitEncryptionEnabled"] is True
        assert group["AtRestEncryptionEnabled"] is True
        assert group["KmsKeyId"] == out["kms_key_arn"]
        assert group.get("AuthTokenEnabled") in (None, False)
        assert group["UserGroupIds"] == ["zk-cache-cache"]
        assert group["ARN"] == out["arn"]
        primary = group["NodeGroups"][0]["PrimaryEndpoint"]
        assert out["primary_endpoint_address"] == primary["Address"]
        url = f"rediss://{primary['Address']}:6379/0"
        assert out["environment"] == {
            "REDIS_URL": url,
            "CACHE_URL": url,
            "REDIS_USERNAME": "zk-cache-cache",
            "REDIS_CACHE_NAME": "zk-cache-cache",
        }
        # the broker with [broker] type = "redis": the same server, database 1
        assert out["broker_url"] == f"rediss://{primary['Address']}:6379/1"

        [subnet_group] = elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="zk-cache-cache")[
            "CacheSubnetGroups"
        ]
        assert sorted(s["SubnetIdentifier"] for s in subnet_group["Subnets"]) == sorted(subnets)

        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [out["security_group_id"]]}]
        )["SecurityGroupRules"]
        assert [r for r in rules if r["IsEgress"]] == []
        assert [
            (
                r["IpProtocol"],
                r["FromPort"],
                r["ToPort"],
                r["ReferencedGroupInfo"]["GroupId"],
                r.get("CidrIpv4"),
            )
            for r in rules
        ] == [("tcp", 6379, 6379, app, None)]

        users = {u["UserId"]: u for u in elasticache.describe_users()["Users"]}
        assert users["zk-cache-cache"]["Authentication"]["Type"] == "iam"
        assert users["zk-cache-cache"]["UserName"] == "zk-cache-cache"
        assert users["zk-cache-default"]["UserName"] == "default"
        assert users["zk-cache-default"]["AccessString"] == "off -@all"
        [user_group] = elasticache.describe_user_groups(UserGroupId="zk-cache-cache")["UserGroups"]
        assert sorted(user_group["UserIds"]) == ["zk-cache-cache", "zk-cache-default"]

        key = aws.client("kms").describe_key(KeyId=out["kms_key_arn"])["KeyMetadata"]
        assert key["KeyManager"] == "CUSTOMER"
        assert aws.client("kms").get_key_rotation_status(KeyId=out["kms_key_arn"])["KeyRotationEnabled"]

        # no secret value in the state: no AUTH token, no user password, no secret at all
        state = json.loads(stack.state_text())
        for resource in state["resources"]:
            for instance in resource["instances"]:
                attrs = instance["attributes"]
                assert not attrs.get("auth_token"), resource["type"]
                assert not attrs.get("passwords"), resource["type"]
        assert out["secrets"] == [] and out["secret_arns"] == []
        policy = json.loads(out["task_role_policy_json"])
        assert sorted(policy["Statement"][0]["Resource"]) == sorted(
            [out["arn"], users["zk-cache-cache"]["ARN"]]
        )
