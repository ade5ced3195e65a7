"""Apply modules/sqs-broker against the emulator: the queues, their dead-letter queues and
redrive, encryption, the TLS-only policies and the contract's values, read back with boto3;
a message goes through. The harness re-plans (no changes), destroys, checks nothing is left.
(The emulator does not evaluate queue policies: the plan tests and this read-back cover them.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import applied

pytestmark = pytest.mark.apply


def test_queues_apply(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    variables = {"name": "zk-broker", "queues": ["celery", "reports"], "max_receive_count": 4}
    with applied(make_root("modules/sqs-broker"), aws, variables) as stack:
        out, sqs = stack.outputs, aws.client("sqs")
        for name in ("celery", "reports"):
            url = out["queue_urls"][name]
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            assert attrs["QueueArn"] == out["queue_arns"][name]
            assert attrs["SqsManagedSseEnabled"] == "true"
            assert (attrs["VisibilityTimeout"], attrs["ReceiveMessageWaitTimeSeconds"]) == ("1800", "20")
            redrive = json.loads(attrs["RedrivePolicy"])
            assert redrive == {
                "deadLetterTargetArn": out["dead_letter_queue_arns"][name],
                "maxReceiveCount": 4,
            }
            [statement] = json.loads(attrs["Policy"])["Statement"]
            assert statement["Effect"] == "Deny"
            assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            dlq_url = sqs.get_queue_url(QueueName=f"zk-broker_{name}-dlq")["QueueUrl"]
            dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
            assert dlq["MessageRetentionPeriod"] == "1209600" and dlq["SqsManagedSseEnabled"] == "true"
            [dlq_statement] = json.loads(dlq["Policy"])["Statement"]
            assert dlq_statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            assert json.loads(dlq["RedriveAllowPolicy"]) == {
                "redrivePermission": "byQueue",
                "sourceQueueArns": [out["queue_arns"][name]],
            }
        env = out["environment"]
        assert env["CELERY_BROKER_URL"] == "sqs://" and env["CELERY_TASK_DEFAULT_QUEUE"] == "celery"
        assert json.loads(env["CELERY_SQS_QUEUES"]) == out["queue_urls"]
        assert env["CELERY_SQS_VISIBILITY_TIMEOUT"] == "1800"
        sqs.send_message(QueueUrl=out["queue_urls"]["celery"], MessageBody="ping")
        [message] = sqs.receive_message(QueueUrl=out["queue_urls"]["celery"], WaitTimeSeconds=1)["Messages"]
        assert message["Body"] == "ping"
