"""Day-2 operations against the emulator, on resources made directly with boto3 (fast):
secrets round trip and compare-and-swap under concurrent writers, scaling bounds, status
that degrades instead of crashing, pipeline run and migrate."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from zonke_tf import ops
from zonke_tf.errors import OperationError

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/zonke-test"


@pytest.fixture
def stack(aws: Any) -> ops.Stack:
    """A minimal stand-in of a deployed stack: secret, ECS service, scaling target, pipeline, runner."""
    sm, ecs = aws.client("secretsmanager"), aws.client("ecs")
    secret = sm.create_secret(
        Name="zonke/shop-prod/app", SecretString=json.dumps({"DJANGO_SECRET_KEY": "k0"})
    )
    arn = secret["ARN"]
    ecs.create_cluster(clusterName="shop-prod")
    td = ecs.register_task_definition(
        family="shop-prod",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn=ROLE,
        containerDefinitions=[
            {
                "name": "django",
                "image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop-prod:abc123",
                "essential": True,
                "secrets": [
                    {
                        "name": "DB_PASSWORD",
                        "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:rds:password::",
                    },
                    {"name": "DJANGO_SECRET_KEY", "valueFrom": f"{arn}:DJANGO_SECRET_KEY::"},
                ],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="shop-prod", serviceName="shop-prod", taskDefinition=td, desiredCount=1)
    aws.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/shop-prod/shop-prod",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=4,
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "codepipeline.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    aws.client("iam").create_role(RoleName="zonke-test", AssumeRolePolicyDocument=json.dumps(trust))
    aws.client("codepipeline").create_pipeline(
        pipeline={
            "name": "shop-prod",
            "roleArn": ROLE,
            "artifactStore": {"type": "S3", "location": "zonke-artifacts"},
            "stages": [
                {
                    "name": "Source",
                    "actions": [
                        {
                            "name": "Source",
                            "actionTypeId": {
                                "category": "Source",
                                "owner": "AWS",
                                "provider": "S3",
                                "version": "1",
                            },
                            "configuration": {"S3Bucket": "b", "S3ObjectKey": "k"},
                            "outputArtifacts": [{"name": "src"}],
                        }
                    ],
                },
                {
                    "name": "Deploy",
                    "actions": [
                        {
                            "name": "Deploy",
                            "actionTypeId": {
                                "category": "Deploy",
                                "owner": "AWS",
                                "provider": "ECS",
                                "version": "1",
                            },
                            "configuration": {"ClusterName": "shop-prod", "ServiceName": "shop-prod"},
                            "inputArtifacts": [{"name": "src"}],
                        }
                    ],
                },
            ],
        }
    )
    runner = aws.client("stepfunctions").create_state_machine(
        name="shop-prod-migrate",
        roleArn=ROLE,
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
    )["stateMachineArn"]
    # The migration lock table (modules/migration-task/lock.tf: key lock_id).
    aws.client("dynamodb").create_table(
        TableName="shop-prod-migration-lock",
        KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    outputs = {
        "migration_lock_table_name": "shop-prod-migration-lock",
        "migration_lock_lease_seconds": 1800,
        "secret_arn": arn,
        "cluster_name": "shop-prod",
        "service_name": "shop-prod",
        "container_name": "django",
        "autoscaling_resource_id": "service/shop-prod/shop-prod",
        "pipeline_name": "shop-prod",
        "migration_state_machine_arn": runner,
        "site_url": "https://d111.cloudfront.net/",
    }
    return ops.Stack(outputs=outputs, client=aws.client)


def _service_secrets(stack: ops.Stack) -> list[str]:
    ecs = stack.client("ecs")
    svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    return sorted(s["name"] for s in td["containerDefinitions"][0]["secrets"])


def test_secrets_round_trip_rolls_the_service(stack: ops.Stack) -> None:
    assert ops.secrets_list(stack) == ["DJANGO_SECRET_KEY"]
    created = ops.secrets_set(stack, "STRIPE_KEY", "sk_test_1")
    assert created.action == "created" and created.rolled and created.task_definition_arn
    assert ops.secrets_get(stack, "STRIPE_KEY") == "sk_test_1"
    assert _service_secrets(stack) == ["DB_PASSWORD", "DJANGO_SECRET_KEY", "STRIPE_KEY"]
    new_td = stack.client("ecs").describe_task_definition(taskDefinition=created.task_definition_arn)
    ref = {s["name"]: s["valueFrom"] for s in new_td["taskDefinition"]["containerDefinitions"][0]["secrets"]}
    assert ref["STRIPE_KEY"] == f"{stack.outputs['secret_arn']}:STRIPE_KEY::"

    updated = ops.secrets_set(stack, "STRIPE_KEY", "sk_test_2")
    assert updated.action == "updated" and updated.task_definition_arn is None
    assert ops.secrets_get(stack, "STRIPE_KEY") == "sk_test_2"

    deleted = ops.secrets_delete(stack, "STRIPE_KEY")
    assert deleted.keys == ["DJANGO_SECRET_KEY"]
    assert _service_secrets(stack) == ["DB_PASSWORD", "DJANGO_SECRET_KEY"]
    with pytest.raises(OperationError, match="no secret named STRIPE_KEY"):
        ops.secrets_get(stack, "STRIPE_KEY")


@pytest.mark.parametrize(
    ("name", "message"),
    [("lower", "not an environment variable name"), ("DB_PASSWORD", "database's own secret")],
)
def test_bad_secret_names_are_refused(stack: ops.Stack, name: str, message: str) -> None:
    with pytest.raises(OperationError, match=message):
        ops.secrets_set(stack, name, "x")
    with pytest.raises(OperationError, match="needed by Django"):
        ops.secrets_delete(stack, "DJANGO_SECRET_KEY")


def test_concurrent_writers_on_different_keys_lose_nothing(stack: ops.Stack) -> None:
    rounds, writers = 15, 4
    errors: list[BaseException] = []
    attempts: list[int] = []

    def writer(n: int) -> None:
        try:
            for r in range(rounds):
                change = ops.secrets_set(stack, f"KEY_{n}", f"value-{n}-{r}", roll=False)
                attempts.append(change.attempts)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    data = json.loads(
        stack.client("secretsmanager").get_secret_value(SecretId=stack.outputs["secret_arn"])["SecretString"]
    )
    assert data == {
        "DJANGO_SECRET_KEY": "k0",
        **{f"KEY_{n}": f"value-{n}-{rounds - 1}" for n in range(writers)},
    }
    assert max(attempts) > 1, "the writers never collided: the test did not exercise compare-and-swap"


def test_a_stale_compare_and_swap_is_refused_by_secrets_manager(stack: ops.Stack) -> None:
    """The mechanism the writers rely on: moving AWSCURRENT from a version it left fails."""
    sm = stack.client("secretsmanager")
    arn = stack.outputs["secret_arn"]
    stale = sm.get_secret_value(SecretId=arn)["VersionId"]
    ops.secrets_set(stack, "OTHER", "x", roll=False)
    sm.put_secret_value(SecretId=arn, ClientRequestToken="a" * 32, SecretString="{}", VersionStages=["P"])
    with pytest.raises(Exception, match=r"AWSCURRENT|InvalidParameter|not attached"):
        sm.update_secret_version_stage(
            SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId="a" * 32, RemoveFromVersionId=stale
        )


def test_scale_within_and_outside_bounds(stack: ops.Stack) -> None:
    result = ops.scale(stack, 2, 6, desired=3)
    assert result.previous == {"min": 1, "max": 4}
    target = stack.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=["service/shop-prod/shop-prod"]
    )["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 6)
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert svc["desiredCount"] == 3
    for args, message in (
        ((5, 2, None), "--min 5 is above --max 2"),
        ((0, 2, None), "--min 0 is out of range"),
        ((1, 500, None), "--max 500 is out of range"),
        ((1, 2, 7), "--desired 7 is outside"),
    ):
        with pytest.raises(OperationError, match=message):
            ops.scale(stack, *args)


def test_status_fresh_then_after_a_pipeline_run_and_a_migration(stack: ops.Stack) -> None:
    st = ops.status(stack)
    assert st.site_url == "https://d111.cloudfront.net/"
    assert st.service["desired"] == 1 and st.scaling == {"min": 1, "max": 4}
    assert st.pipeline["last_execution"] is None and st.migration == {"last_run": None}
    # the emulator has no GetPipelineState: status says so instead of crashing
    assert any("GetPipelineState" in note for note in st.unavailable), st.unavailable

    run = ops.pipeline_run(stack, wait=False)
    assert run["execution_id"]
    migration = ops.migrate(stack, wait=True, timeout=30, poll=0.5)
    assert migration["image"].endswith(":abc123")
    assert migration["status"] in ("SUCCEEDED", "RUNNING")

    st = ops.status(stack)
    assert st.pipeline["last_execution"]["id"] == run["execution_id"]
    assert st.migration["last_run"]["execution"] == migration["execution"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"exit_code": 3}', 3),
        ('{"Containers": [{"Name": "migrate", "ExitCode": 1}]}', 1),
        ("Essential container exited with code 2", 2),
        ("task stopped: CannotPullContainerError", None),
    ],
)
def test_exit_code_is_read_from_the_runner_output(text: str, code: int | None) -> None:
    assert ops._exit_code(text) == code
