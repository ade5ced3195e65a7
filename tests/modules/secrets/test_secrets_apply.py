"""Apply modules/secrets against the emulator: no value from Terraform, the restart rule, and
the upgrade of a stack that still holds the old seed version (forgotten, never read back).

Secrets Manager in the emulator publishes no EventBridge events and the emulator does not
run a state machine's Task states, so the restart path is covered in parts: events shaped
like Secrets Manager's native "Secret Label Updated" event are put on the emulator's bus and
must start exactly the expected executions of the restart state machine (with the
events-step-functions-target compatibility fix); the state machine's definition and roles
are checked here and in the plan tests; the ECS UpdateService call itself is not executed.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support import TerraformRoot, applied
from zonke_tf import ops

pytestmark = pytest.mark.apply

VARIABLES = {
    "name": "zk-sec",
    "secret_keys": ["STRIPE_API_KEY", "SENTRY_DSN"],
    "ecs_cluster_name": "zk-sec",
    "ecs_service_name": "zk-sec",
    "recovery_window_days": 0,
}


def stages(sm: Any, secret: str) -> dict[str, list[str]]:
    versions = sm.list_secret_version_ids(SecretId=secret)["Versions"]
    return {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in versions}


def label_event(secret_arn: str, label: str, version: str) -> dict[str, Any]:
    return {
        "Source": "aws.secretsmanager",
        "DetailType": "Secret Label Updated",
        "Resources": [secret_arn],
        "Detail": json.dumps({"name": "zonke/zk-sec/app", "labelUpdated": label, "versionId": version}),
    }


def test_no_value_from_terraform_and_restart_rule(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root("modules/secrets")
    with applied(root, aws, VARIABLES) as stack:
        out = stack.outputs
        sm, kms = aws.client("secretsmanager"), aws.client("kms")
        arn = out["secret_arn"]

        # the secret: encrypted with the module's key, which rotates
        described = sm.describe_secret(SecretId=arn)
        assert described["Name"] == "zonke/zk-sec/app"
        assert described["KmsKeyId"] == out["kms_key_arn"]
        assert kms.get_key_rotation_status(KeyId=out["kms_key_arn"])["KeyRotationEnabled"] is True
        assert [s["valueFrom"] for s in out["container_secrets"]] == [
            f"{arn}:DJANGO_SECRET_KEY::",
            f"{arn}:SENTRY_DSN::",
            f"{arn}:STRIPE_API_KEY::",
        ]

        # Terraform writes no value: the secret has no version until the wrapper seeds the
        # keys the module names, and declares the others (never an empty string)
        assert stages(sm, arn) == {}
        assert out["generated_secret_keys"] == ["DJANGO_SECRET_KEY"]
        seeded = ops.seed_generated_secrets(ops.Stack(outputs=out, client=aws.client))
        assert seeded.keys == ["DJANGO_SECRET_KEY"]
        values = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
        assert sorted(values) == ["DJANGO_SECRET_KEY"]
        django_key = values["DJANGO_SECRET_KEY"]
        assert re.fullmatch(r"[A-Za-z0-9]{64}", django_key)

        # people set values outside Terraform: the next plan keeps them
        marker = f"sk_live_{uuid.uuid4().hex}"
        sm.put_secret_value(SecretId=arn, SecretString=json.dumps({**values, "STRIPE_API_KEY": marker}))

        # ... and neither they nor the generated key ever reach Terraform's state
        code, text = stack.replan()
        assert code == 0, text
        state = stack.state_text()
        assert marker not in state
        assert django_key not in state
        assert "aws_secretsmanager_secret_version" not in state

        # the restart rule fires on AWSCURRENT moving on this secret, and on nothing else: its
        # state machine gets one execution, whose input names the secret and the new version
        events, sfn = aws.client("events"), aws.client("stepfunctions")
        machine_arn = out["restart_state_machine_arn"]
        for event in (
            label_event(arn, "AWSCURRENT", "v-current"),
            label_event(arn, "ZONKE_SEED", "v-seed"),
            label_event(arn.replace("zonke/zk-sec/app", "zonke/other/app"), "AWSCURRENT", "v-other"),
        ):
            assert events.put_events(Entries=[event])["FailedEntryCount"] == 0
        executions = sfn.list_executions(stateMachineArn=machine_arn)["executions"]
        started = [
            json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in executions
        ]
        assert started == [{"secret": arn, "version": "v-current"}]

        machine = aws.client("stepfunctions").describe_state_machine(
            stateMachineArn=out["restart_state_machine_arn"]
        )
        definition = json.loads(machine["definition"])
        assert definition["States"]["ForceNewDeployment"]["Parameters"]["Service"] == "zk-sec"
        assert machine["loggingConfiguration"]["level"] == "ALL"


# The seed version the module held before its first value moved out of Terraform, with the
# ephemeral password it wrote through a write-only argument.
OLD_SEED = """
ephemeral "aws_secretsmanager_random_password" "django" {
  count = var.generate_django_secret_key ? 1 : 0

  password_length     = 64
  exclude_punctuation = true
}

locals {
  old_seed = var.generate_django_secret_key ? {
    (local.django_key_name) = ephemeral.aws_secretsmanager_random_password.django[0].random_password
  } : {}
}

resource "aws_secretsmanager_secret_version" "seed" {
  secret_id                = aws_secretsmanager_secret.this.id
  secret_string_wo         = jsonencode(local.old_seed)
  secret_string_wo_version = 1
  version_stages           = ["ZONKE_SEED"]

  lifecycle {
    ignore_changes = [version_stages]
  }
}
"""


def _plan_with_provider_log(root: TerraformRoot, log: Path) -> dict[str, Any]:
    """Plan to a file with the provider's debug log (every AWS call it makes) in ``log``."""
    env = {**root.env, "TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PATH": str(log)}
    plan = ["plan", "-out=upgrade.tfplan", "-input=false", "-no-color"]
    for args in (plan, ["show", "-json", "upgrade.tfplan"]):
        proc = subprocess.run(
            [root.tf_env.binary, *args], cwd=root.dir, env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return dict(json.loads(proc.stdout))


def test_an_older_stack_forgets_its_seed_version_without_reading_it(  # type: ignore[no-untyped-def]
    make_root, aws: Any, tmp_path: Path
) -> None:
    """Issue 13: the pipeline's Infrastructure role may not call GetSecretValue on app
    secrets, so the upgrade must not read the old seed back. The plan forgets it (the
    version stays in Secrets Manager, value and labels untouched), and the provider's log
    shows no GetSecretValue at all."""
    root = make_root("modules/secrets")
    removed = (root.dir / "removed.tf").read_text()
    (root.dir / "removed.tf").unlink()  # a resource and its removed block cannot coexist
    (root.dir / "zz_old_seed.tf").write_text(OLD_SEED)
    with applied(root, aws, VARIABLES) as stack:
        sm = aws.client("secretsmanager")
        arn = stack.outputs["secret_arn"]
        [seed] = stages(sm, arn)
        assert stages(sm, arn)[seed] == ["AWSCURRENT", "ZONKE_SEED"]
        before = sm.get_secret_value(SecretId=arn)["SecretString"]

        # the module of today
        (root.dir / "zz_old_seed.tf").unlink()
        (root.dir / "removed.tf").write_text(removed)
        log = tmp_path / "provider.log"
        plan = _plan_with_provider_log(root, log)
        changes = {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]}
        changed = {a: v for a, v in changes.items() if v != ["no-op"]}
        assert changed == {"aws_secretsmanager_secret_version.seed": ["forget"]}
        calls = log.read_text()
        assert "DescribeSecret" in calls, "the provider log names no AWS call: is its format another one?"
        assert "GetSecretValue" not in calls

        proc = subprocess.run(
            [root.tf_env.binary, "apply", "-input=false", "-no-color", "upgrade.tfplan"],
            cwd=root.dir,
            env=root.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "aws_secretsmanager_secret_version" not in stack.state_text()
        # the version is still there, still current, value unchanged; the wrapper leaves it
        assert stages(sm, arn)[seed] == ["AWSCURRENT", "ZONKE_SEED"]
        assert sm.get_secret_value(SecretId=arn)["SecretString"] == before
        assert ops.seed_generated_secrets(ops.Stack(outputs=stack.outputs, client=aws.client)).keys == []
        assert list(stages(sm, arn)) == [seed]
