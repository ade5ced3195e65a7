"""Plan tests of modules/alb: defaults, HTTPS, tuning and logs, secret rotation, internal mode
(the bad inputs are plan cases: cases.yaml).

The module reads its VPC's CIDR (for the egress rule) and the CloudFront origin-facing
prefix list from AWS, so each plan runs against a VPC created in the emulator; its ID is
known only at run time, which is why these plans (and their expected_*.yaml) stay here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot, assert_plan_matches
from tests.support.cases import cases_beside
from zonke_emulator import Emulator

HERE = Path(__file__).parent
CASES = cases_beside(__file__)
SECRET: str = CASES.base["origin_secret_value"]
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
CIDR = "10.61.0.0/16"
PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"


@pytest.fixture(scope="module")
def alb(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/alb").init()


@pytest.fixture
def base(emulator: Emulator) -> dict[str, Any]:
    """Valid inputs, with a VPC in the emulator (created again if another test reset it)."""
    ec2 = emulator.boto3_session().client("ec2")
    found = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": [CIDR]}])["Vpcs"]
    vpc = found[0]["VpcId"] if found else ec2.create_vpc(CidrBlock=CIDR)["Vpc"]["VpcId"]
    return CASES.base_vars(vpc_id=vpc)


def cloudfront_prefix_list_id(emulator: Emulator) -> str:
    ec2 = emulator.boto3_session().client("ec2")
    lists = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [PREFIX_LIST]}])
    return str(lists["PrefixLists"][0]["PrefixListId"])


def test_defaults(alb: TerraformRoot, base: dict[str, Any], emulator: Emulator) -> None:
    plan = alb.plan(base)
    assert_plan_matches(plan, HERE / "expected_default.yaml")
    ingress = plan.one("aws_vpc_security_group_ingress_rule")
    assert ingress["prefix_list_id"] == cloudfront_prefix_list_id(emulator)
    target_group = plan.one("aws_lb_target_group")
    assert target_group["vpc_id"] == base["vpc_id"]
    # <name>-<4 hex>: fits the 32-character limit, changes when a setting forces a new group
    assert re.fullmatch(r"demo-[0-9a-f]{4}", target_group["name"])
    assert plan.one("aws_security_group")["vpc_id"] == base["vpc_id"]
    # no certificate: no HTTPS listener at all (null, not merely unknown until apply)
    assert _after_unknown_outputs(plan)["https_listener_arn"] is False


def test_https_with_certificate(alb: TerraformRoot, base: dict[str, Any]) -> None:
    plan = alb.plan({**base, "certificate_arn": CERT})
    assert_plan_matches(plan, HERE / "expected_https.yaml")
    # Listener ARNs are unknown until apply; the rule's key names its listener (above),
    # and the listener_arn output is the HTTPS listener's, unknown like it.
    assert plan.outputs["https_listener_arn"] is None and plan.outputs["listener_arn"] is None
    assert _after_unknown_outputs(plan)["https_listener_arn"] is True


def test_tuning_logs_tags_and_a_secret_rotation(alb: TerraformRoot, base: dict[str, Any]) -> None:
    previous = "fedcba9876543210fedcba9876543210"
    plan = alb.plan(
        {
            **base,
            "name": "a" * 27,
            "target_port": 8080,
            "deregistration_delay": 10,
            "idle_timeout": 120,
            "deletion_protection": False,
            "health_check": {"path": "/ping", "matcher": "200-299", "interval": 30, "healthy_threshold": 3},
            "access_logs_bucket": "demo-logs",
            "origin_secret_header_name": "X-Edge-Secret-Check",
            "origin_secret_previous_value": previous,
            "tags": {"team": "web"},
        }
    )
    target_group = plan.one("aws_lb_target_group")
    assert len(target_group["name"]) == 32
    assert target_group["port"] == 8080 and target_group["deregistration_delay"] == "10"
    expected_check = {
        "path": "/ping",
        "matcher": "200-299",
        "interval": 30,
        "timeout": 5,
        "healthy_threshold": 3,
        "unhealthy_threshold": 3,
    }
    check = target_group["health_check"][0]
    assert {k: check[k] for k in expected_check} == expected_check
    lb = plan.one("aws_lb")
    assert lb["name"] == "a" * 27 and lb["idle_timeout"] == 120 and lb["enable_deletion_protection"] is False
    assert lb["access_logs"] == [{"bucket": "demo-logs", "prefix": f"alb/{'a' * 27}", "enabled": True}]
    egress = plan.one("aws_vpc_security_group_egress_rule")
    assert (egress["from_port"], egress["to_port"]) == (8080, 8080)
    header = plan.values['aws_lb_listener_rule.forward_with_origin_secret["http"]']["condition"][0][
        "http_header"
    ][0]
    assert header == {"http_header_name": "X-Edge-Secret-Check", "values": [SECRET, previous]}
    for address, values in plan.values.items():
        if "tags" in values and not address.startswith("data."):
            assert values["tags"].get("team") == "web", f"{address} lacks the tags input"


def _after_unknown_outputs(plan: PlanResult) -> dict[str, Any]:
    return {name: change["after_unknown"] for name, change in plan.raw["output_changes"].items()}


# --- hardened mode: internal ALB, reached by CloudFront through a VPC origin over HTTPS


def test_internal_mode_has_no_public_address_and_admits_https_from_the_vpc_only(
    alb: TerraformRoot, base: dict[str, Any]
) -> None:
    private = ["subnet-0ccc3333", "subnet-0ddd4444"]
    plan = alb.plan(
        {
            **base,
            "public_subnet_ids": [],
            "internal": True,
            "private_subnet_ids": private,
            "certificate_arn": CERT,
        }
    )
    lb = plan.one("aws_lb")
    assert lb["internal"] is True and sorted(lb["subnets"]) == private
    ingress = plan.one("aws_vpc_security_group_ingress_rule")
    assert (ingress["from_port"], ingress["to_port"], ingress["ip_protocol"]) == (443, 443, "tcp")
    assert ingress["cidr_ipv4"] == CIDR and ingress.get("prefix_list_id") is None
    # CloudFront's listener is the HTTPS one; port 80 only redirects; the secret still gates forwarding
    https = plan.values["aws_lb_listener.https[0]"]
    assert https["protocol"] == "HTTPS" and https["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    assert plan.values["aws_lb_listener.http"]["default_action"][0]["type"] == "redirect"
    assert 'aws_lb_listener_rule.forward_with_origin_secret["https"]' in plan.values
    assert plan.outputs["internal"] is True
