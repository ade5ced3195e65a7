"""The corner configs `zonke.toml` accepts deploy, re-plan with no changes, and destroy
with nothing left, in the local emulator, beside the example's defaults (issue 18):

- EC2 capacity, MySQL multi-AZ, three AZs with a NAT gateway in each, and a domain with
  its own certificates (CloudFront's and the origin's, requested in the emulator's ACM);
- Fargate Spot across three AZs.

The plan tests and the property test only plan configs; a config can plan, deploy and
still not re-plan clean (the emulator once read a custom viewer certificate back as the
default one: compat fix cloudfront-viewer-certificate).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import TerraformEnv
from tests.support.apply import leftovers, snapshot
from tests.support.wrapper import zonke_env
from zonke_tf.local import LocalEmulator

pytestmark = [pytest.mark.apply, pytest.mark.xdist_group("corner-configs")]

DOMAIN = "shop.example.com"


def _ec2_mysql_domain(acm: Any) -> str:
    cloudfront = acm.request_certificate(DomainName=DOMAIN, ValidationMethod="DNS")["CertificateArn"]
    origin = acm.request_certificate(
        DomainName=DOMAIN, SubjectAlternativeNames=[f"origin.{DOMAIN}"], ValidationMethod="DNS"
    )["CertificateArn"]
    return (
        '[network]\naz_count = 3\nnat = "per_az"\n'
        '[compute]\ncapacity = "EC2"\n'
        '[database]\nengine = "mysql"\nmulti_az = true\n'
        f'[domain]\nname = "{DOMAIN}"\ncertificate_arn = "{cloudfront}"\n'
        f'origin_certificate_arn = "{origin}"\n'
    )


def _fargate_spot(acm: Any) -> str:
    return '[network]\naz_count = 3\n[compute]\ncapacity = "FARGATE_SPOT"\n'


CORNERS: dict[str, Callable[[Any], str]] = {
    "ec2-mysql-multi-az-domain-3az-per-az-nat": _ec2_mysql_domain,
    "fargate-spot-3az": _fargate_spot,
}


@pytest.mark.parametrize("corner", sorted(CORNERS))
def test_corner_config_deploys_replans_clean_and_destroys(
    corner: str, tmp_path: Path, tf_env: TerraformEnv
) -> None:
    project = tmp_path
    env = zonke_env(tf_env, sources=None)
    env["ZONKE_KEEP_EMULATOR"] = "1"  # the leftovers are looked for after the destroy
    emulator = LocalEmulator(project)
    emulator.ensure_running()
    endpoint = emulator.boto3_session()  # clients of the emulator, what snapshot() lists with

    def zonke(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "zonke_tf", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=1500,
            check=False,
        )
        what = f"zonke {' '.join(args)} exited {done.returncode}"
        assert done.returncode == 0, f"{what}:\n{done.stderr[-4000:]}"
        return done

    try:
        extra = CORNERS[corner](endpoint.client("acm"))  # before the baseline: not the stack's
        baseline = snapshot(endpoint)
        (project / "zonke.toml").write_text(f'[app]\nname = "edge"\nenvironment = "prod"\n{extra}')
        zonke("deploy", "--local")
        plan = json.loads(zonke("plan", "--local", "--json").stdout)
        changes = {k: plan["changes"].get(k) for k in ("add", "change", "remove")}
        assert plan["ok"] and not any(changes.values()), (changes, plan.get("resources"))
        zonke("destroy", "--local")
        left = leftovers(baseline, snapshot(endpoint))
        # the state bucket outlives a destroy (on AWS `zonke bootstrap` makes it)
        if left.get("s3.buckets") == ["edge-prod-local-state"]:
            del left["s3.buckets"]
        assert not left, f"destroy left resources in the emulator: {left}"
    finally:
        emulator.stop()
