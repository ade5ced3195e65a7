"""The emulator launcher: loopback only, fixes installed and reported, reset forgets everything."""

from __future__ import annotations

import pytest

from zonke_tf.emulator import HOST, Emulator, compat, provider_block, server


def test_binds_to_loopback_and_reports_its_fixes(emulator: Emulator) -> None:
    assert emulator.url.startswith(f"http://{HOST}:")
    assert emulator.applied_fixes() == sorted(compat.discover())


def test_refuses_a_non_loopback_address() -> None:
    with pytest.raises(SystemExit):
        server.main(["--host", "0.0.0.0"])


def test_reset_forgets_resources(emulator: Emulator) -> None:
    s3 = emulator.boto3_session().client("s3")
    s3.create_bucket(Bucket="zonke-reset-probe")
    assert "zonke-reset-probe" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    emulator.reset()
    assert "zonke-reset-probe" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_fix_cannot_be_registered_twice() -> None:
    compat.discover()
    with pytest.raises(ValueError, match="registered twice"):
        compat.fix(name="probe-duplicate", restores="nothing")(lambda: None)
        compat.fix(name="probe-duplicate", restores="nothing")(lambda: None)
    compat._REGISTRY.pop("probe-duplicate", None)


def test_every_fix_says_what_it_restores() -> None:
    for fix in compat.discover().values():
        assert len(fix.restores) > 20, f"{fix.name} must name the AWS behaviour it restores"


def test_provider_block_points_every_service_at_the_emulator() -> None:
    hcl = provider_block("http://127.0.0.1:1234")
    assert "max_retries = 2" in hcl
    assert "skip_credentials_validation = true" in hcl
    for svc in ("ec2", "s3", "ecs", "rds", "sts", "cloudfront", "codepipeline"):
        assert f"{svc} " in hcl
    assert "amazonaws.com" not in hcl
