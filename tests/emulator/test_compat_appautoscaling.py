"""Application Auto Scaling compatibility fix: tags on scalable targets."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zonke_emulator import Emulator


@pytest.fixture
def target(emulator: Emulator) -> tuple[Any, str, str]:
    """A fresh ECS service registered as a scalable target with two tags: (client, ARN, resource id)."""
    session = emulator.boto3_session()
    ecs = session.client("ecs")
    name = f"probe-{uuid.uuid4().hex[:8]}"
    ecs.create_cluster(clusterName=name)
    task = ecs.register_task_definition(
        family=name, containerDefinitions=[{"name": "app", "image": "x", "memory": 128}]
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster=name, serviceName=name, taskDefinition=task, desiredCount=1)
    aas = session.client("application-autoscaling")
    resource_id = f"service/{name}/{name}"
    arn = aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource_id,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=3,
        Tags={"team": "web", "env": "test"},
    )["ScalableTargetARN"]
    return aas, arn, resource_id


@pytest.mark.fix("appautoscaling-scalable-target-tags")
def test_tags_given_at_registration_are_listed(target: tuple[Any, str, str]) -> None:
    aas, arn, _ = target
    assert aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"team": "web", "env": "test"}


@pytest.mark.fix("appautoscaling-scalable-target-tags")
def test_tag_and_untag(target: tuple[Any, str, str]) -> None:
    aas, arn, _ = target
    aas.tag_resource(ResourceARN=arn, Tags={"team": "platform", "cost": "42"})
    aas.untag_resource(ResourceARN=arn, TagKeys=["env"])
    assert aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"team": "platform", "cost": "42"}


@pytest.mark.fix("appautoscaling-scalable-target-tags")
def test_re_registering_keeps_the_tags_and_updates_capacity(target: tuple[Any, str, str]) -> None:
    aas, arn, resource_id = target
    again = aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource_id,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=2,
        MaxCapacity=5,
        Tags={"other": "ignored"},
    )["ScalableTargetARN"]
    assert again == arn
    assert aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"team": "web", "env": "test"}
    found = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource_id])
    assert (found["ScalableTargets"][0]["MinCapacity"], found["ScalableTargets"][0]["MaxCapacity"]) == (2, 5)


@pytest.mark.fix("appautoscaling-scalable-target-tags")
def test_too_many_tags_are_refused(target: tuple[Any, str, str]) -> None:
    aas, arn, _ = target
    with pytest.raises(ClientError) as err:
        aas.tag_resource(ResourceARN=arn, Tags={f"k{i}": "v" for i in range(50)})
    assert err.value.response["Error"]["Code"] == "TooManyTagsException"


@pytest.mark.fix("appautoscaling-scalable-target-tags")
def test_tags_go_away_with_the_target(target: tuple[Any, str, str]) -> None:
    aas, arn, resource_id = target
    aas.deregister_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource_id, ScalableDimension="ecs:service:DesiredCount"
    )
    with pytest.raises(ClientError) as err:
        aas.list_tags_for_resource(ResourceARN=arn)
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
