"""CloudFront compatibility fix: a custom viewer certificate reads back as custom (issue 18)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator

ACM = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-0000-0000-000000000000"


def _config(viewer_certificate: dict[str, Any], aliases: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "CallerReference": uuid.uuid4().hex,
        "Comment": "probe",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "app",
                    "DomainName": "origin.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "app",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        },
        "ViewerCertificate": viewer_certificate,
    }
    if aliases:
        config["Aliases"] = {"Quantity": len(aliases), "Items": aliases}
    return config


def _check_default_certificate_flag(
    emulator: Emulator, given: dict[str, Any], aliases: list[str], default: bool, source: str
) -> None:
    cloudfront = emulator.boto3_session().client("cloudfront")
    created = cloudfront.create_distribution(DistributionConfig=_config(given, aliases))
    dist_id = created["Distribution"]["Id"]
    certificate = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]["ViewerCertificate"]
    assert certificate["CloudFrontDefaultCertificate"] is default
    described = cloudfront.get_distribution(Id=dist_id)["Distribution"]["DistributionConfig"]
    assert described["ViewerCertificate"]["CloudFrontDefaultCertificate"] is default
    assert described["ViewerCertificate"].get("CertificateSource", "cloudfront") == source

    # an update goes through the same model, so the flag stays right after it
    config = cloudfront.get_distribution_config(Id=dist_id)
    config["DistributionConfig"]["Comment"] = "probe, updated"
    config["DistributionConfig"]["ViewerCertificate"].pop("CloudFrontDefaultCertificate")
    cloudfront.update_distribution(
        Id=dist_id, IfMatch=config["ETag"], DistributionConfig=config["DistributionConfig"]
    )
    after = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]["ViewerCertificate"]
    assert after["CloudFrontDefaultCertificate"] is default


@pytest.mark.fix("cloudfront-viewer-certificate")
def test_acm_certificate_is_not_the_default_certificate(emulator: Emulator) -> None:
    """What the AWS provider sends for acm_certificate_arn: no CloudFrontDefaultCertificate.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html
    """
    given = {
        "ACMCertificateArn": ACM,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    _check_default_certificate_flag(emulator, given, ["www.example.com"], False, "acm")


def test_default_certificate_stays_the_default_certificate(emulator: Emulator) -> None:
    _check_default_certificate_flag(emulator, {"CloudFrontDefaultCertificate": True}, [], True, "cloudfront")
