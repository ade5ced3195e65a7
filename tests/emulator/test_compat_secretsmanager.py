"""Secrets Manager compatibility fix: AWSCURRENT moves without stripping other staging labels."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator


@pytest.fixture
def sm(emulator: Emulator) -> Any:
    return emulator.boto3_session().client("secretsmanager")


def stages(sm: Any, secret: str) -> dict[str, list[str]]:
    """Every version and its labels. AWS lists a version without labels only with
    IncludeDeprecated (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecretVersionIds.html)."""
    versions = sm.list_secret_version_ids(SecretId=secret, IncludeDeprecated=True)["Versions"]
    return {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in versions}


@pytest.mark.fix("secretsmanager-current-label-moves-alone")
def test_a_custom_label_stays_when_the_current_value_changes(sm: Any) -> None:
    name = f"probe/{uuid.uuid4().hex[:8]}"
    sm.create_secret(Name=name)
    seed = sm.put_secret_value(SecretId=name, SecretString="{}", VersionStages=["ZONKE_SEED"])["VersionId"]
    assert stages(sm, name)[seed] == ["AWSCURRENT", "ZONKE_SEED"]  # the first version becomes current

    second = sm.put_secret_value(SecretId=name, SecretString='{"A": "1"}')["VersionId"]
    assert stages(sm, name)[seed] == ["AWSPREVIOUS", "ZONKE_SEED"]
    assert stages(sm, name)[second] == ["AWSCURRENT"]

    third = sm.put_secret_value(SecretId=name, SecretString='{"A": "2"}')["VersionId"]
    assert stages(sm, name) == {seed: ["ZONKE_SEED"], second: ["AWSPREVIOUS"], third: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name, VersionStage="ZONKE_SEED")["VersionId"] == seed


@pytest.mark.fix("secretsmanager-current-label-moves-alone")
def test_a_label_given_with_a_new_current_version_moves_to_it(sm: Any) -> None:
    """PutSecretValue: "If you specify a staging label that's already associated with a
    different version of the same secret, then Secrets Manager removes the label from the
    other version and attaches it to this version"
    (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html),
    whether or not that other version was the current one."""
    name = f"probe/{uuid.uuid4().hex[:8]}"
    first = sm.create_secret(Name=name, SecretString="{}")["VersionId"]
    sm.update_secret_version_stage(SecretId=name, VersionStage="BLUE", MoveToVersionId=first)
    second = sm.put_secret_value(
        SecretId=name, SecretString='{"A": "1"}', VersionStages=["AWSCURRENT", "BLUE"]
    )["VersionId"]
    assert stages(sm, name) == {first: ["AWSPREVIOUS"], second: ["AWSCURRENT", "BLUE"]}

    # The label's holder is not the current version: it still moves to the new current one.
    staged = sm.put_secret_value(SecretId=name, SecretString='{"A": "2"}', VersionStages=["GREEN"])[
        "VersionId"
    ]
    fourth = sm.put_secret_value(
        SecretId=name, SecretString='{"A": "3"}', VersionStages=["AWSCURRENT", "GREEN"]
    )["VersionId"]
    assert stages(sm, name) == {
        first: [],
        second: ["AWSPREVIOUS", "BLUE"],
        staged: [],
        fourth: ["AWSCURRENT", "GREEN"],
    }


@pytest.mark.fix("secretsmanager-current-label-moves-alone")
def test_the_version_holding_awscurrent_becomes_previous(sm: Any) -> None:
    """Even after AWSCURRENT was moved by UpdateSecretVersionStage, a new value demotes its holder."""
    name = f"probe/{uuid.uuid4().hex[:8]}"
    first = sm.create_secret(Name=name, SecretString="{}")["VersionId"]
    staged = sm.put_secret_value(SecretId=name, SecretString='{"A": "1"}', VersionStages=["PENDING"])[
        "VersionId"
    ]
    sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=staged, RemoveFromVersionId=first
    )
    third = sm.put_secret_value(SecretId=name, SecretString='{"A": "2"}')["VersionId"]
    assert stages(sm, name) == {first: [], staged: ["AWSPREVIOUS", "PENDING"], third: ["AWSCURRENT"]}
