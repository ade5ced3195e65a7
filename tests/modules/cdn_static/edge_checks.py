"""Checks of the applied edge tier, used by the apply test (and proven able to fail)."""

from __future__ import annotations

import json
from typing import Any

OPEN_IPV4 = "0.0.0.0/0"
OPEN_IPV6 = "::/0"


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def assert_policy_grants_only(policy_json: str, distribution_arn: str) -> None:
    """Every Allow in a bucket or key policy is for CloudFront, conditioned on this distribution."""
    policy = json.loads(policy_json)
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allows, "the policy grants nothing: CloudFront could not read the files"
    for statement in allows:
        principal = statement.get("Principal")
        assert principal == {"Service": "cloudfront.amazonaws.com"}, (
            f"statement {statement.get('Sid')} grants to {principal}, not to the CloudFront service only"
        )
        source = statement.get("Condition", {}).get("StringEquals", {}).get("AWS:SourceArn")
        assert as_list(source) == [distribution_arn], (
            f"statement {statement.get('Sid')} is not limited to {distribution_arn}: {source}"
        )


def assert_policy_grants_principal_only(policy_json: str, distribution_arn: str, account_root: str) -> None:
    """A key policy: the account administers it, and otherwise only this distribution decrypts."""
    policy = json.loads(policy_json)
    others = [
        s
        for s in policy["Statement"]
        if not (s["Effect"] == "Allow" and s.get("Principal") == {"AWS": account_root})
    ]
    assert_policy_grants_only(json.dumps({"Statement": others}), distribution_arn)
    for statement in others:
        assert as_list(statement["Action"]) == ["kms:Decrypt"], f"CloudFront may {statement['Action']}"


def assert_denies_insecure_transport(policy_json: str) -> None:
    policy = json.loads(policy_json)
    for statement in policy["Statement"]:
        if (
            statement["Effect"] == "Deny"
            and statement.get("Principal") in ("*", {"AWS": "*"})
            and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        ):
            return
    raise AssertionError("the policy does not deny requests made without TLS")


def assert_ingress_only_from_prefix_list(group: dict[str, Any], prefix_list_id: str, port: int) -> None:
    """The group admits exactly one source: the prefix list, on one port; nothing open."""
    permissions = group["IpPermissions"]
    for permission in permissions:
        ipv4 = [r["CidrIp"] for r in permission.get("IpRanges", [])]
        ipv6 = [r["CidrIpv6"] for r in permission.get("Ipv6Ranges", [])]
        assert OPEN_IPV4 not in ipv4, f"{group['GroupId']} admits {OPEN_IPV4}: {permission}"
        assert OPEN_IPV6 not in ipv6, f"{group['GroupId']} admits {OPEN_IPV6}: {permission}"
        assert not ipv4 and not ipv6, f"{group['GroupId']} admits addresses besides CloudFront: {permission}"
        assert not permission.get("UserIdGroupPairs"), f"{group['GroupId']} admits other groups: {permission}"
    sources = [
        (p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"), pl["PrefixListId"])
        for p in permissions
        for pl in p.get("PrefixListIds", [])
    ]
    assert sources == [("tcp", port, port, prefix_list_id)], (
        f"{group['GroupId']} should admit only {prefix_list_id} on {port}, admits {sources}"
    )


def assert_default_action_is_403(listener: dict[str, Any]) -> None:
    actions = listener["DefaultActions"]
    assert len(actions) == 1 and actions[0]["Type"] == "fixed-response", f"default actions: {actions}"
    assert actions[0]["FixedResponseConfig"]["StatusCode"] == "403", f"default action: {actions[0]}"


def assert_forwarding_requires_header(
    rules: list[dict[str, Any]], target_group_arn: str, header: str, value: str
) -> None:
    """Every rule that forwards to the target group requires the secret header, and one does."""
    forwarding = [
        r
        for r in rules
        if any(
            a["Type"] == "forward"
            and (
                a.get("TargetGroupArn") == target_group_arn
                or any(
                    t["TargetGroupArn"] == target_group_arn
                    for t in a.get("ForwardConfig", {}).get("TargetGroups", [])
                )
            )
            for a in r["Actions"]
        )
    ]
    assert forwarding, f"no rule forwards to {target_group_arn}"
    for rule in forwarding:
        assert not rule.get("IsDefault"), "the default action forwards without any condition"
        headers = [c["HttpHeaderConfig"] for c in rule["Conditions"] if c.get("Field") == "http-header"]
        assert headers == [{"HttpHeaderName": header, "Values": [value]}], (
            f"rule {rule.get('RuleArn')} forwards without requiring {header}: {rule['Conditions']}"
        )
