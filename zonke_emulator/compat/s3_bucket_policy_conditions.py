"""S3: bucket policy conditions are evaluated against the request, as AWS does.

The emulator enforces bucket policies on object writes, but it treats any condition whose
operator it does not implement (``Bool``, ``ArnLike``...) as satisfied. So the usual
"deny requests without TLS" statement (``Bool aws:SecureTransport = false``) denies every
request, where AWS denies only plain-HTTP ones; and a condition on a key the request does
not carry matches, where in AWS it does not (except ``...IfExists`` and ``Null``).

The fix replaces ``FakeBucket.get_permission``: statements whose conditions do not hold for
the request are left out before the emulator's own evaluation. The request context is that
of an AWS SDK call: over TLS (every AWS endpoint is HTTPS; the emulator itself listens on
plain HTTP on loopback only), with no other condition keys.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from . import MOTO_RANGE, fix

REQUEST_CONTEXT = {"aws:securetransport": "true"}


def _values(value: Any) -> list[str]:
    return [
        str(v).lower() if isinstance(v, bool) else str(v)
        for v in (value if isinstance(value, list) else [value])
    ]


def _matches(operator: str, expected: list[str], actual: str) -> bool:
    base = operator.removesuffix("IfExists")
    if base == "Bool":
        return actual.lower() in [e.lower() for e in expected]
    if base in ("StringEquals", "ArnEquals"):
        return actual in expected
    if base == "StringEqualsIgnoreCase":
        return actual.lower() in [e.lower() for e in expected]
    if base in ("StringLike", "ArnLike"):
        return any(fnmatch.fnmatchcase(actual, e) for e in expected)
    if base in ("StringNotEquals", "ArnNotEquals"):
        return actual not in expected
    if base in ("StringNotLike", "ArnNotLike"):
        return not any(fnmatch.fnmatchcase(actual, e) for e in expected)
    raise ValueError(operator)


def conditions_hold(conditions: dict[str, dict[str, Any]], context: dict[str, str]) -> bool:
    """Whether every condition of a statement holds for a request with ``context``."""
    for operator, keys in conditions.items():
        for key, expected in keys.items():
            actual = context.get(key.lower())
            if operator == "Null":
                if (actual is None) != (_values(expected)[0].lower() == "true"):
                    return False
                continue
            if actual is None:
                if operator.endswith("IfExists"):
                    continue
                return False
            try:
                if not _matches(operator, _values(expected), actual):
                    return False
            except ValueError:
                return False  # an operator this fix does not know: the statement does not apply
    return True


def get_permission(self: Any, action: str, resource: str) -> Any:
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    kept = []
    for statement in statements:
        if conditions_hold(statement.get("Condition") or {}, REQUEST_CONTEXT):
            kept.append({k: v for k, v in statement.items() if k != "Condition"})
    if not kept:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**policy, "Statement": kept})).is_action_permitted(action, resource)


@fix(
    name="s3-bucket-policy-conditions",
    restores=(
        "S3 applies a bucket policy statement only when its conditions hold for the request "
        "(SDK requests come over TLS; absent condition keys do not match)"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: PutObject to a bucket whose policy denies s3:* under Bool aws:SecureTransport "
        "false is denied in moto 5.2.5 (an operator it lacks, such as Bool, counts as met), "
        "where AWS denies only requests the condition matches "
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_condition.html)"
    ),
)
def install() -> None:
    from moto.s3.models import FakeBucket

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]  # replaces the emulator's method
