"""CloudFront distributions: describe back the configuration as AWS does (notes #9).

AWS returns a distribution's configuration as it was given. The emulator differs in
three ways that make the AWS provider plan a change to ``aws_cloudfront_distribution``
after every apply:

- it drops an origin's ``OriginAccessControlId`` and ``S3OriginConfig`` (so an S3
  origin signed with origin access control reads back without it);
- it invents legacy ``ForwardedValues`` (no query string, no cookies) for a cache
  behaviour that uses a cache policy, where AWS returns none: the two are exclusive;
- on a distribution that uses the default ``*.cloudfront.net`` certificate it reports
  empty ``ACMCertificateArn`` and ``IAMCertificateId`` fields and an ``sni-only`` SSL
  support method, where AWS leaves out the certificate fields that were not set.

The fix wraps the emulator's model constructors (used by create and update alike) and
only removes what was invented or keeps what was given; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap_origin(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, origin: dict[str, Any]) -> None:
        original(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""
        if "S3OriginConfig" in origin:
            identity = (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity") or ""
            self.s3_origin_config = {"OriginAccessIdentity": identity}

    return __init__


def _wrap_behaviour(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, config: dict[str, Any]) -> None:
        forwarded_given = "ForwardedValues" in config
        original(self, config)
        if config.get("CachePolicyId") and not forwarded_given:
            self.forwarded_values = None

    return __init__


def _wrap_certificate(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, config: dict[str, Any]) -> None:
        original(self, config)
        if not config.get("ACMCertificateArn"):
            self.acm_certificate_arn = None
        if not config.get("IAMCertificateId"):
            self.iam_certificate_id = None
        if not config.get("SSLSupportMethod"):
            self.ssl_support_method = None

    return __init__


@fix(
    name="cloudfront-distribution-config",
    restores=(
        "CloudFront returns a distribution's origins with their origin access control and S3 "
        "origin config, no legacy ForwardedValues beside a cache policy, and no certificate "
        "fields that were not set"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CloudFront GetDistributionConfig in moto 5.2.5 drops an origin's "
        "OriginAccessControlId and S3OriginConfig, adds ForwardedValues beside a "
        "CachePolicyId and fills certificate fields that were not set, while AWS returns the "
        "configuration as given "
        "(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html)"
    ),
)
def install() -> None:
    from moto.cloudfront import models

    models.Origin.__init__ = _wrap_origin(models.Origin.__init__)  # type: ignore[method-assign]  # replaces the emulator's method
    models.DefaultCacheBehaviour.__init__ = _wrap_behaviour(  # type: ignore[method-assign]  # replaces the emulator's method
        models.DefaultCacheBehaviour.__init__
    )
    models.ViewerCertificate.__init__ = _wrap_certificate(  # type: ignore[method-assign]  # replaces the emulator's method
        models.ViewerCertificate.__init__
    )
