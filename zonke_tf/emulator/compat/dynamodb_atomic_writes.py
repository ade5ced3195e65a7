"""DynamoDB conditional writes: one at a time, so a condition and its write are atomic.

AWS evaluates a write's condition expression and applies the write as one atomic step:
of two conditional PutItems on the same item, at most one sees its condition hold
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.ConditionalUpdate).
The emulator serves requests on several threads and checks a condition, then writes, with
nothing in between to stop another thread: two writers can both pass ``attribute_not_exists``.
The migration lock relies on this atomicity, so the fix runs every item write of the
DynamoDB backend under one lock.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from . import fix

WRITE_METHODS = ("put_item", "update_item", "delete_item", "transact_write_items")

_LOCK = threading.RLock()


def serialized(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` run under the module's lock (idempotent: an already wrapped one is returned as is)."""
    if getattr(method, "__zonke_serialized__", False):
        return method

    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(*args, **kwargs)

    locked.__zonke_serialized__ = True  # type: ignore[attr-defined]  # a marker attribute on the wrapper function
    return locked


@fix(
    name="dynamodb-atomic-conditional-writes",
    restores="a DynamoDB write's condition check and the write itself are one atomic step",
)
def install() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in WRITE_METHODS:
        if hasattr(DynamoDBBackend, name):
            setattr(DynamoDBBackend, name, serialized(getattr(DynamoDBBackend, name)))
