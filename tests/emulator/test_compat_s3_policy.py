"""The emulator evaluates bucket policy conditions as AWS does: a TLS-only bucket accepts
SDK writes (they come over TLS), and a statement that really denies still denies."""

from __future__ import annotations

import json

import pytest

from zonke_emulator import Emulator
from zonke_emulator.compat.s3_bucket_policy_conditions import conditions_hold


def _policy(bucket: str, deny_condition: dict[str, dict[str, object]] | None) -> str:
    statement: dict[str, object] = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
    }
    if deny_condition is not None:
        statement["Condition"] = deny_condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.fix("s3-bucket-policy-conditions")
def test_tls_only_bucket_accepts_sdk_writes_and_an_unconditional_deny_still_denies(
    emulator: Emulator,
) -> None:
    emulator.reset()
    s3 = emulator.boto3_session().client("s3")
    s3.create_bucket(Bucket="zonke-tls-only")
    s3.put_bucket_policy(
        Bucket="zonke-tls-only", Policy=_policy("zonke-tls-only", {"Bool": {"aws:SecureTransport": "false"}})
    )
    s3.put_object(Bucket="zonke-tls-only", Key="static/a.css", Body=b"x")
    assert s3.get_object(Bucket="zonke-tls-only", Key="static/a.css")["Body"].read() == b"x"

    s3.create_bucket(Bucket="zonke-deny-all")
    s3.put_bucket_policy(Bucket="zonke-deny-all", Policy=_policy("zonke-deny-all", None))
    with pytest.raises(Exception, match=r"403|AccessDenied|Forbidden"):
        s3.put_object(Bucket="zonke-deny-all", Key="a", Body=b"x")


@pytest.mark.parametrize(
    ("conditions", "holds"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, False),
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
        ({"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/X"}}, False),
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, True),
        ({"Null": {"aws:SourceVpce": "true"}}, True),
        ({"NumericLessThan": {"s3:max-keys": "10"}}, False),
    ],
)
def test_condition_evaluation(conditions: dict[str, dict[str, object]], holds: bool) -> None:
    assert conditions_hold(conditions, {"aws:securetransport": "true"}) is holds
