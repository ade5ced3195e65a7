"""Plan tests of modules/sqs-broker beyond its plan cases (cases.yaml: defaults, bad input):
each queue's dead-letter queue, the settings and the redrive policy's reference to it (one plan
checked partly by code: the queue names mapping exactly, the configuration's references)."""

from __future__ import annotations

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside

CASES = cases_beside(__file__)


@pytest.fixture(scope="module")
def broker(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/sqs-broker").init()


def test_each_queue_gets_its_dead_letter_queue_and_the_settings(broker: TerraformRoot) -> None:
    plan: PlanResult = broker.plan(
        CASES.base_vars(
            queues=["celery", "reports"],
            visibility_timeout_seconds=7200,
            message_retention_seconds=86400,
            max_receive_count=3,
        )
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
