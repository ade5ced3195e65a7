"""CloudFront key groups and public keys (compat/cloudfront_key_groups.py): a key group is
deleted, unknown IDs answer AWS's 404 errors, a public key in use is not deleted. Each check
fails on the emulator without the fix (HTTP 500, or a key deleted from under its group)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zonke_emulator import Emulator

# Any well-formed RSA public key; the emulator stores it as given.
PEM = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
    "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n"
    "+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh\n"
    "kd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ\n"
    "0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg\n"
    "cKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc\n"
    "mwIDAQAB\n"
    "-----END PUBLIC KEY-----\n"
)


@pytest.fixture
def cloudfront(emulator: Emulator) -> Any:
    return emulator.boto3_session().client("cloudfront")


def _code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.fix("cloudfront-key-groups")
def test_key_groups_are_deleted_and_keys_in_use_are_kept(cloudfront: Any) -> None:
    name = f"probe-{uuid.uuid4().hex[:8]}"
    key = cloudfront.create_public_key(
        PublicKeyConfig={"CallerReference": name, "Name": name, "EncodedKey": PEM}
    )["PublicKey"]["Id"]
    created = cloudfront.create_key_group(KeyGroupConfig={"Name": name, "Items": [key]})
    group, etag = created["KeyGroup"]["Id"], created["ETag"]
    assert cloudfront.get_key_group(Id=group)["KeyGroup"]["KeyGroupConfig"]["Items"] == [key]

    with pytest.raises(ClientError) as in_use:
        cloudfront.delete_public_key(Id=key, IfMatch="any")
    assert _code(in_use) == ("PublicKeyInUse", 409)
    assert cloudfront.get_public_key(Id=key)["PublicKey"]["Id"] == key

    cloudfront.delete_key_group(Id=group, IfMatch=etag)
    with pytest.raises(ClientError) as gone:
        cloudfront.get_key_group(Id=group)
    assert _code(gone) == ("NoSuchResource", 404)
    with pytest.raises(ClientError) as twice:
        cloudfront.delete_key_group(Id=group, IfMatch=etag)
    assert _code(twice) == ("NoSuchResource", 404)

    cloudfront.delete_public_key(Id=key, IfMatch="any")
    with pytest.raises(ClientError) as key_gone:
        cloudfront.get_public_key(Id=key)
    assert _code(key_gone) == ("NoSuchPublicKey", 404)
