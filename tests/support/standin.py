"""A minimal stand-in of a deployed stack made directly with boto3 (fast): the app secret,
an ECS service with its task definition, a scaling target, a pipeline and a migration runner.
Used by the day-2 operation tests and the dashboard tests."""

from __future__ import annotations

import json
from typing import Any

from zonke_tf import ops

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/zonke-test"


def make_lock_table(aws: Any) -> dict[str, Any]:
    """The migration lock table (modules/migration-task/lock.tf: key lock_id) and the stack
    outputs that name it."""
    aws.client("dynamodb").create_table(
        TableName="shop-prod-migration-lock",
        KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return {"migration_lock_table_name": "shop-prod-migration-lock", "migration_lock_lease_seconds": 1800}


def make_stand_in(aws: Any) -> ops.Stack:
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
    outputs = {
        **make_lock_table(aws),
        "secret_arn": arn,
        "cluster_name": "shop-prod",
        "service_name": "shop-prod",
        "container_name": "django",
        "ecr_repository_url": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop-prod",
        "task_definition_family": "shop-prod",
        "autoscaling_resource_id": "service/shop-prod/shop-prod",
        "pipeline_name": "shop-prod",
        "migration_state_machine_arn": runner,
        "site_url": "https://d111.cloudfront.net/",
    }
    return ops.Stack(outputs=outputs, client=aws.client)


def as_fresh_stack(stack: ops.Stack) -> None:
    """The stand-in as a fresh stack leaves it: the service on Terraform's revision (the
    bootstrap image, which no build pushes), no tasks, the target held at 0..0."""
    ecs, aas = stack.client("ecs"), stack.client("application-autoscaling")
    td = ecs.describe_task_definition(taskDefinition="shop-prod")["taskDefinition"]
    container = dict(td["containerDefinitions"][0], image=f"{stack.outputs['ecr_repository_url']}:bootstrap")
    arn = ecs.register_task_definition(
        family="shop-prod",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="shop-prod", service="shop-prod", taskDefinition=arn, desiredCount=0)
    aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/shop-prod/shop-prod",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=0,
        MaxCapacity=0,
    )


def add_worker(
    stack: ops.Stack, name: str = "celery", desired: int = 2, bounds: tuple[int, int] = (1, 3)
) -> None:
    """A worker beside the stand-in's service, as modules/ecs-worker makes one (its service and
    autoscaling target), listed in the stack's ``worker_services`` output."""
    ecs = stack.client("ecs")
    td = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]["taskDefinition"]
    service = f"shop-prod-worker_{name}"
    ecs.create_service(cluster="shop-prod", serviceName=service, taskDefinition=td, desiredCount=desired)
    resource = f"service/shop-prod/{service}"
    stack.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=bounds[0],
        MaxCapacity=bounds[1],
    )
    workers = dict(stack.outputs.get("worker_services") or {})
    workers[name] = {
        "service_name": service,
        "task_definition_family": service,
        "autoscaling_resource_id": resource,
    }
    stack.outputs["worker_services"] = workers


def add_schedule(stack: ops.Stack, name: str, expression: str, state: str = "ENABLED") -> None:
    """A scheduled job beside the stand-in's service, as modules/scheduled-jobs makes one (its
    schedule in the stack's group, the failed-runs queue), listed in the ``schedules`` output."""
    scheduler, sqs = stack.client("scheduler"), stack.client("sqs")
    if not stack.outputs.get("schedules"):
        scheduler.create_schedule_group(Name="shop-prod")
    url = sqs.create_queue(QueueName="shop-prod_schedule-failures")["QueueUrl"]
    scheduler.create_schedule(
        Name=name,
        GroupName="shop-prod",
        ScheduleExpression=expression,
        State=state,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/shop-prod",
            "RoleArn": ROLE,
            "EcsParameters": {
                "TaskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/shop-prod",
                "Group": f"schedule:{name}",
            },
        },
    )
    schedules = dict(stack.outputs.get("schedules") or {})
    schedules[name] = {
        "schedule_name": name,
        "group_name": "shop-prod",
        "expression": expression,
        "timezone": "UTC",
        "command": ["python", "manage.py", name],
        "task_group": f"schedule:{name}",
        "failures_queue_url": url,
        "alarm_name": "shop-prod-scheduled-job-failed",
    }
    stack.outputs["schedules"] = schedules
