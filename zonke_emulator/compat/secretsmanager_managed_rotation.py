"""Secrets Manager ``CancelRotateSecret`` on a secret whose rotation a service manages.

Secrets that another AWS service owns (for example the master user secret RDS creates
with ``ManageMasterUserPassword``) rotate through *managed rotation*: no Lambda function
is involved. AWS lets ``CancelRotateSecret`` turn that rotation off. The emulator refuses
any ``CancelRotateSecret`` on a secret without a rotation Lambda ARN, so destroying an
``aws_secretsmanager_secret_rotation`` that sets the schedule of such a secret fails.

The fix applies only to a secret with an owning service and no rotation Lambda: it turns
rotation off and answers as AWS does. Every other secret goes through the emulator's
own code unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap_cancel(original: Callable[[Any, str], str], replica: type) -> Callable[..., str]:
    def cancel_rotate_secret(self: Any, secret_id: str) -> str:
        secret = self.secrets.get(secret_id) if self._is_valid_identifier(secret_id) else None
        if (
            secret is None
            or isinstance(secret, replica)
            or secret.owning_service is None
            or secret.rotation_lambda_arn
            or secret.is_deleted()
        ):
            return original(self, secret_id)
        secret.rotation_enabled = False
        return str(secret.to_short_dict())

    return cancel_rotate_secret


@fix(
    name="secretsmanager-cancel-managed-rotation",
    restores=(
        "Secrets Manager CancelRotateSecret turns off the managed rotation of a secret another "
        "service owns (such as an RDS master user secret), which has no rotation Lambda"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CancelRotateSecret on a secret another service manages (an RDS master user "
        "secret, no rotation Lambda) raises InvalidRequestException in moto 5.2.5, where AWS "
        "turns its managed rotation off "
        "(https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html)"
    ),
)
def install() -> None:
    from moto.secretsmanager.models import ReplicaSecret, SecretsManagerBackend

    SecretsManagerBackend.cancel_rotate_secret = _wrap_cancel(  # type: ignore[method-assign]  # replaces the emulator's method
        SecretsManagerBackend.cancel_rotate_secret, ReplicaSecret
    )
