"""Plan tests of modules/redis-cache beyond its plan cases (cases.yaml: defaults with no
password or token anywhere, the redis engine's family, the security group, bad input): the
URL's form and the task role's policy, and a two-node cache failing over across zones."""

from __future__ import annotations

import json

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside

BASE = cases_beside(__file__).base_vars()


@pytest.fixture(scope="module")
def cache(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/redis-cache").init()


def test_the_url_has_no_credentials_and_the_role_connects_to_the_cache(cache: TerraformRoot) -> None:
    plan = cache.plan(BASE)
    # the URL is known only after the apply (the endpoint); its form is in the configuration
    outputs = plan.raw["configuration"]["root_module"]["outputs"]
    env = outputs["environment"]["expression"]
    assert "aws_elasticache_replication_group.this" in env["references"]
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
    # exactly these tags (a subset match in cases.yaml would let others through)
    assert group["tags"] == {"team": "web", "zonke:module": "redis-cache", "Name": "shop-prod-cache"}
