"""Plan tests of modules/network: defaults, NAT per AZ, 2 and 3 AZs, endpoints, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import TerraformRoot, assert_plan_matches

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def network(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/network").init()


def test_defaults(network: TerraformRoot) -> None:
    plan = network.plan({"name": "demo"})
    assert_plan_matches(plan, HERE / "expected_default.yaml")
    # one default route per private table and one for the public table; none for the isolated tier
    assert sorted(plan.of_type("aws_route")) == [
        'aws_route.private_nat["us-east-1a"]',
        'aws_route.private_nat["us-east-1b"]',
        "aws_route.public_internet",
    ]


def test_three_azs_nat_per_az_all_endpoints(network: TerraformRoot) -> None:
    plan = network.plan(
        {
            "name": "demo",
            "cidr_block": "10.20.0.0/16",
            "az_count": 3,
            "nat_gateway_mode": "per_az",
            "enable_s3_gateway_endpoint": False,
            "interface_endpoints": ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts"],
        }
    )
    assert_plan_matches(plan, HERE / "expected_per_az_3az.yaml")


def test_two_azs_per_az_nat_and_tags(network: TerraformRoot) -> None:
    plan = network.plan({"name": "demo", "nat_gateway_mode": "per_az", "tags": {"team": "web"}})
    assert plan.counts["aws_nat_gateway"] == 2
    for addr, values in plan.values.items():
        if "tags" in values and not addr.startswith("data."):
            assert values["tags"].get("team") == "web", f"{addr} lacks the tags input"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"cidr_block": "10.0.0.0/33"}, "cidr_block must be an IPv4 CIDR"),
        ({"cidr_block": "not-a-cidr"}, "cidr_block must be an IPv4 CIDR"),
        ({"cidr_block": "10.0.0.0/26"}, "prefix length from /16 to /24"),
        ({"cidr_block": "10.0.0.1/16"}, "network address"),
        ({"az_count": 4}, "az_count must be 2 or 3"),
        ({"nat_gateway_mode": "none"}, "nat_gateway_mode must be"),
        ({"interface_endpoints": ["ec2"]}, "interface_endpoints may only contain"),
        ({"name": "Bad_Name"}, "name must be 2-32 characters"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(
    network: TerraformRoot, variables: dict[str, object], message: str
) -> None:
    error = network.plan_error({"name": "demo", **variables})
    assert message in " ".join(error.split()), error
