"""IAM enforcement in the emulator: the administrator, service stand-ins, and trust policies.

On AWS a role that trusts only a service principal can be assumed by that service and by
nobody else; a role's permissions decide each call. The emulator started with
``enforce_iam=True`` must behave so: the local pipeline's claim that every stage ran with
its own role's permissions rests on it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from zonke_emulator import Emulator
from zonke_emulator.compat.iam_service_principal_trust import principal_matches
from zonke_emulator.iam import DUMMY, Credentials, assume_as_service, client

ACCOUNT = "123456789012"


def _role(url: str, admin: Credentials, service: str, actions: list[str]) -> str:
    iam = client(url, admin, "iam")
    name = f"probe-{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return str(arn)


def test_dummy_keys_are_refused_and_the_administrator_is_not(enforced: Emulator) -> None:
    assert enforced.admin is not None
    with pytest.raises(ClientError) as refused:
        client(enforced.url, DUMMY, "iam").list_users()
    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
    users = client(enforced.url, enforced.admin, "iam").list_users()["Users"]
    assert "zonke-admin" in [u["UserName"] for u in users]


@pytest.mark.fix("iam-service-principal-trust")
def test_only_the_trusted_service_assumes_a_service_role(enforced: Emulator) -> None:
    admin = enforced.admin
    arn = _role(enforced.url, admin, "codebuild.amazonaws.com", ["ec2:DescribeVpcs"])
    # An HTTP 500 page (what the emulator answered on a Service principal) is no AWS answer:
    # botocore cannot parse it, so it is caught here to fail on the assertion below.
    with pytest.raises((ClientError, ResponseParserError)) as by_user:
        client(enforced.url, admin, "sts").assume_role(RoleArn=arn, RoleSessionName="person")
    assert isinstance(by_user.value, ClientError), by_user.value
    assert by_user.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as by_other_service:
        assume_as_service(enforced.url, admin, arn, "states.amazonaws.com", "wrong-service")
    assert by_other_service.value.response["Error"]["Code"] == "AccessDenied"
    creds = assume_as_service(enforced.url, admin, arn, "codebuild.amazonaws.com", "build-1")
    assert creds.session_token
    identity = client(enforced.url, creds, "sts").get_caller_identity()
    assert ":assumed-role/" in identity["Arn"] and identity["Account"] == ACCOUNT


def test_the_role_decides_each_call_and_a_denial_names_the_action(enforced: Emulator) -> None:
    arn = _role(enforced.url, enforced.admin, "codebuild.amazonaws.com", ["ec2:DescribeVpcs"])
    creds = assume_as_service(enforced.url, enforced.admin, arn, "codebuild.amazonaws.com", "build-2")
    ec2: Any = client(enforced.url, creds, "ec2")
    ec2.describe_vpcs()
    with pytest.raises(ClientError) as denied:
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    assert "ec2:CreateVpc" in str(denied.value)


@pytest.mark.parametrize(
    ("principal", "requester", "expected"),
    [
        (
            {"Service": "codebuild.amazonaws.com"},
            f"arn:aws:iam::{ACCOUNT}:user/zonke-standin@codebuild.amazonaws.com",
            True,
        ),
        (
            {"Service": ["a.amazonaws.com", "codebuild.amazonaws.com"]},
            f"arn:aws:iam::{ACCOUNT}:user/zonke-standin@codebuild.amazonaws.com",
            True,
        ),
        ({"Service": "codebuild.amazonaws.com"}, f"arn:aws:iam::{ACCOUNT}:user/zonke-admin", False),
        (
            {"Service": "codebuild.amazonaws.com"},
            f"arn:aws:iam::{ACCOUNT}:user/zonke-standin@states.amazonaws.com",
            False,
        ),
        (
            {"AWS": f"arn:aws:iam::{ACCOUNT}:user/zonke-admin"},
            f"arn:aws:iam::{ACCOUNT}:user/zonke-admin",
            True,
        ),
        ({"AWS": [f"arn:aws:iam::{ACCOUNT}:user/x"]}, f"arn:aws:iam::{ACCOUNT}:user/zonke-admin", False),
        ({"AWS": "*"}, f"arn:aws:iam::{ACCOUNT}:user/anyone", True),
    ],
)
def test_principal_matching(principal: dict[str, Any], requester: str, expected: bool) -> None:
    assert principal_matches(principal, requester) is expected


@pytest.mark.fix("iam-request-resource")
def test_a_statement_scoped_to_one_repository_allows_that_one_only(enforced: Emulator) -> None:
    admin = enforced.admin
    ecr_admin = client(enforced.url, admin, "ecr")
    mine = ecr_admin.create_repository(repositoryName=f"mine-{uuid.uuid4().hex[:6]}")["repository"]
    other = ecr_admin.create_repository(repositoryName=f"other-{uuid.uuid4().hex[:6]}")["repository"]
    iam = client(enforced.url, admin, "iam")
    name = f"probe-{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "codebuild.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ecr:DescribeImages", "Resource": mine["repositoryArn"]},
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        ],
    }
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    creds = assume_as_service(enforced.url, admin, arn, "codebuild.amazonaws.com", "scoped")
    ecr: Any = client(enforced.url, creds, "ecr")
    ecr.get_authorization_token()
    ecr.describe_images(repositoryName=mine["repositoryName"])
    with pytest.raises(ClientError) as denied:
        ecr.describe_images(repositoryName=other["repositoryName"])
    assert "ecr:DescribeImages" in str(denied.value)


@pytest.mark.fix("iam-signature-bodyless")
def test_a_signed_get_without_a_body_passes_the_signature_check(enforced: Emulator) -> None:
    cf: Any = client(enforced.url, enforced.admin, "cloudfront")
    created = cf.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": f"probe-{uuid.uuid4().hex[:6]}",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]
    read = cf.get_origin_access_control(Id=created["Id"])["OriginAccessControl"]
    assert read["Id"] == created["Id"]
    cf.delete_origin_access_control(
        Id=created["Id"], IfMatch=cf.get_origin_access_control(Id=created["Id"])["ETag"]
    )


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        (
            "arn:aws:ecr:us-east-1:1:repository/shop-????",
            "arn:aws:ecr:us-east-1:1:repository/shop-ab12",
            True,
        ),
        (
            "arn:aws:ecr:us-east-1:1:repository/shop-????",
            "arn:aws:ecr:us-east-1:1:repository/shop-ab123",
            False,
        ),
        ("arn:aws:ecr:us-east-1:1:repository/shop.*", "arn:aws:ecr:us-east-1:1:repository/shopX", False),
        ("arn:aws:ecr:us-east-1:1:repository/shop+1*", "arn:aws:ecr:us-east-1:1:repository/shop+1-x", True),
        ("ecr:Describe*", "ecr:DescribeImages", True),
    ],
)
def test_iam_wildcards_are_star_and_question_mark_only(pattern: str, value: str, expected: bool) -> None:
    from zonke_emulator.compat.iam_wildcards import match

    assert bool(match(pattern, value)) is expected


@pytest.mark.fix("iam-wildcards")
def test_a_question_mark_pattern_scopes_a_role_instead_of_failing_its_calls(enforced: Emulator) -> None:
    """``????`` (the stack's patterns for generated name suffixes) broke the emulator's regex:
    every call of the role answered HTTP 500. Now it matches exactly four characters."""
    admin = enforced.admin
    ecr_admin = client(enforced.url, admin, "ecr")
    tag = uuid.uuid4().hex[:6]
    four = ecr_admin.create_repository(repositoryName=f"q{tag}-abcd")["repository"]
    five = ecr_admin.create_repository(repositoryName=f"q{tag}-abcde")["repository"]
    iam = client(enforced.url, admin, "iam")
    name = f"probe-{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "codebuild.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    pattern = four["repositoryArn"].rsplit("-", 1)[0] + "-????"
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ecr:DescribeImages", "Resource": pattern}],
    }
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    creds = assume_as_service(enforced.url, admin, arn, "codebuild.amazonaws.com", "wildcards")
    ecr: Any = client(enforced.url, creds, "ecr")
    assert ecr.describe_images(repositoryName=four["repositoryName"])["imageDetails"] == []
    with pytest.raises(ClientError) as denied:
        ecr.describe_images(repositoryName=five["repositoryName"])
    assert "ecr:DescribeImages" in str(denied.value)


@pytest.mark.fix("s3-head-bucket-permission")
def test_head_bucket_is_allowed_by_list_bucket(enforced: Emulator) -> None:
    """HeadBucket needs s3:ListBucket on AWS (there is no s3:HeadBucket action)."""
    admin = enforced.admin
    bucket = f"probe-{uuid.uuid4().hex[:8]}"
    client(enforced.url, admin, "s3").create_bucket(Bucket=bucket)
    arn = _role(enforced.url, admin, "codebuild.amazonaws.com", ["s3:GetObject"])
    iam = client(enforced.url, admin, "iam")
    name = arn.rsplit("/", 1)[1]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"}],
    }
    iam.put_role_policy(RoleName=name, PolicyName="list", PolicyDocument=json.dumps(policy))
    creds = assume_as_service(enforced.url, admin, arn, "codebuild.amazonaws.com", "head")
    s3: Any = client(enforced.url, creds, "s3")
    s3.head_bucket(Bucket=bucket)
    other = f"probe-{uuid.uuid4().hex[:8]}"
    client(enforced.url, admin, "s3").create_bucket(Bucket=other)
    with pytest.raises(ClientError) as denied:
        s3.head_bucket(Bucket=other)
    assert denied.value.response["Error"]["Code"] in ("403", "AccessDenied")


@pytest.mark.fix("iam-action-prefix")
def test_cloudwatch_calls_are_authorized_as_cloudwatch_actions(enforced: Emulator) -> None:
    """CloudWatch is signed as "monitoring" but authorized as cloudwatch:<Action>."""
    arn = _role(enforced.url, enforced.admin, "codebuild.amazonaws.com", ["cloudwatch:DescribeAlarms"])
    creds = assume_as_service(enforced.url, enforced.admin, arn, "codebuild.amazonaws.com", "cw")
    cw: Any = client(enforced.url, creds, "cloudwatch")
    assert cw.describe_alarms()["MetricAlarms"] == []
    with pytest.raises(ClientError) as denied:
        cw.delete_alarms(AlarmNames=["nope"])
    assert "cloudwatch:DeleteAlarms" in str(denied.value)
