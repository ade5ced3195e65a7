"""Apply a root against the emulator, hand the test a boto3 session, then prove the round trip.

``applied(root, emulator, variables)`` is a context manager:

1. snapshot what the emulator holds, then ``terraform apply``;
2. yield an :class:`AppliedStack` (outputs, state, boto3 session on the emulator);
3. on a clean exit: ``terraform plan -detailed-exitcode`` must report no changes
   (:class:`ReplanError` otherwise), ``terraform destroy`` must leave the state empty,
   and a new snapshot must hold nothing the apply created (:class:`LeftoverError`).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .plan import TerraformRoot


class ReplanError(AssertionError):
    pass


class LeftoverError(AssertionError):
    pass


# What "everything in the emulator" means for the leftover check: one lister per kind of
# resource the modules create, each returning stable identifiers.
def _ids(items: list[dict[str, Any]], key: str) -> list[str]:
    return sorted(str(i[key]) for i in items)


Lister = Callable[[Any], list[str]]

LISTERS: dict[str, Lister] = {
    "ec2.vpcs": lambda s: _ids(s.client("ec2").describe_vpcs()["Vpcs"], "VpcId"),
    "ec2.subnets": lambda s: _ids(s.client("ec2").describe_subnets()["Subnets"], "SubnetId"),
    "ec2.route_tables": lambda s: _ids(
        s.client("ec2").describe_route_tables()["RouteTables"], "RouteTableId"
    ),
    "ec2.internet_gateways": lambda s: _ids(
        s.client("ec2").describe_internet_gateways()["InternetGateways"], "InternetGatewayId"
    ),
    "ec2.nat_gateways": lambda s: _ids(
        [
            n
            for n in s.client("ec2").describe_nat_gateways()["NatGateways"]
            if n["State"] not in ("deleted", "deleting")
        ],
        "NatGatewayId",
    ),
    "ec2.addresses": lambda s: _ids(s.client("ec2").describe_addresses()["Addresses"], "AllocationId"),
    "ec2.security_groups": lambda s: _ids(
        s.client("ec2").describe_security_groups()["SecurityGroups"], "GroupId"
    ),
    "ec2.vpc_endpoints": lambda s: _ids(
        [
            e
            for e in s.client("ec2").describe_vpc_endpoints()["VpcEndpoints"]
            if e["State"].lower() not in ("deleted", "deleting")
        ],
        "VpcEndpointId",
    ),
    "ec2.flow_logs": lambda s: _ids(s.client("ec2").describe_flow_logs()["FlowLogs"], "FlowLogId"),
    "logs.log_groups": lambda s: _ids(s.client("logs").describe_log_groups()["logGroups"], "logGroupName"),
    "iam.roles": lambda s: _ids(s.client("iam").list_roles()["Roles"], "RoleName"),
    "iam.policies": lambda s: _ids(s.client("iam").list_policies(Scope="Local")["Policies"], "Arn"),
    "kms.enabled_keys": lambda s: sorted(
        k["KeyId"]
        for k in s.client("kms").list_keys()["Keys"]
        if (meta := s.client("kms").describe_key(KeyId=k["KeyId"])["KeyMetadata"])["KeyState"]
        not in ("PendingDeletion",)
        and meta.get("KeyManager") != "AWS"  # AWS-managed keys (aws/ebs...) appear on first use
    ),
    "kms.aliases": lambda s: _ids(
        [a for a in s.client("kms").list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")],
        "AliasName",
    ),
    "s3.buckets": lambda s: _ids(s.client("s3").list_buckets()["Buckets"], "Name"),
    "secretsmanager.secrets": lambda s: _ids(s.client("secretsmanager").list_secrets()["SecretList"], "ARN"),
    "elbv2.load_balancers": lambda s: _ids(
        s.client("elbv2").describe_load_balancers()["LoadBalancers"], "LoadBalancerArn"
    ),
    "elbv2.target_groups": lambda s: _ids(
        s.client("elbv2").describe_target_groups()["TargetGroups"], "TargetGroupArn"
    ),
    "ecs.clusters": lambda s: sorted(
        c["clusterArn"]
        for c in s.client("ecs").describe_clusters(
            clusters=s.client("ecs").list_clusters()["clusterArns"] or ["none"]
        )["clusters"]
        if c.get("status") == "ACTIVE"
    ),
    "ecs.services": lambda s: sorted(
        svc["serviceArn"]
        for cluster in s.client("ecs").list_clusters()["clusterArns"]
        for arns in [s.client("ecs").list_services(cluster=cluster)["serviceArns"]]
        if arns
        for svc in s.client("ecs").describe_services(cluster=cluster, services=arns[:10])["services"]
        if svc.get("status") == "ACTIVE"
    ),
    "dynamodb.tables": lambda s: sorted(s.client("dynamodb").list_tables()["TableNames"]),
    "sqs.queues": lambda s: sorted(s.client("sqs").list_queues().get("QueueUrls", [])),
    "scheduler.schedule_groups": lambda s: sorted(
        g["Name"]
        for g in s.client("scheduler").list_schedule_groups()["ScheduleGroups"]
        if g["Name"] != "default"
    ),
    "scheduler.schedules": lambda s: sorted(
        f"{x['GroupName']}/{x['Name']}" for x in s.client("scheduler").list_schedules()["Schedules"]
    ),
    "ecr.repositories": lambda s: _ids(
        s.client("ecr").describe_repositories()["repositories"], "repositoryArn"
    ),
    "rds.db_instances": lambda s: _ids(
        s.client("rds").describe_db_instances()["DBInstances"], "DBInstanceIdentifier"
    ),
    "rds.db_subnet_groups": lambda s: _ids(
        s.client("rds").describe_db_subnet_groups()["DBSubnetGroups"], "DBSubnetGroupName"
    ),
    "rds.db_parameter_groups": lambda s: _ids(
        [
            g
            for g in s.client("rds").describe_db_parameter_groups()["DBParameterGroups"]
            if not g["DBParameterGroupName"].startswith("default.")
        ],
        "DBParameterGroupName",
    ),
    "elasticache.replication_groups": lambda s: _ids(
        s.client("elasticache").describe_replication_groups()["ReplicationGroups"], "ReplicationGroupId"
    ),
    "elasticache.cache_subnet_groups": lambda s: _ids(
        s.client("elasticache").describe_cache_subnet_groups()["CacheSubnetGroups"], "CacheSubnetGroupName"
    ),
    "elasticache.users": lambda s: _ids(s.client("elasticache").describe_users()["Users"], "UserId"),
    "elasticache.user_groups": lambda s: _ids(
        s.client("elasticache").describe_user_groups()["UserGroups"], "UserGroupId"
    ),
    "elasticache.cache_parameter_groups": lambda s: _ids(
        [
            g
            for g in s.client("elasticache").describe_cache_parameter_groups()["CacheParameterGroups"]
            if not g["CacheParameterGroupName"].startswith("default.")
        ],
        "CacheParameterGroupName",
    ),
    "cloudfront.distributions": lambda s: _ids(
        s.client("cloudfront").list_distributions()["DistributionList"].get("Items", []), "Id"
    ),
    "cloudfront.origin_access_controls": lambda s: _ids(
        s.client("cloudfront").list_origin_access_controls()["OriginAccessControlList"].get("Items", []), "Id"
    ),
    "cloudfront.public_keys": lambda s: _ids(
        s.client("cloudfront").list_public_keys()["PublicKeyList"].get("Items", []), "Id"
    ),
    "cloudfront.key_groups": lambda s: [
        g["KeyGroup"]["Id"] for g in s.client("cloudfront").list_key_groups()["KeyGroupList"].get("Items", [])
    ],
    "ssm.parameters": lambda s: sorted(
        p["Name"]
        for page in s.client("ssm").get_paginator("describe_parameters").paginate()
        for p in page["Parameters"]
        if not p["Name"].startswith("/aws/")  # AWS's public parameters appear on first read
    ),
    "events.rules": lambda s: _ids(s.client("events").list_rules()["Rules"], "Arn"),
    "sns.topics": lambda s: _ids(s.client("sns").list_topics()["Topics"], "TopicArn"),
    "cloudwatch.alarms": lambda s: sorted(
        a["AlarmName"]
        for kind in ("MetricAlarms", "CompositeAlarms")
        for a in s.client("cloudwatch").describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])[kind]
    ),
    "sfn.state_machines": lambda s: _ids(
        s.client("stepfunctions").list_state_machines()["stateMachines"], "stateMachineArn"
    ),
    "codepipeline.pipelines": lambda s: _ids(s.client("codepipeline").list_pipelines()["pipelines"], "name"),
    "codebuild.projects": lambda s: sorted(s.client("codebuild").list_projects()["projects"]),
    "autoscaling.groups": lambda s: _ids(
        s.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"],
        "AutoScalingGroupName",
    ),
    "ec2.launch_templates": lambda s: _ids(
        s.client("ec2").describe_launch_templates()["LaunchTemplates"], "LaunchTemplateId"
    ),
    "appautoscaling.targets": lambda s: _ids(
        s.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
            "ScalableTargets"
        ],
        "ResourceId",
    ),
}


def snapshot(session: Any) -> dict[str, list[str]]:
    """Identifiers of everything the emulator holds, by kind."""
    return {name: lister(session) for name, lister in LISTERS.items()}


def leftovers(before: Mapping[str, list[str]], after: Mapping[str, list[str]]) -> dict[str, list[str]]:
    out = {}
    for kind, ids in after.items():
        new = sorted(set(ids) - set(before.get(kind, [])))
        if new:
            out[kind] = new
    return out


@dataclass
class AppliedStack:
    root: TerraformRoot
    session: Any
    outputs: dict[str, Any]

    def state(self) -> dict[str, Any]:
        """The state as ``terraform show -json`` prints it."""
        out = self.root.tf.execute_command("show", "-json", "-no-color").out
        return dict(json.loads(out))

    def state_text(self) -> str:
        """The raw state file, as it sits on disk (for secret-leak checks)."""
        return (self.root.dir / "terraform.tfstate").read_text()

    def replan(self, variables: Mapping[str, Any] | None = None) -> tuple[int, str]:
        """``terraform plan -detailed-exitcode``: (exit code, text). 0: no changes; 2: changes."""
        if variables is not None:
            self.root.write_vars(variables)
        proc = subprocess.run(
            [self.root.tf_env.binary, "plan", "-detailed-exitcode", "-input=false", "-no-color"],
            cwd=self.root.dir,
            env=self.root.env,
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.returncode, proc.stdout + proc.stderr


def assert_no_changes(stack: AppliedStack) -> None:
    code, text = stack.replan()
    if code == 2:
        raise ReplanError(f"re-plan after apply wants changes:\n{text}")
    if code != 0:
        raise ReplanError(f"re-plan after apply failed (exit {code}):\n{text}")


@contextlib.contextmanager
def applied(
    root: TerraformRoot,
    session: Any,
    variables: Mapping[str, Any] | None = None,
    check_replan: bool = True,
) -> Iterator[AppliedStack]:
    """Apply ``root`` against the emulator and undo it afterwards (see the module docstring)."""
    before = snapshot(session)
    root.init()
    root.write_vars(variables)
    stack = AppliedStack(root=root, session=session, outputs={})
    try:
        root.tf.apply(color=False)
        stack.outputs = _outputs(root)
        yield stack
        if check_replan:
            assert_no_changes(stack)
    finally:
        root.tf.destroy(color=False)
    remaining = root.tf.execute_command("state", "list").out.strip()
    if remaining:
        raise LeftoverError(f"terraform destroy left resources in the state:\n{remaining}")
    left = leftovers(before, snapshot(session))
    if left:
        raise LeftoverError(f"destroy left resources in the emulator: {left}")


def _outputs(root: TerraformRoot) -> dict[str, Any]:
    out = root.tf.execute_command("output", "-json", "-no-color").out
    return {k: v.get("value") for k, v in json.loads(out or "{}").items()}
