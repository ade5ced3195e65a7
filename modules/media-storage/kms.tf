# The media bucket's own key: CloudFront may decrypt for the given distribution only; the
# app's task role uses it through S3 (the ecs-service module's media_kms_key_arn).
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html#oac-permission-to-access-s3

data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_109:This document is the key's own key policy: "*" as its resource means this one key, and the only principals are this account and CloudFront for the one distribution.
  # checkov:skip=CKV_AWS_111:This document is the key's own key policy: "*" as its resource means this one key, and the only principals are this account and CloudFront for the one distribution.
  # checkov:skip=CKV_AWS_356:This document is the key's own key policy: "*" as its resource means this one key.
  # In a key policy, "*" means this key only.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudFrontDecryptsForTheDistribution"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [var.distribution_arn]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name} media: user uploads bucket"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json

  tags = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/zonke/${var.name}/media"
  target_key_id = aws_kms_key.this.key_id
}
