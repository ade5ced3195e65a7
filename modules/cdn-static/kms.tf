# Customer-managed key for the static bucket (and the origin secret parameter); CloudFront
# may decrypt for this distribution only. The key policy is a resource of its own: it
# names the distribution, whose origin header needs the secret encrypted with this key.

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

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
    sid       = "CloudFrontDecryptsForThisDistribution"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "${var.name} edge: static files bucket and origin secret"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = local.tags
}

resource "aws_kms_key_policy" "this" {
  count = local.create_kms_key ? 1 : 0

  key_id = aws_kms_key.this[0].id
  policy = data.aws_iam_policy_document.kms[0].json
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/zonke/${var.name}/static"
  target_key_id = aws_kms_key.this[0].key_id
}
