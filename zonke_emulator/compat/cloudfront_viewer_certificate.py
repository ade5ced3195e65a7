"""CloudFront distributions: a custom viewer certificate reads back as custom (issue 18).

AWS reports ``CloudFrontDefaultCertificate = false`` (and the certificate's source) for a
distribution that uses an ACM or IAM certificate: the field is true only for the
``*.cloudfront.net`` certificate. The AWS provider sends the field only when neither
certificate is set, and the emulator then defaults it to true, so a distribution with a
custom domain reads back with ``cloudfront_default_certificate = true`` and the next plan
wants to change it (with the bucket and key policies that depend on the distribution).

AWS API reference, ViewerCertificate (CloudFrontDefaultCertificate is true only for a
distribution without Aliases; with Aliases, ACMCertificateArn or IAMCertificateId names
the certificate):
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html

The fix derives the default from the certificate fields that were given; a value that
was given explicitly is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, config: dict[str, Any]) -> None:
        original(self, config)
        acm, iam = config.get("ACMCertificateArn"), config.get("IAMCertificateId")
        if "CloudFrontDefaultCertificate" not in config:
            self.cloud_front_default_certificate = not (acm or iam)
        if acm:
            self.certificate_source = "acm"
            self.certificate = acm
        elif iam:
            self.certificate_source = "iam"
            self.certificate = iam

    return __init__


@fix(
    name="cloudfront-viewer-certificate",
    restores=(
        "CloudFront reports CloudFrontDefaultCertificate = false for a distribution that uses "
        "an ACM or IAM certificate"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CloudFront CreateDistribution with an ACMCertificateArn or "
        "IAMCertificateId and no CloudFrontDefaultCertificate reads back "
        "CloudFrontDefaultCertificate = true in moto 5.2.5, while AWS reports false "
        "(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html)"
    ),
)
def install() -> None:
    from moto.cloudfront import models

    models.ViewerCertificate.__init__ = _wrap(  # type: ignore[method-assign]  # replaces the emulator's method
        models.ViewerCertificate.__init__
    )
