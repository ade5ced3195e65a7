"""RDS: give every DB instance its own ``DbiResourceId``.

AWS assigns each DB instance a unique, immutable resource ID (``db-`` followed by 26
upper-case letters and digits). The emulator gives every instance the same constant ID,
and the AWS provider finds a DB instance by that ID: with two or more instances in one
account and region, it reads the wrong one or reports "couldn't find resource".

The fix lets the emulator build the instance as usual, then replaces the constant with a
fresh random ID of AWS's shape.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

_ALPHABET = string.ascii_uppercase + string.digits


def new_dbi_resource_id() -> str:
    return "db-" + "".join(secrets.choice(_ALPHABET) for _ in range(26))


def _wrap_init(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.dbi_resource_id = new_dbi_resource_id()

    return __init__


@fix(
    name="rds-unique-dbi-resource-id",
    restores="RDS gives every DB instance its own unique DbiResourceId (db- and 26 letters or digits)",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: RDS CreateDBInstance in moto 5.2.5 gives every DB instance the same constant "
        "DbiResourceId (db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U), while AWS gives each its own unique, "
        "immutable resource ID "
        "(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html)"
    ),
)
def install() -> None:
    from moto.rds.models import DBInstance

    DBInstance.__init__ = _wrap_init(DBInstance.__init__)  # type: ignore[method-assign]  # replaces the emulator's method
