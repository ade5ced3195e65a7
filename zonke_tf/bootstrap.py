"""`zonke bootstrap`: the S3 bucket that holds the stack's Terraform state, made safe.

Idempotent: run it any number of times; it creates the bucket when it is missing and (re)sets
each protection, which AWS's Put* calls replace as a whole:

- versioning, so an overwritten or deleted state can be recovered;
- default encryption (SSE-S3, or SSE-KMS with a given key) with an S3 Bucket Key;
- the public access block, all four settings on;
- a bucket policy that refuses any request not made over TLS;
- a lifecycle rule that expires noncurrent state versions after ``noncurrent_days`` and
  aborts incomplete multipart uploads.

https://developer.hashicorp.com/terraform/language/backend/s3 (versioning recommended)
https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html (TLS only)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zonke_tf.config import AppConfig
from zonke_tf.errors import ConfigError, OperationError

NONCURRENT_DAYS = 90


@dataclass
class BootstrapResult:
    bucket: str
    region: str
    created: bool
    settings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "region": self.region,
            "created": self.created,
            "settings": self.settings,
        }


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def tls_only_policy(bucket: str, partition: str = "aws") -> dict[str, Any]:
    arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyRequestsWithoutTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def ensure_state_bucket(
    s3: Any, bucket: str, region: str, kms_key_arn: str | None = None, noncurrent_days: int = NONCURRENT_DAYS
) -> BootstrapResult:
    """Create ``bucket`` in ``region`` if it does not exist, then apply every protection.
    ``s3`` is a boto3 S3 client for that region. Raises OperationError when the bucket
    belongs to another account or cannot be created."""
    if noncurrent_days < 1:
        raise OperationError(f"noncurrent_days={noncurrent_days}: keep old state versions at least 1 day")
    created = False
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception as exc:  # botocore ClientError; typed by its code
        code = _code(exc)
        if code in ("403", "Forbidden", "AccessDenied"):
            raise OperationError(
                f"the state bucket {bucket!r} exists but this account cannot use it: choose another "
                "[state] bucket name in zonke.toml (bucket names are global)"
            ) from None
        if code not in ("404", "NoSuchBucket", "NotFound"):
            raise OperationError(f"cannot check the state bucket {bucket!r}: {exc}") from None
        params: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            s3.create_bucket(**params)
        except Exception as create_exc:
            if _code(create_exc) != "BucketAlreadyOwnedByYou":
                raise OperationError(f"cannot create the state bucket {bucket!r}: {create_exc}") from None
        else:
            created = True

    settings: list[str] = []
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    settings.append("public access blocked")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    settings.append("versioning on")
    default: dict[str, str] = {"SSEAlgorithm": "AES256"}
    if kms_key_arn:
        default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key_arn}
    rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    settings.append("encrypted (" + ("SSE-KMS" if kms_key_arn else "SSE-S3") + ")")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))
    settings.append("TLS-only policy")
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "zonke-expire-old-state-versions",
                    "Status": "Enabled",
                    "Filter": {},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": noncurrent_days},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                }
            ]
        },
    )
    settings.append(f"old state versions expire after {noncurrent_days} days")
    return BootstrapResult(bucket=bucket, region=region, created=created, settings=settings)


def bootstrap(config: AppConfig, session: Any | None = None) -> BootstrapResult:
    """The state bucket of ``config`` (``[state] bucket``, in ``state.region`` or the app's
    region), created and protected: what `zonke bootstrap` runs."""
    if not config.state.bucket:
        raise ConfigError(
            'state.bucket is not set: add [state] bucket = "<a globally unique bucket name>" to zonke.toml'
        )
    region = config.state.region or config.app.region
    if session is None:
        import boto3

        session = boto3.session.Session()
    return ensure_state_bucket(session.client("s3", region_name=region), config.state.bucket, region)
