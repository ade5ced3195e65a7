"""ECS compatibility fix: CreateService keeps the settings it is given."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator


@pytest.fixture
def ecs_env(emulator: Emulator) -> tuple[Any, str, str, dict[str, Any]]:
    """(ecs client, cluster, task definition ARN, awsvpc network configuration) in a fresh VPC."""
    session = emulator.boto3_session()
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=f"probe-{vpc}", Description="probe", VpcId=vpc)["GroupId"]
    ecs = session.client("ecs")
    cluster = f"probe-{uuid.uuid4().hex[:8]}"
    ecs.create_cluster(clusterName=cluster)
    task = ecs.register_task_definition(
        family=cluster,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "x", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    network = {
        "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}
    }
    return ecs, cluster, task, network


@pytest.mark.fix("ecs-create-service-keeps-settings")
def test_create_service_settings_are_described_back(ecs_env: tuple[Any, str, str, dict[str, Any]]) -> None:
    ecs, cluster, task, network = ecs_env
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ]
    deployment = {
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    }
    ecs.create_service(
        cluster=cluster,
        serviceName="web",
        taskDefinition=task,
        desiredCount=2,
        capacityProviderStrategy=strategy,
        networkConfiguration=network,
        deploymentConfiguration=deployment,
        enableExecuteCommand=True,
        healthCheckGracePeriodSeconds=45,
        availabilityZoneRebalancing="ENABLED",
        enableECSManagedTags=True,
    )
    service = ecs.describe_services(cluster=cluster, services=["web"])["services"][0]
    assert service.get("enableExecuteCommand") is True
    assert service.get("healthCheckGracePeriodSeconds") == 45
    assert service.get("availabilityZoneRebalancing") == "ENABLED"
    assert service.get("capacityProviderStrategy") == strategy
    assert service.get("deploymentConfiguration") == deployment
    assert service.get("enableECSManagedTags") is True
    assert "launchType" not in service


def test_nothing_is_invented_for_settings_not_sent(ecs_env: tuple[Any, str, str, dict[str, Any]]) -> None:
    ecs, cluster, task, network = ecs_env
    ecs.create_service(
        cluster=cluster,
        serviceName="plain",
        taskDefinition=task,
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=network,
    )
    service = ecs.describe_services(cluster=cluster, services=["plain"])["services"][0]
    assert service["launchType"] == "FARGATE"
    for key in ("capacityProviderStrategy", "healthCheckGracePeriodSeconds", "availabilityZoneRebalancing"):
        assert key not in service, key


@pytest.mark.fix("ecs-run-task-task-level-size")
def test_run_task_of_a_task_sized_fargate_definition_starts(
    ecs_env: tuple[Any, str, str, dict[str, Any]], emulator: Emulator
) -> None:
    """Fargate containers need no memory of their own (the task's size bounds them); the
    emulator used to fail RunTask with HTTP 500 for such a definition."""
    ecs, cluster, task, network = ecs_env
    ec2 = emulator.boto3_session().client("ec2")
    subnet = network["awsvpcConfiguration"]["subnets"][0]
    vpc = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"]
    # As the network module sets it; the emulator names a task's ENI only in such a VPC.
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    started = ecs.run_task(
        cluster=cluster, taskDefinition=task, launchType="FARGATE", networkConfiguration=network, count=1
    )
    assert started["failures"] == []
    assert len(started["tasks"]) == 1
    # The definition itself is left as registered.
    described = ecs.describe_task_definition(taskDefinition=task)["taskDefinition"]
    assert "memory" not in described["containerDefinitions"][0]


@pytest.mark.fix("ecs-run-task-fargate")
def test_run_task_of_a_fargate_definition_with_task_level_memory_only(emulator: Emulator) -> None:
    session = emulator.boto3_session()
    ecs, ec2 = session.client("ecs"), session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="memprobe", Description="probe", VpcId=vpc)["GroupId"]
    cluster = ecs.create_cluster(clusterName="memprobe")["cluster"]["clusterArn"]
    td = ecs.register_task_definition(
        family="memprobe",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "example/app:1", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    ran = ecs.run_task(
        cluster=cluster,
        taskDefinition=td,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}},
    )
    assert not ran.get("failures") and len(ran["tasks"]) == 1
    details = {d["name"]: d["value"] for d in ran["tasks"][0]["attachments"][0]["details"]}
    assert re.fullmatch(r"ip-\d+-\d+-\d+-\d+\.ec2\.internal", details["privateDnsName"]), details
    ecs.stop_task(cluster=cluster, task=ran["tasks"][0]["taskArn"])
    ecs.deregister_task_definition(taskDefinition=td)
    ecs.delete_cluster(cluster=cluster)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def test_network_interfaces_keep_working_in_a_vpc_with_dns_hostnames(emulator: Emulator) -> None:
    ec2 = emulator.boto3_session().client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.78.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    assert eni["PrivateDnsName"].startswith("ip-10-78-1-"), eni
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


@pytest.mark.fix("ecs-update-service-new-deployment")
def test_update_service_to_another_revision_makes_it_the_primary_deployment(
    ecs_env: tuple[Any, str, str, dict[str, Any]], emulator: Emulator
) -> None:
    ecs, cluster, task, network = ecs_env
    ecs.create_service(
        cluster=cluster, serviceName="web", taskDefinition=task, desiredCount=1, networkConfiguration=network
    )
    family = task.rsplit("/", 1)[-1].split(":")[0]
    second = ecs.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "y", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=cluster, service="web", taskDefinition=f"{family}:2")
    svc = ecs.describe_services(cluster=cluster, services=["web"])["services"][0]
    primary = [d for d in svc["deployments"] if d["status"] == "PRIMARY"]
    assert [d["taskDefinition"] for d in primary] == [second]
    assert svc["taskDefinition"] == second


@pytest.mark.fix("ecs-run-task-overrides-limit")
def test_run_task_refuses_overrides_longer_than_aws_allows(
    ecs_env: tuple[Any, str, str, dict[str, Any]], emulator: Emulator
) -> None:
    """AWS allows 8192 characters of overrides in all (JSON included); the stack's migration
    runner and `zonke run` override the command, so a long command prefix fails on AWS."""
    from botocore.exceptions import ClientError

    ecs, cluster, task, network = ecs_env
    ec2 = emulator.boto3_session().client("ec2")
    vpc = ec2.describe_subnets(SubnetIds=network["awsvpcConfiguration"]["subnets"])["Subnets"][0]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})

    def run(command: list[str]) -> dict[str, Any]:
        return dict(
            ecs.run_task(
                cluster=cluster, taskDefinition=task, launchType="FARGATE", networkConfiguration=network,
                overrides={"containerOverrides": [{"name": "app", "command": command}]},
            )
        )  # fmt: skip

    with pytest.raises(ClientError) as err:
        run(["python", "-c", "x" * 8200])
    assert err.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "at most 8192" in err.value.response["Error"]["Message"]
    started = run(["python", "-c", "x" * 8000])
    assert started["failures"] == [] and len(started["tasks"]) == 1
