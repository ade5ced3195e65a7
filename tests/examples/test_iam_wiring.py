"""The example stack wires the pipeline's permission boundary and IAM path into every module."""

from __future__ import annotations

from tests.support import TerraformRoot
from tests.support.example import LOCAL_VARS

STACK = f"{LOCAL_VARS['app_name']}-{LOCAL_VARS['environment']}"
PATH = f"/zonke/{STACK}/"
BOUNDARY = f"arn:aws:iam::123456789012:policy{PATH}terraform/{STACK}-boundary"


def test_every_role_carries_the_boundary_under_the_stack_path(example: TerraformRoot) -> None:
    plan = example.plan({**LOCAL_VARS, "capacity_type": "EC2"})  # EC2 adds the host role
    roles = plan.of_type("aws_iam_role")
    modules = {a.split(".")[1].split("[")[0] for a in roles}
    assert modules == {"network", "secrets", "database", "service", "migrations", "pipeline"}, modules
    assert len(roles) == 12, sorted(roles)
    for address, role in roles.items():
        if address.endswith("aws_iam_role.infra"):
            assert role["path"] == f"{PATH}terraform/" and role.get("permissions_boundary") is None
            continue
        assert role["permissions_boundary"] == BOUNDARY, address
        assert role["path"] == PATH, address
    [profile] = plan.of_type("aws_iam_instance_profile").values()
    assert profile["path"] == PATH
