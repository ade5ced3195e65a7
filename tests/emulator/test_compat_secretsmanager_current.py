"""The emulator serves the AWSCURRENT version after UpdateSecretVersionStage moved it, as AWS does."""

from __future__ import annotations

import pytest

from zonke_emulator import Emulator


@pytest.mark.fix("secretsmanager-current-follows-update-version-stage")
def test_get_secret_value_follows_a_moved_awscurrent(emulator: Emulator) -> None:
    emulator.reset()
    sm = emulator.boto3_session().client("secretsmanager")
    arn = sm.create_secret(Name="zonke-compat-current", SecretString='{"A": "1"}')["ARN"]
    old = sm.get_secret_value(SecretId=arn)["VersionId"]
    new = "n" * 32
    sm.put_secret_value(
        SecretId=arn, ClientRequestToken=new, SecretString='{"A": "2"}', VersionStages=["PENDING"]
    )
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == '{"A": "1"}'  # not current yet
    sm.update_secret_version_stage(
        SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=new, RemoveFromVersionId=old
    )
    current = sm.get_secret_value(SecretId=arn)
    assert current["VersionId"] == new and current["SecretString"] == '{"A": "2"}'
    assert "AWSCURRENT" in current["VersionStages"]
    previous = sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")
    assert previous["VersionId"] == old
