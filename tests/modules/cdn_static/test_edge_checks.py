"""The edge checks used after apply pass on a right configuration and fail on wrong ones."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.modules.cdn_static import edge_checks as checks

DIST = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"
ROOT = "arn:aws:iam::123456789012:root"
PL = "pl-3b927c52"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-1a2b/0123456789abcdef"


def _allow(principal: Any, source: Any = DIST, action: Any = "s3:GetObject") -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"}
    if source is not None:
        statement["Condition"] = {"StringEquals": {"AWS:SourceArn": source}}
    return statement


DENY_HTTP = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_bucket_policy_checks() -> None:
    good = _policy(DENY_HTTP, _allow({"Service": "cloudfront.amazonaws.com"}))
    checks.assert_policy_grants_only(good, DIST)
    checks.assert_denies_insecure_transport(good)
    with pytest.raises(AssertionError, match="not to the CloudFront service only"):
        checks.assert_policy_grants_only(_policy(_allow("*")), DIST)
    with pytest.raises(AssertionError, match="is not limited to"):
        checks.assert_policy_grants_only(_policy(_allow({"Service": "cloudfront.amazonaws.com"}, None)), DIST)
    with pytest.raises(AssertionError, match="is not limited to"):
        other = DIST.replace("EDFDVBD6EXAMPLE", "E2OTHER")
        checks.assert_policy_grants_only(
            _policy(_allow({"Service": "cloudfront.amazonaws.com"}, other)), DIST
        )
    with pytest.raises(AssertionError, match="grants nothing"):
        checks.assert_policy_grants_only(_policy(DENY_HTTP), DIST)
    with pytest.raises(AssertionError, match="without TLS"):
        checks.assert_denies_insecure_transport(_policy(_allow({"Service": "cloudfront.amazonaws.com"})))


def test_key_policy_check() -> None:
    admin = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}
    cloudfront = {"Service": "cloudfront.amazonaws.com"}
    checks.assert_policy_grants_principal_only(
        _policy(admin, _allow(cloudfront, action="kms:Decrypt")), DIST, ROOT
    )
    with pytest.raises(AssertionError, match="CloudFront may"):
        checks.assert_policy_grants_principal_only(
            _policy(admin, _allow(cloudfront, action="kms:*")), DIST, ROOT
        )
    with pytest.raises(AssertionError, match="not to the CloudFront service only"):
        stranger = {"AWS": "arn:aws:iam::999999999999:root"}
        checks.assert_policy_grants_principal_only(
            _policy(admin, _allow(stranger, action="kms:Decrypt")), DIST, ROOT
        )


def _group(*permissions: dict[str, Any]) -> dict[str, Any]:
    return {"GroupId": "sg-1", "IpPermissions": list(permissions)}


def test_ingress_check() -> None:
    from_cloudfront = {
        "IpProtocol": "tcp",
        "FromPort": 80,
        "ToPort": 80,
        "PrefixListIds": [{"PrefixListId": PL}],
    }
    checks.assert_ingress_only_from_prefix_list(_group(from_cloudfront), PL, 80)
    with pytest.raises(AssertionError, match=r"admits 0\.0\.0\.0/0"):
        open_v4 = {**from_cloudfront, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        checks.assert_ingress_only_from_prefix_list(_group(open_v4), PL, 80)
    with pytest.raises(AssertionError, match="admits ::/0"):
        open_v6 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
        checks.assert_ingress_only_from_prefix_list(_group(from_cloudfront, open_v6), PL, 80)
    with pytest.raises(AssertionError, match="should admit only"):
        checks.assert_ingress_only_from_prefix_list(_group(from_cloudfront), PL, 443)


def test_listener_checks() -> None:
    forbidden = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}
    checks.assert_default_action_is_403({"DefaultActions": [forbidden]})
    with pytest.raises(AssertionError):
        checks.assert_default_action_is_403({"DefaultActions": [{"Type": "forward", "TargetGroupArn": TG}]})

    header = {
        "Field": "http-header",
        "HttpHeaderConfig": {"HttpHeaderName": "X-Origin-Verify", "Values": ["s"]},
    }
    guarded = {"RuleArn": "r1", "IsDefault": False, "Actions": [{"Type": "forward", "TargetGroupArn": TG}]}
    default = {"RuleArn": "d", "IsDefault": True, "Actions": [forbidden], "Conditions": []}
    checks.assert_forwarding_requires_header(
        [{**guarded, "Conditions": [header]}, default], TG, "X-Origin-Verify", "s"
    )
    with pytest.raises(AssertionError, match="forwards without requiring"):
        path_only = {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}
        rules = [{**guarded, "Conditions": [header]}, {**guarded, "RuleArn": "r2", "Conditions": [path_only]}]
        checks.assert_forwarding_requires_header(rules, TG, "X-Origin-Verify", "s")
    with pytest.raises(AssertionError, match="forwards without requiring"):
        checks.assert_forwarding_requires_header(
            [{**guarded, "Conditions": [header]}], TG, "X-Origin-Verify", "t"
        )
    with pytest.raises(AssertionError, match="no rule forwards"):
        checks.assert_forwarding_requires_header([default], TG, "X-Origin-Verify", "s")
