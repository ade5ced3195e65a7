"""Plan tests of modules/_internal/private-bucket beyond its plan cases (cases.yaml: the
bucket's settings, logs, bad input): the bucket policy, known when planning, refuses every
request without TLS and lets the one distribution get the objects under its prefix only."""

from __future__ import annotations

import json

import pytest

from tests.support import TerraformRoot
from tests.support.cases import cases_beside

BASE = cases_beside(__file__).base_vars()
ARN = f"arn:aws:s3:::{BASE['bucket_name']}"


@pytest.fixture(scope="module")
def bucket(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/_internal/private-bucket").init()


def test_only_the_distribution_reads_only_its_prefix_and_only_over_tls(bucket: TerraformRoot) -> None:
    plan = bucket.plan(BASE)
    policy = json.loads(plan.values["aws_s3_bucket_policy.this"]["policy"])
    deny, read = policy["Statement"]
    assert deny == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Action": "s3:*",
        "Principal": "*",
        "Resource": sorted([ARN, f"{ARN}/*"], reverse=True),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert read == {
        "Sid": BASE["reader"]["sid"],
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Resource": f"{ARN}/{BASE['reader']['key_prefix']}*",
        "Condition": {"StringEquals": {"AWS:SourceArn": BASE["reader"]["distribution_arn"]}},
    }


def test_the_policy_waits_for_the_block_and_the_lifecycle_for_versioning(bucket: TerraformRoot) -> None:
    """The policy goes on only once the public access block is in place; the lifecycle
    rules, which expire noncurrent versions, only once versioning is on."""
    resources = bucket.plan(BASE).raw["configuration"]["root_module"]["resources"]
    depends_on = {r["address"]: r.get("depends_on") for r in resources}
    assert depends_on["aws_s3_bucket_policy.this"] == ["aws_s3_bucket_public_access_block.this"]
    assert depends_on["aws_s3_bucket_lifecycle_configuration.this"] == ["aws_s3_bucket_versioning.this"]
