"""Plan tests of modules/rds: PostgreSQL defaults, MySQL, multi-AZ with options, tags, bad inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot, assert_plan_matches
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

HERE = Path(__file__).parent

SERVICE_SG = "sg-0a1b2c3d4e5f60001"
MIGRATIONS_SG = "sg-0a1b2c3d4e5f60002"
BASE: dict[str, Any] = {
    "name": "demo",
    "vpc_id": "vpc-0abc",
    "isolated_subnet_ids": ["subnet-0iso1", "subnet-0iso2"],
    "allowed_security_group_ids": {"service": SERVICE_SG, "migrations": MIGRATIONS_SG},
}
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-000000000001"


@pytest.fixture(scope="module")
def rds(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/rds").init()


@pytest.fixture(scope="module")
def default_plan(rds: TerraformRoot) -> PlanResult:
    return rds.plan(BASE)


def parameters(plan: PlanResult) -> dict[str, tuple[str, str]]:
    """The parameter group's parameters: name -> (value, apply method)."""
    group = plan.one("aws_db_parameter_group")
    return {p["name"]: (p["value"], p["apply_method"]) for p in group["parameter"]}


def test_defaults(default_plan: PlanResult) -> None:
    assert_plan_matches(default_plan, HERE / "expected_default.yaml")
    tagged = [a for a, v in default_plan.values.items() if "tags" in v and not a.startswith("data.")]
    assert len(tagged) == 11, tagged
    for addr in tagged:
        assert default_plan.values[addr]["tags"].get("zonke:module") == "rds", f"{addr} lacks the module tags"


def test_defaults_force_tls_and_log_slow_statements(default_plan: PlanResult) -> None:
    assert parameters(default_plan) == {
        "rds.force_ssl": ("1", "immediate"),
        "log_min_duration_statement": ("1000", "immediate"),
        "log_statement": ("ddl", "immediate"),
    }


def test_defaults_admit_only_the_given_groups(default_plan: PlanResult) -> None:
    rules = default_plan.of_type("aws_vpc_security_group_ingress_rule")
    sources = {
        (r["referenced_security_group_id"], r["ip_protocol"], r["from_port"], r["to_port"])
        for r in rules.values()
    }
    assert sources == {(SERVICE_SG, "tcp", 5432, 5432), (MIGRATIONS_SG, "tcp", 5432, 5432)}
    assert all(r.get("cidr_ipv4") is None and r.get("cidr_ipv6") is None for r in rules.values())
    assert "aws_vpc_security_group_egress_rule" not in default_plan.counts


def test_defaults_encrypt_with_one_customer_managed_key(default_plan: PlanResult) -> None:
    key = default_plan.one("aws_kms_key")
    policy = json.loads(key["policy"])
    logs = next(
        s for s in policy["Statement"] if s["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    )
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/instance/demo/*"
    )
    # The key's ARN is unknown until apply, so it cannot be compared here; the apply test
    # checks that storage, the secret and the log groups all use the same key.
    for group in default_plan.of_type("aws_cloudwatch_log_group").values():
        assert group["retention_in_days"] == 365


def test_defaults_never_put_a_password_in_the_plan(default_plan: PlanResult) -> None:
    db = default_plan.one("aws_db_instance")
    assert db["manage_master_user_password"] is True
    assert db.get("password") is None and db.get("password_wo") is None


def test_mysql(rds: TerraformRoot) -> None:
    plan = rds.plan(
        {
            **BASE,
            "name": "shop",
            "engine": "mysql",
            "performance_insights": False,
            "allowed_security_group_ids": {"service": SERVICE_SG},
        }
    )
    assert_plan_matches(plan, HERE / "expected_mysql.yaml")
    assert parameters(plan) == {
        "require_secure_transport": ("1", "immediate"),
        "slow_query_log": ("1", "immediate"),
        "long_query_time": ("1", "immediate"),
        "log_output": ("FILE", "immediate"),
    }


def test_multi_az_with_options(rds: TerraformRoot) -> None:
    plan = rds.plan(
        {
            **BASE,
            "engine_version": "16.4",
            "multi_az": True,
            "iam_database_authentication": True,
            "performance_insights": False,
            "monitoring_interval": 0,
            "kms_key_arn": KEY_ARN,
            "master_password_rotation_days": 30,
            "backup_retention_days": 35,
            "backup_window": "03:00-03:30",
            "maintenance_window": "sun:04:00-sun:05:00",
            "allocated_storage": 100,
            "max_allocated_storage": 500,
            "allowed_security_group_ids": {"service": SERVICE_SG},
            "parameters": {"work_mem": {"value": "16384"}, "log_statement": {"value": "mod"}},
            "tags": {"team": "web"},
        }
    )
    assert_plan_matches(plan, HERE / "expected_production.yaml")
    # User parameters are added and may override a default, never the TLS one.
    assert parameters(plan) == {
        "rds.force_ssl": ("1", "immediate"),
        "log_min_duration_statement": ("1000", "immediate"),
        "log_statement": ("mod", "immediate"),
        "work_mem": ("16384", "immediate"),
    }
    for group in plan.of_type("aws_cloudwatch_log_group").values():
        assert group["kms_key_id"] == KEY_ARN
    # The tags input reaches every taggable resource.
    tagged = [
        addr for addr, values in plan.values.items() if "tags" in values and not addr.startswith("data.")
    ]
    assert len(tagged) >= 7, tagged
    for addr in tagged:
        assert plan.values[addr]["tags"].get("team") == "web", f"{addr} lacks the tags input"


# Terraform reports every failed variable validation of a plan at once, so each plan below
# checks several bad inputs (a plan costs seconds); each message names the field and the fix.
BAD_INPUTS: list[tuple[dict[str, Any], list[str]]] = [
    (
        {
            "name": "Demo",
            "engine_version": "13",
            "instance_class": "t4g.micro",
            "allocated_storage": 10,
            "isolated_subnet_ids": ["subnet-0iso1"],
            "allowed_security_group_ids": {"Service Tasks": "10.0.0.0/8"},
            "backup_retention_days": 0,
            "monitoring_interval": 45,
            "master_password_rotation_days": 0,
            "db_name": "my-app",
            "username": "rdsadmin",
            "port": 80,
            "kms_key_arn": "alias/mine",
            "backup_window": "3:00-3:30",
            "maintenance_window": "Sunday 04:00",
            "cloudwatch_logs_exports": ["slowquery"],
            "parameters": {"rds.force_ssl": {"value": "0"}},
            "log_retention_days": 10,
        },
        [
            "name must be 1-63 characters",
            "engine_version must match the engine",
            'instance_class must look like "db.<family>.<size>"',
            "allocated_storage must be a whole number of GiB from 20 to 65536",
            "at least 2 subnets",
            "keys must be 1-63 lowercase",
            "values must be security group IDs",
            "backup_retention_days must be a whole number from 1 to 35",
            "monitoring_interval must be one of",
            "master_password_rotation_days must be a whole number",
            "db_name must be 1-63 characters",
            "not a name RDS reserves",
            "port must be a whole number from 1150 to 65535",
            "kms_key_arn must be a KMS key ARN",
            "backup_window must look like",
            "maintenance_window must look like",
            "cloudwatch_logs_exports may only name logs",
            "must not set rds.force_ssl",
            "log_retention_days must be one of",
        ],
    ),
    (
        {
            "name": "1db",
            "engine": "mysql",
            "engine_version": "17",
            "username": "a_very_long_user_name",
            "instance_class": "db.T4G.micro",
            "allocated_storage": 70000,
            "max_allocated_storage": 0,
            "backup_retention_days": 36,
            "isolated_subnet_ids": ["subnet-0iso1", "subnet-0iso1"],
            "parameters": {
                "require_secure_transport": {"value": "0"},
                "x": {"value": "1", "apply_method": "later"},
            },
        },
        [
            "name must be 1-63 characters",
            "engine_version must match the engine",
            "16 for mysql",
            'instance_class must look like "db.<family>.<size>"',
            "allocated_storage must be a whole number of GiB from 20 to 65536",
            "backup_retention_days must be a whole number from 1 to 35",
            "same subnet twice",
            "must not set rds.force_ssl or require_secure_transport",
            'apply_method must be "immediate" or "pending-reboot"',
        ],
    ),
    (
        {"name": "db--one", "engine": "oracle-ee", "max_allocated_storage": 21},
        [
            "no two consecutive hyphens",
            'engine must be "postgres" or "mysql"',
            "at least 10% above allocated_storage",
        ],
    ),
    (
        {"app_username": "App-User", "app_user_secret_recovery_days": 3},
        [
            "app_username must be 1-63 lower-case letters",
            "app_user_secret_recovery_days must be 0 (delete at once) or from 7 to 30",
        ],
    ),
    ({"app_username": "app"}, ["differ from the master user name"]),
    (
        {"engine": "mysql", "performance_insights": False, "app_username": "a" * 33},
        ["at most 32 for mysql"],
    ),
    (
        {"name": "db-", "engine_version": "8.0", "max_allocated_storage": 70000},
        ["no trailing hyphen", "engine_version must match the engine", "at most 65536"],
    ),
    (
        {"name": "d" * 64, "engine": "mysql", "engine_version": "5.7"},
        [
            "name must be 1-63 characters",
            "engine_version must match the engine",
            "performance_insights is not available for MySQL",
        ],
    ),
]


@pytest.mark.parametrize(
    ("variables", "messages"), BAD_INPUTS, ids=[f"bad-inputs-{i}" for i in range(len(BAD_INPUTS))]
)
def test_bad_inputs_are_rejected_with_clear_messages(
    rds: TerraformRoot, variables: dict[str, Any], messages: list[str]
) -> None:
    error = " ".join(rds.plan_error({**BASE, **variables}).split())
    missing = [m for m in messages if m not in error]
    assert not missing, f"messages missing from the plan error: {missing}\n{error}"
    # One failed rule per bad input: no validation fired that the case did not expect.
    rules = set(re.findall(r"validation rule at (variables\w*\.tf:\d+)", error))
    assert len(rules) == len(messages), error


def test_an_existing_key_moves_into_the_building_block(rds: TerraformRoot) -> None:
    """A stack made before modules/_internal/logs-key keeps the database's key (storage,
    secret, logs): replacing it would lose the data."""
    old = kms_key_and_alias("aws_kms_key.this[0]", "aws_kms_alias.this[0]", "alias/zonke/demo/rds")
    plan = moved_plan(rds, BASE, old)
    assert_moved_in_place(
        plan,
        {
            "module.key[0].aws_kms_key.this": "aws_kms_key.this[0]",
            "module.key[0].aws_kms_alias.this": "aws_kms_alias.this[0]",
        },
    )
