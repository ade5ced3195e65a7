"""The zonke CLI end to end in local mode, on a small stand-in stack (fast to apply):
init, deploy --local with progress, output, plan, destroy --local; the app secret's
generated first value; bad input; Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.support import TerraformEnv
from tests.support.wrapper import MINI_STACK, Runner, zonke_env
from zonke_tf.local import LocalEmulator

pytestmark = [pytest.mark.apply, pytest.mark.usefixtures("stop_local_emulator")]


def test_init_deploy_output_plan_destroy(zonke: Runner, project: Path) -> None:
    init = zonke("init", "--name", "demo")
    assert (project / "zonke.toml").is_file() and "Next:" in init.stderr

    deploy = zonke("deploy", "--local")
    err = deploy.stderr
    assert "Using Terraform:" in err and "Local AWS emulator started at http://127.0.0.1:" in err
    assert "[4/4]" in err and "aws_s3_bucket.static: created" in err
    assert "Apply complete" in deploy.stdout and "site_url = https://demo.example.invalid/" in deploy.stdout
    assert "Next:" in err

    url = LocalEmulator(project).running_url()
    assert url is not None and url.startswith("http://127.0.0.1:")

    out = json.loads(zonke("output", "--local", "--json").stdout)
    bucket = out["outputs"]["static_bucket_name"]
    assert bucket.startswith("demo-prod-static-")

    plan = json.loads(zonke("plan", "--local", "--json").stdout)
    assert plan["ok"] and plan["changes"].get("add", 0) == 0 and plan["changes"].get("remove", 0) == 0
    assert plan["review"] == []

    destroy = zonke("destroy", "--local")
    assert "4 destroyed" in destroy.stdout and "Stopped the local AWS emulator" in destroy.stderr
    assert LocalEmulator(project).running_url() is None


def test_deploy_generates_the_django_key_once_and_never_prints_it(zonke: Runner, project: Path) -> None:
    """Terraform writes no secret value: `zonke deploy` writes the first value of the keys the
    stack names (`generated_secret_keys`), once, and a later deploy keeps the value a person
    set. No deploy output ever holds a value."""
    (project / "zonke.toml").write_text('[app]\nname = "demo"\n')
    first = zonke("deploy", "--local")
    assert "Generated the first value of DJANGO_SECRET_KEY in the app secret." in first.stdout
    key = zonke("secrets", "get", "DJANGO_SECRET_KEY", "--local", "--reveal").stdout.strip()
    assert len(key) == 64 and key.isalnum()
    assert key not in first.stdout + first.stderr

    mine = "set-by-a-person-" + key[:8]
    zonke("secrets", "set", "DJANGO_SECRET_KEY", mine, "--local", "--no-restart")
    again = zonke("deploy", "--local", "--json")
    doc = json.loads(again.stdout)
    assert doc["generated_secrets"] == [] and doc["unset_secrets"] == []
    assert zonke("secrets", "get", "DJANGO_SECRET_KEY", "--local", "--reveal").stdout.strip() == mine
    for text in (again.stdout, again.stderr):
        assert key not in text and mine not in text
    zonke("destroy", "--local")


def test_bad_input_exits_2_before_touching_anything(zonke: Runner, project: Path) -> None:
    (project / "zonke.toml").write_text('[app]\nname = "demo"\n[compute]\ncpu = 256\nmemory = 4096\n')
    proc = zonke("deploy", "--local", check=False)
    assert proc.returncode == 2
    assert "memory=4096 does not fit cpu=256" in proc.stderr and "512 to 2048" in proc.stderr
    assert not (project / ".zonke").exists(), "nothing may start before the config is valid"
    as_json = json.loads(zonke("plan", "--json", check=False).stdout)
    assert as_json["ok"] is False and "compute" in as_json["error"]


def test_missing_config_says_how_to_make_one(zonke: Runner) -> None:
    proc = zonke("plan", check=False)
    assert proc.returncode == 2 and "zonke init" in proc.stderr


def test_terraform_diagnostics_come_through(zonke: Runner, project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    root = broken / "examples" / "django-monolith"
    root.mkdir(parents=True)
    (broken / "modules").mkdir()
    (root / "variables.tf").write_text((MINI_STACK / "examples/django-monolith/variables.tf").read_text())
    (root / "main.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = var.no_such_variable\n}\n')
    (project / "zonke.toml").write_text('[app]\nname = "demo"\n')
    proc = zonke("plan", "--local", sources=broken, check=False)
    assert proc.returncode == 1
    assert "Reference to undeclared input variable" in proc.stderr and "no_such_variable" in proc.stderr


def test_ctrl_c_stops_terraform_cleanly(project: Path, tf_env: TerraformEnv, zonke: Runner) -> None:
    (project / "zonke.toml").write_text('[app]\nname = "demo"\n[tags]\nzonke-test-slow = "60"\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "zonke_tf", "deploy", "--local"],
        cwd=project,
        env=zonke_env(tf_env, MINI_STACK),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: the pytest-xdist worker ignores SIGINT, and children inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen.append(line)
        if "creating terraform_data.slow" in line:
            break
    else:
        proc.kill()
        raise AssertionError("the slow resource never started:\n" + "".join(seen))
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=120)
    assert proc.returncode == 130, "".join(seen) + rest
    assert "stopped cleanly" in rest

    # The state lives in the emulator's S3, as on AWS (the local pipeline's Infrastructure
    # stage reads it there): the lock file is gone, the state object holds what was created.
    emulator = LocalEmulator(project)
    url = emulator.running_url()
    assert url is not None
    s3 = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="demo-prod-local-state").get("Contents", [])]
    assert keys == ["zonke/demo/prod/terraform.tfstate"], "the state lock was left behind"
    state = json.loads(s3.get_object(Bucket="demo-prod-local-state", Key=keys[0])["Body"].read())
    assert {r["type"] for r in state["resources"]} >= {"aws_s3_bucket", "aws_secretsmanager_secret"}
    # the state is usable: a plan (which takes the lock) runs and only the slow resource is left
    plan = json.loads(zonke("plan", "--local", "--json").stdout)
    assert [c["address"] for c in plan["resources"]] == ["terraform_data.slow[0]"]
    # the review, read from the plan's own events (plan_review.changes_from_events): the
    # interrupted create left the resource tainted, so it is replaced
    assert plan["review"] == [
        {
            "address": "terraform_data.slow[0]",
            "type": "terraform_data",
            "action": "replace",
            "reason": "replace_because_tainted",
            "data_loss": False,
        }
    ]
    (project / "zonke.toml").write_text('[app]\nname = "demo"\n')
    zonke("destroy", "--local")
