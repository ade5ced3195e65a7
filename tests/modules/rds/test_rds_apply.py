"""Apply network + rds against the emulator and check the database with boto3.

One apply (a DB instance takes about 80 s to create in the emulator), through the fixture
root `fixtures/stack`: the network module, two plain security groups standing in for the
ECS service and the migration task, and the rds module with deletion protection off and
no final snapshot. On exit the harness re-plans (no changes), destroys, and checks that
nothing is left.

What the emulator cannot show, and where it is covered instead:
- it runs no database engine, so "TLS is refused otherwise" is covered by the parameter
  group's values (here through DescribeDBParameters, and in the plan tests);
- it does not rotate the password on a schedule: the rotation schedule is checked as
  Secrets Manager stores it, and the README states what rotation does to running tasks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import applied

pytestmark = pytest.mark.apply

ROTATION_DAYS = 14


def test_apply_replan_destroy(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root("tests/modules/rds/fixtures/stack")
    variables = {"name": "apply-db", "master_password_rotation_days": ROTATION_DAYS}
    with applied(root, aws, variables) as stack:
        out = stack.outputs
        db_out, network, app_groups = out["rds"], out["network"], out["app_security_group_ids"]
        rds, ec2 = aws.client("rds"), aws.client("ec2")

        db = rds.describe_db_instances(DBInstanceIdentifier=db_out["identifier"])["DBInstances"][0]
        assert db["PubliclyAccessible"] is False
        assert db["StorageEncrypted"] is True
        assert db["KmsKeyId"] == db_out["kms_key_arn"]
        assert db["Engine"] == "postgres"
        assert db["StorageType"] == "gp3"
        assert db["MaxAllocatedStorage"] == 100
        assert db["BackupRetentionPeriod"] == 7
        assert db["CopyTagsToSnapshot"] is True
        assert db["DeletionProtection"] is False  # switched off for this throwaway stack
        assert db["AutoMinorVersionUpgrade"] is True
        assert db["PerformanceInsightsEnabled"] is True
        assert db["PerformanceInsightsKMSKeyId"] == db_out["kms_key_arn"]
        assert db["MonitoringInterval"] == 60
        assert sorted(db["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
        assert db["DbiResourceId"] == db_out["resource_id"]
        assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [db_out["security_group_id"]]

        # The subnet group holds exactly the isolated subnets: no private or public one.
        subnets = {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]}
        assert subnets == set(network["isolated_subnet_ids"])
        assert not subnets & set(network["private_subnet_ids"] + network["public_subnet_ids"])

        # The parameter group forces TLS.
        assert [g["DBParameterGroupName"] for g in db["DBParameterGroups"]] == [
            db_out["parameter_group_name"]
        ]
        params = rds.describe_db_parameters(
            DBParameterGroupName=db_out["parameter_group_name"], Source="user"
        )
        assert {p["ParameterName"]: p["ParameterValue"] for p in params["Parameters"]}["rds.force_ssl"] == "1"

        # Ingress on 5432 from the two given groups only; nothing else in, nothing out.
        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [db_out["security_group_id"]]}]
        )["SecurityGroupRules"]
        ingress = [r for r in rules if not r["IsEgress"]]
        assert sorted(r["ReferencedGroupInfo"]["GroupId"] for r in ingress) == sorted(app_groups.values())
        for rule in ingress:
            assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 5432, 5432)
            assert "CidrIpv4" not in rule and "CidrIpv6" not in rule and "PrefixListId" not in rule
        assert [r for r in rules if r["IsEgress"]] == []

        # The master user secret: RDS-owned, encrypted with the module's key, on our schedule.
        secret_arn = db_out["master_user_secret_arn"]
        assert db["MasterUserSecret"]["SecretArn"] == secret_arn
        sm = aws.client("secretsmanager")
        secret = sm.describe_secret(SecretId=secret_arn)
        assert secret["OwningService"] == "rds"
        assert secret["KmsKeyId"] == db_out["kms_key_arn"]
        assert secret["RotationEnabled"] is True
        assert secret["RotationRules"]["AutomaticallyAfterDays"] == ROTATION_DAYS
        credentials = json.loads(sm.get_secret_value(SecretId=secret_arn)["SecretString"])
        assert credentials["username"] == "app"
        password = credentials["password"]
        assert len(password) >= 8

        # The password never reaches the Terraform state (nor the outputs).
        state = stack.state_text()
        assert secret_arn in state  # the state is the real one: it knows the secret's ARN
        assert password not in state
        assert password not in json.dumps(out)

        # The app's own user: a secret of its own, with the module's key and no value yet
        # (zonke apply writes the first one); the web containers sign in with it, only the
        # migration container gets the master user.
        app_user = db_out["app_user"]
        assert app_user["username"] == "app_user"
        app_secret = sm.describe_secret(SecretId=app_user["secret_arn"])
        assert app_secret["Name"] == "zonke/apply-db/db-app-user"
        assert app_secret["KmsKeyId"] == db_out["kms_key_arn"]
        assert not app_secret.get("VersionIdsToStages"), "Terraform writes no value"
        app_arn = app_user["secret_arn"]

        # ECS-ready outputs.
        assert db_out["container_secrets"] == [
            {"name": "DB_USER", "valueFrom": f"{app_arn}:username::"},
            {"name": "DB_PASSWORD", "valueFrom": f"{app_arn}:password::"},
        ]
        assert db_out["migration_secrets"] == [
            {"name": "DB_MASTER_USER", "valueFrom": f"{secret_arn}:username::"},
            {"name": "DB_MASTER_PASSWORD", "valueFrom": f"{secret_arn}:password::"},
        ]
        assert db_out["secret_arns"] == [secret_arn, app_arn]
        assert db_out["container_environment"] == {
            "DB_HOST": db["Endpoint"]["Address"],
            "DB_PORT": "5432",
            "DB_NAME": "app",
        }
        assert db_out["endpoint"] == f"{db['Endpoint']['Address']}:5432"
        policy = json.loads(db_out["secret_read_policy_json"])
        read, decrypt = policy["Statement"]
        assert read["Action"] == "secretsmanager:GetSecretValue"
        assert sorted(read["Resource"]) == sorted([secret_arn, app_arn])
        assert (decrypt["Action"], decrypt["Resource"]) == ("kms:Decrypt", db_out["kms_key_arn"])

        # Exported logs land in encrypted log groups with a retention.
        logs = aws.client("logs")
        for name in db_out["log_group_names"].values():
            (group,) = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
            assert group["kmsKeyId"] == db_out["kms_key_arn"]
            assert group["retentionInDays"] == 365

        key = aws.client("kms").describe_key(KeyId=db_out["kms_key_arn"])["KeyMetadata"]
        assert key["KeyManager"] == "CUSTOMER"
        assert aws.client("kms").get_key_rotation_status(KeyId=db_out["kms_key_arn"])["KeyRotationEnabled"]
