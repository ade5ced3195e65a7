"""The example stack's edge modes, by plan: no plaintext hop once a domain is configured.

- public + Route 53 zone: HTTPS to origin.<domain> with a regional certificate, both
  certificates created and DNS-validated in the zone (CloudFront's in us-east-1 through
  the `aws.us_east_1` provider alias), alias records for the site and the origin;
- private (hardened): an internal ALB in the private subnets, a CloudFront VPC origin.

The emulator has no CloudFront VPC origins (moto 5.2.5 lacks the API), so the hardened
mode is proven by plan only; the public mode's ALB and distribution are applied in
tests/modules/cdn_static/test_edge_apply.py.
"""

from __future__ import annotations

import pytest

from tests.support import PlanResult, TerraformRoot, one_line
from tests.support.example import LOCAL_VARS

ZONE = "Z0123456789ABCDEFGHIJ"
DOMAIN = {"domain_name": "shop.example.com", "route53_zone_id": ZONE}


def origin_protocols(plan: PlanResult) -> list[str]:
    found = [
        c["origin_protocol_policy"]
        for o in plan.one("aws_cloudfront_distribution")["origin"]
        for c in o["custom_origin_config"]
    ]
    for vpc_origin in plan.of_type("aws_cloudfront_vpc_origin").values():
        found += [c["origin_protocol_policy"] for c in vpc_origin["vpc_origin_endpoint_config"]]
    return found


def provider_of(plan: PlanResult, address: str) -> str:
    resources = plan.raw["configuration"]["root_module"]["resources"]
    return str(next(r for r in resources if r["address"] == address)["provider_config_key"])


@pytest.fixture(scope="module")
def public_plan(example: TerraformRoot) -> PlanResult:
    return example.plan({**LOCAL_VARS, **DOMAIN})


@pytest.fixture(scope="module")
def private_plan(example: TerraformRoot) -> PlanResult:
    return example.plan({**LOCAL_VARS, **DOMAIN, "edge_origin": "private"})


@pytest.mark.parametrize("mode", ["public_plan", "private_plan"])
def test_no_http_only_origin_with_a_domain(mode: str, request: pytest.FixtureRequest) -> None:
    plan: PlanResult = request.getfixturevalue(mode)
    protocols = origin_protocols(plan)
    assert protocols and set(protocols) == {"https-only"}, protocols
    https = plan.values["module.alb.aws_lb_listener.https[0]"]
    assert https["protocol"] == "HTTPS" and https["port"] == 443
    assert plan.values["module.alb.aws_lb_listener.http"]["default_action"][0]["type"] == "redirect"
    rule_keys = [
        a for a in plan.values if a.startswith("module.alb.aws_lb_listener_rule.forward_with_origin_secret")
    ]
    assert rule_keys == ['module.alb.aws_lb_listener_rule.forward_with_origin_secret["https"]']


def test_the_stack_creates_and_validates_both_certificates(public_plan: PlanResult) -> None:
    cdn = public_plan.values["aws_acm_certificate.cdn[0]"]
    origin = public_plan.values["aws_acm_certificate.origin[0]"]
    assert cdn["domain_name"] == "shop.example.com" and cdn["validation_method"] == "DNS"
    assert origin["domain_name"] == "shop.example.com" and origin["validation_method"] == "DNS"
    assert sorted(origin["subject_alternative_names"]) == ["origin.shop.example.com", "shop.example.com"]
    # CloudFront's certificate comes from us-east-1 through the alias; the origin's from the stack's region
    assert provider_of(public_plan, "aws_acm_certificate.cdn") == "aws.us_east_1"
    assert provider_of(public_plan, "aws_acm_certificate_validation.cdn") == "aws.us_east_1"
    assert provider_of(public_plan, "aws_acm_certificate.origin") == "aws"
    assert public_plan.counts["aws_acm_certificate_validation"] == 2
    # records in the zone: the site (A, AAAA) at CloudFront, origin.<domain> at the ALB
    site = {
        a: v
        for a, v in public_plan.of_type("aws_route53_record").items()
        if a.startswith("aws_route53_record.site")
    }
    assert sorted(v["type"] for v in site.values()) == ["A", "AAAA"]
    assert all(v["zone_id"] == ZONE and v["name"] == "shop.example.com" for v in site.values())
    origin_record = public_plan.values["aws_route53_record.origin[0]"]
    assert origin_record["name"] == "origin.shop.example.com" and origin_record["zone_id"] == ZONE
    dist = public_plan.one("aws_cloudfront_distribution")
    assert dist["aliases"] == ["shop.example.com"]
    alb_origin = next(o for o in dist["origin"] if o["origin_id"] == "alb")
    assert alb_origin["domain_name"] == "origin.shop.example.com"
    assert public_plan.one("aws_lb")["internal"] is False


def test_the_pipeline_may_manage_the_certificates_and_records_of_the_domain(public_plan: PlanResult) -> None:
    """The Infrastructure role gets the domain's ACM and Route 53 permissions from the stack
    (modules/codepipeline/iam_domain.tf; their scoping is tested there)."""
    policy = public_plan.values.get('module.pipeline[0].aws_iam_policy.infra["domain"]')
    assert policy is not None, "the stack does not hand its domain to the pipeline module"
    text = policy["policy"]
    assert f"hostedzone/{ZONE}" in text and "origin.shop.example.com" in text
    assert "route53:ChangeResourceRecordSets" in text and "acm:RequestCertificate" in text


def test_private_mode_uses_an_internal_alb_and_a_vpc_origin(private_plan: PlanResult) -> None:
    lb = private_plan.one("aws_lb")
    assert lb["internal"] is True
    assert private_plan.counts["aws_cloudfront_vpc_origin"] == 1
    vpc_origin = private_plan.one("aws_cloudfront_vpc_origin")["vpc_origin_endpoint_config"][0]
    assert vpc_origin["origin_protocol_policy"] == "https-only"
    # no origin.<domain> record: CloudFront reaches the ALB through the VPC origin
    assert "aws_route53_record.origin[0]" not in private_plan.values
    ingress = private_plan.values["module.alb.aws_vpc_security_group_ingress_rule.cloudfront"]
    assert ingress["from_port"] == 443 and ingress.get("prefix_list_id") is None
    # the VPC's range, read from the VPC created in the same apply: known after apply
    change = next(
        rc["change"]
        for rc in private_plan.raw["resource_changes"]
        if rc["address"] == "module.alb.aws_vpc_security_group_ingress_rule.cloudfront"
    )
    assert change["after_unknown"].get("cidr_ipv4") is True


def test_private_mode_without_a_domain_is_refused(example: TerraformRoot) -> None:
    error = one_line(example.plan_error({**LOCAL_VARS, "edge_origin": "private"}))
    assert "needs domain_name and route53_zone_id" in error, error[-3000:]
