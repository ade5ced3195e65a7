"""Plan tests of modules/cdn-static beyond its plan cases (cases.yaml: defaults, a custom
domain, signed media URLs, bad inputs): the origins, what is known only after apply, the
policies' statements, media behind a domain, overrides and tags, the edge modes' origin
protocols.

The emulator has no CloudFront cache, origin request or response headers policies (the
API answers 404), so the policy the module creates for Django is checked here, by plan,
and the apply test passes an AWS-managed policy ID instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside
from tests.support.moves import PRIVATE_BUCKET_MOVES, assert_moved_in_place, moved_plan, private_bucket_state

CASES = cases_beside(__file__)
BASE = CASES.base_vars()
BUCKET_POLICY = "module.bucket.data.aws_iam_policy_document.this"
ALB: str = BASE["alb_dns_name"]
# the custom_domain case's own variables: aliases, certificate and the ALB's origin name
CUSTOM_DOMAIN: dict[str, Any] = CASES.cases["custom_domain"].variables


@pytest.fixture(scope="module")
def cdn(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/cdn-static").init()


def origins(plan: PlanResult) -> dict[str, dict[str, Any]]:
    dist = plan.one("aws_cloudfront_distribution")
    return {o["origin_id"]: o for o in dist["origin"]}


def unknown_after_apply(plan: PlanResult, address: str) -> dict[str, Any]:
    change = next(rc["change"] for rc in plan.raw["resource_changes"] if rc["address"] == address)
    return dict(change["after_unknown"])


def statements(plan: PlanResult, document: str) -> dict[str, dict[str, Any]]:
    return {s["sid"]: s for s in plan.values[document]["statement"]}


def test_defaults(cdn: TerraformRoot) -> None:
    plan = cdn.plan(BASE)
    # public mode, without a domain, stays HTTP to the ALB (the defaults case: the output
    # says so, and there is no VPC origin)
    assert planned_origin_protocols(plan) == ["http-only"]

    alb = origins(plan)["alb"]
    assert alb["domain_name"] == ALB
    assert alb["custom_origin_config"][0]["origin_protocol_policy"] == "http-only"
    assert alb["custom_origin_config"][0]["origin_ssl_protocols"] == ["TLSv1.2"]
    assert [h["name"] for h in alb["custom_header"]] == ["X-Origin-Verify"]
    static = origins(plan)["static"]
    assert static["custom_origin_config"] == [] and static["custom_header"] == []
    # the static origin is signed with this module's origin access control (known after apply)
    dist_unknown = unknown_after_apply(plan, "aws_cloudfront_distribution.this")
    assert any(o.get("origin_access_control_id") for o in dist_unknown["origin"])
    # the secret parameter is encrypted with the module's key
    assert unknown_after_apply(plan, "aws_ssm_parameter.origin_secret[0]")["key_id"] is True
    assert unknown_after_apply(plan, "aws_ssm_parameter.origin_secret[0]")["value"] is True
    # Django's behaviour uses the module's own cache policy, whose ID comes after apply
    assert dist_unknown["default_cache_behavior"][0]["cache_policy_id"] is True

    bucket = statements(plan, BUCKET_POLICY)
    deny = bucket["DenyInsecureTransport"]
    assert deny["effect"] == "Deny" and deny["actions"] == ["s3:*"]
    assert deny["condition"] == [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]
    assert sorted(deny["resources"]) == [
        "arn:aws:s3:::demo-static-123456789012",
        "arn:aws:s3:::demo-static-123456789012/*",
    ]
    read = bucket["ThisDistributionReadsStaticFiles"]
    assert read["principals"] == [{"type": "Service", "identifiers": ["cloudfront.amazonaws.com"]}]
    assert read["actions"] == ["s3:GetObject"]
    assert read["resources"] == ["arn:aws:s3:::demo-static-123456789012/static/*"]
    assert [(c["test"], c["variable"]) for c in read["condition"]] == [("StringEquals", "AWS:SourceArn")]
    assert len(bucket) == 2

    key = statements(plan, "data.aws_iam_policy_document.kms[0]")
    cloudfront = key["CloudFrontDecryptsForThisDistribution"]
    assert cloudfront["actions"] == ["kms:Decrypt"]
    assert cloudfront["principals"] == [{"type": "Service", "identifiers": ["cloudfront.amazonaws.com"]}]
    assert [(c["test"], c["variable"]) for c in cloudfront["condition"]] == [
        ("StringEquals", "AWS:SourceArn")
    ]


def test_custom_domain(cdn: TerraformRoot) -> None:
    plan = cdn.plan({**BASE, **CUSTOM_DOMAIN})
    alb = origins(plan)["alb"]
    assert alb["domain_name"] == "origin.example.com"
    assert alb["custom_origin_config"][0]["origin_protocol_policy"] == "https-only"


def test_media_enabled_with_a_domain_but_no_origin_name(cdn: TerraformRoot) -> None:
    media_domain = "demo-media-123456789012.s3.us-east-1.amazonaws.com"
    variables = {**BASE, **CUSTOM_DOMAIN, "media_origin": {"domain_name": media_domain, "prefix": "media"}}
    del variables["origin_domain_name"]
    plan = cdn.plan(variables)
    behaviours = plan.one("aws_cloudfront_distribution")["ordered_cache_behavior"]
    assert [(b["path_pattern"], b["target_origin_id"]) for b in behaviours] == [
        ("/static/*", "static"),
        ("/media/*", "media"),
    ]
    for behaviour in behaviours:
        assert behaviour["cache_policy_id"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"
        assert behaviour["viewer_protocol_policy"] == "redirect-to-https"
        assert behaviour["allowed_methods"] == ["GET", "HEAD"]
        assert behaviour["trusted_key_groups"] == []
    # the media bucket is an origin of its own; the static bucket's policy names static/ only
    assert origins(plan)["media"]["domain_name"] == media_domain
    read = statements(plan, BUCKET_POLICY)["ThisDistributionReadsStaticFiles"]
    assert read["resources"] == ["arn:aws:s3:::demo-static-123456789012/static/*"]
    assert plan.outputs["media_prefix"] == "media/"
    assert plan.outputs["media_url"] == "https://www.example.com/media/"
    # without an origin name the ALB's certificate cannot match: HTTP to its DNS name
    alb = origins(plan)["alb"]
    assert alb["domain_name"] == ALB
    assert alb["custom_origin_config"][0]["origin_protocol_policy"] == "http-only"


def test_overrides_logs_waf_and_given_secret(cdn: TerraformRoot) -> None:
    kms = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    waf = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/demo/abcd"
    plan = cdn.plan(
        {
            **BASE,
            "app_cache_policy_id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "response_headers_policy_id": None,
            "kms_key_arn": kms,
            "origin_secret_value": "s" * 40,
            "access_logs_bucket": "demo-logs",
            "web_acl_arn": waf,
            "price_class": "PriceClass_100",
            "bucket_name": "demo-assets",
            "tags": {"team": "web"},
        }
    )
    assert "aws_cloudfront_cache_policy" not in plan.counts
    for generated in ("aws_kms_key", "aws_kms_key_policy", "terraform_data", "aws_ssm_parameter"):
        assert generated not in plan.counts, f"{generated} is created although its value is given"
    dist = plan.one("aws_cloudfront_distribution")
    assert dist["default_cache_behavior"][0]["cache_policy_id"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    assert dist["default_cache_behavior"][0].get("response_headers_policy_id") is None
    assert dist["web_acl_id"] == waf and dist["price_class"] == "PriceClass_100"
    assert dist["logging_config"] == [
        {"bucket": "demo-logs.s3.amazonaws.com", "prefix": "cloudfront/demo/", "include_cookies": False}
    ]
    logging = plan.one("aws_s3_bucket_logging")
    assert logging["target_bucket"] == "demo-logs" and logging["target_prefix"] == "s3/demo-assets/"
    sse = plan.one("aws_s3_bucket_server_side_encryption_configuration")
    assert sse["rule"][0]["apply_server_side_encryption_by_default"][0]["kms_master_key_id"] == kms
    assert plan.one("aws_s3_bucket")["bucket"] == "demo-assets"
    assert plan.outputs["kms_key_arn"] == kms
    assert plan.outputs["origin_secret_parameter_name"] is None
    for address, values in plan.values.items():
        if "tags" in values and not address.startswith("data."):
            assert values["tags"].get("team") == "web", f"{address} lacks the tags input"


# --- edge modes: no plaintext hop in the domain and hardened modes

ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo/0123456789abcdef"
INTERNAL_ALB = "internal-demo-123456.us-east-1.elb.amazonaws.com"


def planned_origin_protocols(plan: PlanResult) -> list[str]:
    """Every origin protocol policy the plan sets, on the distribution and on VPC origins."""
    found = [
        c["origin_protocol_policy"]
        for o in plan.one("aws_cloudfront_distribution")["origin"]
        for c in o["custom_origin_config"]
    ]
    for vpc_origin in plan.of_type("aws_cloudfront_vpc_origin").values():
        found += [c["origin_protocol_policy"] for c in vpc_origin["vpc_origin_endpoint_config"]]
    return found


@pytest.mark.parametrize(
    "mode",
    [
        {**CUSTOM_DOMAIN},
        {**CUSTOM_DOMAIN, "alb_dns_name": INTERNAL_ALB, "vpc_origin": True, "vpc_origin_alb_arn": ALB_ARN},
    ],
    ids=["domain", "hardened-vpc-origin"],
)
def test_no_http_only_origin_in_the_domain_and_hardened_modes(
    cdn: TerraformRoot, mode: dict[str, Any]
) -> None:
    plan = cdn.plan({**BASE, **mode})
    protocols = planned_origin_protocols(plan)
    assert protocols and "http-only" not in protocols and set(protocols) == {"https-only"}, protocols
    assert plan.outputs["origin_protocol_policy"] == "https-only"


def test_hardened_mode_reaches_the_internal_alb_through_a_vpc_origin(cdn: TerraformRoot) -> None:
    plan = cdn.plan(
        {
            **BASE,
            **CUSTOM_DOMAIN,
            "alb_dns_name": INTERNAL_ALB,
            "vpc_origin": True,
            "vpc_origin_alb_arn": ALB_ARN,
        }
    )
    vpc_origin = plan.one("aws_cloudfront_vpc_origin")["vpc_origin_endpoint_config"][0]
    assert vpc_origin["arn"] == ALB_ARN and vpc_origin["name"] == "demo-alb"
    assert vpc_origin["https_port"] == 443
    assert vpc_origin["origin_ssl_protocols"] == [{"items": ["TLSv1.2"], "quantity": 1}]
    alb = origins(plan)["alb"]
    # the VPC origin replaces the internet-facing custom origin config; the secret header stays
    assert alb["custom_origin_config"] == [] and alb["domain_name"] == INTERNAL_ALB
    assert len(alb["vpc_origin_config"]) == 1
    assert [h["name"] for h in alb["custom_header"]] == ["X-Origin-Verify"]
    dist_unknown = unknown_after_apply(plan, "aws_cloudfront_distribution.this")
    alb_unknown = [o for o in dist_unknown["origin"] if o.get("vpc_origin_config")]
    assert alb_unknown and alb_unknown[0]["vpc_origin_config"][0]["vpc_origin_id"] is True


def test_the_bucket_moved_into_the_building_block_in_place(cdn: TerraformRoot) -> None:
    """A stack applied before the bucket moved into modules/_internal/private-bucket keeps
    its bucket and everything on it: each resource moves, none is replaced."""
    old = private_bucket_state(f"{BASE['name']}-static-123456789012")
    plan = moved_plan(cdn, {**BASE, "access_logs_bucket": "demo-logs"}, old)
    assert_moved_in_place(plan, PRIVATE_BUCKET_MOVES)
