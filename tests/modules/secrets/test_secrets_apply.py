"""Apply modules/secrets against the emulator: the seed, no value in the state, the restart rule.

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
import uuid
from typing import Any

import pytest

from tests.tfharness import applied

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


def test_seed_no_value_in_state_and_restart_rule(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
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

        # the seed: a generated 64-character Django key, and no declared key (never an empty string)
        seed = sm.get_secret_value(SecretId=arn)
        values = json.loads(seed["SecretString"])
        assert sorted(values) == ["DJANGO_SECRET_KEY"]
        django_key = values["DJANGO_SECRET_KEY"]
        assert re.fullmatch(r"[A-Za-z0-9]{64}", django_key)
        assert stages(sm, arn)[seed["VersionId"]] == ["AWSCURRENT", "ZONKE_SEED"]
        assert [s["valueFrom"] for s in out["container_secrets"]] == [
            f"{arn}:DJANGO_SECRET_KEY::",
            f"{arn}:SENTRY_DSN::",
            f"{arn}:STRIPE_API_KEY::",
        ]

        # people set values outside Terraform; the seed keeps its own label (never deprecated)
        marker = f"sk_live_{uuid.uuid4().hex}"
        sm.put_secret_value(SecretId=arn, SecretString=json.dumps({**values, "STRIPE_API_KEY": marker}))
        sm.put_secret_value(
            SecretId=arn,
            SecretString=json.dumps({**values, "STRIPE_API_KEY": marker, "SENTRY_DSN": "https://x"}),
        )
        assert stages(sm, arn)[seed["VersionId"]] == ["ZONKE_SEED"]

        # ... and neither they nor the generated key ever reach Terraform's state
        code, text = stack.replan()
        assert code == 0, text
        state = stack.state_text()
        assert marker not in state
        assert django_key not in state
        assert '"secret_string": ""' in state or '"secret_string": null' in state

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
