"""IAM policy documents in tests: wildcard matching and a simple evaluator.

The evaluator follows IAM's documented order for one identity policy set: an explicit
Deny wins, then any Allow, else the implicit deny
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
Action names match case-insensitively, resource ARNs case-sensitively, `*` and `?` as in
IAM (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
Conditions are not evaluated: a caller passes `conditions=False` to ignore statements that
carry one (what can be done whatever the request says), or leaves them in (what can be done
when the conditions hold); tests that depend on a condition assert on it directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

Statement = dict[str, Any]


@lru_cache(maxsize=4096)
def _pattern(glob: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def iam_match(glob: str, value: str, *, ignore_case: bool = False) -> bool:
    return _pattern(glob, ignore_case).match(value) is not None


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def statements(*docs: dict[str, Any] | str) -> Iterator[Statement]:
    for doc in docs:
        parsed = json.loads(doc) if isinstance(doc, str) else doc
        yield from as_list(parsed["Statement"])


def _applies(st: Statement, action: str, resource: str) -> bool:
    if "NotAction" in st or "NotResource" in st:
        raise AssertionError(f"statement {st.get('Sid')} uses NotAction/NotResource: not evaluated here")
    actions = as_list(st["Action"])
    resources = as_list(st["Resource"])
    return any(iam_match(a, action, ignore_case=True) for a in actions) and any(
        iam_match(r, resource) for r in resources
    )


def decide(
    docs: Iterable[dict[str, Any] | str], action: str, resource: str, *, conditions: bool = True
) -> str:
    """'deny' (explicit), 'allow' or 'implicit' for one request against identity policies."""
    sts = list(statements(*docs))
    if any(
        s["Effect"] == "Deny" and _applies(s, action, resource) and (conditions or "Condition" not in s)
        for s in sts
    ):
        return "deny"
    if any(
        s["Effect"] == "Allow" and _applies(s, action, resource) and (conditions or "Condition" not in s)
        for s in sts
    ):
        return "allow"
    return "implicit"


def allowed(
    docs: Iterable[dict[str, Any] | str], action: str, resource: str, *, conditions: bool = True
) -> bool:
    return decide(list(docs), action, resource, conditions=conditions) == "allow"


def matching(docs: Iterable[dict[str, Any] | str], action: str, resource: str) -> list[Statement]:
    """The Allow statements that grant action on resource (conditions not evaluated)."""
    return [s for s in statements(*docs) if s["Effect"] == "Allow" and _applies(s, action, resource)]


# --- concrete names of a stack, as the modules name its resources ---

ACCOUNT = "123456789012"
REGION = "us-east-1"
GENERATED = "20261202120000000000000001"  # what Terraform appends to a name_prefix: 26 characters


def stack_arns(name: str, account: str = ACCOUNT, region: str = REGION) -> dict[str, tuple[str, str]]:
    """What each kind of resource of a stack named `name` is called: kind -> (action, ARN).

    Names follow the modules (README of each); a change there must be mirrored here, and
    the Infrastructure role's patterns are tested against these."""
    acc = f"{region}:{account}"
    n24 = name[:24]
    path = f"/zonke/{name}/"
    iam = f"arn:aws:iam::{account}"
    return {
        "cluster": ("ecs:DeleteCluster", f"arn:aws:ecs:{acc}:cluster/{name}"),
        "service": ("ecs:UpdateService", f"arn:aws:ecs:{acc}:service/{name}/{name}"),
        "task definition": ("ecs:TagResource", f"arn:aws:ecs:{acc}:task-definition/{name}:3"),
        "migration task definition": (
            "ecs:TagResource",
            f"arn:aws:ecs:{acc}:task-definition/{name}-migrate:3",
        ),
        "worker task definition": (
            "ecs:TagResource",
            f"arn:aws:ecs:{acc}:task-definition/{name}-worker_celery:3",
        ),
        "schedule group": ("scheduler:TagResource", f"arn:aws:scheduler:{acc}:schedule-group/{name}"),
        "schedule": ("scheduler:UpdateSchedule", f"arn:aws:scheduler:{acc}:schedule/{name}/nightly"),
        "schedule failure rule": ("events:PutTargets", f"arn:aws:events:{acc}:rule/{name}-schedule-failed"),
        "schedule alarm": (
            "cloudwatch:PutMetricAlarm",
            f"arn:aws:cloudwatch:{acc}:alarm:{name}-scheduled-job-failed",
        ),
        "schedule failures queue": ("sqs:SetQueueAttributes", f"arn:aws:sqs:{acc}:{name}_schedule-failures"),
        "cache": (
            "elasticache:ModifyReplicationGroup",
            f"arn:aws:elasticache:{acc}:replicationgroup:{name}-cache",
        ),
        "cache node": (
            "elasticache:ListTagsForResource",
            f"arn:aws:elasticache:{acc}:cluster:{name}-cache-002",
        ),
        "cache user": ("elasticache:ModifyUser", f"arn:aws:elasticache:{acc}:user:{name}-cache"),
        "cache user group": (
            "elasticache:ModifyUserGroup",
            f"arn:aws:elasticache:{acc}:usergroup:{name}-cache",
        ),
        "cache parameter group": (
            "elasticache:ModifyCacheParameterGroup",
            f"arn:aws:elasticache:{acc}:parametergroup:{name}-cache",
        ),
        "cache subnet group": (
            "elasticache:DeleteCacheSubnetGroup",
            f"arn:aws:elasticache:{acc}:subnetgroup:{name}-cache",
        ),
        "broker queue": ("sqs:DeleteQueue", f"arn:aws:sqs:{acc}:{name}_celery"),
        "static file": ("s3:PutObject", f"arn:aws:s3:::{name}-static-{account}/static/app.css"),
        "media bucket": ("s3:PutBucketPolicy", f"arn:aws:s3:::{name}-media-{account}"),
        "media file": ("s3:PutObject", f"arn:aws:s3:::{name}-media-{account}/media/a.jpg"),
        "broker dead-letter queue": ("sqs:SetQueueAttributes", f"arn:aws:sqs:{acc}:{name}_celery-dlq"),
        "capacity provider": (
            "ecs:DeleteCapacityProvider",
            f"arn:aws:ecs:{acc}:capacity-provider/zonke-{name}-ec2",
        ),
        "repository": ("ecr:DeleteRepository", f"arn:aws:ecr:{acc}:repository/zonke/{name}"),
        "load balancer": (
            "elasticloadbalancing:DeleteLoadBalancer",
            f"arn:aws:elasticloadbalancing:{acc}:loadbalancer/app/{name}/50dc6c495c0c9188",
        ),
        "target group": (
            "elasticloadbalancing:DeleteTargetGroup",
            f"arn:aws:elasticloadbalancing:{acc}:targetgroup/{name}-3f2a/6d0ecf831eec9f09",
        ),
        "listener": (
            "elasticloadbalancing:DeleteListener",
            f"arn:aws:elasticloadbalancing:{acc}:listener/app/{name}/50dc6c495c0c9188/f2f7dc8efc522ab2",
        ),
        "auto scaling group": (
            "autoscaling:DeleteAutoScalingGroup",
            f"arn:aws:autoscaling:{acc}:autoScalingGroup:0b7d3f4e-1111-2222-3333-444455556666:"
            f"autoScalingGroupName/{name}-ecs-{GENERATED}",
        ),
        "database": ("rds:DeleteDBInstance", f"arn:aws:rds:{acc}:db:{name}"),
        "db subnet group": ("rds:DeleteDBSubnetGroup", f"arn:aws:rds:{acc}:subgrp:{name}"),
        "db parameter group": (
            "rds:DeleteDBParameterGroup",
            f"arn:aws:rds:{acc}:pg:{name}-postgres16-{GENERATED}",
        ),
        "app log group": ("logs:DeleteLogGroup", f"arn:aws:logs:{acc}:log-group:/zonke/{name}/app"),
        "rds log group": (
            "logs:DeleteLogGroup",
            f"arn:aws:logs:{acc}:log-group:/aws/rds/instance/{name}/postgresql",
        ),
        "restart log group": (
            "logs:DeleteLogGroup",
            f"arn:aws:logs:{acc}:log-group:/aws/vendedlogs/states/zonke-{name}-secret-restart",
        ),
        "build log group": (
            "logs:DeleteLogGroup",
            f"arn:aws:logs:{acc}:log-group:/aws/codebuild/{name}-build",
        ),
        "static bucket": ("s3:DeleteBucket", f"arn:aws:s3:::{name}-static-{account}"),
        "artifact bucket": ("s3:DeleteBucket", f"arn:aws:s3:::{n24}-pipeline-{GENERATED}"),
        "artifact": ("s3:PutObject", f"arn:aws:s3:::{n24}-pipeline-{GENERATED}/{name}/source/a.zip"),
        "runner": ("states:DeleteStateMachine", f"arn:aws:states:{acc}:stateMachine:{name}-migrate"),
        "restart machine": (
            "states:DeleteStateMachine",
            f"arn:aws:states:{acc}:stateMachine:zonke-{name}-secret-restart",
        ),
        "restart rule": ("events:DeleteRule", f"arn:aws:events:{acc}:rule/zonke-{name}-secret-restart"),
        "pipeline": ("codepipeline:DeletePipeline", f"arn:aws:codepipeline:{acc}:{name}"),
        "build project": ("codebuild:DeleteProject", f"arn:aws:codebuild:{acc}:project/{name}-build"),
        "infra project": ("codebuild:DeleteProject", f"arn:aws:codebuild:{acc}:project/{name}-infra"),
        "origin secret parameter": (
            "ssm:GetParameter",
            f"arn:aws:ssm:{acc}:parameter/zonke/{name}/cdn/origin-secret",
        ),
        "key alias": ("kms:DeleteAlias", f"arn:aws:kms:{acc}:alias/zonke/{name}/app"),
        "scaling alarm": (
            "cloudwatch:DeleteAlarms",
            f"arn:aws:cloudwatch:{acc}:alarm:TargetTracking-service/{name}/{name}-AlarmHigh-0b7d3f4e",
        ),
        "app secret": (
            "secretsmanager:DescribeSecret",
            f"arn:aws:secretsmanager:{acc}:secret:zonke/{name}/app-AbCdEf",
        ),
        "execution role": ("iam:DeleteRole", f"{iam}:role{path}{n24}-exec-{GENERATED}"),
        "task role": ("iam:TagRole", f"{iam}:role{path}{n24}-task-{GENERATED}"),
        "scheduler role": ("iam:TagRole", f"{iam}:role{path}{n24}-sched-{GENERATED}"),
        "instance profile": (
            "iam:DeleteInstanceProfile",
            f"{iam}:instance-profile{path}{n24}-host-{GENERATED}",
        ),
    }
