"""The default keys ``alias/aws/<service>`` are AWS managed keys.

AWS creates an AWS managed key (``aws/dynamodb``, ``aws/ebs``...) in the account the first
time a service needs it or a caller looks its alias up; the account cannot delete it or
schedule it for deletion, and DescribeKey reports ``KeyManager: AWS``
(https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key).
The emulator creates these keys on demand too (when the AWS provider reads a DynamoDB
table it resolves ``alias/aws/dynamodb``), but as customer managed keys, so they look like
keys a stack left behind. The fix marks every key the emulator makes for a reserved alias
AWS managed: those it makes on a lookup, DynamoDB's, and EBS's (made when an instance of
the EC2 capacity gets an encrypted volume without a key named).
"""

from __future__ import annotations

import functools
from typing import Any

from . import MOTO_RANGE, fix


@fix(
    name="kms-aws-managed-default-keys",
    restores="keys behind the reserved aliases alias/aws/* are AWS managed (KeyManager AWS)",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: DescribeKey of the default key behind alias/aws/<service>: moto "
        "5.2.5 makes it a customer managed key (KeyManager CUSTOMER), where AWS reports "
        "KeyManager AWS (KMS Developer Guide, concepts.html#aws-managed-key)"
    ),
)
def install() -> None:
    from moto.dynamodb.models.table import Table
    from moto.ec2.models.elastic_block_store import EBSBackend
    from moto.kms.models import KmsBackend, kms_backends

    generate = KmsBackend._generate_default_keys

    @functools.wraps(generate)
    def generate_default_keys(self: Any, alias_name: str) -> Any:
        key_id = generate(self, alias_name)
        if key_id is not None:
            self.keys[key_id].key_manager = "AWS"
        return key_id

    KmsBackend._generate_default_keys = generate_default_keys  # type: ignore[method-assign]  # replaces the emulator's method

    table_default = Table._get_default_encryption_key  # makes aws/dynamodb by itself

    @functools.wraps(table_default)
    def default_key(self: Any, account_id: str, region: str) -> str:
        arn = table_default(self, account_id, region)
        kms_backends[account_id][region].describe_key("alias/aws/dynamodb").key_manager = "AWS"
        return str(arn)

    Table._get_default_encryption_key = default_key  # type: ignore[method-assign]  # replaces the emulator's method

    ebs_default = EBSBackend._create_default_encryption_key  # makes aws/ebs by itself

    @functools.wraps(ebs_default)
    def ebs_default_key(self: Any) -> str:
        arn = ebs_default(self)
        kms_backends[self.account_id][self.region_name].describe_key("alias/aws/ebs").key_manager = "AWS"
        return str(arn)

    EBSBackend._create_default_encryption_key = ebs_default_key  # type: ignore[method-assign]  # replaces the emulator's method
