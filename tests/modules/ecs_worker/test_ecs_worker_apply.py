"""Apply modules/ecs-worker against the emulator, into a VPC and cluster made with boto3.

Checked with boto3: the service has no load balancer and runs in the given private subnets
with no public IP and its own security group, which has no inbound rule and the listed
outbound ones; the task definition runs the command with the contract and the stop timeout;
the autoscaling target has the configured bounds and a CPU policy. The harness then
re-plans (no changes), destroys, and checks nothing of the module is left.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.modules.ecs_worker.common import COMMAND, base_vars
from tests.support import applied

pytestmark = pytest.mark.apply


def test_worker_apply(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    ec2, ecs = aws.client("ec2"), aws.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"us-east-1{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("ab")
    ]
    database = ec2.create_security_group(GroupName="zk-db", Description="db", VpcId=vpc)["GroupId"]
    cluster = ecs.create_cluster(clusterName="shop-prod")["cluster"]["clusterArn"]
    variables = base_vars(
        cluster_arn=cluster,
        vpc_id=vpc,
        private_subnet_ids=subnets,
        min_count=1,
        max_count=3,
        stop_timeout=90,
        egress_rules={
            "database": {
                "description": "The database",
                "port": 5432,
                "referenced_security_group_id": database,
            }
        },
    )
    with applied(make_root("modules/ecs-worker"), aws, variables) as stack:
        out = stack.outputs
        [svc] = ecs.describe_services(cluster="shop-prod", services=[out["service_name"]])["services"]
        assert svc["loadBalancers"] == []
        net = svc["networkConfiguration"]["awsvpcConfiguration"]
        assert sorted(net["subnets"]) == sorted(subnets) and net["assignPublicIp"] == "DISABLED"
        assert net["securityGroups"] == [out["security_group_id"]]
        assert svc["desiredCount"] == 1
        assert svc["deploymentConfiguration"]["deploymentCircuitBreaker"] == {
            "enable": True,
            "rollback": True,
        }

        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [out["security_group_id"]]}]
        )["SecurityGroupRules"]
        assert [r for r in rules if not r["IsEgress"]] == []
        egress = {(r["FromPort"], r.get("CidrIpv4") or r["ReferencedGroupInfo"]["GroupId"]) for r in rules}
        assert egress == {(443, "0.0.0.0/0"), (5432, database)}

        td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
        assert td["family"] == out["task_definition_family"] == "shop-prod-worker_celery"
        [container] = td["containerDefinitions"]
        assert container["name"] == out["container_name"] == "worker"
        assert container["command"] == COMMAND and container["stopTimeout"] == 90
        assert {e["name"] for e in container["environment"]} == {"DJANGO_SETTINGS_MODULE"}
        assert {s["name"] for s in container["secrets"]} == {"DB_USER"}

        scaling = aws.client("application-autoscaling")
        [target] = scaling.describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[out["autoscaling_resource_id"]]
        )["ScalableTargets"]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 3)
        [policy] = scaling.describe_scaling_policies(
            ServiceNamespace="ecs", ResourceId=out["autoscaling_resource_id"]
        )["ScalingPolicies"]
        metric = policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
        assert metric["PredefinedMetricType"] == "ECSServiceAverageCPUUtilization"
