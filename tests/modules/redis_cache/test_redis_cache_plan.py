"""Plan tests of modules/redis-cache: the cache, its encryption, RBAC with IAM authentication
(no password or token anywhere), the security group, the contract's values, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot, assert_plan_matches

HERE = Path(__file__).parent

BASE = {"name": "shop-prod", "vpc_id": "vpc-0123", "subnet_ids": ["subnet-0aaa", "subnet-0bbb"]}


@pytest.fixture(scope="module")
def cache(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/redis-cache").init()


def test_defaults(cache: TerraformRoot) -> None:
    assert_plan_matches(cache.plan(BASE), HERE / "expected_default.yaml")


def test_nothing_secret_is_planned_and_the_url_has_no_credentials(cache: TerraformRoot) -> None:
    plan = cache.plan(BASE)
    group = plan.one("aws_elasticache_replication_group")
    assert group.get("auth_token") is None
    for user in plan.of_type("aws_elasticache_user").values():
        assert user.get("passwords") is None
        assert all(m.get("passwords") is None for m in user["authentication_mode"])
    # the URL is known only after the apply (the endpoint); its form is in the configuration
    outputs = plan.raw["configuration"]["root_module"]["outputs"]
    env = outputs["environment"]["expression"]
    assert "aws_elasticache_replication_group.this" in env["references"]
    assert plan.outputs["secrets"] == [] and plan.outputs["secret_arns"] == []
    policy = json.loads(plan.outputs["task_role_policy_json"])
    [statement] = policy["Statement"]
    assert statement["Action"] == "elasticache:Connect"
    assert sorted(statement["Resource"]) == sorted(plan.outputs["connect_resource_arns"])


def test_two_nodes_fail_over_across_zones(cache: TerraformRoot) -> None:
    plan: PlanResult = cache.plan(
        {
            **BASE,
            "node_count": 2,
            "multi_az": True,
            "node_type": "cache.t4g.small",
            "snapshot_retention_days": 7,
            "snapshot_window": "01:00-02:00",
            "maintenance_window": "sat:03:00-sat:04:00",
            "tags": {"team": "web"},
        }
    )
    group = plan.one("aws_elasticache_replication_group")
    assert (group["num_cache_clusters"], group["automatic_failover_enabled"], group["multi_az_enabled"]) == (
        2,
        True,
        True,
    )
    assert group["node_type"] == "cache.t4g.small"
    assert (group["snapshot_retention_limit"], group["snapshot_window"], group["maintenance_window"]) == (
        7,
        "01:00-02:00",
        "sat:03:00-sat:04:00",
    )
    assert group["tags"] == {"team": "web", "zonke:module": "redis-cache", "Name": "shop-prod-cache"}


def test_redis_engine_gets_its_family(cache: TerraformRoot) -> None:
    plan = cache.plan(
        {**BASE, "engine": "redis", "engine_version": "7.1", "maxmemory_policy": "volatile-lru"}
    )
    group = plan.one("aws_elasticache_replication_group")
    assert (group["engine"], group["engine_version"]) == ("redis", "7.1")
    params = plan.one("aws_elasticache_parameter_group")
    assert params["family"] == "redis7"
    assert params["parameter"] == [{"name": "maxmemory-policy", "value": "volatile-lru"}]


def test_only_the_allowed_groups_reach_the_cache_port(cache: TerraformRoot) -> None:
    plan = cache.plan({**BASE, "allowed_security_group_ids": {"service": "sg-0aaa", "worker": "sg-0bbb"}})
    rules = plan.of_type("aws_vpc_security_group_ingress_rule")
    assert sorted(rules) == [
        'aws_vpc_security_group_ingress_rule.allowed["service"]',
        'aws_vpc_security_group_ingress_rule.allowed["worker"]',
    ]
    assert {
        (r["referenced_security_group_id"], r["ip_protocol"], r["from_port"], r["to_port"])
        for r in rules.values()
    } == {("sg-0aaa", "tcp", 6379, 6379), ("sg-0bbb", "tcp", 6379, 6379)}
    assert all(r.get("cidr_ipv4") is None and r.get("cidr_ipv6") is None for r in rules.values())
    assert plan.counts.get("aws_vpc_security_group_egress_rule", 0) == 0
    [group] = plan.of_type("aws_security_group").values()
    assert group.get("ingress") in (None, []) or "ingress" not in group


@pytest.mark.parametrize(
    ("variables", "messages"),
    [
        (
            {"name": "Shop", "subnet_ids": []},
            ["name must be 2-32 characters", "subnet_ids must list one or more distinct subnet IDs"],
        ),
        (
            {"name": "shop--prod", "vpc_id": "shop", "node_count": 7},
            [
                "name must be 2-32 characters",
                "vpc_id must be a VPC ID",
                "node_count must be a whole number from 1 to 6",
            ],
        ),
        (
            {"multi_az": True, "engine": "memcached"},
            ["multi_az needs node_count of 2 or more", 'engine must be "valkey" or "redis"'],
        ),
        (
            {
                "engine": "redis",
                "engine_version": "6.2",
                "maxmemory_policy": "lru",
                "snapshot_retention_days": 36,
            },
            [
                "engine_version must be <major>.<minor>, 7.0 or later",
                "maxmemory_policy must be one of",
                "snapshot_retention_days must be a whole number from 0 to 35",
            ],
        ),
        (
            {
                "engine_version": "7.1",
                "snapshot_window": "3:00-4:00",
                "maintenance_window": "sunday:04:30-sunday:05:30",
                "node_type": "t4g.micro",
                "allowed_security_group_ids": {"Service": "web"},
            },
            [
                "engine_version of valkey must be 7.2 or later",
                "snapshot_window must be hh24:mi-hh24:mi",
                "maintenance_window must be ddd:hh24:mi-ddd:hh24:mi",
                "node_type must be an ElastiCache node type",
                "allowed_security_group_ids keys must be",
                "allowed_security_group_ids values must be security group IDs",
            ],
        ),
    ],
    ids=[
        "name-subnets",
        "hyphens-vpc-nodes",
        "multi-az-engine",
        "version-policy-retention",
        "valkey-7.1-windows-type-sgs",
    ],
)
def test_bad_input_is_rejected_with_clear_messages(
    cache: TerraformRoot, variables: dict[str, Any], messages: list[str]
) -> None:
    error = " ".join(cache.plan_error({**BASE, **variables}).split())
    missing = [m for m in messages if m not in error]
    assert not missing, f"messages {missing} not in:\n{error}"
