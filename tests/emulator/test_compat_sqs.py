"""SQS compatibility fix: SetQueueAttributes changes only what it names; RedrivePolicy and
RedriveAllowPolicy read back as AWS answers them (compat/sqs_queue_attributes.py)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator


@pytest.fixture
def sqs(emulator: Emulator) -> Any:
    return emulator.boto3_session().client("sqs")


@pytest.mark.fix("sqs-queue-attributes")
def test_attributes_read_back_as_set_and_a_set_leaves_the_others(sqs: Any) -> None:
    name = f"probe-{uuid.uuid4().hex[:8]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 4}, separators=(",", ":"))
    queue = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    # the compact JSON the AWS provider stores: no "whitespace change" on the next plan
    assert (
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]["RedrivePolicy"]
        == redrive
    )

    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": dlq_arn}],
        }
    )
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"Policy": policy})
    allow = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn]})
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": allow})
    attributes = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]
    assert json.loads(attributes["RedriveAllowPolicy"]) == json.loads(allow)
    assert json.loads(attributes["Policy"]) == json.loads(policy), (
        "setting another attribute removed the policy"
    )
    # an empty policy still removes it
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"Policy": ""})
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]
