"""`zonke bootstrap`: the state bucket, against the emulator. Idempotent, and every
protection is in place after each run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from zonke_tf.bootstrap import ensure_state_bucket
from zonke_tf.errors import OperationError

BUCKET = "acme-terraform-state"


def protections(s3: Any) -> dict[str, Any]:
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    encryption = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    return {
        "versioning": s3.get_bucket_versioning(Bucket=BUCKET).get("Status"),
        "encryption": encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "public": s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"],
        "tls": [(s["Effect"], s["Condition"]) for s in policy["Statement"]],
        "noncurrent": [r["NoncurrentVersionExpiration"]["NoncurrentDays"] for r in lifecycle],
    }


EXPECTED = {
    "versioning": "Enabled",
    "encryption": "AES256",
    "public": {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    },
    "tls": [("Deny", {"Bool": {"aws:SecureTransport": "false"}})],
    "noncurrent": [90],
}


def test_bootstrap_creates_a_protected_bucket_and_is_idempotent(aws: Any) -> None:
    s3 = aws.client("s3", region_name="eu-west-1")
    first = ensure_state_bucket(s3, BUCKET, "eu-west-1")
    assert first.created is True
    assert protections(s3) == EXPECTED
    assert s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"] == "eu-west-1"
    # someone weakens the bucket; a second run restores it and creates nothing
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_bucket_policy(Bucket=BUCKET)
    second = ensure_state_bucket(s3, BUCKET, "eu-west-1")
    assert second.created is False and second.settings == first.settings
    assert protections(s3) == EXPECTED
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [BUCKET]


def test_bootstrap_refuses_nonsense_before_touching_aws(aws: Any) -> None:
    s3 = aws.client("s3", region_name="us-east-1")
    with pytest.raises(OperationError, match="at least 1 day"):
        ensure_state_bucket(s3, BUCKET, "us-east-1", noncurrent_days=0)
    assert s3.list_buckets()["Buckets"] == []


def test_bootstrap_uses_the_configs_bucket_and_region(aws: Any) -> None:
    from zonke_tf.bootstrap import bootstrap
    from zonke_tf.config import parse_config
    from zonke_tf.errors import ConfigError

    with pytest.raises(ConfigError, match=r"state.bucket is not set"):
        bootstrap(parse_config({"app": {"name": "shop"}}), aws)
    config = parse_config({"app": {"name": "shop", "region": "eu-west-1"}, "state": {"bucket": BUCKET}})
    result = bootstrap(config, aws)
    assert (result.bucket, result.region, result.created) == (BUCKET, "eu-west-1", True)
    assert bootstrap(config, aws).created is False
