# The only provider block of the stack. Every resource gets the default tags.
provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      "zonke:app"         = var.app_name
      "zonke:environment" = var.environment
      "zonke:stack"       = "${var.app_name}-${var.environment}"
      "zonke:managed-by"  = "zonke-tf"
    })
  }
}
