"""RDS compatibility fixes: DbiResourceId, parameter sources, Performance Insights, managed secret value."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator


@pytest.fixture
def rds(emulator: Emulator) -> Any:
    return emulator.boto3_session().client("rds")


def create_instance(rds: Any, **extra: Any) -> dict[str, Any]:
    name = f"probe-{uuid.uuid4().hex[:8]}"
    params: dict[str, Any] = {
        "DBInstanceIdentifier": name,
        "DBInstanceClass": "db.t4g.micro",
        "Engine": "postgres",
        "EngineVersion": "17",
        "AllocatedStorage": 20,
        "MasterUsername": "app",
        "MasterUserPassword": "not-a-real-password",
    }
    params.update(extra)
    return dict(rds.create_db_instance(**{k: v for k, v in params.items() if v is not None})["DBInstance"])


def describe(rds: Any, identifier: str) -> dict[str, Any]:
    return dict(rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0])


@pytest.mark.fix("rds-unique-dbi-resource-id")
def test_every_instance_gets_its_own_resource_id(rds: Any) -> None:
    first, second = create_instance(rds), create_instance(rds)
    ids = {first["DbiResourceId"], second["DbiResourceId"]}
    assert len(ids) == 2, ids
    for rid in ids:
        assert re.fullmatch(r"db-[A-Z0-9]{26}", rid), rid
    # The ID is stable, and finds exactly its own instance (what the AWS provider relies on).
    assert describe(rds, first["DBInstanceIdentifier"])["DbiResourceId"] == first["DbiResourceId"]
    found = rds.describe_db_instances(
        Filters=[{"Name": "dbi-resource-id", "Values": [second["DbiResourceId"]]}]
    )
    assert [i["DBInstanceIdentifier"] for i in found["DBInstances"]] == [second["DBInstanceIdentifier"]]


@pytest.mark.fix("rds-default-ca")
def test_a_new_instance_without_a_ca_gets_the_default_ca_and_a_named_one_is_kept(rds: Any) -> None:
    """The AWS provider compares the configured CA with the create's answer and, when they
    differ, modifies the instance and waits a second time (compat/rds_default_ca.py)."""
    plain = create_instance(rds)
    assert plain["CACertificateIdentifier"] == "rds-ca-rsa2048-g1"
    assert describe(rds, plain["DBInstanceIdentifier"])["CACertificateIdentifier"] == "rds-ca-rsa2048-g1"
    named = create_instance(rds, CACertificateIdentifier="rds-ca-ecc384-g1")
    assert named["CACertificateIdentifier"] == "rds-ca-ecc384-g1"


@pytest.mark.fix("rds-db-parameters-source")
def test_user_parameters_report_their_source_and_the_filter_applies(rds: Any) -> None:
    group = f"probe-{uuid.uuid4().hex[:8]}"
    rds.create_db_parameter_group(
        DBParameterGroupName=group, DBParameterGroupFamily="postgres17", Description="p"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName=group,
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"},
            {"ParameterName": "log_statement", "ParameterValue": "ddl", "ApplyMethod": "immediate"},
        ],
    )
    everything = rds.describe_db_parameters(DBParameterGroupName=group)["Parameters"]
    assert {(p["ParameterName"], p["ParameterValue"], p.get("Source")) for p in everything} == {
        ("rds.force_ssl", "1", "user"),
        ("log_statement", "ddl", "user"),
    }
    user = rds.describe_db_parameters(DBParameterGroupName=group, Source="user")["Parameters"]
    assert sorted(p["ParameterName"] for p in user) == ["log_statement", "rds.force_ssl"]
    assert rds.describe_db_parameters(DBParameterGroupName=group, Source="system")["Parameters"] == []
    assert rds.describe_db_parameters(DBParameterGroupName=group, Source="engine-default")["Parameters"] == []


@pytest.mark.fix("rds-keeps-performance-insights")
def test_performance_insights_settings_given_to_create_are_described(rds: Any) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    created = create_instance(
        rds,
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=key,
        PerformanceInsightsRetentionPeriod=31,
    )
    described = describe(rds, created["DBInstanceIdentifier"])
    assert described.get("PerformanceInsightsEnabled") is True
    assert described.get("PerformanceInsightsKMSKeyId") == key
    assert described.get("PerformanceInsightsRetentionPeriod") == 31


@pytest.mark.fix("rds-keeps-performance-insights")
def test_performance_insights_default_retention_is_seven_days(rds: Any) -> None:
    created = create_instance(rds, EnablePerformanceInsights=True)
    described = describe(rds, created["DBInstanceIdentifier"])
    assert described.get("PerformanceInsightsEnabled") is True
    assert described.get("PerformanceInsightsRetentionPeriod") == 7


@pytest.mark.fix("rds-keeps-performance-insights")
def test_performance_insights_off_unless_requested_and_modify_turns_it_on(rds: Any) -> None:
    created = create_instance(rds)
    name = created["DBInstanceIdentifier"]
    assert describe(rds, name).get("PerformanceInsightsEnabled") is False
    assert "PerformanceInsightsRetentionPeriod" not in describe(rds, name)
    rds.modify_db_instance(DBInstanceIdentifier=name, EnablePerformanceInsights=True, ApplyImmediately=True)
    assert describe(rds, name).get("PerformanceInsightsEnabled") is True
    rds.modify_db_instance(DBInstanceIdentifier=name, EnablePerformanceInsights=False, ApplyImmediately=True)
    assert describe(rds, name).get("PerformanceInsightsEnabled") is False


@pytest.mark.fix("rds-master-user-secret-value")
def test_managed_secret_holds_the_master_user_and_its_own_password(emulator: Emulator, rds: Any) -> None:
    sm = emulator.boto3_session().client("secretsmanager")
    values = []
    for user in ("app", "shop_owner"):
        created = create_instance(
            rds, MasterUsername=user, MasterUserPassword=None, ManageMasterUserPassword=True
        )
        secret = sm.get_secret_value(SecretId=created["MasterUserSecret"]["SecretArn"])
        values.append(json.loads(secret["SecretString"]))
    assert [v["username"] for v in values] == ["app", "shop_owner"]
    passwords = [v["password"] for v in values]
    assert passwords[0] != passwords[1]
    for password in passwords:
        assert len(password) == 28
        assert not set(password) & set('/"@ ')
