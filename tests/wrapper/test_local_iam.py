"""Local mode with IAM enforced (ZONKE_LOCAL_IAM=1): what a person runs uses the emulator's
administrator key; a request without real credentials is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.support import TerraformEnv
from tests.support.wrapper import MINI_STACK, zonke_env
from zonke_emulator.iam import DUMMY, client
from zonke_tf.local import LocalEmulator

pytestmark = [pytest.mark.apply, pytest.mark.usefixtures("stop_local_emulator")]


def test_deploy_plan_destroy_with_iam_enforced(project: Path, tf_env: TerraformEnv) -> None:
    env = {**zonke_env(tf_env, MINI_STACK), "ZONKE_LOCAL_IAM": "1"}

    def zonke(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "zonke_tf", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, f"zonke {' '.join(args)}:\n{proc.stderr}{proc.stdout}"
        return proc

    zonke("init", "--name", "demo")
    zonke("deploy", "--local")
    emulator = LocalEmulator(project)
    assert emulator.iam_enforced()
    url = emulator.running_url()
    assert url
    state = emulator.state_path
    assert state.stat().st_mode & 0o077 == 0, "the administrator's key is readable by its owner only"
    with pytest.raises(ClientError) as refused:
        client(url, DUMMY, "s3").list_buckets()
    assert refused.value.response["Error"]["Code"] in ("InvalidAccessKeyId", "InvalidClientTokenId")
    buckets = [b["Name"] for b in client(url, emulator.credentials(), "s3").list_buckets()["Buckets"]]
    out = json.loads(zonke("output", "--local", "--json").stdout)["outputs"]
    assert out["static_bucket_name"] in buckets
    plan = json.loads(zonke("plan", "--local", "--json").stdout)
    assert plan["ok"] and not any(plan["changes"].get(k) for k in ("add", "change", "remove"))
    assert "4 destroyed" in zonke("destroy", "--local").stdout
