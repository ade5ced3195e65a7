"""Secrets Manager compatibility fix: CancelRotateSecret turns off a managed secret's rotation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zonke_emulator import Emulator


@pytest.fixture
def session(emulator: Emulator) -> Any:
    return emulator.boto3_session()


def rds_managed_secret(session: Any) -> str:
    """Create a DB instance whose master password RDS manages; return the secret's ARN."""
    created = session.client("rds").create_db_instance(
        DBInstanceIdentifier=f"probe-{uuid.uuid4().hex[:8]}",
        DBInstanceClass="db.t4g.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="app",
        ManageMasterUserPassword=True,
    )["DBInstance"]
    return str(created["MasterUserSecret"]["SecretArn"])


@pytest.mark.fix("secretsmanager-cancel-managed-rotation")
def test_managed_rotation_schedule_can_be_set_and_cancelled(session: Any) -> None:
    sm = session.client("secretsmanager")
    arn = rds_managed_secret(session)
    assert sm.describe_secret(SecretId=arn)["OwningService"] == "rds"
    sm.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 14}, RotateImmediately=False)
    described = sm.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 14

    answer = sm.cancel_rotate_secret(SecretId=arn)
    assert answer["ARN"] == arn
    assert sm.describe_secret(SecretId=arn)["RotationEnabled"] is False


def test_a_secret_nobody_manages_still_needs_a_rotation_lambda(session: Any) -> None:
    """The fix is narrow: an ordinary secret without a Lambda still gets the emulator's answer."""
    sm = session.client("secretsmanager")
    name = f"probe/{uuid.uuid4().hex[:8]}"
    sm.create_secret(Name=name, SecretString="{}")
    with pytest.raises(ClientError, match="InvalidRequestException"):
        sm.cancel_rotate_secret(SecretId=name)
