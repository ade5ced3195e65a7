"""Secrets Manager: after ``UpdateSecretVersionStage`` moves ``AWSCURRENT``, reads return the new version.

In AWS, ``GetSecretValue`` without a version returns the version labelled ``AWSCURRENT``,
wherever that label was last moved. The emulator tracks a separate "default version" that
``UpdateSecretVersionStage`` does not update, so after moving ``AWSCURRENT`` by that call it
keeps serving the old value (now labelled ``AWSPREVIOUS``). The wrapper's compare-and-swap
on the app secret moves ``AWSCURRENT`` exactly that way.

The fix wraps the emulator's ``update_secret_version_stage`` and, when it moved
``AWSCURRENT`` to a version, makes that version the default one.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix


@fix(
    name="secretsmanager-current-follows-update-version-stage",
    restores=(
        "GetSecretValue returns the version labelled AWSCURRENT after UpdateSecretVersionStage "
        "moved the label"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: after UpdateSecretVersionStage moves AWSCURRENT to another version, "
        "GetSecretValue without a version still returns the former current value in moto 5.2.5 "
        "(default_version_id is not moved), where AWS returns the version labelled AWSCURRENT "
        "(https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html)"
    ),
)
def install() -> None:
    from moto.secretsmanager.models import SecretsManagerBackend

    original = SecretsManagerBackend.update_secret_version_stage

    def update_secret_version_stage(
        self: Any,
        secret_id: str,
        version_stage: str,
        remove_from_version_id: str,
        move_to_version_id: str,
    ) -> tuple[str, str]:
        result = original(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
        if version_stage == "AWSCURRENT" and move_to_version_id:
            self.secrets[secret_id].default_version_id = move_to_version_id
        return result

    SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage  # type: ignore[method-assign]  # replaces the emulator's method
