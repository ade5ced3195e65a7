"""The two-phase origin secret rotation (ops.rotate_origin_secret) against an applied edge.

Read back with boto3 at each phase: the ALB forward rule's header values, the header
CloudFront sends, and the two SSM parameters. An interrupted run (the process dies between
the phases) is resumed by the next one.
"""

from __future__ import annotations

from typing import Any

from tests.modules.cdn_static import edge_checks as checks
from zonke_tf import ops


class Interrupted(Exception):
    """Stands in for a process killed between the two phases."""


def accepted_values(aws: Any, listener_arn: str, target_group_arn: str, header: str) -> list[str]:
    rules = aws.client("elbv2").describe_rules(ListenerArn=listener_arn)["Rules"]
    forwarding = [r for r in rules if not r.get("IsDefault")]
    assert len(forwarding) == 1, f"expected one forward rule, got {forwarding}"
    values: list[str] = []
    for condition in forwarding[0]["Conditions"]:
        config = condition.get("HttpHeaderConfig") or {}
        assert config.get("HttpHeaderName") == header, condition
        values.extend(config["Values"])
    return values


def sent_value(aws: Any, distribution_id: str, header: str) -> str:
    config = aws.client("cloudfront").get_distribution_config(Id=distribution_id)["DistributionConfig"]
    alb = next(o for o in config["Origins"]["Items"] if o["Id"] == "alb")
    items = alb["CustomHeaders"]["Items"]
    assert [i["HeaderName"] for i in items] == [header]
    return str(items[0]["HeaderValue"])


def parameter(aws: Any, name: str) -> str:
    return str(aws.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])


def rotate_and_check(aws: Any, outputs: dict[str, Any], old: str) -> str:
    """Rotate twice (once interrupted, then resumed); return the new secret."""
    alb, rotation = outputs["alb"], outputs["rotation"]
    header = rotation["origin_secret_header_name"]
    stack = ops.Stack(outputs=rotation, client=aws.client)
    assert parameter(aws, rotation["origin_secret_previous_parameter_name"]) == ops.NO_PREVIOUS_ORIGIN_SECRET
    assert accepted_values(aws, alb["listener_arn"], alb["target_group_arn"], header) == [old]

    seen: dict[str, Any] = {}
    messages: list[str] = []

    def die_after_phase_1(message: str) -> None:
        messages.append(message)
        if message.startswith("phase 1: CloudFront is deploying"):
            new = parameter(aws, rotation["origin_secret_parameter_name"])
            seen["new"] = new
            seen["accepted"] = accepted_values(aws, alb["listener_arn"], alb["target_group_arn"], header)
            seen["sent"] = sent_value(aws, rotation["distribution_id"], header)
            seen["previous"] = parameter(aws, rotation["origin_secret_previous_parameter_name"])
            raise Interrupted

    try:
        ops.rotate_origin_secret(stack, on_update=die_after_phase_1, poll=0.2)
    except Interrupted:
        pass
    else:
        raise AssertionError("the rotation never reached the CloudFront update")
    new = seen["new"]
    assert new != old and len(new) == 64
    # phase 1: the ALB accepts both values, CloudFront sends the new one
    assert seen["accepted"] == [new, old]
    assert seen["sent"] == new
    assert seen["previous"] == old
    # ... and stays so while the run is dead
    assert accepted_values(aws, alb["listener_arn"], alb["target_group_arn"], header) == [new, old]

    result = ops.rotate_origin_secret(stack, on_update=messages.append, poll=0.2)
    assert result.resumed is True and result.distribution_deployed is True and result.old_value_gone is True
    # phase 2: the old value is gone everywhere
    assert accepted_values(aws, alb["listener_arn"], alb["target_group_arn"], header) == [new]
    rules = aws.client("elbv2").describe_rules(ListenerArn=alb["listener_arn"])["Rules"]
    checks.assert_forwarding_requires_header(rules, alb["target_group_arn"], header, new)
    assert sent_value(aws, rotation["distribution_id"], header) == new
    assert parameter(aws, rotation["origin_secret_parameter_name"]) == new
    assert parameter(aws, rotation["origin_secret_previous_parameter_name"]) == ops.NO_PREVIOUS_ORIGIN_SECRET
    # the parameters keep the module's key (an overwrite without KeyId would move them to aws/ssm)
    described = aws.client("ssm").describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": [rotation["origin_secret_parameter_name"]]}]
    )["Parameters"]
    assert described[0]["KeyId"] == outputs["cdn"]["kms_key_arn"]
    # no message carries a secret value
    for message in messages:
        assert old not in message and new not in message, message
    assert any("previous value is gone" in m for m in messages), messages
    return new
