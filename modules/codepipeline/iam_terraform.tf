# The Infrastructure stage's role and the stack's permissions boundary.
#
# Whoever can push to the branch acts with the Infrastructure role, so it must not be able
# to leave the stack: every resource pattern names this stack only, every role it creates
# or changes carries the boundary below, and neither its own role and policies nor the
# boundary can be changed by it. Changes to those are applied by a person (`zonke apply`).
#
# Owners: Terraform owns every field of these roles and policies; a person applies changes
# to the Infrastructure role, its policies and the boundary (the pipeline is denied them).
#
# Patterns and siblings: stack names may contain "-", so "<prefix>-*" would match a sibling
# stack "<prefix>-x". Every pattern is an exact name, a name followed by a character that
# no stack name holds ("/" or ":"), or a name_prefix followed by exactly the 26 characters
# Terraform appends (`?` matches one character in IAM:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
# Roles live under an IAM path of their own per stack (`iam_path`).

locals {
  p   = local.prefix
  tag = local.managed_tag
  acc = "${local.region}:${local.account_id}"
  ap  = local.arn_prefix
  iam = "${local.ap}:iam::${local.account_id}"
  n24 = substr(local.p, 0, 24)

  # What Terraform appends to a name_prefix: a 26-character unique suffix.
  gen = join("", [for _ in range(26) : "?"])

  iam_path = coalesce(var.iam_path, "/zonke/${local.p}/")
  # The Infrastructure role, its policies and the boundary: a path nothing of the stack may write.
  protected_path = "${local.iam_path}terraform/"
  boundary_name  = "${local.p}-boundary"
  boundary_arn   = "${local.iam}:policy${local.protected_path}${local.boundary_name}"

  request_tagged  = { test = "StringEquals", variable = "aws:RequestTag/${local.tag.key}", values = [local.tag.value] }
  resource_tagged = { test = "StringEquals", variable = "aws:ResourceTag/${local.tag.key}", values = [local.tag.value] }

  # Each role of the stack, by the name_prefix its module gives it, and the one service it
  # may be passed to (the service its trust policy names).
  # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
  pass_roles = {
    "ecs-tasks.amazonaws.com"      = ["${local.n24}-exec-", "${local.n24}-task-"]
    "ec2.amazonaws.com"            = ["${local.n24}-host-"]
    "vpc-flow-logs.amazonaws.com"  = ["${local.n24}-flowlogs-"]
    "monitoring.rds.amazonaws.com" = ["${substr(local.p, 0, 22)}-rds-mon-"]
    "states.amazonaws.com"         = ["${local.n24}-migrate-", "${local.n24}-restart-"]
    "events.amazonaws.com"         = ["${local.n24}-secret-ev-"]
    "scheduler.amazonaws.com"      = ["${local.n24}-sched-"]
    "codepipeline.amazonaws.com"   = ["${local.n24}-pipeline-"]
    "codebuild.amazonaws.com"      = ["${local.n24}-build-", "${local.n24}-deploy-", "terraform/${local.n24}-terraform-"]
  }

  # AWS-managed policies the modules attach (EC2 container instances, RDS Enhanced
  # Monitoring): the only policies the Infrastructure role may attach to a role.
  attachable_policy_arns = [
    "${local.ap}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    "${local.ap}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
  ]

  restart_name = "zonke-${local.p}-secret-restart"

  # A connection's actions take the service prefix of its ARN (codeconnections, or the
  # older codestar-connections): "the service prefix needs to match that of the resource"
  # https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html
  connection_service = split(":", local.connection_arn)[2]

  iam_role_and_policy_writes = ["iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*"]
  iam_write_actions          = ["iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*", "iam:Upload*"]

  service_linked_roles = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "rds.amazonaws.com", "elasticache.amazonaws.com", "autoscaling.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"]

  # The CodeBuild projects' keys (codebuild.tf), spelled out: the boundary cannot depend on
  # the projects, whose roles carry it. A plan test checks every project matches.
  project_keys = ["infra", "build", "deploy"]

  # Every resource of the stack whose ARN holds its name. One list for the Infrastructure
  # role and the boundary; an ARN only ever matches actions of its own service.
  stack_resources = concat(
    [
      "${local.ap}:ecs:${local.acc}:cluster/${local.p}",
      "${local.ap}:ecs:${local.acc}:service/${local.p}/*",
      "${local.ap}:ecs:${local.acc}:task-definition/${local.p}:*",
      "${local.ap}:ecs:${local.acc}:task-definition/${local.p}-migrate:*",
      "${local.ap}:ecs:${local.acc}:task-definition/${local.p}-worker_*:*",
      "${local.ap}:ecs:${local.acc}:capacity-provider/zonke-${local.p}-ec2",
      "${local.ap}:ecs:${local.acc}:task/${local.p}/*",
      "${local.ap}:ecs:${local.acc}:container-instance/${local.p}/*",
      "${local.ap}:ecr:${local.acc}:repository/zonke/${local.p}",
      "${local.ap}:elasticloadbalancing:${local.acc}:loadbalancer/app/${local.p}/*",
      "${local.ap}:elasticloadbalancing:${local.acc}:targetgroup/${local.p}-????/*",
      "${local.ap}:elasticloadbalancing:${local.acc}:listener/app/${local.p}/*",
      "${local.ap}:elasticloadbalancing:${local.acc}:listener-rule/app/${local.p}/*",
      "${local.ap}:autoscaling:${local.acc}:autoScalingGroup:*:autoScalingGroupName/${local.p}-ecs-${local.gen}",
      "${local.ap}:rds:${local.acc}:db:${local.p}",
      "${local.ap}:logs:${local.acc}:log-group:/zonke/${local.p}/*",
      "${local.ap}:logs:${local.acc}:log-group:/aws/rds/instance/${local.p}/*",
      # The group and its streams (":*"); no other stack's name starts with this one's.
      "${local.ap}:logs:${local.acc}:log-group:/aws/vendedlogs/states/${local.restart_name}*",
      # The static, media and pipeline buckets with their objects, each in one pattern
      # (`<bucket>*`, for the boundary's size): the names end in the account ID or the
      # generation, so no other stack's bucket starts with one of them.
      "${local.ap}:s3:::${local.p}-static-${local.account_id}*",
      "${local.ap}:s3:::${local.p}-media-${local.account_id}*",
      "${local.ap}:s3:::${local.n24}-pipeline-${local.gen}*",
      "${local.ap}:states:${local.acc}:stateMachine:${local.p}-migrate",
      "${local.ap}:states:${local.acc}:execution:${local.p}-migrate:*",
      "${local.ap}:states:${local.acc}:stateMachine:${local.restart_name}",
      "${local.ap}:states:${local.acc}:execution:${local.restart_name}:*",
      "${local.ap}:events:${local.acc}:rule/${local.restart_name}",
      "${local.ap}:codepipeline:${local.acc}:${local.p}",
      "${local.ap}:codepipeline:${local.acc}:${local.p}/*",
      "${local.ap}:ssm:${local.acc}:parameter/zonke/${local.p}/*",
      "${local.ap}:kms:${local.acc}:alias/zonke/${local.p}/*",
      "${local.ap}:cloudwatch:${local.acc}:alarm:TargetTracking-service/${local.p}/${local.p}-*",
      # The migration-task module's lock table.
      "${local.ap}:dynamodb:${local.acc}:table/${local.p}-migration-lock",
      # The sqs-broker module's queues and dead-letter queues (<name>_<queue>[-dlq]): no stack name holds "_".
      "${local.ap}:sqs:${local.acc}:${local.p}_*",
    ],
    flatten([for k in local.project_keys : [
      "${local.ap}:codebuild:${local.acc}:project/${local.p}-${k}",
      "${local.ap}:logs:${local.acc}:log-group:/aws/codebuild/${local.p}-${k}",
      "${local.ap}:logs:${local.acc}:log-group:/aws/codebuild/${local.p}-${k}:*",
    ]]),
  )

  # The services whose resources above the stack manages in full.
  by_name_actions = [
    "ecs:*", "ecr:*", "elasticloadbalancing:*", "autoscaling:*", "rds:*", "logs:*", "s3:*", "states:*",
    "events:*", "codebuild:*", "codepipeline:*", "ssm:*", "kms:*", "cloudwatch:*", "dynamodb:*", "sqs:*",
  ]

  # The alarms module's alarm names after "<name>-" (modules/alarms/alarms.tf), spelled out
  # like project_keys: exact names, so no pattern reaches a sibling stack's alarms.
  alarm_keys = ["http-5xx", "unhealthy-targets", "cpu-high", "memory-high", "db-storage-low", "db-connections-high"]

  # What only the Infrastructure role manages (no role of the app touches it), kept out of
  # the boundary, whose size AWS caps: the alarms module's topic, failure rules and alarms,
  # the database's subnet, parameter and option groups, and the scheduled jobs' schedules,
  # rule and alarm.
  infra_only_resources = concat(
    [
      "${local.ap}:rds:${local.acc}:subgrp:${local.p}",
      "${local.ap}:rds:${local.acc}:pg:${local.p}-postgres*-${local.gen}",
      "${local.ap}:rds:${local.acc}:pg:${local.p}-mysql*-${local.gen}",
      "${local.ap}:rds:${local.acc}:og:default:*",
      "${local.ap}:sns:${local.acc}:${local.p}-alarms",
      "${local.ap}:events:${local.acc}:rule/${local.p}-deploy-failed",
      "${local.ap}:events:${local.acc}:rule/${local.p}-migration-failed",
      # The scheduled-jobs module's group, schedules, failure rule and alarm (its queue is
      # `<name>_schedule-failures`, under the sqs pattern above).
      "${local.ap}:scheduler:${local.acc}:schedule-group/${local.p}",
      "${local.ap}:scheduler:${local.acc}:schedule/${local.p}/*",
      "${local.ap}:events:${local.acc}:rule/${local.p}-schedule-failed",
      "${local.ap}:cloudwatch:${local.acc}:alarm:${local.p}-scheduled-job-failed",
      # The redis-cache module's replication group, its nodes (<id>-001 to -006), users, user
      # group, parameter and subnet groups.
      "${local.ap}:elasticache:${local.acc}:replicationgroup:${local.p}-cache",
      "${local.ap}:elasticache:${local.acc}:cluster:${local.p}-cache-00?",
      "${local.ap}:elasticache:${local.acc}:user:${local.p}-cache",
      "${local.ap}:elasticache:${local.acc}:user:${local.p}-default",
      "${local.ap}:elasticache:${local.acc}:usergroup:${local.p}-cache",
      "${local.ap}:elasticache:${local.acc}:parametergroup:${local.p}-cache",
      "${local.ap}:elasticache:${local.acc}:subnetgroup:${local.p}-cache",
    ],
    [for a in local.alarm_keys : "${local.ap}:cloudwatch:${local.acc}:alarm:${local.p}-${a}"],
  )

  # Secrets: metadata and the writes Terraform makes, and the app secret's first value that
  # `zonke apply` writes after the apply (DescribeSecret, then PutSecretValue; its random
  # password comes from GetRandomPassword below). Never a value: no GetSecretValue
  # (zonke_tf/ops.py: SEED_ACTIONS, seed_generated_secrets).
  secret_write_actions = [
    "secretsmanager:CreateSecret", "secretsmanager:DescribeSecret", "secretsmanager:UpdateSecret",
    "secretsmanager:DeleteSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource",
    "secretsmanager:GetResourcePolicy", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
    "secretsmanager:ValidateResourcePolicy", "secretsmanager:PutSecretValue", "secretsmanager:ListSecretVersionIds",
  ]
}

resource "aws_iam_role" "infra" {
  name_prefix        = "${local.n24}-terraform-"
  path               = local.protected_path
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json

  tags = local.tags
}

# --- state, artifacts and reads ---

data "aws_iam_policy_document" "infra_state" {
  # checkov:skip=CKV_AWS_356:The "*" statements hold read-only Describe/List/Get calls that Terraform's refresh makes, and calls AWS offers no resource-level permission for; no object or secret value reads.
  # checkov:skip=CKV_AWS_111:The only writes on "*" are creations of resources with generated IDs (CloudFront, task definitions) and log delivery, which support no resource-level permissions.
  statement {
    sid       = "ListStateBucket"
    actions   = ["s3:ListBucket"]
    resources = ["${local.ap}:s3:::${var.terraform_state_bucket}"]
  }

  statement {
    sid       = "ReadWriteStateAndLockFile"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.ap}:s3:::${var.terraform_state_bucket}/${var.terraform_state_key}", "${local.ap}:s3:::${var.terraform_state_bucket}/${var.terraform_state_key}.tflock"]
  }

  dynamic "statement" {
    for_each = var.terraform_state_kms_key_arn == null ? [] : [var.terraform_state_kms_key_arn]

    content {
      sid       = "StateKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  statement {
    sid = "ReadForRefresh"
    # Read-only, and AWS forces "*": refresh, data sources and waiters call Describe/List
    # APIs that support no resource-level permissions. No data-plane reads (objects,
    # secret values) are in this list. The provider validates a changed state machine
    # definition at plan time (ValidateStateMachineDefinition: "*" only).
    # https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
    actions = [
      "ec2:Describe*", "ec2:GetManagedPrefixListEntries", "elasticloadbalancing:Describe*", "ecs:Describe*",
      "ecs:List*", "autoscaling:Describe*", "application-autoscaling:Describe*",
      "application-autoscaling:ListTagsForResource", "rds:Describe*", "rds:ListTagsForResource",
      "cloudfront:Get*", "cloudfront:List*", "logs:Describe*",
      "logs:ListTagsForResource", "logs:ListTagsLogGroup", "kms:DescribeKey", "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListResourceTags", "iam:GetRole", "iam:GetRolePolicy",
      "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:GetPolicy",
      "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags", "iam:GetInstanceProfile",
      "iam:ListInstanceProfilesForRole", "iam:ListInstanceProfileTags", "ecr:DescribeRepositories",
      "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource",
      "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecrets", "elasticache:Describe*",
      "states:Describe*", "states:List*", "states:ValidateStateMachineDefinition", "events:Describe*", "events:List*", "codebuild:BatchGetProjects",
      "codepipeline:GetPipeline", "codepipeline:ListTagsForResource", "codestar-connections:GetConnection",
      "codestar-connections:ListTagsForResource", "codeconnections:GetConnection",
      "codeconnections:ListTagsForResource", "s3:ListAllMyBuckets", "ssm:DescribeParameters",
      "cloudwatch:DescribeAlarms", "sts:GetCallerIdentity",
    ]
    resources = ["*"]
  }

  statement {
    sid = "CreateWhatHasNoNameInItsArn"
    # AWS forces "*": these create resources with generated IDs (distributions, origin
    # access controls, cache policies, the media signing key and key group, task
    # definitions; certificates: iam_domain.tf), or support no resource-level
    # permissions (log delivery; random passwords, for the app secret's first value that
    # `zonke apply` writes: it returns a password and touches no resource).
    # https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
    actions = [
      "cloudfront:CreateDistribution*", "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution",
      "cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:CreateOriginAccessControl",
      "cloudfront:UpdateOriginAccessControl", "cloudfront:DeleteOriginAccessControl",
      "cloudfront:CreateCachePolicy", "cloudfront:UpdateCachePolicy", "cloudfront:DeleteCachePolicy",
      "cloudfront:CreatePublicKey", "cloudfront:UpdatePublicKey", "cloudfront:DeletePublicKey",
      "cloudfront:CreateKeyGroup", "cloudfront:UpdateKeyGroup", "cloudfront:DeleteKeyGroup",
      "cloudfront:CreateInvalidation", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:CreateCapacityProvider",
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
      "secretsmanager:GetRandomPassword",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "EcsOptimizedAmiParameter"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = ["${local.ap}:ssm:${local.region}::parameter/aws/service/ecs/*"]
  }

  statement {
    sid       = "UseTheSourceConnection"
    actions   = ["${local.connection_service}:PassConnection", "${local.connection_service}:UseConnection"]
    resources = [local.connection_arn]
  }
}

data "aws_iam_policy_document" "infra_state_and_build" {
  source_policy_documents = [data.aws_iam_policy_document.codebuild_common["infra"].json, data.aws_iam_policy_document.infra_state.json]
}

# --- the stack's resources: by name, or by the stack's tag where the ARN holds no name ---

data "aws_iam_policy_document" "infra_resources" {
  statement {
    sid       = "ManageTheStackResourcesByName"
    actions   = concat(local.by_name_actions, ["sns:*", "scheduler:*", "elasticache:*"])
    resources = concat(local.stack_resources, local.infra_only_resources)
  }
}

data "aws_iam_policy_document" "infra_tagged" {
  # checkov:skip=CKV_AWS_111:Writes on "*" carry a condition: the stack's tag on the request or the resource, or the ECS namespace for Application Auto Scaling (generated IDs, no name in the ARN).
  # checkov:skip=CKV_AWS_356:Same statements: AWS offers no narrower resource for them; every other statement names the stack's resources.
  # checkov:skip=CKV_AWS_109:Key policies of the stack's own keys only (by the stack's tag): Terraform owns them.

  statement {
    sid = "CreateNetworkWithTheStackTag"
    actions = [
      "ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateSecurityGroup", "ec2:CreateRouteTable",
      "ec2:CreateInternetGateway", "ec2:AllocateAddress", "ec2:CreateNatGateway", "ec2:CreateVpcEndpoint",
      "ec2:CreateFlowLogs", "ec2:CreateLaunchTemplate", "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
    ]
    resources = ["*"]

    condition {
      test     = local.request_tagged.test
      variable = local.request_tagged.variable
      values   = local.request_tagged.values
    }
  }

  statement {
    sid       = "TagOnCreate"
    actions   = ["ec2:CreateTags"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "ec2:CreateAction"
      values   = ["Create*", "AllocateAddress", "Authorize*"]
    }
  }

  statement {
    sid = "ChangeOnlyTaggedNetwork"
    actions = [
      "ec2:Delete*", "ec2:Modify*", "ec2:Associate*", "ec2:Disassociate*", "ec2:Attach*", "ec2:Detach*",
      "ec2:Authorize*", "ec2:Revoke*", "ec2:Replace*", "ec2:CreateRoute", "ec2:CreateTags", "ec2:DeleteTags",
      "ec2:ReleaseAddress", "ec2:UpdateSecurityGroupRuleDescriptions*", "ec2:CreateVpcEndpoint",
      "ec2:CreateSubnet", "ec2:CreateNatGateway", "ec2:CreateFlowLogs", "ec2:CreateLaunchTemplateVersion",
      "ec2:RunInstances",
    ]
    resources = ["*"]

    condition {
      test     = local.resource_tagged.test
      variable = local.resource_tagged.variable
      values   = local.resource_tagged.values
    }
  }

  statement {
    sid = "ServiceAutoScaling"
    # AWS forces "*": scalable targets and policies have generated IDs; they act only on
    # the ECS services named above.
    actions   = ["application-autoscaling:*"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "application-autoscaling:service-namespace"
      values   = ["ecs"]
    }
  }

  statement {
    sid = "CreateKeysWithTheStackTag"
    # AWS forces "*" for CreateKey: the key does not exist yet; the tag is required.
    actions   = ["kms:CreateKey", "kms:TagResource"]
    resources = ["*"]

    condition {
      test     = local.request_tagged.test
      variable = local.request_tagged.variable
      values   = local.request_tagged.values
    }
  }

  statement {
    sid       = "ManageOnlyTaggedKeys"
    actions   = ["kms:*"]
    resources = ["${local.ap}:kms:${local.acc}:key/*"]

    condition {
      test     = local.resource_tagged.test
      variable = local.resource_tagged.variable
      values   = local.resource_tagged.values
    }
  }

  statement {
    sid       = "SecretsOfTheStack"
    actions   = local.secret_write_actions
    resources = ["${local.ap}:secretsmanager:${local.acc}:secret:zonke/${local.p}/*"]
  }

  # RDS keeps a managed master password in a secret it names rds!db-<id>, with no app name:
  # RDS creates it on the caller's behalf; afterwards only the secrets of the stack's
  # database may be changed (by the tag RDS puts on them). Never their value.
  statement {
    sid       = "RdsCreatesItsMasterSecret"
    actions   = ["secretsmanager:CreateSecret", "secretsmanager:TagResource"]
    resources = ["${local.ap}:secretsmanager:${local.acc}:secret:rds!*"]
  }

  statement {
    sid       = "RdsMasterSecretOfTheStackDatabase"
    actions   = ["secretsmanager:DescribeSecret", "secretsmanager:DeleteSecret", "secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret", "secretsmanager:UpdateSecret"]
    resources = ["${local.ap}:secretsmanager:${local.acc}:secret:rds!*"]

    condition {
      test     = "StringEquals"
      variable = "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn"
      values   = ["${local.ap}:rds:${local.acc}:db:${local.p}"]
    }
  }
}

# --- IAM: roles of the stack only, only inside the boundary ---

data "aws_iam_policy_document" "infra_iam" {
  # Role writes only with the stack's boundary attached: the iam:PermissionsBoundary key
  # https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
  statement {
    sid       = "RoleWritesOnlyWithTheBoundary"
    actions   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"]
    resources = ["${local.iam}:role${local.iam_path}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid       = "AttachOnlyTheKnownPoliciesWithTheBoundary"
    actions   = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = ["${local.iam}:role${local.iam_path}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }

    condition {
      test     = "ArnEquals"
      variable = "iam:PolicyARN"
      values   = local.attachable_policy_arns
    }
  }

  statement {
    sid       = "ChangeRolesOfTheStack"
    actions   = ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:TagRole", "iam:UntagRole"]
    resources = ["${local.iam}:role${local.iam_path}*"]
  }

  statement {
    sid = "InstanceProfilesOfTheStack"
    actions = [
      "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile",
    ]
    resources = ["${local.iam}:instance-profile${local.iam_path}*"]
  }

  dynamic "statement" {
    for_each = local.pass_roles

    content {
      sid       = "PassTo${replace(title(replace(split(".", statement.key)[0], "-", " ")), " ", "")}"
      actions   = ["iam:PassRole"]
      resources = [for r in statement.value : "${local.iam}:role${local.iam_path}${r}${local.gen}"]

      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = [statement.key]
      }
    }
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.iam}:role/aws-service-role/*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = local.service_linked_roles
    }
  }
}

# --- guard rails of the Infrastructure role ---

data "aws_iam_policy_document" "guard" {
  statement {
    sid       = "NeverWriteTheProtectedPath"
    effect    = "Deny"
    actions   = local.iam_role_and_policy_writes
    resources = ["${local.iam}:role${local.protected_path}*", "${local.iam}:policy${local.protected_path}*"]
  }

  statement {
    sid       = "NeverLeaveTheBoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  statement {
    sid       = "NeverCreateOrReboundARoleWithoutTheBoundary"
    effect    = "Deny"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid       = "NeverGrantTheBoundaryAsPermissions"
    effect    = "Deny"
    actions   = ["iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "iam:PolicyARN"
      values   = [local.boundary_arn]
    }
  }

  # Trust policies are fixed by Terraform at creation; a change is applied by a person.
  statement {
    sid       = "NeverChangeATrustPolicy"
    effect    = "Deny"
    actions   = ["iam:UpdateAssumeRolePolicy"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "infra_guard" {
  source_policy_documents = [data.aws_iam_policy_document.infra_iam.json, data.aws_iam_policy_document.guard.json]

  # The app's roles read the app's secrets; Terraform never does.
  statement {
    sid       = "NeverReadASecretValue"
    effect    = "Deny"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
  }
}

# --- the boundary: the most any role of the stack can ever do ---
#
# Every role of the stack carries it, except the Infrastructure role: that role's job is to
# write the stack's roles, which the boundary forbids. Its ceiling is its own policies,
# which nothing of the stack can change (guard above). The boundary holds what the stack's
# other roles do at run time, on the stack's resources only, and no IAM write: a role a
# push creates or changes gets no more than the app already has, and can write no role.

data "aws_iam_policy_document" "boundary" {
  # checkov:skip=CKV_AWS_356:A boundary grants nothing: it caps each role's own scoped policies; its "*" statement holds calls with no resource-level permissions (ECS agent, ECR login, Session Manager channels, X-Ray, log delivery).
  # checkov:skip=CKV_AWS_111:Same: the writes on "*" are those calls; everything else names the stack's resources or carries the stack's tag.
  statement {
    sid       = "StackByName"
    actions   = local.by_name_actions
    resources = local.stack_resources
  }

  statement {
    sid       = "StackKeys"
    actions   = ["kms:*"]
    resources = ["${local.ap}:kms:${local.acc}:key/*"]

    condition {
      test     = local.resource_tagged.test
      variable = local.resource_tagged.variable
      values   = local.resource_tagged.values
    }
  }

  statement {
    sid       = "StackSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["${local.ap}:secretsmanager:${local.acc}:secret:zonke/${local.p}/*"]
  }

  statement {
    sid       = "StackDbSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["${local.ap}:secretsmanager:${local.acc}:secret:rds!*"]

    condition {
      test     = "StringEquals"
      variable = "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn"
      values   = ["${local.ap}:rds:${local.acc}:db:${local.p}"]
    }
  }

  # The app's tasks sign in to the cache with their role (IAM authentication): the
  # replication group and the user, which the redis-cache module gives the same name.
  statement {
    sid       = "Cache"
    actions   = ["elasticache:Connect"]
    resources = ["${local.ap}:elasticache:${local.acc}:*:${local.p}-cache"]
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = ["${local.iam}:role${local.iam_path}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "UseSourceConnection"
    actions   = ["${local.connection_service}:UseConnection"]
    resources = [local.connection_arn]
  }

  # Calls AWS gives no resource-level permissions for, and RegisterScalableTarget, whose
  # target ARN holds a generated ID (the Deploy role holds it to ECS desired counts). Short
  # statement IDs throughout: AWS caps a managed policy at 6,144 characters.
  statement {
    sid = "UnscopedCalls"
    actions = [
      "ecr:GetAuthorizationToken", "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:StartTelemetrySession", "application-autoscaling:DescribeScalableTargets",
      "application-autoscaling:RegisterScalableTarget",
      "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTasks", "ec2:DescribeTags",
      "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
      "xray:GetSamplingRules", "xray:GetSamplingTargets", "logs:DescribeLogGroups", "logs:CreateLogDelivery",
      "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
      "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "cloudfront:CreateInvalidation",
    ]
    resources = ["*"]
  }

  statement {
    sid     = "ManagedRulesAndMetrics"
    actions = ["events:PutTargets", "events:PutRule", "events:DescribeRule", "logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [
      "${local.ap}:events:${local.acc}:rule/StepFunctionsGetEventsForECSTaskRule",
      "${local.ap}:logs:${local.acc}:log-group:RDSOSMetrics",
      "${local.ap}:logs:${local.acc}:log-group:RDSOSMetrics:log-stream:*",
    ]
  }

  statement {
    sid       = "NoIamWrite"
    effect    = "Deny"
    actions   = local.iam_write_actions
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  path        = local.protected_path
  description = "Permissions boundary of every role of ${local.p}: the stack's own resources only"
  policy      = data.aws_iam_policy_document.boundary.json

  tags = local.tags
}

locals {
  infra_policies = merge(
    {
      state     = data.aws_iam_policy_document.infra_state_and_build.json
      resources = data.aws_iam_policy_document.infra_resources.json
      tagged    = data.aws_iam_policy_document.infra_tagged.json
      iam       = data.aws_iam_policy_document.infra_guard.json
    },
    # Only with a custom domain (iam_domain.tf).
    var.domain_name == null ? {} : { domain = data.aws_iam_policy_document.infra_domain[0].json },
  )
}

# Managed policies, not inline: together they exceed the 10 KB a role's inline policies
# may hold, and each stays under the 6 KB a managed policy may hold.
resource "aws_iam_policy" "infra" {
  for_each = local.infra_policies

  name        = "${local.p}-terraform-${each.key}"
  path        = local.protected_path
  description = "Terraform stage of ${var.name}: ${each.key}"
  policy      = each.value

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "infra" {
  for_each = local.infra_policies

  role       = aws_iam_role.infra.name
  policy_arn = aws_iam_policy.infra[each.key].arn
}
