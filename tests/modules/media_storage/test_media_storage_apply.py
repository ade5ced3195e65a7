"""Apply modules/media-storage behind cdn-static's distribution against the emulator: the
bucket blocks public access, is KMS-encrypted and versioned, its bucket and key policies
name only this distribution; CloudFront serves /media/* from it through origin access
control and /media/private/* only with the key group. Read back with boto3; then the
harness re-plans (no changes), destroys, and checks nothing is left."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.modules.cdn_static import edge_checks as checks
from tests.support import applied
from tests.support.keys import public_key_pem

pytestmark = pytest.mark.apply


def test_media_bucket_served_by_the_distribution_only(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    pem = public_key_pem()
    root = make_root("tests/modules/media_storage/fixtures/served")
    with applied(root, aws, {"name": "zk-media", "signing_public_key_pem": pem}) as stack:
        cdn, media = stack.outputs["cdn"], stack.outputs["media"]
        s3, bucket = aws.client("s3"), media["bucket_name"]
        assert bucket == "zk-media-media-123456789012"
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values()) and len(block) == 4
        ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
        assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
        sse = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert sse["ApplyServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": media["kms_key_arn"],
        }
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"

        policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
        checks.assert_policy_grants_only(policy, cdn["distribution_arn"])
        checks.assert_denies_insecure_transport(policy)
        readable = [
            r
            for s in json.loads(policy)["Statement"]
            if s["Effect"] == "Allow"
            for r in checks.as_list(s["Resource"])
        ]
        assert readable == [f"{media['bucket_arn']}/media/*"]
        kms = aws.client("kms")
        key_policy = kms.get_key_policy(KeyId=media["kms_key_arn"], PolicyName="default")["Policy"]
        checks.assert_policy_grants_principal_only(
            key_policy, cdn["distribution_arn"], "arn:aws:iam::123456789012:root"
        )
        assert kms.get_key_rotation_status(KeyId=media["kms_key_arn"])["KeyRotationEnabled"] is True

        cloudfront = aws.client("cloudfront")
        config = cloudfront.get_distribution_config(Id=cdn["distribution_id"])["DistributionConfig"]
        origins = {o["Id"]: o for o in config["Origins"]["Items"]}
        assert origins["media"]["DomainName"] == media["bucket_regional_domain_name"]
        assert origins["media"]["OriginAccessControlId"] == origins["static"]["OriginAccessControlId"]
        behaviours = [(b["PathPattern"], b["TargetOriginId"]) for b in config["CacheBehaviors"]["Items"]]
        assert behaviours == [("/static/*", "static"), ("/media/private/*", "media"), ("/media/*", "media")]
        private = config["CacheBehaviors"]["Items"][1]["TrustedKeyGroups"]
        assert private["Enabled"] is True and private["Items"] == [media["trusted_key_group_id"]]
        group = cloudfront.get_key_group(Id=media["trusted_key_group_id"])["KeyGroup"]["KeyGroupConfig"]
        assert group["Items"] == [media["signing_key_id"]]
        key = cloudfront.get_public_key(Id=media["signing_key_id"])["PublicKey"]["PublicKeyConfig"]
        assert key["EncodedKey"].strip() == pem.strip()
        assert cdn["media_url"] == f"https://{cdn['distribution_domain_name']}/media/"
