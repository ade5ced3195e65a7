"""Apply the app tier (network + secrets + ecs-service + a load balancer stand-in) against the emulator.

Checked with boto3: the task definition's secrets point at the secret's keys; the service
runs in the private subnets with no public IP, reachable only from the load balancer; the
scaling target has the configured bounds; a count and a revision set outside Terraform (the
wrapper, the pipeline) are not undone by the next plan; no secret value reaches the state.
On exit the harness re-plans (no changes), destroys, and checks nothing is left.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.support import applied
from zonke_tf import ops

pytestmark = pytest.mark.apply

STACK = "tests/modules/ecs_service/fixtures/stack"
NAME = "zk-app"


def test_app_tier_apply(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root(STACK)
    with applied(root, aws, {"name": NAME, "min_count": 2, "max_count": 5}) as stack:
        out, app, secrets = stack.outputs, stack.outputs["app"], stack.outputs["secrets"]
        ecs, ec2, sm = aws.client("ecs"), aws.client("ec2"), aws.client("secretsmanager")
        secret_arn = secrets["secret_arn"]

        # --- the service: private subnets, no public IP, its own group, the target group
        service = ecs.describe_services(cluster=app["cluster_name"], services=[app["service_name"]])[
            "services"
        ][0]
        network = service["networkConfiguration"]["awsvpcConfiguration"]
        assert sorted(network["subnets"]) == sorted(out["private_subnet_ids"])
        assert not set(network["subnets"]) & set(out["public_subnet_ids"])
        assert network["assignPublicIp"] == "DISABLED"
        assert network["securityGroups"] == [app["security_group_id"]]
        assert app["network_configuration"] == {
            "subnets": out["private_subnet_ids"],
            "security_groups": [app["security_group_id"]],
            "assign_public_ip": False,
        }
        assert service["loadBalancers"][0]["containerName"] == "web"
        assert service["loadBalancers"][0]["containerPort"] == 8000
        deployment = service["deploymentConfiguration"]
        assert (deployment["minimumHealthyPercent"], deployment["maximumPercent"]) == (100, 200)
        assert deployment["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert service["healthCheckGracePeriodSeconds"] == 45
        assert service["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE"

        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [app["security_group_id"]]}]
        )["SecurityGroupRules"]
        inbound = [r for r in rules if not r["IsEgress"]]
        assert len(inbound) == 1
        assert (inbound[0]["FromPort"], inbound[0]["ToPort"]) == (8000, 8000)
        alb_group = aws.client("elbv2").describe_load_balancers(Names=[NAME])["LoadBalancers"][0][
            "SecurityGroups"
        ]
        assert [inbound[0]["ReferencedGroupInfo"]["GroupId"]] == alb_group
        assert "CidrIpv4" not in inbound[0]

        # --- the task definition: the secrets point at the secret's keys
        definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        assert definition["executionRoleArn"] == app["execution_role_arn"]
        assert definition["taskRoleArn"] == app["task_role_arn"]
        (web,) = definition["containerDefinitions"]
        assert web["image"] == f"{app['ecr_repository_url']}:bootstrap"
        assert web["readonlyRootFilesystem"] is True
        injected = sorted(web["secrets"], key=lambda s: s["name"])
        assert injected == secrets["container_secrets"]
        for entry in injected:
            key = entry["valueFrom"].removeprefix(f"{secret_arn}:").removesuffix("::")
            assert key == entry["name"]
        # Terraform writes no value; after the apply the wrapper seeds the generated Django
        # key only: declared keys are never seeded with an empty string (zonke status and the
        # deploy name them until someone sets them).
        assert not sm.describe_secret(SecretId=secret_arn).get("VersionIdsToStages")
        ops.seed_generated_secrets(ops.Stack(outputs=secrets, client=aws.client))
        values = json.loads(sm.get_secret_value(SecretId=secret_arn)["SecretString"])
        assert set(values) == {"DJANGO_SECRET_KEY"}
        assert {e["name"] for e in injected} >= {"STRIPE_API_KEY", "SENTRY_DSN", "DJANGO_SECRET_KEY"}

        # --- image repository and logs
        repo = aws.client("ecr").describe_repositories(repositoryNames=[app["ecr_repository_name"]])[
            "repositories"
        ][0]
        assert repo["imageTagMutability"] == "IMMUTABLE"
        assert repo["imageScanningConfiguration"]["scanOnPush"] is True
        assert repo["encryptionConfiguration"]["encryptionType"] == "KMS"
        group = aws.client("logs").describe_log_groups(logGroupNamePrefix=app["log_group_name"])["logGroups"][
            0
        ]
        assert group["retentionInDays"] == 365 and group["kmsKeyId"] == app["kms_key_arn"]

        # --- autoscaling: the configured bounds, CPU and request-count tracking
        aas = aws.client("application-autoscaling")
        (target,) = aas.describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[app["autoscaling_resource_id"]]
        )["ScalableTargets"]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 5)
        policies = aas.describe_scaling_policies(
            ServiceNamespace="ecs", ResourceId=app["autoscaling_resource_id"]
        )
        metrics = sorted(
            p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
                "PredefinedMetricType"
            ]
            for p in policies["ScalingPolicies"]
        )
        assert metrics == ["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]

        # --- the wrapper scales (same bounds, a new count) and the pipeline deploys a new
        # revision: the next plan must leave both alone
        aas.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=app["autoscaling_resource_id"],
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=2,
            MaxCapacity=5,
        )
        ecs.update_service(cluster=app["cluster_name"], service=app["service_name"], desiredCount=4)
        fields = (
            "family",
            "taskRoleArn",
            "executionRoleArn",
            "networkMode",
            "containerDefinitions",
            "volumes",
        )
        template = {k: definition[k] for k in fields}
        template["containerDefinitions"] = [{**web, "image": f"{app['ecr_repository_url']}:v2"}]
        pipeline_revision = ecs.register_task_definition(
            **template,
            requiresCompatibilities=definition["requiresCompatibilities"],
            cpu=definition["cpu"],
            memory=definition["memory"],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.update_service(
            cluster=app["cluster_name"], service=app["service_name"], taskDefinition=pipeline_revision
        )

        code, text = stack.replan()
        assert code == 0, f"the plan wants to undo changes made outside Terraform:\n{text}"
        service = ecs.describe_services(cluster=app["cluster_name"], services=[app["service_name"]])[
            "services"
        ][0]
        assert service["desiredCount"] == 4
        assert service["taskDefinition"] == pipeline_revision

        # --- no secret value in the state: neither the generated key nor one set later
        marker = f"sk_live_{uuid.uuid4().hex}"
        sm.put_secret_value(
            SecretId=secret_arn, SecretString=json.dumps({**values, "STRIPE_API_KEY": marker})
        )
        code, text = stack.replan()
        assert code == 0, text
        state = stack.state_text()
        assert marker not in state
        assert values["DJANGO_SECRET_KEY"] not in state
        assert len(values["DJANGO_SECRET_KEY"]) == 64

        ecs.deregister_task_definition(taskDefinition=pipeline_revision)

    active = aws.client("ecs").list_task_definitions(familyPrefix=NAME, status="ACTIVE")["taskDefinitionArns"]
    assert active == [], f"destroy left active revisions: {active}"


def live_instances(ec2: Any) -> set[str]:
    found = ec2.describe_instances()["Reservations"]
    return {
        i["InstanceId"] for r in found for i in r["Instances"] if i["State"]["Name"] in ("pending", "running")
    }


def test_ec2_capacity_apply(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    name = "zk-ec2"
    ec2, ssm = aws.client("ec2"), aws.client("ssm")
    # Things every real account already has, which the emulator creates on first use and
    # the leftover check would otherwise count as this stack's: AWS's public ECS AMI
    # parameters and the AWS-managed EBS key (aws/ebs).
    parameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    ami = ssm.get_parameter(Name=parameter)["Parameter"]["Value"]
    probe = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)["VolumeId"]
    ec2.delete_volume(VolumeId=probe)
    before = live_instances(ec2)
    with applied(make_root(STACK), aws, {"name": name, "capacity_type": "EC2", "min_count": 1}) as stack:
        out, app = stack.outputs, stack.outputs["app"]
        ecs, asg = aws.client("ecs"), aws.client("autoscaling")

        # the capacity provider: managed scaling and termination protection over the group
        provider_name = f"zonke-{name}-ec2"
        (provider,) = ecs.describe_capacity_providers(capacityProviders=[provider_name])["capacityProviders"]
        group_provider = provider["autoScalingGroupProvider"]
        assert group_provider["managedTerminationProtection"] == "ENABLED"
        assert group_provider["managedScaling"]["status"] == "ENABLED"
        cluster = ecs.describe_clusters(clusters=[app["cluster_name"]])["clusters"][0]
        assert cluster["capacityProviders"] == [provider_name]
        service = ecs.describe_services(cluster=app["cluster_name"], services=[app["service_name"]])[
            "services"
        ][0]
        assert [s["capacityProvider"] for s in service["capacityProviderStrategy"]] == [provider_name]
        assert service["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
        definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        assert definition["requiresCompatibilities"] == ["EC2"]

        # the group: private subnets, instances protected from scale-in (ECS decides which go)
        group_name = group_provider["autoScalingGroupArn"].rsplit("/", 1)[1]
        (group,) = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[group_name])["AutoScalingGroups"]
        assert sorted(group["VPCZoneIdentifier"].split(",")) == sorted(out["private_subnet_ids"])
        assert group["NewInstancesProtectedFromScaleIn"] is True
        assert (group["MinSize"], group["MaxSize"]) == (1, 4)

        # the launch template: ECS-optimized AL2023, IMDSv2 only with one hop, encrypted volume
        template = group["LaunchTemplate"]
        data = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"])[
            "LaunchTemplateVersions"
        ][0]["LaunchTemplateData"]
        assert data["ImageId"] == ami
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert data["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
        (volume,) = data["BlockDeviceMappings"]
        assert volume["Ebs"]["Encrypted"] is True
        assert "NetworkInterfaces" not in data  # no public IP setting: the group's subnets are private
        launched = live_instances(ec2) - before
        assert launched, "the group launched no instance"

    assert live_instances(ec2) - before == set(), "destroy left instances running"
    (gone,) = aws.client("ecs").describe_capacity_providers(capacityProviders=[f"zonke-{name}-ec2"])[
        "capacityProviders"
    ] or [{"status": "INACTIVE"}]
    assert gone["status"] == "INACTIVE"
