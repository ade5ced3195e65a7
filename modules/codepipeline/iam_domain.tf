# The Infrastructure role's permissions for a custom domain (examples/django-monolith/domain.tf):
# ACM certificates in the stack's region (the load balancer's) and us-east-1 (CloudFront's),
# DNS validation records and alias records in the domain's hosted zone. Nothing here
# without `domain_name`; only reads without `route53_zone_id`.
#
# The calls are the provider's: aws_acm_certificate requests (RequestCertificate, tags with
# it), reads (DescribeCertificate, ListTagsForCertificate), retags and deletes; the
# validation resource only reads; aws_route53_record reads the zone (GetHostedZone) and
# the record (ListResourceRecordSets), changes it (ChangeResourceRecordSets) and waits for
# the change (GetChange). Resources and condition keys per action:
# https://docs.aws.amazon.com/acm/latest/userguide/authen-apipermissions.html
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html
# Record changes are limited to the domain's own names and types; Route 53 compares the
# normalized names (lowercase, no trailing dot):
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-conditions-route53.html

locals {
  manage_dns = var.domain_name != null && var.route53_zone_id != null
  domain     = var.domain_name == null ? "" : lower(trimsuffix(var.domain_name, "."))
  # The certificates' regions: the load balancer's, and CloudFront's (always us-east-1).
  certificate_regions = distinct([local.region, "us-east-1"])
  certificate_arns    = [for r in local.certificate_regions : "${local.ap}:acm:${r}:${local.account_id}:certificate/*"]
  zone_arn            = "${local.ap}:route53:::hostedzone/${coalesce(var.route53_zone_id, "-")}"
}

data "aws_iam_policy_document" "infra_domain" {
  count = var.domain_name == null ? 0 : 1

  statement {
    sid       = "ReadCertificates"
    actions   = ["acm:DescribeCertificate", "acm:ListTagsForCertificate"]
    resources = local.certificate_arns
  }

  dynamic "statement" {
    for_each = local.manage_dns ? [1] : []

    # The Service Authorization Reference lists no resource type for RequestCertificate
    # ("*" only): its region, tag and names are conditions instead.
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscertificatemanager.html
    content {
      sid       = "RequestCertificatesOfTheDomainWithTheStackTag"
      actions   = ["acm:RequestCertificate"]
      resources = ["*"]

      condition {
        test     = "StringEquals"
        variable = "aws:RequestedRegion"
        values   = local.certificate_regions
      }

      condition {
        test     = local.request_tagged.test
        variable = local.request_tagged.variable
        values   = local.request_tagged.values
      }

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "acm:DomainNames"
        values   = [local.domain, "origin.${local.domain}"]
      }
    }
  }

  # Tags arrive with the request (and with every later change, from default_tags).
  dynamic "statement" {
    for_each = local.manage_dns ? [1] : []

    content {
      sid       = "TagCertificatesWithTheStackTag"
      actions   = ["acm:AddTagsToCertificate"]
      resources = local.certificate_arns

      condition {
        test     = local.request_tagged.test
        variable = local.request_tagged.variable
        values   = local.request_tagged.values
      }
    }
  }

  dynamic "statement" {
    for_each = local.manage_dns ? [1] : []

    content {
      sid       = "ChangeOnlyTaggedCertificates"
      actions   = ["acm:DeleteCertificate", "acm:RemoveTagsFromCertificate"]
      resources = local.certificate_arns

      condition {
        test     = local.resource_tagged.test
        variable = local.resource_tagged.variable
        values   = local.resource_tagged.values
      }
    }
  }

  dynamic "statement" {
    for_each = local.manage_dns ? [1] : []

    content {
      sid       = "ReadTheZone"
      actions   = ["route53:GetHostedZone", "route53:ListResourceRecordSets"]
      resources = [local.zone_arn]
    }
  }

  # The site's A/AAAA aliases, origin.<domain>'s A alias, and the certificates' CNAME
  # validation records (`_<token>.<name>`): no other name or type of the zone.
  dynamic "statement" {
    for_each = local.manage_dns ? [1] : []

    content {
      sid       = "ChangeTheDomainRecords"
      actions   = ["route53:ChangeResourceRecordSets"]
      resources = [local.zone_arn]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
        values   = [local.domain, "origin.${local.domain}", "_*.${local.domain}"]
      }

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "route53:ChangeResourceRecordSetsRecordTypes"
        values   = ["A", "AAAA", "CNAME"]
      }
    }
  }

  # A change's ID is generated: AWS names no zone in its ARN.
  dynamic "statement" {
    for_each = local.manage_dns ? [1] : []

    content {
      sid       = "WaitForTheRecordChanges"
      actions   = ["route53:GetChange"]
      resources = ["${local.ap}:route53:::change/*"]
    }
  }
}
