# The Infrastructure stage's role: it runs `terraform apply` of the app's stack, so it
# manages the app's own resources. Scoped by name prefix where the ARN holds a name, and
# by the managed tag where it does not; "*" only for reads and where AWS forces it (each
# said inline). Whoever can push to the branch acts with this role: protect the branch.

locals {
  p   = local.prefix
  tag = local.managed_tag
  acc = "${local.region}:${local.account_id}"
  ap  = local.arn_prefix

  request_tagged  = { test = "StringEquals", variable = "aws:RequestTag/${local.tag.key}", values = [local.tag.value] }
  resource_tagged = { test = "StringEquals", variable = "aws:ResourceTag/${local.tag.key}", values = [local.tag.value] }
}

resource "aws_iam_role" "infra" {
  name_prefix        = "${substr(var.name, 0, 24)}-terraform-"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json

  tags = local.tags
}

data "aws_iam_policy_document" "infra_state" {
  # checkov:skip=CKV_AWS_356:The "*" statement holds read-only Describe/List/Get calls that Terraform's refresh makes across the app's services; no object or secret value reads.
  source_policy_documents = [data.aws_iam_policy_document.codebuild_common["infra"].json]

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
    # Read-only, and AWS forces "*": Terraform's refresh and data sources call Describe/List
    # APIs that support no resource-level permissions. No data-plane reads (objects,
    # secret values) are in this list.
    actions = [
      "ec2:Describe*", "elasticloadbalancing:Describe*", "ecs:Describe*", "ecs:List*",
      "autoscaling:Describe*", "application-autoscaling:Describe*", "application-autoscaling:ListTagsForResource",
      "rds:Describe*", "rds:ListTagsForResource", "cloudfront:Get*", "cloudfront:List*",
      "acm:Describe*", "acm:List*", "logs:Describe*", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
      "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListResourceTags",
      "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetPolicy",
      "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:GetInstanceProfile", "iam:ListInstanceProfilesForRole",
      "ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource",
      "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecrets",
      "states:Describe*", "states:List*", "events:Describe*", "events:List*", "codebuild:BatchGetProjects",
      "codepipeline:GetPipeline", "codepipeline:ListTagsForResource", "codestar-connections:GetConnection",
      "codestar-connections:ListTagsForResource", "codeconnections:GetConnection", "codeconnections:ListTagsForResource",
      "s3:ListAllMyBuckets", "sts:GetCallerIdentity",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "EcsOptimizedAmiParameter"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = ["${local.ap}:ssm:${local.acc}::parameter/aws/service/ecs/*"]
  }
}

# Network and compute: VPC resources by tag; ECS, ECR, load balancers, Auto Scaling by name.
data "aws_iam_policy_document" "infra_compute" {
  statement {
    sid = "CreateNetworkWithTheAppTag"
    actions = [
      "ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateSecurityGroup", "ec2:CreateRouteTable",
      "ec2:CreateInternetGateway", "ec2:AllocateAddress", "ec2:CreateNatGateway", "ec2:CreateVpcEndpoint",
      "ec2:CreateFlowLogs", "ec2:CreateLaunchTemplate", "ec2:CreateSecurityGroupRule",
      "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
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
      "ec2:CreateSubnet", "ec2:CreateNatGateway", "ec2:CreateFlowLogs", "ec2:RunInstances",
    ]
    resources = ["*"]

    condition {
      test     = local.resource_tagged.test
      variable = local.resource_tagged.variable
      values   = local.resource_tagged.values
    }
  }

  statement {
    sid     = "EcsByName"
    actions = ["ecs:*"]
    resources = [
      "${local.ap}:ecs:${local.acc}:cluster/${local.p}*",
      "${local.ap}:ecs:${local.acc}:service/${local.p}*",
      "${local.ap}:ecs:${local.acc}:task-definition/${local.p}*",
      "${local.ap}:ecs:${local.acc}:capacity-provider/zonke-${local.p}*",
      "${local.ap}:ecs:${local.acc}:task/${local.p}*",
    ]
  }

  statement {
    sid = "EcsTaskDefinitions"
    # AWS forces "*": RegisterTaskDefinition and DeregisterTaskDefinition support no
    # resource-level permissions.
    actions   = ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:CreateCapacityProvider"]
    resources = ["*"]
  }

  statement {
    sid     = "EcrByName"
    actions = ["ecr:*"]
    resources = [
      "${local.ap}:ecr:${local.acc}:repository/${local.p}*",
      "${local.ap}:ecr:${local.acc}:repository/zonke/${local.p}*",
    ]
  }

  statement {
    sid     = "LoadBalancersByName"
    actions = ["elasticloadbalancing:*"]
    resources = [
      "${local.ap}:elasticloadbalancing:${local.acc}:loadbalancer/app/${local.p}*",
      "${local.ap}:elasticloadbalancing:${local.acc}:targetgroup/${local.p}*",
      "${local.ap}:elasticloadbalancing:${local.acc}:listener/app/${local.p}*",
      "${local.ap}:elasticloadbalancing:${local.acc}:listener-rule/app/${local.p}*",
    ]
  }

  statement {
    sid       = "AutoScalingGroupsByName"
    actions   = ["autoscaling:*"]
    resources = ["${local.ap}:autoscaling:${local.acc}:autoScalingGroup:*:autoScalingGroupName/${local.p}*"]
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
}

# Data, edge and delivery: RDS, secrets, keys, logs, buckets, CloudFront, IAM, the pipeline.
data "aws_iam_policy_document" "infra_app" {
  # checkov:skip=CKV_AWS_111:Writes on "*" are CreateKey/TagResource (only with the app tag), CloudFront and ACM creation (generated IDs, no name in the ARN) and log delivery (no resource-level permissions).
  # checkov:skip=CKV_AWS_356:Same statements: AWS offers no narrower resource for them; every other statement is scoped by name prefix or the app tag.
  statement {
    sid     = "DatabaseByName"
    actions = ["rds:*"]
    resources = [
      "${local.ap}:rds:${local.acc}:db:${local.p}*",
      "${local.ap}:rds:${local.acc}:cluster:${local.p}*",
      "${local.ap}:rds:${local.acc}:subgrp:${local.p}*",
      "${local.ap}:rds:${local.acc}:pg:${local.p}*",
      "${local.ap}:rds:${local.acc}:cluster-pg:${local.p}*",
      "${local.ap}:rds:${local.acc}:og:${local.p}*",
    ]
  }

  statement {
    sid     = "SecretsByName"
    actions = ["secretsmanager:*"]
    resources = [
      "${local.ap}:secretsmanager:${local.acc}:secret:${local.p}*",
      "${local.ap}:secretsmanager:${local.acc}:secret:zonke/${local.p}*",
    ]
  }

  # RDS keeps a managed master password in a secret it names rds!db-<id>, with no app name:
  # RDS creates it on the caller's behalf; afterwards only the app's databases' secrets may
  # be changed (by the tag RDS puts on them). Never its value.
  statement {
    sid       = "RdsCreatesItsMasterSecret"
    actions   = ["secretsmanager:CreateSecret", "secretsmanager:TagResource"]
    resources = ["${local.ap}:secretsmanager:${local.acc}:secret:rds!*"]
  }

  statement {
    sid       = "RdsMasterSecretsOfTheAppDatabases"
    actions   = ["secretsmanager:DescribeSecret", "secretsmanager:DeleteSecret", "secretsmanager:RotateSecret", "secretsmanager:UpdateSecret"]
    resources = ["${local.ap}:secretsmanager:${local.acc}:secret:rds!*"]

    condition {
      test     = "StringLike"
      variable = "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn"
      values   = ["${local.ap}:rds:${local.acc}:db:${local.p}*"]
    }
  }

  statement {
    sid = "CreateKeysWithTheAppTag"
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
    sid       = "KeyAliasesByName"
    actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = ["${local.ap}:kms:${local.acc}:alias/zonke/${local.p}*"]
  }

  statement {
    sid     = "LogGroupsByName"
    actions = ["logs:*"]
    resources = [
      "${local.ap}:logs:${local.acc}:log-group:/zonke/${local.p}*",
      "${local.ap}:logs:${local.acc}:log-group:/aws/codebuild/${local.p}*",
      "${local.ap}:logs:${local.acc}:log-group:/aws/ecs/${local.p}*",
    ]
  }

  statement {
    sid     = "BucketsByName"
    actions = ["s3:*"]
    resources = [
      "${local.ap}:s3:::${local.p}*",
      "${local.ap}:s3:::${local.p}*/*",
    ]
  }

  statement {
    sid = "CloudFrontAndCertificates"
    # AWS forces "*": distributions, origin access controls, cache policies and
    # certificates have generated IDs and no name in their ARN. Certificates must carry the
    # app's tag.
    actions = [
      "cloudfront:CreateDistribution*", "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution",
      "cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:CreateOriginAccessControl",
      "cloudfront:UpdateOriginAccessControl", "cloudfront:DeleteOriginAccessControl",
      "cloudfront:CreateInvalidation", "acm:RequestCertificate", "acm:AddTagsToCertificate",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "DeleteOnlyTaggedCertificates"
    actions   = ["acm:DeleteCertificate", "acm:RemoveTagsFromCertificate", "acm:UpdateCertificateOptions"]
    resources = ["${local.ap}:acm:${local.acc}:certificate/*"]

    condition {
      test     = local.resource_tagged.test
      variable = local.resource_tagged.variable
      values   = local.resource_tagged.values
    }
  }

  statement {
    sid = "RolesAndPoliciesByName"
    actions = [
      "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole",
      "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy",
      "iam:DetachRolePolicy", "iam:PassRole", "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion",
      "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy", "iam:CreateInstanceProfile",
      "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
      "iam:TagInstanceProfile",
    ]
    resources = [
      "${local.ap}:iam::${local.account_id}:role/${local.p}*",
      "${local.ap}:iam::${local.account_id}:policy/${local.p}*",
      "${local.ap}:iam::${local.account_id}:instance-profile/${local.p}*",
    ]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.ap}:iam::${local.account_id}:role/aws-service-role/*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "rds.amazonaws.com", "autoscaling.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"]
    }
  }

  statement {
    sid     = "DeliveryTierByName"
    actions = ["codepipeline:*", "codebuild:*", "states:*", "events:*"]
    resources = [
      "${local.ap}:codepipeline:${local.acc}:${local.p}*",
      "${local.ap}:codebuild:${local.acc}:project/${local.p}*",
      "${local.ap}:states:${local.acc}:stateMachine:${local.p}*",
      "${local.ap}:events:${local.acc}:rule/${local.p}*",
    ]
  }

  statement {
    sid = "MigrationLockTableByName"
    # The migration-task module's lock table (`<name>-migration-lock`); its items belong
    # to the runner and `zonke migrate`, so no item actions here.
    actions   = ["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:DescribeTimeToLive", "dynamodb:UpdateTimeToLive", "dynamodb:DescribeContinuousBackups", "dynamodb:UpdateContinuousBackups", "dynamodb:ListTagsOfResource", "dynamodb:TagResource", "dynamodb:UntagResource"]
    resources = ["${local.ap}:dynamodb:${local.acc}:table/${var.name}-migration-lock"]
  }

  statement {
    sid       = "UseTheSourceConnection"
    actions   = ["codestar-connections:PassConnection", "codeconnections:PassConnection", "codestar-connections:UseConnection", "codeconnections:UseConnection"]
    resources = [local.connection_arn]
  }

  statement {
    sid = "LogDeliveryForStepFunctions"
    # AWS forces "*": the CloudWatch Logs delivery APIs support no resource-level permissions.
    actions   = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies"]
    resources = ["*"]
  }
}

locals {
  infra_policies = {
    state   = data.aws_iam_policy_document.infra_state.json
    compute = data.aws_iam_policy_document.infra_compute.json
    app     = data.aws_iam_policy_document.infra_app.json
  }
}

# Managed policies, not inline: together they exceed the 10 KB a role's inline policies
# may hold, and each stays under the 6 KB a managed policy may hold.
resource "aws_iam_policy" "infra" {
  for_each = local.infra_policies

  name_prefix = "${substr(var.name, 0, 24)}-terraform-${each.key}-"
  description = "Terraform stage of ${var.name}: ${each.key}"
  policy      = each.value

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "infra" {
  for_each = local.infra_policies

  role       = aws_iam_role.infra.name
  policy_arn = aws_iam_policy.infra[each.key].arn
}
