# The stack's provider blocks. Every resource gets the default tags.
locals {
  default_tags = merge(var.tags, {
    "zonke:app"         = var.app_name
    "zonke:environment" = var.environment
    "zonke:stack"       = "${var.app_name}-${var.environment}"
    "zonke:managed-by"  = "zonke-tf"
  })
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.default_tags
  }
}

# CloudFront only uses ACM certificates from us-east-1: the site's certificate (domain.tf)
# is requested there, whatever the stack's region.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}
