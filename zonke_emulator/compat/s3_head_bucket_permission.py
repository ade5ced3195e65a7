"""S3 ``HeadBucket`` is authorized by ``s3:ListBucket``.

AWS: "To use this operation, you must have permissions to perform the s3:ListBucket action"
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html); there is no
``s3:HeadBucket`` IAM action. With IAM enforced, the emulator checks a HEAD of a bucket
against ``s3:HeadBucket``, which no least-privilege policy grants: a role allowed
``s3:ListBucket`` on its state bucket (the pipeline's Infrastructure role) is refused.

The fix makes the emulator check ``s3:ListBucket`` for it.
"""

from __future__ import annotations

from . import MOTO_RANGE, fix


@fix(
    name="s3-head-bucket-permission",
    restores="S3 HeadBucket is allowed by s3:ListBucket on the bucket, as AWS authorizes it",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: with IAM authorization on, HeadBucket is checked as s3:HeadBucket in moto "
        "5.2.5, an action no policy can grant, where AWS authorizes it with s3:ListBucket "
        "(https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html)"
    ),
)
def install() -> None:
    from moto.s3 import responses

    responses.ACTION_MAP["BUCKET"]["HEAD"]["DEFAULT"] = "ListBucket"
