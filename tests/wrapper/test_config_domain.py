"""The [domain] table: a custom domain never leaves the CloudFront-to-ALB hop in plain HTTP.

With zone_id the stack creates and validates both certificates; without it both must be
given. origin = "private" (internal ALB behind a CloudFront VPC origin) needs a domain.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from zonke_tf.config import parse_config, to_tfvars
from zonke_tf.errors import ConfigError

CDN_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
ORIGIN_CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/66666666-2222-3333-4444-555555555555"
ZONE = "Z0123456789ABCDEFGHIJ"


def config(**domain: Any) -> dict[str, Any]:
    return {"app": {"name": "shop", "region": "eu-west-1"}, "domain": domain}


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        (
            {"name": "shop.example.com", "certificate_arn": CDN_CERT},
            ["domain", "origin_certificate_arn is needed"],
        ),
        ({"name": "shop.example.com"}, ["domain", "set zone_id"]),
        ({"zone_id": ZONE}, ["domain", "zone_id needs name"]),
        ({"origin": "private"}, ["domain", "origin = 'private' needs name"]),
        ({"name": "shop.example.com", "zone_id": "zone-1"}, ["domain", "'zone-1'", "hosted zone ID"]),
        (
            {
                "name": "shop.example.com",
                "certificate_arn": CDN_CERT,
                "origin_certificate_arn": "arn:aws:s3:::x",
            },
            ["domain", "origin_certificate_arn", "not an ACM certificate ARN"],
        ),
        ({"name": "shop.example.com", "zone_id": ZONE, "origin": "vpc"}, ["domain.origin", "'public'"]),
    ],
    ids=[
        "no-origin-certificate",
        "name-alone",
        "zone-without-name",
        "private-without-name",
        "bad-zone",
        "bad-origin-cert",
        "bad-origin",
    ],
)
def test_bad_domain_settings_name_the_field_and_the_fix(domain: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(config(**domain))
    for part in expected:
        assert part in str(err.value), f"{part!r} not in:\n{err.value}"


@pytest.mark.parametrize(
    ("domain", "rendered"),
    [
        (
            {"name": "shop.example.com", "zone_id": ZONE},
            {
                "route53_zone_id": ZONE,
                "certificate_arn": None,
                "origin_certificate_arn": None,
                "edge_origin": "public",
            },
        ),
        (
            {"name": "shop.example.com", "zone_id": ZONE, "origin": "private"},
            {"route53_zone_id": ZONE, "edge_origin": "private"},
        ),
        (
            {"name": "shop.example.com", "certificate_arn": CDN_CERT, "origin_certificate_arn": ORIGIN_CERT},
            {"route53_zone_id": None, "certificate_arn": CDN_CERT, "origin_certificate_arn": ORIGIN_CERT},
        ),
        ({}, {"domain_name": None, "route53_zone_id": None, "edge_origin": "public"}),
    ],
    ids=["zone", "zone-private", "bring-your-own-certificates", "no-domain"],
)
def test_domain_renders_to_the_stack_variables(domain: dict[str, Any], rendered: dict[str, Any]) -> None:
    tfvars = to_tfvars(parse_config(config(**domain)))
    assert {k: tfvars[k] for k in rendered} == rendered


def test_local_override_points_the_us_east_1_alias_at_the_emulator() -> None:
    """The stack's CloudFront certificate comes through `aws.us_east_1`: with --local that
    provider must reach the emulator too, never AWS."""
    from zonke_tf.engine import local_provider_override

    text = local_provider_override("http://127.0.0.1:1", "eu-west-1")
    blocks = text.split('provider "aws" {')[1:]
    assert len(blocks) == 2
    alias = next(b for b in blocks if 'alias                       = "us_east_1"' in b)
    assert 'region                      = "us-east-1"' in alias
    for service in ("acm", "route53", "cloudfront"):
        assert re.search(rf'\n\s+{service}\s+= "http://127\.0\.0\.1:1"', alias), service
    assert "amazonaws.com" not in text


def test_the_alias_is_overridden_only_where_the_root_declares_it(tmp_path: Any) -> None:
    """Terraform refuses an override of an alias the root does not declare."""
    from zonke_tf.engine import declared_aws_aliases
    from zonke_tf.target import LocalTarget

    (tmp_path / "providers.tf").write_text(
        'provider "aws" {\n  alias  = "us_east_1"\n  region = "us-east-1"\n}\n'
    )
    (tmp_path / "zonke_local_override.tf").write_text('provider "aws" {\n  alias = "stale"\n}\n')
    assert declared_aws_aliases(tmp_path) == {"us_east_1"}
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "main.tf").write_text('resource "aws_s3_bucket" "x" {}\n')
    assert declared_aws_aliases(bare) == set()
    assert "alias" not in LocalTarget("http://127.0.0.1:1").provider_override("eu-west-1", set())
