"""DynamoDB compatibility fix: a conditional write is atomic, as on AWS.

The race is made certain, not left to chance: the condition check is slowed down so that
two threads both evaluate it before either writes. Without the fix both conditional
PutItems succeed (two holders of one lock); with it exactly one does.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from zonke_tf.emulator import Emulator
from zonke_tf.emulator.compat import dynamodb_atomic_writes


def test_fix_is_installed(emulator: Emulator) -> None:
    assert "dynamodb-atomic-conditional-writes" in emulator.applied_fixes()


def _slow_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models import table as table_module

    original = table_module.get_filter_expression

    def slow(*args: Any, **kwargs: Any) -> Any:
        op = original(*args, **kwargs)
        expr = op.expr

        def slow_expr(item: Any) -> Any:
            result = expr(item)
            time.sleep(0.2)  # both threads have read "no item" before either writes
            return result

        op.expr = slow_expr
        return op

    monkeypatch.setattr(table_module, "get_filter_expression", slow)


def _race(backend: Any) -> list[str]:
    """Two conditional puts of the same key at once; the names of the winners."""
    name = f"lock-{uuid.uuid4().hex[:8]}"
    backend.create_table(  # moto 5.2's backend signature
        name,
        schema=[{"AttributeName": "lock_id", "KeyType": "HASH"}],
        throughput=None,
        attr=[{"AttributeName": "lock_id", "AttributeType": "S"}],
        global_indexes=None,
        indexes=None,
        streams=None,
        billing_mode="PAY_PER_REQUEST",
        sse_specification=None,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    winners: list[str] = []
    barrier = threading.Barrier(2)

    def take(holder: str) -> None:
        barrier.wait()
        try:
            backend.put_item(
                name,
                {"lock_id": {"S": "migration"}, "holder": {"S": holder}},
                condition_expression="attribute_not_exists(lock_id)",
            )
        except Exception as exc:
            assert type(exc).__name__ == "ConditionalCheckFailed", exc
            return
        winners.append(holder)

    threads = [threading.Thread(target=take, args=(h,)) for h in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return winners


def _backend_class(monkeypatch: pytest.MonkeyPatch, with_fix: bool) -> Any:
    from moto.dynamodb.models import DynamoDBBackend

    class Backend(DynamoDBBackend):  # a subclass, so the test process's class stays untouched
        pass

    for method in dynamodb_atomic_writes.WRITE_METHODS:
        original = getattr(DynamoDBBackend, method)
        if with_fix:
            monkeypatch.setattr(Backend, method, dynamodb_atomic_writes.serialized(original))
    return Backend("us-east-1", "123456789012")


def test_without_the_fix_two_conditional_puts_both_win(monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_conditions(monkeypatch)
    assert sorted(_race(_backend_class(monkeypatch, with_fix=False))) == ["a", "b"]


def test_with_the_fix_exactly_one_conditional_put_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_conditions(monkeypatch)
    assert len(_race(_backend_class(monkeypatch, with_fix=True))) == 1


def _take(ddb: Any, table: str, key: str, i: int, barrier: threading.Barrier, wins: list[int]) -> None:
    barrier.wait()
    try:
        ddb.put_item(
            TableName=table,
            Item={"lock_id": {"S": key}, "holder": {"S": str(i)}},
            ConditionExpression="attribute_not_exists(lock_id)",
        )
    except ddb.exceptions.ConditionalCheckFailedException:
        return
    wins.append(i)


def test_concurrent_conditional_puts_on_the_running_emulator(emulator: Emulator) -> None:
    ddb = emulator.boto3_session().client("dynamodb")
    name = f"race-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        for round_ in range(5):
            wins: list[int] = []
            barrier = threading.Barrier(6)
            threads = [
                threading.Thread(target=_take, args=(ddb, name, f"k{round_}", i, barrier, wins))
                for i in range(6)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(10)
            assert len(wins) == 1, wins
    finally:
        ddb.delete_table(TableName=name)


def test_the_default_dynamodb_key_is_aws_managed(emulator: Emulator) -> None:
    assert "kms-aws-managed-default-keys" in emulator.applied_fixes()
    session = emulator.boto3_session()
    ddb, kms = session.client("dynamodb"), session.client("kms")
    name = f"sse-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS"},  # no key named: aws/dynamodb
    )
    try:
        arn = ddb.describe_table(TableName=name)["Table"]["SSEDescription"]["KMSMasterKeyArn"]
        meta = kms.describe_key(KeyId=arn)["KeyMetadata"]
        assert meta["KeyManager"] == "AWS"
        assert kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]["Arn"] == arn
    finally:
        ddb.delete_table(TableName=name)


def test_a_default_key_made_by_an_alias_lookup_is_aws_managed(emulator: Emulator) -> None:
    """The AWS provider looks up alias/aws/dynamodb when it reads a table."""
    kms = emulator.boto3_session().client("kms")
    meta = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"


def test_the_default_ebs_key_made_for_an_encrypted_volume_is_aws_managed() -> None:
    """EC2 capacity: an instance's encrypted volume with no key named makes aws/ebs. A fresh
    emulator, so no earlier alias lookup has made the key first."""
    with Emulator() as fresh:
        session = fresh.boto3_session()
        ec2, kms = session.client("ec2"), session.client("kms")
        volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True)
        meta = kms.describe_key(KeyId=volume["KmsKeyId"])["KeyMetadata"]
        assert meta["KeyManager"] == "AWS", meta
        assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["Arn"] == meta["Arn"]
