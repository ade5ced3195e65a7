"""CloudFront compatibility fix: a distribution's configuration reads back as it was given (notes #9)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def _config(oac_id: str, viewer_certificate: dict[str, Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "CallerReference": uuid.uuid4().hex,
        "Comment": "probe",
        "Enabled": True,
        "Origins": {
            "Quantity": 2,
            "Items": [
                {
                    "Id": "static",
                    "DomainName": "probe-static.s3.us-east-1.amazonaws.com",
                    "OriginAccessControlId": oac_id,
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                },
                {
                    "Id": "app",
                    "DomainName": "probe.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "http-only",
                    },
                },
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "app",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": CACHING_DISABLED,
        },
        "CacheBehaviors": {
            "Quantity": 2,
            "Items": [
                {
                    "PathPattern": "/static/*",
                    "TargetOriginId": "static",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "CachePolicyId": CACHING_OPTIMIZED,
                },
                {
                    "PathPattern": "/legacy/*",
                    "TargetOriginId": "app",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "all"}},
                    "MinTTL": 0,
                },
            ],
        },
    }
    if viewer_certificate is not None:
        config["ViewerCertificate"] = viewer_certificate
        config["Aliases"] = {"Quantity": 1, "Items": ["www.example.com"]}
    return config


def _oac(cloudfront: Any) -> str:
    return str(
        cloudfront.create_origin_access_control(
            OriginAccessControlConfig={
                "Name": f"probe-{uuid.uuid4().hex[:8]}",
                "SigningProtocol": "sigv4",
                "SigningBehavior": "always",
                "OriginAccessControlOriginType": "s3",
            }
        )["OriginAccessControl"]["Id"]
    )


@pytest.mark.fix("cloudfront-distribution-config")
def test_default_certificate_distribution_reads_back_as_given(emulator: Emulator) -> None:
    cloudfront = emulator.boto3_session().client("cloudfront")
    oac = _oac(cloudfront)
    dist = cloudfront.create_distribution(
        DistributionConfig=_config(oac, {"CloudFrontDefaultCertificate": True})
    )["Distribution"]
    config = cloudfront.get_distribution_config(Id=dist["Id"])["DistributionConfig"]

    origins = {o["Id"]: o for o in config["Origins"]["Items"]}
    assert origins["static"].get("OriginAccessControlId") == oac
    assert origins["static"].get("S3OriginConfig") == {"OriginAccessIdentity": ""}
    assert "S3OriginConfig" not in origins["app"]
    assert not origins["app"].get("OriginAccessControlId")

    assert "ForwardedValues" not in config["DefaultCacheBehavior"]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]["Items"]}
    assert "ForwardedValues" not in behaviours["/static/*"]
    # a behaviour with legacy settings keeps them
    assert behaviours["/legacy/*"]["ForwardedValues"]["QueryString"] is True
    assert behaviours["/legacy/*"]["ForwardedValues"]["Cookies"]["Forward"] == "all"

    certificate = config["ViewerCertificate"]
    assert certificate["CloudFrontDefaultCertificate"] is True
    for absent in ("ACMCertificateArn", "IAMCertificateId", "SSLSupportMethod"):
        assert absent not in certificate, f"{absent} was not set, AWS does not return it"


@pytest.mark.fix("cloudfront-distribution-config")
def test_custom_certificate_is_kept_and_update_goes_through_the_same_fix(emulator: Emulator) -> None:
    cloudfront = emulator.boto3_session().client("cloudfront")
    oac = _oac(cloudfront)
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-0000-0000-000000000000"
    given = {
        "ACMCertificateArn": arn,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    created = cloudfront.create_distribution(DistributionConfig=_config(oac, given))
    dist_id = created["Distribution"]["Id"]
    config = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]
    certificate = config["ViewerCertificate"]
    assert certificate["ACMCertificateArn"] == arn
    assert certificate["SSLSupportMethod"] == "sni-only"
    assert certificate["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert "IAMCertificateId" not in certificate

    config["Comment"] = "probe, updated"
    cloudfront.update_distribution(Id=dist_id, IfMatch=created["ETag"], DistributionConfig=config)
    updated = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]
    assert updated["Comment"] == "probe, updated"
    static = next(o for o in updated["Origins"]["Items"] if o["Id"] == "static")
    assert static.get("OriginAccessControlId") == oac
    assert "ForwardedValues" not in updated["DefaultCacheBehavior"]
