"""Proof (c): the Infrastructure role, assumed in an emulator that enforces IAM, cannot escalate.

The emulator runs with INITIAL_NO_AUTH_ACTION_COUNT: its first requests create an
administrator user and key, every later request is checked against IAM. moto then enforces
actions and resource ARNs for assumed-role credentials, but evaluates no Condition block and
no permissions boundary (see the workspace's emulator notes): what rests on a condition is
asserted on the planned JSON in test_iam_terraform.py. Here each escalation attempt is
denied by an unconditional statement, and allowed calls on the stack's own roles show that
the role is not simply denied everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.modules.codepipeline.common import base_vars
from tests.support import REPO_ROOT, TerraformEnv, TerraformRoot
from zonke_emulator import REGION, Emulator, provider_block
from zonke_tf import ops

pytestmark = pytest.mark.apply

NAME = "shop-prod"
ACCOUNT = "123456789012"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
# Requests the emulator serves without checking IAM: create the admin user, attach the
# policy, create the access key.
UNCHECKED_REQUESTS = 3


class Session:
    """boto3 clients on the emulator with one set of credentials."""

    def __init__(self, url: str, key: str, secret: str, token: str | None = None) -> None:
        self.url = url
        self._session = boto3.session.Session(
            aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token, region_name=REGION
        )

    def client(self, service: str) -> Any:
        return self._session.client(service, endpoint_url=self.url)


@pytest.fixture(scope="module")
def enforcing() -> Iterator[tuple[Emulator, Session]]:
    emu = Emulator(extra_env={"INITIAL_NO_AUTH_ACTION_COUNT": str(UNCHECKED_REQUESTS)})
    emu.start()
    try:
        iam = Session(emu.url, "testing", "testing").client("iam")
        iam.create_user(UserName="admin")
        iam.attach_user_policy(UserName="admin", PolicyArn=ADMIN_POLICY)
        key = iam.create_access_key(UserName="admin")["AccessKey"]
        admin = Session(emu.url, key["AccessKeyId"], key["SecretAccessKey"])
        # enforcement is on: the dummy credentials no longer work
        with pytest.raises(ClientError):
            Session(emu.url, "testing", "testing").client("iam").list_users()
        yield emu, admin
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def stack(
    enforcing: tuple[Emulator, Session], tf_env: TerraformEnv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Session, dict[str, Any]]]:
    emu, admin = enforcing
    creds = admin._session.get_credentials()
    provider = provider_block(emu.url, default_tags={"zonke:stack": NAME})
    provider = provider.replace(
        'access_key                  = "testing"', f'access_key = "{creds.access_key}"'
    )
    provider = provider.replace(
        'secret_key                  = "testing"', f'secret_key = "{creds.secret_key}"'
    )
    root = TerraformRoot(
        REPO_ROOT / "modules/codepipeline", tmp_path_factory.mktemp("enforced"), tf_env, provider
    )
    variables = base_vars(managed_resource_tag={"key": "zonke:stack", "value": NAME})
    # Apply and destroy as the administrator. The leftover check of tests.support.applied lists
    # every service, and moto's enforcement rejects some of those list calls (CloudFront)
    # even for an administrator; test_codepipeline_apply covers re-plan and leftovers.
    root.init()
    root.write_vars(variables)
    try:
        root.tf.apply(color=False)
        out = root.tf.execute_command("output", "-json", "-no-color").out
        yield admin, {k: v.get("value") for k, v in json.loads(out or "{}").items()}
    finally:
        root.tf.destroy(color=False)


def assume(admin: Session, role_arn: str) -> Session:
    """Credentials of the role, as CodeBuild would get them. The role trusts only
    codebuild.amazonaws.com, so the administrator makes the trust policy name itself instead
    (a stand-in for CodeBuild: moto answers HTTP 500, not AccessDenied, when a trust policy
    has a statement without an AWS principal)."""
    me = admin.client("sts").get_caller_identity()["Arn"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": me}, "Action": "sts:AssumeRole"}],
    }
    admin.client("iam").update_assume_role_policy(
        RoleName=role_arn.rsplit("/", 1)[1], PolicyDocument=json.dumps(trust)
    )
    creds = admin.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="push")["Credentials"]
    return Session(admin.url, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def denied(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    code = str(err.value.response["Error"].get("Code"))
    status = err.value.response["ResponseMetadata"]["HTTPStatusCode"]
    # moto's Secrets Manager reports the denial with code "403"; the others AccessDenied
    assert code in {"AccessDenied", "AccessDeniedException"} or (code, status) == ("403", 403), (
        f"{call.__name__}: {code} {status}"
    )
    return code


def test_the_infrastructure_role_cannot_escalate(stack: tuple[Session, dict[str, Any]]) -> None:
    admin, outputs = stack
    infra_arn = outputs["codebuild_role_arns"]["infra"]
    infra_name = infra_arn.rsplit("/", 1)[1]
    assert f":role/zonke/{NAME}/terraform/" in infra_arn
    pipeline_role = outputs["pipeline_role_arn"].rsplit("/", 1)[1]
    push = assume(admin, infra_arn)
    iam = push.client("iam")

    # what it may do: read and tag the stack's own roles (enforcement is not deny-all)
    iam.get_role(RoleName=pipeline_role)
    iam.tag_role(RoleName=pipeline_role, Tags=[{"Key": "checked", "Value": "yes"}])

    # 1. attach an AWS-managed administrator policy to itself
    denied(iam.attach_role_policy, RoleName=infra_name, PolicyArn=ADMIN_POLICY)
    # 2. put an inline policy on its own role
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    denied(iam.put_role_policy, RoleName=infra_name, PolicyName="x", PolicyDocument=json.dumps(everything))
    # 3. create a role without the boundary (and outside the stack's path)
    trust_ecs = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    denied(iam.create_role, RoleName="escape", AssumeRolePolicyDocument=json.dumps(trust_ecs))
    denied(
        iam.create_role,
        RoleName="escape",
        Path=f"/zonke/{NAME}/",
        AssumeRolePolicyDocument=json.dumps(trust_ecs),
    )
    # 4. hand a role of the stack to another account
    foreign = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    denied(iam.update_assume_role_policy, RoleName=pipeline_role, PolicyDocument=json.dumps(foreign))
    # 5. change the boundary, or take it off a role
    boundary = outputs["permissions_boundary_arn"]
    denied(
        iam.create_policy_version,
        PolicyArn=boundary,
        PolicyDocument=json.dumps(everything),
        SetAsDefault=True,
    )
    denied(iam.delete_role_permissions_boundary, RoleName=pipeline_role)
    # 6. write anything of its own policies
    for policy in iam.list_attached_role_policies(RoleName=infra_name)["AttachedPolicies"]:
        denied(
            iam.create_policy_version, PolicyArn=policy["PolicyArn"], PolicyDocument=json.dumps(everything)
        )
        denied(iam.detach_role_policy, RoleName=infra_name, PolicyArn=policy["PolicyArn"])


def test_the_infrastructure_role_never_reads_a_secret_value(stack: tuple[Session, dict[str, Any]]) -> None:
    admin, outputs = stack
    sm = admin.client("secretsmanager")
    arn = sm.create_secret(Name=f"zonke/{NAME}/app", SecretString='{"STRIPE_KEY": "sk_test_1"}')["ARN"]
    try:
        assert sm.get_secret_value(SecretId=arn)["SecretString"]  # the administrator can
        push = assume(admin, outputs["codebuild_role_arns"]["infra"]).client("secretsmanager")
        assert push.describe_secret(SecretId=arn)["Name"] == f"zonke/{NAME}/app"  # metadata: yes
        denied(push.get_secret_value, SecretId=arn)  # the value: never
    finally:
        sm.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def test_the_infrastructure_role_writes_the_first_value_of_the_app_secret(
    stack: tuple[Session, dict[str, Any]],
) -> None:
    """What `zonke apply --yes` does in this stage after the apply (ops.seed_generated_secrets):
    allowed as the Infrastructure role, which still cannot read the value it wrote. (The
    emulator matches Secrets Manager requests against any resource, so that no sibling's
    secret can be written is asserted on the policy: test_iam_terraform.py.)"""
    admin, outputs = stack
    sm = admin.client("secretsmanager")
    arn = sm.create_secret(Name=f"zonke/{NAME}/app")["ARN"]  # as Terraform leaves it: no value
    try:
        push = assume(admin, outputs["codebuild_role_arns"]["infra"])
        seed = ops.Stack(
            outputs={"secret_arn": arn, "generated_secret_keys": ["DJANGO_SECRET_KEY"]}, client=push.client
        )
        assert ops.seed_generated_secrets(seed).keys == ["DJANGO_SECRET_KEY"]
        assert ops.seed_generated_secrets(seed).outcome == "has a value"
        denied(push.client("secretsmanager").get_secret_value, SecretId=arn)
        value = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])["DJANGO_SECRET_KEY"]
        assert len(value) == ops.SEED_PASSWORD_LENGTH
    finally:
        sm.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def test_a_sibling_stack_is_out_of_reach(stack: tuple[Session, dict[str, Any]]) -> None:
    admin, outputs = stack
    admin_iam = admin.client("iam")
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
    push = assume(admin, outputs["codebuild_role_arns"]["infra"]).client("iam")
    for sibling in ("shop-prod2", "shop-prod-x"):
        name = f"{sibling}-pipeline-20261202120000000000000001"
        admin_iam.create_role(
            RoleName=name, Path=f"/zonke/{sibling}/", AssumeRolePolicyDocument=json.dumps(trust)
        )
        try:
            denied(push.tag_role, RoleName=name, Tags=[{"Key": "k", "Value": "v"}])
            denied(push.delete_role, RoleName=name)
        finally:
            admin_iam.delete_role(RoleName=name)
