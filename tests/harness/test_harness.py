"""The harness itself: matching, Terraform discovery, CLI config, leftover detection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import ABSENT, match
from tests.support.apply import leftovers, snapshot
from tests.support.expect import ExpectationError, assert_plan_matches
from tests.support.plan import flatten_plan
from tests.support.terraform import TerraformNotFoundError, cli_config_text, find_terraform


def test_match_reports_differences() -> None:
    assert match({"a": 1, "b": [1, 2]}, {"a": 1}) == []
    assert match({"a": 1}, {"a": 2}) == ["a: expected 2, got 1"]
    assert match({"a": [1]}, {"a": [1, 2]})[0].startswith("a: expected 2 items")
    assert match({"a": None}, {"a": ABSENT}) == []
    assert match({"a": "x"}, {"a": ABSENT}) == ["a: expected absent, got 'x'"]
    assert match({}, {"a": 1}) == ["a: missing (expected 1)"]


def test_flatten_walks_child_modules_and_plan_mismatch_raises() -> None:
    raw = {
        "planned_values": {
            "root_module": {
                "resources": [{"address": "aws_vpc.this", "mode": "managed", "values": {"x": 1}}],
                "child_modules": [
                    {
                        "resources": [
                            {"address": 'module.n.aws_subnet.a["k"]', "mode": "managed", "values": {}},
                            {"address": "module.n.data.aws_region.r", "mode": "data", "values": {}},
                        ]
                    }
                ],
            },
            "outputs": {"o": {"value": 3}},
        },
        "resource_changes": [],
    }
    plan = flatten_plan(raw)
    assert plan.counts == {"aws_vpc": 1, "aws_subnet": 1}
    assert plan.outputs == {"o": 3}
    assert_plan_matches(plan, {"resources": {"aws_vpc.this": {"x": 1}}, "counts": {"aws_subnet": 1}})
    with pytest.raises(ExpectationError, match="count of aws_subnet"):
        assert_plan_matches(plan, {"counts": {"aws_subnet": 2}})
    with pytest.raises(ExpectationError, match="expected no such resource"):
        assert_plan_matches(plan, {"resources": {"aws_vpc.this": ABSENT}})


def test_find_terraform_fails_clearly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TERRAFORM", str(tmp_path / "nope"))
    with pytest.raises(TerraformNotFoundError, match="not an executable"):
        find_terraform()
    monkeypatch.delenv("TERRAFORM")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(TerraformNotFoundError, match="install terraform"):
        find_terraform()


def test_cli_config_never_reaches_the_registry_for_aws(tmp_path: Path) -> None:
    text = cli_config_text(tmp_path, tmp_path / "cache")
    assert f'path    = "{tmp_path}"' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in text


def test_leftover_detection_sees_a_new_bucket(aws: Any) -> None:
    before = snapshot(aws)
    aws.client("s3").create_bucket(Bucket="zonke-leftover-probe")
    assert leftovers(before, snapshot(aws)) == {"s3.buckets": ["zonke-leftover-probe"]}
