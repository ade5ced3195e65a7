"""DynamoDB conditional writes are atomic on the emulator, as on AWS: of concurrent
conditional PutItems on one item, exactly one wins
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
The migration lock relies on it.

moto checks a condition and then writes, with nothing in between to stop another thread;
the emulator's server handles one request at a time (zonke_emulator/server.py), which
makes the pair atomic. An earlier compatibility fix locked the DynamoDB backend's writes as
well; its canary showed it changed nothing under the server's lock, so it was removed.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from zonke_emulator import Emulator


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
