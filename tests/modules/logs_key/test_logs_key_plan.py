"""Plan tests of modules/_internal/logs-key, the building block the tier modules share for
the key of their log groups: the key policy's two statements and the caller's merged ones
(the plan cases and bad input are data: cases.yaml)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside
from tests.support.iam import as_list

BASE = cases_beside(__file__).base_vars()
[GROUP] = BASE["log_group_arns"]


@pytest.fixture(scope="module")
def logs_key(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/_internal/logs-key").init()


def statements(plan: PlanResult) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(plan.one("aws_kms_key")["policy"])["Statement"]}


def test_defaults(logs_key: TerraformRoot) -> None:
    plan = logs_key.plan(BASE)
    key = statements(plan)
    assert sorted(key) == ["AccountAdministers", "CloudWatchLogsUsesItForTheseLogGroups"]
    assert key["AccountAdministers"]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert key["AccountAdministers"]["Action"] == "kms:*"
    logs = key["CloudWatchLogsUsesItForTheseLogGroups"]
    # The regional service principal, and only for the named group.
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": GROUP}}
    assert sorted(as_list(logs["Action"])) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert plan.outputs["alias_name"] == "alias/zonke/demo/app"


def test_no_log_groups_no_logs_statement_and_the_callers_statements_merged(logs_key: TerraformRoot) -> None:
    extra = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "RoleDecrypts",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:role/reader"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            }
        ],
    }
    plan = logs_key.plan(
        {
            **BASE,
            "log_group_arns": [],
            "account_actions": ["kms:DescribeKey", "kms:PutKeyPolicy"],
            "policy_documents": [json.dumps(extra)],
        }
    )
    key = statements(plan)
    assert sorted(key) == ["AccountAdministers", "RoleDecrypts"]
    assert sorted(as_list(key["AccountAdministers"]["Action"])) == ["kms:DescribeKey", "kms:PutKeyPolicy"]
    assert key["RoleDecrypts"]["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/reader"}
