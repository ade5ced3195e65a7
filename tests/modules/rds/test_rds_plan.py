"""Plan tests of modules/rds beyond its plan cases (cases.yaml: PostgreSQL defaults, MySQL,
multi-AZ with options, bad input): the parameter groups, the key policy, the tags, and the key's
move."""

from __future__ import annotations

import json

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

CASES = cases_beside(__file__)


@pytest.fixture(scope="module")
def rds(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/rds").init()


@pytest.fixture(scope="module")
def default_plan(rds: TerraformRoot) -> PlanResult:
    return rds.plan(CASES.variables("defaults"))


def parameters(plan: PlanResult) -> dict[str, tuple[str, str]]:
    """The parameter group's parameters: name -> (value, apply method)."""
    group = plan.one("aws_db_parameter_group")
    return {p["name"]: (p["value"], p["apply_method"]) for p in group["parameter"]}


def test_defaults_tag_every_resource_with_the_module(default_plan: PlanResult) -> None:
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


def test_mysql_forces_tls_and_logs_slow_queries(rds: TerraformRoot) -> None:
    assert parameters(rds.plan(CASES.variables("mysql"))) == {
        "require_secure_transport": ("1", "immediate"),
        "slow_query_log": ("1", "immediate"),
        "long_query_time": ("1", "immediate"),
        "log_output": ("FILE", "immediate"),
    }


def test_multi_az_with_options_parameters_and_tags(rds: TerraformRoot) -> None:
    plan = rds.plan(CASES.variables("multi_az_with_options"))
    # User parameters are added and may override a default, never the TLS one.
    assert parameters(plan) == {
        "rds.force_ssl": ("1", "immediate"),
        "log_min_duration_statement": ("1000", "immediate"),
        "log_statement": ("mod", "immediate"),
        "work_mem": ("16384", "immediate"),
    }
    # The tags input reaches every taggable resource.
    tagged = [
        addr for addr, values in plan.values.items() if "tags" in values and not addr.startswith("data.")
    ]
    assert len(tagged) >= 7, tagged
    for addr in tagged:
        assert plan.values[addr]["tags"].get("team") == "web", f"{addr} lacks the tags input"


def test_an_existing_key_moves_into_the_building_block(rds: TerraformRoot) -> None:
    """A stack made before modules/_internal/logs-key keeps the database's key (storage,
    secret, logs): replacing it would lose the data."""
    old = kms_key_and_alias("aws_kms_key.this[0]", "aws_kms_alias.this[0]", "alias/zonke/demo/rds")
    plan = moved_plan(rds, CASES.base, old)
    assert_moved_in_place(
        plan,
        {
            "module.key[0].aws_kms_key.this": "aws_kms_key.this[0]",
            "module.key[0].aws_kms_alias.this": "aws_kms_alias.this[0]",
        },
    )
