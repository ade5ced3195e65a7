"""Plan tests of modules/media-storage beyond its plan cases (cases.yaml: defaults, bad input):
the bucket and key policies' statements, and the key group of signed URLs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside
from tests.support.iam import as_list
from tests.support.keys import public_key_pem
from tests.support.moves import PRIVATE_BUCKET_MOVES, assert_moved_in_place, moved_plan, private_bucket_state

BASE = cases_beside(__file__).base_vars()
DISTRIBUTION: str = BASE["distribution_arn"]


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
    bucket = statements(plan, "module.bucket.aws_s3_bucket_policy.this")
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


def test_signed_urls_make_a_key_group_for_the_private_path(media: TerraformRoot) -> None:
    pem = public_key_pem()
    plan = media.plan({**BASE, "signing_public_key_pem": pem, "access_logs_bucket": "shop-logs"})
    key = plan.one("aws_cloudfront_public_key")
    assert (key["name"], key["encoded_key"]) == ("shop-prod-media", pem)
    assert plan.one("aws_cloudfront_key_group")["name"] == "shop-prod-media"
    assert plan.outputs["private_prefix"] == "media/private"
    assert (
        plan.values["module.bucket.aws_s3_bucket_logging.this[0]"]["target_prefix"]
        == "s3/shop-prod-media-123456789012/"
    )
    # the group lists the key by its ID, known after apply
    resources = plan.raw["configuration"]["root_module"]["resources"]
    [group] = [r for r in resources if r["address"] == "aws_cloudfront_key_group.this"]
    assert "aws_cloudfront_public_key.this" in group["expressions"]["items"]["references"]


def test_the_bucket_moved_into_the_building_block_in_place(media: TerraformRoot) -> None:
    """A stack applied before the bucket moved into modules/_internal/private-bucket keeps
    its uploads: each of the bucket's resources moves, none is replaced."""
    old = private_bucket_state(f"{BASE['name']}-media-123456789012")
    plan = moved_plan(media, {**BASE, "access_logs_bucket": "shop-logs"}, old)
    assert_moved_in_place(plan, PRIVATE_BUCKET_MOVES)
