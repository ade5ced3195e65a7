"""Plan tests of modules/sqs-broker: queues, dead-letter queues, TLS-only policies, bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot, assert_plan_matches

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def broker(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/sqs-broker").init()


def test_defaults(broker: TerraformRoot) -> None:
    assert_plan_matches(broker.plan({"name": "shop-prod"}), HERE / "expected_default.yaml")


def test_each_queue_gets_its_dead_letter_queue_and_the_settings(broker: TerraformRoot) -> None:
    plan: PlanResult = broker.plan(
        {
            "name": "shop-prod",
            "queues": ["celery", "reports"],
            "visibility_timeout_seconds": 7200,
            "message_retention_seconds": 86400,
            "max_receive_count": 3,
        }
    )
    queues = plan.of_type("aws_sqs_queue")
    assert sorted(q["name"] for q in queues.values()) == [
        "shop-prod_celery",
        "shop-prod_celery-dlq",
        "shop-prod_reports",
        "shop-prod_reports-dlq",
    ]
    reports = queues['aws_sqs_queue.this["reports"]']
    assert (reports["visibility_timeout_seconds"], reports["message_retention_seconds"]) == (7200, 86400)
    assert plan.outputs["default_queue"] == "celery"
    assert plan.outputs["queue_names"] == {"celery": "shop-prod_celery", "reports": "shop-prod_reports"}
    # the redrive policy names the dead-letter queue's ARN, known once it exists: the
    # apply test reads it back; here its configuration refers to it
    resources = plan.raw["configuration"]["root_module"]["resources"]
    [queue] = [r for r in resources if r["address"] == "aws_sqs_queue.this"]
    assert "aws_sqs_queue.dead_letter" in queue["expressions"]["redrive_policy"]["references"]


@pytest.mark.parametrize(
    ("variables", "messages"),
    [
        (
            {"name": "Shop", "queues": []},
            ["name must be 2-32 characters", "queues must list 1 to 10 distinct names"],
        ),
        (
            {"queues": ["celery", "celery"], "visibility_timeout_seconds": 50000},
            [
                "queues must list 1 to 10 distinct names",
                "visibility_timeout_seconds must be a whole number from 0 to 43200",
            ],
        ),
        (
            {"queues": ["Celery.fifo"], "message_retention_seconds": 30, "max_receive_count": 0},
            [
                "queues must list 1 to 10 distinct names",
                "message_retention_seconds must be a whole number from 60 to 1209600",
                "max_receive_count must be a whole number from 1 to 1000",
            ],
        ),
    ],
    ids=["name-empty", "twice-visibility", "fifo-retention-receives"],
)
def test_bad_input_is_rejected_with_clear_messages(
    broker: TerraformRoot, variables: dict[str, Any], messages: list[str]
) -> None:
    error = " ".join(broker.plan_error({"name": "shop-prod", **variables}).split())
    missing = [m for m in messages if m not in error]
    assert not missing, f"messages {missing} not in:\n{error}"
