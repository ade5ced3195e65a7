"""RDS: a DB instance created without a CA gets the system default CA, as on AWS.

AWS signs a new DB instance's server certificate with the Region's default certificate
authority unless the request names one (the ModifyCertificates API reference: "the default
certificate provided by RDS" for new DB instances). The CAs RDS offers are listed on
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
(rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1, and the expired rds-ca-2019);
rds-ca-rsa2048-g1 is the default for new instances in the commercial Regions.

The emulator (moto 5.2.5) answers ``rds-ca-default``, a name RDS does not have. The AWS
provider (v5.100.0) does not send ``ca_cert_identifier`` with CreateDBInstance: it compares
the configured CA with the one the create answered, and when they differ calls
ModifyDBInstance and waits for the instance a second time (at least 80 s: a one-minute
delay, then three "available" polls 10 s apart). The rds module names rds-ca-rsa2048-g1,
so every local deploy paid that second wait, which AWS does not ask for.

The fix lets the emulator build the instance, then puts the default CA in place of the
invented name. A CA named in the request is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

DEFAULT_CA = "rds-ca-rsa2048-g1"
EMULATOR_PLACEHOLDER = "rds-ca-default"


def _wrap_init(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if getattr(self, "ca_certificate_identifier", None) in (None, EMULATOR_PLACEHOLDER):
            self.ca_certificate_identifier = DEFAULT_CA

    return __init__


@fix(
    name="rds-default-ca",
    restores="a DB instance created without a CA gets RDS's default CA (rds-ca-rsa2048-g1)",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: RDS CreateDBInstance without CACertificateIdentifier answers "
        "CACertificateIdentifier 'rds-ca-default' in moto 5.2.5, a CA RDS does not have, while AWS "
        "gives a new instance the Region's default CA, rds-ca-rsa2048-g1 "
        "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html)"
    ),
)
def install() -> None:
    from moto.rds.models import DBInstance

    DBInstance.__init__ = _wrap_init(DBInstance.__init__)  # type: ignore[method-assign]  # replaces the emulator's method
