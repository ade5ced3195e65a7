"""KMS compatibility fix: the default keys behind ``alias/aws/<service>`` are AWS managed.

AWS managed keys report ``KeyManager: AWS``
(https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key).
"""

from __future__ import annotations

import uuid

import pytest

from zonke_emulator import Emulator


@pytest.mark.fix("kms-aws-managed-default-keys")
def test_the_default_dynamodb_key_is_aws_managed(emulator: Emulator) -> None:
    session = emulator.boto3_session()
    ddb, kms = session.client("dynamodb"), session.client("kms")
    name = f"sse-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS"},  # no key named: aws/dynamodb
    )
    try:
        arn = ddb.describe_table(TableName=name)["Table"]["SSEDescription"]["KMSMasterKeyArn"]
        meta = kms.describe_key(KeyId=arn)["KeyMetadata"]
        assert meta["KeyManager"] == "AWS"
        assert kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]["Arn"] == arn
    finally:
        ddb.delete_table(TableName=name)


@pytest.mark.fix("kms-aws-managed-default-keys")
def test_a_default_key_made_by_an_alias_lookup_is_aws_managed(emulator: Emulator) -> None:
    """The AWS provider looks up alias/aws/dynamodb when it reads a table; any reserved alias
    looked up makes its AWS managed key."""
    kms = emulator.boto3_session().client("kms")
    meta = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"


def test_the_default_ebs_key_made_for_an_encrypted_volume_is_aws_managed() -> None:
    """EC2 capacity: an instance's encrypted volume with no key named makes aws/ebs. A fresh
    emulator, so no earlier alias lookup has made the key first."""
    with Emulator() as fresh:
        session = fresh.boto3_session()
        ec2, kms = session.client("ec2"), session.client("kms")
        volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True)
        meta = kms.describe_key(KeyId=volume["KmsKeyId"])["KeyMetadata"]
        assert meta["KeyManager"] == "AWS", meta
        assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["Arn"] == meta["Arn"]
