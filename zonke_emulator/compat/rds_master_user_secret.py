"""RDS managed master user secret: hold the instance's own user name and a generated password.

With ``ManageMasterUserPassword``, AWS generates a password for the DB instance (or
cluster) and stores ``{"username": <the master user name>, "password": <that password>}``
in the secret it creates. The emulator stores the same fixed pair for every database
(``admin`` and a constant password), whatever master user name was asked for, so a task
reading the secret would sign in as a user that does not exist, and every database would
share one password.

The fix builds the secret value from the resource's master user name and a fresh random
password (28 characters, none of the characters RDS forbids in passwords: ``/``, ``"``,
``@`` and space).
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

PASSWORD_LENGTH = 28
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!#$%&*()-_=+[]{}<>:?.,~^|"


def generate_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def _wrap_generate(original: Callable[[Any], str]) -> Callable[..., str]:
    def _generate_secret_string(self: Any) -> str:
        username = getattr(self.resource, "master_username", None)
        if not username:
            return original(self)
        return json.dumps({"username": username, "password": generate_password()})

    return _generate_secret_string


@fix(
    name="rds-master-user-secret-value",
    restores=(
        "RDS stores the DB instance's own master user name and a generated password in the "
        "managed master user secret, a different password for every database"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: RDS CreateDBInstance with ManageMasterUserPassword stores the same fixed "
        "username 'admin' and password in every managed secret in moto 5.2.5, while AWS stores "
        "the instance's own MasterUsername and a generated password "
        "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html)"
    ),
)
def install() -> None:
    from moto.rds.models import MasterUserSecret

    MasterUserSecret._generate_secret_string = _wrap_generate(  # type: ignore[method-assign]  # replaces the emulator's method
        MasterUserSecret._generate_secret_string
    )
