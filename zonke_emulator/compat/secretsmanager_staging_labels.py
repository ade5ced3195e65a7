"""Secrets Manager: moving ``AWSCURRENT`` to a new version moves only the labels it should.

In AWS, a new current version (``PutSecretValue`` or ``UpdateSecret`` with a value, and no
explicit stages) takes ``AWSCURRENT``; the version that had it gets ``AWSPREVIOUS`` and keeps
every other staging label it carries. A label given explicitly with the new version moves
to it from whichever version had it. The emulator instead replaces all the labels of the
former current version with ``AWSPREVIOUS`` (dropping custom labels, which turns that version
into a deprecated one AWS may delete) and leaves explicitly given labels on their old version
too.

The fix replaces the emulator's ``FakeSecret.reset_default_version`` (the step that makes a
version current) with one that moves ``AWSPREVIOUS`` and ``AWSCURRENT`` as AWS does and moves
the new version's other labels away from older versions.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix

CURRENT = "AWSCURRENT"
PREVIOUS = "AWSPREVIOUS"


def reset_default_version(self: Any, secret_version: dict[str, Any], version_id: str) -> None:
    new_labels = [label for label in secret_version["version_stages"] if label != CURRENT]
    for other_id, other in self.versions.items():
        if other_id == version_id:
            continue
        # The former current version is the one carrying the AWSCURRENT label (the emulator's
        # default_version_id can lag behind after UpdateSecretVersionStage).
        was_current = CURRENT in other["version_stages"]
        stages = [s for s in other["version_stages"] if s not in (CURRENT, PREVIOUS) and s not in new_labels]
        other["version_stages"] = [*stages, PREVIOUS] if was_current else stages
    self.versions[version_id] = secret_version
    self.default_version_id = version_id


@fix(
    name="secretsmanager-current-label-moves-alone",
    restores=(
        "Secrets Manager moves AWSCURRENT (and AWSPREVIOUS) to a new current version without "
        "stripping the former current version's other staging labels"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: PutSecretValue of a new current version replaces all labels of the former "
        "current version with AWSPREVIOUS and leaves explicitly given labels on other versions "
        "in moto 5.2.5, where AWS moves only AWSCURRENT/AWSPREVIOUS and the given labels "
        "(https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html)"
    ),
)
def install() -> None:
    from moto.secretsmanager.models import FakeSecret

    FakeSecret.reset_default_version = reset_default_version  # type: ignore[method-assign]  # replaces the emulator's method
