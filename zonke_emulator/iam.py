"""IAM enforcement in the emulator: an administrator for people, stand-ins for AWS services.

moto checks every request against IAM once it has served ``INITIAL_NO_AUTH_ACTION_COUNT``
requests (actions and resource ARNs; ``Condition`` blocks are not evaluated). The emulator
is started with :data:`FREE_REQUESTS` free requests, which :func:`bootstrap_admin` spends on
creating the administrator user, its policy and its access key; from then on a request
without real credentials of the emulator's IAM is refused.

What a person runs (deploy, day-2 commands) uses the administrator's key. The local
pipeline runs each stage with the credentials of the stage's own role, obtained with
``sts:AssumeRole`` by a stand-in user for the service that assumes it on AWS
(:func:`assume_as_service`), so the role's trust policy is checked too.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zonke_emulator import REGION
from zonke_emulator.compat.iam_service_principal_trust import SERVICE_STANDIN_PREFIX
from zonke_emulator.errors import EmulatorError

ADMIN_USER = "zonke-admin"
# CreateUser, PutUserPolicy, CreateAccessKey: exactly the requests bootstrap_admin makes.
FREE_REQUESTS = 3
_ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
_MAY_ASSUME = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
)


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def env(self) -> dict[str, str]:
        """AWS_* variables for a subprocess (the region too)."""
        out = {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }
        if self.session_token:
            out["AWS_SESSION_TOKEN"] = self.session_token
        return out

    def to_json(self) -> dict[str, str]:
        out = {"access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key}
        if self.session_token:
            out["session_token"] = self.session_token
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Credentials:
        return cls(str(data["access_key_id"]), str(data["secret_access_key"]), data.get("session_token"))


DUMMY = Credentials("testing", "testing", "testing")


def client(url: str, creds: Credentials, service: str, region: str = REGION) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session(
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        region_name=region,
    ).client(service, endpoint_url=url, config=Config(retries={"max_attempts": 2, "mode": "standard"}))


def bootstrap_admin(url: str) -> Credentials:
    """Spend the emulator's free requests on an administrator; prove enforcement is on."""
    iam = client(url, DUMMY, "iam")
    iam.create_user(UserName=ADMIN_USER)
    iam.put_user_policy(UserName=ADMIN_USER, PolicyName="administrator", PolicyDocument=_ALLOW_ALL)
    key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
    admin = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    try:
        client(url, DUMMY, "iam").list_users()
    except Exception as exc:  # botocore ClientError: the dummy key is refused now
        if "InvalidClientTokenId" not in str(exc) and "AccessDenied" not in str(exc):
            raise
    else:
        raise EmulatorError("the emulator did not turn IAM enforcement on after its free requests")
    return admin


def standin_user(service_principal: str) -> str:
    return f"{SERVICE_STANDIN_PREFIX}{service_principal}"


def assume_as_service(
    url: str, admin: Credentials, role_arn: str, service_principal: str, session_name: str
) -> Credentials:
    """Credentials of ``role_arn`` as ``service_principal`` would get them on AWS.

    The administrator creates (once) a stand-in user for the service, allowed only
    ``sts:AssumeRole``; the stand-in assumes the role, so the role's trust policy decides.
    """
    iam = client(url, admin, "iam")
    user = standin_user(service_principal)
    with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
        iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="assume-roles", PolicyDocument=_MAY_ASSUME)
    for old in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=user, AccessKeyId=old["AccessKeyId"])
    key = iam.create_access_key(UserName=user)["AccessKey"]
    standin = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    got = client(url, standin, "sts").assume_role(RoleArn=role_arn, RoleSessionName=session_name[:64])
    c = got["Credentials"]
    return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
