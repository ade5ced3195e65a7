"""ElastiCache compatibility fixes: user groups, cache parameter groups, a replication group's
member clusters and its deletion, and DeleteCacheSubnetGroup (compat/elasticache_*.py).
Each test fails on the emulator without its fix (HTTP 500, or a cluster or group that never
appears or never goes away)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from zonke_emulator import Emulator


class _Client:
    """An ElastiCache client whose calls fail the test when the emulator lacks the call: moto
    answers it with an HTML HTTP 500 page, which botocore cannot parse (ResponseParserError)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr
        return self._failing(name, attr)

    @staticmethod
    def _failing(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def answered(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except ResponseParserError as exc:
                pytest.fail(f"the emulator has no ElastiCache {name} (HTTP 500): {exc}")

        return answered


@pytest.fixture
def elasticache(emulator: Emulator) -> Any:
    return _Client(emulator.boto3_session().client("elasticache"))


def _probe() -> str:
    return f"probe-{uuid.uuid4().hex[:8]}"


@pytest.mark.fix("elasticache-user-groups")
def test_user_groups_are_created_read_modified_tagged_and_deleted(elasticache: Any) -> None:
    name = _probe()
    off = elasticache.create_user(
        UserId=f"{name}-default",
        UserName="default",
        Engine="redis",
        AccessString="off -@all",
        AuthenticationMode={"Type": "no-password-required"},
    )["UserId"]
    app = elasticache.create_user(
        UserId=f"{name}-app",
        UserName=f"{name}-app",
        Engine="redis",
        AccessString="on ~* +@all",
        AuthenticationMode={"Type": "iam"},
    )["UserId"]
    created = elasticache.create_user_group(
        UserGroupId=name, Engine="redis", UserIds=[off], Tags=[{"Key": "team", "Value": "web"}]
    )
    assert (created["Status"], created["UserIds"]) == ("active", [off])
    elasticache.modify_user_group(UserGroupId=name, UserIdsToAdd=[app])
    [group] = elasticache.describe_user_groups(UserGroupId=name)["UserGroups"]
    assert sorted(group["UserIds"]) == sorted([off, app])
    assert elasticache.list_tags_for_resource(ResourceName=group["ARN"])["TagList"] == [
        {"Key": "team", "Value": "web"}
    ]
    # a group needs a user named "default", as on AWS
    with pytest.raises(ClientError) as err:
        elasticache.create_user_group(UserGroupId=f"{name}-x", Engine="redis", UserIds=[app])
    assert err.value.response["Error"]["Code"] == "DefaultUserRequired"

    elasticache.delete_user_group(UserGroupId=name)
    with pytest.raises(ClientError) as err:
        elasticache.describe_user_groups(UserGroupId=name)
    assert err.value.response["Error"]["Code"] == "UserGroupNotFound"
    for user in (off, app):
        elasticache.delete_user(UserId=user)


@pytest.mark.fix("elasticache-parameter-groups")
def test_parameter_groups_keep_the_parameters_a_user_sets(elasticache: Any) -> None:
    name = _probe()
    group = elasticache.create_cache_parameter_group(
        CacheParameterGroupName=name, CacheParameterGroupFamily="valkey8", Description="probe"
    )["CacheParameterGroup"]
    assert (group["CacheParameterGroupFamily"], group["ARN"].split(":")[-2:]) == (
        "valkey8",
        ["parametergroup", name],
    )
    elasticache.modify_cache_parameter_group(
        CacheParameterGroupName=name,
        ParameterNameValues=[{"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"}],
    )
    [read] = elasticache.describe_cache_parameter_groups(CacheParameterGroupName=name)["CacheParameterGroups"]
    assert read["Description"] == "probe"
    params = elasticache.describe_cache_parameters(CacheParameterGroupName=name, Source="user")["Parameters"]
    assert [(p["ParameterName"], p["ParameterValue"], p["Source"]) for p in params] == [
        ("maxmemory-policy", "allkeys-lru", "user")
    ]
    assert elasticache.list_tags_for_resource(ResourceName=read["ARN"])["TagList"] == []
    elasticache.reset_cache_parameter_group(CacheParameterGroupName=name, ResetAllParameters=True)
    assert elasticache.describe_cache_parameters(CacheParameterGroupName=name)["Parameters"] == []
    elasticache.delete_cache_parameter_group(CacheParameterGroupName=name)
    with pytest.raises(ClientError) as err:
        elasticache.describe_cache_parameter_groups(CacheParameterGroupName=name)
    assert err.value.response["Error"]["Code"] == "CacheParameterGroupNotFound"


@pytest.mark.fix("elasticache-replication-group-members")
def test_a_replication_group_has_its_member_clusters_and_is_deleted_with_them(
    emulator: Emulator, elasticache: Any
) -> None:
    ec2 = emulator.boto3_session().client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.0.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName=_probe(), Description="probe", VpcId=vpc)["GroupId"]
    name = _probe()
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName=name, CacheSubnetGroupDescription="probe", SubnetIds=[subnet]
    )
    group = elasticache.create_replication_group(
        ReplicationGroupId=name,
        ReplicationGroupDescription="probe",
        Engine="valkey",
        EngineVersion="8.0",
        CacheNodeType="cache.t4g.micro",
        NumCacheClusters=1,
        CacheSubnetGroupName=name,
        SecurityGroupIds=[sg],
        CacheParameterGroupName="default.valkey8",
        TransitEncryptionEnabled=True,
        TransitEncryptionMode="required",
        AtRestEncryptionEnabled=True,
        PreferredMaintenanceWindow="sun:04:30-sun:05:30",
    )["ReplicationGroup"]
    [member] = group["MemberClusters"]
    [cluster] = elasticache.describe_cache_clusters(CacheClusterId=member, ShowCacheNodeInfo=True)[
        "CacheClusters"
    ]
    assert cluster["ReplicationGroupId"] == name
    assert (cluster["Engine"], cluster["EngineVersion"], cluster["CacheNodeType"]) == (
        "valkey",
        "8.0",
        "cache.t4g.micro",
    )
    assert cluster["CacheSubnetGroupName"] == name
    assert cluster["SecurityGroups"] == [{"SecurityGroupId": sg, "Status": "active"}]
    assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8"
    assert cluster["AtRestEncryptionEnabled"] is True and cluster["TransitEncryptionEnabled"] is True
    assert cluster["TransitEncryptionMode"] == "required"
    assert cluster["PreferredMaintenanceWindow"] == "sun:04:30-sun:05:30"

    elasticache.delete_replication_group(ReplicationGroupId=name)
    with pytest.raises(ClientError) as err:
        elasticache.describe_replication_groups(ReplicationGroupId=name)
    assert err.value.response["Error"]["Code"] == "ReplicationGroupNotFoundFault"
    with pytest.raises(ClientError):
        elasticache.describe_cache_clusters(CacheClusterId=member)
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName=name)


@pytest.mark.fix("elasticache-subnet-group-delete")
def test_a_deleted_cache_subnet_group_is_gone(emulator: Emulator, elasticache: Any) -> None:
    """DeleteCacheSubnetGroup deletes the group; DescribeCacheSubnetGroups then answers
    CacheSubnetGroupNotFoundFault (https://docs.aws.amazon.com/AmazonElastiCache/latest/
    APIReference/API_DeleteCacheSubnetGroup.html)."""
    ec2 = emulator.boto3_session().client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.43.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.43.0.0/24")["Subnet"]["SubnetId"]
    name = _probe()
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName=name, CacheSubnetGroupDescription="probe", SubnetIds=[subnet]
    )
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName=name)
    with pytest.raises(ClientError) as err:
        elasticache.describe_cache_subnet_groups(CacheSubnetGroupName=name)
    assert err.value.response["Error"]["Code"] == "CacheSubnetGroupNotFoundFault"
