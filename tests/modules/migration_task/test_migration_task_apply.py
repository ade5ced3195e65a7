"""Apply modules/migration-task (in a fixture root with a VPC, cluster and roles) and read it back.

What the emulator covers: the task definition, the state machine (definition, logging,
tracing, KMS encryption), its role and policy, the encrypted log group, and starting an
execution with the runner input. What it does not: Step Functions executions of service
integrations do not run in the emulator, so pinning the image, RunTask, the exit-code
check, the lock and the timeout are proven by test_runner_definition.py instead, which
executes the planned definition with a small ASL interpreter.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import applied

pytestmark = pytest.mark.apply

REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/zonke/runner-fixture"


def test_apply_replan_destroy(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root("tests/modules/migration_task/fixtures/runner")
    extra = [["python", "manage.py", "createcachetable"]]
    with applied(root, aws, {"extra_release_commands": extra}) as stack:
        out = stack.outputs["migrations"]
        ecs, sfn, iam = aws.client("ecs"), aws.client("stepfunctions"), aws.client("iam")

        td = ecs.describe_task_definition(taskDefinition=out["task_definition_family"])["taskDefinition"]
        assert td["taskDefinitionArn"] == out["task_definition_arn"]
        assert td["networkMode"] == "awsvpc" and td["requiresCompatibilities"] == ["FARGATE"]
        assert (td["executionRoleArn"], td["taskRoleArn"]) == (
            stack.outputs["execution_role_arn"],
            stack.outputs["task_role_arn"],
        )
        [container] = td["containerDefinitions"]
        assert container["image"] == f"{REPO}:v1"
        assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
        assert container["logConfiguration"]["options"]["awslogs-group"] == "/zonke/runner-fixture/app"
        assert container["secrets"][0]["name"] == "DATABASE_URL"

        machine = sfn.describe_state_machine(stateMachineArn=out["state_machine_arn"])
        assert machine["type"] == "STANDARD"
        assert machine["roleArn"] == out["runner_role_arn"]
        assert machine["tracingConfiguration"] == {"enabled": True}
        assert machine["encryptionConfiguration"]["type"] == "CUSTOMER_MANAGED_KMS_KEY"
        assert machine["encryptionConfiguration"]["kmsKeyId"] == out["kms_key_arn"]
        logging = machine["loggingConfiguration"]
        assert logging["level"] == "ALL"
        destination = logging["destinations"][0]["cloudWatchLogsLogGroup"]["logGroupArn"]
        assert ":log-group:/aws/vendedlogs/states/runner-fixture-migrate" in destination
        definition = json.loads(machine["definition"])
        run = definition["States"]["Step1Run"]["Parameters"]["NetworkConfiguration"]["AwsvpcConfiguration"]
        assert sorted(run["Subnets"]) == sorted(stack.outputs["subnet_ids"])
        assert run["SecurityGroups"] == [stack.outputs["security_group_id"]]
        assert run["AssignPublicIp"] == "DISABLED"
        assert (
            definition["States"]["Step2Run"]["Parameters"]["Overrides"]["ContainerOverrides"][0]["Command"]
            == (extra[0])
        )

        logs = aws.client("logs").describe_log_groups(logGroupNamePrefix=out["log_group_name"])["logGroups"]
        assert logs[0]["kmsKeyId"] == out["kms_key_arn"]

        ddb = aws.client("dynamodb")
        table = ddb.describe_table(TableName=out["lock_table_name"])["Table"]
        assert table["TableArn"] == out["lock_table_arn"]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["KeySchema"] == [{"AttributeName": "lock_id", "KeyType": "HASH"}]
        assert table["SSEDescription"]["SSEType"] == "KMS"
        assert table["SSEDescription"]["KMSMasterKeyArn"] == out["kms_key_arn"]
        ttl = ddb.describe_time_to_live(TableName=out["lock_table_name"])["TimeToLiveDescription"]
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")

        role = out["runner_role_arn"].split("/")[-1]
        [policy_name] = iam.list_role_policies(RoleName=role)["PolicyNames"]
        doc = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        statements = {s["Sid"]: s for s in doc["Statement"]}
        assert sorted(statements["PassOnlyTheTwoTaskRolesToEcsTasks"]["Resource"]) == sorted(
            [stack.outputs["execution_role_arn"], stack.outputs["task_role_arn"]]
        )
        cluster_arn = ecs.describe_clusters(clusters=["runner-fixture"])["clusters"][0]["clusterArn"]
        assert statements["RunOnlyTheMigrationFamilyInTheAppCluster"]["Condition"] == {
            "ArnEquals": {"ecs:cluster": cluster_arn}
        }

        # The pipeline starts it with runner-input.json; the emulator accepts the input as is.
        execution = sfn.start_execution(
            stateMachineArn=out["state_machine_arn"], name="pipeline-probe", input=out["runner_input_example"]
        )
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        assert json.loads(described["input"]) == {"image": f"{REPO}:v1"}
        assert described["stateMachineArn"] == out["state_machine_arn"]
    # destroy deregistered the family's revision (the leftover check does not list task definitions)
    active = aws.client("ecs").list_task_definitions(familyPrefix="runner-fixture-migrate", status="ACTIVE")
    assert active["taskDefinitionArns"] == []
