"""Apply the edge tier (network + alb + cdn-static, as composed) against the emulator.

Checked with boto3: the bucket is private and only this distribution may read it; the
ALB's security group admits CloudFront's prefix list only; its listener answers 403 and
forwards only with the origin secret; the secret is stable across plans, rotates on
purpose and never shows in plan output. Then the harness re-plans (no changes),
destroys, and looks for leftovers.

Emulator gap: CloudFront cache, origin request and response headers policies do not
exist in the emulator (404 on create). The stack therefore passes the AWS-managed
CachingDisabled policy's ID as ``app_cache_policy_id`` instead of letting cdn-static
create its Django cache policy; that policy, and the managed policy IDs, are covered
by the plan tests (test_cdn_static_plan.py). Everything else is applied.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.modules.cdn_static import edge_checks as checks
from tests.modules.cdn_static import rotation_checks
from tests.support import applied

pytestmark = pytest.mark.apply

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS-managed; stands in for the module's policy
VARIABLES = {"name": "edge", "app_cache_policy_id": CACHING_DISABLED}
PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"


def test_apply_edge_replan_rotate_destroy(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root("tests/modules/cdn_static/fixtures/edge")
    with applied(root, aws, VARIABLES) as stack:
        alb, cdn = stack.outputs["alb"], stack.outputs["cdn"]
        # read from its parameter: a root output holding it would change on every rotation
        secret = rotation_checks.parameter(aws, stack.outputs["rotation"]["origin_secret_parameter_name"])
        header = cdn["origin_secret_header_name"]
        assert re.fullmatch(r"[0-9a-f]{64}", secret), "the generated origin secret is 256 hex bits"
        assert header == "X-Origin-Verify"

        # --- the static bucket: private, encrypted, versioned, readable by this distribution only
        s3 = aws.client("s3")
        bucket = cdn["static_bucket_name"]
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert block == {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        }
        ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
        assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
        policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
        checks.assert_policy_grants_only(policy, cdn["distribution_arn"])
        checks.assert_denies_insecure_transport(policy)
        readable = sorted(
            r
            for s in json.loads(policy)["Statement"]
            if s["Effect"] == "Allow"
            for r in checks.as_list(s["Resource"])
        )
        assert readable == [f"{cdn['static_bucket_arn']}/static/*"]
        sse = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert sse["ApplyServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": cdn["kms_key_arn"],
        }
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        expiry = next(r for r in rules if r["ID"] == "expire-noncurrent-versions")
        assert expiry["Status"] == "Enabled" and expiry["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30

        kms = aws.client("kms")
        assert kms.get_key_rotation_status(KeyId=cdn["kms_key_arn"])["KeyRotationEnabled"] is True
        key_policy = kms.get_key_policy(KeyId=cdn["kms_key_arn"], PolicyName="default")["Policy"]
        checks.assert_policy_grants_principal_only(
            key_policy, cdn["distribution_arn"], "arn:aws:iam::123456789012:root"
        )

        parameter = aws.client("ssm").get_parameter(Name="/zonke/edge/cdn/origin-secret", WithDecryption=True)
        assert parameter["Parameter"]["Type"] == "SecureString"
        assert parameter["Parameter"]["Value"] == secret
        described = aws.client("ssm").describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/zonke/edge/cdn/origin-secret"]}]
        )["Parameters"]
        assert described[0]["KeyId"] == cdn["kms_key_arn"]

        # --- the distribution: Django through the ALB with the secret, files from S3 via OAC
        cloudfront = aws.client("cloudfront")
        config = cloudfront.get_distribution_config(Id=cdn["distribution_id"])["DistributionConfig"]
        origins = {o["Id"]: o for o in config["Origins"]["Items"]}
        assert origins["alb"]["DomainName"] == alb["alb_dns_name"]
        assert origins["alb"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"
        assert origins["alb"]["CustomHeaders"]["Items"] == [{"HeaderName": header, "HeaderValue": secret}]
        oac_ids = [
            o["Id"] for o in cloudfront.list_origin_access_controls()["OriginAccessControlList"]["Items"]
        ]
        assert origins["static"]["OriginAccessControlId"] in oac_ids
        assert config["DefaultCacheBehavior"]["TargetOriginId"] == "alb"
        assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
        behaviours = [(b["PathPattern"], b["TargetOriginId"]) for b in config["CacheBehaviors"]["Items"]]
        assert behaviours == [("/static/*", "static")]
        assert cdn["static_url"] == f"https://{cdn['distribution_domain_name']}/static/"

        # --- the ALB: CloudFront's prefix list only, 403 unless the secret header matches
        ec2 = aws.client("ec2")
        prefix_list = ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [PREFIX_LIST]}]
        )["PrefixLists"][0]["PrefixListId"]
        group = ec2.describe_security_groups(GroupIds=[alb["security_group_id"]])["SecurityGroups"][0]
        checks.assert_ingress_only_from_prefix_list(group, prefix_list, 80)

        elbv2 = aws.client("elbv2")
        assert alb["listener_arn"] == alb["http_listener_arn"] and alb["https_listener_arn"] is None
        listener = elbv2.describe_listeners(ListenerArns=[alb["listener_arn"]])["Listeners"][0]
        checks.assert_default_action_is_403(listener)
        rules = elbv2.describe_rules(ListenerArn=alb["listener_arn"])["Rules"]
        checks.assert_forwarding_requires_header(rules, alb["target_group_arn"], header, secret)

        attributes = {
            a["Key"]: a["Value"]
            for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=alb["alb_arn"])["Attributes"]
        }
        assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
        assert attributes["routing.http.desync_mitigation_mode"] == "strictest"
        target_group = elbv2.describe_target_groups(TargetGroupArns=[alb["target_group_arn"]])[
            "TargetGroups"
        ][0]
        assert target_group["TargetType"] == "ip" and target_group["Port"] == 8000
        assert target_group["HealthCheckPath"] == "/health/"
        tg_attributes = {
            a["Key"]: a["Value"]
            for a in elbv2.describe_target_group_attributes(TargetGroupArn=alb["target_group_arn"])[
                "Attributes"
            ]
        }
        assert tg_attributes["deregistration_delay.timeout_seconds"] == "30"

        # --- the origin secret: rotating it replaces it everywhere; it never shows in a plan
        code, text = stack.replan({**VARIABLES, "origin_secret_rotation": "2"})
        assert code == 2, text
        assert "module.cdn.aws_ssm_parameter.origin_secret[0] will be replaced" in text
        assert "module.cdn.aws_cloudfront_distribution.this will be updated in-place" in text
        assert 'module.alb.aws_lb_listener_rule.forward_with_origin_secret["http"] will be updated' in text
        assert secret not in text
        code, text = stack.replan(VARIABLES)
        assert code == 0, f"the origin secret must stay the same across plans:\n{text}"
        assert secret not in text

        # --- two-phase rotation (zonke origin-secret rotate): both values accepted while
        # CloudFront deploys, then the old one dropped; Terraform agrees at the end
        new = rotation_checks.rotate_and_check(aws, stack.outputs, secret)
        code, text = stack.replan(VARIABLES)
        assert code == 0, f"after a rotation Terraform must plan no change:\n{text}"
        assert secret not in text and new not in text
