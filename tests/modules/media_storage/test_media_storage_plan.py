"""Plan tests of modules/media-storage: the private bucket, its policies, signed URLs, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot, assert_plan_matches
from tests.support.iam import as_list
from tests.support.keys import public_key_pem

HERE = Path(__file__).parent
DISTRIBUTION = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE1"
BASE = {"name": "shop-prod", "distribution_arn": DISTRIBUTION}


@pytest.fixture(scope="module")
def media(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/media-storage").init()


def statements(plan: PlanResult, address: str) -> dict[str, dict[str, Any]]:
    """The statements of a planned policy document (known when planning: the distribution's
    ARN is given), by statement ID, in the data source's shape."""
    document = json.loads(plan.values[address]["policy"])
    return {
        s["Sid"]: {
            "effect": s["Effect"],
            "actions": as_list(s["Action"]),
            "resources": as_list(s["Resource"]),
            "principals": s["Principal"],
            "condition": s.get("Condition"),
        }
        for s in document["Statement"]
    }


def test_defaults(media: TerraformRoot) -> None:
    plan = media.plan(BASE)
    assert_plan_matches(plan, HERE / "expected_default.yaml")

    bucket = statements(plan, "aws_s3_bucket_policy.this")
    assert sorted(bucket) == ["DenyInsecureTransport", "TheDistributionReadsMedia"]
    deny = bucket["DenyInsecureTransport"]
    assert deny["effect"] == "Deny" and deny["actions"] == ["s3:*"] and deny["principals"] == "*"
    assert deny["condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    read = bucket["TheDistributionReadsMedia"]
    assert read["actions"] == ["s3:GetObject"]
    assert read["resources"] == ["arn:aws:s3:::shop-prod-media-123456789012/media/*"]
    assert read["principals"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["condition"] == {"StringEquals": {"AWS:SourceArn": DISTRIBUTION}}

    key = statements(plan, "aws_kms_key.this")
    assert sorted(key) == ["AccountAdministers", "CloudFrontDecryptsForTheDistribution"]
    assert key["AccountAdministers"]["principals"] == {"AWS": "arn:aws:iam::123456789012:root"}
    decrypt = key["CloudFrontDecryptsForTheDistribution"]
    assert decrypt["actions"] == ["kms:Decrypt"]
    assert decrypt["principals"] == {"Service": "cloudfront.amazonaws.com"}
    assert decrypt["condition"] == {"StringEquals": {"AWS:SourceArn": DISTRIBUTION}}
    rule = plan.values["aws_s3_bucket_server_side_encryption_configuration.this"]["rule"][0]
    assert rule["bucket_key_enabled"] is True
    assert rule["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"


def test_signed_urls_make_a_key_group_for_the_private_path(media: TerraformRoot) -> None:
    pem = public_key_pem()
    plan = media.plan({**BASE, "signing_public_key_pem": pem, "access_logs_bucket": "shop-logs"})
    key = plan.one("aws_cloudfront_public_key")
    assert (key["name"], key["encoded_key"]) == ("shop-prod-media", pem)
    assert plan.one("aws_cloudfront_key_group")["name"] == "shop-prod-media"
    assert plan.outputs["private_prefix"] == "media/private"
    assert plan.values["aws_s3_bucket_logging.this[0]"]["target_prefix"] == "s3/shop-prod-media-123456789012/"
    # the group lists the key by its ID, known after apply
    resources = plan.raw["configuration"]["root_module"]["resources"]
    [group] = [r for r in resources if r["address"] == "aws_cloudfront_key_group.this"]
    assert "aws_cloudfront_public_key.this" in group["expressions"]["items"]["references"]


@pytest.mark.parametrize(
    ("variables", "messages"),
    [
        (
            {"name": "Shop", "distribution_arn": "arn:aws:s3:::shop"},
            ["name must be 2-32 characters", "distribution_arn must be a CloudFront distribution ARN"],
        ),
        (
            {"signing_public_key_pem": "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"},
            ["signing_public_key_pem must be null or an RSA public key in PEM format"],
        ),
        (
            {"bucket_name": "shop.media", "noncurrent_version_expiration_days": 0},
            [
                "bucket_name must be null or 3-63 characters",
                "noncurrent_version_expiration_days must be a whole number of days",
            ],
        ),
    ],
    ids=["name-distribution", "private-key-given", "bucket-days"],
)
def test_bad_input_is_rejected_with_clear_messages(
    media: TerraformRoot, variables: dict[str, Any], messages: list[str]
) -> None:
    error = " ".join(media.plan_error({**BASE, **variables}).split())
    for message in messages:
        assert message in error
